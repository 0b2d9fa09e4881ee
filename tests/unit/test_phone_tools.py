import pytest

from crm_receivables.tools import phone


@pytest.mark.parametrize("typed", [
    "8 (912) 345-67-89", "+7 912 3456789", "89123456789", "+7 (912) 345 67 89", "007 912 345 67 89",
    "9123456789",
])
def test_russian_formats_are_one_number(typed):
    assert phone.normalize(typed, "RU") == "+79123456789"


def test_landline_with_trunk_prefix():
    assert phone.normalize("8 343 310-20-30", "RU") == "+73433102030"
    assert phone.normalize("+7 (812) 600-70-80", "ru") == "+78126007080"


def test_foreign_number_keeps_its_country():
    assert phone.normalize("+32 485 11 22 33", "RU") == "+32485112233"
    assert phone.normalize("0485 11 22 33", "BE") == "+32485112233"


@pytest.mark.parametrize("bad", ["", None, "abc", "123", "+7 000", 89123456789])
def test_invalid_numbers(bad):
    assert phone.normalize(bad, "RU") is None


def test_national_digits_and_search_term():
    assert phone.national_digits("8 (912) 345-67-89") == "9123456789"
    assert phone.search_term("+7 912 3456789") == "9123456789"
    assert phone.search_term("12-34") is None
    assert phone.national_digits("12-34") == "1234", "falls back to the digits"


def test_same_number_and_match():
    assert phone.same_number("8 (912) 345-67-89", "+79123456789")
    assert not phone.same_number("8 (912) 345-67-89", "+79123456780")
    assert not phone.same_number("", "")
    candidates = ["+7 912 345-67-89", "89123456780", None, "89123456789"]
    assert phone.match_numbers("8 912 345 67 89", candidates) == ["+7 912 345-67-89", "89123456789"]
    assert phone.match_numbers("nonsense", candidates) == []
