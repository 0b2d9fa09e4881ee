from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import onec_identity


class CrmImport1cDocument(models.Model):
    """A receivable document (or a customer balance) imported from a 1C export, and its receivable items.

    A document is identified by its customer, its normalised number and its date (``doc_key``), whatever the
    report that brings it: the external key ``<customer id>|<doc_key>`` is unique per company, so importing the
    same documents again — from the same file or another layout — writes nothing. Each document is posted as its
    own receivable item (``move_line_ids``); a later file with another amount posts an adjusting item for the
    difference (the original entry is never touched), a document paid in 1C gets a "paid in 1C" item reconciled
    with it, and the record keeps the current amount. A customer balance (``kind`` ``balance``) holds what the
    customer's balance in 1C adds to its documents.
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
                               help="The customer and the document key: unique per company.")
    doc_key = fields.Char(string="Document Key", copy=False,
                          help="Normalised document number and date (\"balance\" for a customer balance).")
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
    is_paid_in_1c = fields.Boolean(string="Paid in 1C", compute="_compute_is_paid_in_1c",
                                   help="The document's balance is zero in the last imported file.")
    filename = fields.Char(string="Last File", help="The file that last set the amount.")
    import_date = fields.Datetime(string="Last Imported", default=fields.Datetime.now)

    _sql_constraints = [
        ("external_key_company_uniq", "unique(company_id, external_key)",
         "A 1C document is imported once per company."),
    ]

    def init(self):
        """Give documents imported before documents had a key (by the hash of the file's ИНН or name) their
        customer-and-number key, so the next import recognises them instead of creating them again.

        Runs at every install and update; does nothing once every document has its key.
        """
        self.env.cr.execute(SQL(
            "SELECT id, partner_id, kind, doc_number, doc_date, name FROM %s WHERE doc_key IS NULL",
            SQL.identifier(self._table),
        ))
        rows = self.env.cr.fetchall()
        if not rows:
            return
        keys, ids, doc_keys, external_keys = {}, [], [], []
        for document_id, partner_id, kind, number, date, label in rows:
            doc_key = onec_identity.document_key(kind, number, date, label)
            external_key = f"{partner_id}|{doc_key}"
            if (partner_id, doc_key) in keys:  # two old keys for one document: the later keeps its own
                external_key = f"{external_key}|{document_id}"
            keys[partner_id, doc_key] = document_id
            ids.append(document_id)
            doc_keys.append(doc_key)
            external_keys.append(external_key)
        self.env.cr.execute(SQL(
            """
            UPDATE %s doc SET doc_key = src.doc_key, external_key = src.external_key
              FROM unnest(%s::int4[], %s::varchar[], %s::varchar[]) AS src(id, doc_key, external_key)
             WHERE doc.id = src.id
            """, SQL.identifier(self._table), ids, doc_keys, external_keys,
        ))

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("move_line_ids")
    def _compute_move_count(self):
        for document in self:
            document.move_count = len(document.move_line_ids.move_id)

    @api.depends("amount", "currency_id")
    def _compute_is_paid_in_1c(self):
        for document in self:
            document.is_paid_in_1c = document.currency_id.is_zero(document.amount)

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


class CrmImport1cAlias(models.Model):
    """A name under which 1C prints a customer that has no ИНН in the file.

    Written by the import when it creates a customer from a row without ИНН, or when the user confirms a match
    by name: the next file that spells the customer the same way (normalised) finds it without asking again.
    """

    _name = "crm.import.1c.alias"
    _description = "Customer Name in 1C"
    _order = "id"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, check_company=True,
                                 ondelete="cascade")
    name = fields.Char(string="Name in 1C", required=True)
    name_key = fields.Char(string="Normalised Name", required=True,
                           help="Legal-form family and words of the name, as the import compares them.")

    _sql_constraints = [
        ("name_key_company_uniq", "unique(company_id, name_key)", "A name in 1C is one customer per company."),
    ]
