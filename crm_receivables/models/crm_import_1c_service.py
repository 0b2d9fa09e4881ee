import base64
import collections
import json

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import split_every

from ..tools import onec_identity, onec_layout, onec_reader
from ..tools import phone as phone_tools
from ..tools.onec_values import OnecError
from ..tools.sql_array import array_literal

#: File rows parsed, checked and stored in the preview table together: memory holds one batch, never the file.
STAGE_BATCH = 2000
#: Customers created (or completed) by one ORM call; the cache is emptied between batches.
PARTNER_BATCH = 500
#: Receivable items (one per document) per journal entry.
LINES_PER_MOVE = 1000
#: Errors listed in the message that refuses an import.
ERRORS_SHOWN = 10
MAX_SIZE_PARAM = "crm_receivables.import_1c_max_size_mb"
#: Columns of the preview table written by the preview, in the order of the ``unnest`` arrays.
STAGE_FIELDS = (
    "row", "name", "inn", "kpp", "phone", "phone_e164", "email", "address", "kind", "document", "doc_number",
    "doc_date", "due_date", "amount", "currency_id", "doc_key", "partner_key", "name_key", "fate", "message",
    "partner_id", "document_id", "doc_action", "change", "doc_amount",
)
STAGE_TYPES = {
    "row": "int4", "doc_date": "date", "due_date": "date", "amount": "float8", "currency_id": "int4",
    "partner_id": "int4", "document_id": "int4", "change": "float8", "doc_amount": "float8",
}
#: Fates of a row whose customer exists already (the import completes the card, never overwrites it).
MATCHED_FATES = ("match_inn_kpp", "match_inn", "match_phone", "match_email", "match_alias", "match_name")
#: Stored fields of ``account.move.line`` that :meth:`CrmImport1cService._insert_items` writes (or leaves empty,
#: as the ORM would for an entry's receivable item): never recomputed after the insert.
ITEM_COLUMNS = frozenset((
    "move_id", "journal_id", "company_id", "company_currency_id", "sequence", "move_name", "parent_state", "ref",
    "display_type", "date", "quantity", "price_unit", "discount", "tax_tag_invert", "reconciled", "account_id",
    "partner_id", "name", "balance", "debit", "credit", "amount_currency", "amount_residual",
    "amount_residual_currency", "price_subtotal", "price_total", "currency_id", "date_maturity",
    "payment_id", "statement_id", "statement_line_id", "tax_group_id", "tax_ids", "tax_line_id", "product_id",
    "product_uom_id", "invoice_date", "analytic_distribution", "discount_date", "discount_amount_currency",
    "discount_balance", "tax_base_amount", "matching_number", "full_reconcile_id", "reconcile_model_id",
    "group_tax_id", "tax_repartition_line_id", "is_imported", "is_downpayment",
))
#: Actions that post a receivable item for the document.
POSTING_ACTIONS = ("create", "update", "settle")


class CrmImport1cService(models.AbstractModel):
    """The 1C import without its user interface: analyse a file, decide every row, write.

    The import session is a ``crm.import.1c.wizard`` record: the file, the options and the preview table
    (``crm.import.1c.wizard.line``) that the analysis fills and the writing reads. The wizard only uploads,
    shows the preview and confirms; a scheduled import or a test calls :meth:`import_file`, or
    :meth:`preview` then :meth:`apply`.

    Decisions:

    - **Customer**: ИНН+КПП, then ИНН, then phone, then e-mail, then the normalised name
      (:mod:`..tools.onec_identity`); a partner whose ИНН differs is never taken. A match by name alone needs
      the session's ``confirm_name_matches``. Within the file, one customer per ИНН+КПП (else e-mail, phone,
      normalised name): no file, rerun or mix of layouts creates a customer twice.
    - **Document**: identified by (customer, normalised number, date) — not by the report that brings it. Each
      document is its own receivable item (label: the document, due date: its own), later changes post the
      difference as an adjusting item of that document.
    - **Customer balance** (trial balance row without documents, reconciliation act): compared with what the
      customer's documents already hold; only the difference is posted, on the customer's balance document.
    - **Snapshot** (``settle_missing``, default for the settlements layout): an open document of a customer of
      the file that the file no longer lists, or lists lower, was paid in 1C: a "settled in 1C" credit item is
      posted and reconciled with the document's items.

    Writes are set-based: the preview table is filled with one ``INSERT … unnest`` per batch, documents are
    inserted and updated with one statement each, items are posted 1,000 per entry: the ORM posts the entry with
    its balancing item, the items are inserted with one statement, already posted (see
    :meth:`_can_post_before_items`). The query count does not grow with the rows or the customers.
    """

    _name = "crm.import.1c.service"
    _description = "Import from 1C: Service"

    # ------------------------------------------------------------
    # PUBLIC API
    # ------------------------------------------------------------

    @api.model
    def import_file(self, content, filename=None, **options):
        """Analyse and import a 1C file in one call (no user interface).

        :param bytes content: the .xls/.xlsx file
        :param str filename: its name, kept on the documents
        :param options: session values: ``company_id``, ``date``, ``sheet_name``, ``layout``,
            ``settle_missing`` (default: on for the settlements layout), ``confirm_name_matches``
        :return: the ``crm.import.1c.wizard`` session, ``state`` ``done`` and its ``result_message``
        :raise UserError: for an unreadable file, a row with an error or an unconfirmed name match
        """
        settle_missing = options.pop("settle_missing", None)
        session = self.env["crm.import.1c.wizard"].create({
            "file": base64.b64encode(content), "filename": filename, **options,
        })
        self.preview(session)
        if settle_missing is not None and settle_missing != session.settle_missing:
            session.settle_missing = settle_missing
            self.preview(session, use_mapping=True)
        self.apply(session)
        return session

    @api.model
    def preview(self, session, use_mapping=False):
        """Read the file, detect layout and mapping, and store every row with what the import will do.

        :param session: the ``crm.import.1c.wizard`` record
        :param bool use_mapping: apply the session's (edited) mapping and layout instead of detecting them
        :return: number of rows of the file
        :raise UserError: for a problem with the whole file
        """
        workbook, analysis = self._open_file(session, use_mapping=use_mapping)
        try:
            self._clear_preview(session)
            vals = {
                "state": "preview",
                "sheet_name": analysis.sheet,
                "layout": analysis.layout,
                "header_row": analysis.header_row,
                "confidence": analysis.confidence,
                "mapping_ids": [Command.create(vals) for vals in self._prepare_mapping_vals(analysis)],
            }
            if not use_mapping:  # first look at the file: a settlements export is a full snapshot by default
                vals["settle_missing"] = analysis.layout == "settlements"
            session.write(vals)
            count = self._stage(session, analysis)
        finally:
            workbook.close()
        if not count:
            raise UserError(self.env._("Sheet “%(sheet)s” has a header on row %(row)s but no data below it.",
                                       sheet=analysis.sheet, row=analysis.header_row))
        self._stage_settlements(session)
        session.preview_signature = self.get_signature(session)
        return count

    @api.model
    def apply(self, session):
        """Write the preview: customers, documents, one receivable item per document, settlements.

        Everything or nothing (one savepoint). The rows are decided again against the database first.

        :param session: a ``crm.import.1c.wizard`` record in the ``preview`` state
        :return: dict of counters (``created, updated, new, changed, same, settled, moves``)
        :raise UserError: while a row has an error, or a match by name is not confirmed
        """
        self._check_no_errors(session)
        with self.env.cr.savepoint():
            result = self._apply(session)
        session.write({
            "state": "done",
            "result_message": self.env._(
                "Customers created: %(created)s, updated: %(updated)s. Documents: %(new)s new, %(changed)s "
                "updated, %(same)s unchanged, %(settled)s paid in 1C. Journal entries posted: %(moves)s.",
                **result,
            ),
        })
        return result

    @api.model
    def get_signature(self, session):
        """What the preview depends on besides the file: sheet, layout, column mapping and the snapshot option."""
        return json.dumps([session.sheet_name or "", session.layout or "",
                           sorted(self._get_manual_mapping(session).items()), bool(session.settle_missing)])

    # ------------------------------------------------------------
    # READ
    # ------------------------------------------------------------

    def _get_max_size(self):
        """Largest accepted file in bytes (system parameter ``crm_receivables.import_1c_max_size_mb``)."""
        value = self.env["ir.config_parameter"].sudo().get_param(MAX_SIZE_PARAM)
        try:
            megabytes = float(value) if value else onec_reader.MAX_FILE_SIZE / 1048576
        except ValueError:
            megabytes = onec_reader.MAX_FILE_SIZE / 1048576
        return int(megabytes * 1048576)

    def _get_manual_mapping(self, session):
        return {line.field: line.column_index for line in session.mapping_ids if line.field}

    def _open_file(self, session, use_mapping=False):
        """Open the uploaded file and analyse its sheet (the rows are streamed later).

        :return: ``(workbook, analysis)``; the caller closes the workbook
        :raise UserError: for any problem with the whole file (translated, naming sheet/row/column)
        """
        if not session.file:
            raise UserError(self.env._("Choose a file exported from 1C (.xls or .xlsx)."))
        content = base64.b64decode(session.file)
        workbook = None
        try:
            workbook = onec_reader.open_workbook(content, max_size=self._get_max_size())
            session.sheet_names = ", ".join(workbook.sheet_names)
            analysis = self._parse_workbook(session, workbook, use_mapping=use_mapping)
        except OnecError as error:
            if workbook is not None:
                workbook.close()
            raise UserError(self._onec_error_message(error)) from error
        return workbook, analysis

    def _parse_workbook(self, session, workbook, use_mapping=False):
        """Analyse the sheet: detect header and mapping, or use the session's (``use_mapping``, or a header row
        the user picked: ``manual_header_row``). Overridden to apply a saved mapping (``crm.import.1c.mapping``).

        :return: :class:`..tools.onec_layout.Analysis`
        :raise OnecError: for a problem with the whole file
        """
        header_row = session.manual_header_row - 1 if session.manual_header_row else None
        manual = use_mapping or header_row is not None
        mapping = self._get_manual_mapping(session) if manual else None
        return onec_layout.parse(
            workbook, sheet=session.sheet_name or None, mapping=mapping or None,
            layout=(session.layout or None) if manual else None, header_row=header_row,
        )

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
            "check_total": lambda: _(
                "Sheet “%(sheet)s”, row %(row)s: the total “%(label)s” is %(expected)s but the rows imported from "
                "the file (rows %(first_row)s–%(last_row)s) add up to %(computed)s. Check the header row and the "
                "column mapping.", **params),
            "check_subtotal": lambda: _(
                "Sheet “%(sheet)s”, row %(row)s: the subtotal of “%(label)s” is %(expected)s but its rows "
                "%(first_row)s–%(last_row)s add up to %(computed)s. Check the header row and the column mapping.",
                **params),
            "unpacked_too_large": lambda: _(
                "The file unpacks to more than %(limit_mb)s MB: it is not a normal 1C export. Save the report "
                "from 1C again.", **params),
            "too_many_parts": lambda: _(
                "The file holds more than %(limit)s parts: it is not a normal 1C export.", **params),
            "too_many_strings": lambda: _(
                "The file holds more than %(limit)s different texts. Export a shorter period or split the file.",
                **params),
            "too_many_columns": lambda: _(
                "Sheet “%(sheet)s”: cell “%(reference)s” lies beyond the last column a sheet can have "
                "(%(limit)s). The file is damaged: save it from 1C again.", **params),
            "too_many_rows": lambda: _(
                "Sheet “%(sheet)s”: row %(row)s is beyond the %(limit)s rows a sheet can have. The file is "
                "damaged: save it from 1C again.", **params),
            "too_many_empty_rows": lambda: _(
                "Sheet “%(sheet)s”: more than %(limit)s empty rows in a row before row %(row)s. Delete the empty "
                "rows or export the report again.", **params),
            "xml_entities": lambda: _(
                "The file contains XML entity declarations, which Excel and 1C never write: it is refused for "
                "safety.", **params),
        }
        if error.key in messages:
            return messages[error.key]()
        return _("Sheet “%(sheet)s”, row %(row)s: %(key)s.", key=error.key, **params)

    def _prepare_mapping_vals(self, analysis):
        from ..wizard.crm_import_1c_wizard import FIELD_SELECTION  # noqa: PLC0415 (the wizard imports this module)

        by_column = {index: field for field, index in analysis.mapping.items()
                     if field in dict(FIELD_SELECTION)}
        return [
            {"column_index": index, "column_label": label or onec_layout.column_letter(index),
             "field": by_column.get(index, False)}
            for index, label in enumerate(analysis.columns) if label or index in by_column
        ]

    # ------------------------------------------------------------
    # PREVIEW (writes only the preview table)
    # ------------------------------------------------------------

    def _clear_preview(self, session):
        """Empty the preview table of this session (one ``DELETE``, not one ``unlink`` per row)."""
        self.env.cr.execute(SQL("DELETE FROM crm_import_1c_wizard_line WHERE wizard_id = %s", session.id))
        self.env["crm.import.1c.wizard.line"].invalidate_model()
        session.invalidate_recordset(["line_ids"])
        session.mapping_ids.unlink()

    def _get_inn_country(self):
        """Country of a new customer that has an ИНН (a Russian tax number): Russia."""
        return self.env.ref("base.ru")

    def _partner_key(self, record, phone, name_key):
        """Identity of the customer of a row within the file: ИНН+КПП, else e-mail, phone, normalised name."""
        if record.inn:
            return f"inn|{record.inn}|{record.kpp}"
        if record.email:
            return f"email|{record.email.lower()}"
        if phone:
            return f"phone|{phone}"
        return f"name|{name_key}"

    def _stage(self, session, analysis):
        """Parse and check every row of the file into the preview table, :data:`STAGE_BATCH` rows at a time.

        :return: number of rows stored
        :raise UserError: when the file turns out unreadable further down
        """
        cache = self._get_decision_cache(session)
        count = 0
        try:
            for batch in split_every(STAGE_BATCH, analysis.records, list):
                vals_list = [self._prepare_line_vals(session, record, analysis, cache) for record in batch]
                self._decide(session, vals_list, cache)
                self._insert_lines(session, vals_list)
                count += len(batch)
        except OnecError as error:
            raise UserError(self._onec_error_message(error)) from error
        return count

    def _get_decision_cache(self, session):
        """What the preview and the import keep between batches: customers already decided, phones already
        normalised, currencies (name → id, rounding), the index of customer names (read once, when needed)."""
        Currency = self.env["res.currency"].with_context(active_test=False)
        currencies = Currency.search_fetch([], ["name", "rounding"])
        return {
            "phone_region": session.company_id._crm_phone_region(),
            "phones": {},
            "currencies": {currency.name: currency.id for currency in currencies},
            "rounding": {currency.id: currency.rounding for currency in currencies},
            "customers": {},
            "names": None,
            "snapshot": bool(session.settle_missing),
            "company_currency": session.company_id.currency_id.id,
        }

    def _prepare_line_vals(self, session, record, analysis, cache):
        """Values of the preview row of a record: what the file says, normalised, and its error if any."""
        phone = cache["phones"].get(record.phone)
        if phone is None:
            phone = cache["phones"][record.phone] = phone_tools.normalize(record.phone, cache["phone_region"]) or ""
        error = record.error
        # a customer balance without a currency column: the currency of its documents, decided with them
        currency_id = None if record.kind == "balance" else session.company_id.currency_id.id
        if record.currency:
            currency_id = cache["currencies"].get(record.currency)
            if not currency_id:
                currency_id = session.company_id.currency_id.id
                error = error or OnecError("bad_currency", analysis.sheet, record.row,
                                           onec_layout.column_label(analysis, "currency"), value=record.currency)
        is_document = record.kind != "partner"
        label = False
        if is_document:
            label = record.doc_label or record.doc_number or self.env._("Balance of %(name)s", name=record.name)
        form, words = onec_identity.name_identity(record.name)
        name_key = f"{form}|{words}" if words else ""
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
            "doc_key": (onec_identity.document_key(record.kind, record.doc_number, record.doc_date, label)
                        if is_document else None),
            "partner_key": self._partner_key(record, phone, name_key or (record.name or "").lower()),
            "name_key": name_key or None,
            "fate": "error" if error else "new",
            "message": self._onec_error_message(error) if error else None,
            "partner_id": None,
            "document_id": None,
            "doc_action": "none",
            "change": 0.0,
            "doc_amount": None,
        }

    def _insert_lines(self, session, vals_list):
        """Store preview rows with one ``INSERT … SELECT FROM unnest(arrays)`` (no ORM record per row)."""
        now = fields.Datetime.now()
        self.env.cr.execute(SQL(
            """
            INSERT INTO crm_import_1c_wizard_line (wizard_id, create_uid, create_date, write_uid, write_date, %s)
            SELECT %s, %s, %s, %s, %s, staged.* FROM unnest(%s) AS staged
            """,
            SQL(", ").join(SQL.identifier(name) for name in STAGE_FIELDS),
            session.id, self.env.uid, now, self.env.uid, now,
            SQL(", ").join(
                SQL("%s::%s[]", array_literal(vals[name] for vals in vals_list),
                    SQL(STAGE_TYPES.get(name, "varchar")))
                for name in STAGE_FIELDS
            ),
        ))

    def _decide(self, session, rows, cache):
        """Set the customer and the document action of a batch of preview rows (dicts), in a few queries.

        The customer is decided once per customer of the file (its first row), prefetched for the whole batch
        (ИНН, phone, e-mail: three queries; names: one query per session). Documents already imported are read
        by (customer, document key) in one query, the customers' other documents for balance rows in one more.
        Rows with an error keep the fate ``error``.

        :param list rows: dicts with the :data:`STAGE_FIELDS` of the decision; ``fate, partner_id,
            document_id, doc_action, change, doc_amount`` are set
        :param dict cache: from :meth:`_get_decision_cache`, kept across batches
        """
        customers = cache["customers"]
        new = {}
        for row in rows:
            if row["partner_key"] not in customers:
                new.setdefault(row["partner_key"], (row["inn"], row["kpp"], row["phone_e164"], row["email"],
                                                    row["name"], row["name_key"]))
        if new:
            found = self._prefetch_partners(list(new.values()), session, cache)
            for key, identity in new.items():
                fate, partner_id = self._match_partner(*identity, *found)
                customers[key] = (fate, partner_id)
        for row in rows:
            fate, row["partner_id"] = customers[row["partner_key"]]
            if row["fate"] != "error":
                row["fate"] = fate
        documents, others = self._prefetch_documents(session, rows)
        for row in rows:
            self._decide_document(row, documents, others, cache)

    def _decide_document(self, row, documents, others, cache):
        """The action, the amount to post (``change``) and the new document amount of one row."""
        row["document_id"], row["change"], row["doc_amount"] = None, 0.0, None
        if row["kind"] == "partner" or row["amount"] is None:
            row["doc_action"] = "none"
            return
        if row["kind"] == "balance" and not row["currency_id"]:
            currencies = list(others.get(row["partner_id"], {}))
            row["currency_id"] = currencies[0] if len(currencies) == 1 else cache["company_currency"]
        rounding = cache["rounding"][row["currency_id"]]
        document_id, previous = documents.get((row["partner_id"], row["doc_key"]), (None, None))
        row["document_id"] = document_id
        amount = row["amount"]
        if row["kind"] == "balance":
            # the customer's documents already say part of the balance: only the difference is posted
            known = others.get(row["partner_id"], {}).get(row["currency_id"], 0.0)
            total = known + (previous or 0.0)
            row["change"] = amount - total
            row["doc_amount"] = amount - known
            if abs(row["change"]) * 2 < rounding:
                row["doc_action"] = "same" if document_id or known else "none"
                row["change"] = 0.0
            else:
                row["doc_action"] = "update" if document_id else "create"
            return
        row["doc_action"] = onec_layout.document_action(row["kind"], amount, previous, rounding)
        row["doc_amount"] = amount
        if row["doc_action"] in ("create", "update"):
            row["change"] = amount - (previous or 0.0)
        if row["doc_action"] == "update" and cache["snapshot"] and abs(amount) < abs(previous) \
                and amount * previous >= 0:
            row["doc_action"] = "settle"  # lower in a full snapshot: paid in 1C

    def _prefetch_documents(self, session, rows):
        """Documents already imported for the rows of a batch, and what the customers' documents hold.

        :return: ``({(partner_id, doc_key): (id, amount)}, {partner_id: {currency_id: sum of documents}})``
        """
        pairs = {(row["partner_id"], row["doc_key"]) for row in rows if row["partner_id"] and row["doc_key"]}
        documents = {}
        if pairs:
            keys = [f"{partner_id}|{doc_key}" for partner_id, doc_key in pairs]
            domain = [("company_id", "=", session.company_id.id), ("external_key", "in", keys)]
            for document in self.env["crm.import.1c.document"].search_fetch(
                domain, ["partner_id", "doc_key", "amount"],
            ):
                documents[document.partner_id.id, document.doc_key] = (document.id, document.amount)
        partners = {row["partner_id"] for row in rows if row["partner_id"] and row["kind"] == "balance"}
        others = {}
        if partners:
            groups = self.env["crm.import.1c.document"]._read_group(
                [("company_id", "=", session.company_id.id), ("partner_id", "in", list(partners)),
                 ("kind", "=", "document")],
                ["partner_id", "currency_id"], ["amount:sum"],
            )
            for partner, currency, amount in groups:
                others.setdefault(partner.id, {})[currency.id] = amount
        return documents, others

    def _stage_settlements(self, session):
        """In a snapshot file, add a "paid in 1C" preview row for every open document of its customers that
        the file no longer lists (one set-based statement).

        :return: number of rows added
        """
        self._execute_set_based(SQL(
            "DELETE FROM crm_import_1c_wizard_line WHERE wizard_id = %s AND row = 0", session.id,
        ))
        if not session.settle_missing:
            return 0
        now = fields.Datetime.now()
        return self._execute_set_based(SQL(
            """
            WITH customers AS (
                SELECT partner_id, MIN(fate) AS fate, MIN(partner_key) AS partner_key
                  FROM crm_import_1c_wizard_line
                 WHERE wizard_id = %(session)s AND partner_id IS NOT NULL AND fate != 'error'
                   AND kind != 'partner'
                 GROUP BY partner_id
            )
            INSERT INTO crm_import_1c_wizard_line (
                wizard_id, create_uid, create_date, write_uid, write_date, row, name, inn, kpp, kind, document,
                doc_number, doc_date, due_date, amount, currency_id, doc_key, partner_key, fate, partner_id,
                document_id, doc_action, change, doc_amount)
            SELECT %(session)s, %(uid)s, %(now)s, %(uid)s, %(now)s, 0, partner.name, partner.vat, partner.crm_kpp,
                   doc.kind, doc.name, doc.doc_number, doc.doc_date, doc.due_date, 0.0, doc.currency_id,
                   doc.doc_key, customers.partner_key, customers.fate, doc.partner_id, doc.id, 'settle',
                   -doc.amount, 0.0
              FROM crm_import_1c_document doc
              JOIN customers ON customers.partner_id = doc.partner_id
              JOIN res_partner partner ON partner.id = doc.partner_id
             WHERE doc.company_id = %(company)s AND doc.amount != 0
               AND NOT EXISTS (SELECT 1 FROM crm_import_1c_wizard_line line
                                WHERE line.wizard_id = %(session)s AND line.document_id = doc.id)
            """,
            session=session.id, company=session.company_id.id, uid=self.env.uid, now=now,
        ))

    def _refresh_preview(self, session):
        """Decide every row again against the database now (another user may have created a customer or
        imported a document since the preview), :data:`STAGE_BATCH` rows at a time; rewrite only the rows
        whose decision changed, and list the documents paid in 1C again.

        :return: number of rows changed
        """
        self.env.flush_all()
        self._execute_set_based(SQL(
            "DELETE FROM crm_import_1c_wizard_line WHERE wizard_id = %s AND row = 0", session.id,
        ))
        cache, changed, last_id = self._get_decision_cache(session), 0, 0
        fields_ = ("fate", "partner_id", "document_id", "doc_action", "change", "doc_amount")
        while True:
            self.env.cr.execute(SQL(
                """
                SELECT id, partner_key, inn, kpp, phone_e164, email, name, name_key, kind, amount, currency_id,
                       doc_key,
                       fate, partner_id, document_id, doc_action, change, doc_amount
                  FROM crm_import_1c_wizard_line
                 WHERE wizard_id = %s AND fate != 'error' AND id > %s
                 ORDER BY id
                 LIMIT %s
                """, session.id, last_id, STAGE_BATCH,
            ))
            rows = self.env.cr.dictfetchall()
            if not rows:
                break
            last_id = rows[-1]["id"]
            before = [tuple(row[name] for name in fields_) for row in rows]
            self._decide(session, rows, cache)
            rows = [row for row, old in zip(rows, before, strict=True)
                    if tuple(row[name] for name in fields_) != old]
            self._update_lines(
                [row["id"] for row in rows],
                **{name: (STAGE_TYPES.get(name, "varchar"), [row[name] for row in rows]) for name in fields_},
            )
            changed += len(rows)
        changed += self._stage_settlements(session)
        return changed

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
            array_literal(ids),
            SQL(", ").join(SQL("%s::%s[]", array_literal(columns[name][1]), SQL(columns[name][0]))
                           for name in names),
            SQL(", ").join(SQL.identifier(name) for name in names),
        ))
        self.env["crm.import.1c.wizard.line"].invalidate_model(names)

    def _prefetch_partners(self, customers, session, cache):
        """Find the existing customers of a batch of ``(inn, kpp, phone, email, name, name key)`` in a few
        queries.

        :return: ``{inn: [(id, kpp)]}``, ``{e164: (id, inn)}``, ``{email: (id, inn)}``, ``{name key: (id, inn)}``
            (names confirmed before), ``{name words: [(form, id, inn)]}``
        """
        Partner = self.env["res.partner"].with_context(active_test=False)
        company_domain = Partner._check_company_domain(session.company_id)
        inns = {customer[0] for customer in customers if customer[0]}
        phones = {customer[2] for customer in customers if customer[2]}
        emails = {customer[3].lower() for customer in customers if customer[3]}
        by_inn = collections.defaultdict(list)
        if inns:
            for partner in Partner.search_fetch(
                [*company_domain, ("vat", "in", list(inns)), ("parent_id", "=", False)], ["vat", "crm_kpp"],
                order="id",
            ):
                by_inn[partner.vat].append((partner.id, partner.crm_kpp or ""))
        by_phone = {}
        if phones:
            for partner in Partner.search_fetch([*company_domain, ("phone_sanitized", "in", list(phones))],
                                                ["phone_sanitized", "commercial_partner_id"], order="id"):
                commercial = partner.commercial_partner_id
                by_phone.setdefault(partner.phone_sanitized, (commercial.id, commercial.vat or ""))
        by_email = {}
        if emails:
            for partner in Partner.search_fetch([*company_domain, ("email_normalized", "in", list(emails))],
                                                ["email_normalized", "commercial_partner_id"], order="id"):
                commercial = partner.commercial_partner_id
                by_email.setdefault(partner.email_normalized, (commercial.id, commercial.vat or ""))
        name_keys = [customer[5] for customer in customers if customer[5]]
        by_alias = {}
        if name_keys:
            self.env.cr.execute(SQL(
                """
                SELECT alias.name_key, alias.partner_id, COALESCE(partner.vat, '')
                  FROM crm_import_1c_alias alias
                  JOIN res_partner partner ON partner.id = alias.partner_id
                 WHERE alias.company_id = %s AND alias.name_key = ANY(%s)
                """, session.company_id.id, name_keys,
            ))
            by_alias = {name_key: (partner_id, vat) for name_key, partner_id, vat in self.env.cr.fetchall()}
        if cache["names"] is None:
            cache["names"] = self._get_name_index(session)
        return by_inn, by_phone, by_email, by_alias, cache["names"]

    def _get_name_index(self, session):
        """Every customer company of the session's company by its normalised name (one query, read once).

        :return: ``{name words: [(form family, partner id, inn)]}``
        """
        self.env["res.partner"].flush_model(["name", "vat", "parent_id", "active", "company_id"])
        self.env.cr.execute(SQL(
            """
            SELECT id, name, COALESCE(vat, '') FROM res_partner
             WHERE parent_id IS NULL AND active AND name IS NOT NULL
               AND (company_id IS NULL OR company_id = %s)
             ORDER BY id
            """, session.company_id.id,
        ))
        index = collections.defaultdict(list)
        for partner_id, name, vat in self.env.cr.fetchall():
            form, words = onec_identity.name_identity(name)
            if words:
                index[words].append((form, partner_id, vat))
        return index

    def _match_partner(self, inn, kpp, phone, email, name, name_key, by_inn, by_phone, by_email, by_alias,
                       by_name):
        """Return ``(fate, partner id)``: ИНН+КПП, ИНН, phone, e-mail, a 1C name confirmed before, then the
        normalised name (to confirm).

        A partner with another ИНН is never taken by phone, e-mail or name.
        """
        candidates = by_inn.get(inn) if inn else None
        if candidates:
            if kpp:
                for partner_id, partner_kpp in candidates:
                    if partner_kpp == kpp:
                        return "match_inn_kpp", partner_id
            for partner_id, partner_kpp in candidates:
                if not partner_kpp or not kpp:
                    return "match_inn", partner_id
            return "new", None  # another branch (КПП) of a known company
        for fate, found in (("match_phone", by_phone.get(phone) if phone else None),
                            ("match_email", by_email.get(email.lower()) if email else None),
                            # a 1C name known before, for a row without ИНН (else the card gets an ИНН: confirm)
                            ("match_alias", by_alias.get(name_key) if name_key and not inn else None)):
            if found and not onec_identity.names_conflict(inn, found[1]):
                return fate, found[0]
        form, words = onec_identity.name_identity(name)
        for partner_form, partner_id, partner_inn in by_name.get(words, ()) if words else ():
            if (not form or not partner_form or form == partner_form) \
                    and not onec_identity.names_conflict(inn, partner_inn):
                return "match_name", partner_id
        return "new", None

    # ------------------------------------------------------------
    # WRITE
    # ------------------------------------------------------------

    def _check_no_errors(self, session):
        """Refuse the import while any row of the preview has an error, listing the first ones."""
        Line = self.env["crm.import.1c.wizard.line"]
        domain = [("wizard_id", "=", session.id), ("fate", "=", "error")]
        errors = Line.search_fetch(domain, ["message"], limit=ERRORS_SHOWN)
        if not errors:
            return
        lines = errors.mapped("message")
        count = Line.search_count(domain)
        if count > ERRORS_SHOWN:
            lines.append(self.env._("… and %(count)s more errors.", count=count - ERRORS_SHOWN))
        raise UserError(self.env._("Nothing was imported. Fix the file and try again:\n%(errors)s",
                                   errors="\n".join(lines)))

    def _check_name_matches(self, session):
        """Refuse the import while customers matched by their name alone are not confirmed."""
        if session.confirm_name_matches:
            return
        Line = self.env["crm.import.1c.wizard.line"]
        domain = [("wizard_id", "=", session.id), ("fate", "=", "match_name")]
        lines = Line.search_fetch(domain, ["row", "name", "partner_id"], limit=ERRORS_SHOWN)
        if not lines:
            return
        raise UserError(self.env._(
            "Nothing was imported. Some customers were recognised by their name alone (no INN, phone or e-mail "
            "matched): check them in the preview, then tick “Confirm name matches” and import again:\n%(rows)s",
            rows="\n".join(self.env._("Row %(row)s: “%(name)s” is “%(partner)s”", row=line.row, name=line.name,
                                      partner=line.partner_id.display_name) for line in lines),
        ))

    def _apply(self, session):
        """Write the preview: customers, documents and posted journal entries. Called inside a savepoint.

        Two imports of the same documents at once cannot both write them: the second one meets the first one's
        rows (unique external key, updated amounts) and fails as a whole; PostgreSQL's serialization error makes
        Odoo retry the request, which then finds the documents already there.
        """
        Document = self.env["crm.import.1c.document"]
        Document.check_access("create")
        Document.check_access("write")
        self.env["crm.import.1c.alias"].check_access("create")
        self._refresh_preview(session)  # the database may have changed since the preview
        self._check_name_matches(session)
        created = self._create_partners(session)
        updated = self._complete_partners(session)
        actions = dict(self.env["crm.import.1c.wizard.line"]._read_group(
            [("wizard_id", "=", session.id), ("kind", "!=", "partner")], ["doc_action"], ["__count"]))
        self._write_aliases(session, created)
        self._write_documents(session, actions.get("create", 0), created)
        items = self._get_items(session, created)
        moves, pairs = self._post_items(session, items)
        self._link_documents(pairs)
        self._reconcile_settled(session, items)
        return {"created": len(created), "updated": updated, "new": actions.get("create", 0),
                "changed": actions.get("update", 0), "same": actions.get("same", 0),
                "settled": actions.get("settle", 0), "moves": len(moves)}

    def _get_journal(self, session):
        """The "1C" general journal of the company, created on first use."""
        Journal = self.env["account.journal"]
        domain = [*Journal._check_company_domain(session.company_id), ("code", "=", "1C"),
                  ("type", "=", "general")]
        journal = Journal.search(domain, limit=1)
        return journal or Journal.create({
            "name": self.env._("1C Opening Balances"), "code": "1C", "type": "general",
            "company_id": session.company_id.id,
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

    def _create_partners(self, session):
        """Create the new customers, :data:`PARTNER_BATCH` per ORM call.

        Their rows are not rewritten (50,000 row updates): the statements that need them take this mapping.

        :return: ``{partner key: new partner id}``
        """
        self.env.cr.execute(SQL(
            """
            SELECT DISTINCT ON (partner_key) partner_key, name, inn, kpp, phone, email, address, phone_e164
              FROM crm_import_1c_wizard_line
             WHERE wizard_id = %s AND fate = 'new'
             ORDER BY partner_key, row
            """, session.id,
        ))
        rows = self.env.cr.fetchall()
        if not rows:
            return {}
        # as Odoo's own import does by default: no field tracking, no "created" message per customer
        Partner = self.env["res.partner"].with_context(tracking_disable=True)
        country = self._get_inn_country()
        keys, partner_ids, defaults = [], [], None
        for batch in split_every(PARTNER_BATCH, rows, list):
            vals_list, sanitized = [], []
            for index, row in enumerate(batch):
                vals = self._prepare_partner_vals(row[1:7], country)
                if row[7] and vals.get("phone") == row[7] and not vals.get("mobile"):
                    # the phone is already E.164 (checked valid by the same phonenumbers library in the
                    # preview): that is what phone_validation computes, without parsing it twice again
                    vals["phone_sanitized"] = row[7]
                    sanitized.append(index)
                vals_list.append(vals)
            if defaults is None:
                defaults = self._get_partner_defaults(Partner, vals_list[0])
            partners = Partner.create([{**defaults, **vals} for vals in vals_list])
            # written by the create with the values above; a read-only computed field is not protected by
            # create, and its dependencies computed at the flush (commercial entity) would mark it again
            field = Partner._fields["phone_sanitized"]
            given = partners.browse([partners.ids[index] for index in sanitized])
            self.env.remove_to_compute(field, given)
            with self.env.protecting([field], given):
                self.env.flush_all()
            keys += [row[0] for row in batch]
            partner_ids += partners.ids
            self.env.invalidate_all()  # flushes, then frees the cache: memory stays flat
        return dict(zip(keys, partner_ids, strict=True))

    def _get_partner_defaults(self, Partner, vals):
        """The default values of a new customer, evaluated once for the whole import.

        ``create`` would evaluate every default of ``res.partner`` once per customer (one of them, account's
        "several invoice reports", runs a query each time); the defaults depend on the context, never on the
        record, so the values Odoo computes for the first customer are those of every other one.

        :param Partner: the ``res.partner`` model in the context of the creation
        :param dict vals: the values of the first customer; the other customers have the same keys
        :return: dict of the default values of the fields ``vals`` leaves out
        """
        complete = Partner._add_missing_default_values(dict(vals))
        return {name: value for name, value in complete.items() if name not in vals}

    def _complete_partners(self, session):
        """Give matched customers what their card lacks (ИНН, КПП, phone, e-mail, address) from their first row.

        :return: number of customers updated
        """
        self.env.cr.execute(SQL(
            """
            SELECT DISTINCT ON (partner_id) partner_id, inn, kpp, phone, email, address
              FROM crm_import_1c_wizard_line
             WHERE wizard_id = %s AND fate IN %s AND row > 0
             ORDER BY partner_id, row
            """, session.id, MATCHED_FATES,
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

    def _write_aliases(self, session, created):
        """Remember the 1C names of customers created from rows without ИНН and of confirmed name matches, so
        the next file that spells them so finds them without asking (one ``INSERT … SELECT``)."""
        now = fields.Datetime.now()
        self._execute_set_based(SQL(
            """
            INSERT INTO crm_import_1c_alias (company_id, partner_id, name, name_key, create_uid, create_date,
                                             write_uid, write_date)
            SELECT DISTINCT ON (line.name_key) %(company)s, COALESCE(line.partner_id, created.partner_id),
                   line.name, line.name_key, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM crm_import_1c_wizard_line line
              LEFT JOIN unnest(%(keys)s::varchar[], %(partners)s::int4[]) AS created(partner_key, partner_id)
                     ON created.partner_key = line.partner_key
             WHERE line.wizard_id = %(session)s AND line.name_key IS NOT NULL AND line.row > 0
               AND (line.fate = 'match_name' OR (line.fate = 'new' AND line.inn IS NULL))
             ORDER BY line.name_key, line.row
            ON CONFLICT (company_id, name_key) DO NOTHING
            """, session=session.id, company=session.company_id.id, uid=self.env.uid, now=now,
            keys=array_literal(created), partners=array_literal(created.values()),
        ))

    def _write_documents(self, session, expected, created):
        """Insert the new documents and set the new amount of the changed ones (two set-based statements).

        :param int expected: number of new documents of the preview
        :param dict created: ``{partner key: id}`` of the customers just created
        :raise UserError: when some were written meanwhile by another import (nothing is then written)
        """
        params = {"session": session.id, "company": session.company_id.id, "uid": self.env.uid,
                  "now": fields.Datetime.now(), "file": session.filename or None,
                  "keys": array_literal(created), "partners": array_literal(created.values())}
        inserted = self._execute_set_based(SQL(
            """
            INSERT INTO crm_import_1c_document (
                name, company_id, partner_id, external_key, doc_key, kind, doc_number, doc_date, due_date, amount,
                currency_id, filename, import_date, create_uid, create_date, write_uid, write_date)
            SELECT line.document, %(company)s, COALESCE(line.partner_id, created.partner_id),
                   COALESCE(line.partner_id, created.partner_id)::varchar || '|' || line.doc_key, line.doc_key,
                   CASE WHEN line.kind = 'balance' THEN 'balance' ELSE 'document' END,
                   line.doc_number, line.doc_date, line.due_date, line.doc_amount, line.currency_id,
                   %(file)s, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM crm_import_1c_wizard_line line
              LEFT JOIN unnest(%(keys)s::varchar[], %(partners)s::int4[]) AS created(partner_key, partner_id)
                     ON created.partner_key = line.partner_key
             WHERE line.wizard_id = %(session)s AND line.doc_action = 'create'
             ORDER BY line.row
            ON CONFLICT (company_id, external_key) DO NOTHING
            """, **params,
        ))
        if inserted != expected:
            raise UserError(self.env._(
                "Another import wrote some of these documents at the same time, or the file lists a document "
                "twice. Nothing was imported: refresh the preview and import again."))
        self._execute_set_based(SQL(
            """
            UPDATE crm_import_1c_document doc
               SET amount = line.doc_amount, due_date = COALESCE(line.due_date, doc.due_date),
                   filename = %(file)s, import_date = %(now)s, write_uid = %(uid)s, write_date = %(now)s
              FROM crm_import_1c_wizard_line line
             WHERE line.wizard_id = %(session)s AND line.doc_action IN ('update', 'settle')
               AND doc.id = line.document_id
            """, **params,
        ))
        self.env["crm.import.1c.document"].invalidate_model()

    def _get_items(self, session, created):
        """The receivable items to post: one per new or changed document, for the difference.

        :param dict created: ``{partner key: id}`` of the customers just created
        :return: list of ``(document id, partner id, currency id, change, action, label, due date)``, by
            customer and document
        """
        return self._execute_set_based(SQL(
            """
            SELECT doc.id, doc.partner_id, line.currency_id, line.change, line.doc_action, doc.name,
                   COALESCE(line.due_date, doc.due_date, line.doc_date, doc.doc_date)
              FROM crm_import_1c_wizard_line line
              LEFT JOIN unnest(%(keys)s::varchar[], %(partners)s::int4[]) AS created(partner_key, partner_id)
                     ON created.partner_key = line.partner_key
              JOIN crm_import_1c_document doc
                ON doc.company_id = %(company)s
               AND doc.external_key = COALESCE(line.partner_id, created.partner_id)::varchar || '|' || line.doc_key
             WHERE line.wizard_id = %(session)s AND line.doc_action IN %(actions)s AND line.change != 0
             ORDER BY doc.partner_id, doc.id
            """, session=session.id, company=session.company_id.id, keys=array_literal(created),
            partners=array_literal(created.values()), actions=POSTING_ACTIONS,
        ))

    def _item_label(self, action, label):
        """Label of a document's receivable item: the document itself, or what happened to it in 1C."""
        if action == "settle":
            return self.env._("%(document)s: paid in 1C", document=label)
        if action == "update":
            return self.env._("%(document)s: changed in 1C", document=label)
        return label

    def _post_items(self, session, items):
        """Create and post the entries: one receivable item per document, :data:`LINES_PER_MOVE` per entry.

        A new document counts for its amount (credit notes and prepayments: a credit item), a changed one for
        the difference (an adjusting item; earlier entries are kept), a document paid in 1C for its remaining
        amount (a credit item, reconciled afterwards). Each entry has one balancing item on the company's
        undistributed earnings account.

        :param list items: from :meth:`_get_items`
        :return: ``(posted account.move records, [(document id, item id)])``
        """
        # no tracking (as Odoo's own import); customer ranks raised per entry in one statement, not per customer;
        # no invoice sync: an entry without taxes has no dynamic line to sync, and the sync would recompute the
        # debit and credit of all 1,000 items again at each write of the entry while it is posted (as Odoo posts
        # its own entries of payments and reversals)
        Move = self.env["account.move"].with_context(tracking_disable=True, crm_defer_rank=True,
                                                     skip_invoice_sync=True)
        if not items:
            return self.env["account.move"], []
        journal = self._get_journal(session)
        company = session.company_id
        counter_account = company.get_unaffected_earnings_account()
        company_currency = company.currency_id
        currencies = self.env["res.currency"].browse({item[2] for item in items})
        rates = {currency.id: currency._get_conversion_rate(currency, company_currency, company, session.date)
                 for currency in currencies}
        currencies = {currency.id: currency for currency in currencies}
        ref = self.env._("1C import: %(file)s", file=session.filename or "")
        move_ids, pairs = [], []
        for batch in split_every(LINES_PER_MOVE, items, list):
            partners = self.env["res.partner"].browse({item[1] for item in batch}).with_company(company)
            receivable = {partner.id: partner.property_account_receivable_id.id for partner in partners}
            rows, documents, total, posted = [], [], 0.0, set()
            for document_id, partner_id, currency_id, change, action, label, due_date in batch:
                currency = currencies[currency_id]
                amount = currency.round(change)
                if currency.is_zero(amount):
                    continue
                balance = company_currency.round(amount * rates[currency_id])
                total += balance
                posted.add(partner_id)
                documents.append(document_id)
                rows.append((
                    receivable[partner_id], partner_id, self._item_label(action, label), balance, amount,
                    currency_id, session.date if action == "settle" else (due_date or session.date),
                ))
            if not rows:
                continue
            # the entry is created with its balancing item and the receivable items are added set-based (one
            # INSERT for 1,000 items instead of the ORM's ~5 ms per item); the ORM posts the entry (numbering,
            # lock dates, hashing) and recomputes what depends on its items
            move = Move.with_context(check_move_validity=False).create({
                "move_type": "entry",
                "journal_id": journal.id,
                "date": session.date,
                "ref": ref,
                "company_id": company.id,
                # an entry of one customer's documents names the customer (promises on it, its statement)
                "partner_id": next(iter(posted)) if len(posted) == 1 else False,
                "line_ids": [Command.create({
                    "account_id": counter_account.id,
                    "name": self.env._("Opening receivables from 1C"),
                    "balance": -total,
                    "amount_currency": -total,
                    "currency_id": company_currency.id,
                    "analytic_distribution": False,
                })],
            })
            if self._can_post_before_items(move, set(receivable.values())):
                item_ids = self._post_then_insert_items(move, rows)
            else:
                item_ids = self._insert_items(move, rows)
                move.action_post()
                self._set_items_posted(move, item_ids)
            pairs += zip(documents, item_ids, strict=True)
            self.env["res.partner"].browse(sorted(posted))._crm_increase_rank_batch()
            move_ids.append(move.id)
            self.env.invalidate_all()  # flushes, then frees the cache: memory stays flat
        return self.env["account.move"].browse(move_ids), pairs

    def _can_post_before_items(self, move, account_ids):
        """Whether the entry can be posted with its balancing item alone, its receivable items inserted right
        after (:meth:`_post_then_insert_items`): what posting does to an item is then provably nothing.

        Posting checks and prepares each item: taxes and tax lock date (the items have no tax), analytic lines
        (they have no analytic distribution), reconciliation marks (none), deprecated accounts (checked here),
        and it numbers and posts the entry, whose state and number the items then copy. Not so for a journal
        that secures its entries by a hash on posting: the hash covers the items, so they must be there first.

        :param move: the draft entry with its balancing item
        :param set account_ids: the receivable accounts of the items
        :return: bool
        """
        accounts = self.env["account.account"].browse(account_ids)
        return not move.journal_id.restrict_mode_hash_table and not any(accounts.mapped("deprecated"))

    def _post_then_insert_items(self, move, rows):
        """Post the entry with its balancing item, then add its receivable items, already posted and numbered
        (one write per item instead of an insert and an update, and no per-item posting checks, which
        :meth:`_can_post_before_items` showed to be void), then check that the entry balances.

        :param move: the draft entry with its balancing item
        :param list rows: see :meth:`_insert_items`
        :return: the ids of the new items, in the order of ``rows``
        :raise UserError: when the entry does not balance (nothing is then written: the import's savepoint)
        """
        move.with_context(check_move_validity=False).action_post()
        item_ids = self._insert_items(move, rows)
        move = self.env["account.move"].browse(move.id)
        with move._check_balanced({"records": move}):
            pass
        return item_ids

    def _insert_items(self, move, rows):
        """Add receivable items to an entry with one ``INSERT … unnest`` and let the ORM recompute what
        depends on them (as its own ``create`` does: the written fields protected, every dependant marked).
        The items take the entry's state and number.

        :param move: the ``account.move``, draft or posted
        :param list rows: ``(account id, partner id, label, balance, amount in currency, currency id, due date)``
        :return: the ids of the new items, in the order of ``rows``
        """
        AccountMoveLine = self.env["account.move.line"]
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "SELECT nextval(%s) FROM generate_series(1, %s)", f"{AccountMoveLine._table}_id_seq", len(rows),
        ))
        ids = [row[0] for row in self.env.cr.fetchall()]
        columns = list(zip(*rows, strict=True))
        now = fields.Datetime.now()
        self.env.cr.execute(SQL(
            """
            INSERT INTO account_move_line (
                id, move_id, journal_id, company_id, company_currency_id, sequence, move_name, parent_state, ref,
                display_type, date, quantity, price_unit, discount, tax_tag_invert, reconciled,
                account_id, partner_id, name, balance, debit, credit, amount_currency, amount_residual,
                amount_residual_currency, price_subtotal, price_total, currency_id, date_maturity,
                create_uid, create_date, write_uid, write_date)
            SELECT item.id, %(move)s, %(journal)s, %(company)s, %(company_currency)s, 100, %(move_name)s, %(state)s,
                   %(ref)s, 'product', %(date)s, 1.0, 0.0, 0.0, FALSE, FALSE,
                   item.account_id, item.partner_id, item.name, item.balance, GREATEST(item.balance, 0),
                   GREATEST(-item.balance, 0), item.amount_currency, item.balance, item.amount_currency,
                   item.amount_currency, item.amount_currency, item.currency_id, item.date_maturity,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(ids)s::int4[], %(accounts)s::int4[], %(partners)s::int4[], %(names)s::varchar[],
                          %(balances)s::numeric[], %(amounts)s::numeric[], %(currencies)s::int4[],
                          %(dues)s::date[])
                AS item(id, account_id, partner_id, name, balance, amount_currency, currency_id, date_maturity)
            """,
            move=move.id, journal=move.journal_id.id, company=move.company_id.id,
            company_currency=move.company_id.currency_id.id, move_name=move.name or "/", state=move.state,
            ref=move.ref, date=move.date, uid=self.env.uid, now=now, ids=array_literal(ids),
            accounts=array_literal(columns[0]), partners=array_literal(columns[1]), names=array_literal(columns[2]),
            balances=array_literal(columns[3]), amounts=array_literal(columns[4]),
            currencies=array_literal(columns[5]), dues=array_literal(columns[6]),
        ))
        lines = AccountMoveLine.browse(ids)
        move.invalidate_recordset(["line_ids"])
        written = [field for name, field in AccountMoveLine._fields.items() if name in ITEM_COLUMNS]
        with self.env.protecting(written, lines):
            lines.modified([field.name for field in written], create=True)
        for name, field in AccountMoveLine._fields.items():
            if field.store and field.compute and name not in ITEM_COLUMNS:
                self.env.add_to_compute(field, lines)  # a field another module adds to journal items
        return ids

    def _set_items_posted(self, move, item_ids):
        """Give the items the state and number of their posted entry in one statement (the ORM's recompute
        would write them 100 items per query)."""
        AccountMoveLine = self.env["account.move.line"]
        lines = AccountMoveLine.browse(item_ids)
        for name in ("parent_state", "move_name"):
            self.env.remove_to_compute(AccountMoveLine._fields[name], lines)
        self.env.cr.execute(SQL(
            "UPDATE account_move_line SET parent_state = %s, move_name = %s WHERE id = ANY(%s)",
            move.state, move.name, item_ids,
        ))
        lines.invalidate_recordset(["parent_state", "move_name"])

    def _link_documents(self, pairs):
        """Link every document to its new receivable item (one ``INSERT … unnest``)."""
        if not pairs:
            return
        self.env.cr.execute(SQL(
            """
            INSERT INTO crm_import_1c_document_move_line_rel (document_id, line_id)
            SELECT * FROM unnest(%s::int4[], %s::int4[])
            ON CONFLICT DO NOTHING
            """, array_literal(pair[0] for pair in pairs), array_literal(pair[1] for pair in pairs),
        ))
        self.env["crm.import.1c.document"].invalidate_model(["move_line_ids"])

    def _reconcile_settled(self, session, items):
        """Reconcile the items of every document that went down (paid in 1C, or lowered) with the new item.

        Odoo's reconciliation then does the rest: promises covering the document are judged, the follow-up
        stops for what is paid, and the payment date is the import's date.
        """
        lowered = [item[0] for item in items if item[4] in ("update", "settle")]
        if not lowered:
            return
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT rel.document_id, array_agg(aml.id ORDER BY aml.id)
              FROM crm_import_1c_document_move_line_rel rel
              JOIN account_move_line aml ON aml.id = rel.line_id
             WHERE rel.document_id = ANY(%s) AND NOT aml.reconciled AND aml.parent_state = 'posted'
             GROUP BY rel.document_id
            """, lowered,
        ))
        AccountMoveLine = self.env["account.move.line"]
        plan = []
        for _document_id, line_ids in self.env.cr.fetchall():
            lines = AccountMoveLine.browse(line_ids)
            if any(line.amount_residual > 0 for line in lines) and any(line.amount_residual < 0 for line in lines):
                plan.append(lines)
        if plan:
            AccountMoveLine._reconcile_plan(plan)
