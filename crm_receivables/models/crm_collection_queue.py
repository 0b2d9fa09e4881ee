from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import scoring as scoring_tools
from .res_partner import SCORE_CLASSES


class CrmCollectionQueue(models.Model):
    """The collector's queue: the customers to contact today, ranked by expected recovery.

    Rebuilt each morning per company (:meth:`_cron_rebuild`) from the open receivable items in one
    statement: a grouped query reads the overdue items of every customer (without blocked items and without
    customers inside an open promise window), ranks them by expected recovery (the rules of
    :mod:`..tools.scoring`, in SQL) and writes the queue. The list and kanban read plain stored columns, so
    they stay fast at any size.
    """

    _name = "crm.collection.queue"
    _description = "Collector's Queue"
    _order = "is_done, rank, id"
    _rec_name = "partner_id"
    # rebuilt each morning from the items: who "created" a row tells nothing (when it was done: date_done)
    _log_access = False

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, readonly=True,
                                 ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Collector", index=True,
                              help="The customer's collector, else its salesperson.")
    date = fields.Date(string="Queue Date", required=True, readonly=True)
    rank = fields.Integer(readonly=True, help="Order of the call in the collector's queue (1 = first).")
    amount_overdue = fields.Monetary(string="Overdue", readonly=True,
                                     help="Overdue open receivable items, less unallocated payments, "
                                          "without blocked items (company currency).")
    amount_expected = fields.Monetary(string="Expected Recovery", readonly=True,
                                      help="Overdue × probability from the payer class × age factor.")
    days_overdue = fields.Integer(string="Days Overdue (Avg)", readonly=True,
                                  help="Amount-weighted average days overdue of the overdue items.")
    max_days_overdue = fields.Integer(string="Oldest (Days)", readonly=True)
    item_count = fields.Integer(string="Overdue Items", readonly=True)
    score_class = fields.Selection(SCORE_CLASSES, string="Class", readonly=True)
    probability = fields.Float(readonly=True, help="Probability of recovery from the payer class.")
    is_done = fields.Boolean(string="Done", readonly=True, help="Contacted today: the next step is planned.")
    date_done = fields.Datetime(string="Done On", readonly=True)
    # the customer, for the cards and the next-call screen (read per page, not per row)
    phone = fields.Char(related="partner_id.phone")
    mobile = fields.Char(related="partner_id.mobile")
    email = fields.Char(related="partner_id.email")
    score_reason = fields.Char(related="partner_id.crm_score_reason", string="Why This Class")
    preferred_channel = fields.Selection(related="partner_id.crm_preferred_channel")
    next_activity_date = fields.Date(related="partner_id.crm_next_activity_date", string="Next Action On")
    next_activity_summary = fields.Char(related="partner_id.crm_next_activity_summary", string="Next Action")
    last_contact_date = fields.Datetime(related="partner_id.crm_last_contact_date", string="Last Contact")
    # next-call screen (computed for the open record only)
    line_ids = fields.Many2many("account.move.line", compute="_compute_call_details", string="Open Items")
    promise_ids = fields.Many2many("crm.payment.promise", compute="_compute_call_details", string="Promises")
    interaction_ids = fields.Many2many("crm.interaction", compute="_compute_call_details",
                                       string="Last Interactions")
    script_id = fields.Many2one("crm.knowledge.article", compute="_compute_call_details", string="Call Script")
    script_body = fields.Html(compute="_compute_call_details", string="Script", sanitize=False)

    _sql_constraints = [
        ("partner_company_uniq", "UNIQUE(partner_id, company_id)", "A customer is once in a company's queue."),
    ]

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    def _compute_call_details(self):
        """Open items, promises, last interactions and the call script of the customer (next-call screen)."""
        MoveLine = self.env["account.move.line"]
        Promise = self.env["crm.payment.promise"]
        Interaction = self.env["crm.interaction"]
        for row in self:
            partner = row.partner_id
            row.line_ids = MoveLine.search([
                ("partner_id", "child_of", partner.id), ("company_id", "=", row.company_id.id),
                ("account_id.account_type", "=", "asset_receivable"), ("parent_state", "=", "posted"),
                ("reconciled", "=", False), ("amount_residual", "!=", 0),
            ], order="date_maturity, id", limit=50)
            row.promise_ids = Promise.search([("partner_id", "=", partner.id)], limit=5)
            row.interaction_ids = Interaction.search([("partner_id", "=", partner.id)], limit=5)
            script = row._get_call_script()
            row.script_id = script
            row.script_body = script.body

    def _get_call_script(self):
        """The call script of the knowledge base that fits the customer (hook).

        The published scripts answering "overdue debt payment" and the customer's class, most relevant
        first; else the first published script.
        """
        self.ensure_one()
        Article = self.env["crm.knowledge.article"]
        text = " ".join(filter(None, [
            self.env._("overdue debt payment"), self.score_reason or "",
        ]))
        suggested = Article._suggest(text, limit=10).filtered(lambda article: article.kind == "script")
        if suggested:
            return suggested[0]
        return Article.search([*Article._get_published_domain(), ("kind", "=", "script")], limit=1)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_call(self):
        """Open the next-call screen of this customer."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(self.env.ref("crm_receivables.crm_collection_queue_view_form_call").id, "form")],
            "target": "current",
            "context": dict(self.env.context, create=False),
        }

    def action_next(self):
        """Go to the next customer of the same collector's queue (not done yet)."""
        self.ensure_one()
        following = self._get_next()
        if not following:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "message": self.env._("No more customers to call in this queue today."),
                    "type": "success",
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        return following.action_open_call()

    def _get_next(self):
        """The next row of the collector's queue after this one (rank order), not done yet."""
        self.ensure_one()
        domain = [("user_id", "=", self.user_id.id), ("company_id", "=", self.company_id.id),
                  ("is_done", "=", False), ("id", "!=", self.id)]
        following = self.search([*domain, ("rank", ">", self.rank)], order="rank, id", limit=1)
        return following or self.search(domain, order="rank, id", limit=1)

    def action_log_outcome(self):
        """Outcome button: open "Log call" pre-filled with the outcome (context ``crm_outcome_code``),
        the customer and its open invoices; the next step is required."""
        self.ensure_one()
        code = self.env.context.get("crm_outcome_code")
        outcome = self.env["crm.interaction.outcome"]._get_by_code(code, self.company_id) if code else False
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_receivables.crm_interaction_log_wizard_action")
        action["context"] = {
            "active_model": "res.partner",
            "active_id": self.partner_id.id,
            "default_crm_queue_id": self.id,
            "default_outcome_id": outcome.id if outcome else False,
            "default_company_id": self.company_id.id,
        }
        return action

    def _mark_done(self):
        """The customer was contacted and the next step planned: off today's queue."""
        self.write({"is_done": True, "date_done": fields.Datetime.now()})

    @api.model
    def action_rebuild(self):
        """Rebuild the queue of the current companies now (button of the managers)."""
        if not self.env.user.has_group("crm_receivables.crm_receivables_group_manager"):
            raise UserError(self.env._("Only a receivables manager can rebuild the queue."))
        self.sudo()._rebuild(self.env.companies)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    # ------------------------------------------------------------
    # BUSINESS: building the queue
    # ------------------------------------------------------------

    @api.model
    def _cron_rebuild(self):
        """Each morning: the queue of every company, one company per step with progress."""
        companies = self.env["res.company"].search([("active", "=", True)], order="id")
        for done, company in enumerate(companies, start=1):
            with self.env.cr.savepoint():
                self._rebuild(company)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(companies) - done)
        return True

    @api.model
    def _rebuild(self, companies, today=None):
        """Replace the queue of ``companies`` with today's, in one statement.

        The figures of every customer come from the aggregate of :meth:`_rebuild_read`; the expected recovery
        and each collector's ranks are those of :func:`scoring.expected_recovery` and
        :func:`scoring.rank_queue`, written in SQL by :meth:`_rebuild_ranked_sql` (tested equal to them).
        Customers no longer to call lose their row; the others keep it, updated in place (same id); the new
        ones get one; every row starts the day not done. The values are final: nothing is computed on the
        rows afterwards.

        :param companies: ``res.company`` recordset (one company or more)
        :param today: date of the queue (default: today)
        :return: number of rows in the queue
        """
        today = today or fields.Date.context_today(self)
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """WITH ranked AS MATERIALIZED (%(ranked)s),
                    gone AS (DELETE FROM crm_collection_queue queue
                              WHERE queue.company_id IN %(companies)s
                                AND NOT EXISTS (SELECT 1 FROM ranked
                                                 WHERE ranked.company_id = queue.company_id
                                                   AND ranked.partner_id = queue.partner_id))
               INSERT INTO crm_collection_queue
                      (date, is_done, company_id, partner_id, user_id, rank, amount_overdue, amount_expected,
                       days_overdue, max_days_overdue, score_class, item_count, probability)
               SELECT %(today)s, FALSE, company_id, partner_id, user_id, rank, amount_overdue, amount_expected,
                      days_overdue, max_days_overdue, score_class, item_count, probability
                 FROM ranked
                   ON CONFLICT (partner_id, company_id) DO UPDATE
                  SET date = EXCLUDED.date, is_done = FALSE, date_done = NULL, user_id = EXCLUDED.user_id,
                      rank = EXCLUDED.rank, amount_overdue = EXCLUDED.amount_overdue,
                      amount_expected = EXCLUDED.amount_expected, days_overdue = EXCLUDED.days_overdue,
                      max_days_overdue = EXCLUDED.max_days_overdue, score_class = EXCLUDED.score_class,
                      item_count = EXCLUDED.item_count, probability = EXCLUDED.probability""",
            ranked=self._rebuild_ranked_sql(companies, today),
            companies=tuple(companies.ids) or (0,),
            today=today,
        ))
        count = self.env.cr.rowcount
        self.invalidate_model()
        return count

    @api.model
    def _rebuild_ranked_sql(self, companies, today):
        """The queue rows of ``companies`` for ``today``, ranked: the SQL form of :mod:`..tools.scoring`.

        Columns: company_id, partner_id, user_id, rank, amount_overdue, amount_expected (rounded to the
        company currency), days_overdue, max_days_overdue, score_class, item_count, probability. Customers
        whose net overdue amount is not positive in the company currency are left out. The arithmetic is in
        double precision, in the order of :func:`scoring.expected_recovery`, so the ranks are those of
        :func:`scoring.rank_queue` (expected recovery descending, then customer id, per company and collector).
        """
        probability = SQL("CASE figures.score_class %s ELSE %s::float8 END", SQL(" ").join(
            SQL("WHEN %s THEN %s::float8", cls, value) for cls, value in scoring_tools.CLASS_PROBABILITY.items()
        ), scoring_tools.UNSCORED_PROBABILITY)
        days = SQL("CASE WHEN figures.overdue = 0 THEN 0::float8"
                   " ELSE figures.amount_days::float8 / figures.overdue::float8 END")
        age = SQL("CASE %s ELSE %s::float8 END", SQL(" ").join(
            SQL("WHEN %s <= %s THEN %s::float8", days, bound, factor) for bound, factor in scoring_tools.AGE_FACTORS
        ), scoring_tools.AGE_FACTOR_OLDEST)
        return SQL(
            """SELECT company_id, partner_id, user_id,
                      ROW_NUMBER() OVER (PARTITION BY company_id, user_id ORDER BY expected DESC, partner_id)
                        AS rank,
                      net AS amount_overdue, ROUND(expected::numeric / rounding) * rounding AS amount_expected,
                      ROUND(days)::integer AS days_overdue, COALESCE(max_days, 0) AS max_days_overdue,
                      score_class, item_count, probability
                 FROM (SELECT figures.*, currency.rounding, %(probability)s AS probability,
                              figures.net::float8 * %(probability)s * %(age)s AS expected, %(days)s AS days
                         FROM (%(read)s) figures
                         JOIN res_company company ON company.id = figures.company_id
                         JOIN res_currency currency ON currency.id = company.currency_id
                        WHERE ROUND(figures.net / currency.rounding) > 0) scored""",
            probability=probability, age=age, days=days, read=self._rebuild_read_sql(companies, today),
        )

    @api.model
    def _rebuild_read(self, companies, today):
        """Overdue figures of every customer of ``companies`` to contact today, in one aggregate query.

        Open receivable items (posted, not reconciled) of items not blocked; a customer inside the window
        of an open payment promise (promised date + grace days not passed) is left out; unallocated
        payments and credit notes (credit items) reduce the overdue amount.

        :param companies: ``res.company`` recordset
        :return: list of ``(company_id, partner_id, collector_id, class, overdue_debit, net_overdue,
            amount × days, max days, item count)``
        """
        return self.env.execute_query(self._rebuild_read_sql(companies, today))

    @api.model
    def _rebuild_read_sql(self, companies, today):
        """The aggregate of :meth:`_rebuild_read`, with the column names company_id, partner_id, user_id,
        score_class, overdue, net, amount_days, max_days, item_count."""
        return SQL(
            """SELECT l.company_id, cp.id AS partner_id, COALESCE(cp.crm_collector_id, cp.user_id) AS user_id,
                      cp.crm_score_class AS score_class,
                      COALESCE(SUM(l.amount_residual) FILTER (WHERE l.amount_residual > 0
                                                               AND l.date_maturity < %(today)s), 0) AS overdue,
                      COALESCE(SUM(l.amount_residual) FILTER (WHERE l.amount_residual > 0
                                                               AND l.date_maturity < %(today)s), 0)
                        + COALESCE(SUM(l.amount_residual) FILTER (WHERE l.amount_residual < 0), 0) AS net,
                      COALESCE(SUM(l.amount_residual * (%(today)s - l.date_maturity))
                               FILTER (WHERE l.amount_residual > 0 AND l.date_maturity < %(today)s), 0)
                        AS amount_days,
                      MAX(%(today)s - l.date_maturity) FILTER (WHERE l.amount_residual > 0
                                                                AND l.date_maturity < %(today)s) AS max_days,
                      COUNT(*) FILTER (WHERE l.amount_residual > 0 AND l.date_maturity < %(today)s)
                        AS item_count
                 FROM account_move_line l
                 JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
                 JOIN res_partner rp ON rp.id = l.partner_id
                 JOIN res_partner cp ON cp.id = rp.commercial_partner_id
                WHERE l.company_id IN %(companies)s AND l.parent_state = 'posted' AND NOT l.reconciled
                  AND l.amount_residual != 0 AND cp.active
                  AND NOT EXISTS (
                      SELECT 1 FROM crm_followup_block b
                       WHERE b.move_id = l.move_id AND b.active AND (b.date_end IS NULL OR b.date_end >= %(today)s))
                  AND NOT EXISTS (
                      SELECT 1 FROM crm_payment_promise pr
                        JOIN res_company pc ON pc.id = pr.company_id
                       WHERE pr.partner_id = cp.id AND pr.company_id = l.company_id AND pr.state = 'open'
                         AND pr.promised_date + GREATEST(pc.crm_promise_grace_days, 0) >= %(today)s)
                GROUP BY l.company_id, cp.id
               HAVING COUNT(*) FILTER (WHERE l.amount_residual > 0 AND l.date_maturity < %(today)s) > 0""",
            today=today, companies=tuple(companies.ids) or (0,),
        )
