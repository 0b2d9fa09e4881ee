from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_round

from ..tools import scoring as scoring_tools
from .res_partner import SCORE_CLASSES

INSERT_CHUNK = 5000  # rows per INSERT statement when the queue is rebuilt


class CrmCollectionQueue(models.Model):
    """The collector's queue: the customers to contact today, ranked by expected recovery.

    Rebuilt each morning per company (:meth:`_cron_rebuild`) from the open receivable items: one grouped
    query reads the overdue items of every customer (without blocked items and without customers inside
    an open promise window), :func:`scoring.expected_recovery` ranks them, and one INSERT per 5,000 rows
    writes the queue. The list and kanban read plain stored columns, so they stay fast at any size.
    """

    _name = "crm.collection.queue"
    _description = "Collector's Queue"
    _order = "is_done, rank, id"
    _rec_name = "partner_id"

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
        for company in self.env.companies:
            self.sudo()._rebuild(company)
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
    def _rebuild(self, company, today=None):
        """Replace the queue of ``company`` with today's: one aggregate query, one INSERT per 5,000 rows.

        The values are written final (rank, rounded expected recovery): nothing is left to compute on the
        rows afterwards.

        :param company: ``res.company``
        :param today: date of the queue (default: today)
        :return: number of rows in the queue
        """
        today = today or fields.Date.context_today(self)
        self._rebuild_flush()
        rows = self._rebuild_read(company, today)
        rounding = company.currency_id.rounding
        ranked = scoring_tools.rank_queue([
            {
                "partner_id": partner_id,
                "user_id": user_id,
                "amount_overdue": amount,
                "days_overdue": round(amount_days / overdue) if overdue else 0,
                "max_days_overdue": max_days or 0,
                "item_count": count,
                "score_class": cls,
                "probability": scoring_tools.recovery_probability(cls),
                "expected_recovery": scoring_tools.expected_recovery(
                    amount, cls, amount_days / overdue if overdue else 0,
                ),
            }
            for partner_id, user_id, cls, overdue, amount, amount_days, max_days, count in rows
            if float_compare(amount, 0.0, precision_rounding=rounding) > 0
        ])
        self.env.cr.execute(SQL("DELETE FROM crm_collection_queue WHERE company_id = %s", company.id))
        for start in range(0, len(ranked), INSERT_CHUNK):
            chunk = ranked[start:start + INSERT_CHUNK]
            columns = {
                name: [row[name] for row in chunk]
                for name in ("partner_id", "user_id", "rank", "amount_overdue", "days_overdue",
                             "max_days_overdue", "score_class", "item_count", "probability")
            }
            expected = [float_round(row["expected_recovery"], precision_rounding=rounding) for row in chunk]
            self.env.cr.execute(SQL(
                """INSERT INTO crm_collection_queue
                       (company_id, date, is_done, create_uid, create_date, write_uid, write_date,
                        partner_id, user_id, rank, amount_overdue, amount_expected, days_overdue,
                        max_days_overdue, score_class, item_count, probability)
                   SELECT %(company)s, %(today)s, FALSE, %(uid)s, now() at time zone 'UTC',
                          %(uid)s, now() at time zone 'UTC', row.*
                     FROM unnest(%(partner)s::integer[], %(user)s::integer[], %(rank)s::integer[],
                                 %(overdue)s::numeric[], %(expected)s::numeric[], %(days)s::integer[],
                                 %(max_days)s::integer[], %(class)s::varchar[], %(count)s::integer[],
                                 %(probability)s::float8[]) AS row""",
                company=company.id, today=today, uid=self.env.uid,
                partner=columns["partner_id"], user=columns["user_id"], rank=columns["rank"],
                overdue=columns["amount_overdue"], expected=expected, days=columns["days_overdue"],
                max_days=columns["max_days_overdue"], **{"class": columns["score_class"]},
                count=columns["item_count"], probability=columns["probability"],
            ))
        self.invalidate_model()
        return len(ranked)

    @api.model
    def _rebuild_flush(self):
        """Write pending changes of what :meth:`_rebuild_read` reads (not of every model)."""
        self.env["account.move.line"].flush_model([
            "account_id", "partner_id", "company_id", "parent_state", "reconciled", "amount_residual",
            "date_maturity", "move_id",
        ])
        self.env["res.partner"].flush_model([
            "commercial_partner_id", "crm_collector_id", "user_id", "crm_score_class", "active",
        ])
        self.env["account.account"].flush_model(["account_type"])
        self.env["crm.followup.block"].flush_model(["move_id", "active", "date_end"])
        self.env["crm.payment.promise"].flush_model(["partner_id", "company_id", "state", "promised_date"])
        self.flush_model()

    @api.model
    def _rebuild_read(self, company, today):
        """Overdue figures of every customer of ``company`` to contact today, in one aggregate query.

        Open receivable items (posted, not reconciled) of items not blocked; a customer inside the window
        of an open payment promise (promised date + grace days not passed) is left out; unallocated
        payments and credit notes (credit items) reduce the overdue amount.

        :return: list of ``(partner_id, collector_id, class, overdue_debit, net_overdue, amount × days,
            max days, item count)``
        """
        return self.env.execute_query(SQL(
            """SELECT cp.id, COALESCE(cp.crm_collector_id, cp.user_id), cp.crm_score_class,
                      COALESCE(SUM(l.amount_residual) FILTER (WHERE l.amount_residual > 0
                                                               AND l.date_maturity < %(today)s), 0) AS overdue,
                      COALESCE(SUM(l.amount_residual) FILTER (WHERE l.amount_residual > 0
                                                               AND l.date_maturity < %(today)s), 0)
                        + COALESCE(SUM(l.amount_residual) FILTER (WHERE l.amount_residual < 0), 0),
                      COALESCE(SUM(l.amount_residual * (%(today)s - l.date_maturity))
                               FILTER (WHERE l.amount_residual > 0 AND l.date_maturity < %(today)s), 0),
                      MAX(%(today)s - l.date_maturity) FILTER (WHERE l.amount_residual > 0
                                                                AND l.date_maturity < %(today)s),
                      COUNT(*) FILTER (WHERE l.amount_residual > 0 AND l.date_maturity < %(today)s)
                 FROM account_move_line l
                 JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
                 JOIN res_partner rp ON rp.id = l.partner_id
                 JOIN res_partner cp ON cp.id = rp.commercial_partner_id
                WHERE l.company_id = %(company)s AND l.parent_state = 'posted' AND NOT l.reconciled
                  AND l.amount_residual != 0 AND cp.active
                  AND NOT EXISTS (
                      SELECT 1 FROM crm_followup_block b
                       WHERE b.move_id = l.move_id AND b.active AND (b.date_end IS NULL OR b.date_end >= %(today)s))
                  AND NOT EXISTS (
                      SELECT 1 FROM crm_payment_promise pr
                       WHERE pr.partner_id = cp.id AND pr.company_id = %(company)s AND pr.state = 'open'
                         AND pr.promised_date + %(grace)s >= %(today)s)
                GROUP BY cp.id
               HAVING COUNT(*) FILTER (WHERE l.amount_residual > 0 AND l.date_maturity < %(today)s) > 0""",
            today=today, company=company.id, grace=max(company.crm_promise_grace_days, 0),
        ))
