"""Pure follow-up decisions: level choice, channel choice with fallback, quiet hours."""

from datetime import datetime

from crm_receivables.tools.followup import (
    choose_channel,
    groups_reaching_threshold,
    in_quiet_hours,
    next_allowed_time,
    next_level,
    parse_channels,
    parse_days,
    pick_level,
)

LEVELS = [("pre", -3), ("l1", 3), ("l2", 15), ("l3", 30), ("claim", 45)]


def test_pick_level_by_days():
    assert pick_level(-5, LEVELS) is None
    assert pick_level(-3, LEVELS) == "pre"
    assert pick_level(0, LEVELS) == "pre"
    assert pick_level(3, LEVELS) == "l1"
    assert pick_level(14, LEVELS) == "l1"
    assert pick_level(15, LEVELS) == "l2"
    assert pick_level(100, LEVELS) == "claim"


def test_pick_level_unordered_and_empty():
    assert pick_level(20, list(reversed(LEVELS))) == "l2"
    assert pick_level(20, []) is None


def test_pick_level_broken_promise_escalates_at_once():
    assert pick_level(4, LEVELS, escalate_from="l1") == "l2"
    assert pick_level(40, LEVELS, escalate_from="l1") == "l3", "the day's level wins when higher"
    assert pick_level(100, LEVELS, escalate_from="claim") == "claim"


def test_next_level_first_contact_and_next_day():
    assert next_level(-5, LEVELS) is None, "before the first level's day"
    assert next_level(4, LEVELS) == "l1", "the level of the day, not the ones skipped"
    assert next_level(4, LEVELS, reached=[("l1", 3)]) is None, "each level once"
    assert next_level(16, LEVELS, reached=[("l1", 3)]) == "l2"
    assert next_level(16, LEVELS, reached=[("pre", -3), ("l3", 30)]) is None, "never a step down"


def test_next_level_levels_of_another_policy_count_by_delay():
    assert next_level(40, LEVELS, reached=[("other", 35)]) is None, "l3 (30) is below the 35 days reached"
    assert next_level(50, LEVELS, reached=[("other", 35)]) == "claim"


def test_next_level_broken_promise_escalates_once_above_the_highest():
    assert next_level(4, LEVELS, reached=[("l1", 3)], escalate=True) == "l2"
    assert next_level(4, LEVELS, reached=[("l1", 3), ("l2", 15)], escalate=True) == "l3"
    assert next_level(4, LEVELS, escalate=True) == "l1", "nothing reached: nothing to escalate from"
    assert next_level(100, LEVELS, reached=[("claim", 45)], escalate=True) is None


def test_next_level_weak_payers_start_higher_on_first_contact_only():
    assert next_level(4, LEVELS, offset=1) == "l2"
    assert next_level(4, LEVELS, offset=9) == "claim", "at most the last level"
    assert next_level(-5, LEVELS, offset=1) is None, "no level reached: no start either"
    assert next_level(16, LEVELS, reached=[("l1", 3)], offset=1) == "l2", "not moved once contacted"


def test_parse_channels():
    assert parse_channels("SMS, email;fax, sms") == ("sms", "email")
    assert parse_channels(False) == ()


def test_an_added_channel_is_chosen():
    """A channel registered by the engine (not in the built-in tuple) is kept and tried like any other."""
    channels = ("email", "sms", "letter", "call", "messenger")
    assert parse_channels("messenger, email") == ("email",), "unknown to the built-in channels"
    assert parse_channels("messenger, email", channels) == ("messenger", "email")
    assert choose_channel(("messenger",), {}, fallback_order=channels) == ("messenger", [])
    everything_impossible = {"email": "a", "sms": "b", "letter": "c", "call": "d"}
    assert choose_channel((), everything_impossible, fallback_order=channels)[0] == "messenger"
    assert choose_channel((), everything_impossible)[0] is None, "only registered channels are ever chosen"


def test_choose_channel_preferences_first():
    channel, reasons = choose_channel(("sms", "email"), {})
    assert channel == "sms" and reasons == []


def test_choose_channel_fallback_order():
    channel, reasons = choose_channel((), {"email": "no email"})
    assert channel == "sms"
    assert reasons == [("email", "no email")]
    channel, reasons = choose_channel((), {"email": "no email", "sms": "no mobile"})
    assert channel == "letter"
    channel, _reasons = choose_channel((), {"email": "x", "sms": "y", "letter": "no address"})
    assert channel == "call"


def test_choose_channel_excluded_after_bounce():
    channel, reasons = choose_channel(("email",), {}, excluded=("email",))
    assert channel == "sms"
    assert reasons == [("email", "failed")]


def test_choose_channel_nothing_possible():
    impossible = dict.fromkeys(("email", "sms", "letter", "call"), "x")
    assert choose_channel((), impossible)[0] is None


def test_quiet_hours_over_midnight_in_customer_timezone():
    # 19:30 UTC = 22:30 in Moscow (UTC+3)
    assert in_quiet_hours(datetime(2026, 3, 2, 19, 30), "Europe/Moscow", 21.0, 9.0)
    assert not in_quiet_hours(datetime(2026, 3, 2, 9, 0), "Europe/Moscow", 21.0, 9.0)
    assert not in_quiet_hours(datetime(2026, 3, 2, 19, 30), "UTC", 21.0, 9.0)
    assert in_quiet_hours(datetime(2026, 3, 2, 10, 0), "Europe/Moscow", 12.0, 14.0)
    assert not in_quiet_hours(datetime(2026, 3, 2, 12, 0), "Europe/Moscow", 8.0, 8.0)


def test_quiet_days():
    saturday = datetime(2026, 3, 7, 10, 0)
    assert in_quiet_hours(saturday, "Europe/Moscow", quiet_days=parse_days("6,7"))
    assert not in_quiet_hours(datetime(2026, 3, 6, 10, 0), "Europe/Moscow", quiet_days=parse_days("6,7"))
    assert parse_days("7, 9, x,1") == frozenset({1, 7})


def test_next_allowed_time():
    now = datetime(2026, 3, 2, 19, 30)  # 22:30 Moscow
    assert next_allowed_time(datetime(2026, 3, 2, 9, 0), "Europe/Moscow", 21.0, 9.0) == datetime(2026, 3, 2, 9, 0)
    assert next_allowed_time(now, "Europe/Moscow", 21.0, 9.0) == datetime(2026, 3, 3, 6, 0)
    # Friday evening with quiet weekend: Monday 09:00 Moscow
    friday = datetime(2026, 3, 6, 19, 30)
    assert next_allowed_time(friday, "Europe/Moscow", 21.0, 9.0, parse_days("6,7")) == datetime(2026, 3, 9, 6, 0)
    assert next_allowed_time(now, "UTC", quiet_days=range(1, 8)) is None


def test_groups_reaching_threshold_sum_the_items_of_a_group():
    entries = [(("std", "RUB"), 50.0), (("std", "RUB"), 60.0), (("std", "USD"), 5.0), (("vip", "RUB"), 10.0)]
    minimums = {("std", "RUB"): 100.0, ("std", "USD"): 10.0}
    assert groups_reaching_threshold(entries, minimums) == {("std", "RUB"), ("vip", "RUB")}, \
        "two small documents together reach the minimum; no minimum: always"


def test_groups_reaching_threshold_rounding_and_empty():
    assert groups_reaching_threshold([("a", 99.996)], {"a": 100.0}) == {"a"}
    assert groups_reaching_threshold([("a", 99.4)], {"a": 100.0}, {"a": 1.0}) == set()
    assert groups_reaching_threshold([("a", 99.6)], {"a": 100.0}, {"a": 1.0}) == {"a"}
    assert groups_reaching_threshold([], {"a": 100.0}) == set()
