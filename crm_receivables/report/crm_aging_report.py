from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import aging as aging_tools

BUCKET_SELECTION = [(key, label) for key, label, _low, _high in aging_tools.BUCKETS]


class CrmAgingReport(models.Model):
    """Aging of the open receivable items, one row per item: pivot by customer, collector, salesperson,
    company and currency against the buckets of :mod:`..tools.aging`.

    An open receivable item is a posted journal item on a receivable account, not reconciled, with something
    left to pay: invoices, credit notes and payments not yet matched, imported 1C documents and opening
    entries alike. Days overdue are counted on the day the report is read (the user's today). Amounts are in
    the company's currency (``amount_residual``) and in the item's currency (``amount_residual_currency``).
    """

    _name = "crm.aging.report"
    _description = "Receivables Aging"
    _auto = False
    _rec_name = "move_line_id"
    _order = "date_maturity, id"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    move_line_id = fields.Many2one("account.move.line", string="Journal Item", readonly=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    name = fields.Char(string="Label", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    account_id = fields.Many2one("account.account", readonly=True)
    date = fields.Date(string="Document Date", readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    bucket = fields.Selection(BUCKET_SELECTION, string="Aging", readonly=True)
    amount_residual = fields.Monetary(string="Amount Due", currency_field="company_currency_id", readonly=True)
    amount_residual_currency = fields.Monetary(string="Amount Due in Currency", currency_field="currency_id",
                                               readonly=True)
    amount_not_due = fields.Monetary(string="Not Due", currency_field="company_currency_id", readonly=True)
    amount_1_30 = fields.Monetary(string="1-30", currency_field="company_currency_id", readonly=True)
    amount_31_60 = fields.Monetary(string="31-60", currency_field="company_currency_id", readonly=True)
    amount_61_90 = fields.Monetary(string="61-90", currency_field="company_currency_id", readonly=True)
    amount_90_plus = fields.Monetary(string="90+", currency_field="company_currency_id", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue", currency_field="company_currency_id", readonly=True)

    _depends = {
        "account.move.line": [
            "move_id", "name", "partner_id", "company_id", "company_currency_id", "currency_id", "account_id",
            "date", "date_maturity", "amount_residual", "amount_residual_currency", "reconciled",
            "parent_state",
        ],
        "account.account": ["account_type"],
        "res.partner": ["commercial_partner_id", "user_id"],
    }

    # ------------------------------------------------------------
    # SQL
    # ------------------------------------------------------------

    @api.model
    def _collector_sql(self):
        """SQL expression of an item's collector, on the commercial partner aliased ``commercial``.

        The customer's collector, falling back to the salesperson (as ``res.partner._crm_get_collector``).
        Override to change the rule.
        """
        return SQL("COALESCE(commercial.crm_collector_id, commercial.user_id)")

    @api.model
    def _bucket_sql(self, days):
        """``CASE`` giving the bucket key of ``days`` overdue, built from :data:`..tools.aging.BUCKETS`."""
        whens = []
        for key, low, high in aging_tools.bucket_conditions():
            conditions = []
            if low is not None:
                conditions.append(SQL("%s >= %s", days, low))
            if high is not None:
                conditions.append(SQL("%s <= %s", days, high))
            whens.append(SQL("WHEN %s THEN %s", SQL(" AND ").join(conditions), key))
        return SQL("CASE %s END", SQL(" ").join(whens))

    @property
    def _table_query(self):
        amounts = [
            SQL("CASE WHEN aging.bucket = %s THEN line.amount_residual ELSE 0.0 END AS %s",
                key, SQL.identifier(aging_tools.BUCKET_COLUMNS[key]))
            for key, _low, _high in aging_tools.bucket_conditions()
        ]
        return SQL(
            """
            SELECT line.id,
                   line.id AS move_line_id,
                   line.move_id,
                   line.name,
                   commercial.id AS partner_id,
                   %(collector)s AS collector_id,
                   commercial.user_id AS user_id,
                   line.company_id,
                   line.company_currency_id,
                   line.currency_id,
                   line.account_id,
                   line.date,
                   COALESCE(line.date_maturity, line.date) AS date_maturity,
                   age.days AS days_overdue,
                   aging.bucket,
                   line.amount_residual,
                   line.amount_residual_currency,
                   %(amounts)s,
                   CASE WHEN age.days > 0 THEN line.amount_residual ELSE 0.0 END AS amount_overdue
              FROM account_move_line line
              LEFT JOIN res_partner partner ON partner.id = line.partner_id
              LEFT JOIN res_partner commercial ON commercial.id = partner.commercial_partner_id
        CROSS JOIN LATERAL (SELECT %(today)s::date - COALESCE(line.date_maturity, line.date) AS days) age
        CROSS JOIN LATERAL (SELECT %(bucket)s AS bucket) aging
             WHERE %(open_item)s
            """,
            collector=self._collector_sql(),
            today=fields.Date.context_today(self),
            bucket=self._bucket_sql(SQL("age.days")),
            amounts=SQL(", ").join(amounts),
            open_item=self._open_item_sql(),
        )

    @api.model
    def _open_item_sql(self):
        """Condition on ``line`` (account.move.line) of an open receivable item."""
        return SQL(
            "line.account_id IN (SELECT id FROM account_account WHERE account_type = 'asset_receivable')"
            " AND line.parent_state = 'posted'"
            " AND NOT line.reconciled AND line.amount_residual != 0"
        )
