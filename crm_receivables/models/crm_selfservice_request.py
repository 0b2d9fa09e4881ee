from odoo import api, fields, models

KINDS = [
    ("promise", "Payment Promise"),
    ("dispute", "Invoice Dispute"),
    ("callback", "Call Back"),
    ("statement_confirm", "Statement Confirmed"),
    ("statement_difference", "Statement Difference"),
]


class CrmSelfServiceRequest(models.Model):
    """One answer of a customer on the self-service page (see ``crm.selfservice.token``).

    The UNIQUE (token, idempotency key) constraint makes a double submit of the same form one answer;
    the answers of the last hour count for the rate limit.
    """

    _name = "crm.selfservice.request"
    _description = "Self-service Answer"
    _order = "create_date desc, id desc"
    _rec_name = "summary"

    token_id = fields.Many2one("crm.selfservice.token", string="Link", required=True, index=True,
                               ondelete="cascade", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    kind = fields.Selection(KINDS, string="Action", required=True, readonly=True)
    idempotency_key = fields.Char(required=True, readonly=True, copy=False)
    summary = fields.Char(readonly=True)
    interaction_id = fields.Many2one("crm.interaction", readonly=True, ondelete="set null",
                                     index="btree_not_null")
    res_model = fields.Char(string="Record Model", readonly=True)
    res_id = fields.Many2oneReference(string="Record", model_field="res_model", readonly=True)
    move_ids = fields.Many2many("account.move", "crm_selfservice_request_account_move_rel", "request_id",
                                "move_id", string="Invoices", readonly=True)

    _sql_constraints = [
        ("idempotency_uniq", "unique(token_id, idempotency_key)", "An answer is recorded only once."),
    ]

    @api.depends("res_model", "res_id")
    def _compute_display_name(self):
        for request in self:
            request.display_name = request.summary or request.kind

    def action_open_record(self):
        """Open the record the answer made (promise, complaint, statement, invoice)."""
        self.ensure_one()
        if not self.res_model or not self.res_id or self.res_model == "mail.activity":
            return self.interaction_id.get_formview_action() if self.interaction_id else False
        return self.env[self.res_model].browse(self.res_id).get_formview_action()
