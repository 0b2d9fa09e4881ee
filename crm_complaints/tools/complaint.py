"""Pure helpers of complaints: channel mapping and report figures."""

from statistics import mean

from . import sla

# complaint channel -> crm.interaction channel
INTERACTION_CHANNELS = {
    "phone": "call",
    "email": "email",
    "portal": "other",
    "visit": "visit",
    "letter": "letter",
}


def interaction_channel(complaint_channel, via_email=False):
    """The interaction channel of an event on a complaint.

    :param str complaint_channel: the channel the complaint came by
    :param bool via_email: the event itself is an email (a reply by mail)
    :return: a ``crm.interaction`` channel key
    """
    if via_email:
        return "email"
    return INTERACTION_CHANNELS.get(complaint_channel, "other")


def summarize(text, size=80):
    """Shorten ``text`` to ``size`` characters on a word boundary, with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= size:
        return text
    cut = text[: size - 1].rsplit(" ", 1)[0] or text[: size - 1]
    return cut + "…"


def digest_figures(rows, now):
    """Figures of a set of complaints for the weekly digest and the report.

    :param rows: iterable of dicts with ``date_open``, ``date_closed``, ``deadline``, ``is_closed``,
        ``is_waiting`` (missing: not waiting), ``date_first_response`` (datetimes or ``None``)
    :param now: the current moment
    :return: dict with ``count``, ``open``, ``overdue`` (open and overdue, see :func:`sla.is_overdue`),
        ``closed``, ``met``, ``met_share`` (percent), ``avg_hours_first_response`` and ``avg_hours_close``
        (``None`` when nothing to average)
    """
    rows = list(rows)
    closed = [r for r in rows if r["is_closed"]]
    open_rows = [r for r in rows if not r["is_closed"]]
    overdue = [r for r in open_rows if sla.is_overdue(now, r["deadline"], r.get("is_waiting", False))]
    with_deadline = [r for r in closed if r["deadline"] and r["date_closed"]]
    met = [r for r in with_deadline if r["date_closed"] <= r["deadline"]]
    responses = [
        (r["date_first_response"] - r["date_open"]).total_seconds() / 3600
        for r in rows if r["date_first_response"] and r["date_open"]
    ]
    closings = [
        (r["date_closed"] - r["date_open"]).total_seconds() / 3600
        for r in closed if r["date_closed"] and r["date_open"]
    ]
    return {
        "count": len(rows),
        "open": len(open_rows),
        "overdue": len(overdue),
        "closed": len(closed),
        "met": len(met),
        "met_share": round(100.0 * len(met) / len(with_deadline), 1) if with_deadline else 0.0,
        "avg_hours_first_response": round(mean(responses), 1) if responses else None,
        "avg_hours_close": round(mean(closings), 1) if closings else None,
    }
