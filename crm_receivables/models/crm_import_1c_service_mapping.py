import base64
import contextlib

from odoo import api, models
from odoo.exceptions import UserError

from ..tools import onec_layout, onec_mapping, onec_reader
from ..tools.onec_values import OnecError


class CrmImport1cService(models.AbstractModel):
    """The user's header row and column mapping, and the saved mapping applied to the next file of its shape."""

    _inherit = "crm.import.1c.service"

    # ------------------------------------------------------------
    # READ
    # ------------------------------------------------------------

    def _parse_workbook(self, session, workbook, use_mapping=False):
        """Apply a saved mapping whose header is among the first rows of the file (first look at a file only:
        a header or a mapping the user chose wins), and remember the header's signature on the session."""
        if not use_mapping and not session.manual_header_row:
            found = self._find_saved_mapping(session, workbook)
            if found:
                saved, candidate = found
                session.write({
                    "saved_mapping_id": saved.id,
                    "sheet_name": candidate.sheet,
                    "manual_header_row": candidate.row,
                    "layout": saved.layout,
                    "mapping_note": self.env._("Saved mapping “%(name)s” applied: header on row %(row)s.",
                                               name=saved.name, row=candidate.row),
                })
                analysis = onec_layout.parse(
                    workbook, sheet=candidate.sheet, mapping=saved._get_column_mapping(), layout=saved.layout,
                    header_row=candidate.index,
                )
                session.header_signature = analysis.signature
                return analysis
        analysis = super()._parse_workbook(session, workbook, use_mapping=use_mapping)
        session.header_signature = analysis.signature
        return analysis

    def _find_saved_mapping(self, session, workbook):
        """The session company's saved mapping for this file, by the signature of its header row.

        :return: ``(crm.import.1c.mapping, HeaderCandidate)`` or ``None``
        """
        saved = self.env["crm.import.1c.mapping"].search_fetch(
            [("company_id", "=", session.company_id.id)], ["name", "signature", "sheet_name", "layout"],
        )
        if not saved:
            return None
        by_id = {mapping.id: mapping for mapping in saved}
        found = onec_mapping.find_saved_mapping(
            workbook, [(mapping.id, mapping.signature, mapping.sheet_name) for mapping in saved],
            sheet=session.sheet_name or None,
        )
        if not found:
            return None
        return by_id[found[0]], found[1]

    # ------------------------------------------------------------
    # HEADER STEP (the user picks the header row and maps the columns)
    # ------------------------------------------------------------

    @api.model
    def get_header_choices(self, session):
        """The first rows of the session's sheet, for the user to pick the header row.

        :return: ``(sheet, [onec_mapping.HeaderChoice])``
        :raise UserError: for an unreadable file
        """
        with self._open_workbook(session) as workbook:
            return onec_mapping.header_choices(workbook, session.sheet_name or None)

    @api.model
    def get_header_columns(self, session, row):
        """The columns of the row the user picked as the header, with the fields detection finds in them.

        :param int row: 1-based row
        :return: :class:`..tools.onec_mapping.HeaderColumns`
        :raise UserError: when the row holds no text
        """
        with self._open_workbook(session) as workbook:
            return onec_mapping.columns_at(workbook, session.sheet_name or workbook.sheet_names[0], row)

    @api.model
    def check_manual_mapping(self, session):
        """Check the session's column mapping before a preview with it.

        :return: the layout (the session's, or the one the mapping fits)
        :raise UserError: naming the columns (a field mapped twice) or the missing fields
        """
        lines = session.mapping_ids
        columns = [""] * (max(lines.mapped("column_index"), default=-1) + 1)
        for line in lines:
            columns[line.column_index] = line.column_label or ""
        try:
            mapping = onec_mapping.mapping_from_columns([(line.column_index, line.field) for line in lines], columns)
            return onec_mapping.check_mapping(mapping, session.layout or None)
        except OnecError as error:
            raise UserError(self._onec_error_message(error)) from error

    @contextlib.contextmanager
    def _open_workbook(self, session):
        """The session's file as a workbook, closed after use; problems with the file raised translated."""
        if not session.file:
            raise UserError(self.env._("Choose a file exported from 1C (.xls or .xlsx)."))
        try:
            workbook = onec_reader.open_workbook(base64.b64decode(session.file), max_size=self._get_max_size())
        except OnecError as error:
            raise UserError(self._onec_error_message(error)) from error
        try:
            yield workbook
        except OnecError as error:
            raise UserError(self._onec_error_message(error)) from error
        finally:
            workbook.close()

    # ------------------------------------------------------------
    # MESSAGES
    # ------------------------------------------------------------

    def _onec_error_message(self, error):
        _ = self.env._
        if error.key not in ("mapping_duplicate", "mapping_unknown_field", "mapping_empty", "mapping_no_layout",
                             "mapping_missing", "header_row_empty"):
            return super()._onec_error_message(error)
        labels = dict(self.env["crm.import.1c.wizard.mapping"]._fields["field"]._description_selection(self.env))
        params = {"sheet": error.sheet, "row": error.row, "column": error.column, **error.params}
        if "field" in params:
            params["field"] = labels.get(params["field"], params["field"])
        if "missing" in params:
            params["missing"] = ", ".join(
                " / ".join(labels.get(field, field) for field in alternatives.split(" / "))
                for alternatives in params["missing"]
            )
        if "layout" in params:
            layouts = dict(self.env["crm.import.1c.wizard"]._fields["layout"]._description_selection(self.env))
            params["layout"] = layouts.get(params["layout"], params["layout"])
        if error.key == "mapping_duplicate":
            return _("Column %(column)s and column %(first_column)s are both mapped to “%(field)s”: map each field "
                     "to one column only.", **params)
        if error.key == "mapping_unknown_field":
            return _("Column %(column)s: “%(field)s” is not a field the import knows.", **params)
        if error.key == "mapping_empty":
            return _("Map at least the customer column and an amount column.", **params)
        if error.key == "mapping_no_layout":
            return _("The column mapping imports nothing: map a column to each of %(missing)s.", **params)
        if error.key == "mapping_missing":
            return _("A report of the kind “%(layout)s” needs a column mapped to %(missing)s.", **params)
        return _("Sheet “%(sheet)s”, row %(row)s is empty: pick a row with the column titles as the header.",
                 **params)

