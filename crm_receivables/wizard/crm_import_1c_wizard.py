import base64
import collections
import json

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import split_every

from odoo.addons.phone_validation.tools import phone_validation

from ..tools import onec_layout, onec_reader
from ..tools.onec_values import OnecError

#: File rows parsed, checked and stored in the preview table together: memory holds one batch, never the file.
STAGE_BATCH = 2000
#: Customers created (or completed) by one ORM call; the cache is emptied between batches.
PARTNER_BATCH = 500
#: Receivable items per journal entry (one item per customer and currency).
LINES_PER_MOVE = 1000
#: Errors listed in the message that refuses an import.
ERRORS_SHOWN = 10
MAX_SIZE_PARAM = "crm_receivables.import_1c_max_size_mb"
#: Columns of the preview table written by the preview, in the order of the ``unnest`` arrays.
STAGE_FIELDS = (
    "row", "name", "inn", "kpp", "phone", "phone_e164", "email", "address", "kind", "document", "doc_number",
    "doc_date", "due_date", "amount", "currency_id", "external_key", "partner_key", "fate", "message",
    "partner_id", "document_id", "doc_action",
)

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

    Upload → detected layout and column mapping → preview of every row with its fate → import.

    The preview streams the file once: rows are parsed, checked, matched to customers (once per customer of
    the file) and compared with the documents already imported, :data:`STAGE_BATCH` rows at a time, and stored
    in the preview table (``crm.import.1c.wizard.line``) with one set-based ``INSERT`` per batch. The import
    works from that table, not from the file: it decides every row again against the database (rewriting only
    what changed), then writes in one savepoint — customers through the ORM in batches, one
    ``crm.import.1c.document`` per document (set-based; the unique external key makes a rerun write nothing)
    and posted entries in the "1C" journal with one receivable item per customer and currency; the documents
    stay open items with their number and due date, linked to that item.
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
                       help="Date of the opening entries.")
    mapping_ids = fields.One2many("crm.import.1c.wizard.mapping", "wizard_id", string="Column Mapping")
    line_ids = fields.One2many("crm.import.1c.wizard.line", "wizard_id", string="Preview")
    line_count = fields.Integer(compute="_compute_counters")
    error_count = fields.Integer(compute="_compute_counters")
    new_partner_count = fields.Integer(compute="_compute_counters", help="Customers the import will create.")
    matched_count = fields.Integer(compute="_compute_counters", help="Existing customers found in the file.")
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
        groups = self.env["crm.import.1c.wizard.line"]._read_group(
            [("wizard_id", "in", self._origin.ids)], ["wizard_id", "fate"],
            ["__count", "partner_key:count_distinct", "amount:sum"],
        )
        stats = collections.defaultdict(dict)
        for wizard, fate, count, customers, amount in groups:
            stats[wizard.id][fate] = (count, customers, amount)
        for wizard in self:
            by_fate = stats[wizard._origin.id]
            wizard.line_count = sum(count for count, _customers, _amount in by_fate.values())
            wizard.error_count = by_fate.get("error", (0, 0, 0.0))[0]
            wizard.new_partner_count = by_fate.get("new", (0, 0, 0.0))[1]
            wizard.matched_count = sum(by_fate.get(fate, (0, 0, 0.0))[1]
                                       for fate in ("match_inn", "match_phone", "match_email"))
            wizard.total_amount = sum(amount or 0.0 for _count, _customers, amount in by_fate.values())

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_preview(self):
        """Read the file, detect layout and mapping, and show every row with what the import will do."""
        self.ensure_one()
        workbook, analysis = self._open_file(use_mapping=self.state == "preview")
        try:
            self._clear_preview()
            self.write({
                "state": "preview",
                "sheet_name": analysis.sheet,
                "layout": analysis.layout,
                "header_row": analysis.header_row,
                "confidence": analysis.confidence,
                "mapping_ids": [Command.create(vals) for vals in self._prepare_mapping_vals(analysis)],
            })
            count = self._stage(analysis)
        finally:
            workbook.close()
        if not count:
            raise UserError(self.env._("Sheet “%(sheet)s” has a header on row %(row)s but no data below it.",
                                       sheet=analysis.sheet, row=analysis.header_row))
        self.preview_signature = self._get_signature()
        return self._reopen()

    def action_import(self):
        """Write everything or nothing, from the preview: refused while a row has an error."""
        self.ensure_one()
        if self.state == "upload":
            self.action_preview()
        elif self.preview_signature != self._get_signature():
            raise UserError(self.env._(
                "The sheet, the layout or the column mapping changed after the preview. Press Refresh Preview, "
                "check the rows, then import."))
        self._check_no_errors()
        with self.env.cr.savepoint():
            result = self._apply()
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
        self._clear_preview()
        self.write({"state": "upload", "confidence": 0.0, "layout": False, "preview_signature": False})
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

    def _get_signature(self):
        """What the preview depends on besides the file: sheet, layout and column mapping."""
        return json.dumps([self.sheet_name or "", self.layout or "", sorted(self._get_manual_mapping().items())])

    def _open_file(self, use_mapping=False):
        """Open the uploaded file and analyse its sheet (the rows are streamed later).

        :param bool use_mapping: apply the (possibly edited) mapping lines and layout instead of detecting them
        :return: ``(workbook, analysis)``; the caller closes the workbook
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
        except OnecError as error:
            if workbook is not None:
                workbook.close()
            raise UserError(self._onec_error_message(error)) from error
        return workbook, analysis

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
    # BUSINESS: PREVIEW (writes only the preview table)
    # ------------------------------------------------------------

    def _clear_preview(self):
        """Empty the preview table of this wizard (one ``DELETE``, not one ``unlink`` per row)."""
        self.env.cr.execute(SQL("DELETE FROM crm_import_1c_wizard_line WHERE wizard_id = %s", self.id))
        self.env["crm.import.1c.wizard.line"].invalidate_model()
        self.invalidate_recordset(["line_ids"])
        self.mapping_ids.unlink()

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
        """Identity of the customer of a row within the file: ИНН+КПП, else e-mail, phone, name."""
        if record.inn:
            return f"inn|{record.inn}|{record.kpp}"
        if record.email:
            return f"email|{record.email}"
        if phone:
            return f"phone|{phone}"
        return f"name|{record.name.lower()}"

    def _stage(self, analysis):
        """Parse and check every row of the file into the preview table, :data:`STAGE_BATCH` rows at a time.

        :return: number of rows stored
        :raise UserError: when the file turns out unreadable further down
        """
        cache = self._get_decision_cache()
        count = 0
        try:
            for batch in split_every(STAGE_BATCH, analysis.records, list):
                vals_list = [self._prepare_line_vals(record, analysis, cache) for record in batch]
                self._decide(vals_list, cache)
                self._insert_lines(vals_list)
                count += len(batch)
        except OnecError as error:
            raise UserError(self._onec_error_message(error)) from error
        return count

    def _get_decision_cache(self):
        """What the preview and the import keep between batches: customers already decided, phones already
        normalised, currencies (name → id, rounding)."""
        Currency = self.env["res.currency"].with_context(active_test=False)
        currencies = Currency.search_fetch([], ["name", "rounding"])
        return {
            "country": self._get_phone_country(),
            "phones": {},
            "currencies": {currency.name: currency.id for currency in currencies},
            "rounding": {currency.id: currency.rounding for currency in currencies},
            "customers": {},
        }

    def _prepare_line_vals(self, record, analysis, cache):
        """Values of the preview row of a record: what the file says, normalised, and its error if any."""
        phone = cache["phones"].get(record.phone)
        if phone is None:
            phone = cache["phones"][record.phone] = self._normalize_phone(record.phone, cache["country"])
        error = record.error
        currency_id = self.company_id.currency_id.id
        if record.currency:
            currency_id = cache["currencies"].get(record.currency)
            if not currency_id:
                currency_id = self.company_id.currency_id.id
                error = error or OnecError("bad_currency", analysis.sheet, record.row,
                                           onec_layout.column_label(analysis, "currency"), value=record.currency)
        is_document = record.kind != "partner"
        label = False
        if is_document:
            label = record.doc_label or record.doc_number or self.env._("Balance of %(name)s", name=record.name)
        return {
            "row": record.row,
            "name": record.name or None,
            "inn": record.inn or None,
            "kpp": record.kpp or None,
            "phone": phone or record.phone or None,
            "phone_e164": phone or None,
            "email": record.email or None,
            "address": record.address or None,
            "kind": record.kind,
            "document": label or None,
            "doc_number": record.doc_number or None,
            "doc_date": record.doc_date,
            "due_date": record.due_date,
            "amount": record.amount,
            "currency_id": currency_id,
            "external_key": record.external_key if is_document else None,
            "partner_key": self._partner_key(record, phone),
            "fate": "error" if error else "new",
            "message": self._onec_error_message(error) if error else None,
            "partner_id": None,
            "document_id": None,
            "doc_action": "none",
        }

    def _insert_lines(self, vals_list):
        """Store preview rows with one ``INSERT … SELECT FROM unnest(arrays)`` (no ORM record per row)."""
        now = fields.Datetime.now()
        columns = {name: [vals[name] for vals in vals_list] for name in STAGE_FIELDS}
        self.env.cr.execute(SQL(
            """
            INSERT INTO crm_import_1c_wizard_line (
                wizard_id, create_uid, create_date, write_uid, write_date,
                row, name, inn, kpp, phone, phone_e164, email, address, kind, document, doc_number,
                doc_date, due_date, amount, currency_id, external_key, partner_key, fate, message,
                partner_id, document_id, doc_action)
            SELECT %(wizard)s, %(uid)s, %(now)s, %(uid)s, %(now)s, staged.*
              FROM unnest(
                %(row)s::int4[], %(name)s::varchar[], %(inn)s::varchar[], %(kpp)s::varchar[],
                %(phone)s::varchar[], %(phone_e164)s::varchar[], %(email)s::varchar[], %(address)s::varchar[],
                %(kind)s::varchar[], %(document)s::varchar[], %(doc_number)s::varchar[], %(doc_date)s::date[],
                %(due_date)s::date[], %(amount)s::float8[], %(currency_id)s::int4[], %(external_key)s::varchar[],
                %(partner_key)s::varchar[], %(fate)s::varchar[], %(message)s::varchar[],
                %(partner_id)s::int4[], %(document_id)s::int4[], %(doc_action)s::varchar[]
              ) AS staged
            """,
            wizard=self.id, uid=self.env.uid, now=now, **columns,
        ))

    def _decide(self, rows, cache):
        """Set the customer and the document action of a batch of preview rows (dicts), in a few queries.

        The customer is decided once per customer of the file (its first row): ИНН(+КПП), then phone, then
        e-mail, prefetched for the whole batch (three queries); documents already imported are read by their
        external keys (one query). Rows with an error keep the fate ``error``.

        :param list rows: dicts with ``partner_key, inn, kpp, phone_e164, email, kind, amount, currency_id,
            external_key, fate``; ``fate, partner_id, document_id, doc_action`` are set
        :param dict cache: from :meth:`_get_decision_cache`, kept across batches
        """
        customers = cache["customers"]
        new = {}
        for row in rows:
            if row["partner_key"] not in customers:
                new.setdefault(row["partner_key"], (row["inn"], row["kpp"], row["phone_e164"], row["email"]))
        if new:
            found = self._prefetch_partners(list(new.values()))
            for key, identity in new.items():
                fate, partner = self._match_partner(*identity, *found)
                customers[key] = (fate, partner.id if partner else None)
        keys = [row["external_key"] for row in rows if row["external_key"]]
        documents = {}
        if keys:
            domain = [("company_id", "=", self.company_id.id), ("external_key", "in", keys)]
            for document in self.env["crm.import.1c.document"].search_fetch(domain, ["external_key", "amount"]):
                documents[document.external_key] = (document.id, document.amount)
        for row in rows:
            fate, row["partner_id"] = customers[row["partner_key"]]
            if row["fate"] != "error":
                row["fate"] = fate
            row["document_id"], previous = documents.get(row["external_key"], (None, None))
            row["doc_action"] = onec_layout.document_action(
                row["kind"], row["amount"], previous, cache["rounding"][row["currency_id"]])

    def _refresh_preview(self):
        """Decide every row again against the database now (another user may have created a customer or
        imported a document since the preview), :data:`STAGE_BATCH` rows at a time; rewrite only the rows
        whose customer or action changed.

        :return: number of rows changed
        """
        self.env.flush_all()
        cache, changed, last_id = self._get_decision_cache(), 0, 0
        fields_ = ("fate", "partner_id", "document_id", "doc_action")
        while True:
            self.env.cr.execute(SQL(
                """
                SELECT id, partner_key, inn, kpp, phone_e164, email, kind, amount, currency_id, external_key,
                       fate, partner_id, document_id, doc_action
                  FROM crm_import_1c_wizard_line
                 WHERE wizard_id = %s AND fate != 'error' AND id > %s
                 ORDER BY id
                 LIMIT %s
                """, self.id, last_id, STAGE_BATCH,
            ))
            rows = self.env.cr.dictfetchall()
            if not rows:
                return changed
            last_id = rows[-1]["id"]
            before = [tuple(row[name] for name in fields_) for row in rows]
            self._decide(rows, cache)
            rows = [row for row, old in zip(rows, before, strict=True)
                    if tuple(row[name] for name in fields_) != old]
            self._update_lines(
                [row["id"] for row in rows],
                fate=("varchar", [row["fate"] for row in rows]),
                partner_id=("int4", [row["partner_id"] for row in rows]),
                document_id=("int4", [row["document_id"] for row in rows]),
                doc_action=("varchar", [row["doc_action"] for row in rows]),
            )
            changed += len(rows)

    def _execute_set_based(self, query):
        """Run a statement over the preview table (and the documents) with hash joins, never nested loops.

        The preview table is filled within the request: its statistics, and those of documents written a moment
        ago, still say "empty". On such estimates PostgreSQL picks nested loops that rescan 50,000 rows for each
        of 50,000 rows; a set-based statement over the whole file wants hash joins. The switch is
        transaction-local and restored right after the statement, so the ORM's own queries keep their plans.

        :param SQL query: the statement
        :return: the rows of a query that returns rows, else the number of rows written
        """
        cr = self.env.cr
        cr.execute(SQL("SELECT current_setting('enable_nestloop'), set_config('enable_nestloop', 'off', true)"))
        previous = cr.fetchone()[0]
        try:
            cr.execute(query)
            rowcount = cr.rowcount
            rows = cr.fetchall() if cr.description else None
        finally:
            cr.execute(SQL("SELECT set_config('enable_nestloop', %s, true)", previous))
        return rows if rows is not None else rowcount

    def _update_lines(self, ids, **columns):
        """Set per-row values on preview rows given by id: one ``UPDATE … FROM unnest(ids, values)``.

        Joined on the primary key, so the plan stays a key lookup whatever the table's statistics say.

        :param list ids: ``crm.import.1c.wizard.line`` ids
        :param columns: ``column=(sql type, values in the order of ids)``; names and types are code, never input
        """
        if not ids:
            return
        names = list(columns)
        self._execute_set_based(SQL(
            "UPDATE crm_import_1c_wizard_line line SET %s FROM unnest(%s::int4[], %s) AS src(id, %s) "
            "WHERE line.id = src.id",
            SQL(", ").join(SQL("%s = src.%s", SQL.identifier(name), SQL.identifier(name)) for name in names),
            ids,
            SQL(", ").join(SQL("%s::%s[]", columns[name][1], SQL(columns[name][0])) for name in names),
            SQL(", ").join(SQL.identifier(name) for name in names),
        ))
        self.env["crm.import.1c.wizard.line"].invalidate_model(names)

    def _prefetch_partners(self, customers):
        """Find the existing customers of a batch of ``(inn, kpp, phone, email)`` in three queries.

        :return: dicts ``{inn: partners}``, ``{e164: partner}``, ``{email: partner}``
        """
        Partner = self.env["res.partner"].with_context(active_test=False)
        company_domain = Partner._check_company_domain(self.company_id)
        inns = {inn for inn, _kpp, _phone, _email in customers if inn}
        phones = {phone for _inn, _kpp, phone, _email in customers if phone}
        emails = {email for _inn, _kpp, _phone, email in customers if email}
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

    def _match_partner(self, inn, kpp, phone, email, by_inn, by_phone, by_email):
        """Return ``(fate, partner)``: ИНН(+КПП) first, then normalised phone, then e-mail."""
        candidates = by_inn.get(inn) if inn else None
        if candidates:
            same_kpp = candidates.filtered(lambda p: p.crm_kpp == kpp) if kpp else candidates
            no_kpp = candidates.filtered(lambda p: not p.crm_kpp)
            partner = (same_kpp or no_kpp)[:1]
            if partner:
                return "match_inn", partner
            return "new", None  # another branch (КПП) of a known company
        if phone and phone in by_phone:
            return "match_phone", by_phone[phone]
        if email and email in by_email:
            return "match_email", by_email[email]
        return "new", None

    def _prepare_mapping_vals(self, analysis):
        by_column = {index: field for field, index in analysis.mapping.items()
                     if field in dict(FIELD_SELECTION)}
        return [
            {"column_index": index, "column_label": label or onec_layout.column_letter(index),
             "field": by_column.get(index, False)}
            for index, label in enumerate(analysis.columns) if label or index in by_column
        ]

    # ------------------------------------------------------------
    # BUSINESS: WRITE
    # ------------------------------------------------------------

    def _check_no_errors(self):
        """Refuse the import while any row of the preview has an error, listing the first ones."""
        Line = self.env["crm.import.1c.wizard.line"]
        domain = [("wizard_id", "=", self.id), ("fate", "=", "error")]
        errors = Line.search_fetch(domain, ["message"], limit=ERRORS_SHOWN)
        if not errors:
            return
        lines = errors.mapped("message")
        count = Line.search_count(domain)
        if count > ERRORS_SHOWN:
            lines.append(self.env._("… and %(count)s more errors.", count=count - ERRORS_SHOWN))
        raise UserError(self.env._("Nothing was imported. Fix the file and try again:\n%(errors)s",
                                   errors="\n".join(lines)))

    def _apply(self):
        """Write the preview: customers, documents and posted journal entries. Called inside a savepoint.

        Two imports of the same documents at once cannot both write them: the second one meets the first one's
        rows (unique external key, updated amounts) and fails as a whole; PostgreSQL's serialization error makes
        Odoo retry the request, which then finds the documents already there.
        """
        Document = self.env["crm.import.1c.document"]
        Document.check_access("create")
        Document.check_access("write")
        self._refresh_preview()  # the database may have changed since the preview
        created = self._create_partners()
        updated = self._complete_partners()
        actions = dict(self.env["crm.import.1c.wizard.line"]._read_group(
            [("wizard_id", "=", self.id), ("kind", "!=", "partner")], ["doc_action"], ["__count"]))
        groups = self._get_receivable_changes(created)
        self._write_documents(actions.get("create", 0), created)
        moves = self._post_entries(groups)
        self._link_documents(moves)
        return {"created": len(created), "updated": updated, "new": actions.get("create", 0),
                "changed": actions.get("update", 0), "same": actions.get("same", 0), "moves": len(moves)}

    def _get_journal(self):
        """The "1C" general journal of the company, created on first use."""
        Journal = self.env["account.journal"]
        domain = [*Journal._check_company_domain(self.company_id), ("code", "=", "1C"), ("type", "=", "general")]
        journal = Journal.search(domain, limit=1)
        return journal or Journal.create({
            "name": self.env._("1C Opening Balances"), "code": "1C", "type": "general",
            "company_id": self.company_id.id,
        })

    def _prepare_partner_vals(self, row, country):
        """Values of a new customer from its first row in the file (``name, inn, kpp, phone, email, address``)."""
        name, inn, kpp, phone, email, address = row
        return {
            "name": name,
            "is_company": True,
            "company_id": False,
            "customer_rank": 1,
            "vat": inn or False,
            "crm_kpp": kpp or False,
            "phone": phone or False,
            "email": email or False,
            "street": address or False,
            "country_id": country.id if inn else False,
        }

    def _prepare_partner_update(self, partner, row):
        """Fill what the customer card lacks; never overwrite what a user typed."""
        inn, kpp, phone, email, address = row
        candidates = {"vat": inn, "crm_kpp": kpp, "phone": phone, "email": email, "street": address}
        return {field: value for field, value in candidates.items() if value and not partner[field]}

    def _create_partners(self):
        """Create the new customers, :data:`PARTNER_BATCH` per ORM call.

        Their rows are not rewritten (50,000 row updates): the statements that need them take this mapping.

        :return: ``{partner key: new partner id}``
        """
        self.env.cr.execute(SQL(
            """
            SELECT DISTINCT ON (partner_key) partner_key, name, inn, kpp, phone, email, address
              FROM crm_import_1c_wizard_line
             WHERE wizard_id = %s AND fate = 'new'
             ORDER BY partner_key, row
            """, self.id,
        ))
        rows = self.env.cr.fetchall()
        if not rows:
            return {}
        # as Odoo's own import does by default: no field tracking, no "created" message per customer
        Partner = self.env["res.partner"].with_context(tracking_disable=True)
        country = self._get_phone_country()
        keys, partner_ids = [], []
        for batch in split_every(PARTNER_BATCH, rows, list):
            partners = Partner.create([self._prepare_partner_vals(row[1:], country) for row in batch])
            keys += [row[0] for row in batch]
            partner_ids += partners.ids
            self.env.invalidate_all()  # flushes, then frees the cache: memory stays flat
        return dict(zip(keys, partner_ids, strict=True))

    def _complete_partners(self):
        """Give matched customers what their card lacks (ИНН, КПП, phone, e-mail, address) from their first row.

        :return: number of customers updated
        """
        self.env.cr.execute(SQL(
            """
            SELECT DISTINCT ON (partner_id) partner_id, inn, kpp, phone, email, address
              FROM crm_import_1c_wizard_line
             WHERE wizard_id = %s AND fate IN ('match_inn', 'match_phone', 'match_email')
             ORDER BY partner_id, row
            """, self.id,
        ))
        updated = 0
        for batch in split_every(PARTNER_BATCH, self.env.cr.fetchall(), list):
            partners = self.env["res.partner"].browse([row[0] for row in batch])
            partners.fetch(["vat", "crm_kpp", "phone", "email", "street"])
            for partner, row in zip(partners, batch, strict=True):
                vals = self._prepare_partner_update(partner, row[1:])
                if vals:
                    partner.write(vals)
                    updated += 1
            self.env.invalidate_all()
        return updated

    def _get_receivable_changes(self, created):
        """Receivable change per customer and currency: new documents for their amount, changed ones for the
        difference with the amount imported last time (read before the documents are written).

        :param dict created: ``{partner key: id}`` of the customers just created
        :return: list of ``(partner_id, currency_id, amount, documents, due date, label)`` by customer: the due
            date is the earliest of the debts (credit notes and prepayments have none)
        """
        rows = self._execute_set_based(SQL(
            """
            SELECT line.partner_key, MIN(line.partner_id), line.currency_id,
                   SUM(line.amount - COALESCE(doc.amount, 0)), COUNT(*),
                   MIN(COALESCE(line.due_date, line.doc_date)) FILTER (WHERE line.amount > 0),
                   MIN(COALESCE(line.due_date, line.doc_date)),
                   MIN(line.document)
              FROM crm_import_1c_wizard_line line
              LEFT JOIN crm_import_1c_document doc ON doc.id = line.document_id
             WHERE line.wizard_id = %s AND line.doc_action IN ('create', 'update')
             GROUP BY line.partner_key, line.currency_id
            """, self.id,
        ))
        changes = {}  # two keys of the file (ИНН, phone) may be one customer
        for key, partner_id, currency_id, amount, count, debt_due, any_due, label in rows:
            due = debt_due or any_due
            group = (partner_id or created[key], currency_id)
            if group in changes:
                _amount, _count, _due, _label = changes[group]
                dues = [date for date in (_due, due) if date]
                changes[group] = (_amount + amount, _count + count, min(dues) if dues else None, _label)
            else:
                changes[group] = (amount, count, due, label)
        return [(*group, *change) for group, change in sorted(changes.items())]

    def _write_documents(self, expected, created):
        """Insert the new documents and set the new amount of the changed ones (two set-based statements).

        :param int expected: number of new documents of the preview
        :param dict created: ``{partner key: id}`` of the customers just created
        :raise UserError: when some were written meanwhile by another import (nothing is then written)
        """
        params = {"wizard": self.id, "company": self.company_id.id, "uid": self.env.uid,
                  "now": fields.Datetime.now(), "file": self.filename or None,
                  "keys": list(created), "partners": list(created.values())}
        inserted = self._execute_set_based(SQL(
            """
            INSERT INTO crm_import_1c_document (
                name, company_id, partner_id, external_key, kind, doc_number, doc_date, due_date, amount,
                currency_id, filename, import_date, create_uid, create_date, write_uid, write_date)
            SELECT line.document, %(company)s, COALESCE(line.partner_id, created.partner_id), line.external_key,
                   CASE WHEN line.kind = 'balance' THEN 'balance' ELSE 'document' END,
                   line.doc_number, line.doc_date, line.due_date, line.amount, line.currency_id,
                   %(file)s, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM crm_import_1c_wizard_line line
              LEFT JOIN unnest(%(keys)s::varchar[], %(partners)s::int4[]) AS created(partner_key, partner_id)
                     ON created.partner_key = line.partner_key
             WHERE line.wizard_id = %(wizard)s AND line.doc_action = 'create'
             ORDER BY line.row
            ON CONFLICT (company_id, external_key) DO NOTHING
            """, **params,
        ))
        if inserted != expected:
            raise UserError(self.env._(
                "Another import wrote some of these documents at the same time. Nothing was imported: refresh "
                "the preview and import again."))
        self._execute_set_based(SQL(
            """
            UPDATE crm_import_1c_document doc
               SET amount = line.amount, due_date = line.due_date, filename = %(file)s, import_date = %(now)s,
                   write_uid = %(uid)s, write_date = %(now)s
              FROM crm_import_1c_wizard_line line
             WHERE line.wizard_id = %(wizard)s AND line.doc_action = 'update' AND doc.id = line.document_id
            """, **params,
        ))
        self.env["crm.import.1c.document"].invalidate_model()

    def _post_entries(self, changes):
        """Create and post the opening entries: one receivable item per customer and currency.

        A new document counts for its amount, a changed one for the difference with the amount imported
        before (an adjusting item; earlier entries are kept). Each entry holds :data:`LINES_PER_MOVE` items
        and its balancing item on the company's undistributed earnings account.

        :param list changes: from :meth:`_get_receivable_changes`
        :return: the posted ``account.move`` records
        """
        # no tracking (as Odoo's own import); customer ranks raised per entry in one statement, not per customer
        Move = self.env["account.move"].with_context(tracking_disable=True, crm_defer_rank=True)
        if not changes:
            return Move
        journal = self._get_journal()
        company = self.company_id
        counter_account = company.get_unaffected_earnings_account()
        company_currency = company.currency_id
        currencies = self.env["res.currency"].browse({change[1] for change in changes})
        rates = {currency.id: currency._get_conversion_rate(currency, company_currency, company, self.date)
                 for currency in currencies}
        currencies = {currency.id: currency for currency in currencies}
        ref = self.env._("1C import: %(file)s", file=self.filename or "")
        move_ids = []
        for batch in split_every(LINES_PER_MOVE, changes, list):
            partners = self.env["res.partner"].browse([change[0] for change in batch]).with_company(company)
            receivable = {partner.id: partner.property_account_receivable_id.id for partner in partners}
            lines, total, posted = [], 0.0, set()
            for partner_id, currency_id, change, count, due_date, label in batch:
                currency = currencies[currency_id]
                amount = currency.round(change)
                if currency.is_zero(amount):
                    continue
                balance = company_currency.round(amount * rates[currency_id])
                total += balance
                posted.add(partner_id)
                lines.append(Command.create({
                    "account_id": receivable[partner_id],
                    "partner_id": partner_id,
                    "name": label if count == 1 else self.env._("Balance from 1C: %(count)s documents",
                                                                count=count),
                    "balance": balance,
                    "amount_currency": amount,
                    "currency_id": currency_id,
                    "date_maturity": due_date or self.date,
                    "analytic_distribution": False,
                }))
            if not lines:
                continue
            lines.append(Command.create({
                "account_id": counter_account.id,
                "name": self.env._("Opening receivables from 1C"),
                "balance": -total,
                "amount_currency": -total,
                "currency_id": company_currency.id,
                "analytic_distribution": False,
            }))
            move = Move.create({
                "move_type": "entry",
                "journal_id": journal.id,
                "date": self.date,
                "ref": ref,
                "company_id": company.id,
                "line_ids": lines,
            })
            move.action_post()
            self.env["res.partner"].browse(sorted(posted))._crm_increase_rank_batch()
            move_ids.append(move.id)
            self.env.invalidate_all()  # flushes, then frees the cache: memory stays flat
        return Move.browse(move_ids)

    def _link_documents(self, moves):
        """Link every new or changed document to the receivable item of its customer and currency."""
        if not moves:
            return
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT partner_id, currency_id, id FROM account_move_line
             WHERE move_id = ANY(%s) AND partner_id IS NOT NULL
            """, moves.ids,
        ))
        items = {(partner_id, currency_id): line_id for partner_id, currency_id, line_id in self.env.cr.fetchall()}
        documents = self._execute_set_based(SQL(
            """
            SELECT doc.id, doc.partner_id, doc.currency_id
              FROM crm_import_1c_wizard_line line
              JOIN crm_import_1c_document doc
                ON doc.company_id = %s AND doc.external_key = line.external_key
             WHERE line.wizard_id = %s AND line.doc_action IN ('create', 'update')
            """, self.company_id.id, self.id,
        ))
        pairs = [(doc_id, items[partner_id, currency_id]) for doc_id, partner_id, currency_id in documents
                 if (partner_id, currency_id) in items]
        self.env.cr.execute(SQL(
            """
            INSERT INTO crm_import_1c_document_move_line_rel (document_id, line_id)
            SELECT * FROM unnest(%s::int4[], %s::int4[])
            ON CONFLICT DO NOTHING
            """, [pair[0] for pair in pairs], [pair[1] for pair in pairs],
        ))
        self.env["crm.import.1c.document"].invalidate_model(["move_line_ids"])


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

    Written by the preview with set-based SQL (:meth:`CrmImport1cWizard._insert_lines`) and read back by the
    import: the file is parsed once.
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
    fate = fields.Selection(FATE_SELECTION, required=True)
    partner_id = fields.Many2one("res.partner", string="Matched Customer")
    kind = fields.Selection(
        [("partner", "Customer"), ("document", "Document"), ("balance", "Customer balance")],
        required=True, default="document",
    )
    document = fields.Char()
    doc_number = fields.Char(string="Document Number")
    doc_date = fields.Date(string="Document Date")
    due_date = fields.Date()
    amount = fields.Float()
    currency_id = fields.Many2one("res.currency")
    external_key = fields.Char()
    document_id = fields.Many2one("crm.import.1c.document", string="Imported Document",
                                  help="The document imported before under the same external key.")
    doc_action = fields.Selection(DOCUMENT_SELECTION, string="Receivable")
    message = fields.Char()
