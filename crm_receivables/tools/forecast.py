"""Cash-in forecast: when will the open receivable items be paid, week by week.

Pure functions, no ORM. The model gathers, per customer, the history of paid items (how many days after the
due date each was fully paid, weighted by its amount), the open items and the open payment promises, and asks
:func:`forecast_customer` for the expected amount of each of the coming weeks.

Method:

- the *lateness distribution* of a customer is the amount-weighted share of its paid items per number of days
  late (negative: paid early); a customer with too little history (fewer than ``min_history`` paid items) uses
  the company-wide distribution;
- an open item overdue by ``k`` days today has not been paid during its first ``k`` days, so it follows the
  distribution *conditioned* on ``days late >= k``; when the history has nothing that late, nothing is expected
  within the horizon (it counts as "not expected");
- an open promise adds ``amount × kept rate`` on its promised date (in the first week when that date has
  passed but the promise is still open); what the promises are expected to bring is taken off the items'
  forecast of the same customer, so a debt is never counted twice and never more than what is owed.
"""

from collections import defaultdict

WEEKS = 12
DAYS_PER_WEEK = 7


def build_distribution(observations):
    """Amount-weighted lateness distribution.

    :param observations: iterable of ``(days_late, amount)`` of paid items (amounts <= 0 are ignored)
    :return: a sorted tuple of ``(days_late, probability)`` summing to 1, empty without observations
    """
    weights = defaultdict(float)
    for days, amount in observations:
        if amount and amount > 0:
            weights[int(days)] += amount
    total = sum(weights.values())
    if not total:
        return ()
    return tuple((days, weight / total) for days, weight in sorted(weights.items()))


def choose_distribution(customer_observations, company_distribution, min_history=3):
    """The customer's own distribution, or the company's when the customer has little history.

    :param list customer_observations: the customer's ``(days_late, amount)`` of paid items
    :param tuple company_distribution: the company-wide distribution (:func:`build_distribution`)
    :param int min_history: fewest paid items for the customer's own distribution to be used
    :return: ``(distribution, is_own)``
    """
    if len(customer_observations) >= min_history:
        return build_distribution(customer_observations), True
    return company_distribution, False


def week_index(pay_date, as_of, weeks=WEEKS):
    """Week of a payment date: 0 for ``as_of`` and the 6 days after it, ``weeks`` for anything later.

    :return: an integer in ``0..weeks`` (dates before ``as_of`` fall in week 0)
    """
    index = max((pay_date - as_of).days, 0) // DAYS_PER_WEEK
    return min(index, weeks)


def item_fractions(days_overdue, distribution, weeks=WEEKS):
    """Share of an open item expected in each week.

    :param int days_overdue: days the item is overdue on the forecast date (negative: not due yet)
    :param tuple distribution: ``(days_late, probability)`` pairs
    :param int weeks: horizon in weeks
    :return: a list of ``weeks + 1`` shares (the last one: later than the horizon); all zeros when the history
        has nobody paying that late
    """
    fractions = [0.0] * (weeks + 1)
    remaining = [(days, prob) for days, prob in distribution if days >= days_overdue]
    mass = sum(prob for _days, prob in remaining)
    if not mass:
        return fractions
    for days, prob in remaining:
        # paid ``days`` after the due date, i.e. ``days - days_overdue`` days after the forecast date
        index = min((days - days_overdue) // DAYS_PER_WEEK, weeks)
        fractions[index] += prob / mass
    return fractions


def forecast_customer(items, distribution, promises=(), kept_rate=None, as_of=None, weeks=WEEKS, cache=None):
    """Expected cash-in of one customer per week.

    :param items: iterable of ``(due_date, amount)`` of the customer's open items (amounts > 0 owed)
    :param tuple distribution: the customer's lateness distribution
    :param promises: iterable of ``(promised_date, amount)`` of the customer's open promises
    :param kept_rate: the customer's kept rate (0–100) of judged promises, ``None`` when none was judged
        (then half of a promise is expected)
    :param date as_of: the forecast date
    :param int weeks: horizon in weeks
    :param dict cache: shares per week by days overdue (:func:`item_fractions`) of this ``distribution`` and
        ``weeks``, filled as needed; pass the same dict for customers sharing a distribution (default: a new one)
    :return: a dict ``{"weeks": [amount per week], "promise_weeks": [part of it from promises], "later": amount
        after the horizon or never, "promised": amount expected from promises}``; the weeks plus ``later``
        equal the positive open amount
    """
    items = [(due, amount) for due, amount in items if amount > 0]
    owed = sum(amount for _due, amount in items)
    result = [0.0] * weeks
    promise_weeks = [0.0] * weeks
    if owed <= 0:
        return {"weeks": result, "promise_weeks": promise_weeks, "later": 0.0, "promised": 0.0}
    rate = 0.5 if kept_rate is None else max(min(kept_rate, 100.0), 0.0) / 100.0
    promised = 0.0
    for promised_date, amount in promises:
        expected = min(amount * rate, owed - promised)
        if expected <= 0:
            continue
        index = week_index(promised_date, as_of, weeks)
        if index < weeks:
            result[index] += expected
            promise_weeks[index] += expected
        promised += expected
    scale = (owed - promised) / owed
    cache = {} if cache is None else cache
    for due_date, amount in items:
        overdue = (as_of - due_date).days if due_date else 0
        shares = cache.get(overdue)
        if shares is None:
            shares = cache[overdue] = item_fractions(overdue, distribution, weeks)
        for index in range(weeks):
            if shares[index]:
                result[index] += amount * scale * shares[index]
    expected_total = sum(result)
    return {"weeks": result, "promise_weeks": promise_weeks, "later": owed - expected_total, "promised": promised}


def backtest_errors(forecast, actual):
    """Error of a forecast against what was really received, week by week.

    :param list forecast: forecast amount per week
    :param list actual: actual amount per week (same length)
    :return: a dict with ``rows`` (per week: forecast, actual, error = forecast − actual, absolute error,
        percentage error or ``None`` when nothing was received), ``mae`` (mean absolute error), ``wape``
        (total absolute error / total received, in %, ``None`` when nothing was received) and ``bias``
        (total forecast − total received)
    """
    if len(forecast) != len(actual):
        raise ValueError("forecast and actual must cover the same weeks")
    rows = []
    for index, (expected, received) in enumerate(zip(forecast, actual, strict=True)):
        error = expected - received
        rows.append({
            "week": index,
            "forecast": expected,
            "actual": received,
            "error": error,
            "abs_error": abs(error),
            "pct_error": (100.0 * abs(error) / received) if received else None,
        })
    total_abs = sum(row["abs_error"] for row in rows)
    total_actual = sum(actual)
    return {
        "rows": rows,
        "mae": total_abs / len(rows) if rows else 0.0,
        "wape": (100.0 * total_abs / total_actual) if total_actual else None,
        "bias": sum(forecast) - total_actual,
    }
