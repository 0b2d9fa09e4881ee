"""Issue 17: the shapes real 1C reports take, and the self-check (sample files of data/, see data/README.md).

Trial balances of 62, 62.01, 76.06 with the grouping levels of 1C:Бухгалтерия (Контрагенты / Договоры /
Документы расчетов), the УТ / КА / ERP debt reports, and a file whose subtotals do not add up. Each sample is
read as .xls (outline levels) and .xlsx (the trial balance without outline levels: read by content).
"""

import itertools

import pytest

from crm_receivables.tools import onec_layout, onec_reader
from crm_receivables.tools.onec_values import looks_like_contract, looks_like_document_row

ROMASHKA, VETER, TEHNO = "ООО «Ромашка»", "АО «Северный ветер»", "ООО «ТехноСтрой»"
KUZNETSOVA, VECTOR, URAL = "ИП Кузнецова Мария Петровна", "ООО «Вектор-М»", "ПАО «Уральские машины»"


@pytest.fixture(scope="module")
def data(root):
    return root / "data"


def _parse(data, name, **kwargs):
    workbook = onec_reader.open_workbook((data / name).read_bytes())
    analysis = onec_layout.parse(workbook, **kwargs)
    return analysis, list(analysis.records)


def _summary(records):
    """``[(row, kind, customer, contract, document number, amount)]`` of the records."""
    return [(r.row, r.kind, r.name, r.contract, r.doc_number, r.amount) for r in records]


def _by_customer(records):
    totals = {}
    for record in records:
        totals[record.name] = round(totals.get(record.name, 0.0) + record.amount, 2)
    return totals


@pytest.mark.parametrize("name", ["osv_62_01_contracts.xls", "osv_62_01_contracts.xlsx"])
def test_osv_62_01_by_counterparty_contract_document(data, name):
    """The .xls has outline levels, the .xlsx none: both are read the same way (the xlsx by row content)."""
    analysis, records = _parse(data, name)
    assert (analysis.layout, analysis.account, analysis.header_row) == ("osv_62", "62.01", 5)
    assert analysis.groupings == ["customer", "contract", "document"]
    assert _summary(records) == [
        (13, "document", ROMASHKA, "Основной договор", "00001", 150000.0),
        (14, "document", ROMASHKA, "Основной договор", "00007", 100000.0),
        (17, "document", VETER, "Договор № 12 от 01.02.2026", "00003", 120000.0),
        (18, "document", VETER, "Договор № 12 от 01.02.2026", "00031", 0.0),
        (20, "document", VETER, "Договор поставки № 5 от 10.01.2026", "00045", -30000.0),  # a prepayment
        (23, "document", TEHNO, "Без договора", "00052", -12000.0),  # an unallocated payment
        (25, "document", TEHNO, "Основной договор", "00002", 0.0),
        (28, "document", KUZNETSOVA, "Основной договор", "00002", 45000.0),
    ]
    assert str(records[0].doc_date) == "2026-03-12" and records[0].doc_label.startswith("Реализация (акт, накладная)")
    assert all(r.error is None for r in records)
    # the bug of issue 17: "Договоры" and "Основной договор" were customers, subtotals were added to documents
    customers = {r.name for r in records}
    assert customers == {ROMASHKA, VETER, TEHNO, KUZNETSOVA}
    assert not any(looks_like_contract(customer) or customer == "Договоры" for customer in customers)
    assert sum(r.amount for r in records) == 373000.0, "the file's net balance, not twice it"
    assert _by_customer(records) == {ROMASHKA: 250000.0, VETER: 90000.0, TEHNO: -12000.0, KUZNETSOVA: 45000.0}
    # self-check: every subtotal and the total agree
    assert analysis.check_errors == []
    checks = {(c.kind, c.row): (c.expected, c.computed, c.ok) for c in analysis.checks}
    assert checks[("total", 29)] == (373000.0, 373000.0, True)
    assert checks[("account", 10)] == (373000.0, 373000.0, True)
    assert checks[("customer", 15)] == (90000.0, 90000.0, True)  # Дт 120 000 − Кт 30 000
    assert checks[("contract", 19)] == (-30000.0, -30000.0, True)
    assert len(checks) == 12


def test_osv_bad_subtotals_refused_with_rows_named(data):
    analysis, records = _parse(data, "osv_bad_subtotals.xls")
    failed = [r for r in records if r.check is not None]
    assert [(r.row, r.error.key, r.error.params["label"]) for r in failed] == [
        (11, "check_subtotal", ROMASHKA), (10, "check_subtotal", "62.01")]
    error = failed[0].error
    assert (error.sheet, error.row, error.params["first_row"], error.params["last_row"]) == ("TDSheet", 11, 12, 14)
    assert (error.params["expected"], error.params["computed"]) == ("260\u00a0000,00", "250\u00a0000,00")
    assert [(e.key, e.row) for e in analysis.check_errors] == [("check_subtotal", 11), ("check_subtotal", 10)]
    assert all(r.amount is None and r.kind == "balance" for r in failed), "an error row imports nothing"
    # the caller may read the checks instead of error records
    analysis, records = _parse(data, "osv_bad_subtotals.xlsx", checks_as_records=False)
    assert all(r.check is None and r.error is None for r in records)
    assert [(e.key, e.row) for e in analysis.check_errors] == [("check_subtotal", 11), ("check_subtotal", 10)]


@pytest.mark.parametrize("name", ["osv_76_06.xls", "osv_76_06.xlsx"])
def test_osv_76_06_by_counterparty_only(data, name):
    analysis, records = _parse(data, name)
    assert (analysis.layout, analysis.account, analysis.groupings) == ("osv_62", "76.06", ["customer"])
    assert _summary(records) == [
        (9, "balance", VECTOR, "", "", 64000.0),
        (10, "balance", URAL, "", "", 34000.0),
        (11, "balance", KUZNETSOVA, "", "", -7500.0),  # a credit balance
    ]
    assert [(c.kind, c.expected, c.ok) for c in analysis.checks] == [("account", 90500.0, True),
                                                                     ("total", 90500.0, True)]
    assert len({r.external_key for r in records}) == 3


@pytest.mark.parametrize("name", ["osv_62_documents.xls", "osv_62_documents.xlsx"])
def test_osv_62_with_subaccounts_counterparty_documents(data, name):
    analysis, records = _parse(data, name)
    assert analysis.groupings == ["customer", "document"]
    assert _summary(records) == [
        (12, "document", ROMASHKA, "", "00000098", 150000.0),
        (14, "document", VETER, "", "00000077", 0.0),
        (15, "document", VETER, "", "00000131", 87500.0),
        (18, "document", VETER, "", "00000061", -25000.0),  # an advance on 62.02
    ]
    assert {(c.label, c.row): c.ok for c in analysis.checks} == {
        (ROMASHKA, 11): True, (VETER, 13): True, ("62.01", 10): True, (VETER, 17): True, ("62.02", 16): True,
        ("62", 9): True, ("Итого", 19): True}
    assert sum(r.amount for r in records) == 212500.0


@pytest.mark.parametrize("name", ["ut_debt_aging.xls", "ut_debt_aging.xlsx"])
def test_ut_debt_aging(data, name):
    analysis, records = _parse(data, name)
    assert analysis.layout == "ut_debt_aging" and analysis.is_sure
    assert analysis.groupings == ["partner", "customer", "document"]
    assert [(r.row, r.name, r.partner_group, r.doc_number, str(r.due_date), r.amount, r.overdue, r.overdue_days)
            for r in records] == [
        (8, ROMASHKA, "Ромашка", "00УТ-000101", "2026-03-03", 100000.0, 100000.0, 29),
        (9, ROMASHKA, "Ромашка", "00УТ-000130", "2026-04-19", 80000.0, None, None),
        (12, VECTOR, "Вектор", "00УТ-000110", "2026-04-04", 150000.0, None, None),
        (13, VECTOR, "Вектор", "00УТ-000044", "None", -20000.0, None, None),  # «Наш долг»: a prepayment
        (16, URAL, "Уральские машины", "00УТ-000087", "2026-02-15", 60000.0, 60000.0, 45),
    ]
    assert all(r.kind == "document" and r.error is None for r in records)
    assert str(records[0].doc_date) == "2026-02-01"
    assert analysis.check_errors == []
    assert {(c.kind, c.label): c.expected for c in analysis.checks} == {
        ("customer", ROMASHKA): 180000.0, ("partner", "Ромашка"): 180000.0, ("customer", VECTOR): 130000.0,
        ("partner", "Вектор"): 130000.0, ("customer", URAL): 60000.0, ("partner", "Уральские машины"): 60000.0,
        ("total", "Итого"): 370000.0}


@pytest.mark.parametrize("name", ["ut_settlements_statement.xls", "ut_settlements_statement.xlsx"])
def test_ut_settlements_statement_closing_balance(data, name):
    analysis, records = _parse(data, name)
    assert analysis.layout == "ut_settlements"
    assert {"start_debt": 2, "start_our_debt": 3, "end_debt": 6, "end_our_debt": 7}.items() <= \
        analysis.mapping.items()
    assert _summary(records) == [
        (7, "document", VETER, "", "00УТ-000077", 0.0),  # paid during the period
        (8, "document", VETER, "", "00УТ-000131", 87500.0),
        (10, "document", TEHNO, "", "00УТ-000140", 0.0),
        (11, "document", TEHNO, "", "00УТ-000012", -5000.0),  # an overpayment: our debt
    ]
    assert analysis.check_errors == [] and len(analysis.checks) == 3


def test_flat_xlsx_without_levels_two_level_names(tmp_path):
    """«Партнер, Контрагент» without outline levels: a name row right above another is the partner."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for values in (["Партнер, Контрагент", "Документ расчетов", "Долг клиента", "Просроченный долг"],
                   ["Вектор", None, 300, 0], [VECTOR, None, 300, 0], [None, "Реализация 1 от 01.03.2026", 300, 0],
                   [ROMASHKA, "Реализация 2 от 02.03.2026", 50, 50], ["Итого", None, 350, 50]):
        sheet.append(values)
    path = tmp_path / "flat.xlsx"
    book.save(path)
    analysis = onec_layout.parse(onec_reader.open_workbook(path.read_bytes()))
    records = list(analysis.records)
    assert [(r.name, r.partner_group, r.doc_number, r.amount) for r in records] == [
        (VECTOR, "Вектор", "1", 300.0), (ROMASHKA, "", "2", 50.0)]
    assert all(check.ok for check in analysis.checks) and len(analysis.checks) == 3


@pytest.mark.parametrize(("text", "contract", "document"), [
    ("Основной договор", True, False), ("Договор № 12 от 01.02.2024", True, False), ("Без договора", True, False),
    ("<Без договора>", True, False), ("Договор поставки № 5 от 10.01.2026", True, False),
    ("Реализация (акт, накладная) 00001 от 12.03.2024", False, True),
    ("Поступление на расчетный счет 00045 от 25.03.2026", False, True),
    ("Поступление на расчетный счет", False, True), ("Корректировка долга", False, True),
    ("Ввод остатков", False, True), (ROMASHKA, False, False), ("ИП Договоров", False, False),
    ("Авангард ООО", False, False),
])
def test_row_content(text, contract, document):
    assert looks_like_contract(text) is contract
    assert looks_like_document_row(text) is document


def test_forced_header_row_and_candidates(data):
    """A header the detection cannot find: candidates offered, the chosen row forced, the columns mapped."""
    workbook = onec_reader.open_workbook((data / "ut_debt_aging.xlsx").read_bytes())
    candidates = onec_layout.header_candidates(workbook)
    best = candidates[0]
    assert (best.index, best.row, best.layout) == (4, 5, "ut_debt_aging")
    assert all(best.score > other.score for other in candidates[1:])
    assert best.signature == onec_layout.parse(workbook).signature
    # a header named in words no synonym knows: no header found, then forced with a manual mapping
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Отчет"])
    sheet.append(["Кто", "Что", "Сколько"])
    sheet.append([ROMASHKA, "Реализация 5 от 01.03.2026", "1 000,50"])
    content = _save(book)
    with pytest.raises(onec_layout.OnecError) as caught:
        onec_layout.parse(onec_reader.open_workbook(content))
    assert caught.value.key == "no_header"
    analysis = onec_layout.parse(onec_reader.open_workbook(content), header_row=1,
                                 mapping={"name": 0, "document": 1, "amount": 2}, layout="settlements")
    assert (analysis.header_row, analysis.header_forced, analysis.columns) == (2, True, ["Кто", "Что", "Сколько"])
    (record,) = analysis.records
    assert (record.name, record.doc_number, record.amount) == (ROMASHKA, "5", 1000.5)
    # forcing a row that is not there
    with pytest.raises(onec_layout.OnecError):
        onec_layout.parse(onec_reader.open_workbook(content), header_row=10)


def _save(book):
    import io  # noqa: PLC0415

    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def test_shape_signature_is_stable():
    sign = onec_layout.shape_signature
    assert sign(["Контрагент", "Сумма", "", None]) == sign(["  контрагент ", "СУММА:"])
    assert sign(["Счёт", "Дебет"]) == sign(["Счет", "Дебет"])
    assert sign(["Контрагент", "Сумма"]) != sign(["Сумма", "Контрагент"])
    assert sign([]) == sign([None, ""]) == ""
    assert len(sign(["Контрагент"])) == 16


def test_one_row_period_labels_and_longest_synonym():
    _columns, mapping, scores = onec_layout.map_columns([
        "Клиент", "Долг клиента на начало периода", "Долг клиента на конец периода", "Наш долг на конец периода"])
    assert mapping == {"name": 0, "start_debt": 1, "end_debt": 2, "end_our_debt": 3}
    assert onec_layout.detect_layout(mapping, "") == "ut_settlements"
    assert onec_layout.confidence_of("ut_settlements", mapping, scores) == 1.0
    assert onec_layout.match_label("Долг клиента по договору") == ("debt", 0.7)


def test_settlements_subtotal_checked(data):
    """The settlements sample: the group row of Уральские машины (310 000) equals its three documents."""
    analysis, records = _parse(data, "settlements_by_document.xls")
    assert [(c.label, c.row, c.expected, c.ok) for c in analysis.checks] == [
        (URAL, 7, 310000.0, True), ("Итого", 12, 2779135.78, True)]
    assert len(records) == 5


def test_layouts_are_extensible():
    assert set(onec_layout.LAYOUTS) == set(onec_layout.BUILDERS) == set(onec_layout.REQUIRED)
    assert set(itertools.chain.from_iterable(itertools.chain.from_iterable(onec_layout.REQUIRED.values()))) <= \
        set(onec_layout.MAPPABLE_FIELDS) | {"start_debit"}


def test_partner_and_contract_columns_of_a_flat_report():
    """«Расчеты с клиентами» saved flat: partner, counterparty, contract and document in their own columns."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Расчеты с клиентами"])
    sheet.append([])
    sheet.append(["Партнер", "Контрагент", "Договор", "Документ расчетов", "Дата платежа", "Долг клиента",
                  "Наш долг"])
    sheet.append(["Вектор", VECTOR, "Основной договор", "Реализация 00УТ-1 от 01.03.2026", "31.03.2026", 100, None])
    sheet.append(["Вектор", VECTOR, "Договор № 7", "Реализация 00УТ-2 от 02.03.2026", "01.04.2026", 50, None])
    sheet.append(["Вектор", VECTOR, "Договор № 7", "Поступление на расчетный счет 9 от 03.03.2026", None, None, 20])
    sheet.append(["Итого", None, None, None, None, 150, 20])
    analysis = onec_layout.parse(onec_reader.open_workbook(_save(book)))
    assert analysis.layout == "ut_settlements" and analysis.mapping["partner"] == 0
    records = list(analysis.records)
    assert [(r.name, r.partner_group, r.contract, r.doc_number, str(r.due_date), r.amount) for r in records] == [
        (VECTOR, "Вектор", "Основной договор", "00УТ-1", "2026-03-31", 100.0),
        (VECTOR, "Вектор", "Договор № 7", "00УТ-2", "2026-04-01", 50.0),
        (VECTOR, "Вектор", "Договор № 7", "9", "None", -20.0),
    ]
    assert [(c.kind, c.expected, c.ok) for c in analysis.checks] == [("total", 130.0, True)]


@pytest.mark.parametrize("indented", [True, False])
def test_indent_gives_the_level_when_there_is_no_outline(indented):
    """A trial balance re-saved without outline levels but with 1C's indents: a contract named in words no rule
    knows («Поставка 2026») is read as the contract it is by its indent; without the indent it would be taken
    for a customer — and the self-check says so."""
    openpyxl = pytest.importorskip("openpyxl")
    from openpyxl.styles import Alignment  # noqa: PLC0415

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Оборотно-сальдовая ведомость по счету 62.01"])
    sheet.append(["Счет", "Сальдо на конец периода", None])
    sheet.append([None, "Дебет", "Кредит"])
    for level, values in ((0, ["Контрагенты"]), (0, ["Договоры"]), (0, ["Документы расчетов с контрагентами"]),
                          (1, [ROMASHKA, 300.0]), (2, ["Поставка 2026", 300.0]),
                          (3, ["Реализация (акт, накладная) 1 от 01.03.2026", 100.0]),
                          (3, ["Реализация (акт, накладная) 2 от 02.03.2026", 200.0]), (0, ["Итого", 300.0])):
        sheet.append(values)
        if indented and level:
            sheet.cell(sheet.max_row, 1).alignment = Alignment(indent=level)
    analysis = onec_layout.parse(onec_reader.open_workbook(_save(book)))
    records = list(analysis.records)
    if indented:
        assert [(r.name, r.contract, r.doc_number, r.amount) for r in records] == [
            (ROMASHKA, "Поставка 2026", "1", 100.0), (ROMASHKA, "Поставка 2026", "2", 200.0)]
        assert analysis.check_errors == []
    else:
        assert {r.name for r in records if r.check is None} == {ROMASHKA, "Поставка 2026"}, "a fake customer"
        assert [(e.key, e.row, e.params["computed"]) for e in analysis.check_errors] == [
            ("check_total", 11, "600,00")], "refused: the total is counted twice"
