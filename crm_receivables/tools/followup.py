"""Pure decision logic of the follow-up of overdue receivable items (no ORM).

* :func:`pick_level` — which level an item reaches after a number of days past its due date;
* :func:`next_level` — the level to generate for an item today, given the levels it already reached;
* :func:`groups_reaching_threshold` — which groups of items (customer, policy, currency) are worth a reminder;
* :func:`choose_channel` — the channel of a customer, from their preferences and what is possible;
* :func:`in_quiet_hours` / :func:`next_allowed_time` — the customer's quiet hours and days.
"""

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..const import FOLLOWUP_CHANNELS
from .scoring import shift_start_level

# the channels of the follow-up out of the box, in the fallback order when the customer's preferences are
# exhausted; the engine passes its own registered channels (see ``crm.followup.engine._get_channels``)
CHANNELS = FOLLOWUP_CHANNELS


def pick_level(days_overdue, levels, escalate_from=None):
    """Return the level an invoice reaches.

    :param int days_overdue: days past the due date (negative: before it)
    :param levels: iterable of ``(key, delay)``; ``delay`` in days relative to the due date
    :param escalate_from: when set (a broken promise), the key of the level already reached: the next level
        above it is returned even if its day has not come
    :return: the key of the highest level whose delay is reached, or ``None``
    """
    ordered = sorted(levels, key=lambda level: level[1])
    reached = None
    for key, delay in ordered:
        if delay <= days_overdue:
            reached = key
    if escalate_from is not None:
        keys = [key for key, _delay in ordered]
        if escalate_from in keys:
            index = keys.index(escalate_from) + 1
            if index < len(keys) and (reached is None or keys.index(reached) < index):
                reached = keys[index]
    return reached


def next_level(days_overdue, levels, reached=(), escalate=False, offset=0):
    """Return the level to generate for an item today, or ``None`` (nothing new).

    The level the item reaches by its days overdue (:func:`pick_level`), one above the highest level already
    reached after a broken promise (``escalate``), and for a first contact moved ``offset`` levels up (weak
    payers, :func:`~.scoring.shift_start_level`). A level already reached, or not above the highest one
    reached, gives ``None``: each item reaches each level once and never steps down.

    :param int days_overdue: days past the due date (negative: before it)
    :param levels: the policy's levels, ``[(key, delay), ...]``, mildest first (by delay)
    :param reached: the levels the item already reached (of any policy), ``[(key, delay), ...]``
    :param bool escalate: a broken promise: go one level above the highest reached
    :param int offset: levels to start above (first contact only)
    :return: the key of the level, or ``None``
    """
    top = max(reached, key=lambda level: level[1]) if reached else None
    key = pick_level(days_overdue, levels, escalate_from=top[0] if top and escalate else None)
    if key is None:
        return None
    if offset and not reached:
        key = shift_start_level([level_key for level_key, _delay in levels], key, offset)
    # a level already reached is not above the highest one reached
    if top and dict(levels)[key] <= top[1]:
        return None
    return key


def groups_reaching_threshold(entries, minimums, roundings=None):
    """Return the groups whose total amount reaches their minimum.

    :param entries: iterable of ``(group_key, amount)``; a group is e.g. (policy, currency) of one customer
    :param dict minimums: ``{group_key: minimum amount}`` (a missing key: no minimum)
    :param dict roundings: ``{group_key: rounding}`` of the currency; totals closer than half of it to the
        minimum count as reaching it (0.01 by default)
    :return: set of the group keys that reach their minimum
    """
    totals = {}
    for key, amount in entries:
        totals[key] = totals.get(key, 0.0) + (amount or 0.0)
    roundings = roundings or {}
    return {
        key for key, total in totals.items()
        if total >= (minimums.get(key) or 0.0) - roundings.get(key, 0.01) / 2
    }


def parse_channels(value, known=CHANNELS):
    """Parse a customer's channel preferences (``"sms, email"``) into a tuple of known channels.

    :param str value: channels separated by commas or semicolons
    :param known: the channels that exist (the engine's registered channels); others are dropped
    :return: tuple of channels, in the order given, without repeats
    """
    result = []
    for raw in (value or "").replace(";", ",").split(","):
        token = raw.strip().lower()
        if token in known and token not in result:
            result.append(token)
    return tuple(result)


def choose_channel(preferences, capabilities, excluded=(), fallback_order=CHANNELS):
    """Choose the channel of a communication.

    :param preferences: the customer's ordered channels (may be empty: the fallback order is used)
    :param dict capabilities: ``{channel: reason or None}``; a reason (``"no email"``, ``"blacklisted"``) makes
        the channel impossible, ``None`` (or a missing key for ``letter``/``call``) makes it possible
    :param excluded: channels that bounced or failed for this communication
    :param fallback_order: channels tried after the preferences: every channel that can send (a channel in
        neither is never chosen)
    :return: ``(channel, reasons)`` — ``channel`` is ``None`` when nothing is possible; ``reasons`` lists
        ``(channel, reason)`` of the channels skipped on the way, for the collector
    """
    order = list(preferences) + [channel for channel in fallback_order if channel not in preferences]
    reasons = []
    for channel in order:
        if channel in excluded:
            reasons.append((channel, "failed"))
            continue
        reason = capabilities.get(channel)
        if reason:
            reasons.append((channel, reason))
            continue
        return channel, reasons
    return None, reasons


def _zone(tz_name):
    if not tz_name:
        return UTC
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def parse_days(value):
    """Parse quiet days (``"5,6"``: ISO weekdays 1 = Monday … 7 = Sunday) into a frozenset of ints."""
    days = set()
    for raw in (value or "").replace(";", ",").split(","):
        token = raw.strip()
        if token.isdigit() and 1 <= int(token) <= 7:
            days.add(int(token))
    return frozenset(days)


def in_quiet_hours(now_utc, tz_name, quiet_start=0.0, quiet_end=0.0, quiet_days=()):
    """Whether ``now_utc`` (naive UTC) falls into the customer's quiet hours or days.

    :param float quiet_start: hour the quiet time begins (22.5 = 22:30) in the customer's timezone
    :param float quiet_end: hour it ends; may be smaller than ``quiet_start`` (over midnight); equal: no hours
    :param quiet_days: ISO weekdays without any communication
    """
    local = now_utc.replace(tzinfo=UTC).astimezone(_zone(tz_name))
    if local.isoweekday() in set(quiet_days):
        return True
    if quiet_start == quiet_end:
        return False
    hour = local.hour + local.minute / 60.0
    if quiet_start < quiet_end:
        return quiet_start <= hour < quiet_end
    return hour >= quiet_start or hour < quiet_end


def next_allowed_time(now_utc, tz_name, quiet_start=0.0, quiet_end=0.0, quiet_days=()):
    """The first moment (naive UTC, minute precision) at or after ``now_utc`` outside the quiet time.

    :return: ``now_utc`` itself when it is allowed; ``None`` if every day is quiet
    """
    if len(set(quiet_days)) >= 7:
        return None
    moment = now_utc.replace(second=0, microsecond=0)
    if not in_quiet_hours(moment, tz_name, quiet_start, quiet_end, quiet_days):
        return now_utc
    # walk by 15 minutes: at most 8 days, a few hundred steps, pure arithmetic
    for _step in range(8 * 24 * 4):
        moment += timedelta(minutes=15)
        moment = moment.replace(minute=moment.minute - moment.minute % 15)
        if not in_quiet_hours(moment, tz_name, quiet_start, quiet_end, quiet_days):
            return moment
    return None


def days_between(due_date, today):
    """Days from ``due_date`` to ``today`` (negative before the due date)."""
    return (today - due_date).days


