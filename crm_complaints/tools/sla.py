"""Service-level arithmetic of complaints: working time, pauses, deadlines and statuses.

Everything here is pure Python on naive datetimes that share one reference (UTC in Odoo). The working
time comes from the caller as a list of ``(start, end)`` intervals (Odoo: the company's
``resource.calendar``); the pauses are the periods the complaint waited for the customer.
"""

from datetime import timedelta

HOUR = timedelta(hours=1)

SLA_NONE = "none"
SLA_OK = "ok"
SLA_WARNING = "warning"
SLA_BREACHED = "breached"
SLA_PAUSED = "paused"
SLA_MET = "met"
SLA_MISSED = "missed"
#: the statuses of an overdue complaint: open, not waiting for the customer and past its deadline, or closed
#: after it (the one definition; the model's domain and SQL, the report and the digest follow it)
OVERDUE_STATUSES = (SLA_BREACHED, SLA_MISSED)


def merge_intervals(intervals):
    """Sort intervals and merge those that overlap or touch.

    :param intervals: iterable of ``(start, end)``; empty or reversed ones are dropped
    :return: sorted list of disjoint ``(start, end)`` tuples
    """
    merged = []
    for start, end in sorted((s, e) for s, e in intervals if s < e):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def subtract_intervals(intervals, removed):
    """Remove the ``removed`` periods from ``intervals``.

    :return: sorted list of disjoint ``(start, end)`` tuples
    """
    result = []
    removed = merge_intervals(removed)
    for start, end in merge_intervals(intervals):
        cursor = start
        for r_start, r_end in removed:
            if r_end <= cursor or r_start >= end:
                continue
            if r_start > cursor:
                result.append((cursor, r_start))
            cursor = max(cursor, r_end)
            if cursor >= end:
                break
        if cursor < end:
            result.append((cursor, end))
    return result


def clip_intervals(intervals, start, end):
    """Keep the parts of ``intervals`` that lie between ``start`` and ``end``."""
    return [(max(s, start), min(e, end)) for s, e in merge_intervals(intervals) if s < end and e > start]


def close_pauses(pauses, now):
    """Replace the end of a pause still running (``None``/``False``) by ``now``."""
    return [(start, end or now) for start, end in pauses if start and (end or now) > start]


def working_hours_between(work_intervals, start, end, pauses=()):
    """Working hours between ``start`` and ``end``, the pauses excluded.

    :param work_intervals: the working time, as ``(start, end)`` intervals
    :param pauses: closed ``(start, end)`` pauses
    :return: hours (float), 0 when ``end <= start``
    """
    if not start or not end or end <= start:
        return 0.0
    useful = subtract_intervals(clip_intervals(work_intervals, start, end), pauses)
    return sum((e - s) / HOUR for s, e in useful)


def add_working_hours(work_intervals, start, hours, pauses=()):
    """The moment ``hours`` working hours after ``start``, the pauses not counted.

    :param work_intervals: the working time from ``start`` on, long enough to hold ``hours``
    :param pauses: closed ``(start, end)`` pauses
    :return: a datetime, or ``None`` when the working time given is too short
    """
    if hours <= 0:
        return start
    remaining = timedelta(hours=hours)
    useful = subtract_intervals([(max(s, start), e) for s, e in work_intervals if e > start], pauses)
    for s, e in useful:
        if e - s >= remaining:
            return s + remaining
        remaining -= e - s
    return None


def warning_start(deadline, warning_hours=0.0):
    """The moment the "deadline approaching" warning is due: ``warning_hours`` clock hours before it.

    :param deadline: the SLA deadline (``None``/``False``: no SLA)
    :param float warning_hours: hours of warning before the deadline (0: no warning)
    :return: a datetime, or ``None`` when there is nothing to warn about
    """
    if not deadline or not warning_hours or warning_hours <= 0:
        return None
    return deadline - timedelta(hours=warning_hours)


def sla_status(now, deadline, warning_hours=0.0, is_paused=False, date_closed=None):
    """Where a complaint stands against its deadline.

    :param now: the current moment
    :param deadline: the SLA deadline (``None``: no SLA)
    :param warning_hours: the warning starts this many (clock) hours before the deadline
    :param is_paused: the complaint waits for the customer
    :param date_closed: when the complaint was closed (``None``: open)
    :return: one of ``none``, ``met``, ``missed`` (closed), ``paused``, ``ok``, ``warning``, ``breached``
    """
    if not deadline:
        return SLA_NONE
    if date_closed:
        return SLA_MET if date_closed <= deadline else SLA_MISSED
    if is_paused:
        return SLA_PAUSED
    if now > deadline:
        return SLA_BREACHED
    if warning_hours and now >= warning_start(deadline, warning_hours):
        return SLA_WARNING
    return SLA_OK


def is_overdue(now, deadline, is_paused=False, date_closed=None):
    """Whether a complaint is overdue: the one rule of "overdue complaint".

    An open complaint is overdue once ``now`` is past its deadline, except while it waits for the customer
    (its deadline moves on when it resumes); a closed complaint stays overdue when it was closed after its
    deadline. A complaint without a deadline is never overdue.

    :param now: the current moment
    :param deadline: the SLA deadline (``None``: no SLA)
    :param is_paused: the complaint waits for the customer
    :param date_closed: when the complaint was closed (``None``: open)
    :return: bool
    """
    return sla_status(now, deadline, is_paused=is_paused, date_closed=date_closed) in OVERDUE_STATUSES


def share(part, total, digits=1):
    """``part`` as a percentage of ``total`` (0 when there is no total)."""
    return round(100.0 * part / total, digits) if total else 0.0
