from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_amount

from ..const import FOLLOWUP_CHANNEL_SELECTION
from ..tools import followup as followup_tools
from ..tools import phone as phone_tools
from ..tools import promise as promise_tools
from ..tools import ru_ids
from ..tools import scoring as scoring_tools

SCORE_CLASSES = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")]
SCORE_WINDOW_DAYS = 365  # paid items, judged promises and reminders of the last year
SCORE_RECENT_DAYS = 90  # the recent part of the window, compared with the older part (trend)
SCORE_RESPONSE_DAYS = 7  # a payment within this many days after a reminder answers it


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    # --- history / partner 360 ---
    interaction_ids = fields.One2many("crm.interaction", "partner_id", string="Interactions")
    interaction_count = fields.Integer(compute="_compute_interaction_count", groups="base.group_user")
    crm_promise_ids = fields.One2many("crm.payment.promise", "partner_id", string="Payment Promises")
    crm_open_promise_ids = fields.One2many("crm.payment.promise", "partner_id", string="Open Promises",
                                           domain=[("state", "=", "open")])
    crm_promise_open_count = fields.Integer(
        string="Number of Open Promises", compute="_compute_crm_promise_stats", groups="base.group_user")
    crm_promise_kept_rate = fields.Float(
        string="Kept Rate (%)", compute="_compute_crm_promise_stats", groups="base.group_user",
        help="Share of the customer's judged payment promises that were kept (a partially kept one counts half).")
    crm_has_promise_history = fields.Boolean(compute="_compute_crm_promise_stats", groups="base.group_user")
    crm_broken_promise_count = fields.Integer(
        string="Broken Promises", compute="_compute_crm_promise_stats", groups="base.group_user",
        help="Promises broken or only partially kept in the last 90 days.")
    crm_has_broken_promise = fields.Boolean(
        string="Broke a Promise", compute="_compute_crm_promise_stats", groups="base.group_user")
    crm_overdue_amount = fields.Monetary(
        string="Overdue Amount", compute="_compute_crm_overdue_amount", currency_field="currency_id",
        groups="account.group_account_invoice,account.group_account_readonly,crm_receivables.crm_receivables_group_user",
        help="Left to pay on the customer's open receivable items past their due date — invoices, 1C "
             "documents, opening entries (company currency).")
    crm_total_due = fields.Monetary(
        string="Total Due", compute="_compute_crm_overdue_amount", currency_field="currency_id",
        groups="account.group_account_invoice,account.group_account_readonly,crm_receivables.crm_receivables_group_user",
        help="Left to pay on all the customer's open receivable items, due or not (company currency).")
    crm_open_item_count = fields.Integer(
        string="Open Items", compute="_compute_crm_overdue_amount",
        groups="account.group_account_invoice,account.group_account_readonly,crm_receivables.crm_receivables_group_user",
        help="Number of the customer's documents still to be paid.")
    crm_last_contact_date = fields.Datetime(
        string="Last Contact", compute="_compute_crm_last_contact", groups="base.group_user")
    crm_next_activity_date = fields.Date(
        string="Next Action On", compute="_compute_crm_next_activity", groups="base.group_user")
    crm_next_activity_summary = fields.Char(
        string="Next Action", compute="_compute_crm_next_activity", groups="base.group_user",
        help="The earliest planned activity on the customer, its interactions or promises.")

    # --- 1c import ---
    crm_kpp = fields.Char(string="KPP", help="Russian tax registration reason code; branches of one company "
                                             "share the INN and differ by KPP.")

    # --- follow-up ---
    crm_followup_policy_id = fields.Many2one(
        "crm.followup.policy", string="Follow-up Policy", company_dependent=True,
        help="Overrides the company's default follow-up policy for this customer.",
    )
    crm_followup_channels = fields.Char(
        string="Follow-up Channels",
        help="Preferred channels in order, comma-separated: email, sms, letter, call. "
             "Empty: email, then SMS, letter and a call task.",
    )
    crm_followup_quiet_start = fields.Float(string="Quiet Hours From",
                                            help="No email or SMS from this hour (customer's timezone).")
    crm_followup_quiet_end = fields.Float(string="Quiet Hours To")
    crm_followup_quiet_days = fields.Char(string="Quiet Days",
                                          help="ISO weekdays without email or SMS, e.g. 6,7 for the weekend.")
    crm_followup_message_ids = fields.One2many("crm.followup.message", "partner_id",
                                               string="Follow-up Communications")
    crm_statement_ids = fields.One2many("crm.statement", "partner_id", string="Statements")

    # --- collections workbench: collector, behaviour score, credit hold ---
    crm_collector_id = fields.Many2one(
        "res.users", string="Collector", index="btree_not_null", tracking=True,
        domain="[('share', '=', False)]",
        help="Who chases this customer's debt; empty: the salesperson.",
    )
    crm_score = fields.Float(string="Behaviour Score", readonly=True, copy=False, groups="base.group_user",
                             help="0-100 from the payment history of the last year (recomputed every night "
                                  "and after payments).")
    crm_score_class = fields.Selection(SCORE_CLASSES, string="Payer Class", readonly=True, copy=False,
                                       index="btree_not_null", groups="base.group_user",
                                       help="A: pays on time … D: pays very late or not at all.")
    crm_score_reason = fields.Char(string="Why This Class", readonly=True, copy=False, groups="base.group_user")
    crm_score_date = fields.Datetime(string="Scored On", readonly=True, copy=False, groups="base.group_user")
    crm_score_dirty = fields.Boolean(readonly=True, copy=False, index="btree_not_null", groups="base.group_user",
                                     help="A payment was reconciled since the last scoring.")
    crm_channel_response = fields.Char(
        string="Response by Channel", readonly=True, copy=False, groups="base.group_user",
        help="Reminders answered by a payment / sent, per channel, e.g. sms=2/3.")
    crm_preferred_channel = fields.Selection(
        FOLLOWUP_CHANNEL_SELECTION,
        string="Answers Best To", readonly=True, copy=False, groups="base.group_user",
        help="The channel whose reminders this customer answers best with a payment.")
    crm_credit_hold_reason = fields.Text(
        string="Credit Hold", compute="_compute_crm_credit_hold_reason", groups="base.group_user",
        help="Why new sales on credit to this customer are held (empty: no hold).")

    # ------------------------------------------------------------
    # HISTORY / PARTNER 360
    # ------------------------------------------------------------

    def _compute_interaction_count(self):
        """Counted on the commercial entity, in one grouped query for the whole batch."""
        commercial = self.commercial_partner_id
        counts = dict(self.env["crm.interaction"]._read_group(
            [("partner_id", "in", commercial.ids)], ["partner_id"], ["__count"],
        ))
        for partner in self:
            partner.interaction_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_interactions(self):
        """Open the customer's interaction history (smart button)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_receivables.crm_interaction_action")
        commercial = self.commercial_partner_id
        action["domain"] = [("partner_id", "=", commercial.id)]
        action["context"] = {"default_partner_id": commercial.id}
        return action

    def _crm_get_open_promises(self):
        """Open payment promises of these customers (on their commercial entities).

        :return: ``crm.payment.promise`` recordset, earliest promised date first
        """
        return self.env["crm.payment.promise"].search(
            [("partner_id", "in", self.commercial_partner_id.ids), ("state", "=", "open")],
            order="promised_date, id",
        )

    def _compute_crm_promise_stats(self):
        """Promise counters and kept-rate of the commercial entities: one grouped query for the batch."""
        commercial = self.commercial_partner_id
        Promise = self.env["crm.payment.promise"]
        counts = {}
        for partner, state, count in Promise._read_group(
            [("partner_id", "in", commercial.ids)], ["partner_id", "state"], ["__count"],
        ):
            counts.setdefault(partner.id, {})[state] = count
        since = fields.Date.subtract(fields.Date.context_today(self), days=90)
        recent_broken = {
            partner.id: count for partner, count in Promise._read_group(
                [("partner_id", "in", commercial.ids), ("state", "in", ("broken", "partial")),
                 ("date_judged", ">=", since)],
                ["partner_id"], ["__count"],
            )
        }
        for partner in self:
            partner_counts = counts.get(partner.commercial_partner_id.id, {})
            rate = promise_tools.kept_rate(partner_counts)
            partner.crm_promise_open_count = partner_counts.get("open", 0)
            partner.crm_promise_kept_rate = rate or 0.0
            partner.crm_has_promise_history = rate is not None
            partner.crm_broken_promise_count = recent_broken.get(partner.commercial_partner_id.id, 0)
            partner.crm_has_broken_promise = bool(partner.crm_broken_promise_count)

    @api.depends_context("company", "date")
    def _compute_crm_overdue_amount(self):
        """Figures of the customers' open receivable items, in one grouped SQL query for the whole batch.

        Open items (``account.move.line._crm_open_item_domain``: invoices, 1C documents, opening entries...)
        are what is owed; the overdue ones are past their due date.
        """
        today = fields.Date.context_today(self)
        commercial = self.commercial_partner_id
        figures = {}  # commercial partner id -> (overdue, total, count)
        if commercial.ids:
            Line = self.env["account.move.line"]
            Line.flush_model(["amount_residual", "date_maturity", "partner_id", "reconciled", "parent_state",
                              "account_id", "company_id"])
            query = Line._search([*Line._crm_open_item_domain(),
                                  ("partner_id.commercial_partner_id", "in", commercial.ids)])
            partner_alias = query.join(query.table, "partner_id", "res_partner", "id", "crm_partner")
            customer = SQL.identifier(partner_alias, "commercial_partner_id")
            residual = SQL.identifier(query.table, "amount_residual")
            query.groupby = customer
            rows = self.env.execute_query(query.select(
                customer,
                SQL("COALESCE(SUM(%s) FILTER (WHERE %s < %s), 0)", residual,
                    SQL.identifier(query.table, "date_maturity"), today),
                SQL("SUM(%s)", residual),
                SQL("COUNT(*)"),
            ))
            figures = {row[0]: row[1:] for row in rows}
        for partner in self:
            overdue, total, count = figures.get(partner.commercial_partner_id.id, (0.0, 0.0, 0))
            partner.crm_overdue_amount = overdue
            partner.crm_total_due = total
            partner.crm_open_item_count = count

    def action_crm_view_open_items(self):
        """Open the customer's open receivable items (smart button): every document still to be paid."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_receivables.account_move_line_action_crm_open_items")
        commercial = self.commercial_partner_id
        action["domain"] = [
            *self.env["account.move.line"]._crm_open_item_domain(),
            ("partner_id", "child_of", commercial.id),
        ]
        action["display_name"] = self.env._("Open Items: %(customer)s", customer=commercial.display_name)
        return action

    def _compute_crm_last_contact(self):
        """Date of the latest interaction, whatever the channel (one grouped query)."""
        dates = dict(self.env["crm.interaction"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["date:max"],
        ))
        for partner in self:
            partner.crm_last_contact_date = dates.get(partner.commercial_partner_id, False)

    def _compute_crm_next_activity(self):
        """Earliest planned activity on the customer, its contacts, its interactions or its promises."""
        activities = self._crm_get_planned_activities()
        first = {}
        for partner_id, activity in activities:
            first.setdefault(partner_id, activity)
        for partner in self:
            activity = first.get(partner.commercial_partner_id.id)
            partner.crm_next_activity_date = activity.date_deadline if activity else False
            partner.crm_next_activity_summary = (
                (activity.summary or activity.activity_type_id.name) if activity else False
            )

    def _crm_get_planned_activities(self):
        """Planned activities of the customers' history, earliest first.

        :return: list of ``(commercial_partner_id, mail.activity)``
        """
        commercial = self.commercial_partner_id
        if not commercial:
            return []
        interactions = self.env["crm.interaction"]._search([("partner_id", "in", commercial.ids)])
        promises = self.env["crm.payment.promise"]._search([("partner_id", "in", commercial.ids)])
        contacts = self.env["res.partner"].with_context(active_test=False)._search(
            [("commercial_partner_id", "in", commercial.ids)],
        )
        activities = self.env["mail.activity"].search([
            "|", "|",
            "&", ("res_model", "=", "res.partner"), ("res_id", "in", contacts),
            "&", ("res_model", "=", "crm.interaction"), ("res_id", "in", interactions),
            "&", ("res_model", "=", "crm.payment.promise"), ("res_id", "in", promises),
        ], order="date_deadline, id")
        owners = {}
        for model in ("res.partner", "crm.interaction", "crm.payment.promise"):
            ids = [activity.res_id for activity in activities if activity.res_model == model]
            records = self.env[model].browse(ids)
            field = "commercial_partner_id" if model == "res.partner" else "partner_id"
            owners.update({(model, record.id): record[field].id for record in records})
        return [(owners.get((activity.res_model, activity.res_id)), activity) for activity in activities]

    @api.constrains("vat", "country_id")
    def _check_crm_inn(self):
        """A Russian customer's tax ID is an ИНН: 10 or 12 digits with valid check digits.

        The check digits are stdnum's (``tools/ru_ids``). When Odoo's ``base_vat`` is installed it checks the
        tax ID of partners in Russia itself, so only partners without a country (1C customers) are left here.
        """
        base_vat_checks = hasattr(self, "check_vat_ru")
        for partner in self:
            if not partner.vat or (partner.country_id and (partner.country_id.code != "RU" or base_vat_checks)):
                continue
            inn = ru_ids.normalize_inn(partner.vat)
            if not inn.isdigit():
                continue  # a foreign VAT number (letters) on a partner without a country
            if not ru_ids.is_valid_inn(inn):
                raise ValidationError(self.env._(
                    "The ИНН %(inn)s of %(partner)s is not valid: check the number (10 or 12 digits, check digit).",
                    inn=partner.vat, partner=partner.display_name,
                ))

    def _increase_rank(self, field, n=1):
        """Posting an entry raises the rank of each of its customers, one savepoint and query per customer.

        The 1C import posts entries for thousands of customers at once and raises their ranks itself in one
        statement (:meth:`_crm_increase_rank_batch`); it posts with ``crm_defer_rank`` in the context.
        """
        if self.env.context.get("crm_defer_rank"):
            return None
        return super()._increase_rank(field, n)

    def _crm_increase_rank_batch(self, field="customer_rank"):
        """Raise ``field`` by one for all these partners and their commercial entities, in one statement."""
        if field not in ("customer_rank", "supplier_rank"):
            raise ValueError(field)
        partners = self | self.commercial_partner_id
        if not partners:
            return
        self.env.execute_query(SQL(
            "UPDATE res_partner SET %s = %s + 1 WHERE id = ANY(%s)",
            SQL.identifier(field), SQL.identifier(field), partners.ids,
        ))
        partners.invalidate_recordset([field])
        partners.modified([field])

    @api.model
    def _crm_find_by_phone(self, number, company=None):
        """Customers (commercial entities) having this phone number, typed in any format, as phone or mobile:
        the one customer look-up by phone (PBX endpoint, cloud exchanges' calls).

        Stored numbers are searched by their national digits (Odoo's ``phone_mobile_search``, indexed), then
        compared in E.164 (:mod:`..tools.phone`), the default region being the company's country (Russia:
        ``8 (912) 345-67-89`` is ``+79123456789``).

        Only the customers of ``company`` (or shared by all companies) are found, whatever the caller's
        rights: telephony endpoints call this as superuser with the company their token belongs to.

        :param str number: the number as received
        :param company: ``res.company`` whose customers are searched and whose country is the default
            (current company by default)
        :return: ``res.partner`` recordset of commercial partners ordered by id (the first is the one to
            take when several match), possibly empty
        """
        company = company or self.env.company
        region = company._crm_phone_region()
        term = phone_tools.search_term(number, region)
        if not term:
            return self.browse()
        candidates = self.search([
            ("phone_mobile_search", "ilike", term), ("company_id", "in", [company.id, False]),
        ], order="id", limit=200)
        matching = candidates.filtered(
            lambda partner: phone_tools.match_numbers(number, [partner.phone, partner.mobile], region)
        )
        return matching.commercial_partner_id.filtered(
            lambda partner: not partner.company_id or partner.company_id == company
        ).sorted("id")

    def action_view_payment_promises(self):
        """Open the customer's payment promises (smart button)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_receivables.crm_payment_promise_action")
        commercial = self.commercial_partner_id
        action["domain"] = [("partner_id", "=", commercial.id)]
        action["context"] = {"default_partner_id": commercial.id}
        return action

    def action_view_interaction_timeline(self):
        """Open the customer's timeline: every interaction, all channels, in every view."""
        action = self.action_view_interactions()
        action["view_mode"] = "list,kanban,calendar,pivot,graph,activity,form"
        action["views"] = [(False, mode) for mode in action["view_mode"].split(",")]
        return action

    # ------------------------------------------------------------
    # FOLLOW-UP
    # ------------------------------------------------------------

    def action_crm_followup_run(self):
        """Run the follow-up of this customer now (button)."""
        self.ensure_one()
        self.env["crm.followup.engine"]._run(partners=self.commercial_partner_id)
        return self.action_crm_view_followup_messages()

    def action_crm_view_followup_messages(self):
        """Open the customer's follow-up communications."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_receivables.crm_followup_message_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_group_state": 0}
        return action

    # ------------------------------------------------------------
    # COLLECTIONS WORKBENCH: COLLECTOR, BEHAVIOUR SCORE, CREDIT HOLD
    # ------------------------------------------------------------

    def _crm_get_collector(self):
        """The collector of the customer: its own, else its salesperson (empty recordset when none)."""
        self.ensure_one()
        commercial = self.commercial_partner_id
        return commercial.crm_collector_id or commercial.user_id

    # --- behaviour score -------------------------------------------------

    @api.model
    def _cron_crm_score(self, batch_size=500):
        """Score the customers marked dirty or not scored today: up to ten batches per call, with progress.

        Each batch is scored in a savepoint (a failing batch is rolled back alone); a scored customer is
        no longer dirty and is dated today, so each call takes new ones, and Odoo's cron calls again while
        some remain (:meth:`ir.cron._notify_progress`).

        :param int batch_size: customers per savepoint
        :return: the number of customers scored
        """
        todo = self._crm_score_pending(limit=batch_size * 10)
        done = 0
        for start in range(0, len(todo), batch_size):
            batch = todo[start:start + batch_size]
            with self.env.cr.savepoint():
                batch._crm_score_compute()
            done += len(batch)
        remaining = self._crm_score_pending_count() if len(todo) == batch_size * 10 else 0
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    @api.model
    def _crm_score_pending_where(self):
        """SQL condition on ``res_partner p``: commercial customers marked dirty, or with receivable items and
        not scored today."""
        today_start = fields.Datetime.to_datetime(fields.Date.context_today(self))
        self.flush_model(["crm_score_dirty", "crm_score_date", "customer_rank", "active", "commercial_partner_id"])
        return SQL(
            """p.id = p.commercial_partner_id AND p.active
               AND (p.crm_score_dirty
                    OR ((p.crm_score_date IS NULL OR p.crm_score_date < %s) AND p.customer_rank > 0))""",
            today_start,
        )

    @api.model
    def _crm_score_pending(self, limit=None):
        """Commercial customers to score, the dirty ones first (see :meth:`_crm_score_pending_where`)."""
        rows = self.env.execute_query(SQL(
            """SELECT p.id FROM res_partner p WHERE %s
                ORDER BY p.crm_score_dirty DESC NULLS LAST, p.id
                LIMIT %s""",
            self._crm_score_pending_where(), limit,
        ))
        return self.browse([row[0] for row in rows])

    @api.model
    def _crm_score_pending_count(self):
        """Number of commercial customers still to score."""
        return self.env.execute_query(SQL(
            "SELECT COUNT(*) FROM res_partner p WHERE %s", self._crm_score_pending_where(),
        ))[0][0]

    def _crm_score_compute(self):
        """Score these customers (commercial entities): five grouped queries for the whole batch and one
        UPDATE writing the results of all of them."""
        if not self:
            return
        # the commercial entities by SQL: reading the field would fetch every column of every partner
        self.flush_recordset(["commercial_partner_id"])
        partners = self.browse(sorted({row[0] for row in self.env.execute_query(SQL(
            "SELECT commercial_partner_id FROM res_partner WHERE id = ANY(%s)", self.ids,
        ))}))
        facts, response = partners._crm_score_gather()
        known = {key for key, _label in self._fields["crm_preferred_channel"].selection}
        now = fields.Datetime.now()
        sentences = {}  # the same reasons give the same sentence: translated once per batch
        values = []
        for partner_id in partners.ids:
            score, cls, reasons = scoring_tools.score_customer(facts.get(partner_id, scoring_tools.CustomerFacts()))
            key = tuple((code, tuple(sorted(params.items()))) for code, params in reasons)
            if key not in sentences:
                sentences[key] = self._crm_score_sentence(reasons)
            by_channel = response.get(partner_id, {})
            preferred = scoring_tools.preferred_channel(by_channel)
            values.append(SQL(
                "(%s, %s::float, %s::varchar, %s::varchar, %s::varchar, %s::varchar)",
                partner_id, score or 0.0, cls, sentences[key],
                scoring_tools.format_response(by_channel) or None,
                preferred if preferred in known else None,
            ))
        self.env.cr.execute(SQL(
            """UPDATE res_partner p
                  SET crm_score = v.score, crm_score_class = v.cls, crm_score_reason = v.reason,
                      crm_channel_response = v.response, crm_preferred_channel = v.preferred,
                      crm_score_date = %s, crm_score_dirty = FALSE
                 FROM (VALUES %s) AS v(id, score, cls, reason, response, preferred)
                WHERE p.id = v.id""",
            now, SQL(", ").join(values),
        ))
        fnames = ["crm_score", "crm_score_class", "crm_score_reason", "crm_channel_response",
                  "crm_preferred_channel", "crm_score_date", "crm_score_dirty"]
        partners.invalidate_recordset(fnames)
        partners.modified(fnames)

    @api.model
    def _crm_score_sentence(self, reasons):
        """The plain sentence explaining a class, from the reasons of :func:`scoring.score_customer`.

        :param reasons: list of ``(code, params)``
        :return: str, e.g. "pays 12 days late on average, kept 4 of 5 promises"
        """
        _ = self.env._
        templates = {
            "no_history": lambda: _("no payment history yet"),
            "on_time": lambda: _("pays on time"),
            "late": lambda days: _("pays %(days)s days late on average", days=days),
            "late_share": lambda percent: _("%(percent)s%% of the amount paid late", percent=percent),
            "promises": lambda kept, total: _("kept %(kept)s of %(total)s promises", kept=kept, total=total),
            "response": lambda percent: _("pays after %(percent)s%% of reminders", percent=percent),
            "overdue": lambda days: _("oldest debt %(days)s days overdue", days=days),
            "improving": lambda: _("paying better lately"),
            "worsening": lambda: _("paying worse lately"),
            "disputes": lambda count: _("open disputes: %(count)s", count=count),
        }
        fragments = [templates[code](**params) for code, params in reasons if code in templates]
        return ", ".join(fragments)

    def _crm_score_gather(self):
        """The figures of the customers' histories, in a fixed number of grouped queries for the batch.

        :return: ``(facts, response)`` — ``{partner_id: scoring.CustomerFacts}`` and
            ``{partner_id: {channel: (sent, answered)}}``
        """
        self.env.flush_all()
        today = fields.Date.context_today(self)
        since = fields.Date.subtract(today, days=SCORE_WINDOW_DAYS)
        recent = fields.Date.subtract(today, days=SCORE_RECENT_DAYS)
        ids = self.ids
        figures = {pid: {} for pid in ids}
        # 1. paid receivable items: days late = latest reconciliation date - due date, weighted by amount
        for row in self.env.execute_query(SQL(
            """WITH paid AS (
                   SELECT rp.commercial_partner_id AS partner_id, l.balance AS amount,
                          GREATEST(MAX(pr.max_date) - l.date_maturity, 0) AS late,
                          MAX(pr.max_date) AS paid_on
                     FROM account_move_line l
                     JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
                     JOIN res_partner rp ON rp.id = l.partner_id
                     JOIN account_partial_reconcile pr ON pr.debit_move_id = l.id
                    WHERE l.partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%(ids)s))
                      AND l.parent_state = 'posted' AND l.reconciled
                      AND l.balance > 0 AND l.date_maturity IS NOT NULL
                    GROUP BY rp.commercial_partner_id, l.id
               )
               SELECT partner_id, SUM(amount), SUM(amount * late), COALESCE(SUM(amount) FILTER (WHERE late > 0), 0),
                      COALESCE(SUM(amount) FILTER (WHERE paid_on >= %(recent)s), 0),
                      COALESCE(SUM(amount * late) FILTER (WHERE paid_on >= %(recent)s), 0)
                 FROM paid WHERE paid_on >= %(since)s
                GROUP BY partner_id""",
            ids=ids, since=since, recent=recent,
        )):
            figures[row[0]].update(
                paid_amount=float(row[1]), late_amount_days=float(row[2]), late_amount=float(row[3]),
                recent_paid_amount=float(row[4]), recent_late_amount_days=float(row[5]),
            )
        # 2. judged promises of the window
        for partner, state, count in self.env["crm.payment.promise"].sudo()._read_group(
            [("partner_id", "in", ids), ("state", "in", ("kept", "partial", "broken")),
             ("date_judged", ">=", since)],
            ["partner_id", "state"], ["__count"],
        ):
            figures[partner.id][f"promises_{state}"] = count
        # 3. open disputes: items whose follow-up is blocked now
        for partner, count in self.env["crm.followup.block"].sudo()._read_group(
            [("partner_id", "in", ids), ("is_effective", "=", True)], ["partner_id"], ["move_id:count_distinct"],
        ):
            figures[partner.id]["disputes"] = count
        # 4. current overdue
        for row in self.env.execute_query(SQL(
            """SELECT rp.commercial_partner_id, SUM(l.amount_residual), MAX(%(today)s - l.date_maturity)
                 FROM account_move_line l
                 JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
                 JOIN res_partner rp ON rp.id = l.partner_id
                WHERE l.partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%(ids)s))
                  AND l.parent_state = 'posted' AND NOT l.reconciled
                  AND l.amount_residual > 0 AND l.date_maturity < %(today)s
                GROUP BY rp.commercial_partner_id""",
            ids=ids, today=today,
        )):
            figures[row[0]].update(overdue_amount=float(row[1]), overdue_days=int(row[2]))
        # 5. reminders sent, and whether a payment came within N days, by channel and level
        rows = self.env.execute_query(SQL(
            """SELECT m.partner_id, m.channel, m.level_id, COUNT(*),
                      COUNT(*) FILTER (WHERE EXISTS (
                          SELECT 1 FROM account_move_line pl
                            JOIN account_account pa ON pa.id = pl.account_id AND pa.account_type = 'asset_receivable'
                            JOIN account_move pm ON pm.id = pl.move_id AND pm.move_type = 'entry'
                           WHERE pl.partner_id IN (SELECT id FROM res_partner
                                                    WHERE commercial_partner_id = m.partner_id)
                             AND pl.parent_state = 'posted'
                             AND pl.balance < 0 AND pl.date >= m.date_sent::date
                             AND pl.date <= m.date_sent::date + %(days)s))
                 FROM crm_followup_message m
                WHERE m.partner_id = ANY(%(ids)s) AND m.date_sent >= %(since)s AND m.channel IS NOT NULL
                GROUP BY m.partner_id, m.channel, m.level_id""",
            ids=ids, since=since, days=SCORE_RESPONSE_DAYS,
        ))
        by_partner_rows = {}
        for partner_id, channel, level_id, sent, answered in rows:
            by_partner_rows.setdefault(partner_id, []).append((channel, level_id, sent, answered))
        response = {}
        for partner_id, partner_rows in by_partner_rows.items():
            by_channel, _by_level, sent, answered = scoring_tools.response_rates(partner_rows)
            response[partner_id] = by_channel
            figures[partner_id].update(reminders_sent=sent, reminders_answered=answered)
        facts = {pid: scoring_tools.CustomerFacts(**values) for pid, values in figures.items() if values}
        return facts, response

    @api.model
    def _crm_score_mark_dirty(self, partner_ids):
        """Mark customers to be scored again (a payment was reconciled) and wake the scoring cron up.

        :param partner_ids: ids of commercial partners
        """
        if not partner_ids:
            return
        self.env.cr.execute(SQL(
            "UPDATE res_partner SET crm_score_dirty = TRUE WHERE id = ANY(%s) AND crm_score_dirty IS NOT TRUE",
            list(partner_ids),
        ))
        self.browse(partner_ids).invalidate_recordset(["crm_score_dirty"])
        cron = self.env.ref("crm_receivables.ir_cron_crm_score", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    # --- the score drives the follow-up (hooks for the follow-up engine) ----

    def _crm_followup_channel_preferences(self, policy=None, channels=None):
        """Channels in the order the follow-up tries them for this customer (or contact).

        The customer's own preferences (``crm_followup_channels`` of the contact, else of the company);
        when ``policy`` follows the score (``crm_use_score``), the channels the customer answers best
        with a payment come first and those never answered go last.

        :param policy: ``crm.followup.policy`` or ``None``
        :param channels: the channels that can send (default: ``crm.followup.engine._get_channels()``)
        :return: tuple of channels
        """
        self.ensure_one()
        known = channels or self.env["crm.followup.engine"]._get_channels()
        commercial = self.commercial_partner_id
        preferences = followup_tools.parse_channels(self.crm_followup_channels, known) or \
            followup_tools.parse_channels(commercial.crm_followup_channels, known)
        if not policy or not policy.crm_use_score:
            return preferences
        response = scoring_tools.parse_response(commercial.sudo().crm_channel_response)
        return tuple(ch for ch in scoring_tools.channel_order(preferences, response) if ch in known)

    def _crm_followup_start_level_offset(self, policy=None):
        """Levels the follow-up of this customer starts above the policy's first (score-driven policies only).

        :return: int (0 for good or unscored payers, or when the policy does not follow the score)
        """
        self.ensure_one()
        if not policy or not policy.crm_use_score:
            return 0
        return scoring_tools.start_level_offset(self.commercial_partner_id.sudo().crm_score_class)

    # --- credit hold ------------------------------------------------------

    @api.depends_context("company")
    def _compute_crm_credit_hold_reason(self):
        """Held when over the credit limit (Odoo's) or with debt overdue beyond the company's settings."""
        company = self.env.company
        commercial = self.commercial_partner_id
        overdue = commercial._crm_credit_overdue(company)
        for partner in self:
            partner.crm_credit_hold_reason = partner.commercial_partner_id._crm_credit_hold_text(
                company, overdue.get(partner.commercial_partner_id.id, (0.0, 0)),
            )

    def _crm_credit_overdue(self, company):
        """Overdue amount and days of the oldest overdue item of these customers in ``company`` (one query).

        :return: ``{commercial partner id: (amount, days)}``
        """
        ids = self.commercial_partner_id.ids
        if not ids:
            return {}
        today = fields.Date.context_today(self)
        self.env["account.move.line"].flush_model(
            ["account_id", "partner_id", "company_id", "parent_state", "reconciled", "amount_residual",
             "date_maturity"])
        rows = self.env.execute_query(SQL(
            """SELECT rp.commercial_partner_id, SUM(l.amount_residual), MAX(%(today)s - l.date_maturity)
                 FROM account_move_line l
                 JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
                 JOIN res_partner rp ON rp.id = l.partner_id
                WHERE rp.commercial_partner_id = ANY(%(ids)s) AND l.company_id = %(company)s
                  AND l.parent_state = 'posted' AND NOT l.reconciled AND l.amount_residual > 0
                  AND l.date_maturity < %(today)s
                GROUP BY rp.commercial_partner_id""",
            ids=ids, company=company.id, today=today,
        ))
        return {row[0]: (float(row[1]), int(row[2])) for row in rows}

    def _crm_credit_hold_text(self, company, overdue, extra_amount=0.0):
        """The reasons of a credit hold, one per line (empty string: no hold).

        :param company: ``res.company`` whose settings apply
        :param overdue: ``(overdue amount, days of the oldest overdue item)``
        :param float extra_amount: amount of the document being confirmed (counted against the credit limit)
        """
        self.ensure_one()
        lines = []
        partner_sudo = self.sudo().with_company(company)
        if company.account_use_credit_limit and partner_sudo.credit_limit:
            total = partner_sudo.credit + partner_sudo.credit_to_invoice + extra_amount
            if company.currency_id.compare_amounts(total, partner_sudo.credit_limit) > 0:
                lines.append(self.env._(
                    "Over the credit limit: %(total)s due for a limit of %(limit)s.",
                    total=format_amount(self.env, total, company.currency_id),
                    limit=format_amount(self.env, partner_sudo.credit_limit, company.currency_id),
                ))
        for code, params in scoring_tools.credit_hold_reasons(
            overdue[0], overdue[1], company.crm_credit_hold_days, company.crm_credit_hold_amount,
        ):
            if code == "days":
                lines.append(self.env._(
                    "Debt overdue %(days)s days (more than %(limit)s allowed).", **params,
                ))
            else:
                lines.append(self.env._(
                    "Overdue debt of %(amount)s (more than %(limit)s allowed).",
                    amount=format_amount(self.env, params["amount"], company.currency_id),
                    limit=format_amount(self.env, params["limit"], company.currency_id),
                ))
        return "\n".join(lines)

    # ------------------------------------------------------------
    # SELF-SERVICE (personal link of the reminders)
    # ------------------------------------------------------------

    def _crm_selfservice_url(self, expiry_days=None, company=None, origin=None):
        """Absolute URL of the customer's self-service page (an expiring personal link, no account needed).

        Used in the reminder templates (``object.partner_id._crm_selfservice_url(origin=object)``); the same
        reminder rendered twice gets the same link.

        :param int expiry_days: validity in days (default: the follow-up policy's)
        :param company: the company whose items the page shows (default: the origin's, else the current one)
        :param origin: the reminder (``crm.followup.message``) the link is sent in, if any
        :return: str
        """
        self.ensure_one()
        company = company or (origin.company_id if origin is not None and "company_id" in origin._fields
                              else False) or self.env.company
        token = self.env["crm.selfservice.token"]._get_or_create(
            self.commercial_partner_id, company, origin=origin, expiry_days=expiry_days,
        )
        return token._get_url()
