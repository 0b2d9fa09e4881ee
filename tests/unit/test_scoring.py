import pytest

from crm_receivables.tools import scoring
from crm_receivables.tools.scoring import CustomerFacts


def facts(**values):
    return CustomerFacts(**values)


def test_no_history_is_not_scored():
    score, cls, reasons = scoring.score_customer(facts())
    assert score is None
    assert cls is None
    assert reasons == [("no_history", {})]


def test_always_on_time_keeps_promises_is_a():
    score, cls, reasons = scoring.score_customer(facts(
        paid_amount=10000.0, late_amount_days=0.0, late_amount=0.0, promises_kept=3,
    ))
    assert score == 100.0
    assert cls == "A"
    assert ("on_time", {}) in reasons
    assert ("promises", {"kept": 3, "total": 3}) in reasons


def test_late_payer_weighted_by_amount():
    # 1,000 paid 30 days late and 3,000 paid on time: 7.5 days late on average
    value = facts(paid_amount=4000.0, late_amount_days=30 * 1000.0, late_amount=1000.0)
    assert scoring.average_days_late(value.paid_amount, value.late_amount_days) == 7.5
    score, cls, reasons = scoring.score_customer(value)
    # lateness 1 - 7.5/60 = 0.875 (w 40), late share 0.75 (w 15), nothing overdue 1.0 (w 15)
    expected = 100 * (40 * 0.875 + 15 * 0.75 + 15 * 1.0) / 70
    assert score == round(expected, 1)
    assert cls == "A"
    assert reasons[0] == ("late", {"days": 8})
    assert ("late_share", {"percent": 25}) in reasons


def test_sentence_example_twelve_days_four_of_five():
    score, cls, reasons = scoring.score_customer(facts(
        paid_amount=5000.0, late_amount_days=12 * 5000.0, late_amount=5000.0,
        promises_kept=4, promises_broken=1,
    ))
    assert ("late", {"days": 12}) in reasons
    assert ("promises", {"kept": 4, "total": 5}) in reasons
    # lateness 0.8 (40), late share 0 (15), promises 0.8 (20), overdue 1 (15)
    assert score == round(100 * (32 + 0 + 16 + 15) / 90, 1)
    assert cls == "B"


def test_partial_promise_counts_half():
    assert scoring.kept_counts(1, 1, 2) == (1.5, 4)
    _score, _cls, reasons = scoring.score_customer(facts(promises_kept=1, promises_partial=1, promises_broken=2))
    assert ("promises", {"kept": 1.5, "total": 4}) in reasons


def test_chronic_late_promise_breaker_is_d():
    score, cls, reasons = scoring.score_customer(facts(
        paid_amount=1000.0, late_amount_days=90 * 1000.0, late_amount=1000.0,
        promises_broken=4, overdue_amount=5000.0, overdue_days=120, disputes=1,
    ))
    assert cls == "D"
    assert score == 0.0
    assert ("overdue", {"days": 120}) in reasons
    assert ("disputes", {"count": 1}) in reasons


def test_disputes_and_trend_move_the_score():
    base = {"paid_amount": 2000.0, "late_amount_days": 20 * 2000.0, "late_amount": 2000.0}
    plain, _cls, _reasons = scoring.score_customer(facts(**base))
    disputed, _cls, _reasons = scoring.score_customer(facts(**base, disputes=3))
    assert disputed == round(plain - scoring.DISPUTE_MAX_POINTS, 1), "the dispute malus is capped"
    # recent half paid on time, older half 40 days late: improving
    improving = facts(paid_amount=2000.0, late_amount_days=40 * 1000.0, late_amount=1000.0,
                      recent_paid_amount=1000.0, recent_late_amount_days=0.0)
    assert scoring.trend_direction(improving) == 1
    worsening = facts(paid_amount=2000.0, late_amount_days=40 * 1000.0, late_amount=1000.0,
                      recent_paid_amount=1000.0, recent_late_amount_days=40 * 1000.0)
    assert scoring.trend_direction(worsening) == -1
    score_up, _c, reasons_up = scoring.score_customer(improving)
    score_down, _c, reasons_down = scoring.score_customer(worsening)
    assert ("improving", {}) in reasons_up
    assert ("worsening", {}) in reasons_down
    assert score_up - score_down == pytest.approx(2 * scoring.TREND_POINTS, abs=0.11)
    steady = facts(paid_amount=2000.0, late_amount_days=2000.0 * 10, recent_paid_amount=1000.0,
                   recent_late_amount_days=1000.0 * 12)
    assert scoring.trend_direction(steady) == 0


def test_classify_bounds():
    assert scoring.classify(None) is None
    assert scoring.classify(100) == "A"
    assert scoring.classify(80) == "A"
    assert scoring.classify(79.9) == "B"
    assert scoring.classify(60) == "B"
    assert scoring.classify(59.9) == "C"
    assert scoring.classify(40) == "C"
    assert scoring.classify(39.9) == "D"
    assert scoring.classify(0) == "D"


def test_response_rates_by_channel_and_level():
    by_channel, by_level, sent, answered = scoring.response_rates([
        ("email", 1, 4, 0), ("sms", 1, 2, 2), ("email", 2, 1, 1), ("sms", None, 1, 0),
    ])
    assert by_channel == {"email": (5, 1), "sms": (3, 2)}
    assert by_level == {1: (6, 2), 2: (1, 1)}
    assert (sent, answered) == (8, 3)


def test_sms_answerer_gets_sms_first():
    response = {"email": (5, 0), "sms": (3, 2)}
    assert scoring.preferred_channel(response) == "sms"
    assert scoring.channel_order(("email", "letter"), response) == ("sms", "letter", "email")


def test_channel_order_needs_enough_contacts():
    # one SMS answered out of one: not enough to lead; preferences kept
    response = {"sms": (1, 1)}
    assert scoring.preferred_channel(response) is None
    assert scoring.channel_order(("email",), response) == ("email",)
    assert scoring.channel_order((), {}) == ()
    # best rate first, then the most answered
    response = {"email": (4, 2), "sms": (2, 1), "call": (2, 2)}
    assert scoring.channel_order((), response) == ("call", "email", "sms")


def test_start_level_offset():
    assert scoring.start_level_offset("A") == 0
    assert scoring.start_level_offset(None) == 0
    assert scoring.start_level_offset("D") == 1


def test_expected_recovery_and_ranking():
    assert scoring.age_factor(0) == 1.0
    assert scoring.age_factor(30) == 1.0
    assert scoring.age_factor(45) == 0.9
    assert scoring.age_factor(90) == 0.75
    assert scoring.age_factor(400) == scoring.AGE_FACTOR_OLDEST
    assert scoring.recovery_probability(None) == scoring.UNSCORED_PROBABILITY
    assert scoring.expected_recovery(1000.0, "A", 10) == pytest.approx(900.0)
    assert scoring.expected_recovery(1000.0, "D", 200) == pytest.approx(1000.0 * 0.2 * 0.3)
    assert scoring.expected_recovery(0.0, "A", 10) == 0.0
    assert scoring.expected_recovery(-50.0, "A", 10) == 0.0
    rows = scoring.rank_queue([
        {"partner_id": 1, "user_id": 7, "expected_recovery": 100.0},
        {"partner_id": 2, "user_id": 7, "expected_recovery": 500.0},
        {"partner_id": 3, "user_id": 8, "expected_recovery": 50.0},
        {"partner_id": 4, "user_id": 7, "expected_recovery": 100.0},
    ])
    assert [(row["partner_id"], row["rank"]) for row in rows] == [(2, 1), (1, 2), (4, 3), (3, 1)]


def test_response_round_trip():
    response = {"sms": (3, 2), "email": (5, 0)}
    text = scoring.format_response(response)
    assert text == "email=0/5,sms=2/3"
    assert scoring.parse_response(text) == response
    assert scoring.parse_response("") == {}
    assert scoring.parse_response("sms=x/3,,email=1/2,bad") == {"email": (2, 1)}


def test_credit_hold_reasons():
    assert scoring.credit_hold_reasons(0.0, 100, 30, 1000.0) == []
    assert scoring.credit_hold_reasons(500.0, 45, 30, 0) == [("days", {"days": 45, "limit": 30})]
    assert scoring.credit_hold_reasons(500.0, 30, 30, 0) == [], "exactly at the limit is not beyond it"
    assert scoring.credit_hold_reasons(5000.0, 10, 0, 1000.0) == [
        ("amount", {"amount": 5000.0, "limit": 1000.0})]
    assert scoring.credit_hold_reasons(5000.0, 10, 0, 0) == [], "no rule set: no hold"
    assert len(scoring.credit_hold_reasons(5000.0, 60, 30, 1000.0)) == 2


def test_shift_start_level():
    keys = [10, 20, 30]
    assert scoring.shift_start_level(keys, 10, 1) == 20, "a D customer starts one level firmer"
    assert scoring.shift_start_level(keys, 30, 1) == 30, "never beyond the last level"
    assert scoring.shift_start_level(keys, 10, 0) == 10
    assert scoring.shift_start_level(keys, 20, 1, first_contact=False) == 20, "only the start moves"
    assert scoring.shift_start_level(keys, None, 1) is None
    assert scoring.shift_start_level(keys, 99, 1) == 99
