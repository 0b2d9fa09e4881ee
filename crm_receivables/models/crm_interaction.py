from odoo import api, fields, models

from ..const import DIRECTIONS, INTERACTION_CHANNELS

SOURCES = [
    ("manual", "Logged by Hand"),
    ("mail", "Email in the Chatter"),
    ("sms", "SMS in the Chatter"),
    ("pbx", "Telephone Exchange"),
    ("followup", "Follow-up"),
    ("complaint", "Complaint"),
    ("import", "Import"),
]


class CrmInteraction(models.Model):
    """One contact with a customer, whatever the channel: the building block of the customer history.

    ``crm.interaction`` is a public name: integrations (PBX, scripts) create records of it.
    """

    _name = "crm.interaction"
    _description = "Customer Interaction"
    _inherit = ["mail.thread", "mail.activity.mixin", "crm.knowledge.suggestion.mixin"]
    _order = "date desc, id desc"
    _rec_name = "summary"
    _crm_suggestion_fields = ("summary", "note")

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True,
        domain="[('is_company', '=', True)]",
    )
    contact_id = fields.Many2one(
        "res.partner", index="btree_not_null",
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    user_id = fields.Many2one("res.users", string="Collector", default=lambda self: self.env.user,
                              index=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    channel = fields.Selection(INTERACTION_CHANNELS, required=True, default="call", tracking=True)
    direction = fields.Selection(DIRECTIONS, required=True, default="outgoing")
    summary = fields.Char(required=True)
    note = fields.Html(string="Details")
    duration = fields.Float(help="Length of the call or meeting (hours:minutes).")
    outcome_id = fields.Many2one("crm.interaction.outcome", index="btree_not_null",
                                 tracking=True, check_company=True)
    is_dispute = fields.Boolean(related="outcome_id.is_dispute", string="Dispute")
    source = fields.Selection(SOURCES, required=True, default="manual", readonly=True,
                              help="How the interaction got into the history.")
    phone = fields.Char(string="Phone Number", help="The number called or calling.")
    move_ids = fields.Many2many("account.move", "crm_interaction_account_move_rel", "interaction_id", "move_id",
                                string="Invoices", check_company=True,
                                domain="[('commercial_partner_id', '=', partner_id),"
                                       " ('move_type', 'in', ('out_invoice', 'out_refund'))]")
    sale_order_id = fields.Many2one("sale.order", index="btree_not_null", check_company=True,
                                    domain="[('partner_id', 'child_of', partner_id)]")
    document_ref = fields.Reference(selection="_selection_document_ref", string="Related Document",
                                    help="Any other record the interaction is about.")
    mail_message_id = fields.Many2one("mail.message", string="Message", readonly=True, index="btree_not_null",
                                      ondelete="set null", copy=False,
                                      help="The chatter email or SMS this interaction was made from.")
    promise_ids = fields.One2many("crm.payment.promise", "interaction_id", string="Payment Promises")
    promise_count = fields.Integer(compute="_compute_promise_count", string="Promises")
    suggested_article_ids = fields.Many2many(
        string="Suggested Answers", help="Published knowledge articles that match the summary and the details.",
    )

    _sql_constraints = [
        ("mail_message_uniq", "unique(mail_message_id)", "A message is logged only once in the history."),
    ]

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.model
    def _selection_document_ref(self):
        """Every model the user can see, by its description."""
        return [(model.model, model.name) for model in self.env["ir.model"].sudo().search([("transient", "=", False)])]

    def _compute_promise_count(self):
        counts = dict(self.env["crm.payment.promise"]._read_group(
            [("interaction_id", "in", self.ids)], ["interaction_id"], ["__count"],
        ))
        for interaction in self:
            interaction.promise_count = counts.get(interaction, 0)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """Always file the interaction on the commercial entity, the contact being kept apart."""
        partners = self.env["res.partner"].browse(
            {vals["partner_id"] for vals in vals_list if vals.get("partner_id")}
        )
        commercial = {partner.id: partner.commercial_partner_id for partner in partners}
        for vals in vals_list:
            partner = commercial.get(vals.get("partner_id"))
            if partner and partner.id != vals["partner_id"]:
                vals.setdefault("contact_id", vals["partner_id"])
                vals["partner_id"] = partner.id
        interactions = super().create(vals_list)
        interactions._schedule_outcome_activities()
        return interactions

    def write(self, vals):
        """A new outcome may require a next activity."""
        res = super().write(vals)
        if vals.get("outcome_id"):
            self._schedule_outcome_activities()
        return res

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_promises(self):
        """Open the payment promises made in this interaction."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_receivables.crm_payment_promise_action")
        action["domain"] = [("interaction_id", "=", self.id)]
        action["context"] = {
            "default_interaction_id": self.id, "default_partner_id": self.partner_id.id,
            "default_move_ids": self.move_ids.ids,
        }
        return action

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _log_pbx_call(self, partner, call, company):
        """Log a call reported by the telephone exchange (see ``controllers/pbx.py``).

        :param partner: the customer found from the number (commercial entity)
        :param dict call: values from :func:`crm_receivables.tools.pbx.parse_call`
        :param company: the company the token belongs to
        :return: the new interaction
        """
        user = self.env["res.users"]
        if call["agent"]:
            user = user.search([
                "|", ("login", "=", call["agent"]), ("email", "=", call["agent"]),
                ("company_ids", "in", company.ids), ("share", "=", False),
            ], limit=1)
        outcome = self.env["crm.interaction.outcome"]
        if call["outcome"]:
            outcome = outcome._get_by_code(call["outcome"], company)
        if call["direction"] == "incoming":
            summary = self.env._("Incoming call from %(phone)s", phone=call["phone"])
        else:
            summary = self.env._("Outgoing call to %(phone)s", phone=call["phone"])
        return self.create({
            "partner_id": partner.id,
            "company_id": company.id,
            "user_id": user.id,
            "channel": "call",
            "direction": call["direction"],
            "date": call["date"] or fields.Datetime.now(),
            "duration": call["duration_hours"],
            "phone": call["phone"],
            "outcome_id": outcome.id,
            "summary": call["summary"] or summary,
            "source": "pbx",
        })

    def _schedule_outcome_activities(self):
        """Give every interaction whose outcome requires a next step a planned activity, unless it has one
        (or the caller plans its own: context key ``crm_interaction_no_outcome_activity``)."""
        if self.env.context.get("crm_interaction_no_outcome_activity"):
            return
        for interaction in self.filtered(lambda i: i.outcome_id.requires_activity and not i.activity_ids):
            interaction.activity_schedule(**interaction._prepare_outcome_activity_values())

    def _prepare_outcome_activity_values(self):
        """Values of the next activity required by the outcome (hook): type, deadline, summary, owner."""
        self.ensure_one()
        user = self.user_id or self.env.user
        # the summary is stored as text: in the language of the collector who will read it
        outcome = self.outcome_id.with_context(lang=user.lang or self.env.lang)
        start = fields.Date.context_today(self, self.date) if self.date else fields.Date.context_today(self)
        return {
            "activity_type_id": outcome.activity_type_id.id or self.env.ref("mail.mail_activity_data_todo").id,
            "date_deadline": fields.Date.add(start, days=outcome.activity_delay_days),
            "summary": outcome.activity_summary or outcome.name,
            "user_id": user.id,
        }
