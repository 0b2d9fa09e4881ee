import collections

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.crm_import_1c_mapping import FIELD_SELECTION, LAYOUT_SELECTION
from ..models.crm_import_1c_service import MATCHED_FATES
from ..tools import onec_layout
from ..tools.onec_values import OnecError

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
        [("upload", "Upload"), ("header", "Header and Columns"), ("preview", "Preview"), ("done", "Done")],
        default="upload", required=True,
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    file = fields.Binary(string="1C File", attachment=False, help="An .xls or .xlsx file saved from 1C.")
    filename = fields.Char()
    sheet_name = fields.Char(string="Sheet", help="Empty: the first sheet with a recognisable header.")
    sheet_names = fields.Char(string="Sheets in the File", readonly=True)
    layout = fields.Selection(LAYOUT_SELECTION, help="Detected from the title and the header; you may change it.")
    header_row = fields.Integer(string="Detected Header Row", readonly=True)
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
    # the header row and the columns chosen by the user, and the saved mapping of the file's shape
    manual_header_row = fields.Integer(
        string="Header Row", help="The row with the column titles, as the spreadsheet numbers it (0: detected).",
    )
    header_message = fields.Text(readonly=True, help="Why the header has to be chosen by hand.")
    header_line_ids = fields.One2many("crm.import.1c.wizard.header", "wizard_id", string="First Rows")
    header_signature = fields.Char(readonly=True, help="Shape of the header row: a saved mapping with the same "
                                                       "signature is applied to the file.")
    saved_mapping_id = fields.Many2one("crm.import.1c.mapping", readonly=True)
    mapping_note = fields.Char(readonly=True)
    mapping_name = fields.Char(string="Save Mapping As",
                               help="Name of the mapping to save for the next files of this report.")

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
        """Read the file, detect layout and mapping, and show every row with what the import will do.

        When no header is found, the wizard goes to the header step instead: the user picks the header row
        among the first rows of the sheet and maps the columns (:meth:`_start_header_step`).
        """
        self.ensure_one()
        service = self.env["crm.import.1c.service"]
        if self.state == "header":
            self.layout = service.check_manual_mapping(self)
            service.preview(self, use_mapping=True)
            return self._reopen()
        if self.state == "upload" and not self.manual_header_row:
            try:
                with self.env.cr.savepoint():
                    service.preview(self)
            except UserError as error:
                cause = error.__cause__
                if not (isinstance(cause, OnecError) and cause.key == "no_header"):
                    raise
                self._start_header_step(error.args[0])
            return self._reopen()
        service.preview(self, use_mapping=self.state == "preview" or bool(self.manual_header_row))
        return self._reopen()

    def action_choose_header(self):
        """Pick the header row and map the columns by hand (detection was unsure or took the wrong row)."""
        self.ensure_one()
        self._start_header_step(False, row=self.header_row or None)
        return self._reopen()

    def action_read_header(self):
        """Read the columns of the row in “Header Row” (the fields recognised in it are pre-selected)."""
        self.ensure_one()
        self._read_header(self.manual_header_row)
        return self._reopen()

    def action_save_mapping(self):
        """Save the header and the column mapping of this preview for the next files of the same report."""
        self.ensure_one()
        if self.state != "preview" or not self.header_signature:
            raise UserError(self.env._("Preview the file before saving its mapping."))
        name = self.mapping_name or self.env._("%(file)s, sheet %(sheet)s", file=self.filename or "1C",
                                               sheet=self.sheet_name)
        mapping = self.env["crm.import.1c.mapping"]._save_from_session(self, name)
        self.write({
            "saved_mapping_id": mapping.id,
            "mapping_name": mapping.name,
            "mapping_note": self.env._(
                "Mapping “%(name)s” saved: the next file with this header is read with it.", name=mapping.name),
        })
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
                    "confirm_name_matches": False, "manual_header_row": 0, "header_message": False,
                    "header_line_ids": [Command.clear()], "saved_mapping_id": False, "mapping_note": False})
        return self._reopen()

    def action_view_documents(self):
        """Open the imported 1C documents."""
        self.ensure_one()
        return self.env["ir.actions.act_window"]._for_xml_id("crm_receivables.crm_import_1c_document_action")

    def _start_header_step(self, message, row=None):
        """Show the first rows of the sheet to pick the header from, the suggested (or given) one read."""
        service = self.env["crm.import.1c.service"]
        service._clear_preview(self)
        sheet, choices = service.get_header_choices(self)
        rows = {choice.row for choice in choices}
        if row not in rows:
            row = next(choice.row for choice in choices if choice.suggested)
        self.write({
            "state": "header",
            "sheet_name": sheet,
            "header_message": message,
            "layout": False,
            "saved_mapping_id": False,
            "mapping_note": False,
            "header_line_ids": [Command.clear()] + [
                Command.create({"row": choice.row, "text": choice.text, "is_suggested": choice.suggested})
                for choice in choices
            ],
        })
        self._read_header(row)

    def _read_header(self, row):
        """Take ``row`` as the header: one mapping line per column, the fields detection knows pre-selected."""
        columns = self.env["crm.import.1c.service"].get_header_columns(self, row)
        by_column = {index: field for field, index in columns.mapping.items()
                     if field in onec_layout.MAPPABLE_FIELDS}
        self.write({
            "manual_header_row": row,
            "header_signature": columns.signature,
            "layout": False,
            "mapping_ids": [Command.clear()] + [
                Command.create({"column_index": index, "column_label": label or onec_layout.column_letter(index),
                                "field": by_column.get(index, False)})
                for index, label in enumerate(columns.columns)
            ],
        })

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


class CrmImport1cWizardHeader(models.TransientModel):
    """One of the first rows of the sheet, offered as the header row when detection fails or is unsure."""

    _name = "crm.import.1c.wizard.header"
    _description = "Import from 1C: Header Row Candidate"
    _order = "row"

    wizard_id = fields.Many2one("crm.import.1c.wizard", required=True, ondelete="cascade")
    row = fields.Integer(required=True, help="The row as the spreadsheet numbers it.")
    text = fields.Char(string="Cells", help="The texts of the row's cells.")
    is_suggested = fields.Boolean(string="Suggested", help="The likeliest header row.")
    is_current = fields.Boolean(string="Header", compute="_compute_is_current")

    @api.depends("row", "wizard_id.manual_header_row")
    def _compute_is_current(self):
        for line in self:
            line.is_current = line.row == line.wizard_id.manual_header_row

    def action_use_as_header(self):
        """Take this row as the header and read its columns."""
        self.ensure_one()
        self.wizard_id._read_header(self.row)
        return self.wizard_id._reopen()


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
