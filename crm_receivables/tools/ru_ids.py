"""Russian company identifiers: ИНН (taxpayer number) and КПП (registration reason code).

Pure functions, no ORM. ``normalize_inn`` strips what people type around the digits; ``is_valid_inn``
checks the length and the check digit(s) as the Federal Tax Service defines them.
"""

import re

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_KPP = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")


def _check_digit(digits, weights):
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def normalize_inn(value):
    """Return the digits of an ИНН as typed (spaces, dashes and a leading "ИНН" removed), or ``""``.

    >>> normalize_inn("ИНН 7708 123-450")
    '7708123450'
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():  # Excel gives numbers
        value = int(value)
    text = str(value).strip()
    text = re.sub(r"^(ИНН|INN)\s*:?\s*", "", text, flags=re.IGNORECASE)
    return re.sub(r"[\s\-.]", "", text)


def is_valid_inn(value):
    """True for a 10-digit (company) or 12-digit (individual) ИНН with correct check digits."""
    inn = normalize_inn(value)
    if not inn.isdigit():
        return False
    if len(inn) == 10:
        return _check_digit(inn[:9], _INN10_WEIGHTS) == int(inn[9])
    if len(inn) == 12:
        return (
            _check_digit(inn[:10], _INN12_WEIGHTS_11) == int(inn[10])
            and _check_digit(inn[:11], _INN12_WEIGHTS_12) == int(inn[11])
        )
    return False


def normalize_kpp(value):
    """Return a КПП as 9 characters; a number read from Excel gets back the leading zeros it lost."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and float(value).is_integer():
        return str(int(value)).zfill(9)
    return re.sub(r"\s", "", str(value)).upper()


def is_valid_kpp(value):
    """True for a 9-character КПП: 4 digits (tax office), 2 digits or letters (reason), 3 digits."""
    return bool(_KPP.match(normalize_kpp(value)))
