"""Cell values of 1C exports: amounts, dates, document titles, currencies, text.

Pure functions, no ORM. 1C writes amounts as numbers or as text ("1 234 567,89", "(5 000,00)" for a negative,
non-breaking or thin spaces as thousands separators), dates as Excel serials, ``datetime`` cells or text
("12.03.2026", "12.03.2026 0:00:00"), and documents as one title ("Реализация товаров и услуг 00000123 от
12.03.2026"). Every parser raises :class:`OnecValueError` on input it cannot read; the caller adds the sheet,
row and column and turns it into an :class:`OnecError`.
"""

import datetime
import functools
import math
import re


class OnecError(Exception):
    """A problem in a 1C file, located and keyed for translation by the caller (the wizard).

    :param str key: message key (see ``crm.import.1c.wizard._onec_error_message``)
    :param str sheet: sheet name, or ``""`` for errors about the whole file
    :param int row: 1-based row number in the sheet, or ``0``
    :param str column: column header as written in the file (or its letter), or ``""``
    :param dict params: extra values for the message (``value``, ``limit``…)
    """

    def __init__(self, key, sheet="", row=0, column="", **params):
        self.key = key
        self.sheet = sheet or ""
        self.row = row or 0
        self.column = column or ""
        self.params = params
        super().__init__(f"{key} sheet={sheet!r} row={row} column={column!r} {params}")


class OnecValueError(ValueError):
    """A single value could not be read; ``key`` says what kind of value it was."""

    def __init__(self, key, value):
        self.key = key
        self.value = value
        super().__init__(f"{key}: {value!r}")


class FormulaWithoutValue:
    """Marker for a formula cell saved without its computed value (the file was never recalculated)."""

    def __init__(self, formula=""):
        self.formula = formula

    def __repr__(self):
        return f"FormulaWithoutValue({self.formula!r})"


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']+")
_AMOUNT = re.compile(r"^[+-]?\d+(\.\d+)?$")
_CURRENCY_SUFFIX = re.compile(r"(руб\.?|р\.|₽|rub)$", re.IGNORECASE)
_DATE_TEXT = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2})?)?$")
# The look-behind only starts the search at the beginning of a word: same leftmost match (a match inside a word
# implies one at its start), without retrying every position of every word (3x faster on long titles).
_DOCUMENT = re.compile(
    r"(?<![^\s()№#])(?P<number>[^\s()№#]+)\s+от\s+(?P<date>\d{1,2}\.\d{1,2}\.\d{2,4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?",
    re.IGNORECASE,
)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_LABEL_PUNCTUATION = re.compile(r"[.:;,()\"«»*№/]")
_LATIN_CODE = re.compile(r"[A-Za-z]{3}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
#: A plain amount once spaces are removed ("1234567,89", "-12.5"): read without the general rules below.
_PLAIN_AMOUNT = re.compile(r"[+-]?\d+(?:[.,]\d+)?")

#: What people and 1C write in a currency column, mapped to ISO 4217 codes.
CURRENCY_ALIASES = {
    "rub": "RUB", "rur": "RUB", "руб": "RUB", "руб.": "RUB", "рубль": "RUB", "рубли": "RUB", "р.": "RUB",
    "₽": "RUB", "643": "RUB",
    "usd": "USD", "долл": "USD", "долл.": "USD", "доллар сша": "USD", "$": "USD", "840": "USD",
    "eur": "EUR", "евро": "EUR", "€": "EUR", "978": "EUR",
    "cny": "CNY", "юань": "CNY", "156": "CNY",
    "kzt": "KZT", "тенге": "KZT", "398": "KZT",
    "byn": "BYN", "бел. руб.": "BYN", "933": "BYN",
}


#: Control characters a cell may carry (.xls files, XML escapes): dropped, PostgreSQL refuses NUL in text.
_CONTROL = dict.fromkeys([*range(0x20), 0x7F, *range(0x80, 0xA0), 0x200B, 0xFEFF])


def clean_text(value):
    """Return a cell as stripped text with single spaces (``""`` for empty cells).

    Numbers that are whole (Excel stores ИНН typed as numbers as floats) lose their ``.0``; control
    characters (``\\x00``…, zero-width space, byte order mark) are dropped.
    """
    if value.__class__ is str:  # the common case first; split() also splits on non-breaking spaces
        text = " ".join(value.split())
        return text if text.isprintable() else " ".join(text.translate(_CONTROL).split())
    if value is None or isinstance(value, FormulaWithoutValue):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    return text if text.isprintable() else " ".join(text.translate(_CONTROL).split())


def normalize_label(value):
    """Lower-case a header label for matching: ``ё`` → ``е``, punctuation dropped, spaces collapsed."""
    text = clean_text(value).lower().replace("ё", "е")
    text = _LABEL_PUNCTUATION.sub(" ", text)
    return " ".join(text.split())


def parse_amount(value):
    """Read an amount cell; return a ``float`` rounded to cents, or ``None`` for an empty cell.

    >>> parse_amount("1 234 567,89"), parse_amount("(5 000,00)"), parse_amount(-12.5)
    (1234567.89, -5000.0, -12.5)

    :raise OnecValueError: ``formula`` for a formula without value, ``amount`` for text that is no number
    """
    if isinstance(value, FormulaWithoutValue):
        raise OnecValueError("formula", value.formula)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise OnecValueError("amount", value)
    if isinstance(value, (int, float)):
        if not math.isfinite(value):  # NaN, infinity (a crafted cell)
            raise OnecValueError("amount", value)
        return round(float(value), 2)
    text = _SPACES.sub("", str(value))
    if _PLAIN_AMOUNT.fullmatch(text):  # fast path, same result as the rules below for such text
        amount = round(float(text.replace(",", ".")), 2)
        if not math.isfinite(amount):  # "9" * 400
            raise OnecValueError("amount", value)
        return amount
    if not text or text in ("-", "—"):
        return None
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    text = _CURRENCY_SUFFIX.sub("", text)
    if text.endswith("-"):  # "5000,00-" as some 1C forms print credit amounts
        negative, text = not negative, text[:-1]
    if "," in text and "." in text:
        # the right-most separator is the decimal one: "1.234.567,89" or "1,234,567.89"
        text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
    else:
        text = text.replace(",", ".")
    if not _AMOUNT.match(text):
        raise OnecValueError("amount", value)
    amount = round(float(text), 2)
    if not math.isfinite(amount):
        raise OnecValueError("amount", value)
    return -amount if negative else amount


def parse_date(value, datemode=0):
    """Read a date cell: ``date``/``datetime``, Excel serial number, "dd.mm.yyyy" (time ignored) or ISO text.

    :return: ``datetime.date`` or ``None`` for an empty cell
    :raise OnecValueError: ``date`` for anything else
    """
    if isinstance(value, FormulaWithoutValue):
        raise OnecValueError("formula", value.formula)
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise OnecValueError("date", value)
        epoch = datetime.date(1904, 1, 1) if datemode == 1 else _EXCEL_EPOCH
        return epoch + datetime.timedelta(days=int(value))
    text = clean_text(value)
    if not text:
        return None
    date = _date_of_text(text)
    if date is None:
        raise OnecValueError("date", value)
    return date


@functools.lru_cache(maxsize=4096)
def _date_of_text(text):
    """The date a cleaned text reads as, ``None`` when it is no date (31.02.2026 included).

    Cached: an export repeats the same few hundred dates in every row.
    """
    try:
        match = _DATE_TEXT.match(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
            if year < 100:
                year += 2000
            return datetime.date(year, month, day)
        match = _ISO_DATE.match(text)
        if match:
            return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:  # 31.02.2026
        return None
    return None


def parse_document(value):
    """Split a 1C document title into ``(label, number, date)``.

    >>> parse_document("Реализация товаров и услуг 00000123 от 12.03.2026 12:00:00")
    ('Реализация товаров и услуг 00000123 от 12.03.2026', '00000123', datetime.date(2026, 3, 12))

    A title without "<number> от <date>" is kept whole as its own number, with no date.
    """
    text = clean_text(value)
    if not text:
        return "", "", None
    match = _DOCUMENT.search(text)
    if not match:
        return text, text, None
    try:
        date = parse_date(match.group("date"))
    except OnecValueError:
        return text, text, None
    label = (text[: match.start()] + match.group("number") + " от " + match.group("date")).strip(" (")
    return label, match.group("number"), date


#: How the settlement documents of 1C start (Бухгалтерия, УТ, КА, ERP), lower-case, ``ё`` read as ``е``.
DOCUMENT_PREFIXES = (
    "реализация", "поступление", "списание с расчетного счета", "корректировка долга", "корректировка реализации",
    "корректировка поступления", "возврат товаров", "возврат", "приходный кассовый ордер", "расходный кассовый ордер",
    "платежное поручение", "платежный ордер", "оплата", "продажа", "счет на оплату", "счет-фактура", "заказ клиента",
    "заказ покупателя", "операция", "операция бух", "ввод остатков", "ввод начальных остатков", "акт ", "акт об",
    "отчет комиссионера", "отчет о розничных продажах", "взаимозачет", "зачет", "банковская выписка", "выписка",
    "передача товаров", "оказание услуг", "списание безнадежной", "погашение", "документ расчетов",
    "расчетный документ", "операция по платежной карте", "<...>", "<не указан", "не указан", "<документ",
)
_CONTRACT = re.compile(
    r"^[<(\[]?\s*(?:основной\s+договор|без\s+договора|договор|дог\s*\.|контракт|соглашение|спецификация|"
    r"доп\.?\s*соглашение|дополнительное\s+соглашение|договоры\s+не\s+указан|агентский\s+договор)",
    re.IGNORECASE,
)


def looks_like_contract(value):
    """True for a contract row of a 1C trial balance: «Основной договор», «Договор № 12 от 01.02.2024»,
    «Без договора», «<Без договора>», «Контракт 7/2026»…

    Checked before :func:`looks_like_document_row`: «Договор № 12 от 01.02.2024» also reads as a document.
    """
    text = clean_text(value)
    return bool(text) and bool(_CONTRACT.match(text))


def looks_like_document_row(value):
    """True when a text is a settlement document: a title with "<number> от <date>", or one starting as 1C's
    settlement documents do («Поступление на расчетный счет …», «Корректировка долга …», «Ввод остатков»).
    """
    text = clean_text(value)
    if not text or _CONTRACT.match(text):  # «Договор № 12 от 01.02.2024» is a contract
        return False
    if _DOCUMENT.search(text):
        return True
    lowered = text.lower().replace("ё", "е")
    return lowered.startswith(DOCUMENT_PREFIXES)


def parse_currency(value):
    """Return the ISO code of a currency cell ("руб.", "RUB", "643"…), ``None`` for an empty cell.

    Three-letter Latin codes pass through (the database decides whether it knows them).

    :raise OnecValueError: ``currency`` for anything else ("у.е.")
    """
    text = clean_text(value)
    if not text:
        return None
    key = text.lower()
    if key in CURRENCY_ALIASES:
        return CURRENCY_ALIASES[key]
    if _LATIN_CODE.fullmatch(text):
        return text.upper()
    raise OnecValueError("currency", value)


def normalize_email(value):
    """Return a lower-cased e-mail address, or ``""``; the first one when a cell lists several."""
    text = clean_text(value)
    match = _EMAIL.search(text) if text else None
    return match.group(0).lower() if match else ""
