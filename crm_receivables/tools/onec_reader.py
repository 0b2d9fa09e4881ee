"""Open 1C spreadsheet exports (.xls through xlrd, .xlsx through openpyxl) and stream their rows.

Pure Python, no ORM. Rows come out one by one as ``(row_number, values, outline_level)`` so that a 50,000-row
export never sits in memory as cell objects: openpyxl reads ``.xlsx`` in read-only mode (the sheet XML is
parsed as it is iterated), xlrd opens ``.xls`` on demand (one sheet loaded at a time, unloaded afterwards).

Values are Python values: ``str``, ``float``, ``datetime.datetime`` (date cells), ``bool``, ``None`` and
:class:`~.onec_values.FormulaWithoutValue` for formulas saved without their result. Outline (grouping) levels
are those 1C writes for the counterparty / document hierarchy, ``0`` when the file has none.

Merged cells are not expanded: the header finder fills a merged group label to the right itself.
"""

import contextlib
import io
import zipfile

from .onec_values import FormulaWithoutValue, OnecError

#: Files above this size are refused before anything is parsed (the wizard may pass its own limit).
MAX_FILE_SIZE = 20 * 1024 * 1024

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


def detect_format(content):
    """Return ``"xls"``, ``"xlsx"`` or ``"encrypted"`` from the file's first bytes.

    A password-protected ``.xlsx`` is an OLE compound file holding an ``EncryptedPackage`` stream; a
    password-protected ``.xls`` is found by xlrd when it opens it.

    :raise OnecError: ``empty_file`` / ``unknown_format``
    """
    if not content:
        raise OnecError("empty_file")
    if content.startswith(_ZIP_MAGIC):
        return "xlsx"
    if content.startswith(_CFB_MAGIC):
        return "encrypted" if _ENCRYPTED_STREAM in content else "xls"
    raise OnecError("unknown_format")


def open_workbook(content, max_size=MAX_FILE_SIZE):
    """Open a workbook from its bytes after checking size and format.

    :param bytes content: the uploaded file
    :param int max_size: largest accepted size in bytes
    :return: :class:`XlsWorkbook` or :class:`XlsxWorkbook`
    :raise OnecError: ``too_large``, ``empty_file``, ``unknown_format``, ``encrypted``, ``corrupt``
    """
    if max_size and len(content or b"") > max_size:
        raise OnecError("too_large", size_mb=round(len(content) / 1048576, 1), limit_mb=round(max_size / 1048576, 1))
    kind = detect_format(content)
    if kind == "encrypted":
        raise OnecError("encrypted")
    if kind == "xls":
        return XlsWorkbook(content)
    return XlsxWorkbook(content)


class XlsWorkbook:
    """An ``.xls`` workbook read by xlrd, one sheet in memory at a time."""

    def __init__(self, content):
        import xlrd  # noqa: PLC0415 - optional dependency, declared in the manifest

        self._xlrd = xlrd
        try:
            try:
                self._book = xlrd.open_workbook(file_contents=content, formatting_info=True, on_demand=True,
                                                logfile=io.StringIO())
            except NotImplementedError:
                self._book = xlrd.open_workbook(file_contents=content, on_demand=True, logfile=io.StringIO())
        except xlrd.XLRDError as error:
            if "encrypted" in str(error).lower():
                raise OnecError("encrypted") from error
            raise OnecError("corrupt", detail=str(error)) from error
        except (AssertionError, IndexError, KeyError, ValueError, TypeError, EOFError, OSError) as error:
            raise OnecError("corrupt", detail=str(error) or type(error).__name__) from error

    @property
    def sheet_names(self):
        return self._book.sheet_names()

    def rows(self, sheet_name):
        """Yield ``(row_number, values, level)`` for every row of a sheet (row numbers start at 1)."""
        xlrd = self._xlrd
        try:
            sheet = self._book.sheet_by_name(sheet_name)
        except xlrd.XLRDError as error:
            raise OnecError("sheet_not_found", sheet_name) from error
        datemode = self._book.datemode
        rowinfo = getattr(sheet, "rowinfo_map", {}) or {}
        try:
            for index in range(sheet.nrows):
                values = sheet.row_values(index)
                types = sheet.row_types(index)
                for col, ctype in enumerate(types):
                    if ctype == xlrd.XL_CELL_DATE:
                        with contextlib.suppress(xlrd.xldate.XLDateError, ValueError, OverflowError):
                            values[col] = xlrd.xldate.xldate_as_datetime(values[col], datemode)
                    elif ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        values[col] = None
                info = rowinfo.get(index)
                yield index + 1, values, (info.outline_level if info is not None else 0)
        finally:
            self._book.unload_sheet(sheet_name)

    def close(self):
        self._book.release_resources()


class XlsxWorkbook:
    """An ``.xlsx`` workbook streamed by openpyxl in read-only mode."""

    def __init__(self, content):
        import openpyxl  # noqa: PLC0415 - optional dependency

        try:
            self._book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # zipfile, openpyxl and XML parsers each raise their own classes
            raise OnecError("corrupt", detail=str(error) or type(error).__name__) from error

    @property
    def sheet_names(self):
        return self._book.sheetnames

    def rows(self, sheet_name):
        """Yield ``(row_number, values, level)``; formulas saved without a value give :class:`FormulaWithoutValue`."""
        from openpyxl.worksheet._reader import WorkSheetParser  # noqa: PLC0415

        if sheet_name not in self._book.sheetnames:
            raise OnecError("sheet_not_found", sheet_name)
        sheet = self._book[sheet_name]
        if not hasattr(sheet, "_get_source"):  # a chart sheet
            return
        formula_tag = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}f"

        class _Parser(WorkSheetParser):
            def parse_cell(self, element):
                cell = super().parse_cell(element)
                if cell["value"] is None and element.find(formula_tag) is not None:
                    cell["value"] = FormulaWithoutValue(element.findtext(formula_tag) or "")
                return cell

        book = self._book
        parser = _Parser(sheet._get_source(), sheet._shared_strings, data_only=True,
                         epoch=book.epoch, date_formats=book._date_formats)
        try:
            for number, cells in parser.parse():
                width = max((cell["column"] for cell in cells), default=0)
                values = [None] * width
                for cell in cells:
                    values[cell["column"] - 1] = cell["value"]
                attrs = parser.row_dimensions.get(str(number)) or {}
                yield number, values, int(attrs.get("outlineLevel") or 0)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as error:
            raise OnecError("corrupt", sheet_name, detail=str(error)) from error

    def close(self):
        self._book.close()
