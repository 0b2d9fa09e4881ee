import datetime
import random
import re

import pytest

from crm_receivables.tools.onec_values import (
    _DOCUMENT,
    FormulaWithoutValue,
    OnecValueError,
    clean_text,
    normalize_email,
    normalize_label,
    parse_amount,
    parse_currency,
    parse_date,
    parse_document,
)


@pytest.mark.parametrize(("value", "expected"), [
    ("1 234 567,89", 1234567.89),
    ("1\u00a0234\u00a0567,89", 1234567.89),
    ("1\u202f234,5", 1234.5),
    ("(5 000,00)", -5000.0),
    ("-5 000,00", -5000.0),
    ("5000,00-", -5000.0),
    ("1.234.567,89", 1234567.89),
    ("1,234,567.89", 1234567.89),
    ("12 500,00 руб.", 12500.0),
    (1234567.891, 1234567.89),
    (-12, -12.0),
    ("", None),
    (None, None),
    ("-", None),
])
def test_parse_amount(value, expected):
    assert parse_amount(value) == expected


@pytest.mark.parametrize("value", ["триста тысяч", "12,5,5", "1 2 3 abc", True])
def test_parse_amount_rejects_text(value):
    with pytest.raises(OnecValueError) as caught:
        parse_amount(value)
    assert caught.value.key == "amount"


def test_formula_without_value():
    with pytest.raises(OnecValueError) as caught:
        parse_amount(FormulaWithoutValue("A1*2"))
    assert caught.value.key == "formula"


@pytest.mark.parametrize(("value", "expected"), [
    ("12.03.2026", datetime.date(2026, 3, 12)),
    ("12.03.2026 0:00:00", datetime.date(2026, 3, 12)),
    ("1.4.26", datetime.date(2026, 4, 1)),
    ("2026-03-12", datetime.date(2026, 3, 12)),
    (46142, datetime.date(2026, 4, 30)),
    (46142.0, datetime.date(2026, 4, 30)),
    (datetime.datetime(2026, 3, 12, 10, 0), datetime.date(2026, 3, 12)),
    (datetime.date(2026, 3, 12), datetime.date(2026, 3, 12)),
    ("", None),
    (None, None),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31.02.2026", "завтра", -5, "2026/99/99"])
def test_parse_date_rejects(value):
    with pytest.raises(OnecValueError):
        parse_date(value)


def test_parse_document():
    label, number, date = parse_document("Реализация товаров и услуг 00000123 от 12.03.2026 12:00:00")
    assert (label, number, date) == (
        "Реализация товаров и услуг 00000123 от 12.03.2026", "00000123", datetime.date(2026, 3, 12))
    assert parse_document("Продажа (00000012 от 12.01.2026)")[1:] == ("00000012", datetime.date(2026, 1, 12))
    assert parse_document("Корректировка долга АБ-17 от 01.02.2026")[1] == "АБ-17"
    assert parse_document("Ввод остатков") == ("Ввод остатков", "Ввод остатков", None)
    assert parse_document(None) == ("", "", None)


@pytest.mark.parametrize(("value", "expected"), [
    ("руб.", "RUB"), ("RUB", "RUB"), ("643", "RUB"), (643.0, "RUB"), ("usd", "USD"), ("евро", "EUR"),
    ("GBP", "GBP"), ("", None),
])
def test_parse_currency(value, expected):
    assert parse_currency(value) == expected


def test_parse_currency_unknown():
    with pytest.raises(OnecValueError):
        parse_currency("у.е.")


def test_normalize_label_and_email():
    assert normalize_label("  Сальдо на  конец периода: ") == "сальдо на конец периода"
    assert normalize_label("Счёт") == "счет"
    assert normalize_email(" Sales@Vector-M.example; buh@x.example") == "sales@vector-m.example"
    assert normalize_email("нет") == ""


# ------------------------------------------------------------------------------------------------------
# Fast paths: each must give what the general rules give
# ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "1234567,89", "1 234 567,89", "1\u00a0234,5", "-12.5", "+12", "12", "0", "00012,30", "12,345", "0.005", "2.675",
    "1.005", "99999999999999999999.999", "٣٤,٥",
])
def test_parse_amount_plain_text_fast_path_matches_general_rules(text):
    """Plain numbers skip the general rules; a currency suffix or brackets force them, same amount."""
    amount = parse_amount(text)
    assert amount == parse_amount(f"{text} руб.")
    assert parse_amount(f"({text})") == (-amount if amount else amount)
    assert amount == round(float(text.replace("\u00a0", "").replace(" ", "").replace(",", ".")), 2)


@pytest.mark.parametrize("value", ["12,", ",5", ".5", "1e5", "--5", "12.3.4", "12_000", "0x10"])
def test_parse_amount_near_plain_text_still_rejected(value):
    with pytest.raises(OnecValueError):
        parse_amount(value)


def test_parse_date_cache_keeps_errors_and_types():
    """Text dates are cached by text: a bad date fails every time, numbers and bools are not cached as text."""
    for _attempt in range(2):
        assert parse_date(" 12.03.2026 ") == datetime.date(2026, 3, 12)
        with pytest.raises(OnecValueError):
            parse_date("31.02.2026")
    assert parse_date(1) == datetime.date(1899, 12, 31)
    with pytest.raises(OnecValueError):
        parse_date(True)


def test_clean_text_collapses_non_breaking_spaces():
    assert clean_text("\u00a0ООО\u00a0 «Ромашка»\t\n") == "ООО «Ромашка»"
    assert clean_text(7701012345.0) == "7701012345"
    assert clean_text(FormulaWithoutValue("A1")) == ""


def test_document_title_search_matches_the_plain_pattern():
    """The document pattern only starts at word starts: the same match as without that look-behind."""
    plain = re.compile(_DOCUMENT.pattern.replace(r"(?<![^\s()№#])", "", 1), re.IGNORECASE)
    assert plain.pattern != _DOCUMENT.pattern
    pieces = ["а", "о", "т", "О", "Т", " ", "\t", "(", ")", "№", "#", "1", "2", ".", ":", "x", "\u00a0", "от", " от ",
              "12.03.2026", " 10:00", "ОТ"]
    generator = random.Random(1)
    for _attempt in range(20000):
        text = "".join(generator.choice(pieces) for _piece in range(generator.randint(0, 14)))
        fast, slow = _DOCUMENT.search(text), plain.search(text)
        assert (fast and (fast.span(), fast.groupdict())) == (slow and (slow.span(), slow.groupdict())), text
    assert parse_document("Акт№12 от 01.01.2026") == ("Акт№12 от 01.01.2026", "12", datetime.date(2026, 1, 1))


@pytest.mark.parametrize("parser", [parse_amount, parse_date, parse_currency])
def test_parsers_read_an_empty_cell_as_none(parser):
    """onec_layout skips the parser for empty and unmapped cells: it relies on this."""
    assert parser(None) is None
