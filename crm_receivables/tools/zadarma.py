"""Zadarma (Задарма) cloud PBX: webhook signatures, events and API requests. Pure, no ORM.

Zadarma POSTs a form whose ``event`` field names the event, and signs it in the ``Signature`` header:
``base64(hex(HMAC-SHA1(secret, fields)))`` — the PHP of Zadarma's documentation,
``base64_encode(hash_hmac('sha1', $data, $secret))``, whose ``hash_hmac`` returns the hex digest — over the
concatenation of documented fields, per event (:data:`SIGNED_FIELDS`). When the URL is set in the Zadarma
account, Zadarma first checks it with ``GET ?zd_echo=<value>`` and expects the value back.

``call_start`` is a local time ``YYYY-MM-DD HH:MM:SS`` of the account's time zone; ``pbx_call_id`` is the
same for every event of one call; ``duration`` is the talk time in seconds; ``disposition`` is
``answered``, ``busy``, ``cancel``, ``no answer``, ``failed``… (``NOTIFY_END``/``NOTIFY_OUT_END``).

API requests (``/v1/request/callback/``…) are signed with ``Authorization: <key>:<signature>``,
signature = ``base64(hex(HMAC-SHA1(secret, method + params + md5(params))))``, params sorted by name and
URL-encoded with ``+`` for spaces.
"""

import base64
import hashlib
import hmac
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import telephony

PROVIDER = "zadarma"
DEFAULT_API_URL = "https://api.zadarma.com"
DEFAULT_TZ = "Europe/Moscow"

# event -> fields concatenated for the signature (Zadarma's documentation and its user-api-v1 classes)
SIGNED_FIELDS = {
    "NOTIFY_START": ("caller_id", "called_did", "call_start"),
    "NOTIFY_INTERNAL": ("caller_id", "called_did", "call_start"),
    "NOTIFY_ANSWER": ("caller_id", "destination", "call_start"),
    "NOTIFY_END": ("caller_id", "called_did", "call_start"),
    "NOTIFY_OUT_START": ("internal", "destination", "call_start"),
    "NOTIFY_OUT_END": ("internal", "destination", "call_start"),
    "NOTIFY_RECORD": ("pbx_call_id", "call_id_with_rec"),
}


def _hmac_b64(secret, data):
    digest = hmac.new(secret.encode(), data.encode(), hashlib.sha1).hexdigest()
    return base64.b64encode(digest.encode()).decode()


def signature_string(form):
    """The string Zadarma signs for this event (empty string for an unknown event).

    ``NOTIFY_ANSWER`` is documented with ``destination``; when a sender puts the called number in
    ``called_did`` instead, that one is used.

    :param dict form: the POSTed fields
    :return: str
    """
    fields = SIGNED_FIELDS.get(form.get("event"), ())
    if form.get("event") == "NOTIFY_ANSWER" and not form.get("destination"):
        fields = ("caller_id", "called_did", "call_start")
    return "".join(str(form.get(name) or "") for name in fields)


def sign(secret, form):
    """The ``Signature`` header Zadarma sends with this form.

    :param str secret: the company's Zadarma API secret
    :param dict form: the POSTed fields (with ``event``)
    :return: str (base64)
    """
    return _hmac_b64(secret, signature_string(form))


def verify(form, signature, secret):
    """True when ``signature`` is Zadarma's for this form and secret (constant-time comparison).

    :param dict form: the POSTed fields
    :param str signature: the ``Signature`` header
    :param str secret: the company's API secret; an empty secret never verifies
    :return: bool
    """
    if not secret or not isinstance(signature, str) or form.get("event") not in SIGNED_FIELDS:
        return False
    return hmac.compare_digest(signature.strip().encode(), sign(secret, form).encode())


def parse_local_time(value, tz_name=DEFAULT_TZ, field="call_start"):
    """``YYYY-MM-DD HH:MM:SS`` in the account's time zone to a naive UTC ``datetime`` (``None`` if empty)."""
    value = telephony.text(value, field)
    if not value:
        return None
    try:
        local = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError as error:
        raise telephony.EventError(field, f"'{field}' must be 'YYYY-MM-DD HH:MM:SS'") from error
    try:
        zone = ZoneInfo(tz_name or DEFAULT_TZ)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(DEFAULT_TZ)
    return local.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def parse(form, tz_name=DEFAULT_TZ):
    """Turn one Zadarma notification into a normalised event (see :mod:`.telephony`).

    :param dict form: the POSTed fields
    :param str tz_name: the account's time zone (for ``call_start``)
    :return: a normalised event dict
    :raise telephony.EventError: on an unknown event or a missing field
    """
    event = form.get("event")
    if event not in SIGNED_FIELDS:
        raise telephony.EventError("event", f"unknown Zadarma event '{event}'")
    call_ref = telephony.text(form.get("pbx_call_id"), "pbx_call_id", required=True)
    if event == "NOTIFY_RECORD":
        recording = telephony.text(form.get("call_id_with_rec"), "call_id_with_rec", required=True)
        return telephony.make_event(PROVIDER, call_ref, f"{event}/{recording}", "recording",
                                    recording_ref=recording)
    started = parse_local_time(form.get("call_start"), tz_name)
    internal = telephony.text(form.get("internal"), "internal")
    outgoing = event.startswith("NOTIFY_OUT")
    number = telephony.text(form.get("destination") if outgoing else form.get("caller_id"),
                            "destination" if outgoing else "caller_id", required=True)
    values = {"direction": "outgoing" if outgoing else "incoming", "number": number, "started_at": started,
              "extension": internal}
    key = event
    if event in ("NOTIFY_START", "NOTIFY_INTERNAL", "NOTIFY_OUT_START"):
        kind = "ringing"
        values["at"] = started
        if event == "NOTIFY_INTERNAL":
            key = f"{event}/{internal or ''}"
    elif event == "NOTIFY_ANSWER":
        kind = "answered"
        values["answered"] = True
        key = f"{event}/{internal or ''}"
    else:  # NOTIFY_END, NOTIFY_OUT_END
        kind = "ended"
        disposition = telephony.text(form.get("disposition"), "disposition")
        talk = telephony.seconds(form.get("duration"), "duration")
        values.update(disposition=disposition, answered=disposition == "answered", duration=talk)
        if form.get("is_recorded") in ("1", 1) and form.get("call_id_with_rec"):
            values["recording_ref"] = telephony.text(form.get("call_id_with_rec"), "call_id_with_rec")
    return telephony.make_event(PROVIDER, call_ref, key, kind, **values)


def api_request(api_url, key, secret, method, params):
    """A signed GET request of the Zadarma API.

    :param str api_url: base URL (``https://api.zadarma.com``)
    :param str key: the company's API key
    :param str secret: the company's API secret
    :param str method: the API method path, e.g. ``/v1/request/callback/``
    :param dict params: query parameters
    :return: ``(url, headers)``
    """
    query = urlencode(sorted((name, str(value)) for name, value in params.items()))
    data = method + query + hashlib.md5(query.encode()).hexdigest()  # noqa: S324 - Zadarma's documented scheme
    headers = {"Authorization": f"{key}:{_hmac_b64(secret, data)}"}
    return f"{api_url.rstrip('/')}{method}?{query}", headers


def callback_request(api_url, key, secret, extension, number):
    """The call-back request: Zadarma rings the collector's extension first, then dials the number.

    :return: ``(url, headers)`` of a GET request
    """
    return api_request(api_url, key, secret, "/v1/request/callback/", {"from": extension, "to": number})


def recording_request(api_url, key, secret, call_id_with_rec):
    """The request for a temporary link to a call recording (``{"status": "success", "link": …}``).

    :return: ``(url, headers)`` of a GET request
    """
    return api_request(api_url, key, secret, "/v1/pbx/record/request/", {"call_id": call_id_with_rec})


def verify_api_signature(headers_value, key, secret, method, query):
    """Check an ``Authorization`` header of an API request (used by test servers standing in for Zadarma).

    :return: bool
    """
    expected = f"{key}:{_hmac_b64(secret, method + query + hashlib.md5(query.encode()).hexdigest())}"  # noqa: S324
    return hmac.compare_digest((headers_value or "").encode(), expected.encode())
