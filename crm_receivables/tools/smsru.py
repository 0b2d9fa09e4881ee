"""SMS.ru gateway: requests, answers and delivery statuses mapped to Odoo's SMS states. Pure, no ORM.

SMS.ru's HTTP API (``https://sms.ru/api``): ``POST /sms/send`` with ``api_id``, ``to`` (up to 100 numbers,
comma-separated), ``msg``, optional ``from`` (an approved sender name) and ``json=1``; the answer gives,
per number, ``status`` (``OK``/``ERROR``), ``status_code`` and ``sms_id``. ``POST /sms/status`` with
``sms_id`` (comma-separated) answers the delivery status code of each message. SMS.ru can also call a
URL of ours with ``data[N] = "sms_status\\n<sms_id>\\n<status_code>\\n<unix time>"`` lines and expects
``100`` in answer.
"""

from urllib.parse import urlencode

DEFAULT_API_URL = "https://sms.ru"
MAX_NUMBERS = 100

# delivery status code -> (Odoo sms.sms state, provider error for sms.tracker or None)
STATUS_TO_STATE = {
    100: ("pending", None),   # accepted, queued at SMS.ru
    101: ("pending", None),   # being passed to the operator
    102: ("pending", None),   # sent, on its way
    103: ("sent", None),      # delivered
    104: ("error", "expired"),  # not delivered: its lifetime ran out
    105: ("error", "not_delivered"),  # deleted by the operator
    106: ("error", "invalid_destination"),  # the phone failed
    107: ("error", "not_delivered"),  # not delivered, reason unknown
    108: ("error", "rejected"),  # rejected
    110: ("sent", None),      # read (messengers)
    150: ("error", "not_delivered"),  # no route to this number
}

# error code of a send request -> sms.sms failure_type
SEND_ERROR_TO_FAILURE = {
    200: "sms_acc",       # wrong api_id
    201: "sms_credit",    # not enough money on the account
    202: "sms_number_format",  # wrong recipient number
    204: "sms_acc",       # sender name not approved
    207: "sms_country_not_supported",  # no route to this number
    220: "sms_server",    # service temporarily unavailable
    230: "sms_credit",    # daily limit reached
    301: "sms_acc",       # wrong credentials
    302: "sms_acc",       # account not confirmed
}


def number_key(number):
    """The digits SMS.ru keys its answer with (``+7 (912) 345-67-89`` -> ``79123456789``)."""
    return "".join(char for char in str(number or "") if char.isdigit())


def send_request(api_url, api_id, numbers, text, sender=None, test=False):
    """The ``/sms/send`` request for one text to several numbers.

    :param str api_url: base URL (``https://sms.ru``)
    :param str api_id: the company's API key
    :param list numbers: recipients (any format; sent as digits)
    :param str text: the message
    :param str sender: approved sender name, or None for the account's default
    :param bool test: SMS.ru's test mode (nothing is sent, nothing billed)
    :return: ``(url, form_fields)``
    """
    if len(numbers) > MAX_NUMBERS:
        raise ValueError(f"SMS.ru takes at most {MAX_NUMBERS} numbers per request")
    data = {"api_id": api_id, "to": ",".join(number_key(number) for number in numbers), "msg": text, "json": 1}
    if sender:
        data["from"] = sender
    if test:
        data["test"] = 1
    return f"{api_url.rstrip('/')}/sms/send", data


def parse_send_response(payload, numbers):
    """What became of each number of a send request.

    :param dict payload: the decoded JSON answer
    :param list numbers: the numbers as given to :func:`send_request`
    :return: dict number -> ``{"ok": bool, "sms_id": str|None, "failure_type": str|None, "code": int|None,
        "text": str}``
    """
    results = {}
    if not isinstance(payload, dict) or payload.get("status") != "OK":
        code = _code(payload.get("status_code")) if isinstance(payload, dict) else None
        text = str(payload.get("status_text") or "") if isinstance(payload, dict) else "invalid answer"
        failure = SEND_ERROR_TO_FAILURE.get(code, "sms_server")
        return {number: {"ok": False, "sms_id": None, "failure_type": failure, "code": code, "text": text}
                for number in numbers}
    per_number = payload.get("sms") or {}
    for number in numbers:
        entry = per_number.get(number_key(number)) if isinstance(per_number, dict) else None
        if not isinstance(entry, dict):
            results[number] = {"ok": False, "sms_id": None, "failure_type": "sms_server", "code": None,
                               "text": "no answer for this number"}
            continue
        code = _code(entry.get("status_code"))
        if entry.get("status") == "OK" and entry.get("sms_id"):
            results[number] = {"ok": True, "sms_id": str(entry["sms_id"]), "failure_type": None, "code": code,
                               "text": ""}
        else:
            results[number] = {"ok": False, "sms_id": None, "code": code,
                               "failure_type": SEND_ERROR_TO_FAILURE.get(code, "sms_server"),
                               "text": str(entry.get("status_text") or "")}
    return results


def status_request(api_url, api_id, sms_ids):
    """The ``/sms/status`` request for up to 100 messages.

    :return: ``(url, form_fields)``
    """
    if len(sms_ids) > MAX_NUMBERS:
        raise ValueError(f"SMS.ru takes at most {MAX_NUMBERS} ids per request")
    return f"{api_url.rstrip('/')}/sms/status", {"api_id": api_id, "sms_id": ",".join(sms_ids), "json": 1}


def parse_status_response(payload):
    """Delivery status code of each message of a status answer.

    :return: dict sms_id -> int status code (ids SMS.ru did not answer for are left out)
    """
    if not isinstance(payload, dict) or payload.get("status") != "OK" or not isinstance(payload.get("sms"), dict):
        return {}
    statuses = {}
    for sms_id, entry in payload["sms"].items():
        code = _code(entry.get("status_code")) if isinstance(entry, dict) else None
        if code is not None and code in STATUS_TO_STATE:
            statuses[str(sms_id)] = code
    return statuses


def parse_callback(form_items):
    """Status lines of an SMS.ru callback (``data[0]``, ``data[1]``… fields).

    :param list form_items: ``(name, value)`` pairs of the POSTed form
    :return: dict sms_id -> int status code (other kinds of lines are ignored)
    """
    statuses = {}
    for name, value in form_items:
        if not (name == "data" or name.startswith("data[")) or not isinstance(value, str):
            continue
        lines = value.replace("\r", "").split("\n")
        if len(lines) >= 3 and lines[0] == "sms_status":
            code = _code(lines[2])
            if code in STATUS_TO_STATE and lines[1].strip():
                statuses[lines[1].strip()] = code
    return statuses


def state_of(code):
    """``(sms.sms state, provider error or None)`` of a delivery status code; ``None`` if unknown."""
    return STATUS_TO_STATE.get(code)


def callback_body(statuses):
    """Form-encode status lines as SMS.ru posts them (used by the tests' stand-in for SMS.ru)."""
    return urlencode([(f"data[{index}]", f"sms_status\n{sms_id}\n{code}\n0")
                      for index, (sms_id, code) in enumerate(statuses.items())])


def _code(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
