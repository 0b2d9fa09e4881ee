"""Customer and document identity across 1C reports: spellings that must match, customers that must not."""

import datetime

import pytest

from crm_receivables.tools import onec_identity

SAME = [
    ("ООО «Ромашка»", "ООО \"Ромашка\""),
    ("ООО «Ромашка»", "Общество с ограниченной ответственностью «Ромашка»"),
    ("ООО «Ромашка»", "Ромашка, ООО"),
    ("ООО «Ромашка»", "ромашка ооо"),
    ("ООО «Ромашка»", "  ООО   'Ромашка'  "),
    ("ООО «Ромашка»", "ООО „Ромашка“"),
    ("ООО «Ромашка»", "Ромашка"),
    ("ООО «Ёлочка»", "ООО «Елочка»"),
    ("АО «Северный ветер»", "Акционерное общество \"Северный   ветер\""),
    ("АО «Северный ветер»", "ЗАО «Северный ветер»"),
    ("ПАО «Уральские машины»", "Публичное акционерное общество «Уральские машины»"),
    ("НАО «Уральские машины»", "ОАО Уральские машины"),
    ("ИП Кузнецова Мария Петровна", "Индивидуальный предприниматель Кузнецова Мария Петровна"),
    ("ИП Кузнецова Мария Петровна", "Кузнецова Мария Петровна ИП"),
    ("ИП Кузнецова Мария Петровна", "ИП КУЗНЕЦОВА МАРИЯ ПЕТРОВНА"),
    ("ООО «Вектор-М»", "ООО «Вектор М»"),
    ("ООО «Вектор-М»", "ООО Вектор-М."),
]

DIFFERENT = [
    ("ООО «Ромашка»", "ООО «Ромашка-2»"),
    ("ООО «Ромашка»", "ООО «Ромашка Плюс»"),
    ("ООО «Альфа»", "АО «Альфа»"),
    ("ООО «Альфа»", "ИП Альфа"),
    ("ИП Кузнецова Мария Петровна", "ИП Кузнецова Марина Петровна"),
    ("ИП Кузнецова Мария Петровна", "ИП Кузнецов Мария Петровна"),
    ("ООО «Вектор-М»", "ООО «Вектор»"),
    ("ООО «Северный ветер»", "ООО «Южный ветер»"),
    ("", ""),
]


@pytest.mark.parametrize(("name", "other"), SAME)
def test_spellings_of_one_customer_match(name, other):
    assert onec_identity.names_match(name, other)
    assert onec_identity.names_match(other, name)


@pytest.mark.parametrize(("name", "other"), DIFFERENT)
def test_different_customers_do_not_match(name, other):
    assert not onec_identity.names_match(name, other)


def test_name_identity():
    assert onec_identity.name_identity("Общество с ограниченной ответственностью «Ромашка»") == ("ооо", "ромашка")
    assert onec_identity.name_identity("ЗАО «Ёж»") == ("ао", "еж")
    assert onec_identity.name_identity("ИП") == ("", "ип")
    assert onec_identity.name_identity(None) == ("", "")
    assert onec_identity.normalize_name("Ромашка, ООО") == "ромашка"


@pytest.mark.parametrize(("number", "other"), [
    ("00000123", "123"), ("00000123", "0000-000123"), ("БП-00000123", "бп 123"), ("БП-00000123", "БП00000123"),
])
def test_document_numbers_match(number, other):
    assert onec_identity.normalize_number(number) == onec_identity.normalize_number(other)


@pytest.mark.parametrize(("number", "other"), [("00000123", "00000124"), ("БП-123", "УТ-123"), ("1230", "123")])
def test_different_document_numbers(number, other):
    assert onec_identity.normalize_number(number) != onec_identity.normalize_number(other)


def test_document_key():
    date = datetime.date(2026, 3, 12)
    assert onec_identity.document_key("document", "00000123", date) == "123|2026-03-12"
    assert onec_identity.document_key("document", "0000-000123", date) == "123|2026-03-12"
    assert onec_identity.document_key("document", "123", None) == "123|"
    assert onec_identity.document_key("balance", "", date) == "balance"
    assert onec_identity.document_key("document", "", date, "Корректировка долга") == "корректировка долга|2026-03-12"
    assert onec_identity.normalize_number("") == ""


def test_inn_conflict():
    assert onec_identity.names_conflict("7701012342", "7810023457")
    assert not onec_identity.names_conflict("7701012342", "")
    assert not onec_identity.names_conflict("7701012342", "7701012342")
