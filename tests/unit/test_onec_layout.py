"""The 1C parser on the sample files of data/ (regenerate them with ``python data/generate_samples.py``)."""

import datetime
import re
import tracemalloc
import zipfile

import pytest

from crm_receivables.tools import onec_layout, onec_reader
from crm_receivables.tools.onec_values import FormulaWithoutValue, OnecError, clean_text, normalize_label


@pytest.fixture(scope="module")
def data(root):
    return root / "data"


def _parse(data, name, **kwargs):
    workbook = onec_reader.open_workbook((data / name).read_bytes())
    analysis = onec_layout.parse(workbook, **kwargs)
    return analysis, list(analysis.records)


def test_osv_62(data):
    analysis, records = _parse(data, "osv_62.xls")
    assert analysis.layout == "osv_62"
    assert analysis.header_row == 5
    assert analysis.mapping["name"] == 0 and analysis.mapping["end_debit"] == 6
    assert analysis.mapping["end_credit"] == 7
    assert not analysis.is_sure  # "Счет" is a weak name for the counterparty column
    by_row = {r.row: r for r in records}
    assert sorted(by_row) == [11, 12, 14, 15, 16, 17]  # account row, captions, totals skipped
    assert all(r.error is None for r in records)
    assert by_row[12].kind == "document" and by_row[12].doc_number == "00000123"
    assert by_row[12].name == "ООО «Ромашка»" and by_row[12].amount == 1234567.89
    assert by_row[14].amount == 0.0  # paid during the period
    assert by_row[16].kind == "balance" and by_row[16].amount == 45000.0  # counterparty without sub-rows
    assert by_row[17].amount == -5000.0  # prepayment: credit balance
    assert sum(r.amount for r in records) == pytest.approx(1517067.89 - 5000.0)


def test_settlements(data):
    analysis, records = _parse(data, "settlements_by_document.xls")
    assert analysis.layout == "settlements" and analysis.is_sure
    assert [r.doc_number for r in records] == ["00000140", "00000150", "00000152", "00000003", "00000123"]
    first, _ural_1, ural_2, refund, romashka = records
    assert first.amount == 1234567.89 and first.currency == "RUB"
    assert str(first.due_date) == "2026-04-01"
    assert ural_2.name == "ПАО «Уральские машины»" and ural_2.inn == "7450056782"  # inherited from group row
    assert str(ural_2.due_date) == "2026-04-30"  # Excel serial in a text column
    assert refund.amount == -5000.0
    assert romashka.currency == "RUB"  # "643"


def test_reconciliation_act(data):
    analysis, records = _parse(data, "reconciliation_act.xls")
    assert analysis.layout == "reconciliation_act"
    (record,) = records
    assert (record.name, record.inn, record.kpp) == ("ООО «ТехноСтрой»", "6670034567", "667001001")
    assert record.amount == 45000.0 and str(record.doc_date) == "2026-03-31"
    later = _parse(data, "reconciliation_act_q2.xls")[1][0]
    assert later.amount == 30000.0
    assert later.external_key == record.external_key  # a later act updates the same balance


def test_counterparties_skip_notes_sheet(data):
    analysis, records = _parse(data, "counterparties.xlsx")
    assert analysis.sheet == "Контрагенты" and analysis.layout == "counterparties"
    assert len(records) == 6 and all(r.kind == "partner" and r.error is None for r in records)
    assert records[0].phone == "8 (922) 601-17-45" and records[0].kpp == "770101001"
    assert records[4].email == "sales@vector-m.example"


def test_osv_document_key_matches_settlements(data):
    osv = {r.doc_number: r for r in _parse(data, "osv_62.xls")[1]}
    settlements = {r.doc_number: r for r in _parse(data, "settlements_by_document.xls")[1]}
    assert osv["00000123"].external_key == settlements["00000123"].external_key


@pytest.mark.parametrize(("name", "key", "row", "column"), [
    ("bad_inn.xlsx", "bad_inn", 5, "ИНН"),
    ("duplicates.xlsx", "duplicate", 7, "ИНН"),
    ("text_in_amount.xls", "bad_amount", 8, "Сумма"),
    ("unknown_currency.xls", "bad_currency", 6, "Валюта"),
    ("formulas.xlsx", "formula", 4, "Сумма"),
])
def test_row_errors(data, name, key, row, column):
    _analysis, records = _parse(data, name)
    errors = [r.error for r in records if r.error]
    assert len(errors) == 1
    assert (errors[0].key, errors[0].row, errors[0].column) == (key, row, column)


@pytest.mark.parametrize(("name", "key"), [
    ("empty.xls", "empty_file"),
    ("no_header.xls", "no_header"),
    ("corrupt.xls", "corrupt"),
    ("encrypted.xlsx", "encrypted"),
])
def test_file_errors(data, name, key):
    with pytest.raises(OnecError) as caught:
        _parse(data, name)
    assert caught.value.key == key


def test_wrong_sheet(data):
    with pytest.raises(OnecError) as caught:
        _parse(data, "counterparties.xlsx", sheet="Примечания")
    assert (caught.value.key, caught.value.sheet) == ("no_header", "Примечания")
    with pytest.raises(OnecError) as caught:
        _parse(data, "counterparties.xlsx", sheet="Нет")
    assert caught.value.key == "sheet_not_found"


def test_size_limit_checked_before_parsing(data):
    with pytest.raises(OnecError) as caught:
        onec_reader.open_workbook((data / "osv_62.xls").read_bytes(), max_size=1000)
    assert caught.value.key == "too_large"


def test_not_excel():
    with pytest.raises(OnecError) as caught:
        onec_reader.open_workbook(b"\xef\xbb\xbf;;")
    assert caught.value.key == "unknown_format"


def test_manual_mapping_replaces_detection(data):
    detected = _parse(data, "settlements_by_document.xls")[0].mapping
    # the user says the "Срок оплаты" column holds the amount: the date cells are no amounts
    mapping = {**{k: v for k, v in detected.items() if k not in ("amount", "due_date")}, "amount": 4}
    analysis, records = _parse(data, "settlements_by_document.xls", mapping=mapping)
    assert analysis.mapping == mapping and analysis.is_sure
    assert (records[0].error.key, records[0].error.column) == ("bad_amount", "Срок оплаты")
    # and without any amount column, every document lacks its amount
    mapping.pop("amount")
    analysis, records = _parse(data, "settlements_by_document.xls", mapping=mapping, layout="settlements")
    assert not analysis.is_sure
    assert {r.error.key for r in records} == {"missing_amount"}


def test_map_columns_two_row_header():
    columns, mapping, _scores = onec_layout.map_columns(
        ["Счет", "Сальдо на начало периода", None, "Сальдо на конец периода", None],
        [None, "Дебет", "Кредит", "Дебет", "Кредит"],
    )
    assert mapping == {"name": 0, "start_debit": 1, "start_credit": 2, "end_debit": 3, "end_credit": 4}
    assert columns[4] == "Кредит"


def test_english_header():
    _columns, mapping, scores = onec_layout.map_columns(["Customer", "INN", "Invoice", "Due date", "Amount"])
    assert mapping == {"name": 0, "inn": 1, "document": 2, "due_date": 3, "amount": 4}
    assert onec_layout.detect_layout(mapping, "") == "settlements"
    assert onec_layout.confidence_of("settlements", mapping, scores) == 1.0


def test_streams_large_xlsx_with_flat_memory(tmp_path):
    """5,000 rows: the records come out one by one; memory does not grow with the row count."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Расчеты")
    sheet.append(["Контрагент", "ИНН", "Документ", "Сумма"])
    for index in range(5000):
        sheet.append([f"ООО «Клиент {index}»", "", f"Реализация товаров и услуг {index:08d} от 01.03.2026",
                      f"{index},50"])
    path = tmp_path / "large.xlsx"
    book.save(path)
    workbook = onec_reader.open_workbook(path.read_bytes())
    analysis = onec_layout.parse(workbook)
    tracemalloc.start()
    count = 0
    for count, _record in enumerate(analysis.records, start=1):  # noqa: B007
        if count == 1000:
            early = tracemalloc.get_traced_memory()[0]
    late = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert count == 5000
    assert late - early < 8 * 1024 * 1024  # the duplicate index only (a key per row), no cells kept


def _xlsx_with_sheet_data(tmp_path, sheet_data, shared_strings=()):
    """An .xlsx saved by openpyxl whose first sheet's ``<sheetData>`` is replaced by ``sheet_data``."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Лист1"
    book.active["A1"] = "x"
    path = tmp_path / "raw.xlsx"
    book.save(path)
    out = tmp_path / "edited.xlsx"
    strings = "".join(f"<si>{item}</si>" for item in shared_strings)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb"<sheetData>.*</sheetData>", f"<sheetData>{sheet_data}</sheetData>".encode(),
                                 content.replace(b"<sheetData/>", b"<sheetData></sheetData>"), flags=re.S)
            elif item.filename == "[Content_Types].xml" and shared_strings:
                content = content.replace(b"</Types>", (
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
            target.writestr(item, content)
        if shared_strings:
            target.writestr("xl/sharedStrings.xml", (
                '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f"{strings}</sst>").encode())
    return out.read_bytes()


def test_xlsx_cells_read_like_excel_writes_them(tmp_path):
    """Inline and rich strings, shared strings, cells and rows without references, formulas, bools, errors."""
    content = _xlsx_with_sheet_data(tmp_path, (
        '<row r="2" outlineLevel="1"><c r="A2" t="inlineStr"><is><t>ООО </t><r><t>Рома</t></r><r><t>шка</t></r>'
        '<rPh><t>ignored?</t></rPh></is></c><c r="C2" t="s"><v>1</v></c><c r="D2" t="str"><f>A1</f><v>7701</v></c>'
        '<c r="E2" t="b"><v>1</v></c><c r="F2" t="e"><v>#N/A</v></c><c r="G2"><f>1+1</f></c><c r="H2"><v></v></c>'
        '<c r="I2" t="d"><v>2026-03-12T00:00:00</v></c><c r="AA2"><v>12.5</v></c><c r="j2" t="inlineStr"/></row>'
        '<row><c t="s"><v>0</v></c><c><v>5</v></c><c/><c t="inlineStr"><is><t xml:space="preserve"> a </t></is></c>'
        '</row>'
    ), shared_strings=("<t>Документ</t>", "<r><t>Сум</t></r><r><t>ма</t></r>"))
    workbook = onec_reader.open_workbook(content)
    rows = list(workbook.rows("Лист1"))
    workbook.close()
    (number, values, level), (number2, values2, level2) = rows
    assert (number, level, number2, level2) == (2, 1, 3, 0)
    # every <t> of the inline string counts, the phonetic run's too (as the reader always did)
    assert values[0] == "ООО Ромашкаignored?"
    assert values[1:8] == [None, "Сумма", "7701", True, None, values[6], None]
    assert isinstance(values[6], FormulaWithoutValue) and values[6].formula == "1+1"
    assert values[8] == datetime.datetime(2026, 3, 12)
    assert (len(values), values[26], values[9]) == (27, 12.5, None)
    assert values2 == ["Документ", 5.0, None, " a "]


def test_xlsx_broken_sheet_xml_is_corrupt_after_its_good_rows(tmp_path):
    content = _xlsx_with_sheet_data(tmp_path, (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>ok</t></is></c></row><row r="2"><c r="A2"><v>1</v></row>'))
    workbook = onec_reader.open_workbook(content)
    rows = workbook.rows("Лист1")
    assert next(rows) == (1, ["ok"], 0)
    with pytest.raises(OnecError) as caught:
        next(rows)
    assert (caught.value.key, caught.value.sheet) == ("corrupt", "Лист1")
    assert "mismatched tag" in caught.value.params["detail"]


@pytest.mark.parametrize("text", ["Итого", "ИТОГО:", "Итого по счету 62", "итоговая", "Всего", "всЁго", "(Всего)",
                                  "Total", "TOTAL.", "Subtotal", "total 5", "Прочие итого", "", "ООО «Итого»"])
def test_is_total_fast_path(text):
    label = normalize_label(text)
    assert onec_layout._is_total(text) == (label.startswith("итого") or label.startswith("всего") or label == "total")


@pytest.mark.parametrize("values", [[], [None], ["", " ", "\u00a0\t"], [None, 0.0], [False], ["", "x"],
                                    [FormulaWithoutValue("A1")], [datetime.date(2026, 1, 1)], ["\u200b"]])
def test_has_text_is_any_clean_text(values):
    assert onec_layout._has_text(values) == any(clean_text(v) for v in values)


def test_document_action():
    action = onec_layout.document_action
    assert action("partner", 100.0, None, 0.01) == "none", "a counterparty row has no document"
    assert action("document", None, None, 0.01) == "none"
    assert action("document", 0.0, None, 0.01) == "none", "a paid document is not imported"
    assert action("document", 0.004, None, 0.01) == "none", "below half a kopeck is zero"
    assert action("document", -5000.0, None, 0.01) == "create", "a credit note or prepayment is imported"
    assert action("balance", 45000.0, None, 0.01) == "create"
    assert action("document", 1234567.89, 1234567.89, 0.01) == "same"
    assert action("document", 1234567.89, 1234567.886, 0.01) == "same", "equal in the currency's rounding"
    assert action("balance", 30000.0, 45000.0, 0.01) == "update"
    assert action("document", 0.0, 150.0, 0.01) == "update", "paid since the last file: adjusted to zero"
    assert action("document", 101.0, 100.0, 1.0) == "update"
    assert action("document", 100.4, 100.0, 1.0) == "same", "a currency rounded to whole units"
