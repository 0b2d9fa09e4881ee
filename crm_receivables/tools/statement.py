"""Pure computation of a customer statement (акт сверки взаимных расчетов), no ORM.

The statement lists, for a period, the opening balance, every document (invoice, credit note, payment)
with its debit (the customer owes more) or credit (the customer owes less), and the closing balance.
Balances are signed from our side: positive means the customer owes us.
"""


def build_statement(opening, movements, digits=2):
    """Build the rows and totals of a statement.

    :param float opening: balance before the period (debit - credit of earlier receivable lines)
    :param movements: iterable of dicts with ``date``, ``document``, ``debit``, ``credit``
        (several lines of the same document are merged, in order of first appearance)
    :param int digits: rounding of the amounts
    :return: dict with ``rows`` (``date, document, debit, credit, balance``), ``opening``, ``debit``,
        ``credit``, ``closing``, and the opening/closing split into ``*_debit``/``*_credit`` sides
    """
    merged = {}
    for movement in movements:
        key = (movement["date"], movement["document"])
        row = merged.setdefault(key, {"date": movement["date"], "document": movement["document"],
                                      "debit": 0.0, "credit": 0.0})
        row["debit"] += movement.get("debit") or 0.0
        row["credit"] += movement.get("credit") or 0.0
    rows = sorted(merged.values(), key=lambda row: (row["date"], row["document"]))
    balance = round(opening, digits)
    total_debit = total_credit = 0.0
    for row in rows:
        row["debit"] = round(row["debit"], digits)
        row["credit"] = round(row["credit"], digits)
        total_debit += row["debit"]
        total_credit += row["credit"]
        balance = round(balance + row["debit"] - row["credit"], digits)
        row["balance"] = balance
    closing = round(opening + total_debit - total_credit, digits)
    return {
        "rows": rows,
        "opening": round(opening, digits),
        "debit": round(total_debit, digits),
        "credit": round(total_credit, digits),
        "closing": closing,
        **split_balance("opening", round(opening, digits)),
        **split_balance("closing", closing),
    }


def split_balance(prefix, balance):
    """Split a signed balance into the debit and credit columns of the act."""
    return {
        f"{prefix}_debit": balance if balance > 0 else 0.0,
        f"{prefix}_credit": -balance if balance < 0 else 0.0,
    }
