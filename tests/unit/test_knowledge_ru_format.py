"""Russian formatting helpers of document templates (no database)."""

import datetime

import pytest

from crm_knowledge.tools import ru_format as rf


@pytest.mark.parametrize(("number", "form"), [
    (0, "рублей"), (1, "рубль"), (2, "рубля"), (4, "рубля"), (5, "рублей"), (11, "рублей"), (12, "рублей"),
    (14, "рублей"), (21, "рубль"), (22, "рубля"), (101, "рубль"), (111, "рублей"), (1000000, "рублей"),
])
def test_plural_ru(number, form):
    assert rf.plural_ru(number, ("рубль", "рубля", "рублей")) == form


@pytest.mark.parametrize(("amount", "words"), [
    (0, "Ноль рублей 00 копеек"),
    (1, "Один рубль 00 копеек"),
    (21.01, "Двадцать один рубль 01 копейка"),
    (1234.5, "Одна тысяча двести тридцать четыре рубля 50 копеек"),
    (150000.99, "Сто пятьдесят тысяч рублей 99 копеек"),
    (2000000.02, "Два миллиона рублей 02 копейки"),
    (0.005, "Ноль рублей 01 копейка"),  # rounded half up like a cash amount
])
def test_amount_to_words_ru(amount, words):
    assert rf.amount_to_words_ru(amount) == words


def test_amount_to_words_other_currency_and_negative():
    assert rf.amount_to_words_ru(3, "usd") == "Три доллара США 00 центов"
    assert rf.amount_to_words_ru(-5) == "Минус пять рублей 00 копеек"
    assert rf.amount_to_words_ru(7, "XYZ") == "Семь рублей 00 копеек"


@pytest.mark.parametrize(("amount", "symbol", "text"), [
    (1234567.891, "", "1\u00a0234\u00a0567,89"),
    (0, "₽", "0,00\u00a0₽"),
    (-1500.5, "", "-1\u00a0500,50"),
    (None, "", "0,00"),
])
def test_format_amount_ru(amount, symbol, text):
    assert rf.format_amount_ru(amount, symbol) == text


def test_format_date_ru():
    assert rf.format_date_ru(datetime.date(2026, 11, 27)) == "27 ноября 2026 г."
    assert rf.format_date_ru(datetime.datetime(2026, 3, 1, 15, 0)) == "1 марта 2026 г."
    assert rf.format_date_ru("2026-05-09") == "9 мая 2026 г."
    assert rf.format_date_ru("2026-05-09", with_suffix=False) == "9 мая 2026"
    assert rf.format_date_ru(False) == ""


def test_format_inn_kpp():
    assert rf.format_inn_kpp("7707083893", "773601001") == "ИНН 7707083893 / КПП 773601001"
    assert rf.format_inn_kpp("500100732259") == "ИНН 500100732259"
    assert rf.format_inn_kpp(" 7707 083893 ", False) == "ИНН 7707083893"
    assert rf.format_inn_kpp(False, False) == ""


@pytest.mark.parametrize(("value", "text"), [
    (10.0, "10"), (2.5, "2,5"), (1250, "1\u00a0250"), (0.3333333, "0,333"), (None, "0"), (-1.5, "-1,5"),
    (100, "100"),
])
def test_format_quantity_ru(value, text):
    assert rf.format_quantity_ru(value) == text
