"""Russian company identifiers: ИНН (taxpayer number) and КПП (registration reason code).

Pure functions, no ORM. The ИНН check digits (10 digits for a company, 12 for an individual entrepreneur)
are not ours: :func:`is_valid_inn` asks ``python-stdnum`` (``stdnum.ru.inn``, the library Odoo's ``base_vat``
checks tax numbers with, shipped with Odoo). What neither stdnum nor ``base_vat`` does is kept here: reading
an ИНН as people and 1C type it (:func:`normalize_inn`: "ИНН: 7708 123-450", a number from Excel) and the
КПП (:func:`normalize_kpp`, :func:`is_valid_kpp`).
"""

import re

from stdnum.ru import inn as stdnum_inn

_KPP = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")


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
    """True for a 10-digit (company) or 12-digit (individual) ИНН with correct check digits.

    :param value: the ИНН as typed (see :func:`normalize_inn`)
    :return: bool (the check itself is ``stdnum.ru.inn``)
    """
    inn = normalize_inn(value)
    return inn.isdigit() and len(inn) in (10, 12) and stdnum_inn.is_valid(inn)


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
