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
        """Yield ``(row_number, values, level)``; formulas saved without a value give :class:`FormulaWithoutValue`.

        The sheet XML is read with ``iterparse`` and each row element is dropped once read: openpyxl supplies
        the shared strings, the date styles and the sheet's part, its cell objects are not built (5x faster).
        """
        if sheet_name not in self._book.sheetnames:
            raise OnecError("sheet_not_found", sheet_name)
        sheet = self._book[sheet_name]
        if not hasattr(sheet, "_get_source"):  # a chart sheet
            return
        try:
            yield from _iter_sheet_xml(sheet._get_source(), sheet._shared_strings, self._book._date_formats,
                                       self._book.epoch)
        except (zipfile.BadZipFile, KeyError, ValueError, IndexError, OSError, EOFError, SyntaxError) as error:
            raise OnecError("corrupt", sheet_name, detail=str(error) or type(error).__name__) from error

    def close(self):
        self._book.close()


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE, _FORMULA, _INLINE, _TEXT = (f"{_NS}{tag}" for tag in ("row", "c", "v", "f", "is", "t"))


def _column_index(reference):
    """0-based column of a cell reference ("AB12" → 27)."""
    index = 0
    for char in reference:
        if char.isdigit():
            break
        index = index * 26 + ord(char.upper()) - 64
    return index - 1


def _iter_sheet_xml(source, shared_strings, date_styles, epoch):
    """Stream the rows of a worksheet part: ``(row_number, values, outline_level)``."""
    import datetime  # noqa: PLC0415
    from xml.etree.ElementTree import iterparse  # noqa: PLC0415

    from openpyxl.utils.datetime import from_excel  # noqa: PLC0415

    number = 0
    with source:
        for _event, element in iterparse(source, events=("end",)):
            if element.tag != _ROW:
                continue
            number = int(element.get("r") or number + 1)
            values = []
            for position, cell in enumerate(element.iter(_CELL)):
                reference = cell.get("r")
                column = _column_index(reference) if reference else position
                kind = cell.get("t", "n")
                raw = cell.findtext(_VALUE) or None
                if kind == "inlineStr":
                    inline = cell.find(_INLINE)
                    value = "".join(t.text or "" for t in inline.iter(_TEXT)) if inline is not None else None
                elif raw is None:
                    formula = cell.find(_FORMULA)
                    value = FormulaWithoutValue(formula.text or "") if formula is not None else None
                elif kind == "s":
                    value = shared_strings[int(raw)]
                elif kind in ("str", "e"):
                    value = raw if kind == "str" else None
                elif kind == "b":
                    value = raw == "1"
                elif kind == "d":
                    value = datetime.datetime.fromisoformat(raw)
                else:
                    value = float(raw)
                    if int(cell.get("s", 0)) in date_styles:
                        value = from_excel(value, epoch)
                if column >= len(values):
                    values.extend([None] * (column + 1 - len(values)))
                values[column] = value
            yield number, values, int(element.get("outlineLevel") or 0)
            element.clear()
