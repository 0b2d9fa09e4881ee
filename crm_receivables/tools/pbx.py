"""Validation of the calls a telephone exchange (PBX) reports. Pure functions, no ORM.

A call is a JSON object::

    {"phone": "+7 912 345-67-89", "direction": "incoming", "duration": 95,
     "date": "2026-03-01T10:15:00Z", "agent": "ivanov@example.com", "outcome": "reached",
     "summary": "…", "call_id": "pbx-123"}

Only ``phone`` and ``direction`` are required; ``duration`` is in seconds.
"""

from datetime import UTC, datetime

from .telephony import DIRECTIONS, MAX_DURATION

MAX_TEXT = 500


class PayloadError(ValueError):
    """The payload is malformed; ``field`` names the culprit."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


def _text(data, key, required=False):
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise PayloadError(key, f"'{key}' is required")
        return None
    if not isinstance(value, str):
        raise PayloadError(key, f"'{key}' must be a string")
    value = value.strip()
    if required and not value:
        raise PayloadError(key, f"'{key}' is required")
    return value[:MAX_TEXT] or None


def parse_datetime(value):
    """ISO 8601 date-time to a naive UTC ``datetime`` (Odoo's convention); ``None`` if absent."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise PayloadError("date", "'date' must be an ISO 8601 string")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise PayloadError("date", "'date' must be an ISO 8601 date-time") from error
    if parsed.tzinfo:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def parse_call(data):
    """Check a call payload and return clean values.

    :param data: the decoded JSON body
    :return: dict with ``phone``, ``direction``, ``duration_hours`` (float), ``date`` (naive UTC or None),
        ``agent``, ``outcome``, ``summary``, ``call_id``
    :raise PayloadError: on any malformed field
    """
    if not isinstance(data, dict):
        raise PayloadError("body", "the body must be a JSON object")
    direction = _text(data, "direction", required=True)
    if direction not in DIRECTIONS:
        raise PayloadError("direction", "'direction' must be 'incoming' or 'outgoing'")
    duration = data.get("duration", 0) or 0
    if isinstance(duration, bool) or not isinstance(duration, int | float) or not 0 <= duration <= MAX_DURATION:
        raise PayloadError("duration", "'duration' must be a number of seconds between 0 and 86400")
    return {
        "phone": _text(data, "phone", required=True),
        "direction": direction,
        "duration_hours": round(duration / 3600.0, 4),
        "date": parse_datetime(data.get("date")),
        "agent": _text(data, "agent"),
        "outcome": _text(data, "outcome"),
        "summary": _text(data, "summary"),
        "call_id": _text(data, "call_id"),
    }


def bearer_token(header):
    """The token of an ``Authorization: Bearer <token>`` header, or ``None``."""
    if not header or not isinstance(header, str):
        return None
    scheme, _sep, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
