"""Issue 17: a header detection cannot find, picked and mapped by the user; a saved mapping found again.

The file is a debt report with titles no synonym knows («Организация-плательщик», «Рег. номер
налогоплательщика», «Счёт-фактура», «Оплатить не позднее», «К оплате, руб.», «Просрочка, руб.»), built here
with openpyxl (synthetic companies, valid ИНН check digits).
"""

import datetime
import io

import openpyxl
import pytest

from crm_receivables.tools import onec_layout, onec_mapping, onec_reader
from crm_receivables.tools.onec_values import OnecError

HEADER = ("Организация-плательщик", "Рег. номер налогоплательщика", "Счёт-фактура", "Оплатить не позднее",
          "К оплате, руб.", "Просрочка, руб.")
MAPPING = {"name": 0, "inn": 1, "document": 2, "due_date": 3, "amount": 4, "overdue": 5}


def _inn10(number):
    prefix = f"{770000000 + number:09d}"
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return prefix + str(sum(int(digit) * weight for digit, weight in zip(prefix, weights, strict=True)) % 11 % 10)


def unusual_report(rows, title_lines=("Дебиторка по клиентам на 31.03.2026",), total=None):
    """An .xlsx whose header no synonym matches; ``rows``: (name, inn, document, due date, amount, overdue)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Дебиторка"
    for line in title_lines:
        sheet.append([line])
    sheet.append([])
    sheet.append(list(HEADER))
    for row in rows:
        sheet.append(list(row))
    if total is not None:
        sheet.append(["Итого", None, None, None, total, None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FIRST = [
    ("ООО «Листопад»", _inn10(11), "Реализация товаров и услуг 00ЛП-000011 от 15.01.2026",
     datetime.datetime(2026, 2, 14), 120000.0, 120000.0),
    ("ООО «Листопад»", _inn10(11), "Реализация товаров и услуг 00ЛП-000019 от 02.03.2026",
     datetime.datetime(2026, 4, 1), 30500.5, 0.0),
    ("АО «Зимний сад»", _inn10(12), "Реализация товаров и услуг 00ЛП-000024 от 10.03.2026",
     datetime.datetime(2026, 4, 9), 75000.0, 0.0),
]


def _open(content):
    return onec_reader.open_workbook(content)


def test_detection_cannot_find_the_header():
    with pytest.raises(OnecError) as caught:
        onec_layout.parse(_open(unusual_report(FIRST, total=225500.5)))
    assert caught.value.key == "no_header"


def test_header_choices_list_the_first_rows_and_suggest_one():
    sheet, choices = onec_mapping.header_choices(_open(unusual_report(FIRST, total=225500.5)))
    assert sheet == "Дебиторка"
    assert [choice.row for choice in choices][:3] == [1, 3, 4]
    assert choices[0].text == "Дебиторка по клиентам на 31.03.2026"
    assert choices[1].text.startswith("Организация-плательщик | Рег. номер налогоплательщика | Счёт-фактура")
    assert sum(choice.suggested for choice in choices) == 1


def test_columns_at_the_picked_row_and_the_user_mapping_parse_the_file():
    workbook = _open(unusual_report(FIRST, total=225500.5))
    header = onec_mapping.columns_at(workbook, "Дебиторка", 3)
    assert header.columns == list(HEADER)
    assert header.signature == onec_layout.shape_signature(HEADER)
    assert header.layout is None, "detection alone finds no layout at this row"
    mapping = onec_mapping.mapping_from_columns(
        [(0, "name"), (1, "inn"), (2, "document"), (3, "due_date"), (4, "amount"), (5, "overdue")], header.columns)
    assert mapping == MAPPING
    layout = onec_mapping.check_mapping(mapping)
    assert layout == "settlements"
    analysis = onec_layout.parse(workbook, sheet="Дебиторка", mapping=mapping, layout=layout, header_row=2)
    records = list(analysis.records)
    assert [(r.row, r.name, r.doc_number, r.due_date, r.amount, r.error) for r in records] == [
        (4, "ООО «Листопад»", "00ЛП-000011", datetime.date(2026, 2, 14), 120000.0, None),
        (5, "ООО «Листопад»", "00ЛП-000019", datetime.date(2026, 4, 1), 30500.5, None),
        (6, "АО «Зимний сад»", "00ЛП-000024", datetime.date(2026, 4, 9), 75000.0, None),
    ]
    assert [(check.kind, check.ok, check.expected) for check in analysis.checks] == [("total", True, 225500.5)]
    assert analysis.signature == header.signature


def test_the_self_check_still_applies_to_a_user_mapping():
    workbook = _open(unusual_report(FIRST, total=999.0))
    analysis = onec_layout.parse(workbook, mapping=MAPPING, layout="settlements", header_row=2)
    errors = [record.error for record in analysis.records if record.error]
    assert [(error.key, error.row) for error in errors] == [("check_total", 7)]


def test_an_amount_mapped_to_a_text_column_names_the_row_and_column():
    workbook = _open(unusual_report(FIRST))
    mapping = {"name": 0, "inn": 1, "amount": 2}
    analysis = onec_layout.parse(workbook, mapping=mapping, layout=onec_mapping.check_mapping(mapping),
                                 header_row=2)
    errors = [record.error for record in analysis.records if record.error]
    assert errors, "every row fails"
    first = errors[0]
    assert (first.key, first.row, first.column) == ("bad_amount", 4, "Счёт-фактура")
    assert first.params["value"].startswith("Реализация товаров и услуг 00ЛП-000011")


def test_mapping_errors():
    with pytest.raises(OnecError) as caught:
        onec_mapping.mapping_from_columns([(4, "amount"), (5, "amount")], list(HEADER))
    assert caught.value.key == "mapping_duplicate"
    assert (caught.value.column, caught.value.params["first_column"]) == (
        "F (Просрочка, руб.)", "E (К оплате, руб.)")
    with pytest.raises(OnecError) as caught:
        onec_mapping.mapping_from_columns([(0, "no_such_field")])
    assert caught.value.key == "mapping_unknown_field"
    with pytest.raises(OnecError) as caught:
        onec_mapping.check_mapping({})
    assert caught.value.key == "mapping_empty"
    with pytest.raises(OnecError) as caught:
        onec_mapping.check_mapping({"inn": 1, "document": 2})
    assert (caught.value.key, caught.value.params["missing"]) == ("mapping_no_layout", ["name", "amount"])
    with pytest.raises(OnecError) as caught:
        onec_mapping.check_mapping({"name": 0, "inn": 1}, layout="osv_62")
    assert (caught.value.key, caught.value.params["missing"]) == ("mapping_missing", ["end_debit / end_credit"])
    assert onec_mapping.check_mapping({"name": 0, "debt": 4, "overdue": 5}) == "ut_debt_aging"
    assert onec_mapping.check_mapping({"name": 0, "inn": 1, "phone": 2}) == "counterparties"


def test_columns_at_an_empty_or_missing_row():
    workbook = _open(unusual_report(FIRST))
    for row in (0, 2, 500):
        with pytest.raises(OnecError) as caught:
            onec_mapping.columns_at(workbook, "Дебиторка", row)
        assert (caught.value.key, caught.value.row) == ("header_row_empty", row)
    with pytest.raises(OnecError) as caught:
        onec_mapping.columns_at(workbook, "Лист9", 3)
    assert caught.value.key == "sheet_not_found"


def test_saved_mapping_found_for_the_next_file_of_the_same_shape():
    signature = onec_layout.shape_signature(HEADER)
    second = unusual_report(
        [("ООО «Капель»", _inn10(13), "Реализация товаров и услуг 00ЛП-000031 от 01.04.2026",
          datetime.datetime(2026, 5, 1), 5000.0, 0.0)],
        title_lines=("Дебиторка по клиентам на 30.04.2026", "Организация: ООО «Пример»"),
    )
    saved = [(7, "0123456789abcdef", ""), (8, signature, "Другой лист"), (9, signature, "Дебиторка")]
    key, candidate = onec_mapping.find_saved_mapping(_open(second), saved)
    assert key == 9, "the mapping saved for the same sheet wins"
    assert (candidate.sheet, candidate.row, candidate.index) == ("Дебиторка", 4, 3), "the header moved down"
    key, _candidate = onec_mapping.find_saved_mapping(_open(second), saved[:2])
    assert key == 8, "a mapping saved on another sheet name still fits the same header"
    assert onec_mapping.find_saved_mapping(_open(second), saved[:1]) is None
    assert onec_mapping.find_saved_mapping(_open(second), []) is None
    other_shape = unusual_report(FIRST)
    assert onec_mapping.find_saved_mapping(_open(other_shape), [(1, onec_layout.shape_signature(HEADER[:5]), "")]) \
        is None


def test_match_saved_mapping_prefers_the_top_row():
    candidates = [
        onec_layout.HeaderCandidate("A", 9, 10, 1.0, None, [], {}, "s1"),
        onec_layout.HeaderCandidate("A", 2, 3, 0.1, None, [], {}, "s1"),
    ]
    key, candidate = onec_mapping.match_saved_mapping(candidates, [("m", "s1", "")])
    assert (key, candidate.row) == ("m", 3)
    assert onec_mapping.match_saved_mapping(candidates, [("m", "", "")]) is None
