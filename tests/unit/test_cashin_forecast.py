from datetime import date, timedelta

import pytest

from crm_receivables.tools import forecast

AS_OF = date(2026, 6, 1)


def test_build_distribution_is_amount_weighted():
    dist = forecast.build_distribution([(0, 100.0), (10, 300.0), (10, 100.0), (5, 0.0), (3, -50.0)])
    assert dist == ((0, 0.2), (10, 0.8))
    assert forecast.build_distribution([]) == ()


def test_choose_distribution_falls_back_to_company():
    company = ((20, 1.0),)
    assert forecast.choose_distribution([(0, 10.0)], company, min_history=3) == (company, False)
    own, is_own = forecast.choose_distribution([(0, 10.0), (0, 5.0), (14, 5.0)], company, min_history=3)
    assert is_own and own == ((0, 0.75), (14, 0.25))


def test_week_index():
    assert forecast.week_index(AS_OF, AS_OF) == 0
    assert forecast.week_index(AS_OF + timedelta(days=6), AS_OF) == 0
    assert forecast.week_index(AS_OF + timedelta(days=7), AS_OF) == 1
    assert forecast.week_index(AS_OF - timedelta(days=3), AS_OF) == 0
    assert forecast.week_index(AS_OF + timedelta(days=400), AS_OF) == forecast.WEEKS


def test_item_fractions_conditioned_on_not_paid_yet():
    dist = ((0, 0.5), (14, 0.25), (30, 0.25))
    # not due for 7 more days: paid on the due date (week 1), 14 days late (week 3), 30 days late (week 5)
    assert forecast.item_fractions(-7, dist) == [0, 0.5, 0, 0.25, 0, 0.25, 0, 0, 0, 0, 0, 0, 0]
    # already 10 days late: only the late payers remain, renormalised (14 → in 4 days, 30 → in 20 days)
    assert forecast.item_fractions(10, dist) == [0.5, 0, 0.5] + [0.0] * 10
    # later than anybody ever paid: nothing expected
    assert forecast.item_fractions(31, dist) == [0.0] * 13
    # a payment beyond the horizon goes to the last slot
    assert forecast.item_fractions(0, ((100, 1.0),))[-1] == 1.0


def test_forecast_customer_known_expected_weekly_amounts():
    dist = ((0, 0.5), (14, 0.5))
    items = [(AS_OF + timedelta(days=7), 1000.0), (AS_OF - timedelta(days=3), 600.0)]
    result = forecast.forecast_customer(items, dist, as_of=AS_OF)
    weeks = result["weeks"]
    # item 1: 500 in week 1 (due date), 500 in week 3 (21 days); item 2 (3 days late): 600 in week 1 (11 days)
    assert weeks[0] == pytest.approx(0.0)
    assert weeks[1] == pytest.approx(1100.0)
    assert weeks[3] == pytest.approx(500.0)
    assert sum(weeks) + result["later"] == pytest.approx(1600.0)
    assert result["later"] == pytest.approx(0.0)


def test_forecast_customer_promises_weighted_by_kept_rate_without_double_count():
    dist = ((0, 1.0),)
    items = [(AS_OF + timedelta(days=14), 1000.0)]
    result = forecast.forecast_customer(
        items, dist, promises=[(AS_OF + timedelta(days=3), 400.0)], kept_rate=75.0, as_of=AS_OF,
    )
    weeks = result["weeks"]
    assert result["promised"] == pytest.approx(300.0)
    assert weeks[0] == pytest.approx(300.0), "promise × kept rate on the promised date"
    assert result["promise_weeks"][0] == pytest.approx(300.0)
    assert sum(result["promise_weeks"]) == pytest.approx(300.0)
    assert weeks[2] == pytest.approx(700.0), "the rest of the debt follows the distribution"
    assert sum(weeks) == pytest.approx(1000.0)


def test_forecast_customer_promise_never_exceeds_debt_and_unknown_rate_is_half():
    result = forecast.forecast_customer(
        [(AS_OF, 100.0)], ((0, 1.0),), promises=[(AS_OF, 1000.0)], kept_rate=None, as_of=AS_OF,
    )
    assert result["promised"] == pytest.approx(100.0)
    assert sum(result["weeks"]) == pytest.approx(100.0)


def test_forecast_customer_nothing_owed():
    result = forecast.forecast_customer([(AS_OF, -50.0)], ((0, 1.0),), as_of=AS_OF)
    assert result == {"weeks": [0.0] * 12, "promise_weeks": [0.0] * 12, "later": 0.0, "promised": 0.0}


def test_backtest_errors():
    errors = forecast.backtest_errors([100.0, 50.0, 0.0], [80.0, 50.0, 20.0])
    assert [row["error"] for row in errors["rows"]] == [20.0, 0.0, -20.0]
    assert errors["rows"][0]["pct_error"] == pytest.approx(25.0)
    assert errors["mae"] == pytest.approx(40.0 / 3)
    assert errors["wape"] == pytest.approx(100.0 * 40.0 / 150.0)
    assert errors["bias"] == pytest.approx(0.0)
    assert forecast.backtest_errors([10.0], [0.0])["rows"][0]["pct_error"] is None
    assert forecast.backtest_errors([10.0], [0.0])["wape"] is None
    with pytest.raises(ValueError):
        forecast.backtest_errors([1.0], [1.0, 2.0])


def test_forecast_customer_shared_cache_gives_the_same_result():
    """Customers sharing a distribution may share the cache of shares per days overdue: same figures."""
    as_of = date(2026, 4, 1)
    distribution = forecast.build_distribution([(-3, 100.0), (0, 300.0), (9, 200.0), (30, 400.0), (95, 50.0)])
    customers = [
        [(as_of - timedelta(days=2), 1000.0), (as_of + timedelta(days=5), 250.0)],
        [(as_of - timedelta(days=2), 80.0), (as_of - timedelta(days=40), 60.0)],
        [(as_of + timedelta(days=5), 10.0), (as_of - timedelta(days=200), 999.0)],
    ]
    promises = [(), [(as_of + timedelta(days=3), 50.0)], ()]
    shared = {}
    for items, customer_promises in zip(customers, promises, strict=True):
        alone = forecast.forecast_customer(items, distribution, customer_promises, 80.0, as_of)
        cached = forecast.forecast_customer(items, distribution, customer_promises, 80.0, as_of, cache=shared)
        assert cached == alone
    # one entry per days overdue met, whichever customer met it first
    assert sorted(shared) == [-5, 2, 40, 200]
    assert shared[200] == [0.0] * (forecast.WEEKS + 1), "nobody in the history paid that late"
