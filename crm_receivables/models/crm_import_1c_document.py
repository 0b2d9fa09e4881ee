from odoo import api, fields, models


class CrmImport1cDocument(models.Model):
    """A receivable document (or a customer balance) imported from a 1C export.

    The external key — a hash of the customer's ИНН (or name), the document number and date — is unique per
    company, so importing the same file again finds every document already there and writes nothing. A later
    file with another amount for a known document posts an adjusting journal item for the difference (the
    original entry is never touched), and the record keeps the current amount.
    """

    _name = "crm.import.1c.document"
    _description = "Document Imported from 1C"
    _order = "doc_date desc, id desc"
    _check_company_auto = True
    _rec_name = "name"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(string="Document", required=True)
    # indexed by the unique (company_id, external_key) constraint below, as is external_key
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, check_company=True,
                                 ondelete="restrict")
    external_key = fields.Char(required=True, copy=False,
                               help="Hash of the customer's INN, the document number and date in 1C.")
    kind = fields.Selection(
        [("document", "Document"), ("balance", "Customer balance")], required=True, default="document",
        help="Customer balance: a 1C report without document detail (trial balance row, reconciliation act).",
    )
    doc_number = fields.Char(string="Document Number")
    doc_date = fields.Date(string="Document Date")
    due_date = fields.Date()
    amount = fields.Monetary(currency_field="currency_id", help="Balance of the document in the last imported file.")
    currency_id = fields.Many2one("res.currency", required=True, default=lambda self: self.env.company.currency_id)
    move_line_ids = fields.Many2many(
        "account.move.line", "crm_import_1c_document_move_line_rel", "document_id", "line_id",
        string="Journal Items", readonly=True, check_company=True,
        help="The receivable items posted for this document: the opening one and the later adjustments.",
    )
    move_count = fields.Integer(compute="_compute_move_count")
    filename = fields.Char(string="Last File", help="The file that last set the amount.")
    import_date = fields.Datetime(string="Last Imported", default=fields.Datetime.now)

    _sql_constraints = [
        ("external_key_company_uniq", "unique(company_id, external_key)",
         "A 1C document is imported once per company."),
    ]

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("move_line_ids")
    def _compute_move_count(self):
        for document in self:
            document.move_count = len(document.move_line_ids.move_id)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_moves(self):
        """Open the journal entries of this document."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.move_line_ids.move_id.ids)],
        }
