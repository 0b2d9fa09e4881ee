from datetime import date

from crm_receivables.tools import kpi


def test_dso():
    assert kpi.dso(50000.0, 150000.0, 30) == 10.0
    assert kpi.dso(1000.0, 0.0, 30) is None
    assert kpi.dso(1000.0, 300.0, 0) is None


def test_share():
    assert kpi.share(25.0, 200.0) == 12.5
    assert kpi.share(1.0, 0.0) is None


def test_weighted_average_days():
    assert kpi.weighted_average_days([(10, 100.0), (40, 300.0)]) == 32.5
    assert kpi.weighted_average_days([(10, 0.0)]) is None


def test_channel_effectiveness():
    sent = date(2026, 5, 1)
    stats = kpi.channel_effectiveness([
        ("email", "L1", sent, [date(2026, 5, 3), None]),   # paid within 7 days
        ("email", "L1", sent, [date(2026, 5, 20)]),        # paid too late
        ("email", "L1", sent, [date(2026, 4, 28)]),        # paid before the reminder: not an answer
        ("sms", "L1", sent, [date(2026, 5, 8)]),           # day 7: counts
        ("sms", "L2", sent, [None]),
    ], within_days=7)
    assert stats[("email", "L1")] == {"sent": 3, "paid": 1, "rate": 33.3}
    assert stats[("sms", "L1")] == {"sent": 1, "paid": 1, "rate": 100.0}
    assert stats[("sms", "L2")] == {"sent": 1, "paid": 0, "rate": 0.0}
