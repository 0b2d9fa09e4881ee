"""Open 1C spreadsheet exports (.xls through xlrd, .xlsx through openpyxl) and stream their rows.

Pure Python, no ORM. Rows come out one by one as ``(row_number, values, outline_level)`` so that a 50,000-row
export never sits in memory as cell objects: for ``.xlsx`` openpyxl reads the workbook part, shared strings
and styles and the sheet XML is streamed through expat as it is iterated; xlrd opens ``.xls`` on demand (one
sheet loaded at a time, unloaded afterwards).

Values are Python values: ``str``, ``float``, ``datetime.datetime`` (date cells), ``bool``, ``None`` and
:class:`~.onec_values.FormulaWithoutValue` for formulas saved without their result. Outline (grouping) levels
are those 1C writes for the counterparty / document hierarchy, ``0`` when the file has none.

Merged cells are not expanded: the header finder fills a merged group label to the right itself.

Hostile files are refused with an :class:`~.onec_values.OnecError` before they cost memory or time (issue 12):
the zip's entries are counted and their declared unpacked sizes capped before anything is unpacked (Python's
``zipfile`` never unpacks more than an entry declares, and the bytes of the streamed sheets are counted too);
DTDs and entities are refused in every XML part (billion laughs, external entities); shared strings are read by
a streaming parser with a cap on their number; column references past ``XFD`` (16,384 columns), row numbers
past 1,048,576 and long runs of empty rows end the reading. The limits are the module constants below.
"""

import contextlib
import datetime
import functools
import io
import re
import struct
import zipfile
from xml.parsers import expat

from .onec_values import FormulaWithoutValue, OnecError

#: Files above this size are refused before anything is parsed (the wizard may pass its own limit).
MAX_FILE_SIZE = 20 * 1024 * 1024
#: Sum of the unpacked sizes of an .xlsx's parts (zip bombs): ``unpacked_too_large``.
MAX_UNPACKED_SIZE = 512 * 1024 * 1024
#: Unpacked size of a part read whole (workbook, styles, relationships, theme…): ``unpacked_too_large``.
MAX_PART_SIZE = 16 * 1024 * 1024
#: Unpacked size of the shared strings part (streamed, but every string is kept): ``unpacked_too_large``.
MAX_SHARED_STRINGS_SIZE = 128 * 1024 * 1024
#: Entries of the zip: ``too_many_parts``.
MAX_ZIP_ENTRIES = 10000
#: Shared strings kept: ``too_many_strings``.
MAX_SHARED_STRINGS = 2_000_000
#: Columns of a sheet (Excel's own limit, column XFD): ``too_many_columns``.
MAX_COLUMNS = 16384
#: Rows of a sheet (Excel's own limit): ``too_many_rows``.
MAX_ROWS = 1_048_576
#: Empty rows in a row (``<row>`` elements without a value): ``too_many_empty_rows``.
MAX_EMPTY_ROWS = 10000

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
    _check_zip(content)
    return XlsxWorkbook(content)


_EOCD = b"PK\x05\x06"
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _check_zip(content):
    """Refuse a zip that is no workbook or would unpack too much, before ``zipfile`` reads its directory.

    :raise OnecError: ``too_many_parts``, ``corrupt``, ``unknown_format``, ``unpacked_too_large``,
        ``xml_entities``
    """
    end = content.rfind(_EOCD, max(0, len(content) - 65557))
    if end >= 0 and len(content) >= end + 22:
        entries = struct.unpack("<H", content[end + 10:end + 12])[0]
        if entries > MAX_ZIP_ENTRIES:
            raise OnecError("too_many_parts", limit=MAX_ZIP_ENTRIES)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, struct.error) as error:
        raise OnecError("corrupt", detail=str(error) or type(error).__name__) from error
    if len(infos) > MAX_ZIP_ENTRIES:
        raise OnecError("too_many_parts", limit=MAX_ZIP_ENTRIES)
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(name.endswith("workbook.xml") for name in names):
        raise OnecError("unknown_format")  # a .docx, an .ods or any other zip named .xlsx
    limit_mb = round(MAX_UNPACKED_SIZE / 1048576)
    if sum(info.file_size for info in infos) > MAX_UNPACKED_SIZE:
        raise OnecError("unpacked_too_large", limit_mb=limit_mb)
    with archive:
        for info in infos:
            lower = info.filename.lower()
            if not lower.endswith((".xml", ".rels", ".vml")):
                continue
            streamed = lower.startswith("xl/worksheets/") or lower == "xl/sharedstrings.xml"
            if streamed:  # parsed by this module's expat parsers, which refuse DTDs themselves
                if lower == "xl/sharedstrings.xml" and info.file_size > MAX_SHARED_STRINGS_SIZE:
                    raise OnecError("unpacked_too_large", limit_mb=round(MAX_SHARED_STRINGS_SIZE / 1048576))
                continue
            if info.file_size > MAX_PART_SIZE:
                raise OnecError("unpacked_too_large", limit_mb=round(MAX_PART_SIZE / 1048576))
            try:
                data = _read_capped(archive, info, MAX_PART_SIZE)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError, EOFError,
                    struct.error) as error:
                raise OnecError("corrupt", detail=str(error) or type(error).__name__) from error
            if _DTD.search(data) or (data[:2] in (b"\xff\xfe", b"\xfe\xff")
                                     and _DTD.search(data.decode("utf-16", "ignore").encode())):
                raise OnecError("xml_entities")


def _read_capped(archive, info, limit):
    """The unpacked bytes of a zip entry, refused past ``limit`` whatever the entry declares."""
    chunks, size = [], 0
    with archive.open(info) as source:
        while True:
            chunk = source.read(65536)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                raise OnecError("unpacked_too_large", limit_mb=round(limit / 1048576))
            chunks.append(chunk)


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
        except Exception as error:  # xlrd raises whatever a malformed record gives (struct, index, assertion…)
            raise OnecError("corrupt", detail=str(error) or type(error).__name__) from error

    @property
    def sheet_names(self):
        return self._book.sheet_names()

    def rows(self, sheet_name):
        """Yield ``(row_number, values, level)`` for every row of a sheet (row numbers start at 1)."""
        xlrd = self._xlrd
        if sheet_name not in self._book.sheet_names():
            raise OnecError("sheet_not_found", sheet_name)
        try:
            sheet = self._book.sheet_by_name(sheet_name)
        except Exception as error:  # the sheet is loaded now (on demand): a broken one fails here
            raise OnecError("corrupt", sheet_name, detail=str(error) or type(error).__name__) from error
        datemode = self._book.datemode
        rowinfo = getattr(sheet, "rowinfo_map", {}) or {}
        indents = self._indents()
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
                level = info.outline_level if info is not None else 0
                if not level and indents and values:  # no outline: the first cell's indent tells the level
                    level = indents.get(sheet.cell_xf_index(index, 0), 0)
                yield index + 1, values, level
        finally:
            self._book.unload_sheet(sheet_name)

    def _indents(self):
        """``{xf index: indent}`` of the cell formats with an indent (read with formatting info only)."""
        indents = {}
        for index, xf in enumerate(getattr(self._book, "xf_list", None) or ()):
            indent = getattr(getattr(xf, "alignment", None), "indent_level", 0) or 0
            if indent > 0:
                indents[index] = indent
        return indents

    def close(self):
        self._book.release_resources()


class XlsxWorkbook:
    """An ``.xlsx`` workbook streamed in read-only mode: openpyxl reads the workbook part, shared strings and
    styles, the sheet parts are parsed by :func:`_iter_sheet_xml` as they are iterated."""

    def __init__(self, content):
        try:
            reader = _xlsx_reader_class()(io.BytesIO(content), read_only=True, data_only=True)
            reader.read()
        except OnecError:
            raise
        except Exception as error:  # zipfile, openpyxl and XML parsers each raise their own classes
            raise OnecError("corrupt", detail=str(error) or type(error).__name__) from error
        self._book = reader.wb
        self._shared_strings = reader.shared_strings
        self._indents = {}  # style index -> indent of the cell formats with one
        alignments = getattr(self._book, "_alignments", None) or ()
        for index, style in enumerate(getattr(self._book, "_cell_styles", None) or ()):
            with contextlib.suppress(AttributeError, IndexError, TypeError, ValueError):
                indent = int(alignments[style.alignmentId].indent or 0)
                if indent > 0:
                    self._indents[index] = indent
        self._sheet_names = [name for name, _part in reader.sheet_parts]
        self._parts = {}  # name -> worksheet part (None for a chart sheet); a worksheet wins a duplicate name
        for name, part in reader.sheet_parts:
            if self._parts.get(name) is None:
                self._parts[name] = part

    @property
    def sheet_names(self):
        return list(self._sheet_names)

    def rows(self, sheet_name):
        """Yield ``(row_number, values, level)``; formulas saved without a value give :class:`FormulaWithoutValue`.

        The sheet XML is streamed by expat (see :func:`_iter_sheet_xml`) and no cell object is built:
        openpyxl only supplies the shared strings, the date styles and the sheet's part.
        """
        if sheet_name not in self._parts:
            raise OnecError("sheet_not_found", sheet_name)
        part = self._parts[sheet_name]
        if part is None:  # a chart sheet
            return
        try:
            yield from _iter_sheet_xml(self._book._archive.open(part), self._shared_strings,
                                       self._book._date_formats, self._book.epoch, self._indents)
        except OnecError as error:
            error.sheet = error.sheet or sheet_name
            raise
        except Exception as error:  # zipfile (bad CRC), expat, a bad number or date in a cell…
            raise OnecError("corrupt", sheet_name, detail=str(error) or type(error).__name__) from error

    def close(self):
        self._book.close()


@functools.cache
def _xlsx_reader_class():
    """openpyxl's workbook reader, except that it notes the worksheets' parts instead of opening them.

    openpyxl's read-only worksheet parses its whole part when it is created to find the sheet's dimensions
    if the ``<dimension>`` element is missing (files written in write-only mode, some 1C versions): a second
    full parse of every sheet before the first row is read. Built on first use because openpyxl is an
    optional dependency imported lazily.
    """
    from openpyxl.packaging.relationship import get_dependents, get_rels_path  # noqa: PLC0415
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader  # noqa: PLC0415

    class StreamingExcelReader(ExcelReader):
        def read_strings(self):
            """Shared strings through :func:`_read_shared_strings` (capped, no DTD) instead of openpyxl's."""
            ct = self.package.find(SHARED_STRINGS)
            if ct is not None:
                with self.archive.open(ct.PartName[1:]) as source:
                    self.shared_strings = _read_shared_strings(source)

        def read_worksheets(self):
            """Fill ``sheet_parts``: ``(name, part path)`` per sheet in workbook order, ``None`` for chart sheets."""
            self.sheet_parts = []
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files:
                    continue
                if "chartsheet" in rel.Type:
                    self.read_chartsheet(sheet, rel)
                    self.sheet_parts.append((self.wb._sheets[-1].title, None))
                    continue
                rels_path = get_rels_path(rel.target)
                if rels_path in self.valid_files:  # read as openpyxl does: a broken part fails on open
                    get_dependents(self.archive, rels_path)
                self.sheet_parts.append((sheet.name, rel.target))

    return StreamingExcelReader


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# expat reports namespaced names as "<namespace>}<local name>" with the separator chosen below
_ROW, _CELL, _VALUE, _FORMULA, _INLINE, _TEXT = (f"{_MAIN_NS}}}{tag}" for tag in ("row", "c", "v", "f", "is", "t"))
#: Bytes of the sheet part handed to the XML parser at a time (rows are yielded after each chunk).
_CHUNK_SIZE = 64 * 1024
#: Column letters ("AB") -> 0-based index, filled by :func:`_column_index` (bounded: at most 16,384 columns).
_COLUMN_CACHE = {}


def _column_index(reference):
    """0-based column of a cell reference ("AB12" → 27)."""
    letters = reference.rstrip("0123456789")
    cached = _COLUMN_CACHE.get(letters)
    if cached is not None:
        return cached
    if not letters.isascii() or not letters.isalpha():
        raise ValueError(f"invalid cell reference {reference[:20]!r}")
    if len(letters) > 3:
        raise OnecError("too_many_columns", reference=reference[:20], limit=MAX_COLUMNS)
    index = 0
    for char in letters:
        index = index * 26 + ord(char.upper()) - 64
    if index > MAX_COLUMNS:
        raise OnecError("too_many_columns", reference=reference[:20], limit=MAX_COLUMNS)
    if letters.isalpha() and len(_COLUMN_CACHE) < 16384:
        # the result depends on the letters only when the rest of the reference is plain digits
        _COLUMN_CACHE[letters] = index - 1
    return index - 1


def _sheet_parser(rows, shared_strings, date_styles, epoch, indents=None):
    """Return an expat parser that appends the finished rows of a worksheet part to ``rows``.

    Only what the rows need is kept: ``r``/``outlineLevel`` of ``<row>``, ``r``/``t``/``s`` of ``<c>``, the
    text of the cell's first ``<v>`` and first ``<f>`` and of the ``<t>`` runs in its first ``<is>`` — the
    same reading as ``ElementTree``'s ``findtext``/``find``/``iter`` on the cell (``.text`` stops at the first
    child element), without building element objects.

    The state lives in closure variables rather than on an object: the callbacks run about 20 times per row
    and attribute look-ups would cost a third of the reading time.
    """
    from openpyxl.utils.datetime import from_excel  # noqa: PLC0415

    number = 0  # number of the last row read
    empty = 0  # empty rows read since the last row with a value
    indent = 0  # indent of the row's first cell (its level when the row has no outline level)
    values = row_attrs = None  # the row being read (None between rows)
    position = 0  # index of the next <c> in the row: the column of a cell without "r"
    cell_attrs = None  # the cell being read (None outside cells)
    depth = 0  # element depth inside the cell, the <c> itself being 1
    value = formula = inline = None  # text of the cell's first <v>, <f>, <is> (None: no such element)
    inline_open = False  # inside the cell's first <is>
    target = None  # where characters go: "v", "f", "t" (a run of the first <is>) or None

    def start(name, attrs):
        nonlocal number, values, row_attrs, position, cell_attrs, depth, value, formula, inline, inline_open, target
        nonlocal indent
        if cell_attrs is not None:
            depth += 1
            target = None
            if depth == 2:
                if name == _VALUE:
                    if value is None:
                        value, target = "", "v"
                elif name == _INLINE:
                    if inline is None:
                        inline, inline_open = "", True
                elif name == _FORMULA and formula is None:
                    formula, target = "", "f"
            elif inline_open and name == _TEXT:
                target = "t"
        elif name == _CELL:
            if values is not None:
                cell_attrs, depth = attrs, 1
        elif name == _ROW:
            values, row_attrs, position, indent = [], attrs, 0, 0

    def characters(data):
        nonlocal value, formula, inline
        if target is None:
            return
        if target == "v":
            value += data
        elif target == "t":
            inline += data
        else:
            formula += data

    def end(name):
        nonlocal number, values, row_attrs, depth, inline_open, target, empty
        if cell_attrs is not None:
            depth -= 1
            target = None
            if depth == 1:
                inline_open = False  # a child of the cell ended: only the first <is> is read
            elif depth == 0:
                end_cell()
        elif name == _ROW and values is not None:
            number = int(row_attrs.get("r") or number + 1)
            if number > MAX_ROWS or number < 1:
                raise OnecError("too_many_rows", row=number if number > 0 else 0, limit=MAX_ROWS)
            if values and values.count(None) < len(values):
                empty = 0
            else:
                empty += 1
                if empty > MAX_EMPTY_ROWS:
                    raise OnecError("too_many_empty_rows", row=number, limit=MAX_EMPTY_ROWS)
            rows.append((number, values, int(row_attrs.get("outlineLevel") or 0) or indent))
            values = row_attrs = None

    def end_cell():
        nonlocal position, cell_attrs, value, formula, inline, indent
        attrs = cell_attrs
        reference = attrs.get("r")
        if reference:
            column = _COLUMN_CACHE.get(reference.rstrip("0123456789"))  # _column_index() without a call
            if column is None:
                column = _column_index(reference)
        else:
            column = position
            if column >= MAX_COLUMNS:
                raise OnecError("too_many_columns", reference=f"#{column + 1}", limit=MAX_COLUMNS)
        position += 1
        if not column and indents:
            style = attrs.get("s")
            if style:
                indent = indents.get(int(style), 0)
        kind = attrs.get("t", "n")
        raw = value or None  # an empty <v/> counts as no value
        if kind == "inlineStr":
            result = inline
        elif raw is None:
            result = FormulaWithoutValue(formula) if formula is not None else None
        elif kind == "s":
            result = shared_strings[int(raw)] if raw[0] != "-" else shared_strings[len(shared_strings)]
        elif kind in ("str", "e"):
            result = raw if kind == "str" else None
        elif kind == "b":
            result = raw == "1"
        elif kind == "d":
            result = datetime.datetime.fromisoformat(raw)
        else:
            result = float(raw)
            if int(attrs.get("s", 0)) in date_styles:
                result = from_excel(result, epoch)
        if column >= len(values):
            values.extend([None] * (column + 1 - len(values)))
        values[column] = result
        cell_attrs = value = formula = inline = None

    parser = expat.ParserCreate(namespace_separator="}")
    _refuse_dtd(parser)
    parser.buffer_text = True  # one characters() call per text node (except at buffer or chunk ends)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    return parser


def _refuse_dtd(parser):
    """Make an expat parser stop at a DTD: OOXML parts never have one, a DTD is an entity attack."""

    def refuse(*_args):
        raise OnecError("xml_entities")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    with contextlib.suppress(AttributeError):  # expat >= 2.4: no amplification of entities either
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)


def _read_shared_strings(source, limit=None, size_limit=None):
    """Read the shared strings part as openpyxl does (``<t>`` of ``<si>`` and of its ``<r>`` runs, phonetic
    ``<rPh>`` runs left out, ``x005F_`` escapes dropped), streamed, at most ``limit`` strings.

    :raise OnecError: ``too_many_strings``, ``unpacked_too_large``, ``xml_entities``
    """
    limit = MAX_SHARED_STRINGS if limit is None else limit
    size_limit = MAX_SHARED_STRINGS_SIZE if size_limit is None else size_limit
    strings = []
    path = []  # local names of the open elements
    parts = []  # text of the string being read
    capture = False

    def start(name, _attrs):
        nonlocal capture
        local = name.rpartition("}")[2]
        if local == "t" and path and (path[-1] == "si" or (path[-1] == "r" and len(path) > 1 and path[-2] == "si")):
            capture = True
        elif local == "si":
            parts.clear()
        path.append(local)

    def end(name):
        nonlocal capture
        path.pop()
        local = name.rpartition("}")[2]
        if local == "t":
            capture = False
        elif local == "si":
            if len(strings) >= limit:  # read at call time: the module constant by default
                raise OnecError("too_many_strings", limit=limit)
            strings.append("".join(parts).replace("x005F_", ""))

    def characters(data):
        if capture:
            parts.append(data)

    parser = expat.ParserCreate(namespace_separator="}")
    _refuse_dtd(parser)
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    size = 0
    while True:
        chunk = source.read(_CHUNK_SIZE)
        size += len(chunk)
        if size > size_limit:
            raise OnecError("unpacked_too_large", limit_mb=round(size_limit / 1048576))
        parser.Parse(chunk, not chunk)
        if not chunk:
            return strings


def _iter_sheet_xml(source, shared_strings, date_styles, epoch, indents=None):
    """Stream the rows of a worksheet part: ``(row_number, values, outline_level)``.

    The part is fed to expat in chunks and the rows finished by each chunk are yielded: memory holds one
    chunk and its rows, whatever the sheet's size.
    """
    rows = []
    parser = _sheet_parser(rows, shared_strings, date_styles, epoch, indents)
    size = 0
    with source:
        while True:
            chunk = source.read(_CHUNK_SIZE)
            size += len(chunk)
            if size > MAX_UNPACKED_SIZE:  # zipfile stops at the declared size; counted all the same
                raise OnecError("unpacked_too_large", limit_mb=round(MAX_UNPACKED_SIZE / 1048576))
            try:
                parser.Parse(chunk, not chunk)
            except Exception:  # XML errors and those of the callbacks (a bad number): rows read so far first
                yield from rows
                raise
            yield from rows
            rows.clear()
            if not chunk:
                break
