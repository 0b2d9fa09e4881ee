"""Pure helpers of crm_complaints: channel mapping, summaries and report figures (no database)."""

from datetime import datetime, timedelta

from crm_complaints.tools import complaint

NOW = datetime(2026, 3, 10, 12, 0)


def row(opened_hours_ago, closed_hours_ago=None, deadline_in_hours=None, responded_after_hours=None):
    date_open = NOW - timedelta(hours=opened_hours_ago)
    return {
        "date_open": date_open,
        "date_closed": NOW - timedelta(hours=closed_hours_ago) if closed_hours_ago is not None else None,
        "is_closed": closed_hours_ago is not None,
        "deadline": NOW + timedelta(hours=deadline_in_hours) if deadline_in_hours is not None else None,
        "date_first_response": (date_open + timedelta(hours=responded_after_hours)
                                if responded_after_hours is not None else None),
    }


def test_interaction_channel():
    assert complaint.interaction_channel("phone") == "call"
    assert complaint.interaction_channel("visit") == "visit"
    assert complaint.interaction_channel("portal") == "other"
    assert complaint.interaction_channel("phone", via_email=True) == "email"
    assert complaint.interaction_channel("unknown") == "other"


def test_summarize_cuts_on_words():
    assert complaint.summarize("  short   text ") == "short text"
    assert complaint.summarize("one two three four", size=10) == "one two…"
    assert complaint.summarize(None) == ""


def test_digest_figures():
    rows = [
        row(10, closed_hours_ago=8, deadline_in_hours=-5, responded_after_hours=1),  # closed in 2 h, met
        row(30, closed_hours_ago=0, deadline_in_hours=-10, responded_after_hours=3),  # closed in 30 h, missed
        row(5, deadline_in_hours=-1),  # open, overdue
        row(1, deadline_in_hours=4),  # open, on time
        row(2),  # open, no deadline
    ]
    figures = complaint.digest_figures(rows, NOW)
    assert figures["count"] == 5
    assert figures["open"] == 3
    assert figures["overdue"] == 1
    assert figures["closed"] == 2
    assert figures["met"] == 1
    assert figures["met_share"] == 50.0
    assert figures["avg_hours_first_response"] == 2.0
    assert figures["avg_hours_close"] == 16.0


def test_digest_figures_waiting_complaint_is_not_overdue():
    """The digest follows the one rule (:func:`sla.is_overdue`): a complaint waiting for the customer is not
    overdue, even past its deadline (as in the report and the complaint list)."""
    waiting = dict(row(5, deadline_in_hours=-1), is_waiting=True)
    running = row(5, deadline_in_hours=-1)
    figures = complaint.digest_figures([waiting, running], NOW)
    assert figures["open"] == 2
    assert figures["overdue"] == 1


def test_digest_figures_empty():
    figures = complaint.digest_figures([], NOW)
    assert figures["count"] == 0
    assert figures["met_share"] == 0.0
    assert figures["avg_hours_close"] is None
