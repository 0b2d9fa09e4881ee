from odoo import api, fields, models

CHANNELS = [
    ("call", "Phone Call"),
    ("meeting", "Meeting"),
    ("email", "Email"),
    ("sms", "SMS"),
    ("letter", "Letter"),
    ("messenger", "Messenger"),
    ("visit", "Visit"),
    ("other", "Other"),
]
DIRECTIONS = [
    ("outgoing", "Outgoing"),
    ("incoming", "Incoming"),
]


class CrmInteraction(models.Model):
    """One contact with a customer, whatever the channel: the building block of the customer history.

    ``crm.interaction`` is a public name: integrations (PBX, scripts) create records of it.
    """

    _name = "crm.interaction"
    _description = "Customer Interaction"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _rec_name = "summary"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True,
        domain="[('is_company', '=', True)]",
    )
    contact_id = fields.Many2one(
        "res.partner", string="Contact", index="btree_not_null",
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    user_id = fields.Many2one("res.users", string="Collector", default=lambda self: self.env.user,
                              index=True, tracking=True)
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True,
                                 default=lambda self: self.env.company)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    channel = fields.Selection(CHANNELS, required=True, default="call", tracking=True)
    direction = fields.Selection(DIRECTIONS, required=True, default="outgoing")
    summary = fields.Char(required=True)
    note = fields.Html(string="Details")

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
        return super().create(vals_list)
