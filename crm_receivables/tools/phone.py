"""Phone numbers: one canonical form (E.164) whatever way people typed them.

The one place where the addons read a phone number (telephony look-up, click-to-call, follow-up SMS, 1C
import): pure functions, no ORM, on top of the ``phonenumbers`` library (the one Odoo's ``phone_validation``
uses). A number without an international prefix is read in a **default region**: the company's country
(``res.company._crm_phone_region``), or the customer's own country when the number is theirs. In Russia
``8 (912) 345-67-89``, ``+7 912 3456789``, ``007 912 345 67 89`` and ``89123456789`` are all
``+79123456789``; an extension (``доб. 12``, ``ext. 12``) is not part of the number.
"""

import re

try:
    import phonenumbers
except ImportError:  # pragma: no cover - phonenumbers is an external dependency of the addon
    phonenumbers = None

_NON_DIGITS = re.compile(r"\D")
_NOT_DIALLED = re.compile(r"[^\d+]")
# shortest national number worth searching (avoids matching any number containing "123")
MIN_SEARCH_DIGITS = 6
# region of a company without a country: the addons are made for Russian companies
FALLBACK_REGION = "RU"


def region_for(country_code):
    """The region national numbers are read in: the given country, else :data:`FALLBACK_REGION`.

    :param str country_code: ISO code of a country (``"ru"``, ``"BY"``), or empty
    :return: upper-case ISO code
    """
    return (country_code or FALLBACK_REGION).upper()


def normalize(number, default_region=FALLBACK_REGION):
    """Return the number in E.164 (``+79123456789``), or ``None`` when it is not a valid phone number.

    :param str number: the number as typed (spaces, dots, dashes, brackets, national trunk prefix, ``00``
        or ``+`` international prefix, an extension: all allowed)
    :param str default_region: ISO country code used when the number has no international prefix
    :return: str or None
    """
    if not number or not isinstance(number, str) or phonenumbers is None:
        return None
    text = number.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, (default_region or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed) or not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def first_valid(numbers, default_region=FALLBACK_REGION):
    """The E.164 form of the first valid number of ``numbers`` (e.g. a contact's mobile, then phone).

    :param numbers: iterable of numbers as typed (empty values allowed)
    :param str default_region: see :func:`normalize`
    :return: str or None
    """
    for number in numbers:
        e164 = normalize(number, default_region)
        if e164:
            return e164
    return None


def dial_string(number, default_region=FALLBACK_REGION):
    """What to dial: the E.164 form, else the digits and ``+`` of what was typed (``tel:`` links).

    :param str number: the number as typed
    :param str default_region: see :func:`normalize`
    :return: str (``""`` for an empty number)
    """
    return normalize(number, default_region) or _NOT_DIALLED.sub("", number or "")


def dial_digits(number, default_region=FALLBACK_REGION):
    """The digits with the country code (``79123456789``), as exchanges' call-back requests want them.

    :param str number: the number as typed
    :param str default_region: see :func:`normalize`
    :return: str
    """
    return _NON_DIGITS.sub("", dial_string(number, default_region))


def national_digits(number, default_region=FALLBACK_REGION):
    """The national significant number (``9123456789``): what every way of writing the number contains.

    Falls back to the bare digits of an invalid number; ``""`` when there is nothing to search.
    """
    e164 = normalize(number, default_region)
    if e164:
        parsed = phonenumbers.parse(e164)
        return str(parsed.national_number)
    return _NON_DIGITS.sub("", number or "")


def same_number(first, second, default_region=FALLBACK_REGION):
    """True when both strings are the same valid phone number."""
    first_e164 = normalize(first, default_region)
    return bool(first_e164) and first_e164 == normalize(second, default_region)


def search_term(number, default_region=FALLBACK_REGION):
    """The digits to look for in stored numbers (``ilike``), or ``None`` when too short to be meaningful."""
    digits = national_digits(number, default_region)
    return digits if len(digits) >= MIN_SEARCH_DIGITS else None


def match_numbers(number, candidates, default_region=FALLBACK_REGION):
    """Return the candidates (any iterable of strings) that are the same number as ``number``."""
    target = normalize(number, default_region)
    if not target:
        return []
    return [candidate for candidate in candidates if normalize(candidate, default_region) == target]
