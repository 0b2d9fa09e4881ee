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
    build_identity_pair()


if __name__ == "__main__":
    main()
