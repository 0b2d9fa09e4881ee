"""SLA arithmetic of crm_complaints (pure, no database)."""

from datetime import datetime, timedelta

import pytest

from crm_complaints.tools import sla


def office_days(first_day, days):
    """Working intervals 9:00-18:00 on weekdays, from ``first_day`` for ``days`` days."""
    intervals = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if day.weekday() < 5:
            intervals.append((day.replace(hour=9), day.replace(hour=18)))
    return intervals


MONDAY = datetime(2026, 3, 2)
WORK = office_days(MONDAY, 21)


def test_merge_and_subtract():
    a, b, c = datetime(2026, 1, 1, 1), datetime(2026, 1, 1, 2), datetime(2026, 1, 1, 3)
    assert sla.merge_intervals([(b, c), (a, b), (c, c)]) == [(a, c)]
    assert sla.subtract_intervals([(a, c)], [(b, c)]) == [(a, b)]
    assert sla.subtract_intervals([(a, c)], [(a, c)]) == []
    assert sla.subtract_intervals([(a, c)], []) == [(a, c)]


def test_deadline_within_one_day():
    start = MONDAY.replace(hour=10)
    assert sla.add_working_hours(WORK, start, 4) == MONDAY.replace(hour=14)


def test_deadline_skips_nights_and_weekend():
    friday_16 = (MONDAY + timedelta(days=4)).replace(hour=16)
    # 2 hours on Friday, 6 on Monday
    assert sla.add_working_hours(WORK, friday_16, 8) == (MONDAY + timedelta(days=7)).replace(hour=15)


def test_deadline_received_outside_hours_starts_next_morning():
    saturday = (MONDAY + timedelta(days=5)).replace(hour=12)
    assert sla.add_working_hours(WORK, saturday, 1) == (MONDAY + timedelta(days=7)).replace(hour=10)


def test_pause_shifts_deadline_by_paused_working_time():
    start = MONDAY.replace(hour=9)
    pause = [(MONDAY.replace(hour=10), MONDAY.replace(hour=13))]
    assert sla.add_working_hours(WORK, start, 4) == MONDAY.replace(hour=13)
    assert sla.add_working_hours(WORK, start, 4, pause) == MONDAY.replace(hour=16)
    # a pause over the night only costs its working part
    night = [(MONDAY.replace(hour=17), (MONDAY + timedelta(days=1)).replace(hour=10))]
    assert sla.add_working_hours(WORK, start, 10, night) == (MONDAY + timedelta(days=1)).replace(hour=12)


def test_working_hours_between_excludes_pauses():
    start, end = MONDAY.replace(hour=9), (MONDAY + timedelta(days=1)).replace(hour=12)
    assert sla.working_hours_between(WORK, start, end) == pytest.approx(12)
    assert sla.working_hours_between(WORK, start, end, [(MONDAY.replace(hour=17), end)]) == pytest.approx(8)
    assert sla.working_hours_between(WORK, end, start) == 0.0


def test_too_short_calendar_gives_none():
    assert sla.add_working_hours(WORK[:1], MONDAY.replace(hour=9), 10) is None
    assert sla.add_working_hours(WORK, MONDAY, 0) == MONDAY


def test_close_pauses_running_pause_ends_now():
    now = MONDAY.replace(hour=15)
    assert sla.close_pauses([(MONDAY.replace(hour=10), None)], now) == [(MONDAY.replace(hour=10), now)]
    assert sla.close_pauses([(now, None)], now) == []


@pytest.mark.parametrize(("now_hour", "paused", "closed_hour", "expected"), [
    (10, False, None, sla.SLA_OK),
    (15, False, None, sla.SLA_WARNING),
    (17, False, None, sla.SLA_BREACHED),
    (17, True, None, sla.SLA_PAUSED),
    (17, False, 15, sla.SLA_MET),
    (17, False, 17, sla.SLA_MISSED),
])
def test_status(now_hour, paused, closed_hour, expected):
    deadline = MONDAY.replace(hour=16)
    closed = MONDAY.replace(hour=closed_hour) if closed_hour else None
    assert sla.sla_status(MONDAY.replace(hour=now_hour), deadline, 2, paused, closed) == expected


def test_status_without_deadline_and_share():
    assert sla.sla_status(MONDAY, None) == sla.SLA_NONE
    assert sla.share(1, 3) == 33.3
    assert sla.share(1, 0) == 0.0


@pytest.mark.parametrize(("now_hour", "paused", "closed_hour", "expected"), [
    (15, False, None, False),  # open, before the deadline
    (17, False, None, True),  # open, past the deadline
    (17, True, None, False),  # waiting for the customer: the deadline moves on
    (17, False, 15, False),  # closed in time
    (17, False, 17, True),  # closed after the deadline
    (18, True, 17, True),  # closed late stays overdue, whatever the stage says
])
def test_is_overdue(now_hour, paused, closed_hour, expected):
    deadline = MONDAY.replace(hour=16)
    closed = MONDAY.replace(hour=closed_hour) if closed_hour else None
    assert sla.is_overdue(MONDAY.replace(hour=now_hour), deadline, paused, closed) is expected
    assert sla.is_overdue(MONDAY.replace(hour=now_hour), None, paused, closed) is False


def test_warning_start():
    deadline = datetime(2026, 3, 10, 12, 0)
    assert sla.warning_start(deadline, 4) == datetime(2026, 3, 10, 8, 0)
    assert sla.warning_start(deadline, 0.5) == datetime(2026, 3, 10, 11, 30)
    assert sla.warning_start(deadline, 0) is None, "no warning hours: never warned"
    assert sla.warning_start(None, 4) is None, "no deadline: nothing to warn about"
    assert sla.warning_start(False, 4) is None


def test_status_warning_agrees_with_warning_start():
    deadline = datetime(2026, 3, 10, 12, 0)
    start = sla.warning_start(deadline, 4)
    assert sla.sla_status(start - timedelta(seconds=1), deadline, 4) == sla.SLA_OK
    assert sla.sla_status(start, deadline, 4) == sla.SLA_WARNING
