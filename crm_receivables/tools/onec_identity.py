"""Who a 1C row is and which document it carries, whatever the report that brings it.

Pure Python, no ORM. 1C prints the same customer as «ООО "Ромашка"», ``Общество с ограниченной
ответственностью «Ромашка»`` or ``ромашка ооо`` depending on the report and on who typed the card, and the same
document number as ``00000123``, ``0000-000123`` or ``БП-00000123``: the import compares the normalised forms.
"""

import re

#: Legal forms and the family each belongs to (matched as whole words after the text is lower-cased, ё → е and
#: punctuation removed), long spellings first. ЗАО/ОАО became АО/НАО/ПАО in 2014: one family, as 1C cards
#: often keep the old form. A form says what kind of company it is: the family is compared, the words dropped.
LEGAL_FORMS = {
    "общество с ограниченной ответственностью": "ооо",
    "общество с дополнительной ответственностью": "одо",
    "закрытое акционерное общество": "ао",
    "открытое акционерное общество": "ао",
    "непубличное акционерное общество": "ао",
    "публичное акционерное общество": "ао",
    "акционерное общество": "ао",
    "индивидуальный предприниматель": "ип",
    "государственное унитарное предприятие": "гуп",
    "муниципальное унитарное предприятие": "муп",
    "автономная некоммерческая организация": "ано",
    "ооо": "ооо", "одо": "одо", "оао": "ао", "зао": "ао", "пао": "ао", "нао": "ао", "ао": "ао", "ип": "ип",
    "гуп": "гуп", "муп": "муп", "ано": "ано", "llc": "ооо", "ltd": "ооо",
}
_FORMS = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(form) for form in LEGAL_FORMS) + r")(?!\w)")
_NOT_WORD = re.compile(r"[^\w]+")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def _words(text):
    text = text.casefold().replace("ё", "е")
    text = _NOT_WORD.sub(" ", text).replace("_", " ")
    return _SPACES.sub(" ", text).strip()


def name_identity(name):
    """The comparable form of a customer name: its legal-form family and its words without the form.

    ``ООО «Ромашка»``, ``Общество с ограниченной ответственностью "Ромашка"`` and ``Ромашка, ООО`` all give
    ``("ооо", "ромашка")``; ``ИП Кузнецова Мария Петровна`` gives ``("ип", "кузнецова мария петровна")``;
    ``Ромашка`` gives ``("", "ромашка")``. Quotes, punctuation, case, ё/е and spaces do not count.

    :param str name: the name as printed by 1C or typed on a card (``None`` allowed)
    :return: ``(form family or "", words)``; ``("", "")`` for an empty name
    """
    if not name:
        return "", ""
    text = _words(name)
    forms = [LEGAL_FORMS[match.group()] for match in _FORMS.finditer(text)]
    core = _SPACES.sub(" ", _FORMS.sub(" ", text)).strip()
    if not core:  # a name that is only a legal form ("ИП") stays itself
        return "", text
    return (forms[0] if forms else ""), core


def normalize_name(name):
    """The words of a customer name without its legal form (see :func:`name_identity`).

    :param str name: the name (``None`` allowed)
    :return: lower-case words separated by one space, ``""`` when empty
    """
    return name_identity(name)[1]


def names_match(name, other):
    """Whether two names are the same customer's: same words, and the same legal-form family when both say one.

    :param str name: one spelling
    :param str other: the other spelling
    :return: ``True`` when they match (``ООО «Альфа»`` and ``АО «Альфа»`` do not)
    """
    form, core = name_identity(name)
    other_form, other_core = name_identity(other)
    return bool(core) and core == other_core and (not form or not other_form or form == other_form)


def normalize_number(number):
    """The comparable form of a 1C document number: ``БП-00000123``, ``бп 123`` → ``бп123``.

    Case, spaces and separators are dropped, leading zeros of each group of digits too (1C pads numbers to
    its own width, which differs between configurations and reports).

    :param str number: the document number (``None`` allowed)
    :return: the normalised number, ``""`` when empty
    """
    if not number:
        return ""
    text = _NOT_WORD.sub("", number.casefold().replace("ё", "е")).replace("_", "")
    return _DIGITS.sub(lambda match: match.group().lstrip("0") or "0", text)


def document_key(kind, number, date, label=""):
    """Identity of a document of a customer, the same in every report that brings it.

    :param str kind: ``"document"`` or ``"balance"`` (one balance per customer)
    :param str number: the 1C document number
    :param datetime.date date: the document date (``None`` when the report has none)
    :param str label: the document text, used when the report gives no number
    :return: ``"balance"`` or ``"<normalised number>|<ISO date>"``
    """
    if kind == "balance":
        return "balance"
    number = normalize_number(number) or normalize_name(label)
    return f"{number}|{date.isoformat() if date else ''}"


def names_conflict(inn, other_inn):
    """Two records with different ИНН are different customers, whatever their names or phones say.

    :param str inn: the ИНН of one (empty when unknown)
    :param str other_inn: the ИНН of the other (empty when unknown)
    :return: ``True`` when both are known and differ
    """
    return bool(inn and other_inn and inn != other_inn)
