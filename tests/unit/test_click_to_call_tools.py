import pytest

from crm_receivables.tools import click_to_call


@pytest.mark.parametrize(("provider", "extension", "expected"), [
    ("zadarma", "101", "callback"),
    ("mango", " 7 ", "callback"),
    ("mango", "", "tel"),
    ("mango", "   ", "tel"),
    ("mango", None, "tel"),
    (False, "101", "tel"),
    (None, None, "tel"),
])
def test_mode(provider, extension, expected):
    assert click_to_call.mode(provider, extension) == expected


@pytest.mark.parametrize(("number", "expected"), [
    ("8 (912) 345-67-89", "+79123456789"),
    ("+7 912 345 67 89", "+79123456789"),
    ("89123456789", "+79123456789"),
    ("+375 29 123-45-67", "+375291234567"),
    ("+1 (555) 0100-999", "+15550100999"),  # not a valid number: its digits, the + kept
    ("12-34-5", "12345"),
    ("12", None),
    ("1234", None),
    ("12345678901234567", None),
    ("", None),
    (None, None),
    ("call me", None),
])
def test_dial_number(number, expected):
    assert click_to_call.dial_number(number, "RU") == expected


def test_dial_number_region():
    assert click_to_call.dial_number("8 029 123-45-67", "BY") == "+375291234567"


def test_provider_digits_and_tel_url():
    assert click_to_call.provider_digits("+79123456789") == "79123456789"
    assert click_to_call.provider_digits(None) == ""
    assert click_to_call.tel_url("+79123456789") == "tel:+79123456789"
