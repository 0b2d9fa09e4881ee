"""Pure decision logic of the collections workbench (no ORM): behaviour score, class, reasons, queue ranking.

* :func:`score_customer` — a customer's behaviour score (0–100), class A–D and the facts that explain it;
* :func:`classify` — the class of a score;
* :func:`channel_order` / :func:`start_level_offset` — how the score drives the follow-up when a policy asks;
* :func:`recovery_probability` / :func:`age_factor` / :func:`expected_recovery` — the collector's queue order.

The models gather the figures in a few grouped queries for a whole batch of customers and call these
functions per customer; nothing here reads the database.
"""

from collections import namedtuple

# class thresholds: a score at or above the bound gets the class
CLASS_BOUNDS = (("A", 80.0), ("B", 60.0), ("C", 40.0), ("D", 0.0))
# weights of the components of the score (renormalised over the components known for the customer)
WEIGHTS = {
    "lateness": 40.0,  # amount-weighted average days late of paid items
    "late_share": 15.0,  # share of the paid amount paid after the due date
    "promises": 20.0,  # promise kept-rate
    "response": 10.0,  # share of reminders followed by a payment within N days
    "overdue": 15.0,  # how late the oldest open item is today
}
LATENESS_ZERO_DAYS = 60.0  # paying this late on average (or later) gives no lateness point
OVERDUE_ZERO_DAYS = 90.0  # an open item this late (or later) gives no current-overdue point
TREND_POINTS = 5.0  # bonus / malus when the recent lateness is clearly better / worse than the older one
TREND_MIN_DAYS = 5.0  # the change of the average days late that counts as a trend
DISPUTE_POINTS = 5.0  # malus per open dispute
DISPUTE_MAX_POINTS = 10.0
# probability of recovering the overdue amount soon, per class (unscored customers: UNSCORED_PROBABILITY)
CLASS_PROBABILITY = {"A": 0.9, "B": 0.7, "C": 0.45, "D": 0.2}
UNSCORED_PROBABILITY = 0.5
# age factor of an overdue amount: (days overdue up to, factor); older than the last bound: AGE_FACTOR_OLDEST
AGE_FACTORS = ((30, 1.0), (60, 0.9), (90, 0.75), (180, 0.5))
AGE_FACTOR_OLDEST = 0.3
# follow-up: levels skipped (positive) or anticipated (negative) per class when a policy follows the score
START_LEVEL_OFFSET = {"A": 0, "B": 0, "C": 1, "D": 1}
MIN_CONTACTS_FOR_CHANNEL = 2  # reminders needed on a channel before its response rate counts

CustomerFacts = namedtuple(
    "CustomerFacts",
    [
        "paid_amount",  # amount of the receivable items paid in the window
        "late_amount_days",  # sum of amount × days late over those items (days late ≥ 0)
        "late_amount",  # amount of those items paid after their due date
        "recent_paid_amount",  # the same three figures for the recent part of the window (trend)
        "recent_late_amount_days",
        "promises_kept",  # judged promises: kept, partially kept, broken
        "promises_partial",
        "promises_broken",
        "disputes",  # open disputes (items whose follow-up is blocked)
        "reminders_sent",  # reminders sent in the window
        "reminders_answered",  # of them, followed by a payment within N days
        "overdue_amount",  # open overdue amount today
        "overdue_days",  # days overdue of the oldest open overdue item today (0: none)
    ],
    defaults=(0.0,) * 13,
)


def _clip(value, low=0.0, high=1.0):
    return max(low, min(high, value))


def average_days_late(amount, amount_days):
    """Amount-weighted average days late.

    :param float amount: total amount of the paid items
    :param float amount_days: sum of ``amount × days late`` of those items
    :return: average days late (float), or ``None`` when nothing was paid
    """
    if amount <= 0:
        return None
    return amount_days / amount


def kept_counts(kept, partial, broken):
    """Promises kept, counting a partially kept one as half.

    :return: ``(kept, judged)`` — kept may be fractional (``4.5``), judged is the number of judged promises
    """
    judged = kept + partial + broken
    return kept + partial / 2.0, int(judged)


def classify(score):
    """Class of a behaviour score.

    :param score: 0–100, or ``None`` (no history)
    :return: ``"A"`` … ``"D"``, or ``None`` when ``score`` is ``None``
    """
    if score is None:
        return None
    for cls, bound in CLASS_BOUNDS:
        if score >= bound:
            return cls
    return "D"


def score_customer(facts):
    """Score a customer from the figures of their history.

    Each component known for the customer gives a value between 0 and 1, weighted by :data:`WEIGHTS`
    (the weights of unknown components — no paid item, no judged promise, no reminder — are left out);
    the trend moves the score by :data:`TREND_POINTS`, each open dispute takes :data:`DISPUTE_POINTS` off.

    :param CustomerFacts facts: the customer's figures
    :return: ``(score, cls, reasons)`` — score 0–100 rounded to one decimal (``None`` without any history),
        the class (``None`` without history) and the reasons, most telling first, as a list of
        ``(code, params)``: ``("late", {"days": 12})``, ``("on_time", {})``, ``("late_share", {"percent": 40})``,
        ``("promises", {"kept": 4, "total": 5})``, ``("disputes", {"count": 1})``,
        ``("overdue", {"days": 35})``, ``("improving", {})``, ``("worsening", {})``,
        ``("response", {"percent": 60})``, ``("no_history", {})``
    """
    components = {}
    reasons = []
    avg_late = average_days_late(facts.paid_amount, facts.late_amount_days)
    if avg_late is not None:
        components["lateness"] = 1.0 - _clip(avg_late / LATENESS_ZERO_DAYS)
        late_share = _clip(facts.late_amount / facts.paid_amount)
        components["late_share"] = 1.0 - late_share
        days = round(avg_late)
        if days >= 1:
            reasons.append(("late", {"days": days}))
            reasons.append(("late_share", {"percent": round(late_share * 100)}))
        else:
            reasons.append(("on_time", {}))
    kept, judged = kept_counts(facts.promises_kept, facts.promises_partial, facts.promises_broken)
    if judged:
        components["promises"] = kept / judged
        reasons.append(("promises", {"kept": _plain_number(kept), "total": judged}))
    if facts.reminders_sent:
        rate = _clip(facts.reminders_answered / facts.reminders_sent)
        components["response"] = rate
        reasons.append(("response", {"percent": round(rate * 100)}))
    if facts.overdue_amount > 0 and facts.overdue_days > 0:
        components["overdue"] = 1.0 - _clip(facts.overdue_days / OVERDUE_ZERO_DAYS)
        reasons.append(("overdue", {"days": int(facts.overdue_days)}))
    elif components:
        components["overdue"] = 1.0
    if not components:
        return None, None, [("no_history", {})]
    total_weight = sum(WEIGHTS[key] for key in components)
    score = 100.0 * sum(WEIGHTS[key] * value for key, value in components.items()) / total_weight
    trend = trend_direction(facts)
    if trend:
        score += TREND_POINTS * trend
        reasons.append(("improving" if trend > 0 else "worsening", {}))
    if facts.disputes:
        score -= min(DISPUTE_MAX_POINTS, DISPUTE_POINTS * facts.disputes)
        reasons.append(("disputes", {"count": int(facts.disputes)}))
    score = round(_clip(score, 0.0, 100.0), 1)
    return score, classify(score), reasons


def trend_direction(facts):
    """Whether the customer pays better (1), worse (-1) or as before (0) recently.

    Compares the average days late of the recent part of the window with the older part; a change below
    :data:`TREND_MIN_DAYS` is no trend.

    :param CustomerFacts facts: the customer's figures
    :return: 1, 0 or -1
    """
    older_amount = facts.paid_amount - facts.recent_paid_amount
    recent = average_days_late(facts.recent_paid_amount, facts.recent_late_amount_days)
    older = average_days_late(older_amount, facts.late_amount_days - facts.recent_late_amount_days)
    if recent is None or older is None:
        return 0
    if recent <= older - TREND_MIN_DAYS:
        return 1
    if recent >= older + TREND_MIN_DAYS:
        return -1
    return 0


def _plain_number(value):
    """4.0 → 4, 4.5 → 4.5 (for the reason sentence)."""
    return int(value) if float(value).is_integer() else value


def response_rates(rows):
    """Response to reminders per channel and per level.

    :param rows: iterable of ``(channel, level, sent, answered)``
    :return: ``(by_channel, by_level, sent, answered)`` — two dicts ``{key: (sent, answered)}`` and the totals
    """
    by_channel, by_level = {}, {}
    total_sent = total_answered = 0
    for channel, level, sent, answered in rows:
        for table, key in ((by_channel, channel), (by_level, level)):
            if key is None:
                continue
            prev = table.get(key, (0, 0))
            table[key] = (prev[0] + sent, prev[1] + answered)
        total_sent += sent
        total_answered += answered
    return by_channel, by_level, total_sent, total_answered


def preferred_channel(response_by_channel, min_contacts=MIN_CONTACTS_FOR_CHANNEL):
    """The channel the customer answers best.

    :param dict response_by_channel: ``{channel: (sent, answered)}``
    :param int min_contacts: reminders needed on a channel before it counts
    :return: the channel with the best response rate (ties: the most answered, then the name), or ``None``
        when no channel was tried enough or none was ever answered
    """
    best = None
    for channel, (sent, answered) in response_by_channel.items():
        if sent < min_contacts or not answered:
            continue
        key = (answered / sent, answered, channel)
        if best is None or key > best[0]:
            best = (key, channel)
    return best[1] if best else None


def channel_order(preferences, response_by_channel, min_contacts=MIN_CONTACTS_FOR_CHANNEL):
    """Channels in the order the follow-up should try them, the customer's response leading.

    Channels the customer answered (tried at least ``min_contacts`` times) come first, best response rate
    first; then the customer's own preferences in their order; channels never answered after enough tries
    go last. A customer who answers SMS but not e-mail gets SMS first.

    :param preferences: the customer's ordered channels (may be empty)
    :param dict response_by_channel: ``{channel: (sent, answered)}``
    :param int min_contacts: reminders needed on a channel before its response counts
    :return: tuple of channels
    """
    answered, silent = [], []
    for channel, (sent, count) in response_by_channel.items():
        if sent < min_contacts:
            continue
        (answered if count else silent).append((count / sent, count, channel))
    leading = [channel for _rate, _count, channel in sorted(answered, reverse=True)]
    trailing = sorted(channel for _rate, _count, channel in silent)
    order = list(leading)
    for channel in preferences:
        if channel not in order and channel not in trailing:
            order.append(channel)
    for channel in trailing:
        if channel not in order:
            order.append(channel)
    return tuple(order)


def start_level_offset(cls):
    """Levels to skip at the start of the follow-up for a class (a D customer starts one level firmer).

    :param cls: class ``"A"`` … ``"D"`` or ``None``
    :return: int, 0 for good or unknown customers
    """
    return START_LEVEL_OFFSET.get(cls, 0)


def recovery_probability(cls):
    """Probability that a customer of this class pays the overdue amount soon after a contact.

    :param cls: class ``"A"`` … ``"D"`` or ``None`` (not scored yet)
    :return: float between 0 and 1
    """
    return CLASS_PROBABILITY.get(cls, UNSCORED_PROBABILITY)


def age_factor(days_overdue):
    """Weight of an overdue amount by its age: old debt is harder to recover.

    :param days_overdue: amount-weighted days overdue of the customer's open overdue items
    :return: float between 0 and 1
    """
    for bound, factor in AGE_FACTORS:
        if days_overdue <= bound:
            return factor
    return AGE_FACTOR_OLDEST


def expected_recovery(amount_overdue, cls, days_overdue):
    """Expected recovery of a contact: overdue amount × probability from the class × age factor.

    :param float amount_overdue: the customer's overdue amount (company currency)
    :param cls: the customer's class or ``None``
    :param days_overdue: amount-weighted days overdue
    :return: float, 0 when nothing is overdue
    """
    if amount_overdue <= 0:
        return 0.0
    return amount_overdue * recovery_probability(cls) * age_factor(days_overdue)


def rank_queue(rows):
    """Order the queue rows of each collector by expected recovery.

    :param rows: iterable of dicts with at least ``user_id`` and ``expected_recovery`` (and ``partner_id``
        for a stable order)
    :return: the rows, each with ``rank`` set (1 = first call of the collector), best first per collector
    """
    ordered = sorted(rows, key=lambda row: (-row["expected_recovery"], row.get("partner_id") or 0))
    counters = {}
    for row in ordered:
        counters[row["user_id"]] = counters.get(row["user_id"], 0) + 1
        row["rank"] = counters[row["user_id"]]
    return ordered


def format_response(response_by_channel):
    """Store the response by channel in one short text: ``"email=0/5,sms=2/3"`` (answered/sent).

    :param dict response_by_channel: ``{channel: (sent, answered)}``
    :return: str, channels in name order ("" when empty)
    """
    return ",".join(
        f"{channel}={answered}/{sent}" for channel, (sent, answered) in sorted(response_by_channel.items())
    )


def parse_response(value):
    """Read back :func:`format_response`; malformed parts are ignored.

    :param str value: ``"email=0/5,sms=2/3"``
    :return: dict ``{channel: (sent, answered)}``
    """
    result = {}
    for part in (value or "").split(","):
        channel, _sep, figures = part.strip().partition("=")
        answered, _sep, sent = figures.partition("/")
        if channel and answered.isdigit() and sent.isdigit():
            result[channel] = (int(sent), int(answered))
    return result


def credit_hold_reasons(overdue_amount, overdue_days, hold_days, hold_amount):
    """Why a customer's new sales on credit are held, from their overdue debt and the company's settings.

    :param float overdue_amount: the customer's overdue amount (company currency)
    :param int overdue_days: days overdue of the customer's oldest overdue item
    :param int hold_days: hold beyond this many days overdue (0: no such rule)
    :param float hold_amount: hold beyond this overdue amount (0: no such rule)
    :return: list of ``(code, params)``: ``("days", {"days": 45, "limit": 30})``,
        ``("amount", {"amount": 150000.0, "limit": 100000.0})``
    """
    reasons = []
    if overdue_amount <= 0:
        return reasons
    if hold_days and overdue_days > hold_days:
        reasons.append(("days", {"days": int(overdue_days), "limit": int(hold_days)}))
    if hold_amount and overdue_amount > hold_amount:
        reasons.append(("amount", {"amount": overdue_amount, "limit": hold_amount}))
    return reasons


def shift_start_level(ordered_keys, key, offset, first_contact=True):
    """The level a customer's follow-up starts at when the policy follows the score.

    :param ordered_keys: the policy's level keys, mildest first (by delay)
    :param key: the level the item reaches by its days overdue (``None``: none)
    :param int offset: levels to move up (:func:`start_level_offset`)
    :param bool first_contact: ``True`` when the item reached no level yet (only the start moves)
    :return: the key of the level to use (the last level at most), or ``key`` unchanged
    """
    if key is None or not offset or not first_contact or key not in ordered_keys:
        return key
    index = min(list(ordered_keys).index(key) + offset, len(ordered_keys) - 1)
    return ordered_keys[index]
