"""Russian formatting helpers for document templates: amounts in words, dates, money, ИНН/КПП.

Pure functions, no ORM; exposed to the template rendering context by ``crm.knowledge.article``.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words

MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)

#: currency code → (unit forms, cent forms) for plural_ru
CURRENCY_WORDS = {
    "RUB": (("рубль", "рубля", "рублей"), ("копейка", "копейки", "копеек")),
    "USD": (("доллар США", "доллара США", "долларов США"), ("цент", "цента", "центов")),
    "EUR": (("евро", "евро", "евро"), ("евроцент", "евроцента", "евроцентов")),
    "CNY": (("юань", "юаня", "юаней"), ("фэнь", "фэня", "фэней")),
}


def plural_ru(number, forms):
    """Pick the Russian plural form for ``number`` among (one, few, many).

    >>> plural_ru(1, ("рубль", "рубля", "рублей")), plural_ru(3, ("рубль", "рубля", "рублей"))
    ('рубль', 'рубля')
    >>> plural_ru(11, ("рубль", "рубля", "рублей")), plural_ru(25, ("рубль", "рубля", "рублей"))
    ('рублей', 'рублей')
    """
    number = abs(int(number))
    if number % 10 == 1 and number % 100 != 11:
        return forms[0]
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return forms[1]
    return forms[2]


def _split_amount(amount):
    value = Decimal(str(amount or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    units = int(value)
    cents = int((abs(value) - abs(units)) * 100)
    return units, cents


def amount_to_words_ru(amount, currency="RUB"):
    """Amount in Russian words, units in words and cents in digits, as in Russian contracts and claims.

    >>> amount_to_words_ru(1234.5)
    'Одна тысяча двести тридцать четыре рубля 50 копеек'
    """
    units, cents = _split_amount(amount)
    unit_forms, cent_forms = CURRENCY_WORDS.get((currency or "RUB").upper(), CURRENCY_WORDS["RUB"])
    words = num2words(abs(units), lang="ru")
    if units < 0:
        words = f"минус {words}"
    text = f"{words} {plural_ru(units, unit_forms)} {cents:02d} {plural_ru(cents, cent_forms)}"
    return text[:1].upper() + text[1:]


def format_amount_ru(amount, currency_symbol=""):
    """Money with a space (no-break) as thousands separator and a comma before kopecks: ``1 234 567,89 ₽``."""
    units, cents = _split_amount(amount)
    grouped = f"{abs(units):,}".replace(",", "\u00a0")
    sign = "-" if units < 0 or (units == 0 and Decimal(str(amount or 0)) < 0) else ""
    text = f"{sign}{grouped},{cents:02d}"
    return f"{text}\u00a0{currency_symbol}" if currency_symbol else text


def format_quantity_ru(value, digits=3):
    """A quantity without useless zeros, comma as decimal separator: ``10``, ``2,5``, ``1 250``."""
    number = Decimal(str(value or 0)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP).normalize()
    units, _, decimals = f"{abs(number):f}".partition(".")
    text = f"{int(units):,}".replace(",", "\u00a0")
    if decimals:
        text = f"{text},{decimals}"
    return f"-{text}" if number < 0 else text


def format_date_ru(value, with_suffix=True):
    """A date as written in Russian documents: ``27 ноября 2026 г.``; empty string for no date.

    Accepts a ``date``/``datetime`` or an ISO string ``YYYY-MM-DD``.
    """
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    text = f"{value.day} {MONTHS_GENITIVE[value.month - 1]} {value.year}"
    return f"{text} г." if with_suffix else text


def format_inn_kpp(inn, kpp=None):
    """``ИНН 7708123450 / КПП 770801001`` (or only the ИНН for individuals); empty string when unknown."""
    inn = "".join(str(inn or "").split())
    kpp = "".join(str(kpp or "").split())
    parts = []
    if inn:
        parts.append(f"ИНН {inn}")
    if kpp:
        parts.append(f"КПП {kpp}")
    return " / ".join(parts)
