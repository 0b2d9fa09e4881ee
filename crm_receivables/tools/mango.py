"""Mango Office (Манго Офис) virtual PBX: webhook signatures, events and API commands. Pure, no ORM.

Mango calls the company's URL with a form POST of three fields: ``vpbx_api_key`` (the company's API key),
``json`` (the event) and ``sign`` = hex SHA-256 of ``vpbx_api_key + json + salt`` (the "подпись" of the
VPBX API; the salt is the API signing key shown next to the API key in the Mango account). The same three
fields sign the commands we send to Mango (``/vpbx/commands/callback``).

Events (the URL path names them):

- ``/events/call``: one leg of a call changes state: ``call_state`` ``Appeared`` (ringing), ``Connected``,
  ``OnHold``, ``Disconnected``; ``entry_id`` groups the legs of one call, ``call_id`` is the leg,
  ``seq`` orders its events, ``timestamp`` is Unix time, ``location`` is ``ivr``, ``queue`` or ``abonent``
  (an employee), ``from``/``to`` are ``{"extension", "number"}``.
- ``/events/summary``: the finished call: ``call_direction`` (1 incoming, 2 outgoing, 0 internal),
  ``create_time``, ``talk_time`` (0 when nobody answered), ``end_time``, ``entry_result`` (1 answered).
- ``/events/recording`` (``recording_state`` ``Started``/``Completed``) and ``/events/record/added``:
  a recording of the call (``recording_id``) is ready.
"""

import hashlib
import hmac
import json
import uuid

from . import telephony

PROVIDER = "mango"
DEFAULT_API_URL = "https://app.mango-office.ru/vpbx"
EVENT_KINDS = ("call", "summary", "recording", "record_added")


def sign(api_key, json_text, salt):
    """The ``sign`` field: hex SHA-256 of ``api_key + json_text + salt`` (UTF-8).

    :param str api_key: the company's VPBX API key
    :param str json_text: the ``json`` field exactly as sent
    :param str salt: the company's API salt (signing key)
    :return: str, 64 lowercase hex digits
    """
    return hashlib.sha256(f"{api_key}{json_text}{salt}".encode()).hexdigest()


def verify(form, api_key, salt):
    """True when the form comes from Mango for this company: right key and right signature.

    Both comparisons run in constant time; a missing key, salt or field is never valid.

    :param dict form: the POSTed fields (``vpbx_api_key``, ``sign``, ``json``)
    :param str api_key: the company's API key
    :param str salt: the company's API salt
    :return: bool
    """
    given_key, given_sign, json_text = (form.get(name) for name in ("vpbx_api_key", "sign", "json"))
    if not (api_key and salt and isinstance(given_key, str) and isinstance(given_sign, str)
            and isinstance(json_text, str)):
        return False
    key_ok = hmac.compare_digest(given_key.encode(), api_key.encode())
    sign_ok = hmac.compare_digest(given_sign.strip().lower().encode(), sign(api_key, json_text, salt).encode())
    return key_ok and sign_ok


def _party(data, name):
    party = data.get(name) or {}
    if not isinstance(party, dict):
        raise telephony.EventError(name, f"'{name}' must be an object")
    return (telephony.text(party.get("extension"), f"{name}.extension"),
            telephony.text(party.get("number"), f"{name}.number"))


def _sides(data):
    """Direction, customer number and extension of a call from its ``from`` and ``to`` parties."""
    from_ext, from_number = _party(data, "from")
    to_ext, to_number = _party(data, "to")
    if from_ext and not to_ext and to_number:
        return "outgoing", to_number, from_ext
    if from_number and not from_ext:
        return "incoming", from_number, to_ext
    return None, None, None  # internal call, or nothing to go on


def parse(kind, json_text):
    """Turn one Mango webhook into a normalised event (see :mod:`.telephony`).

    :param str kind: which event URL was called: ``call``, ``summary``, ``recording`` or ``record_added``
    :param str json_text: the ``json`` form field
    :return: a normalised event dict, or ``None`` for events that say nothing about a customer call
        (internal calls, ``OnHold``, a recording that only started)
    :raise telephony.EventError: on malformed JSON or fields
    """
    if kind not in EVENT_KINDS:
        raise telephony.EventError("event", f"unknown Mango event '{kind}'")
    try:
        data = json.loads(json_text or "")
    except ValueError as error:
        raise telephony.EventError("json", "the 'json' field is not valid JSON") from error
    if not isinstance(data, dict):
        raise telephony.EventError("json", "the 'json' field must be an object")
    entry_id = telephony.text(data.get("entry_id"), "entry_id", required=True)
    if kind == "call":
        return _parse_call(entry_id, data)
    if kind == "summary":
        return _parse_summary(entry_id, data)
    recording_id = telephony.text(data.get("recording_id"), "recording_id", required=True)
    if kind == "recording" and (data.get("recording_state") or "Completed") != "Completed":
        return None
    return telephony.make_event(PROVIDER, entry_id, f"recording/{recording_id}", "recording",
                                recording_ref=recording_id, at=telephony.from_unix(data.get("timestamp"), "timestamp"))


def _parse_call(entry_id, data):
    state = telephony.text(data.get("call_state"), "call_state", required=True)
    if state not in ("Appeared", "Connected", "OnHold", "Disconnected"):
        raise telephony.EventError("call_state", f"unknown call_state '{state}'")
    if state == "OnHold":
        return None
    direction, number, extension = _sides(data)
    if not direction:
        return None
    call_id = telephony.text(data.get("call_id"), "call_id") or ""
    seq = telephony.text(data.get("seq"), "seq") or ""
    at = telephony.from_unix(data.get("timestamp"), "timestamp")
    location = data.get("location")
    at_employee = location == "abonent" or (location is None and bool(extension))
    values = {"direction": direction, "number": number, "at": at}
    if state == "Appeared":
        kind = "ringing"
        if at_employee:
            values["extension"] = extension
    elif state == "Connected":
        if not at_employee:  # the voice menu or the queue took the call, not yet a person
            return None
        kind = "answered"
        values.update(extension=extension, answered=True)
    else:
        kind = "ended"
        values["disposition"] = telephony.text(data.get("disconnect_reason"), "disconnect_reason")
    return telephony.make_event(PROVIDER, entry_id, f"call/{call_id}/{seq}/{state}", kind, **values)


def _parse_summary(entry_id, data):
    direction = {1: "incoming", 2: "outgoing"}.get(_int(data.get("call_direction"), "call_direction"))
    if not direction:
        return None
    from_ext, from_number = _party(data, "from")
    to_ext, to_number = _party(data, "to")
    number, extension = (from_number, to_ext) if direction == "incoming" else (to_number, from_ext)
    talk = telephony.from_unix(data.get("talk_time"), "talk_time")
    end = telephony.from_unix(data.get("end_time"), "end_time")
    answered = _int(data.get("entry_result"), "entry_result") == 1 and bool(talk)
    talk_seconds = int((end - talk).total_seconds()) if answered and end and end >= talk else 0
    return telephony.make_event(
        PROVIDER, entry_id, "summary", "summary", direction=direction, number=number, extension=extension,
        at=end, started_at=telephony.from_unix(data.get("create_time"), "create_time"), answered=answered,
        duration=min(talk_seconds, telephony.MAX_DURATION),
        disposition=telephony.text(data.get("disconnect_reason"), "disconnect_reason"),
    )


def _int(value, field):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise telephony.EventError(field, f"'{field}' must be a number") from error


def command(api_key, salt, payload):
    """Form fields of a signed VPBX API command.

    :param str api_key: the company's API key
    :param str salt: the company's API salt
    :param dict payload: the command's JSON object
    :return: dict ``{"vpbx_api_key", "sign", "json"}`` to POST as a form
    """
    json_text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return {"vpbx_api_key": api_key, "sign": sign(api_key, json_text, salt), "json": json_text}


def callback_request(api_url, api_key, salt, extension, number, command_id=None):
    """The "call back" command: Mango rings the employee's extension first, then dials the number.

    :param str api_url: base URL of the API (``https://app.mango-office.ru/vpbx``)
    :param str extension: the collector's extension
    :param str number: the customer's number, digits with country code (``79123456789``)
    :param str command_id: our id of the command (a new UUID by default)
    :return: ``(url, form_fields)``
    """
    payload = {"command_id": command_id or uuid.uuid4().hex, "from": {"extension": extension},
               "to_number": number}
    return f"{api_url.rstrip('/')}/commands/callback", command(api_key, salt, payload)


def recording_request(api_url, api_key, salt, recording_id):
    """The "play recording" query (answers with a redirect to a temporary link or the audio itself).

    :return: ``(url, form_fields)``
    """
    payload = {"recording_id": recording_id, "action": "play"}
    return f"{api_url.rstrip('/')}/queries/recording/post", command(api_key, salt, payload)


def parse_command_result(payload):
    """True when Mango accepted a command (``{"result": 1000}``); the error code otherwise."""
    if isinstance(payload, dict) and str(payload.get("result")) == "1000":
        return True
    return payload.get("result") if isinstance(payload, dict) else None
