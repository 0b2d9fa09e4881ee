"""Aging buckets of open receivable items: not due, 1–30, 31–60, 61–90 and more than 90 days overdue.

Pure functions, no ORM. The SQL view ``crm.aging.report`` builds its ``CASE`` from :data:`BUCKETS`, so the
boundaries are written once, here.
"""

# keys sort in the order of the buckets (reports group by them)
NOT_DUE = "0_not_due"
D1_30 = "1_1_30"
D31_60 = "2_31_60"
D61_90 = "3_61_90"
D90_PLUS = "4_90_plus"

# (key, label, lowest days overdue, highest days overdue or None for no bound); in order, without gaps
BUCKETS = (
    (NOT_DUE, "Not Due", None, 0),
    (D1_30, "1-30 Days", 1, 30),
    (D31_60, "31-60 Days", 31, 60),
    (D61_90, "61-90 Days", 61, 90),
    (D90_PLUS, "90+ Days", 91, None),
)
# the amount column of each bucket in the aging report
BUCKET_COLUMNS = {
    NOT_DUE: "amount_not_due",
    D1_30: "amount_1_30",
    D31_60: "amount_31_60",
    D61_90: "amount_61_90",
    D90_PLUS: "amount_90_plus",
}


def days_overdue(due_date, as_of):
    """Days an item is overdue on a date: positive once the due date has passed, 0 on the due date.

    :param date due_date: the item's due date (``None``: due at once, i.e. not overdue)
    :param date as_of: the day of the report
    :return: an integer, negative while the item is not due yet
    """
    if not due_date:
        return 0
    return (as_of - due_date).days


def bucket(days):
    """The bucket of an item overdue by ``days``.

    :param int days: days overdue (negative or zero: not due)
    :return: one of the keys of :data:`BUCKETS`
    """
    for key, _label, low, high in BUCKETS:
        if (low is None or days >= low) and (high is None or days <= high):
            return key
    raise ValueError(f"no aging bucket for {days} days")  # unreachable: the buckets cover all integers


def bucket_conditions():
    """The buckets as ``(key, low, high)`` for a SQL ``CASE`` (bounds inclusive, ``None`` = unbounded).

    :return: a tuple of ``(key, low, high)`` in order
    """
    return tuple((key, low, high) for key, _label, low, high in BUCKETS)


def aging_totals(items, as_of):
    """Sum amounts per bucket.

    :param items: iterable of ``(due_date, amount)``
    :param date as_of: the day of the report
    :return: ``{bucket key: total}`` with every bucket present
    """
    totals = {key: 0.0 for key, *_rest in BUCKETS}
    for due_date, amount in items:
        totals[bucket(days_overdue(due_date, as_of))] += amount
    return totals
