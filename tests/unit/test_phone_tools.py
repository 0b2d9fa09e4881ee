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


@pytest.mark.parametrize("typed", [
    "8 (495) 765-43-21", "+7-495-765-43-21", "007 495 765 43 21", "8.495.765.43.21", "8 495 765 43 21",
    "+7 495 765-43-21 доб. 123", "+7 (495) 765-43-21 ext. 12", "8 495 765 43 21 #123", "+74957654321x55",
    " +7 495 7654321 ",
])
def test_other_spellings_of_a_moscow_landline(typed):
    assert phone.normalize(typed, "RU") == "+74957654321", "an extension is not part of the number"
    assert phone.search_term(typed, "RU") == "4957654321"


def test_company_country_is_the_default_region():
    assert phone.region_for("by") == "BY"
    assert phone.region_for(False) == phone.FALLBACK_REGION == "RU"
    assert phone.normalize("030 1234567", phone.region_for("DE")) == "+49301234567"
    assert phone.normalize("030 1234567", phone.region_for("RU")) is None, "not a Russian number"
    assert phone.normalize("8 (017) 212-34-56", "BY") == "+375172123456", "Belarus: 8 0XX is the trunk prefix"
    assert phone.normalize("+7 495 765-43-21", "DE") == "+74957654321", "an international number keeps its country"
    assert phone.same_number("0485 11 22 33", "+32 485 11 22 33", "BE")
    assert not phone.same_number("0485 11 22 33", "+32 485 11 22 33", "RU")


def test_first_valid_and_dial():
    assert phone.first_valid([False, "12-34", "8 912 345 67 89", "+7 495 765 43 21"], "RU") == "+79123456789"
    assert phone.first_valid(["", None], "RU") is None
    assert phone.dial_string("8 (912) 345-67-89", "RU") == "+79123456789"
    assert phone.dial_string("(101) 22", "RU") == "10122", "an invalid number is dialled as typed"
    assert phone.dial_string(False) == ""
    assert phone.dial_digits("8 (912) 345-67-89", "RU") == "79123456789"
    assert phone.dial_digits("0485 11 22 33", "BE") == "32485112233"
