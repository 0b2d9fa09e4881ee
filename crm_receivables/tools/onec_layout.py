"""Find the header of a 1C export, map its columns, recognise the layout and turn rows into records.

Pure Python, no ORM. Four layouts are known:

``osv_62``
    Оборотно-сальдовая ведомость по счету 62: a two-row header ("Сальдо на конец периода" over "Дебет" /
    "Кредит"), counterparty rows with document sub-rows (outline levels 1 and 2), account and "Итого" rows.
``settlements``
    Расчеты с покупателями / Анализ субконто: counterparty, document ("Реализация товаров и услуг 00000123 от
    12.03.2026"), due date, amount (often text "1 234 567,89"), currency.
``reconciliation_act``
    Акт сверки взаимных расчетов: the counterparty and the period in the title, "Дата / Документ / Дебет /
    Кредит" per side, "Сальдо начальное" / "Сальдо конечное" rows; the closing balance is imported.
``counterparties``
    A plain counterparty list: Наименование, ИНН, КПП, Телефон, E-mail, Адрес.

:func:`parse` reads the first rows to find the header, then returns a :class:`Analysis` whose ``records``
generator streams the rest of the sheet. Problems in one row do not stop the stream: the row's
:class:`Record` carries an :class:`~.onec_values.OnecError` and the caller decides (the wizard refuses to
import a file with any error). Problems with the whole file raise :class:`~.onec_values.OnecError`.
"""

import dataclasses
import datetime
import functools
import hashlib
import itertools
import re

from . import ru_ids
from .onec_values import (
    FormulaWithoutValue,
    OnecError,
    OnecValueError,
    clean_text,
    looks_like_document,
    normalize_email,
    normalize_label,
    parse_amount,
    parse_currency,
    parse_date,
    parse_document,
)

#: How many rows (title + header) are read to find the header.
HEADER_SCAN_ROWS = 40

LAYOUTS = ("osv_62", "settlements", "reconciliation_act", "counterparties")

#: Target fields a column can be mapped to, with their Russian and English header names (normalised).
FIELD_SYNONYMS = {
    "name": ("наименование", "контрагент", "контрагенты", "покупатель", "клиент", "субконто",
             "субконто 1", "контрагенты документы расчетов с контрагентами", "полное наименование",
             "counterparty", "customer", "name", "partner", "company"),
    "inn": ("инн", "инн контрагента", "inn", "tax id", "taxpayer id", "vat"),
    "kpp": ("кпп", "кпп контрагента", "kpp"),
    "phone": ("телефон", "телефоны", "тел", "контактный телефон", "phone", "telephone", "mobile"),
    "email": ("e-mail", "email", "e mail", "электронная почта", "эл почта", "адрес электронной почты", "mail"),
    "address": ("адрес", "юридический адрес", "фактический адрес", "адрес доставки", "address"),
    "document": ("документ", "документ расчетов", "документ расчетов с контрагентом", "документы расчетов",
                 "документы расчетов с контрагентами", "регистратор", "document", "invoice"),
    "doc_date": ("дата", "дата документа", "date", "document date", "invoice date"),
    "due_date": ("срок оплаты", "дата оплаты", "оплатить до", "срок", "due date", "due"),
    "amount": ("сумма", "сумма долга", "задолженность", "долг", "остаток", "сумма задолженности",
               "остаток долга", "amount", "balance", "amount due", "debt"),
    "currency": ("валюта", "валюта документа", "currency"),
    "debit": ("дебет", "дт", "debit"),
    "credit": ("кредит", "кт", "credit"),
}
#: Header names that usually, not always, mean a field: the mapping is then shown as unsure.
WEAK_SYNONYMS = {"счет": "name", "account": "name", "объект": "name", "показатель": "name"}
#: Upper labels of two-row headers, mapped to the prefix of the debit/credit pair below them.
GROUP_SYNONYMS = {
    "сальдо на конец периода": "end", "сальдо на конец": "end", "конечное сальдо": "end", "closing balance": "end",
    "сальдо на начало периода": "start", "сальдо на начало": "start", "начальное сальдо": "start",
    "opening balance": "start",
    "обороты за период": "turnover", "обороты": "turnover", "turnover": "turnover",
}
#: Fields a layout cannot do without (one of each tuple).
REQUIRED = {
    "osv_62": (("name",), ("end_debit", "end_credit")),
    "settlements": (("name",), ("amount",)),
    "reconciliation_act": (("debit", "credit"),),
    "counterparties": (("name",),),
}
#: Fields the user may pick in a manual mapping.
MAPPABLE_FIELDS = (
    "name", "inn", "kpp", "phone", "email", "address", "document", "doc_date", "due_date", "amount", "currency",
    "debit", "credit", "end_debit", "end_credit",
)

_ACCOUNT_CODE = re.compile(r"^\d{2}(\.\d{1,2})*$")
_INN_IN_TEXT = re.compile(r"ИНН\s*:?\s*(\d{10}|\d{12})\b", re.IGNORECASE)
_KPP_IN_TEXT = re.compile(r"КПП\s*:?\s*(\d{4}[\dA-Z]{2}\d{3})\b", re.IGNORECASE)
_DATE_IN_TEXT = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")
_BETWEEN = re.compile(r"между\s+(.+?)\s+и\s+(.+)$", re.IGNORECASE)
_COUNTERPARTY_LINE = re.compile(r"^(?:контрагент|покупатель)\s*:?\s*(.+?)(?:,\s*ИНН.*)?$", re.IGNORECASE)


@dataclasses.dataclass
class Record:
    """One row of the file as the import sees it.

    ``kind`` is ``"partner"`` (a counterparty list row), ``"document"`` (an open item: document with balance)
    or ``"balance"`` (a customer balance without document detail: OSV counterparty row without sub-rows,
    reconciliation act).
    """

    row: int
    kind: str
    name: str = ""
    inn: str = ""
    kpp: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    doc_label: str = ""
    doc_number: str = ""
    doc_date: datetime.date = None
    due_date: datetime.date = None
    amount: float = None
    currency: str = None
    error: OnecError = None

    @property
    def external_key(self):
        """Stable key of the document (or of the customer balance) across files: ИНН (else name), number, date."""
        who = self.inn or self.name.lower()
        if self.kind == "balance":  # one balance per customer: a later file replaces it
            raw = "|".join((who, "balance"))
        else:
            raw = "|".join((who, self.doc_number, self.doc_date.isoformat() if self.doc_date else ""))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclasses.dataclass
class Analysis:
    """What :func:`parse` found: sheet, layout, header and mapping, plus the record stream."""

    sheet: str
    layout: str
    header_row: int
    columns: list
    mapping: dict
    confidence: float
    title: list
    records: object = None

    @property
    def is_sure(self):
        return self.confidence >= 1.0


# ------------------------------------------------------------------------------------------------------
# Header
# ------------------------------------------------------------------------------------------------------
def match_label(label):
    """Return ``(field, score)`` for a header label: 1.0 for a known name, 0.7 when a known name starts it."""
    text = normalize_label(label)
    if not text:
        return None, 0.0
    for field, synonyms in FIELD_SYNONYMS.items():
        if text in synonyms:
            return field, 1.0
    if text in WEAK_SYNONYMS:
        return WEAK_SYNONYMS[text], 0.8
    for field, synonyms in FIELD_SYNONYMS.items():
        for synonym in synonyms:
            if len(synonym) > 3 and text.startswith(synonym + " "):
                return field, 0.7
    return None, 0.0


def _group_of(label):
    text = normalize_label(label)
    if not text:
        return None
    if text in GROUP_SYNONYMS:
        return GROUP_SYNONYMS[text]
    if text.startswith("по данным"):
        return "side"
    for key, group in GROUP_SYNONYMS.items():
        if text.startswith(key):
            return group
    return None


def _is_debit_credit_row(values):
    fields = {match_label(value)[0] for value in values}
    return {"debit", "credit"} <= fields


def map_columns(upper, lower=None):
    """Map header cells to fields.

    :param list upper: the header row (or the upper row of a two-row header)
    :param list lower: the lower row of a two-row header ("Дебет", "Кредит"…), or ``None``
    :return: ``(columns, mapping, scores)``: the label per column, ``{field: column index}`` and
        ``{field: score}``
    """
    width = max(len(upper), len(lower or ()))
    upper = list(upper) + [None] * (width - len(upper))
    lower = list(lower or ()) + [None] * (width - len(lower or ()))
    columns, mapping, scores = [], {}, {}
    group, sides = None, 0
    for index in range(width):
        top, bottom = clean_text(upper[index]), clean_text(lower[index])
        if top:  # a merged group label covers the empty cells to its right
            group = _group_of(top)
            if group == "side":
                sides += 1
        columns.append(" / ".join(part for part in (top, bottom) if part) or "")
        field, score = match_label(bottom or top)
        if bottom and not field:
            field, score = match_label(top)
        if field in ("debit", "credit") and group in ("end", "start", "turnover"):
            field = f"{group}_{field}"
        if group == "side" and sides > 1 and bottom:
            continue  # the counterparty's side of a reconciliation act
        if field and field not in mapping:
            mapping[field], scores[field] = index, score
    return columns, mapping, scores


def detect_layout(mapping, title_text):
    """Choose the layout from the mapped fields and the title rows; ``None`` when nothing fits."""
    title = title_text.lower().replace("ё", "е")
    if "акт сверки" in title or ({"debit", "credit", "document"} <= set(mapping) and "name" not in mapping):
        return "reconciliation_act"
    if "end_debit" in mapping or "end_credit" in mapping:
        return "osv_62"
    if "name" in mapping and "amount" in mapping:
        return "settlements"
    if "name" in mapping and {"inn", "phone", "email"} & set(mapping):
        return "counterparties"
    return None


def confidence_of(layout, mapping, scores):
    """Lowest score among the fields the layout needs (0 when one is missing)."""
    result = 1.0
    for alternatives in REQUIRED[layout]:
        found = [scores.get(field, 1.0) for field in alternatives if field in mapping]
        if not found:
            return 0.0
        result = min(result, max(found))
    return result


def find_header(rows):
    """Find the header among the first rows.

    :param list rows: ``(row_number, values, level)`` tuples
    :return: ``(position of the first data row in rows, header row number, columns, mapping, scores, title)``
        or ``None``
    """
    for position, (number, values, _level) in enumerate(rows):
        following = rows[position + 1][1] if position + 1 < len(rows) else None
        if following is not None and _is_debit_credit_row(following) and any(clean_text(v) for v in values):
            columns, mapping, scores = map_columns(values, following)
            data_start = position + 2
        else:
            columns, mapping, scores = map_columns(values)
            data_start = position + 1
        if len(mapping) >= 2:
            title = [" ".join(clean_text(v) for v in row[1] if clean_text(v)) for row in rows[:position]]
            return data_start, number, columns, mapping, scores, [line for line in title if line]
    return None


# ------------------------------------------------------------------------------------------------------
# Parse
# ------------------------------------------------------------------------------------------------------
def parse(workbook, sheet=None, mapping=None, layout=None):
    """Analyse a sheet and prepare the record stream.

    :param workbook: from :func:`.onec_reader.open_workbook`
    :param str sheet: sheet name; ``None`` takes the first sheet with a recognisable header
    :param dict mapping: manual ``{field: column index}`` replacing the detected columns
    :param str layout: force a layout instead of detecting it
    :return: :class:`Analysis` with ``records`` a generator of :class:`Record`
    :raise OnecError: ``sheet_not_found``, ``empty_file``, ``empty_sheet``, ``no_header``
    """
    names = workbook.sheet_names
    if sheet and sheet not in names:
        raise OnecError("sheet_not_found", sheet)
    candidates = [sheet] if sheet else names
    any_data = False
    for name in candidates:
        stream = iter(workbook.rows(name))
        head = list(itertools.islice(stream, HEADER_SCAN_ROWS))
        if any(clean_text(v) for _n, values, _l in head for v in values):
            any_data = True
        found = find_header(head)
        if not found:
            continue
        data_start, header_row, columns, detected, scores, title = found
        if mapping:  # the user's mapping replaces the detected one
            detected, scores = dict(mapping), dict.fromkeys(mapping, 1.0)
        chosen = layout or detect_layout(detected, " ".join(title))
        if not chosen:
            continue
        analysis = Analysis(
            sheet=name, layout=chosen, header_row=header_row, columns=columns, mapping=detected,
            confidence=confidence_of(chosen, detected, scores), title=title,
        )
        rows = itertools.chain(head[data_start:], stream)
        analysis.records = _records(analysis, rows)
        return analysis
    if not any_data:
        if sheet:
            raise OnecError("empty_sheet", sheet)
        raise OnecError("empty_file")
    raise OnecError("no_header", sheet or ", ".join(names), rows=HEADER_SCAN_ROWS)


def _records(analysis, rows):
    builder = {
        "osv_62": _HierarchyBuilder, "settlements": _HierarchyBuilder,
        "reconciliation_act": _ActBuilder, "counterparties": _PartnerBuilder,
    }[analysis.layout](analysis)
    seen = {}
    for record in builder.run(rows):
        if record.error is None:
            key = _duplicate_key(record)
            if key in seen:
                record.error = OnecError("duplicate", analysis.sheet, record.row, column_label(analysis, key[0]),
                                         first_row=seen[key])
            else:
                seen[key] = record.row
        yield record


def _duplicate_key(record):
    who = record.inn or record.name.lower()
    if record.kind == "partner":
        return ("inn" if record.inn else "name", who, record.kpp)
    return ("document" if record.doc_number else "name", who, record.kpp, record.doc_number, record.doc_date)


def document_action(kind, amount, previous, rounding):
    """What the import does with the document of a row.

    :param str kind: the record's kind (a counterparty list row carries no document)
    :param float amount: the balance in the file, ``None`` when the row has none
    :param float previous: the amount imported before under the same external key, ``None`` if never imported
    :param float rounding: the rounding of the document's currency (0.01)
    :return: ``"create"`` (a new non-zero document), ``"update"`` (another amount than last time: an adjusting
        item for the difference), ``"same"`` (nothing to write) or ``"none"`` (no amount, or a new zero balance)
    """
    if kind == "partner" or amount is None:
        return "none"
    if previous is None:
        return "none" if abs(amount) * 2 < rounding else "create"
    return "same" if abs(amount - previous) * 2 < rounding else "update"


def column_label(analysis, field):
    """The header of the column mapped to ``field`` as written in the file (or its letter, or the field)."""
    index = analysis.mapping.get(field)
    if index is None or index >= len(analysis.columns):
        return field
    return analysis.columns[index] or column_letter(index)


def column_letter(index):
    """Spreadsheet letter of a 0-based column index: 0 → A, 27 → AB."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _is_total(text):
    """True for a totals row label ("Итого", "Всего:", "Total"); ``text`` is a cleaned cell text."""
    lowered = text.lower()
    if "итого" not in lowered and "всего" not in lowered.replace("ё", "е") and "total" not in lowered:
        return False  # fast path: the label below cannot start with these words if they are absent
    label = normalize_label(text)
    return label.startswith("итого") or label.startswith("всего") or label == "total"


def _has_text(values):
    """Same as ``any(clean_text(v) for v in values)``, without building the texts of plain strings."""
    for value in values:
        if value is None:
            continue
        if value.__class__ is str:
            if value and not value.isspace():
                return True
        elif clean_text(value):
            return True
    return False


@functools.lru_cache(maxsize=1024)
def _inn_of(text):
    """``(normalized ИНН, valid)`` of an ИНН cell text; cached: a customer's rows repeat the same ИНН."""
    inn = ru_ids.normalize_inn(text)
    return inn, not inn or ru_ids.is_valid_inn(inn)


@functools.lru_cache(maxsize=1024)
def _kpp_of(text):
    """``(normalized КПП, valid)`` of a non-empty КПП cell text (cached like :func:`_inn_of`)."""
    kpp = ru_ids.normalize_kpp(text)
    return kpp, not kpp or ru_ids.is_valid_kpp(kpp)


#: Fields whose cleaned text the builders read (the others go through a parser: amounts, dates, currency).
_TEXT_FIELDS = ("name", "inn", "kpp", "phone", "email", "address", "document")


class _RowReader:
    """Shared helpers: read a mapped cell, record the first error of the row."""

    def __init__(self, analysis):
        self.analysis = analysis
        self.mapping = analysis.mapping
        self.text_columns = [(field, self.mapping[field]) for field in _TEXT_FIELDS
                             if self.mapping.get(field) is not None]

    def texts(self, values):
        """``{field: cleaned text}`` of the mapped text cells of a row, each cleaned once per row."""
        width = len(values)
        return {field: clean_text(values[index]) if index < width else "" for field, index in self.text_columns}

    def cell(self, values, field):
        index = self.mapping.get(field)
        if index is None or index >= len(values):
            return None
        return values[index]

    def text(self, values, field):
        return clean_text(self.cell(values, field))

    def fail(self, record, key, field, **params):
        if record.error is None:
            record.error = OnecError(key, self.analysis.sheet, record.row, column_label(self.analysis, field),
                                     **params)

    def read_cell(self, record, values, field, parser):
        """Parse a mapped cell; on failure set the record's error and return ``None``."""
        index = self.mapping.get(field)  # self.cell() inlined: several calls per row
        value = None if index is None or index >= len(values) else values[index]
        if value is None:  # every parser of onec_values reads an empty (or unmapped) cell as None
            return None
        try:
            return parser(value)
        except OnecValueError as error:
            shown = value.formula if isinstance(value, FormulaWithoutValue) else clean_text(value)
            self.fail(record, "formula" if error.key == "formula" else f"bad_{error.key}", field, value=shown)
            return None

    def identity(self, record, texts):
        """Fill and check name, ИНН, КПП and contact fields of a counterparty row from its :meth:`texts`."""
        record.name = texts.get("name", "")
        inn_text = texts.get("inn", "")
        record.inn, inn_valid = _inn_of(inn_text)
        kpp = texts.get("kpp", "")
        record.kpp, kpp_valid = _kpp_of(kpp) if kpp else ("", True)
        record.phone = texts.get("phone", "")
        email_text = texts.get("email", "")
        record.email = normalize_email(email_text)
        record.address = texts.get("address", "")
        if not inn_valid:
            self.fail(record, "bad_inn", "inn", value=inn_text)
        if not kpp_valid:
            self.fail(record, "bad_kpp", "kpp", value=kpp)
        if email_text and not record.email:
            self.fail(record, "bad_email", "email", value=email_text)


class _PartnerBuilder(_RowReader):
    """Counterparty list: one partner record per row."""

    def run(self, rows):
        for number, values, _level in rows:
            if not _has_text(values):
                continue
            texts = self.texts(values)
            if _is_total(texts.get("name", "")):
                continue
            record = Record(row=number, kind="partner")
            self.identity(record, texts)
            if not record.name:
                self.fail(record, "missing_name", "name")
            yield record


class _HierarchyBuilder(_RowReader):
    """OSV 62 and settlements: counterparty rows, document rows below them, flat rows with both."""

    def amount(self, record, values):
        if self.analysis.layout == "osv_62":
            debit = self.read_cell(record, values, "end_debit", parse_amount) or 0.0
            credit = self.read_cell(record, values, "end_credit", parse_amount) or 0.0
            return round(debit - credit, 2)
        return self.read_cell(record, values, "amount", parse_amount)

    def split(self, texts, level):
        """Return ``(counterparty text, document text)`` of a row from its :meth:`texts`."""
        name = texts.get("name", "")
        if "document" in self.mapping:
            return name, texts.get("document", "")
        # OSV: counterparty and document share the first column, the outline level tells them apart
        if level >= 2 or (level == 0 and looks_like_document(name)):
            return "", name
        return name, ""

    def run(self, rows):
        party, pending = None, None
        osv = self.analysis.layout == "osv_62"
        for number, values, level in rows:
            if not _has_text(values):
                continue
            texts = self.texts(values)
            if _is_total(clean_text(values[0])) or _is_total(texts.get("name", "")):
                continue
            name, document = self.split(texts, level)
            if osv and not document and (
                _ACCOUNT_CODE.match(name) or match_label(name)[0] is not None
            ):
                continue  # the account row ("62", "62.01") or the level captions under the header
            if name:
                if pending is not None:
                    yield pending
                party = Record(row=number, kind="balance")
                self.identity(party, texts)
                party.amount = self.amount(party, values)
                party.currency = self.read_cell(party, values, "currency", parse_currency)
                pending = None if document else party
            if not document:
                continue
            if party is None:
                record = Record(row=number, kind="document")
                self.fail(record, "missing_name", "name")
                yield record
                continue
            pending = None
            yield self.document(number, values, party, document, flat=bool(name))
        if pending is not None:
            yield pending

    def document(self, number, values, party, text, flat):
        record = Record(
            row=number, kind="document", name=party.name, inn=party.inn, kpp=party.kpp, phone=party.phone,
            email=party.email, address=party.address, error=party.error if flat else None,
        )
        record.doc_label, record.doc_number, parsed_date = parse_document(text)
        record.doc_date = self.read_cell(record, values, "doc_date", parse_date) or parsed_date
        record.due_date = self.read_cell(record, values, "due_date", parse_date)
        record.amount = self.amount(record, values)
        record.currency = self.read_cell(record, values, "currency", parse_currency) or party.currency
        if record.amount is None:
            self.fail(record, "missing_amount", "end_debit" if self.analysis.layout == "osv_62" else "amount")
        if not record.name:
            self.fail(record, "missing_name", "name")
        return record


class _ActBuilder(_RowReader):
    """Reconciliation act: the counterparty and period from the title, the closing balance from the table."""

    def run(self, rows):
        record = Record(row=self.analysis.header_row, kind="balance")
        self.title(record)
        opening = closing = None
        moves = 0.0
        for number, values, _level in rows:
            first = normalize_label(self.text(values, "document") or (values[0] if values else ""))
            probe = Record(row=number, kind="balance")
            debit = self.read_cell(probe, values, "debit", parse_amount)
            credit = self.read_cell(probe, values, "credit", parse_amount)
            if probe.error is not None:
                if not record.error:
                    record.error = probe.error
                continue
            if debit is None and credit is None:
                continue
            balance = round((debit or 0.0) - (credit or 0.0), 2)
            if first.startswith("сальдо начальное") or first.startswith("сальдо на начало"):
                opening = balance
            elif first.startswith("сальдо конечное") or first.startswith("сальдо на конец"):
                closing, record.row = balance, number
            elif first.startswith("обороты"):
                continue
            else:
                moves += balance
                record.row = number
        if closing is None:
            closing = round((opening or 0.0) + moves, 2)
        record.amount = closing
        yield record

    def title(self, record):
        """Counterparty name, ИНН, КПП and period end from the title rows."""
        lines = self.analysis.title
        for line in lines:
            match = _COUNTERPARTY_LINE.match(line)
            if match:
                record.name = match.group(1).strip(" ,")
                inn, kpp = _INN_IN_TEXT.search(line), _KPP_IN_TEXT.search(line)
                record.inn = inn.group(1) if inn else ""
                record.kpp = kpp.group(1) if kpp else ""
        if not record.name:
            for line in lines:
                match = _BETWEEN.search(line)
                if match:
                    record.name = match.group(2).strip(" ,")
        dates = [d for line in lines for d in _DATE_IN_TEXT.findall(line)]
        if dates:
            record.doc_date = parse_date(dates[-1])
        record.doc_label = " ".join(lines[:2])
        if record.inn and not ru_ids.is_valid_inn(record.inn):
            record.error = OnecError("bad_inn", self.analysis.sheet, record.row, "ИНН", value=record.inn)
        if not record.name:
            record.error = OnecError("missing_name", self.analysis.sheet, record.row, "")
