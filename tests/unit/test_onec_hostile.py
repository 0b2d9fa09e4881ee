"""Hostile and broken 1C files (issue 12, item 7 and "hostile files"): each one gives a clear error — an
:class:`OnecError` whose key the wizard translates — within bounded memory and time, never another exception.

Every file is generated here: hand-written .xlsx parts (so that each can be broken on purpose), zip bombs,
XML entity attacks, renamed formats, truncations. Memory is measured with ``tracemalloc`` (the peak of Python
allocations while the file is read, the XML parser's and zlib's included) and the process's RSS with
``resource.getrusage``.
"""

import io
import resource
import struct
import time
import tracemalloc
import zipfile
import zlib

import pytest

from crm_receivables.tools import onec_layout, onec_reader
from crm_receivables.tools.onec_values import OnecError

#: Keys the wizard turns into messages (crm_import_1c_wizard._onec_error_message, and the new ones of issue 12).
KNOWN_KEYS = {
    "too_large", "empty_file", "empty_sheet", "unknown_format", "encrypted", "corrupt", "sheet_not_found",
    "no_header", "bad_inn", "bad_kpp", "bad_email", "bad_amount", "bad_date", "bad_currency", "formula",
    "duplicate", "missing_name", "missing_amount", "check_total", "check_subtotal",
    "unpacked_too_large", "too_many_parts", "too_many_strings", "too_many_columns", "too_many_rows",
    "too_many_empty_rows", "xml_entities",
}
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
SST_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>Контрагент</t></is></c><c r="B1" t="inlineStr"><is><t>Сумма</t>' \
         '</is></c></row>'
GOOD_ROW = '<row r="2"><c r="A2" t="inlineStr"><is><t>ООО «Ромашка»</t></is></c><c r="B2"><v>100</v></c></row>'
LAUGHS = ('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + "".join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + "]>")


def _parts(rows=HEADER + GOOD_ROW, shared=None, sheet_xml=None, workbook=None, sheets=1):
    """The parts of a small valid .xlsx (one sheet "Лист1"), each replaceable."""
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_CT}"/>'
                        for i in range(1, sheets + 1))
    if shared is not None:
        overrides += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_CT}"/>'
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"'
            f'/>{overrides}</Types>'),
        "_rels/.rels": (f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
                        'Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": workbook or (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>' + "".join(
                f'<sheet name="Лист{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, sheets + 1))
            + "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PKG}">' + "".join(
                f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, sheets + 1))
            + (f'<Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
               if shared is not None else "") + "</Relationships>"),
    }
    for i in range(1, sheets + 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = sheet_xml if sheet_xml is not None else (
            f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>')
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    return parts


def _zip(parts):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return stream.getvalue()


def _xlsx(**kwargs):
    return _zip(_parts(**kwargs))


def _declare_size(content, name, size):
    """Rewrite the unpacked size a zip declares for ``name`` (local header and central directory)."""
    data = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        struct.pack_into("<I", data, archive.getinfo(name).header_offset + 22, size)
    end = data.rfind(b"PK\x05\x06")
    position = struct.unpack_from("<I", data, end + 16)[0]
    while data[position:position + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, position + 28)
        if bytes(data[position + 46:position + 46 + name_length]).decode() == name:
            struct.pack_into("<I", data, position + 24, size)
        position += 46 + name_length + extra_length + comment_length
    return bytes(data)


def _sheet_of_spaces(megabytes):
    """A zip whose sheet part is ``megabytes`` MB of blanks (about 1,000 to 1 once packed)."""
    parts = _parts()
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            blank = b" " * (1 << 20)
            for _megabyte in range(megabytes):
                sheet.write(blank)
            sheet.write(b"</sheetData></worksheet>")
    return stream.getvalue()


def _xls_book(rows):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Лист1")
    for index, values in enumerate(rows):
        for col, value in enumerate(values):
            sheet.write(index, col, value)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _empty_rows(count, cells=False, first=1):
    cell = '<c r="A{0}" s="0"/>' if cells else ""
    return "".join(f'<row r="{n}">{cell.format(n)}</row>' for n in range(first, first + count))


def _nested(depth):
    return "<x>" * depth + "</x>" * depth


GOOD_XLSX = _xlsx()
GOOD_XLS = _xls_book([["Контрагент", "Сумма"], ["ООО «Ромашка»", 100.0]])

# (case, builder, expected outcome): a file-level error key, a set of row error keys, or "ok" for a file read
# safely as what it really is (a renamed .xls is still an .xls)
CORPUS = [
    ("empty bytes", lambda: b"", "empty_file"),
    ("one byte", lambda: b"P", "unknown_format"),
    ("csv utf-8 named .xlsx", "Контрагент;Сумма\nООО «Ромашка»;100\n".encode, "unknown_format"),
    ("csv cp1251", lambda: "Контрагент;Сумма\nООО «Ромашка»;100\n".encode("cp1251"), "unknown_format"),
    ("html saved as .xls", "<html><table><tr><td>Контрагент</td></tr></table></html>".encode,
     "unknown_format"),
    ("utf-16 text", lambda: "Контрагент\tСумма".encode("utf-16"), "unknown_format"),
    ("pdf named .xlsx", lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "unknown_format"),
    ("xlsx truncated to half", lambda: GOOD_XLSX[: len(GOOD_XLSX) // 2], "corrupt"),
    ("xlsx truncated to 100 bytes", lambda: GOOD_XLSX[:100], "corrupt"),
    ("xlsx with garbage after the magic", lambda: b"PK\x03\x04" + bytes(range(256)) * 40, "corrupt"),
    ("xls truncated", lambda: GOOD_XLS[:1536], "corrupt"),
    ("xls with garbage after the magic", lambda: GOOD_XLS[:512] + b"\xff" * 4096, "corrupt"),
    (".xls content named .xlsx", lambda: GOOD_XLS, "ok"),
    ("a .docx named .xlsx", lambda: _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}),
     "unknown_format"),
    ("an .ods named .xlsx", lambda: _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                                         "content.xml": "<office:document-content/>"}), "unknown_format"),
    ("workbook part missing", lambda: _zip({k: v for k, v in _parts().items() if k != "xl/workbook.xml"}),
     "unknown_format"),
    ("sheet part missing", lambda: _zip({k: v for k, v in _parts().items() if "worksheets" not in k}),
     "empty_file"),
    ("no sheets", lambda: _xlsx(workbook=f'<workbook xmlns="{MAIN}"><sheets/></workbook>'), "empty_file"),
    ("empty workbook", lambda: _xlsx(rows=""), "empty_file"),
    ("encrypted (OLE EncryptedPackage)", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512
     + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512, "encrypted"),
    ("zip bomb: declared 2 GB", lambda: _declare_size(GOOD_XLSX, "xl/worksheets/sheet1.xml", 2 << 30),
     "unpacked_too_large"),
    ("zip bomb: a part read whole declared 100 MB",
     lambda: _declare_size(GOOD_XLSX, "xl/workbook.xml", 100 << 20), "unpacked_too_large"),
    ("zip bomb: 64 MB of blanks declared 1 KB", lambda: _declare_size(
        _sheet_of_spaces(64), "xl/worksheets/sheet1.xml", 1024), "corrupt"),
    ("zip bomb: 600 MB declared truthfully", lambda: _declare_size(
        _sheet_of_spaces(1), "xl/worksheets/sheet1.xml", 600 << 20), "unpacked_too_large"),
    ("20,000 zip entries", lambda: _zip({**_parts(), **{f"xl/media/x{i}.bin": b"" for i in range(20000)}}),
     "too_many_parts"),
    ("column reference past XFD", lambda: _xlsx(rows=HEADER + '<row r="2"><c r="XFE2"><v>1</v></c></row>'),
     "too_many_columns"),
    ("column reference of 12 letters", lambda: _xlsx(
        rows=HEADER + '<row r="2"><c r="AAAAAAAAAAAA2"><v>1</v></c></row>'), "too_many_columns"),
    ("20,000 cells without references", lambda: _xlsx(rows=HEADER + "<row>" + "<c><v>1</v></c>" * 20000
                                                       + "</row>"), "too_many_columns"),
    ("malformed cell reference", lambda: _xlsx(rows=HEADER + '<row r="2"><c r="A1B2"><v>1</v></c></row>'),
     "corrupt"),
    ("row number past 1,048,576", lambda: _xlsx(rows=HEADER + '<row r="1048577"><c r="A1048577"><v>1</v></c>'
                                                               "</row>"), "too_many_rows"),
    ("row number of 20 digits", lambda: _xlsx(rows=HEADER + '<row r="99999999999999999999"/>'), "too_many_rows"),
    ("row number not a number", lambda: _xlsx(rows=HEADER + '<row r="abc"/>'), "corrupt"),
    ("1,000,000 empty rows below a header", lambda: _xlsx(rows=HEADER + _empty_rows(1000000, first=2)),
     "too_many_empty_rows"),
    ("1,000,000 empty rows and nothing else", lambda: _xlsx(rows=_empty_rows(1000000)), "empty_file"),
    ("200,000 rows of empty styled cells", lambda: _xlsx(rows=HEADER + _empty_rows(200000, cells=True, first=2)),
     "too_many_empty_rows"),
    ("billion laughs in the sheet", lambda: _xlsx(sheet_xml=LAUGHS + f'<worksheet xmlns="{MAIN}"><sheetData><row>'
                                                  '<c t="inlineStr"><is><t>&j;</t></is></c></row></sheetData>'
                                                  "</worksheet>"), "xml_entities"),
    ("billion laughs in shared strings", lambda: _xlsx(
        rows=HEADER, shared=LAUGHS + f'<sst xmlns="{MAIN}"><si><t>&j;</t></si></sst>'), "xml_entities"),
    ("billion laughs in the workbook part", lambda: _xlsx(workbook=LAUGHS + f'<workbook xmlns="{MAIN}">'
                                                          "<sheets/></workbook>"), "xml_entities"),
    ("external entity (XXE)", lambda: _xlsx(sheet_xml='<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                                            f'<worksheet xmlns="{MAIN}"><sheetData><row><c t="inlineStr"><is><t>'
                                            "&e;</t></is></c></row></sheetData></worksheet>"), "xml_entities"),
    ("DTD in UTF-16 relationships", lambda: _zip({**_parts(), "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "b">]><Relationships xmlns="' + PKG
        + '"/>').encode("utf-16")}), "xml_entities"),
    ("100,000 nested elements in the sheet", lambda: _xlsx(rows=HEADER + _nested(100000)), "ok"),
    ("deeply nested workbook part", lambda: _xlsx(workbook=f'<workbook xmlns="{MAIN}">' + _nested(5000)
                                                  + "</workbook>"), "corrupt"),
    ("invalid UTF-8 in the sheet", lambda: _zip({**_parts(), "xl/worksheets/sheet1.xml": (
        f'<worksheet xmlns="{MAIN}"><sheetData>{HEADER}</sheetData></worksheet>').encode()[:-40]
        + b"\xff\xfe\xc3" + b"</sheetData></worksheet>"}), "corrupt"),
    ("sheet in windows-1251", lambda: _zip({**_parts(), "xl/worksheets/sheet1.xml": (
        '<?xml version="1.0" encoding="windows-1251"?>'
        f'<worksheet xmlns="{MAIN}"><sheetData>{HEADER}{GOOD_ROW}</sheetData></worksheet>').encode("cp1251")}),
     "ok"),
    ("unknown XML encoding", lambda: _zip({**_parts(), "xl/worksheets/sheet1.xml": (
        '<?xml version="1.0" encoding="x-no-such"?>'
        f'<worksheet xmlns="{MAIN}"><sheetData>{HEADER}</sheetData></worksheet>').encode()}), "corrupt"),
    ("control character reference", lambda: _xlsx(rows=HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>'
                                                  "&#1;</t></is></c></row>"), "corrupt"),
    ("control characters in .xls text", lambda: _xls_book([["Контрагент", "Сумма"], ["\x00ООО\x07 «Ромашка»\x1f",
                                                                                     100.0]]), "ok"),
    ("formula saved without its value", lambda: _xlsx(rows=HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>'
                                                      'ООО «Ромашка»</t></is></c><c r="B2"><f>1/0</f></c></row>'),
     {"formula"}),
    ("formula injection text", lambda: _xlsx(rows=HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>'
                                             "=HYPERLINK(\"http://x\",\"y\")</t></is></c><c r=\"B2\"><v>5</v></c>"
                                             "</row>"), "ok"),
    ("shared string index out of range", lambda: _xlsx(rows=HEADER + '<row r="2"><c r="A2" t="s"><v>999</v></c>'
                                                       "</row>", shared=f'<sst xmlns="{MAIN}"/>'), "corrupt"),
    ("negative shared string index", lambda: _xlsx(rows=HEADER + '<row r="2"><c r="A2" t="s"><v>-1</v></c></row>',
                                                   shared=f'<sst xmlns="{MAIN}"><si><t>x</t></si></sst>'),
     "corrupt"),
    ("too many shared strings", lambda: _xlsx(rows=HEADER, shared=f'<sst xmlns="{MAIN}">' + "<si><t>a</t></si>"
                                              * 100001 + "</sst>"), "too_many_strings"),
    ("infinite number", lambda: _xlsx(rows=HEADER + GOOD_ROW.replace("<v>100</v>", "<v>1e400</v>")),
     {"bad_amount"}),
    ("NaN number", lambda: _xlsx(rows=HEADER + GOOD_ROW.replace("<v>100</v>", "<v>NaN</v>")), {"bad_amount"}),
    ("number that is no number", lambda: _xlsx(rows=HEADER + GOOD_ROW.replace("<v>100</v>", "<v>abc</v>")),
     "corrupt"),
    ("date cell that is no date", lambda: _xlsx(rows=HEADER + GOOD_ROW.replace("<v>100</v>", "<v>x</v>")
                                                .replace('r="B2"', 'r="B2" t="d"')), "corrupt"),
    ("broken XML in the sheet", lambda: _xlsx(rows=HEADER + '<row r="2"><c r="A2"><v>1</v></row>'), "corrupt"),
    ("XML after the root", lambda: _xlsx(sheet_xml=f'<worksheet xmlns="{MAIN}"><sheetData>{HEADER}</sheetData>'
                                         "</worksheet><worksheet/>"), "corrupt"),
]


def _outcome(content):
    try:
        workbook = onec_reader.open_workbook(content)
        try:
            analysis = onec_layout.parse(workbook)
            keys = {record.error.key for record in analysis.records if record.error}
        finally:
            workbook.close()
    except OnecError as error:
        return error.key
    return keys or "ok"


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 40
    assert len({case for case, _builder, _expected in CORPUS}) == len(CORPUS)


#: Limits lowered for a case (the real ones would take minutes under tracemalloc; the code path is the same).
LOWERED_LIMITS = {"too many shared strings": {"MAX_SHARED_STRINGS": 100000}}


@pytest.mark.parametrize(("case", "builder", "expected"), CORPUS, ids=[case for case, _b, _e in CORPUS])
def test_hostile_file(case, builder, expected, monkeypatch):
    for name, value in LOWERED_LIMITS.get(case, {}).items():
        monkeypatch.setattr(onec_reader, name, value)
    content = builder()
    assert len(content) <= onec_reader.MAX_FILE_SIZE, "each file passes the upload size check"
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    start = time.process_time()
    try:
        outcome = _outcome(content)
        elapsed = time.process_time() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    rss_growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert outcome == expected, case
    if isinstance(outcome, str) and outcome != "ok":
        assert outcome in KNOWN_KEYS
    assert peak < 200 * 1024 * 1024, f"{case}: {peak / 1048576:.0f} MB"
    assert rss_growth_mb < 300, f"{case}: RSS grew by {rss_growth_mb:.0f} MB"
    assert elapsed < 30, f"{case}: {elapsed:.1f} s of CPU"


def test_bombs_stay_small():
    """The zip bombs and the entity attacks: refused in a few megabytes, well before they would unpack."""
    for case, builder, _expected in CORPUS:
        if "bomb" not in case and "laughs" not in case:
            continue
        content = builder()
        tracemalloc.start()
        try:
            _outcome(content)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 16 * 1024 * 1024, f"{case}: {peak / 1048576:.1f} MB"


def test_control_characters_are_dropped():
    workbook = onec_reader.open_workbook(_xls_book([["Контрагент", "Сумма"], ["\x00ООО\x07 «Ромашка»\x1f", 100.0]]))
    (record,) = onec_layout.parse(workbook).records
    assert record.name == "ООО «Ромашка»"


def test_windows_1251_sheet_is_read():
    content = dict(CORPUS_BY_CASE)["sheet in windows-1251"]()
    (record,) = onec_layout.parse(onec_reader.open_workbook(content)).records
    assert (record.name, record.amount) == ("ООО «Ромашка»", 100.0)


def test_formula_injection_is_plain_text():
    content = dict(CORPUS_BY_CASE)["formula injection text"]()
    (record,) = onec_layout.parse(onec_reader.open_workbook(content)).records
    assert record.name == '=HYPERLINK("http://x","y")' and record.amount == 5.0


CORPUS_BY_CASE = [(case, builder) for case, builder, _expected in CORPUS]


def test_shared_strings_read_as_openpyxl_reads_them():
    from openpyxl.reader.strings import read_string_table  # noqa: PLC0415

    xml = (f'<sst xmlns="{MAIN}"><si><t>plain</t></si><si><r><t>Ром</t></r><r><rPr/><t xml:space="preserve">ашка '
           '</t></r><rPh sb="0" eb="1"><t>phonetic</t></rPh></si><si><t>a_x005F_x000D_b</t></si></sst>').encode()
    assert onec_reader._read_shared_strings(io.BytesIO(xml)) == read_string_table(io.BytesIO(xml))
    assert onec_reader._read_shared_strings(io.BytesIO(f'<sst xmlns="{MAIN}"><si><t/></si></sst>'.encode())) == [""]


def test_good_xlsx_of_the_corpus_is_read():
    (record,) = onec_layout.parse(onec_reader.open_workbook(GOOD_XLSX)).records
    assert (record.name, record.amount) == ("ООО «Ромашка»", 100.0)


def test_limits_can_be_lowered(monkeypatch):
    """The limits are module constants: lowered, a normal file trips them (and the error names the limit)."""
    monkeypatch.setattr(onec_reader, "MAX_ROWS", 1)
    with pytest.raises(OnecError) as caught:
        list(onec_layout.parse(onec_reader.open_workbook(GOOD_XLSX)).records)
    assert (caught.value.key, caught.value.sheet, caught.value.params["limit"]) == ("too_many_rows", "Лист1", 1)
    monkeypatch.setattr(onec_reader, "MAX_UNPACKED_SIZE", 100)
    with pytest.raises(OnecError) as caught:
        onec_reader.open_workbook(GOOD_XLSX)
    assert caught.value.key == "unpacked_too_large"


def test_zlib_bomb_ratio_is_real():
    """The 64 MB sheet of blanks really packs to well under a megabyte: the bomb is a bomb."""
    content = _sheet_of_spaces(64)
    assert len(content) < 1 << 20
    assert zlib  # packed with zlib's deflate through zipfile
