"""Property-based tests (hypothesis) of the parsers that read what users and 1C write: amounts, dates, document
titles, ИНН/КПП, phone numbers, cell text — and of the 1C hierarchy reader and its self-check.

Two kinds of properties: *never crash* (any input gives a value or the parser's own error, nothing else) and
*round trip* (a value written as 1C or a person writes it reads back as itself).
"""

import datetime
import itertools
import math

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from crm_receivables.tools import onec_layout, phone, ru_ids
from crm_receivables.tools.onec_values import (
    OnecValueError,
    clean_text,
    normalize_label,
    parse_amount,
    parse_date,
    parse_document,
)

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AMOUNT_TEXT = st.text(alphabet=st.sampled_from(list("0123456789 ,.-+()руб\u00a0\u202f'eE₽")), max_size=24)
MONEY = st.decimals(min_value=-10**12, max_value=10**12, places=2, allow_nan=False, allow_infinity=False)
DATES = st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31))


def _ru_amount(value, separator):
    """An amount as 1C prints it: thousands separated, a decimal comma."""
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + separator.join(groups) + "," + cents


# ------------------------------------------------------------------------------------------------------
# Amounts
# ------------------------------------------------------------------------------------------------------
@SETTINGS
@given(st.one_of(st.text(max_size=30), AMOUNT_TEXT, st.floats(), st.integers(), st.booleans(), st.none()))
def test_parse_amount_never_crashes(value):
    try:
        result = parse_amount(value)
    except OnecValueError as error:
        assert error.key in ("amount", "formula")
        return
    assert result is None or (isinstance(result, float) and math.isfinite(result))


@SETTINGS
@given(MONEY, st.sampled_from([" ", "\u00a0", "\u202f", ""]))
def test_parse_amount_round_trip(value, separator):
    text = _ru_amount(value, separator)
    expected = float(value)
    assert parse_amount(text) == expected
    assert parse_amount(text + " руб.") == expected
    if value > 0:
        assert parse_amount(f"({text})") == -expected  # a negative in brackets
        assert parse_amount(f"{text}-") == -expected  # a credit as some 1C forms print it
    assert parse_amount(expected) == expected


# ------------------------------------------------------------------------------------------------------
# Dates and documents
# ------------------------------------------------------------------------------------------------------
@SETTINGS
@given(st.one_of(st.text(max_size=30), st.floats(), st.integers(), st.none(),
                 st.text(alphabet="0123456789.-/: ", max_size=20)))
def test_parse_date_never_crashes(value):
    try:
        result = parse_date(value)
    except OnecValueError as error:
        assert error.key in ("date", "formula")
        return
    assert result is None or isinstance(result, datetime.date)


@SETTINGS
@given(DATES)
def test_parse_date_round_trip(date):
    assert parse_date(date.strftime("%d.%m.%Y")) == date
    assert parse_date(date.strftime("%d.%m.%Y 0:00:00")) == date
    assert parse_date(date.isoformat()) == date
    assert parse_date(datetime.datetime.combine(date, datetime.time(12))) == date
    assert parse_date(float((date - datetime.date(1899, 12, 30)).days)) == date  # an Excel serial


@SETTINGS
@given(st.text(max_size=60))
def test_parse_document_never_crashes(text):
    label, number, date = parse_document(text)
    assert isinstance(label, str) and isinstance(number, str)
    assert date is None or isinstance(date, datetime.date)


@SETTINGS
@given(st.sampled_from(["Реализация товаров и услуг", "Реализация (акт, накладная)", "Корректировка долга",
                        "Поступление на расчетный счет", "Заказ клиента"]),
       st.from_regex(r"[0-9A-ZА-Я]{1,4}-?[0-9]{1,8}", fullmatch=True), DATES)
def test_parse_document_round_trip(kind, number, date):
    title = f"{kind} {number} от {date:%d.%m.%Y}"
    assert parse_document(title + " 12:00:00") == (title, number, date)


# ------------------------------------------------------------------------------------------------------
# ИНН / КПП
# ------------------------------------------------------------------------------------------------------
# the Federal Tax Service's weights, written out here as an oracle independent of stdnum
_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check_digit(digits, weights):
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10


def _with_check_digits(prefix):
    if len(prefix) == 9:
        return prefix + str(_check_digit(prefix, _INN10_WEIGHTS))
    first = prefix + str(_check_digit(prefix, _INN12_WEIGHTS_11))
    return first + str(_check_digit(first, _INN12_WEIGHTS_12))


@SETTINGS
@given(st.one_of(st.text(max_size=20), st.integers(), st.floats(), st.none()))
def test_inn_never_crashes(value):
    inn = ru_ids.normalize_inn(value)
    assert isinstance(inn, str)
    assert ru_ids.is_valid_inn(value) in (True, False)
    assert isinstance(ru_ids.normalize_kpp(value), str)
    assert ru_ids.is_valid_kpp(value) in (True, False)


@SETTINGS
@given(st.one_of(st.from_regex(r"[0-9]{9}", fullmatch=True), st.from_regex(r"[0-9]{10}", fullmatch=True)),
       st.sampled_from(["{}", "ИНН {}", "ИНН: {}", " {} ", "INN {}"]))
def test_inn_round_trip_and_check_digit(prefix, template):
    inn = _with_check_digits(prefix)
    assert ru_ids.is_valid_inn(inn)
    assert ru_ids.normalize_inn(template.format(inn)) == inn
    assert ru_ids.normalize_inn(f"{inn[:4]} {inn[4:7]}-{inn[7:]}") == inn
    assert ru_ids.normalize_inn(float(inn)) == inn.lstrip("0") or inn.startswith("0")
    wrong = inn[:-1] + str((int(inn[-1]) + 1) % 10)
    assert not ru_ids.is_valid_inn(wrong), "any other last digit fails the check"


@SETTINGS
@given(st.integers(min_value=0, max_value=999999999))
def test_kpp_read_from_a_number_keeps_its_zeros(number):
    assert ru_ids.normalize_kpp(float(number)) == f"{number:09d}"
    assert ru_ids.is_valid_kpp(float(number))


# ------------------------------------------------------------------------------------------------------
# Phones
# ------------------------------------------------------------------------------------------------------
@SETTINGS
@given(st.one_of(st.text(max_size=25), st.text(alphabet="+0123456789()- ", max_size=20), st.none(), st.integers()))
def test_phone_never_crashes(value):
    result = phone.normalize(value)
    assert result is None or (result.startswith("+") and result[1:].isdigit())
    if result:
        assert phone.normalize(result) == result, "E.164 is a fixed point"
    assert isinstance(phone.national_digits(value if isinstance(value, str) else ""), str)


@SETTINGS
@given(st.sampled_from(["912", "916", "922", "903", "985", "999"]), st.from_regex(r"[0-9]{7}", fullmatch=True))
def test_phone_spellings_are_one_number(code, rest):
    e164 = f"+7{code}{rest}"
    assume(phone.normalize(e164))
    for spelling in (f"8 ({code}) {rest[:3]}-{rest[3:5]}-{rest[5:]}", f"+7 {code} {rest}", f"8{code}{rest}",
                     f"007{code}{rest}", f"+7({code}){rest[:3]} {rest[3:]}"):
        assert phone.normalize(spelling) == e164, spelling
        assert phone.same_number(spelling, e164)


# ------------------------------------------------------------------------------------------------------
# Cell text
# ------------------------------------------------------------------------------------------------------
@SETTINGS
@given(st.one_of(st.text(max_size=40), st.floats(), st.integers(), st.none()))
def test_clean_text_is_idempotent_and_printable(value):
    text = clean_text(value)
    assert clean_text(text) == text
    assert text == text.strip() and "  " not in text
    assert "\x00" not in text and all(ord(char) >= 32 for char in text)
    assert normalize_label(normalize_label(value)) == normalize_label(value)


# ------------------------------------------------------------------------------------------------------
# The hierarchy reader and its self-check
# ------------------------------------------------------------------------------------------------------
class _Workbook:
    """The reader's interface over rows in memory."""

    sheet_names = ["TDSheet"]

    def __init__(self, rows):
        self._rows = rows

    def rows(self, _sheet):
        return iter(self._rows)


_CUSTOMERS = st.lists(
    st.lists(st.lists(st.integers(min_value=-10**9, max_value=10**9), min_size=0, max_size=3), min_size=1,
             max_size=3),
    min_size=1, max_size=4,
)


def _osv(customers, levels, with_contracts):
    """A trial balance: customers → contracts → documents (cents), subtotals as 1C prints them."""
    rows = [(1, ["Счет", "Сальдо на конец периода", None], 0), (2, [None, "Дебет", "Кредит"], 0)]
    number = 2
    expected = []

    def add(level, text, cents):
        nonlocal number
        number += 1
        amount = cents / 100
        rows.append((number, [text, amount if amount > 0 else None, -amount if amount < 0 else None],
                     level if levels else 0))

    grand = 0
    for c_index, contracts in enumerate(customers):
        name = f"ООО «Клиент {c_index}»"
        customer_total = sum(sum(documents) for documents in contracts)
        add(1, name, customer_total)
        if not with_contracts and not any(contracts):  # no row below the customer: its own balance
            expected.append((name, "", customer_total))
        groups = contracts if with_contracts else [list(itertools.chain.from_iterable(contracts))]
        for k_index, documents in enumerate(groups):
            contract = f"Договор № {c_index}-{k_index} от 01.02.2026"
            if with_contracts:
                add(2, contract, sum(documents))
                if not documents:
                    expected.append((name, contract, sum(documents)))
            for d_index, cents in enumerate(documents):
                add(3 if with_contracts else 2, f"Реализация (акт, накладная) {c_index}{k_index}{d_index} от "
                    "12.03.2026", cents)
                expected.append((name, contract if with_contracts else "", cents))
        grand += customer_total
    add(0, "Итого", grand)
    return rows, expected, grand


@settings(max_examples=150, deadline=None)
@given(_CUSTOMERS, st.booleans(), st.booleans())
def test_hierarchy_imports_leaves_and_checks_every_subtotal(customers, levels, with_contracts):
    rows, expected, grand = _osv(customers, levels, with_contracts)
    analysis = onec_layout.parse(_Workbook(rows))
    records = list(analysis.records)
    assert analysis.check_errors == []
    assert all(record.error is None for record in records)
    got = [(r.name, r.contract, round(r.amount * 100)) for r in records]
    assert sorted(got) == sorted(expected)
    assert sum(cents for _name, _contract, cents in got) == grand, "never a subtotal added to its rows"
    assert all(check.ok for check in analysis.checks) and analysis.checks[-1].kind == "total"


@settings(max_examples=100, deadline=None)
@given(_CUSTOMERS, st.booleans(), st.integers(min_value=1, max_value=10**6), st.data())
def test_a_wrong_subtotal_is_always_named(customers, levels, delta, data):
    rows, _expected, _grand = _osv(customers, levels, with_contracts=True)
    subtotals = [index for index, (_n, values, _l) in enumerate(rows)
                 if index >= 2 and not values[0].startswith("Реализация") and values[0] != "Итого"]
    target = data.draw(st.sampled_from(subtotals))
    number, values, level = rows[target]
    amount = (values[1] or 0.0) - (values[2] or 0.0) + delta / 100
    rows[target] = (number, [values[0], amount if amount > 0 else None, -amount if amount < 0 else None], level)
    # a subtotal with no row below it is a leaf (its own balance): then only the total can disagree
    analysis = onec_layout.parse(_Workbook(rows))
    records = list(analysis.records)
    failed = {error.row for error in analysis.check_errors}
    assert failed, "a changed subtotal never passes"
    customer_row = next(rows[index][0] for index in range(target, 1, -1) if rows[index][1][0].startswith("ООО"))
    assert failed <= {number, customer_row, rows[-1][0]}, "only the row, its customer and the total are named"
    below = rows[target + 1][1][0] if target + 1 < len(rows) else ""
    if below.startswith("Реализация") or values[0].startswith("ООО"):  # a subtotal with rows below it
        assert number in failed
    assert {record.row for record in records if record.check is not None} == failed
