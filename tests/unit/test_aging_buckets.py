from datetime import date
from itertools import pairwise

import pytest

from crm_receivables.tools import aging

TODAY = date(2026, 6, 30)


@pytest.mark.parametrize(("days", "key"), [
    (-400, aging.NOT_DUE), (-1, aging.NOT_DUE), (0, aging.NOT_DUE),
    (1, aging.D1_30), (30, aging.D1_30),
    (31, aging.D31_60), (60, aging.D31_60),
    (61, aging.D61_90), (90, aging.D61_90),
    (91, aging.D90_PLUS), (5000, aging.D90_PLUS),
])
def test_bucket_boundaries(days, key):
    assert aging.bucket(days) == key


def test_buckets_cover_integers_without_gaps():
    conditions = aging.bucket_conditions()
    assert conditions[0][1] is None and conditions[-1][2] is None
    for (_k1, _l1, high), (_k2, low, _h2) in pairwise(conditions):
        assert low == high + 1


def test_days_overdue():
    assert aging.days_overdue(date(2026, 6, 1), TODAY) == 29
    assert aging.days_overdue(date(2026, 7, 10), TODAY) == -10
    assert aging.days_overdue(None, TODAY) == 0, "an item without due date is due at once"


def test_aging_totals():
    totals = aging.aging_totals([
        (date(2026, 7, 15), 100.0),   # not due
        (TODAY, 50.0),                # due today: not due
        (date(2026, 6, 29), 10.0),    # 1 day
        (date(2026, 5, 1), 20.0),     # 60 days
        (date(2026, 4, 1), 30.0),     # 90 days
        (date(2026, 1, 1), 40.0),     # 180 days
        (date(2026, 1, 1), -15.0),    # a credit in the same bucket
    ], TODAY)
    assert totals == {
        aging.NOT_DUE: 150.0, aging.D1_30: 10.0, aging.D31_60: 20.0, aging.D61_90: 30.0, aging.D90_PLUS: 25.0,
    }
