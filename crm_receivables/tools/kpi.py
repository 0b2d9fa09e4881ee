"""Collection KPIs: the figures of the receivables dashboard and of the weekly digest.

Pure functions, no ORM: the dashboard gathers the sums per collector with a few grouped queries and turns them
into figures here. A figure that cannot be computed (nothing to divide by) is ``None``, shown as empty.
"""

from collections import defaultdict


def dso(receivable, sales, days):
    """Days sales outstanding: the open receivables expressed in days of sales of the period.

    :param float receivable: open receivables at the end of the period
    :param float sales: invoiced sales of the period (net of credit notes)
    :param int days: length of the period in days
    :return: days, rounded to one decimal, or ``None`` without sales
    """
    if not sales or sales <= 0 or days <= 0:
        return None
    return round(receivable / sales * days, 1)


def share(part, whole):
    """``part`` as a percentage of ``whole``, rounded to one decimal; ``None`` when ``whole`` is zero.

    :param float part: e.g. the overdue amount
    :param float whole: e.g. the open amount
    """
    if not whole:
        return None
    return round(100.0 * part / whole, 1)


def weighted_average_days(pairs):
    """Amount-weighted average number of days.

    :param pairs: iterable of ``(days, amount)``, e.g. days from the first reminder to the payment of an item
    :return: the average rounded to one decimal, ``None`` without amounts
    """
    total = 0.0
    weighted = 0.0
    for days, amount in pairs:
        if amount and amount > 0:
            total += amount
            weighted += days * amount
    if not total:
        return None
    return round(weighted / total, 1)


def channel_effectiveness(communications, within_days):
    """Share of follow-up communications after which the items were paid within ``within_days`` days.

    :param communications: iterable of ``(channel, level, sent_date, paid_dates)``: ``paid_dates`` holds, for
        each item of the communication, the date it was fully paid (``None``: still open)
    :param int within_days: days after sending in which a payment counts as an answer
    :return: ``{(channel, level): {"sent": n, "paid": n, "rate": % or None}}``; a communication counts as
        answered when at least one of its items was paid in the window (on or after the day it was sent)
    """
    stats = defaultdict(lambda: {"sent": 0, "paid": 0, "rate": None})
    for channel, level, sent_date, paid_dates in communications:
        row = stats[(channel, level)]
        row["sent"] += 1
        if any(paid and 0 <= (paid - sent_date).days <= within_days for paid in paid_dates):
            row["paid"] += 1
    for row in stats.values():
        row["rate"] = share(row["paid"], row["sent"])
    return dict(stats)
