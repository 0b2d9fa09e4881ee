from datetime import datetime

import pytest

from crm_receivables.tools import pbx


def test_minimal_call():
    values = pbx.parse_call({"phone": " 8 912 345 67 89 ", "direction": "incoming"})
    assert values["phone"] == "8 912 345 67 89"
    assert values["direction"] == "incoming"
    assert values["duration_hours"] == 0
    assert values["date"] is None
    assert values["agent"] is None


def test_full_call():
    values = pbx.parse_call({
        "phone": "+79123456789", "direction": "outgoing", "duration": 90, "date": "2026-03-01T13:15:00+03:00",
        "agent": "ivanov@example.com", "outcome": "reached", "summary": "Talked", "call_id": "c-1",
    })
    assert values["duration_hours"] == 0.025
    assert values["date"] == datetime(2026, 3, 1, 10, 15)
    assert values["outcome"] == "reached"
    assert pbx.parse_datetime("2026-03-01T10:15:00Z") == datetime(2026, 3, 1, 10, 15)


@pytest.mark.parametrize(("payload", "field"), [
    ([], "body"),
    ("phone", "body"),
    ({"direction": "incoming"}, "phone"),
    ({"phone": "  ", "direction": "incoming"}, "phone"),
    ({"phone": 89123456789, "direction": "incoming"}, "phone"),
    ({"phone": "8912", "direction": "sideways"}, "direction"),
    ({"phone": "8912"}, "direction"),
    ({"phone": "8912", "direction": "incoming", "duration": -1}, "duration"),
    ({"phone": "8912", "direction": "incoming", "duration": "90"}, "duration"),
    ({"phone": "8912", "direction": "incoming", "duration": True}, "duration"),
    ({"phone": "8912", "direction": "incoming", "date": "yesterday"}, "date"),
    ({"phone": "8912", "direction": "incoming", "date": 12}, "date"),
])
def test_malformed(payload, field):
    with pytest.raises(pbx.PayloadError) as error:
        pbx.parse_call(payload)
    assert error.value.field == field


@pytest.mark.parametrize(("header", "token"), [
    ("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("Basic abc", None), ("Bearer ", None), (None, None), ("", None),
])
def test_bearer_token(header, token):
    assert pbx.bearer_token(header) == token
