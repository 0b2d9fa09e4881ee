import collections

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.crm_import_1c_service import MATCHED_FATES

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
FATE_SELECTION = [
    ("new", "New customer"),
    ("match_inn_kpp", "Matched by INN+KPP"),
    ("match_inn", "Matched by INN"),
    ("match_phone", "Matched by phone"),
    ("match_email", "Matched by email"),
    ("match_alias", "Matched by a 1C name confirmed before"),
    ("match_name", "Matched by name: confirm"),
    ("error", "Error"),
]
DOCUMENT_SELECTION = [
    ("none", "No amount"),
    ("create", "New receivable"),
    ("update", "Balance update"),
    ("same", "Unchanged"),
    ("settle", "Paid in 1C"),
]


class CrmImport1cWizard(models.TransientModel):
    """Import customers and receivables from a 1C Excel export: upload, preview, confirm.

    The wizard is the import session the user sees: the file, the options and the preview table
    (``crm.import.1c.wizard.line``). Every decision and every write is made by ``crm.import.1c.service``,
    which a scheduled import or a test calls without this form.
    """

    _name = "crm.import.1c.wizard"
    _description = "Import from 1C"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    state = fields.Selection(
        [("upload", "Upload"), ("preview", "Preview"), ("done", "Done")], default="upload", required=True,
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    file = fields.Binary(string="1C File", attachment=False, help="An .xls or .xlsx file saved from 1C.")
    filename = fields.Char()
    sheet_name = fields.Char(string="Sheet", help="Empty: the first sheet with a recognisable header.")
    sheet_names = fields.Char(string="Sheets in the File", readonly=True)
    layout = fields.Selection(LAYOUT_SELECTION, help="Detected from the title and the header; you may change it.")
    header_row = fields.Integer(readonly=True)
    confidence = fields.Float(readonly=True, help="1.0 when every needed column was found by its exact name.")
    is_mapping_sure = fields.Boolean(compute="_compute_is_mapping_sure")
    preview_signature = fields.Char(readonly=True, help="Sheet, layout and mapping the preview was made with.")
    date = fields.Date(string="Accounting Date", required=True, default=fields.Date.context_today,
                       help="Date of the entries: the date of the 1C report (documents paid in 1C are settled "
                            "on this day).")
    settle_missing = fields.Boolean(
        string="The File Lists All Open Documents",
        help="The report lists every open document of its customers (a settlements export): a document of "
             "these customers that is missing or lower than in Odoo was paid in 1C, and is settled here.",
    )
    confirm_name_matches = fields.Boolean(
        help="Some customers were recognised by their name alone: tick after checking them in the preview.",
    )
    mapping_ids = fields.One2many("crm.import.1c.wizard.mapping", "wizard_id", string="Column Mapping")
    line_ids = fields.One2many("crm.import.1c.wizard.line", "wizard_id", string="Preview")
    line_count = fields.Integer(compute="_compute_counters")
    error_count = fields.Integer(compute="_compute_counters")
    new_partner_count = fields.Integer(compute="_compute_counters", help="Customers the import will create.")
    matched_count = fields.Integer(compute="_compute_counters", help="Existing customers found in the file.")
    name_match_count = fields.Integer(compute="_compute_counters",
                                      help="Customers recognised by their name alone: to confirm.")
    settled_count = fields.Integer(compute="_compute_counters", help="Documents paid in 1C since the last file.")
    settled_amount = fields.Float(compute="_compute_counters")
    total_amount = fields.Float(compute="_compute_counters", help="Sum of the amounts in the file.")
    change_amount = fields.Float(compute="_compute_counters",
                                 help="What the import posts: new documents and the differences.")
    result_message = fields.Text(readonly=True)

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("confidence")
    def _compute_is_mapping_sure(self):
        for wizard in self:
            wizard.is_mapping_sure = wizard.confidence >= 1.0

    @api.depends("line_ids.fate", "line_ids.amount", "line_ids.change", "line_ids.doc_action")
    def _compute_counters(self):
        groups = self.env["crm.import.1c.wizard.line"]._read_group(
            [("wizard_id", "in", self._origin.ids), ("row", ">", 0)], ["wizard_id", "fate"],
            ["__count", "partner_key:count_distinct", "amount:sum"],
        )
        stats = collections.defaultdict(dict)
        for wizard, fate, count, customers, amount in groups:
            stats[wizard.id][fate] = (count, customers, amount)
        actions = self.env["crm.import.1c.wizard.line"]._read_group(
            [("wizard_id", "in", self._origin.ids)], ["wizard_id", "doc_action"], ["__count", "change:sum"],
        )
        changes = collections.defaultdict(dict)
        for wizard, action, count, change in actions:
            changes[wizard.id][action] = (count, change or 0.0)
        for wizard in self:
            by_fate = stats[wizard._origin.id]
            by_action = changes[wizard._origin.id]
            wizard.line_count = sum(count for count, _customers, _amount in by_fate.values())
            wizard.error_count = by_fate.get("error", (0, 0, 0.0))[0]
            wizard.new_partner_count = by_fate.get("new", (0, 0, 0.0))[1]
            wizard.matched_count = sum(by_fate.get(fate, (0, 0, 0.0))[1] for fate in MATCHED_FATES)
            wizard.name_match_count = by_fate.get("match_name", (0, 0, 0.0))[1]
            wizard.total_amount = sum(amount or 0.0 for _count, _customers, amount in by_fate.values())
            wizard.settled_count, wizard.settled_amount = by_action.get("settle", (0, 0.0))
            wizard.change_amount = sum(change for _count, change in by_action.values())

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_preview(self):
        """Read the file, detect layout and mapping, and show every row with what the import will do."""
        self.ensure_one()
        self.env["crm.import.1c.service"].preview(self, use_mapping=self.state == "preview")
        return self._reopen()

    def action_import(self):
        """Write everything or nothing, from the preview: refused while a row has an error."""
        self.ensure_one()
        service = self.env["crm.import.1c.service"]
        if self.state == "upload":
            service.preview(self)
        elif self.preview_signature != service.get_signature(self):
            raise UserError(self.env._(
                "The sheet, the layout, the column mapping or the option “The File Lists All Open Documents” "
                "changed after the preview. Press Refresh Preview, check the rows, then import."))
        service.apply(self)
        return self._reopen()

    def action_back(self):
        """Return to the upload step (the file stays)."""
        self.ensure_one()
        self.env["crm.import.1c.service"]._clear_preview(self)
        self.write({"state": "upload", "confidence": 0.0, "layout": False, "preview_signature": False,
                    "confirm_name_matches": False})
        return self._reopen()

    def action_view_documents(self):
        """Open the imported 1C documents."""
        self.ensure_one()
        return self.env["ir.actions.act_window"]._for_xml_id("crm_receivables.crm_import_1c_document_action")

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import from 1C"),
        }


class CrmImport1cWizardMapping(models.TransientModel):
    """A column of the file and the field it feeds; editable when detection is unsure."""

    _name = "crm.import.1c.wizard.mapping"
    _description = "Import from 1C: Column Mapping"
    _order = "column_index"

    wizard_id = fields.Many2one("crm.import.1c.wizard", required=True, ondelete="cascade")
    column_index = fields.Integer(string="Column", required=True, help="0 for column A, 1 for B…")
    column_label = fields.Char(string="Header in the File")
    field = fields.Selection(FIELD_SELECTION, string="Imported As", help="Empty: the column is ignored.")


class CrmImport1cWizardLine(models.TransientModel):
    """One row of the file in the preview, with what the import will do with it.

    Written by the preview with set-based SQL (``crm.import.1c.service``) and read back by the import: the file
    is parsed once. Row 0: a document of the file's customers that the file no longer lists (paid in 1C).
    """

    _name = "crm.import.1c.wizard.line"
    _description = "Import from 1C: Preview Row"
    _order = "row"

    wizard_id = fields.Many2one("crm.import.1c.wizard", required=True, index=True, ondelete="cascade")
    row = fields.Integer(required=True)
    name = fields.Char(string="Customer")
    inn = fields.Char(string="INN")
    kpp = fields.Char(string="KPP")
    phone = fields.Char()
    phone_e164 = fields.Char(string="Phone (E.164)", help="The phone in international form, empty if invalid.")
    email = fields.Char()
    address = fields.Char()
    partner_key = fields.Char(string="Customer Key", help="Who the row is within the file: INN+KPP, else e-mail, "
                                                          "phone or name.")
    name_key = fields.Char(string="Normalised Name", help="The name without legal form, quotes and case.")
    fate = fields.Selection(FATE_SELECTION, string="Customer Match", required=True,
                            help="How the customer was found: INN+KPP, INN, phone, e-mail or name (to confirm).")
    partner_id = fields.Many2one("res.partner", string="Matched Customer")
    kind = fields.Selection(
        [("partner", "Customer"), ("document", "Document"), ("balance", "Customer balance")],
        required=True, default="document",
    )
    document = fields.Char()
    doc_number = fields.Char(string="Document Number")
    doc_date = fields.Date(string="Document Date")
    due_date = fields.Date()
    amount = fields.Float(help="The balance in the file.")
    currency_id = fields.Many2one("res.currency")
    doc_key = fields.Char(string="Document Key", help="Normalised document number and date.")
    document_id = fields.Many2one("crm.import.1c.document", string="Imported Document",
                                  help="The same document imported before (same customer, number and date).")
    doc_action = fields.Selection(DOCUMENT_SELECTION, string="Receivable")
    change = fields.Float(string="To Post", help="What the import posts for this row: a new document for its "
                                                 "amount, a known one for the difference.")
    doc_amount = fields.Float(string="New Document Amount")
    message = fields.Char()
