"""Judgement of a payment promise against the payments really received.

Pure functions, no ORM: the model gathers the payments (date, amount) reconciled with the invoices concerned
(or, for a promise "on account", the customer's payments in the promise window) and asks :func:`judge_promise`
for the state.
"""

from datetime import timedelta

OPEN = "open"
KEPT = "kept"
PARTIAL = "partial"
BROKEN = "broken"


def deadline(promised_date, grace_days=0):
    """Last day a payment still counts for the promise: the promised date plus the grace days."""
    return promised_date + timedelta(days=max(int(grace_days or 0), 0))


def paid_by(payments, until):
    """Sum of the payments made on or before ``until``.

    :param payments: iterable of ``(date, amount)``
    """
    return sum(amount for pay_date, amount in payments if pay_date and pay_date <= until)


def judge_promise(amount, promised_date, grace_days, today, payments, rounding=0.01):
    """Return the state of a promise: ``open``, ``kept``, ``partial`` or ``broken``.

    - kept: the payments made by the deadline (promised date + grace days) cover the promised amount —
      as soon as they do, even before the deadline;
    - open: not covered yet and the deadline has not passed;
    - partial: the deadline passed with something, but not everything, paid;
    - broken: the deadline passed with nothing paid.

    :param float amount: promised amount (> 0)
    :param date promised_date: the day the customer promised to pay
    :param int grace_days: days of tolerance after the promised date
    :param date today: the day of judgement
    :param payments: iterable of ``(date, amount)`` received for this promise
    :param float rounding: amounts closer than this to the promised amount count as equal
    """
    limit = deadline(promised_date, grace_days)
    paid = paid_by(payments, min(limit, today))
    if paid >= amount - rounding / 2:
        return KEPT
    if today <= limit:
        return OPEN
    if paid > rounding / 2:
        return PARTIAL
    return BROKEN


# share of a promise counted as kept, per judged state: the one table of the kept-rate
KEPT_WEIGHTS = {KEPT: 1.0, PARTIAL: 0.5, BROKEN: 0.0}


def kept_score(state):
    """The kept score (0–100) of one promise: 100 kept, 50 partially kept, 0 broken, open or cancelled.

    Averaged over judged promises it is :func:`kept_rate`.

    :param str state: the promise's state
    :return: float
    """
    return 100.0 * KEPT_WEIGHTS.get(state, 0.0)


def kept_rate(counts):
    """Share (0–100) of the judged promises that were kept; a partially kept one counts half.

    :param dict counts: number of promises per state (open and cancelled ones are ignored)
    :return: the rate rounded to one decimal, or ``None`` when no promise has been judged yet
    """
    judged = sum(counts.get(state, 0) for state in KEPT_WEIGHTS)
    if not judged:
        return None
    return round(sum(counts.get(state, 0) * kept_score(state) for state in KEPT_WEIGHTS) / judged, 1)
