"""SMS: parts of GSM-7 and Cyrillic (UCS-2) texts, SMS.ru requests, answers and delivery statuses."""

import json
from pathlib import Path

import pytest

from crm_receivables.tools import sms_parts, smsru

DATA = Path(__file__).resolve().parents[2] / "crm_receivables" / "tests" / "data" / "telephony"


@pytest.mark.parametrize("text,encoding,length,parts", [
    ("", "gsm7", 0, 0),
    ("Hello", "gsm7", 5, 1),
    ("a" * 160, "gsm7", 160, 1),
    ("a" * 161, "gsm7", 161, 2),
    ("a" * 306, "gsm7", 306, 2),
    ("a" * 307, "gsm7", 307, 3),
    ("{}" * 80, "gsm7", 320, 3),  # extension characters take two places
    ("€" * 80, "gsm7", 160, 1),
    ("Привет", "ucs2", 6, 1),
    ("я" * 70, "ucs2", 70, 1),
    ("я" * 71, "ucs2", 71, 2),
    ("я" * 134, "ucs2", 134, 2),
    ("я" * 135, "ucs2", 135, 3),
    ("a" * 159 + "ё", "ucs2", 160, 3),  # one Cyrillic letter turns the whole text into UCS-2
    ("😀" * 35, "ucs2", 70, 1),  # outside the basic plane: two UTF-16 units each
    ("«Оплата»", "ucs2", 8, 1),
])
def test_parts(text, encoding, length, parts):
    result = sms_parts.count(text)
    assert (result["encoding"], result["length"], result["parts"]) == (encoding, length, parts)


def test_remaining_in_last_part():
    assert sms_parts.count("я" * 71)["remaining"] == 67 * 2 - 71
    assert sms_parts.count("Hello")["remaining"] == 155
    assert sms_parts.count("Ваш долг 12 500 ₽ по счёту №15. Оплатите до 05.03.")["per_part"] == 70


def _samples():
    return json.loads((DATA / "smsru_send.json").read_text(encoding="utf-8"))


def test_send_request():
    url, data = smsru.send_request("http://127.0.0.1:1/", "API-ID", ["+7 (916) 123-45-67", "84993221627"],
                                   "Текст", sender="Company")
    assert url == "http://127.0.0.1:1/sms/send"
    assert data == {"api_id": "API-ID", "to": "79161234567,84993221627", "msg": "Текст", "json": 1,
                    "from": "Company"}
    with pytest.raises(ValueError):
        smsru.send_request("u", "k", ["1"] * 101, "x")


def test_send_answer_per_number():
    result = smsru.parse_send_response(_samples()["send_ok"], ["+79161234567", "74993221627", "79990000000"])
    assert result["+79161234567"] == {"ok": True, "sms_id": "000000-10000000", "failure_type": None,
                                      "code": 100, "text": ""}
    assert result["74993221627"]["ok"] is False
    assert result["74993221627"]["failure_type"] == "sms_country_not_supported"
    assert result["79990000000"]["failure_type"] == "sms_server", "a number SMS.ru did not answer for"


def test_send_answer_global_error():
    result = smsru.parse_send_response(_samples()["send_error"], ["79161234567"])
    assert result["79161234567"]["failure_type"] == "sms_acc" and result["79161234567"]["code"] == 200
    assert smsru.parse_send_response("garbage", ["1"])["1"]["failure_type"] == "sms_server"


def test_statuses_and_their_odoo_states():
    statuses = smsru.parse_status_response(_samples()["status_ok"])
    assert statuses == {"000000-10000000": 103, "000000-10000001": 104}
    assert smsru.state_of(103) == ("sent", None)
    assert smsru.state_of(104) == ("error", "expired")
    assert smsru.state_of(102) == ("pending", None)
    assert smsru.state_of(999) is None
    assert smsru.parse_status_response({"status": "ERROR"}) == {}


def test_callback_lines():
    items = [("data[0]", "sms_status\n000000-1\n103\n1772433000"), ("data[1]", "callcheck_status\n1\n401"),
             ("data[2]", "sms_status\n000000-2\n108\n1772433001"), ("other", "sms_status\nx\n103")]
    assert smsru.parse_callback(items) == {"000000-1": 103, "000000-2": 108}
    body = smsru.callback_body({"a": 103})
    assert body.startswith("data%5B0%5D=sms_status%0Aa%0A103")


def test_status_request_limits():
    url, data = smsru.status_request("http://x", "K", ["1", "2"])
    assert url == "http://x/sms/status" and data["sms_id"] == "1,2"
    with pytest.raises(ValueError):
        smsru.status_request("http://x", "K", [str(i) for i in range(101)])
