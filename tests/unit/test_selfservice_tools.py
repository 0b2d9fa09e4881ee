from datetime import date, datetime

import pytest

from crm_receivables.tools import selfservice as ss

TODAY = date(2026, 3, 2)


def test_days_overdue():
    assert ss.days_overdue(date(2026, 2, 20), TODAY) == 10
    assert ss.days_overdue(date(2026, 3, 10), TODAY) == 0
    assert ss.days_overdue(None, TODAY) == 0


def test_is_expired():
    now = datetime(2026, 3, 2, 12, 0)
    assert ss.is_expired(datetime(2026, 3, 2, 11, 59), now)
    assert not ss.is_expired(datetime(2026, 3, 2, 12, 1), now)
    assert ss.is_expired(None, now)


@pytest.mark.parametrize("key,ok", [
    ("abcdEFGH1234", True), ("a-b_c-d_e", True), ("short", False), ("", False), (None, False),
    ("x" * 65, False), ("has space 123", False), ("ключ12345678", False),
])
def test_valid_key(key, ok):
    assert ss.valid_key(key) is ok


@pytest.mark.parametrize("text,amount", [
    ("1234.56", 1234.56), ("1 234,56", 1234.56), ("1 234 руб.", 1234.0), ("1.234.567,5", 1234567.5),
    ("15000", 15000.0),
])
def test_parse_amount(text, amount):
    assert ss.parse_amount(text) == pytest.approx(amount)


@pytest.mark.parametrize("text,code", [("", "amount_invalid"), ("abc", "amount_invalid"), ("0", "amount_not_positive"),
                                       ("-5", "amount_not_positive"), ("1-2", "amount_invalid")])
def test_parse_amount_errors(text, code):
    with pytest.raises(ss.SelfServiceError) as error:
        ss.parse_amount(text)
    assert error.value.code == code
    assert error.value.field == "amount"


def test_parse_date_and_datetime():
    assert ss.parse_date("2026-03-10") == date(2026, 3, 10)
    assert ss.parse_datetime("2026-03-10T14:30") == datetime(2026, 3, 10, 14, 30)
    with pytest.raises(ss.SelfServiceError) as error:
        ss.parse_date("10.03.2026", field="promised_date")
    assert (error.value.code, error.value.field) == ("date_invalid", "promised_date")
    with pytest.raises(ss.SelfServiceError):
        ss.parse_datetime("tomorrow")


def test_check_promise_limits():
    ss.check_promise(date(2026, 4, 1), 100.0, 100.0, TODAY, 30)  # exactly 30 days: fine
    ss.check_promise(TODAY, 50.0, 100.0, TODAY, 30)
    for promised, amount, code in [
        (date(2026, 3, 1), 100.0, "date_past"),
        (date(2026, 4, 2), 100.0, "date_too_far"),
        (date(2026, 3, 10), 100.02, "amount_too_high"),
    ]:
        with pytest.raises(ss.SelfServiceError) as error:
            ss.check_promise(promised, amount, 100.0, TODAY, 30)
        assert error.value.code == code


def test_check_callback():
    now = datetime(2026, 3, 2, 10, 0)
    ss.check_callback(datetime(2026, 3, 3, 9, 0), now)
    with pytest.raises(ss.SelfServiceError) as error:
        ss.check_callback(datetime(2026, 3, 2, 9, 0), now)
    assert error.value.code == "callback_past"
    with pytest.raises(ss.SelfServiceError) as error:
        ss.check_callback(datetime(2026, 4, 2, 9, 0), now)
    assert error.value.code == "callback_too_far"


def test_check_text():
    assert ss.check_text("  wrong price  ", "reason") == "wrong price"
    assert ss.check_text("", "note", required=False) == ""
    with pytest.raises(ss.SelfServiceError) as error:
        ss.check_text("   ", "reason")
    assert (error.value.code, error.value.field) == ("text_required", "reason")
    with pytest.raises(ss.SelfServiceError) as error:
        ss.check_text("x" * 11, "reason", max_length=10)
    assert error.value.code == "text_too_long"


def test_check_upload():
    assert ss.check_upload("Акт.PDF", 1000) == "application/pdf"
    assert ss.check_upload("scan.jpeg", 10) == "image/jpeg"
    with pytest.raises(ss.SelfServiceError) as error:
        ss.check_upload("virus.exe", 10)
    assert error.value.code == "file_type"
    with pytest.raises(ss.SelfServiceError) as error:
        ss.check_upload("big.pdf", ss.MAX_UPLOAD_BYTES + 1)
    assert error.value.code == "file_too_big"
    with pytest.raises(ss.SelfServiceError):
        ss.check_upload("noextension", 10)


def test_rate_limit():
    assert not ss.is_rate_limited(9, limit=10)
    assert ss.is_rate_limited(10, limit=10)


def test_answer_share():
    assert ss.answer_share(0, 0) == 0.0
    assert ss.answer_share(3, 1) == 33.3
    assert ss.answer_share(4, 4) == 100.0
    assert ss.answer_share(2, 5) == 100.0
