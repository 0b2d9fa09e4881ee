from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools import phone as phone_tools
from ..tools import promise as promise_tools
from ..tools import ru_ids


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------
    # HISTORY / PARTNER 360
    # ------------------------------------------------------------

    interaction_ids = fields.One2many("crm.interaction", "partner_id", string="Interactions")
    interaction_count = fields.Integer(compute="_compute_interaction_count", groups="base.group_user")
    crm_promise_ids = fields.One2many("crm.payment.promise", "partner_id", string="Payment Promises")
    crm_open_promise_ids = fields.One2many("crm.payment.promise", "partner_id", string="Open Promises",
                                           domain=[("state", "=", "open")])

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
        groups="account.group_account_invoice,account.group_account_readonly",
        help="Amount due on the customer's posted invoices past their due date (company currency).")
    crm_last_contact_date = fields.Datetime(
        string="Last Contact", compute="_compute_crm_last_contact", groups="base.group_user")
    crm_next_activity_date = fields.Date(
        string="Next Action On", compute="_compute_crm_next_activity", groups="base.group_user")
    crm_next_activity_summary = fields.Char(
        string="Next Action", compute="_compute_crm_next_activity", groups="base.group_user",
        help="The earliest planned activity on the customer, its interactions or promises.")

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

    @api.depends_context("company")
    def _compute_crm_overdue_amount(self):
        """Overdue residual of the customers' invoices (and credit notes), in one grouped query."""
        today = fields.Date.context_today(self)
        commercial = self.commercial_partner_id
        amounts = dict(self.env["account.move"]._read_group(
            [
                ("commercial_partner_id", "in", commercial.ids),
                ("company_id", "in", self.env.companies.ids),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", today),
            ],
            ["commercial_partner_id"], ["amount_residual_signed:sum"],
        ))
        for partner in self:
            partner.crm_overdue_amount = amounts.get(partner.commercial_partner_id, 0.0)

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
        """A Russian customer's tax ID is an ИНН: 10 or 12 digits with valid check digits."""
        for partner in self:
            if not partner.vat or (partner.country_id and partner.country_id.code != "RU"):
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
        """Customers (commercial entities) having this phone number, typed in any format, as phone or mobile.

        Stored numbers are searched by their national digits (Odoo's ``phone_mobile_search``, indexed), then
        compared in E.164, the default country being the company's (Russia: ``8 (912) 345-67-89`` is
        ``+79123456789``).

        :param str number: the number as received
        :param company: ``res.company`` whose country is the default (current company by default)
        :return: ``res.partner`` recordset of commercial partners, possibly empty
        """
        region = (company or self.env.company).country_id.code or "RU"
        term = phone_tools.search_term(number, region)
        if not term:
            return self.browse()
        candidates = self.search([("phone_mobile_search", "ilike", term)], limit=200)
        matching = candidates.filtered(
            lambda partner: phone_tools.match_numbers(number, [partner.phone, partner.mobile], region)
        )
        return matching.commercial_partner_id

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
    # 1C IMPORT
    # ------------------------------------------------------------

    crm_kpp = fields.Char(string="KPP", help="Russian tax registration reason code; branches of one company "
                                             "share the INN and differ by KPP.")

    # ------------------------------------------------------------
    # FOLLOW-UP
    # ------------------------------------------------------------

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

    def action_crm_followup_run(self):
        """Run the follow-up of this customer now (button)."""
        self.ensure_one()
        self.env["crm.followup.message"]._crm_followup_run(partners=self.commercial_partner_id)
        return self.action_crm_view_followup_messages()

    def action_crm_view_followup_messages(self):
        """Open the customer's follow-up communications."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_receivables.crm_followup_message_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_group_state": 0}
        return action

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
        token = self.env["crm.selfservice.token"]._crm_get_or_create(
            self.commercial_partner_id, company, origin=origin, expiry_days=expiry_days,
        )
        return token._crm_get_url()
