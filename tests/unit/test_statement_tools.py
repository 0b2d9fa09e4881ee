"""Pure computation of the customer statement (акт сверки)."""

from datetime import date

from crm_receivables.tools.statement import build_statement, split_balance


def test_statement_rows_and_balances():
    result = build_statement(1000.0, [
        {"date": date(2026, 3, 5), "document": "INV/2", "debit": 500.0, "credit": 0.0},
        {"date": date(2026, 3, 1), "document": "INV/1", "debit": 200.0, "credit": 0.0},
        {"date": date(2026, 3, 1), "document": "INV/1", "debit": 100.0, "credit": 0.0},
        {"date": date(2026, 3, 10), "document": "PAY/1", "debit": 0.0, "credit": 2000.0},
    ])
    assert [row["document"] for row in result["rows"]] == ["INV/1", "INV/2", "PAY/1"]
    assert result["rows"][0]["debit"] == 300.0
    assert [row["balance"] for row in result["rows"]] == [1300.0, 1800.0, -200.0]
    assert result["debit"] == 800.0 and result["credit"] == 2000.0
    assert result["opening"] == 1000.0 and result["closing"] == -200.0
    assert result["opening_debit"] == 1000.0 and result["opening_credit"] == 0.0
    assert result["closing_debit"] == 0.0 and result["closing_credit"] == 200.0


def test_statement_empty_period():
    result = build_statement(0.0, [])
    assert result["rows"] == [] and result["closing"] == 0.0


def test_split_balance():
    assert split_balance("x", -5.0) == {"x_debit": 0.0, "x_credit": 5.0}
