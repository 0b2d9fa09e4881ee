import base64
import collections

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero

from odoo.addons.phone_validation.tools import phone_validation

from ..tools import onec_layout, onec_reader
from ..tools.onec_values import OnecError

#: Journal items per journal entry: one entry per import would hold 50,000 lines, too heavy to open.
LINES_PER_MOVE = 1000
#: Errors listed in the message that refuses an import.
ERRORS_SHOWN = 10
MAX_SIZE_PARAM = "crm_receivables.import_1c_max_size_mb"

LAYOUT_SELECTION = [
    ("osv_62", "Trial balance of account 62"),
    ("settlements", "Settlements with customers by document"),
    ("reconciliation_act", "Reconciliation act"),
    ("counterparties", "Counterparty list"),
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
]
FATE_SELECTION = [
    ("new", "New customer"),
    ("match_inn", "Matched by INN/KPP"),
    ("match_phone", "Matched by phone"),
    ("match_email", "Matched by email"),
    ("error", "Error"),
]
DOCUMENT_SELECTION = [
    ("none", "No amount"),
    ("create", "New receivable"),
    ("update", "Balance update"),
    ("same", "Unchanged"),
]


class CrmImport1cWizard(models.TransientModel):
    """Import customers and opening receivables from a 1C Excel export.

    Upload → detected layout and column mapping → preview of every row with its fate → import. The import
    re-reads the file, checks every row before writing anything, and writes in one savepoint: customers
    (created or completed, phones in E.164), one ``crm.import.1c.document`` per document and posted entries in
    the "1C" journal (receivable of the customer against the company's undistributed earnings account).
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
    date = fields.Date(string="Accounting Date", required=True, default=fields.Date.context_today,
                       help="Date of the opening entries.")
    mapping_ids = fields.One2many("crm.import.1c.wizard.mapping", "wizard_id", string="Column Mapping")
    line_ids = fields.One2many("crm.import.1c.wizard.line", "wizard_id", string="Preview")
    line_count = fields.Integer(compute="_compute_counters")
    error_count = fields.Integer(compute="_compute_counters")
    new_partner_count = fields.Integer(compute="_compute_counters")
    matched_count = fields.Integer(compute="_compute_counters")
    total_amount = fields.Float(compute="_compute_counters")
    result_message = fields.Text(readonly=True)

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("confidence")
    def _compute_is_mapping_sure(self):
        for wizard in self:
            wizard.is_mapping_sure = wizard.confidence >= 1.0

    @api.depends("line_ids.fate", "line_ids.amount")
    def _compute_counters(self):
        for wizard in self:
            fates = collections.Counter(wizard.line_ids.mapped("fate"))
            wizard.line_count = len(wizard.line_ids)
            wizard.error_count = fates["error"]
            wizard.new_partner_count = fates["new"]
            wizard.matched_count = fates["match_inn"] + fates["match_phone"] + fates["match_email"]
            wizard.total_amount = sum(wizard.line_ids.mapped("amount"))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_preview(self):
        """Read the file, detect layout and mapping, and show every row with what the import will do."""
        self.ensure_one()
        analysis, records = self._read_file(use_mapping=self.state == "preview")
        plan = self._plan(records, analysis)
        self.mapping_ids.unlink()
        self.line_ids.unlink()
        self.write({
            "state": "preview",
            "sheet_name": analysis.sheet,
            "layout": analysis.layout,
            "header_row": analysis.header_row,
            "confidence": analysis.confidence,
            "mapping_ids": [Command.create(vals) for vals in self._prepare_mapping_vals(analysis)],
        })
        self.env["crm.import.1c.wizard.line"].create([
            self._prepare_line_vals(item) for item in plan["items"]
        ])
        return self._reopen()

    def action_import(self):
        """Write everything or nothing: the file is read and checked again, then written in one savepoint."""
        self.ensure_one()
        analysis, records = self._read_file(use_mapping=self.state == "preview")
        plan = self._plan(records, analysis)
        errors = [item for item in plan["items"] if item["error"]]
        if errors:
            lines = [self._onec_error_message(item["error"]) for item in errors[:ERRORS_SHOWN]]
            if len(errors) > ERRORS_SHOWN:
                lines.append(self.env._("… and %(count)s more errors.", count=len(errors) - ERRORS_SHOWN))
            raise UserError(self.env._("Nothing was imported. Fix the file and try again:\n%(errors)s",
                                       errors="\n".join(lines)))
        with self.env.cr.savepoint():
            result = self._apply(plan)
        self.write({
            "state": "done",
            "result_message": self.env._(
                "Customers created: %(created)s, updated: %(updated)s. Documents: %(new)s new, %(changed)s "
                "updated, %(same)s unchanged. Journal entries posted: %(moves)s.",
                **result,
            ),
        })
        return self._reopen()

    def action_back(self):
        """Return to the upload step (the file stays)."""
        self.ensure_one()
        self.mapping_ids.unlink()
        self.line_ids.unlink()
        self.write({"state": "upload", "confidence": 0.0, "layout": False})
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

    # ------------------------------------------------------------
    # BUSINESS: READ
    # ------------------------------------------------------------

    def _get_max_size(self):
        """Largest accepted file in bytes (system parameter ``crm_receivables.import_1c_max_size_mb``)."""
        value = self.env["ir.config_parameter"].sudo().get_param(MAX_SIZE_PARAM)
        try:
            megabytes = float(value) if value else onec_reader.MAX_FILE_SIZE / 1048576
        except ValueError:
            megabytes = onec_reader.MAX_FILE_SIZE / 1048576
        return int(megabytes * 1048576)

    def _get_manual_mapping(self):
        return {line.field: line.column_index for line in self.mapping_ids if line.field}

    def _read_file(self, use_mapping=False):
        """Parse the uploaded file.

        :param bool use_mapping: apply the (possibly edited) mapping lines and layout instead of detecting them
        :return: ``(analysis, list of records)``
        :raise UserError: for any problem with the whole file (translated, naming sheet/row/column)
        """
        if not self.file:
            raise UserError(self.env._("Choose a file exported from 1C (.xls or .xlsx)."))
        content = base64.b64decode(self.file)
        workbook = None
        try:
            workbook = onec_reader.open_workbook(content, max_size=self._get_max_size())
            self.sheet_names = ", ".join(workbook.sheet_names)
            mapping = self._get_manual_mapping() if use_mapping else None
            analysis = onec_layout.parse(
                workbook, sheet=self.sheet_name or None, mapping=mapping or None,
                layout=(self.layout or None) if use_mapping else None,
            )
            records = list(analysis.records)
        except OnecError as error:
            raise UserError(self._onec_error_message(error)) from error
        finally:
            if workbook is not None:
                workbook.close()
        if not records:
            raise UserError(self.env._("Sheet “%(sheet)s” has a header on row %(row)s but no data below it.",
                                       sheet=analysis.sheet, row=analysis.header_row))
        return analysis, records

    def _onec_error_message(self, error):
        """Translate an :class:`OnecError` into a sentence naming the sheet, row and column."""
        _ = self.env._
        params = {"sheet": error.sheet, "row": error.row, "column": error.column, **error.params}
        messages = {
            "too_large": lambda: _(
                "The file is %(size_mb)s MB, more than the %(limit_mb)s MB allowed. "
                "Export a shorter period or split the file.", **params),
            "empty_file": lambda: _("The file is empty: no sheet holds any data.", **params),
            "empty_sheet": lambda: _("Sheet “%(sheet)s” is empty.", **params),
            "unknown_format": lambda: _(
                "This is not an Excel file. Save the report from 1C as .xls or .xlsx.", **params),
            "encrypted": lambda: _(
                "The file is protected by a password. Save it from 1C or Excel without a password.", **params),
            "corrupt": lambda: _(
                "The file is damaged and cannot be read (%(detail)s). Save it from 1C again.",
                **{"detail": "", **params}),
            "sheet_not_found": lambda: _("The file has no sheet “%(sheet)s”.", **params),
            "no_header": lambda: _(
                "No header found on sheet “%(sheet)s” in the first %(rows)s rows: expected columns such as "
                "Контрагент, ИНН, Документ, Сумма or Сальдо на конец периода.",
                **{"rows": onec_layout.HEADER_SCAN_ROWS, **params}),
            "bad_inn": lambda: _(
                "Sheet “%(sheet)s”, row %(row)s, column “%(column)s”: INN “%(value)s” is invalid "
                "(wrong length or check digit).", **params),
            "bad_kpp": lambda: _(
                "Sheet “%(sheet)s”, row %(row)s, column “%(column)s”: KPP “%(value)s” is invalid.", **params),
            "bad_email": lambda: _(
                "Sheet “%(sheet)s”, row %(row)s, column “%(column)s”: “%(value)s” is not an email address.",
                **params),
            "bad_amount": lambda: _(
                "Sheet “%(sheet)s”, row %(row)s, column “%(column)s”: “%(value)s” is not an amount.", **params),
            "bad_date": lambda: _(
                "Sheet “%(sheet)s”, row %(row)s, column “%(column)s”: “%(value)s” is not a date.", **params),
            "bad_currency": lambda: _(
                "Sheet “%(sheet)s”, row %(row)s, column “%(column)s”: unknown currency “%(value)s”.", **params),
            "formula": lambda: _(
                "Sheet “%(sheet)s”, row %(row)s, column “%(column)s”: the formula “=%(value)s” was saved without "
                "its value. Open the file in Excel, save it, and import again.", **params),
            "duplicate": lambda: _(
                "Sheet “%(sheet)s”, row %(row)s, column “%(column)s”: duplicate of row %(first_row)s.", **params),
            "missing_name": lambda: _("Sheet “%(sheet)s”, row %(row)s: the customer name is empty.", **params),
            "missing_amount": lambda: _(
                "Sheet “%(sheet)s”, row %(row)s, column “%(column)s”: the amount is empty.", **params),
        }
        if error.key in messages:
            return messages[error.key]()
        return _("Sheet “%(sheet)s”, row %(row)s: %(key)s.", key=error.key, **params)

    # ------------------------------------------------------------
    # BUSINESS: PLAN (read-only)
    # ------------------------------------------------------------

    def _get_phone_country(self):
        """Country of the phone numbers in 1C files: Russia (numbers with +code keep their own)."""
        return self.env.ref("base.ru")

    def _normalize_phone(self, number, country):
        """E.164 form of a phone from 1C, ``""`` when it is no valid number."""
        if not number:
            return ""
        formatted = phone_validation.phone_format(
            number, country.code, country.phone_code, force_format="E164", raise_exception=False,
        )
        return formatted if formatted and formatted.startswith("+") else ""

    def _partner_key(self, record, phone):
        if record.inn:
            return ("inn", record.inn, record.kpp)
        if record.email:
            return ("email", record.email)
        if phone:
            return ("phone", phone)
        return ("name", record.name.lower())

    def _prefetch_partners(self, records, phones):
        """Find existing customers for all records in three queries (ИНН, phone, e-mail).

        :return: dicts ``{inn: partners}``, ``{e164: partner}``, ``{email: partner}``
        """
        Partner = self.env["res.partner"].with_context(active_test=False)
        company_domain = Partner._check_company_domain(self.company_id)
        inns = {r.inn for r in records if r.inn}
        emails = {r.email for r in records if r.email}
        by_inn = collections.defaultdict(Partner.browse)
        if inns:
            for partner in Partner.search([*company_domain, ("vat", "in", list(inns)), ("parent_id", "=", False)],
                                          order="id"):
                by_inn[partner.vat] |= partner
        by_phone = {}
        if phones:
            for partner in Partner.search([*company_domain, ("phone_sanitized", "in", list(phones))], order="id"):
                by_phone.setdefault(partner.phone_sanitized, partner.commercial_partner_id)
        by_email = {}
        if emails:
            for partner in Partner.search([*company_domain, ("email_normalized", "in", list(emails))], order="id"):
                by_email.setdefault(partner.email_normalized, partner.commercial_partner_id)
        return by_inn, by_phone, by_email

    def _match_partner(self, record, phone, by_inn, by_phone, by_email):
        """Return ``(fate, partner)``: ИНН(+КПП) first, then normalised phone, then e-mail."""
        candidates = by_inn.get(record.inn) if record.inn else None
        if candidates:
            same_kpp = candidates.filtered(lambda p: p.crm_kpp == record.kpp) if record.kpp else candidates
            no_kpp = candidates.filtered(lambda p: not p.crm_kpp)
            partner = (same_kpp or no_kpp)[:1]
            if partner:
                return "match_inn", partner
            return "new", None  # another branch (КПП) of a known company
        if phone and phone in by_phone:
            return "match_phone", by_phone[phone]
        if record.email and record.email in by_email:
            return "match_email", by_email[record.email]
        return "new", None

    def _get_currencies(self, records):
        codes = {r.currency for r in records if r.currency}
        currencies = self.env["res.currency"].with_context(active_test=False).search([("name", "in", list(codes))])
        return {currency.name: currency for currency in currencies}

    def _plan(self, records, analysis=None):
        """Decide the fate of every record without writing anything.

        :param list records: :class:`~..tools.onec_layout.Record` of the file
        :param analysis: the file's :class:`~..tools.onec_layout.Analysis` (names the sheet and columns in errors)
        :return: dict with ``items`` (one dict per record: record, phone, fate, partner, partner key,
            currency, existing document, document action, error)
        """
        country = self._get_phone_country()
        phones = {record.row: self._normalize_phone(record.phone, country) for record in records if record.phone}
        by_inn, by_phone, by_email = self._prefetch_partners(records, set(phones.values()) - {""})
        currencies = self._get_currencies(records)
        keys = [r.external_key for r in records if r.kind != "partner"]
        documents = {
            document.external_key: document
            for document in self.env["crm.import.1c.document"].search(
                [("company_id", "=", self.company_id.id), ("external_key", "in", keys)])
        } if keys else {}
        items, known = [], {}
        for record in records:
            phone = phones.get(record.row, "")
            item = {"record": record, "phone": phone, "error": record.error, "partner": None,
                    "currency": self.company_id.currency_id, "document": None, "doc_action": "none"}
            key = self._partner_key(record, phone)
            item["partner_key"] = key
            if key in known:
                item["fate"], item["partner"] = known[key]
            else:
                item["fate"], item["partner"] = known[key] = self._match_partner(
                    record, phone, by_inn, by_phone, by_email)
            if record.currency:
                currency = currencies.get(record.currency)
                if currency:
                    item["currency"] = currency
                elif not item["error"]:
                    item["error"] = OnecError(
                        "bad_currency", analysis.sheet if analysis else "", record.row,
                        onec_layout.column_label(analysis, "currency") if analysis else "", value=record.currency,
                    )
            if record.kind != "partner" and record.amount is not None:
                document = documents.get(record.external_key)
                item["document"] = document
                if document:
                    same = float_compare(document.amount, record.amount,
                                         precision_rounding=item["currency"].rounding) == 0
                    item["doc_action"] = "same" if same else "update"
                elif not float_is_zero(record.amount, precision_rounding=item["currency"].rounding):
                    item["doc_action"] = "create"
            if item["error"]:
                item["fate"] = "error"
            items.append(item)
        return {"items": items}

    def _prepare_mapping_vals(self, analysis):
        by_column = {index: field for field, index in analysis.mapping.items()
                     if field in dict(FIELD_SELECTION)}
        return [
            {"column_index": index, "column_label": label or onec_layout.column_letter(index),
             "field": by_column.get(index, False)}
            for index, label in enumerate(analysis.columns) if label or index in by_column
        ]

    def _prepare_line_vals(self, item):
        record = item["record"]
        return {
            "wizard_id": self.id,
            "row": record.row,
            "name": record.name,
            "inn": record.inn,
            "phone": item["phone"] or record.phone,
            "email": record.email,
            "fate": item["fate"],
            "partner_id": item["partner"].id if item["partner"] else False,
            "document": record.doc_label or (record.doc_number if record.kind == "document" else ""),
            "doc_date": record.doc_date,
            "due_date": record.due_date,
            "amount": record.amount or 0.0,
            "currency_id": item["currency"].id,
            "doc_action": item["doc_action"],
            "message": self._onec_error_message(item["error"]) if item["error"] else False,
        }

    # ------------------------------------------------------------
    # BUSINESS: WRITE
    # ------------------------------------------------------------

    def _get_journal(self):
        """The "1C" general journal of the company, created on first use."""
        Journal = self.env["account.journal"]
        domain = [*Journal._check_company_domain(self.company_id), ("code", "=", "1C"), ("type", "=", "general")]
        journal = Journal.search(domain, limit=1)
        return journal or Journal.create({
            "name": self.env._("1C Opening Balances"), "code": "1C", "type": "general",
            "company_id": self.company_id.id,
        })

    def _prepare_partner_vals(self, record, phone, country):
        vals = {
            "name": record.name,
            "is_company": True,
            "company_id": False,
            "customer_rank": 1,
            "vat": record.inn or False,
            "crm_kpp": record.kpp or False,
            "phone": phone or record.phone or False,
            "email": record.email or False,
            "street": record.address or False,
            "country_id": country.id if record.inn else False,
        }
        return vals

    def _prepare_partner_update(self, partner, record, phone):
        """Fill what the customer card lacks; never overwrite what a user typed."""
        candidates = {"vat": record.inn, "crm_kpp": record.kpp, "phone": phone or record.phone,
                      "email": record.email, "street": record.address}
        return {field: value for field, value in candidates.items() if value and not partner[field]}

    def _apply(self, plan):
        """Write the plan: partners, documents and posted journal entries. Called inside a savepoint."""
        items = plan["items"]
        Partner = self.env["res.partner"]
        # 1. customers: create the new ones in one batch, complete the matched ones
        to_create, country = {}, self._get_phone_country()
        for item in items:
            if item["partner"] is None and item["partner_key"] not in to_create:
                to_create[item["partner_key"]] = self._prepare_partner_vals(item["record"], item["phone"], country)
        created = Partner.create(list(to_create.values())) if to_create else Partner
        new_partners = dict(zip(to_create, created, strict=True))
        updated = Partner
        for item in items:
            if item["partner"] is None:
                item["partner"] = new_partners[item["partner_key"]]
            elif item["partner"] not in updated:
                vals = self._prepare_partner_update(item["partner"], item["record"], item["phone"])
                if vals:
                    item["partner"].write(vals)
                    updated |= item["partner"]
        # 2. receivables: new documents and adjustments of changed ones, in entries of LINES_PER_MOVE lines
        moving = [item for item in items if item["doc_action"] in ("create", "update")]
        moves = self._post_entries(moving)
        # 3. the external references
        Document = self.env["crm.import.1c.document"]
        new_docs = []
        for item in moving:
            record = item["record"]
            if item["doc_action"] == "update":
                item["document"].write({
                    "amount": record.amount, "due_date": record.due_date, "filename": self.filename,
                    "import_date": fields.Datetime.now(), "move_line_ids": [Command.link(item["line"].id)],
                })
                continue
            new_docs.append({
                "name": record.doc_label or record.doc_number or self.env._("Balance of %(name)s",
                                                                            name=record.name),
                "company_id": self.company_id.id,
                "partner_id": item["partner"].id,
                "external_key": record.external_key,
                "kind": record.kind if record.kind == "balance" else "document",
                "doc_number": record.doc_number,
                "doc_date": record.doc_date,
                "due_date": record.due_date,
                "amount": record.amount,
                "currency_id": item["currency"].id,
                "filename": self.filename,
                "move_line_ids": [Command.set(item["line"].ids)],
            })
        Document.create(new_docs)
        actions = collections.Counter(item["doc_action"] for item in items if item["record"].kind != "partner")
        return {"created": len(created), "updated": len(updated), "new": actions["create"],
                "changed": actions["update"], "same": actions["same"], "moves": len(moves)}

    def _post_entries(self, items):
        """Create and post the opening entries; set ``item["line"]`` to the receivable line of each item.

        A new document is posted for its amount; a changed one for the difference with the amount already
        imported (an adjusting item, the original entry is kept).
        """
        if not items:
            return self.env["account.move"]
        journal = self._get_journal()
        counter_account = self.company_id.get_unaffected_earnings_account()
        company_currency = self.company_id.currency_id
        partners = self.env["res.partner"].browse({item["partner"].id for item in items}).with_company(self.company_id)
        receivable = {partner.id: partner.property_account_receivable_id.id for partner in partners}
        move_vals, chunks = [], []
        for start in range(0, len(items), LINES_PER_MOVE):
            chunk = items[start:start + LINES_PER_MOVE]
            lines, total = [], 0.0
            for item in chunk:
                record, currency = item["record"], item["currency"]
                amount = record.amount - (item["document"].amount if item["document"] else 0.0)
                balance = currency._convert(amount, company_currency, self.company_id, self.date) \
                    if currency != company_currency else amount
                total += balance
                lines.append(Command.create({
                    "account_id": receivable[item["partner"].id],
                    "partner_id": item["partner"].id,
                    "name": record.doc_label or self.env._("Opening balance from 1C"),
                    "balance": balance,
                    "amount_currency": amount,
                    "currency_id": currency.id,
                    "date_maturity": record.due_date or record.doc_date or self.date,
                }))
            lines.append(Command.create({
                "account_id": counter_account.id,
                "name": self.env._("Opening receivables from 1C"),
                "balance": -total,
                "amount_currency": -total,
                "currency_id": company_currency.id,
            }))
            move_vals.append({
                "move_type": "entry",
                "journal_id": journal.id,
                "date": self.date,
                "ref": self.env._("1C import: %(file)s", file=self.filename or ""),
                "company_id": self.company_id.id,
                "line_ids": lines,
            })
            chunks.append(chunk)
        moves = self.env["account.move"].create(move_vals)
        moves.action_post()
        for move, chunk in zip(moves, chunks, strict=True):
            receivable_lines = move.line_ids.sorted("id")[: len(chunk)]
            for item, line in zip(chunk, receivable_lines, strict=True):
                item["line"] = line
        return moves


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
    """One row of the file in the preview, with what the import will do with it."""

    _name = "crm.import.1c.wizard.line"
    _description = "Import from 1C: Preview Row"
    _order = "row"

    wizard_id = fields.Many2one("crm.import.1c.wizard", required=True, ondelete="cascade")
    row = fields.Integer(required=True)
    name = fields.Char(string="Customer")
    inn = fields.Char(string="INN")
    phone = fields.Char()
    email = fields.Char()
    fate = fields.Selection(FATE_SELECTION, required=True)
    partner_id = fields.Many2one("res.partner", string="Matched Customer")
    document = fields.Char()
    doc_date = fields.Date(string="Document Date")
    due_date = fields.Date()
    amount = fields.Float()
    currency_id = fields.Many2one("res.currency")
    doc_action = fields.Selection(DOCUMENT_SELECTION, string="Receivable")
    message = fields.Char()
