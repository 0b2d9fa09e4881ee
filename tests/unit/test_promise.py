from datetime import date

import pytest

from crm_receivables.tools import promise

PROMISED = date(2026, 3, 5)


def judge(today, payments, amount=1000.0, grace=3):
    return promise.judge_promise(amount, PROMISED, grace, today, payments)


def test_deadline_adds_grace_days():
    assert promise.deadline(PROMISED, 3) == date(2026, 3, 8)
    assert promise.deadline(PROMISED, 0) == PROMISED
    assert promise.deadline(PROMISED, None) == PROMISED
    assert promise.deadline(PROMISED, -2) == PROMISED, "negative grace is ignored"


def test_open_until_deadline():
    assert judge(date(2026, 3, 1), []) == "open"
    assert judge(date(2026, 3, 8), [(date(2026, 3, 4), 400.0)]) == "open"


def test_kept_as_soon_as_covered():
    assert judge(date(2026, 3, 2), [(date(2026, 3, 2), 1000.0)]) == "kept"
    assert judge(date(2026, 3, 20), [(date(2026, 3, 2), 600.0), (date(2026, 3, 8), 400.0)]) == "kept"
    assert judge(date(2026, 3, 20), [(date(2026, 3, 2), 999.996)]) == "kept", "within rounding"


def test_partial_and_broken_after_deadline():
    assert judge(date(2026, 3, 9), [(date(2026, 3, 4), 400.0)]) == "partial"
    assert judge(date(2026, 3, 9), []) == "broken"
    assert judge(date(2026, 3, 9), [(date(2026, 3, 9), 1000.0)]) == "broken", "a late payment does not count"
    assert judge(date(2026, 3, 6), [], grace=0) == "broken"


def test_future_dated_payment_is_not_counted_before_its_day():
    assert judge(date(2026, 3, 3), [(date(2026, 3, 4), 1000.0)]) == "open"


def test_paid_by():
    payments = [(date(2026, 3, 1), 10.0), (date(2026, 3, 9), 5.0), (None, 7.0)]
    assert promise.paid_by(payments, date(2026, 3, 8)) == 10.0


@pytest.mark.parametrize(("counts", "rate"), [
    ({}, None),
    ({"open": 3, "cancel": 1}, None),
    ({"kept": 1}, 100.0),
    ({"kept": 1, "partial": 1, "broken": 1}, 50.0),
    ({"kept": 2, "broken": 1, "open": 5}, 66.7),
])
def test_kept_rate(counts, rate):
    assert promise.kept_rate(counts) == rate


def test_kept_score_is_the_rate_of_one_promise():
    assert [promise.kept_score(state) for state in ("kept", "partial", "broken", "open", "cancel")] == [
        100.0, 50.0, 0.0, 0.0, 0.0]
    for state in promise.KEPT_WEIGHTS:
        assert promise.kept_rate({state: 1}) == promise.kept_score(state)
