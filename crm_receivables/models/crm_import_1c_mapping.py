from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError

#: The layouts of :mod:`..tools.onec_layout` and the fields a column can feed (shared with the import wizard).
LAYOUT_SELECTION = [
    ("osv_62", "Trial balance of account 62"),
    ("settlements", "Settlements with customers by document"),
    ("reconciliation_act", "Reconciliation act"),
    ("counterparties", "Counterparty list"),
    ("ut_debt_aging", "Customer debt by due dates (1C:УТ, КА, ERP)"),
    ("ut_settlements", "Settlements with customers statement (1C:УТ, КА, ERP)"),
]
FIELD_SELECTION = [
    ("name", "Customer name"),
    ("inn", "INN"),
    ("kpp", "KPP"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("address", "Address"),
    ("document", "Document"),
    ("doc_date", "Document date"),
    ("due_date", "Due date"),
    ("amount", "Amount"),
    ("currency", "Currency"),
    ("debit", "Debit"),
    ("credit", "Credit"),
    ("end_debit", "Closing debit"),
    ("end_credit", "Closing credit"),
    ("partner", "Partner (group)"),
    ("contract", "Contract"),
    ("debt", "Customer debt"),
    ("our_debt", "Our debt"),
    ("end_debt", "Closing customer debt"),
    ("end_our_debt", "Closing our debt"),
    ("overdue", "Overdue debt"),
    ("overdue_days", "Days overdue"),
]


class CrmImport1cMapping(models.Model):
    """A header and column mapping saved from the 1C import, applied again to the next file of the same shape.

    A 1C report keeps its columns from one export to the next: the signature of its header row
    (:func:`..tools.onec_layout.shape_signature`) finds the saved mapping among the first rows of a new file,
    and the preview uses its columns instead of detecting them.
    """

    _name = "crm.import.1c.mapping"
    _description = "Import from 1C: Saved Mapping"
    _order = "name, id"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    signature = fields.Char(
        string="Header Signature", required=True, index=True,
        help="Shape of the header row (its normalised column titles): a file with the same header gets this "
             "mapping.",
    )
    sheet_name = fields.Char(string="Sheet", help="The sheet the mapping was saved from (preferred when a file "
                                                  "has several sheets with this header).")
    header_row = fields.Integer(help="Row of the header in the file the mapping was saved from; the next file "
                                     "may have it a few rows lower.")
    layout = fields.Selection(LAYOUT_SELECTION, required=True)
    line_ids = fields.One2many("crm.import.1c.mapping.line", "mapping_id", string="Columns", copy=True)
    line_count = fields.Integer(string="Mapped Columns", compute="_compute_line_count")

    _sql_constraints = [
        ("signature_company_unique", "unique(company_id, signature)",
         "A mapping with this header already exists in this company: edit it instead."),
    ]

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("line_ids.field")
    def _compute_line_count(self):
        for mapping in self:
            mapping.line_count = len(mapping.line_ids.filtered("field"))

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("line_ids")
    def _check_fields_once(self):
        for mapping in self:
            fields_used = [line.field for line in mapping.line_ids if line.field]
            duplicates = sorted({field for field in fields_used if fields_used.count(field) > 1})
            if duplicates:
                labels = dict(self.env["crm.import.1c.mapping.line"]._fields["field"]._description_selection(
                    self.env))
                raise ValidationError(self.env._(
                    "Mapping “%(name)s”: each field can be given to one column only (%(fields)s).",
                    name=mapping.name, fields=", ".join(labels[field] for field in duplicates),
                ))

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _get_column_mapping(self):
        """``{field: column index}`` of the mapping (what :func:`..tools.onec_layout.parse` takes)."""
        self.ensure_one()
        return {line.field: line.column_index for line in self.line_ids if line.field}

    @api.model
    def _save_from_session(self, session, name):
        """Save (or update) the mapping of an import session's header for its company.

        :param session: a ``crm.import.1c.wizard`` in the ``preview`` state
        :param str name: the mapping's name
        :return: the ``crm.import.1c.mapping`` record
        """
        lines = [Command.create({"column_index": line.column_index, "column_label": line.column_label,
                                 "field": line.field})
                 for line in session.mapping_ids if line.field]
        vals = {"name": name, "sheet_name": session.sheet_name, "header_row": session.header_row,
                "layout": session.layout, "active": True}
        mapping = self.with_context(active_test=False).search([
            ("company_id", "=", session.company_id.id), ("signature", "=", session.header_signature),
        ], limit=1)
        if mapping:
            mapping.write({**vals, "line_ids": [Command.clear(), *lines]})
            return mapping
        return self.create({**vals, "company_id": session.company_id.id, "signature": session.header_signature,
                            "line_ids": lines})


class CrmImport1cMappingLine(models.Model):
    """A column of a saved mapping and the field it feeds."""

    _name = "crm.import.1c.mapping.line"
    _description = "Import from 1C: Saved Mapping Column"
    _order = "mapping_id, column_index"

    mapping_id = fields.Many2one("crm.import.1c.mapping", required=True, index=True, ondelete="cascade")
    column_index = fields.Integer(string="Column", required=True, help="0 for column A, 1 for B…")
    column_label = fields.Char(string="Header in the File")
    field = fields.Selection(FIELD_SELECTION, string="Imported As", help="Empty: the column is ignored.")

    _sql_constraints = [
        ("column_unique", "unique(mapping_id, column_index)", "Each column appears once in a mapping."),
    ]

    @api.constrains("field", "mapping_id")
    def _check_fields_once(self):
        self.mapping_id._check_fields_once()
