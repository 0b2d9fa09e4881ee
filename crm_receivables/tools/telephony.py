"""Calls reported by cloud exchanges, whatever the provider: one normalised event, one merged call.

Pure functions, no ORM. Each provider module (:mod:`.mango`, :mod:`.zadarma`) turns its webhook into
**normalised events** (:func:`make_event`); the calls service folds the events of one provider call, in
whatever order they arrive, with :func:`merge` into a **call state** (a plain dict), and reads the result
with :func:`outcome` and :func:`duration`.

A normalised event is a dict::

    {"provider": "zadarma", "call_ref": "in_123", "event_key": "NOTIFY_END",
     "kind": "ended",             # ringing | answered | ended | summary | recording
     "direction": "incoming",     # incoming | outgoing | None (unknown from this event)
     "number": "+79123456789",    # the customer's number as received, or None
     "extension": "101",          # the collector's extension, or None
     "at": datetime,              # naive UTC moment of the event, or None
     "started_at": datetime,      # naive UTC start of the call when the event says it, or None
     "answered": True,            # True / False when the event knows, else None
     "duration": 42,              # talk seconds when the event says it, else None
     "recording_ref": "…",        # provider's recording id, or None
     "disposition": "answered"}   # provider's word for the end of the call, or None
"""

from datetime import UTC, datetime

from ..const import DIRECTIONS as DIRECTION_SELECTION

KINDS = ("ringing", "answered", "ended", "summary", "recording")
DIRECTIONS = tuple(key for key, _label in DIRECTION_SELECTION)
MAX_DURATION = 24 * 3600
MAX_TEXT = 120


class EventError(ValueError):
    """The webhook is not a call event we understand; ``field`` names the culprit."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


def text(value, field=None, required=False):
    """A clean short string from a form or JSON value (numbers accepted), ``None`` when empty.

    :param value: the raw value
    :param str field: its name, for the error
    :param bool required: raise :class:`EventError` when empty
    :return: str or None
    """
    if isinstance(value, bool):
        value = None
    if isinstance(value, int | float):
        value = str(value)
    if value is not None and not isinstance(value, str):
        raise EventError(field, f"'{field}' must be a string")
    value = (value or "").strip()[:MAX_TEXT] or None
    if required and not value:
        raise EventError(field, f"'{field}' is required")
    return value


def seconds(value, field):
    """A duration in seconds (``"42"``, ``42``) or ``None``; refuses negatives and absurd values."""
    if value in (None, ""):
        return None
    try:
        number = int(float(value))
    except (TypeError, ValueError) as error:
        raise EventError(field, f"'{field}' must be a number of seconds") from error
    if not 0 <= number <= MAX_DURATION:
        raise EventError(field, f"'{field}' must be between 0 and {MAX_DURATION} seconds")
    return number


def from_unix(value, field):
    """Unix time (seconds, as number or string) to a naive UTC ``datetime``; ``None`` when empty or 0."""
    if value in (None, "", 0, "0"):
        return None
    try:
        stamp = float(value)
    except (TypeError, ValueError) as error:
        raise EventError(field, f"'{field}' must be a Unix time") from error
    if stamp > 1e11:  # milliseconds
        stamp /= 1000.0
    try:
        return datetime.fromtimestamp(stamp, UTC).replace(tzinfo=None, microsecond=0)
    except (OverflowError, OSError, ValueError) as error:
        raise EventError(field, f"'{field}' is out of range") from error


def make_event(provider, call_ref, event_key, kind, **values):
    """Build a normalised event (see the module docstring); unknown keys are refused.

    :return: dict with every key of a normalised event
    """
    if kind not in KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    event = {
        "provider": provider, "call_ref": call_ref, "event_key": event_key, "kind": kind,
        "direction": None, "number": None, "extension": None, "at": None, "started_at": None,
        "answered": None, "duration": None, "recording_ref": None, "disposition": None,
    }
    unknown = set(values) - set(event)
    if unknown:
        raise ValueError(f"unknown event values {sorted(unknown)}")
    event.update(values)
    return event


def empty_state():
    """The state of a call no event has touched yet."""
    return {
        "direction": None, "number": None, "extension": None, "started_at": None, "answered_at": None,
        "ended_at": None, "answered": None, "duration": None, "recording_ref": None, "disposition": None,
        "final": False, "authoritative": False,
    }


def _earliest(first, second):
    return min(filter(None, (first, second)), default=None)


def _latest(first, second):
    return max(filter(None, (first, second)), default=None)


def merge(state, event):
    """Fold one event into a call state; the order of events does not matter for the result.

    A ``summary`` event (the provider's own account of the finished call) is authoritative for the
    answer and the duration; ``ended`` events finish the call; ``answered`` only ever turns the call
    into answered (a late "not answered" leg does not undo an answer).

    :param dict state: current state (from :func:`empty_state` or a previous merge); not modified
    :param dict event: a normalised event
    :return: the new state (dict)
    """
    new = dict(state)
    kind = event["kind"]
    authoritative = kind == "summary"
    for key in ("direction", "number", "extension", "recording_ref"):
        if event.get(key) and (authoritative or not new.get(key) or (key == "extension" and kind != "ringing")):
            new[key] = event[key]
    new["started_at"] = _earliest(new["started_at"], event.get("started_at"))
    if kind == "ringing":
        new["started_at"] = _earliest(new["started_at"], event.get("at"))
    if kind == "answered":
        new["answered_at"] = _earliest(new["answered_at"], event.get("at"))
        if not new["authoritative"]:
            new["answered"] = True
    if kind in ("ended", "summary"):
        new["final"] = True
        new["ended_at"] = _latest(new["ended_at"], event.get("at"))
        if event.get("disposition") and (authoritative or not new["disposition"]):
            new["disposition"] = event["disposition"]
    if event.get("answered") is not None and (authoritative or not new["authoritative"]):
        if authoritative:
            new["answered"] = event["answered"]
        else:
            new["answered"] = bool(new["answered"]) or event["answered"]
    if event.get("duration") is not None and (authoritative or not new["authoritative"]):
        new["duration"] = event["duration"] if authoritative else max(new["duration"] or 0, event["duration"])
    if authoritative:
        new["authoritative"] = True
    return new


def duration(state):
    """Talk time of the call in seconds: the provider's figure, else answer-to-end, else 0."""
    if state.get("duration") is not None:
        return state["duration"]
    if state.get("answered") and state.get("answered_at") and state.get("ended_at"):
        return max(0, min(MAX_DURATION, int((state["ended_at"] - state["answered_at"]).total_seconds())))
    return 0


def outcome(state):
    """What became of the call.

    :return: ``"ringing"`` (not finished), ``"answered"``, or ``"missed"`` (finished, never answered)
    """
    if not state.get("final"):
        return "answered" if state.get("answered") else "ringing"
    return "answered" if state.get("answered") else "missed"
