"""Phone numbers: one canonical form (E.164) whatever way people typed them.

Pure functions, no ORM, on top of the ``phonenumbers`` library (the one Odoo's ``phone_validation`` uses).
The default region is the company's country: in Russia ``8 (912) 345-67-89``, ``+7 912 3456789`` and
``89123456789`` are all ``+79123456789``.
"""

import re

try:
    import phonenumbers
except ImportError:  # pragma: no cover - phonenumbers is an external dependency of the addon
    phonenumbers = None

_NON_DIGITS = re.compile(r"\D")
# shortest national number worth searching (avoids matching any number containing "123")
MIN_SEARCH_DIGITS = 6


def normalize(number, default_region="RU"):
    """Return the number in E.164 (``+79123456789``), or ``None`` when it is not a valid phone number.

    :param str number: the number as typed (spaces, dashes, brackets, national trunk prefix allowed)
    :param str default_region: ISO country code used when the number has no international prefix
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


def national_digits(number, default_region="RU"):
    """The national significant number (``9123456789``): what every way of writing the number contains.

    Falls back to the bare digits of an invalid number; ``""`` when there is nothing to search.
    """
    e164 = normalize(number, default_region)
    if e164:
        parsed = phonenumbers.parse(e164)
        return str(parsed.national_number)
    return _NON_DIGITS.sub("", number or "")


def same_number(first, second, default_region="RU"):
    """True when both strings are the same valid phone number."""
    first_e164 = normalize(first, default_region)
    return bool(first_e164) and first_e164 == normalize(second, default_region)


def search_term(number, default_region="RU"):
    """The digits to look for in stored numbers (``ilike``), or ``None`` when too short to be meaningful."""
    digits = national_digits(number, default_region)
    return digits if len(digits) >= MIN_SEARCH_DIGITS else None


def match_numbers(number, candidates, default_region="RU"):
    """Return the candidates (any iterable of strings) that are the same number as ``number``."""
    target = normalize(number, default_region)
    if not target:
        return []
    return [candidate for candidate in candidates if normalize(candidate, default_region) == target]
