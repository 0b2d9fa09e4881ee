"""Build the sample 1C exports of ``data/`` (synthetic companies, valid ИНН check digits).

Run from the repository root: ``python data/generate_samples.py``. The output is deterministic: same code,
same files (xlwt and openpyxl write no timestamps that change the parsed content). The files imitate what 1C
saves — title rows, merged header cells, two-row headers, outline levels, totals rows, amounts as text —
and the bad-input files cover the errors the import must report.
"""

import datetime
from pathlib import Path

import openpyxl
import xlwt

HERE = Path(__file__).resolve().parent
OUR_COMPANY = "ООО «Альфа-Трейд»"


def _inn10(prefix):
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return prefix + str(sum(int(d) * w for d, w in zip(prefix, weights, strict=False)) % 11 % 10)


def _inn12(prefix):
    w11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    w12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    first = prefix + str(sum(int(d) * w for d, w in zip(prefix, w11, strict=False)) % 11 % 10)
    return first + str(sum(int(d) * w for d, w in zip(first, w12, strict=False)) % 11 % 10)


#: name, ИНН, КПП, phone as a person would type it, e-mail, address
COMPANIES = [
    ("ООО «Ромашка»", _inn10("770101234"), "770101001", "8 (922) 601-17-45", "info@romashka.example",
     "г. Москва, ул. Ленина, д. 1"),
    ("АО «Северный ветер»", _inn10("781002345"), "781001001", "+7 812 555-12-34", "buh@nwind.example",
     "г. Санкт-Петербург, Невский пр., д. 10"),
    ("ООО «ТехноСтрой»", _inn10("667003456"), "667001001", "+7(343)210-10-10", "office@tstroy.example",
     "г. Екатеринбург, ул. Мира, д. 5"),
    ("ИП Кузнецова Мария Петровна", _inn12("5401234567"), "", "89123456700", "kuznetsova@mail.example",
     "г. Новосибирск, Красный пр., д. 3, кв. 7"),
    ("ООО «Вектор-М»", _inn10("502004567"), "502001001", "8-495-701-88-12", "Sales@Vector-M.example",
     "Московская обл., г. Химки, ул. Заводская, д. 2"),
    ("ПАО «Уральские машины»", _inn10("745005678"), "745101001", "+7 351 700 00 01", "",
     "г. Челябинск, пр. Ленина, д. 77"),
]
ROMASHKA, VETER, TEHNO, KUZNETSOVA, VECTOR, URAL = COMPANIES

BOLD = xlwt.easyxf("font: bold on; align: horiz center, vert center, wrap on; borders: left thin, right thin, "
                   "top thin, bottom thin")
TITLE = xlwt.easyxf("font: bold on, height 280")
MONEY = xlwt.easyxf(num_format_str="#,##0.00")
DATE = xlwt.easyxf(num_format_str="DD.MM.YYYY")


def _save_xls(book, name):
    book.save(str(HERE / name))


def build_osv_62():
    """Оборотно-сальдовая ведомость по счету 62 with counterparty and document sub-rows."""
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("TDSheet")
    ws.write_merge(0, 0, 0, 7, f"{OUR_COMPANY}", TITLE)
    ws.write_merge(1, 1, 0, 7, "Оборотно-сальдовая ведомость по счету 62 за 1 квартал 2026 г.", TITLE)
    ws.write_merge(2, 2, 0, 7, "Выводимые данные: БУ (данные бухгалтерского учета)")
    ws.write_merge(4, 5, 0, 0, "Счет", BOLD)
    ws.write_merge(4, 5, 1, 1, "ИНН", BOLD)
    ws.write_merge(4, 4, 2, 3, "Сальдо на начало периода", BOLD)
    ws.write_merge(4, 4, 4, 5, "Обороты за период", BOLD)
    ws.write_merge(4, 4, 6, 7, "Сальдо на конец периода", BOLD)
    for col, label in enumerate(("Дебет", "Кредит") * 3, start=2):
        ws.write(5, col, label, BOLD)
    ws.write(6, 0, "Контрагенты")
    ws.write(7, 0, "Документы расчетов с контрагентами")
    rows = [
        # level, text, inn, start debit, start credit, turnover debit, turnover credit, end debit, end credit
        (0, "62", "", 60000.0, 0, 1542067.89, 90000.0, 1517067.89, 5000.0),
        (1, ROMASHKA[0], ROMASHKA[1], 0, 0, 1384567.89, 0, 1384567.89, 0),
        (2, "Реализация товаров и услуг 00000098 от 20.02.2026 0:00:00", "", 0, 0, 150000.0, 0, 150000.0, 0),
        (2, "Реализация товаров и услуг 00000123 от 12.03.2026 0:00:00", "", 0, 0, 1234567.89, 0, 1234567.89, 0),
        (1, VETER[0], VETER[1], 40000.0, 0, 87500.0, 40000.0, 87500.0, 0),
        (2, "Реализация товаров и услуг 00000077 от 15.01.2026 0:00:00", "", 40000.0, 0, 0, 40000.0, 0, 0),
        (2, "Реализация товаров и услуг 00000131 от 18.03.2026 0:00:00", "", 0, 0, 87500.0, 0, 87500.0, 0),
        (1, TEHNO[0], TEHNO[1], 20000.0, 0, 70000.0, 45000.0, 45000.0, 0),
        (1, KUZNETSOVA[0], KUZNETSOVA[1], 0, 0, 0, 5000.0, 0, 5000.0),
    ]
    row = 8
    for level, text, inn, *amounts in rows:
        ws.write(row, 0, text)
        ws.write(row, 1, inn)
        for col, amount in enumerate(amounts, start=2):
            if amount:
                ws.write(row, col, amount, MONEY)
        ws.row(row).level = level
        row += 1
    ws.write(row, 0, "Итого", BOLD)
    for col, amount in enumerate(rows[0][3:], start=2):
        if amount:
            ws.write(row, col, amount, MONEY)
    _save_xls(book, "osv_62.xls")


SETTLEMENT_HEADER = ("Контрагент", "ИНН", "КПП", "Документ", "Срок оплаты", "Сумма", "Валюта")


def _settlement_rows():
    return [
        # name, inn, kpp, document, due date, amount, currency
        (VECTOR[0], VECTOR[1], VECTOR[2], "Реализация товаров и услуг 00000140 от 02.03.2026",
         datetime.date(2026, 4, 1), "1\u00a0234\u00a0567,89", "руб."),
        (URAL[0], URAL[1], URAL[2], "", None, "310 000,00", "руб."),
        ("", "", "", "Реализация товаров и услуг 00000150 от 10.03.2026", "10.04.2026", "300 000,00", "руб."),
        ("", "", "", "Реализация товаров и услуг 00000152 от 20.03.2026", 46142, "15 000,00", "RUB"),
        ("", "", "", "Возврат товаров от покупателя 00000003 от 25.03.2026", None, "(5 000,00)", "руб."),
        (ROMASHKA[0], ROMASHKA[1], ROMASHKA[2], "Реализация товаров и услуг 00000123 от 12.03.2026",
         datetime.date(2026, 4, 11), 1234567.89, "643"),
    ]


def _write_settlements(name, rows, total="2 779 135,78"):
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Расчеты с покупателями")
    ws.write_merge(0, 0, 0, 6, "Расчеты с покупателями", TITLE)
    ws.write_merge(1, 1, 0, 6, "Анализ субконто: Контрагенты, Документы расчетов с контрагентами")
    ws.write_merge(2, 2, 0, 6, "Период: 01.01.2026 - 31.03.2026")
    for col, label in enumerate(SETTLEMENT_HEADER):
        ws.write(4, col, label, BOLD)
    row = 5
    for values in rows:
        for col, value in enumerate(values):
            if value in (None, ""):
                continue
            if isinstance(value, datetime.date):
                ws.write(row, col, value, DATE)
            else:
                ws.write(row, col, value)
        ws.row(row).level = 2 if not values[0] else 1
        row += 1
    ws.write(row, 0, "Итого", BOLD)
    ws.write(row, 5, total)
    _save_xls(book, name)


def build_settlements():
    _write_settlements("settlements_by_document.xls", _settlement_rows())


def _write_act(name, period, lines, closing):
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Акт сверки")
    ws.write_merge(0, 0, 0, 7, "Акт сверки", TITLE)
    ws.write_merge(1, 1, 0, 7, f"взаимных расчетов за период: {period}")
    ws.write_merge(2, 2, 0, 7, f"между {OUR_COMPANY} и {TEHNO[0]}")
    ws.write_merge(3, 3, 0, 7, f"Контрагент: {TEHNO[0]}, ИНН {TEHNO[1]}, КПП {TEHNO[2]}")
    ws.write_merge(4, 4, 0, 7, "по договору Основной договор")
    ws.write_merge(6, 6, 0, 3, f"По данным {OUR_COMPANY}, руб.", BOLD)
    ws.write_merge(6, 6, 4, 7, f"По данным {TEHNO[0]}, руб.", BOLD)
    for col, label in enumerate(("Дата", "Документ", "Дебет", "Кредит") * 2):
        ws.write(7, col, label, BOLD)
    row = 8
    for date, text, debit, credit in lines:
        if date:
            ws.write(row, 0, date)
        ws.write(row, 1, text)
        if debit:
            ws.write(row, 2, debit)
        if credit:
            ws.write(row, 3, credit)
        row += 1
    ws.write_merge(row + 1, row + 1, 0, 7, f"По данным {OUR_COMPANY} на {period[-10:]} задолженность в пользу "
                   f"{OUR_COMPANY} {closing} руб.")
    _save_xls(book, name)


def build_reconciliation_act():
    _write_act("reconciliation_act.xls", "01.01.2026 - 31.03.2026", [
        ("", "Сальдо начальное", "20 000,00", ""),
        ("15.01.2026", "Продажа (00000101 от 15.01.2026)", "70 000,00", ""),
        ("01.02.2026", "Оплата (Платежное поручение 00000045 от 01.02.2026)", "", "45 000,00"),
        ("", "Обороты за период", "70 000,00", "45 000,00"),
        ("", "Сальдо конечное", "45 000,00", ""),
    ], "45 000,00")
    # the next quarter: the customer paid 15 000, the balance goes down to 30 000
    _write_act("reconciliation_act_q2.xls", "01.04.2026 - 30.06.2026", [
        ("", "Сальдо начальное", "45 000,00", ""),
        ("10.04.2026", "Оплата (Платежное поручение 00000071 от 10.04.2026)", "", "15 000,00"),
        ("", "Обороты за период", "", "15 000,00"),
        ("", "Сальдо конечное", "30 000,00", ""),
    ], "30 000,00")


COUNTERPARTY_HEADER = ("Наименование", "ИНН", "КПП", "Телефон", "E-mail", "Адрес")


def _write_counterparties(name, rows):
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Примечания"
    notes["A1"] = "Выгрузка из 1С:Бухгалтерия 3.0"
    notes["A2"] = "Справочник «Контрагенты» на листе «Контрагенты»"
    ws = book.create_sheet("Контрагенты")
    ws["A1"] = "Контрагенты"
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append(COUNTERPARTY_HEADER)
    for values in rows:
        ws.append(list(values))
    book.properties.created = datetime.datetime(2026, 4, 1)
    book.properties.modified = datetime.datetime(2026, 4, 1)
    book.save(str(HERE / name))


def build_counterparties():
    _write_counterparties("counterparties.xlsx", COMPANIES)


def build_bad_inputs():
    # an empty workbook
    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("Лист1")
    _save_xls(book, "empty.xls")
    # title rows and notes, no header anywhere
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Лист1")
    ws.write(0, 0, "Отчет сформирован 01.04.2026")
    ws.write(1, 0, "Данные не найдены")
    ws.write(3, 2, "Ответственный: Иванов И. И.")
    _save_xls(book, "no_header.xls")
    # an invalid ИНН check digit on the 2nd company (row 5)
    bad = list(COMPANIES)
    bad[1] = (VETER[0], VETER[1][:-1] + str((int(VETER[1][-1]) + 1) % 10), *VETER[2:])
    _write_counterparties("bad_inn.xlsx", bad)
    # the same ИНН twice (rows 4 and 7)
    _write_counterparties("duplicates.xlsx", [*COMPANIES[:3], COMPANIES[0]])
    # words in the amount column (row 7)
    rows = _settlement_rows()
    rows[2] = (*rows[2][:5], "триста тысяч", "руб.")
    _write_settlements("text_in_amount.xls", rows)
    # a currency 1C users type but no bank knows (row 6)
    rows = _settlement_rows()
    rows[0] = (*rows[0][:6], "у.е.")
    _write_settlements("unknown_currency.xls", rows)
    # formulas saved without their computed values (openpyxl never calculates)
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Расчеты"
    ws.append(["Расчеты с покупателями"])
    ws.append([])
    ws.append(list(SETTLEMENT_HEADER))
    ws.append([VECTOR[0], VECTOR[1], VECTOR[2], "Реализация товаров и услуг 00000140 от 02.03.2026", "01.04.2026",
               "=1000*1234.56789", "руб."])
    book.properties.created = datetime.datetime(2026, 4, 1)
    book.properties.modified = datetime.datetime(2026, 4, 1)
    book.save(str(HERE / "formulas.xlsx"))
    # a truncated .xls (a download that broke off)
    content = (HERE / "osv_62.xls").read_bytes()
    (HERE / "corrupt.xls").write_bytes(content[:1536])
    # a password-protected .xlsx (password "1c"): the counterparty list encrypted as Excel does (ECMA-376 agile
    # encryption, an OLE compound file with EncryptionInfo / EncryptedPackage streams) by msoffcrypto-tool. The
    # tool is needed only to rebuild this file (`pip install msoffcrypto-tool`); without it the file is kept.
    try:
        from msoffcrypto.format.ooxml import OOXMLFile  # noqa: PLC0415
    except ImportError:
        print("msoffcrypto-tool is not installed: data/encrypted.xlsx is kept as it is")
        return
    with open(HERE / "counterparties.xlsx", "rb") as plain, open(HERE / "encrypted.xlsx", "wb") as encrypted:
        OOXMLFile(plain).encrypt("1c", encrypted)

# ------------------------------------------------------------------------------------------------------
# Issue 17: the shapes real 1C reports take (trial balances grouped by contract and document, УТ reports)
# ------------------------------------------------------------------------------------------------------
def _write_both(name, sheet_name, title, header, rows, total=None, levels=(True, True), widths=None):
    """Write the same report as ``<name>.xls`` (xlwt) and ``<name>.xlsx`` (openpyxl).

    :param list title: title lines (one merged row each), then an empty row
    :param list header: header rows; a cell is text, ``None`` (empty) or ``(text, span)`` merged to the right
    :param list rows: ``(level, values)``: values as written (text, float, date)
    :param tuple total: the «Итого» row values, or ``None``
    :param tuple levels: write outline levels in (.xls, .xlsx): 1C writes them, a re-saved file may not
    """
    width = max(len(values) for _level, values in rows)
    # .xls
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet(sheet_name)
    for index, line in enumerate(title):
        ws.write_merge(index, index, 0, width - 1, line, TITLE if index < 2 else xlwt.Style.default_style)
    row = len(title) + 1
    for header_row in header:
        col = 0
        for cell in header_row:
            text, span = cell if isinstance(cell, tuple) else (cell, 1)
            if span > 1:
                ws.write_merge(row, row, col, col + span - 1, text, BOLD)
            elif text is not None:
                ws.write(row, col, text, BOLD)
            col += span
        row += 1
    for level, values in [*rows, *([(0, total)] if total else [])]:
        for col, value in enumerate(values):
            if value in (None, ""):
                continue
            if isinstance(value, datetime.date):
                ws.write(row, col, value, DATE)
            elif isinstance(value, float):
                ws.write(row, col, value, MONEY)
            else:
                ws.write(row, col, value)
        if levels[0] and level:
            ws.row(row).level = level
        row += 1
    _save_xls(book, f"{name}.xls")
    # .xlsx
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet_name
    for line in title:
        ws.append([line])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    ws.append([])
    for header_row in header:
        cells = []
        merges = []
        for cell in header_row:
            text, span = cell if isinstance(cell, tuple) else (cell, 1)
            if span > 1:
                merges.append((len(cells) + 1, len(cells) + span))
            cells += [text] + [None] * (span - 1)
        ws.append(cells)
        for first, last in merges:
            ws.merge_cells(start_row=ws.max_row, start_column=first, end_row=ws.max_row, end_column=last)
    for level, values in [*rows, *([(0, total)] if total else [])]:
        ws.append([None if value == "" else value for value in values])
        if levels[1] and level:
            ws.row_dimensions[ws.max_row].outlineLevel = level
    book.properties.created = datetime.datetime(2026, 4, 1)
    book.properties.modified = datetime.datetime(2026, 4, 1)
    book.save(str(HERE / f"{name}.xlsx"))


OSV_HEADER = [
    [("Счет", 1), ("Сальдо на начало периода", 2), ("Обороты за период", 2), ("Сальдо на конец периода", 2)],
    [None, "Дебет", "Кредит", "Дебет", "Кредит", "Дебет", "Кредит"],
]


def _osv_row(level, text, end_debit=None, end_credit=None, turnover_debit=None, turnover_credit=None):
    return (level, [text, None, None, turnover_debit, turnover_credit, end_debit, end_credit])


def osv_62_01_contract_rows(bad=False):
    """ОСВ 62.01 by Контрагенты / Договоры / Документы расчетов: a prepayment (Северный ветер, «Договор
    поставки № 5») and an unallocated payment (ТехноСтрой, «Без договора»). Net balance 373 000,00.

    ``bad``: Ромашка's subtotal says 260 000 while its documents add up to 250 000, and the total is off.
    """
    romashka = 260000.0 if bad else 250000.0
    return [
        ("Контрагенты",), ("Договоры",), ("Документы расчетов с контрагентами",),
        _osv_row(0, "62.01", 425000.0 if bad else 415000.0, 42000.0, 535000.0, 162000.0),
        _osv_row(1, ROMASHKA[0], romashka, None, romashka),
        _osv_row(2, "Основной договор", 250000.0, None, 250000.0),
        _osv_row(3, "Реализация (акт, накладная) 00001 от 12.03.2026", 150000.0, None, 150000.0),
        _osv_row(3, "Реализация (акт, накладная) 00007 от 20.03.2026", 100000.0, None, 100000.0),
        _osv_row(1, VETER[0], 120000.0, 30000.0, 120000.0, 70000.0),
        _osv_row(2, "Договор № 12 от 01.02.2026", 120000.0, None, 120000.0, 40000.0),
        _osv_row(3, "Реализация (акт, накладная) 00003 от 15.03.2026", 120000.0, None, 120000.0),
        _osv_row(3, "Поступление на расчетный счет 00031 от 05.03.2026", None, None, None, 40000.0),
        _osv_row(2, "Договор поставки № 5 от 10.01.2026", None, 30000.0, None, 30000.0),
        _osv_row(3, "Поступление на расчетный счет 00045 от 25.03.2026", None, 30000.0, None, 30000.0),
        _osv_row(1, TEHNO[0], None, 12000.0, 20000.0, 32000.0),
        _osv_row(2, "Без договора", None, 12000.0, None, 12000.0),
        _osv_row(3, "Поступление на расчетный счет 00052 от 28.03.2026", None, 12000.0, None, 12000.0),
        _osv_row(2, "Основной договор", None, None, 20000.0, 20000.0),
        _osv_row(3, "Реализация (акт, накладная) 00002 от 10.02.2026", None, None, 20000.0, 20000.0),
        _osv_row(1, KUZNETSOVA[0], 45000.0, None, 45000.0),
        _osv_row(2, "Основной договор", 45000.0, None, 45000.0),
        _osv_row(3, "Корректировка долга 00002 от 31.03.2026", 45000.0, None, 45000.0),
    ]


def _write_osv(name, account, rows, total, levels=(True, True)):
    captions = [(0, [row[0]]) for row in rows if len(row) == 1]
    data = [row for row in rows if len(row) == 2]
    _write_both(name, "TDSheet", [OUR_COMPANY, f"Оборотно-сальдовая ведомость по счету {account} за 1 квартал "
                                  "2026 г.", "Выводимые данные: БУ (данные бухгалтерского учета)"],
                OSV_HEADER, [*captions, *data], total=total, levels=levels)


def build_issue17_samples():
    # ОСВ 62.01: Контрагенты / Договоры / Документы расчетов (.xls with outline levels, .xlsx without: content)
    _write_osv("osv_62_01_contracts", "62.01", osv_62_01_contract_rows(),
               ["Итого", None, None, 535000.0, 162000.0, 415000.0, 42000.0], levels=(True, False))
    # the same with subtotals that do not add up (Ромашка row 10, the total row)
    _write_osv("osv_bad_subtotals", "62.01", osv_62_01_contract_rows(bad=True),
               ["Итого", None, None, 535000.0, 162000.0, 415000.0, 42000.0])
    # ОСВ 76.06 by counterparty only
    _write_osv("osv_76_06", "76.06", [
        ("Контрагенты",),
        _osv_row(0, "76.06", 98000.0, 7500.0),
        _osv_row(1, VECTOR[0], 64000.0),
        _osv_row(1, URAL[0], 34000.0),
        _osv_row(1, KUZNETSOVA[0], None, 7500.0),
    ], ["Итого", None, None, None, None, 98000.0, 7500.0])
    # ОСВ 62 by counterparty and documents, no contracts, with sub-accounts 62.01 and 62.02 (advances)
    _write_osv("osv_62_documents", "62", [
        ("Контрагенты",), ("Документы расчетов с контрагентами",),
        _osv_row(0, "62", 237500.0, 25000.0),
        _osv_row(1, "62.01", 237500.0, None),
        _osv_row(2, ROMASHKA[0], 150000.0),
        _osv_row(3, "Реализация товаров и услуг 00000098 от 20.02.2026 0:00:00", 150000.0),
        _osv_row(2, VETER[0], 87500.0),
        _osv_row(3, "Реализация товаров и услуг 00000077 от 15.01.2026 0:00:00", None, None, None, 40000.0),
        _osv_row(3, "Реализация товаров и услуг 00000131 от 18.03.2026 0:00:00", 87500.0),
        _osv_row(1, "62.02", None, 25000.0),
        _osv_row(2, VETER[0], None, 25000.0),
        _osv_row(3, "Поступление на расчетный счет 00000061 от 30.03.2026", None, 25000.0),
    ], ["Итого", None, None, None, None, 237500.0, 25000.0])
    # УТ 11: Задолженность клиентов по срокам долга (partner and counterparty rows above their documents)
    _write_both("ut_debt_aging", "Задолженность", [
        "Задолженность клиентов по срокам долга", "На 01.04.2026", "Организация: " + OUR_COMPANY,
    ], [["Партнер, Контрагент", "Документ расчетов", "Срок оплаты", "Долг клиента", "Наш долг", "Просроченный долг",
         "Дней просрочки"]], [
        (1, ["Ромашка", None, None, 180000.0, None, 100000.0, None]),
        (2, [ROMASHKA[0], None, None, 180000.0, None, 100000.0, None]),
        (3, [None, "Реализация товаров и услуг 00УТ-000101 от 01.02.2026", "03.03.2026", 100000.0, None,
             100000.0, 29.0]),
        (3, [None, "Реализация товаров и услуг 00УТ-000130 от 20.03.2026", "19.04.2026", 80000.0, None, None,
             None]),
        (1, ["Вектор", None, None, 150000.0, 20000.0, None, None]),
        (2, [VECTOR[0], None, None, 150000.0, 20000.0, None, None]),
        (3, [None, "Реализация товаров и услуг 00УТ-000110 от 05.03.2026", "04.04.2026", 150000.0, None, None,
             None]),
        (3, [None, "Заказ клиента 00УТ-000044 от 25.03.2026", None, None, 20000.0, None, None]),
        (1, ["Уральские машины", None, None, 60000.0, None, 60000.0, None]),
        (2, [URAL[0], None, None, 60000.0, None, 60000.0, None]),
        (3, [None, "Реализация товаров и услуг 00УТ-000087 от 15.01.2026", "15.02.2026", 60000.0, None,
             60000.0, 45.0]),
    ], total=["Итого", None, None, 390000.0, 20000.0, 160000.0, None])
    # УТ 11 / КА / ERP: Ведомость расчетов с клиентами (opening and closing balances)
    _write_both("ut_settlements_statement", "Ведомость", [
        "Ведомость расчетов с клиентами", "Период: 01.01.2026 - 31.03.2026",
    ], [
        [("Партнер", 1), ("Документ расчетов", 1), ("На начало периода", 2), ("Увеличение долга", 1),
         ("Уменьшение долга", 1), ("На конец периода", 2)],
        [None, None, "Долг клиента", "Наш долг", None, None, "Долг клиента", "Наш долг"],
    ], [
        (1, [VETER[0], None, 40000.0, None, 87500.0, 40000.0, 87500.0, None]),
        (2, [None, "Реализация товаров и услуг 00УТ-000077 от 15.01.2026", 40000.0, None, None, 40000.0, None,
             None]),
        (2, [None, "Реализация товаров и услуг 00УТ-000131 от 18.03.2026", None, None, 87500.0, None, 87500.0,
             None]),
        (1, [TEHNO[0], None, None, None, 45000.0, 50000.0, None, 5000.0]),
        (2, [None, "Реализация товаров и услуг 00УТ-000140 от 10.03.2026", None, None, 45000.0, 45000.0, None,
             None]),
        (2, [None, "Приходный кассовый ордер 00УТ-000012 от 28.03.2026", None, None, None, 5000.0, None,
             5000.0]),
    ], total=["Итого", None, 40000.0, None, 132500.0, 90000.0, 87500.0, 5000.0])


#: A customer without ИНН in 1C (a private entrepreneur whose card was never completed).
SOKOLOV = ("ИП Соколов Андрей Викторович", "", "", "", "", "")


def build_identity_pair():
    """The same open documents in two reports: a settlements export (ИНН, КПП, due dates) and a trial balance of
    62 without an ИНН column, the names spelled differently, a customer shown only by its balance, one without
    ИНН anywhere. Importing one after the other must write nothing new."""
    documents = [
        # customer, number, date, due date, amount
        (ROMASHKA, "00000201", "05.03.2026", datetime.date(2026, 4, 4), 120000.0),
        (ROMASHKA, "00000215", "16.03.2026", datetime.date(2026, 4, 15), 30500.5),
        (VETER, "00000207", "10.03.2026", datetime.date(2026, 4, 9), 64000.0),
        (VETER, "00000019", "12.03.2026", None, -4000.0),
        (SOKOLOV, "00000211", "12.03.2026", datetime.date(2026, 3, 27), 18750.0),
    ]
    rows = []
    for customer, number, date, due, amount in documents:
        kind = "Возврат товаров от покупателя" if amount < 0 else "Реализация товаров и услуг"
        rows.append((customer[0], customer[1], customer[2], f"{kind} {number} от {date}", due,
                     f"{amount:,.2f}".replace(",", " ").replace(".", ","), "руб."))
    total = sum(document[4] for document in documents)
    _write_settlements("pair_settlements.xls", rows, total=f"{total:,.2f}".replace(",", " ").replace(".", ","))

    spelled = {ROMASHKA: "Ромашка ООО", VETER: "Акционерное общество \"Северный ветер\"",
               SOKOLOV: "Соколов Андрей Викторович ИП"}
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("TDSheet")
    ws.write_merge(0, 0, 0, 6, f"{OUR_COMPANY}", TITLE)
    ws.write_merge(1, 1, 0, 6, "Оборотно-сальдовая ведомость по счету 62 за март 2026 г.", TITLE)
    ws.write_merge(3, 4, 0, 0, "Счет", BOLD)
    ws.write_merge(3, 3, 1, 2, "Сальдо на начало периода", BOLD)
    ws.write_merge(3, 3, 3, 4, "Обороты за период", BOLD)
    ws.write_merge(3, 3, 5, 6, "Сальдо на конец периода", BOLD)
    for col, label in enumerate(("Дебет", "Кредит") * 3, start=1):
        ws.write(4, col, label, BOLD)
    ws.write(5, 0, "Контрагенты")
    ws.write(6, 0, "Документы расчетов с контрагентами")
    lines = [(0, "62", total)]
    for customer in (ROMASHKA, SOKOLOV):
        mine = [document for document in documents if document[0] == customer]
        lines.append((1, spelled[customer], sum(document[4] for document in mine)))
        lines += [(2, f"Реализация товаров и услуг {number} от {date} 0:00:00", amount)
                  for _customer, number, date, _due, amount in mine]
    # Северный ветер without document detail: its balance only
    lines.append((1, spelled[VETER], sum(document[4] for document in documents if document[0] == VETER)))
    row = 7
    for level, text, amount in lines:
        ws.write(row, 0, text)
        ws.write(row, 3 if amount > 0 else 4, abs(amount), MONEY)
        ws.write(row, 5 if amount > 0 else 6, abs(amount), MONEY)
        ws.row(row).level = level
        row += 1
    ws.write(row, 0, "Итого", BOLD)
    ws.write(row, 5, total, MONEY)
    _save_xls(book, "pair_osv_62.xls")


def main():
    build_osv_62()
    build_settlements()
    build_reconciliation_act()
    build_counterparties()
    build_bad_inputs()
    build_issue17_samples()
    build_identity_pair()


if __name__ == "__main__":
    main()
