"""Find the header of a 1C export, map its columns, recognise the layout and turn rows into records.

Pure Python, no ORM. Six layouts are known (:data:`LAYOUTS`; a layout is a key, a builder class in
:data:`BUILDERS` and the fields it needs in :data:`REQUIRED`):

``osv_62``
    Оборотно-сальдовая ведомость по счету 62, 62.01, 62.02, 76.06… (1C:Бухгалтерия): a two-row header
    ("Сальдо на конец периода" over "Дебет" / "Кредит"), account rows, then any combination of the grouping
    levels 1C offers — Контрагенты / Договоры / Документы расчетов — told apart by outline level and by content
    (a contract reads «Основной договор», «Договор № 12 от 01.02.2024», «Без договора»; a document «Реализация
    (акт, накладная) 00001 от 12.03.2024», «Поступление на расчетный счет …»), and "Итого".
``settlements``
    Расчеты с покупателями / Анализ субконто: counterparty, document ("Реализация товаров и услуг 00000123 от
    12.03.2026"), due date, amount (often text "1 234 567,89"), currency.
``reconciliation_act``
    Акт сверки взаимных расчетов: the counterparty and the period in the title, "Дата / Документ / Дебет /
    Кредит" per side, "Сальдо начальное" / "Сальдо конечное" rows; the closing balance is imported.
``counterparties``
    A plain counterparty list: Наименование, ИНН, КПП, Телефон, E-mail, Адрес.
``ut_debt_aging``
    1C:УТ 11 / Комплексная автоматизация / ERP «Задолженность клиентов по срокам долга»: «Партнер, Контрагент»
    group rows above their documents, «Документ расчетов» / «Заказ клиента», «Срок оплаты» / «Дата платежа»,
    «Долг клиента», «Наш долг», «Просроченный долг», «Дней просрочки».
``ut_settlements``
    УТ / КА / ERP «Расчеты с клиентами», «Ведомость расчетов с клиентами»: the same rows with opening and closing
    balances («Долг клиента» / «Наш долг» under «На начало периода» / «На конец периода»): the closing one is imported.

Only the leaves of a hierarchy are imported (documents; a customer's or a contract's own balance when the file
has no level below it): group rows are subtotals. Each subtotal, and the «Итого» row, is compared with the sum
of what will be imported below it: :attr:`Analysis.checks`; a mismatch is an error (``check_subtotal`` /
``check_total``) yielded as a record at the subtotal's row, so that a misread file never imports silently.

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

from odoo.addons.crm_knowledge.tools.ru_format import format_amount_ru

from . import ru_ids
from .onec_values import (
    _CONTRACT,
    FormulaWithoutValue,
    OnecError,
    OnecValueError,
    clean_text,
    looks_like_contract,
    looks_like_document_row,
    normalize_email,
    normalize_label,
    parse_amount,
    parse_currency,
    parse_date,
    parse_document,
)

#: How many rows (title + header) are read to find the header.
HEADER_SCAN_ROWS = 40

LAYOUTS = ("osv_62", "settlements", "reconciliation_act", "counterparties", "ut_debt_aging", "ut_settlements")

#: Target fields a column can be mapped to, with their Russian and English header names (normalised).
FIELD_SYNONYMS = {
    "name": ("наименование", "контрагент", "контрагенты", "покупатель", "клиент", "субконто",
             "субконто 1", "контрагенты документы расчетов с контрагентами", "полное наименование",
             "партнер контрагент", "партнеры контрагенты", "клиент контрагент", "партнер контрагент договор",
             "партнер контрагент документ расчетов", "контрагент договор", "контрагент договор документ расчетов",
             "контрагенты договоры", "контрагенты договоры документы расчетов с контрагентами",
             "контрагенты договоры документы расчетов", "контрагент документ расчетов",
             "counterparty", "customer", "name", "partner", "company"),
    "partner": ("партнер", "партнеры"),
    "contract": ("договор", "договоры", "договор контрагента", "договоры контрагентов", "договор с клиентом",
                 "соглашение", "договор соглашение", "contract"),
    "inn": ("инн", "инн контрагента", "inn", "tax id", "taxpayer id", "vat"),
    "kpp": ("кпп", "кпп контрагента", "kpp"),
    "phone": ("телефон", "телефоны", "тел", "контактный телефон", "phone", "telephone", "mobile"),
    "email": ("e-mail", "email", "e mail", "электронная почта", "эл почта", "адрес электронной почты", "mail"),
    "address": ("адрес", "юридический адрес", "фактический адрес", "адрес доставки", "address"),
    "document": ("документ", "документ расчетов", "документ расчетов с контрагентом", "документы расчетов",
                 "документы расчетов с контрагентами", "регистратор", "заказ клиента",
                 "документ расчетов заказ клиента", "заказ клиента документ расчетов", "объект расчетов",
                 "документ расчетов объект расчетов", "расчетный документ", "document", "invoice"),
    "doc_date": ("дата", "дата документа", "date", "document date", "invoice date"),
    "due_date": ("срок оплаты", "дата оплаты", "оплатить до", "срок", "дата платежа", "планируемая дата оплаты",
                 "срок оплаты дата платежа", "дата погашения", "срок погашения", "due date", "due"),
    "amount": ("сумма", "сумма долга", "задолженность", "долг", "остаток", "сумма задолженности",
               "остаток долга", "amount", "balance", "amount due", "debt"),
    "currency": ("валюта", "валюта документа", "currency"),
    "debit": ("дебет", "дт", "debit"),
    "credit": ("кредит", "кт", "credit"),
    "debt": ("долг клиента", "долг покупателя", "задолженность клиента", "дебиторская задолженность",
             "customer debt"),
    "our_debt": ("наш долг", "долг перед клиентом", "задолженность перед клиентом", "кредиторская задолженность",
                 "аванс клиента", "our debt"),
    "overdue": ("просроченный долг", "просроченная задолженность", "просрочено", "в том числе просроченный",
                "просроченный долг клиента", "overdue"),
    "overdue_days": ("дней просрочки", "просрочено дней", "дни просрочки", "количество дней просрочки",
                     "просрочка дней", "days overdue"),
}
#: Header names that usually, not always, mean a field: the mapping is then shown as unsure.
WEAK_SYNONYMS = {"счет": "name", "account": "name", "объект": "name", "показатель": "name"}
#: Upper labels of two-row headers, mapped to the prefix of the debit/credit pair below them.
GROUP_SYNONYMS = {
    "сальдо на конец периода": "end", "сальдо на конец": "end", "конечное сальдо": "end", "closing balance": "end",
    "сальдо на начало периода": "start", "сальдо на начало": "start", "начальное сальдо": "start",
    "opening balance": "start",
    "обороты за период": "turnover", "обороты": "turnover", "turnover": "turnover",
    "начальный остаток": "start", "конечный остаток": "end", "на начало периода": "start",
    "на конец периода": "end", "остаток на начало периода": "start", "остаток на конец периода": "end",
    "остаток на начало": "start", "остаток на конец": "end",
}
#: Words at the end of a one-row header label that give its period ("Долг клиента на конец периода").
PERIOD_SUFFIXES = (
    ("на конец периода", "end"), ("на конец", "end"), ("конечный", "end"), ("конечное", "end"),
    ("на начало периода", "start"), ("на начало", "start"), ("начальный", "start"), ("начальное", "start"),
)
#: Fields that take the period of their group ("Сальдо на конец периода" over "Дебет" → ``end_debit``).
PERIOD_FIELDS = ("debit", "credit", "debt", "our_debt")
#: Fields a layout cannot do without (one of each tuple).
REQUIRED = {
    "osv_62": (("name",), ("end_debit", "end_credit")),
    "settlements": (("name",), ("amount",)),
    "reconciliation_act": (("debit", "credit"),),
    "counterparties": (("name",),),
    "ut_debt_aging": (("name",), ("debt", "end_debt", "our_debt", "end_our_debt")),
    "ut_settlements": (("name",), ("end_debt", "end_our_debt", "debt", "our_debt")),
}
#: Fields the user may pick in a manual mapping.
MAPPABLE_FIELDS = (
    "name", "inn", "kpp", "phone", "email", "address", "document", "doc_date", "due_date", "amount", "currency",
    "debit", "credit", "end_debit", "end_credit",
    # added with the УТ / КА / ERP reports and the contract level (the wizard's field list may offer them)
    "partner", "contract", "debt", "our_debt", "end_debt", "end_our_debt", "overdue", "overdue_days",
)
#: Hierarchy ranks of group rows: a group row closes the open groups of the same or a deeper rank.
RANK_ACCOUNT, RANK_PARTNER, RANK_CUSTOMER, RANK_CONTRACT = 0, 5, 10, 20

_ACCOUNT_CODE = re.compile(r"^\d{2}(\.\d{1,2})*$")
_ACCOUNT_IN_TITLE = re.compile(r"по\s+сч(?:е|ё)ту\s+(\d{2}(?:\.\d{1,2})*)", re.IGNORECASE)
_INN_IN_TEXT = re.compile(r"ИНН\s*:?\s*(\d{10}|\d{12})\b", re.IGNORECASE)
_KPP_IN_TEXT = re.compile(r"КПП\s*:?\s*(\d{4}[\dA-Z]{2}\d{3})\b", re.IGNORECASE)
_DATE_IN_TEXT = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")
_BETWEEN = re.compile(r"между\s+(.+?)\s+и\s+(.+)$", re.IGNORECASE)
_COUNTERPARTY_LINE = re.compile(r"^(?:контрагент|покупатель)\s*:?\s*(.+?)(?:,\s*ИНН.*)?$", re.IGNORECASE)


@dataclasses.dataclass
class Record:
    """One row of the file as the import sees it.

    ``kind`` is ``"partner"`` (a counterparty list row), ``"document"`` (an open item: document with balance)
    or ``"balance"`` (a customer balance without document detail: OSV counterparty or contract row without
    sub-rows, reconciliation act). A negative ``amount`` is a credit (prepayment, unallocated payment, return).

    Fields added later (the wizard may ignore them): ``contract`` (the 1C contract of the row, «Основной
    договор»), ``partner_group`` (the УТ partner above the counterparty), ``overdue`` and ``overdue_days`` (УТ),
    ``check`` (set on the error record of a failed self-check: the :class:`Check`).
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
    contract: str = ""
    partner_group: str = ""
    overdue: float = None
    overdue_days: int = None
    check: object = None

    @property
    def external_key(self):
        """Stable key of the document (or of the customer balance) across files: ИНН (else name), number, date.

        A contract's own balance (no document level) adds the contract: one balance per customer and contract.
        """
        who = self.inn or self.name.lower()
        if self.kind == "balance":  # one balance per customer: a later file replaces it
            raw = "|".join((who, "balance", self.contract.lower())) if self.contract else "|".join((who, "balance"))
        else:
            raw = "|".join((who, self.doc_number, self.doc_date.isoformat() if self.doc_date else ""))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclasses.dataclass
class Check:
    """One self-check: a total or subtotal row of the file against the sum of what is imported below it.

    :ivar str label: the row's text ("Итого", the customer, the contract, the account "62.01")
    :ivar int row: the row of the total or subtotal (1-based, as in the sheet)
    :ivar float expected: its amount in the file (net: debit − credit, debt − our debt)
    :ivar float computed: the sum of the records imported from the rows it covers
    :ivar bool ok: equal to the cent
    :ivar str kind: ``total``, ``account``, ``partner``, ``customer`` or ``contract``
    :ivar int first_row: first row covered, ``last_row`` the last one
    """

    label: str
    row: int
    expected: float
    computed: float
    ok: bool
    kind: str = "total"
    first_row: int = 0
    last_row: int = 0

    def as_error(self, sheet):
        """The :class:`OnecError` of a failed check (``check_total`` or ``check_subtotal``)."""
        return OnecError(
            "check_total" if self.kind == "total" else "check_subtotal", sheet, self.row, "",
            label=self.label, expected=format_amount_ru(self.expected), computed=format_amount_ru(self.computed),
            first_row=self.first_row, last_row=self.last_row,
        )


@dataclasses.dataclass
class Analysis:
    """What :func:`parse` found: sheet, layout, header and mapping, plus the record stream.

    ``checks`` is filled while ``records`` is consumed (complete once the stream is exhausted): see
    :class:`Check`; ``check_errors`` lists the failed ones as :class:`OnecError`. ``account`` is the account of
    a trial balance read from its title ("62.01"), ``groupings`` the hierarchy levels found (``"partner"``,
    ``"customer"``, ``"contract"``, ``"document"``), ``signature`` the header's :func:`shape_signature`.
    """

    sheet: str
    layout: str
    header_row: int
    columns: list
    mapping: dict
    confidence: float
    title: list
    records: object = None
    checks: list = dataclasses.field(default_factory=list)
    account: str = ""
    groupings: list = dataclasses.field(default_factory=list)
    signature: str = ""
    header_forced: bool = False

    @property
    def is_sure(self):
        return self.confidence >= 1.0

    @property
    def check_errors(self):
        """The failed self-checks as :class:`OnecError` (naming the subtotal's row and the rows it covers)."""
        return [check.as_error(self.sheet) for check in self.checks if not check.ok]


# ------------------------------------------------------------------------------------------------------
# Header
# ------------------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4096)
def match_label(label):
    """Return ``(field, score)`` for a header label: 1.0 for a known name, 0.7 when a known name starts it
    (the longest such name wins: "Долг клиента на конец периода" is ``debt``, not ``amount`` for "Долг")."""
    text = normalize_label(label)
    if not text:
        return None, 0.0
    for field, synonyms in FIELD_SYNONYMS.items():
        if text in synonyms:
            return field, 1.0
    if text in WEAK_SYNONYMS:
        return WEAK_SYNONYMS[text], 0.8
    best, length = None, 0
    for field, synonyms in FIELD_SYNONYMS.items():
        for synonym in synonyms:
            if len(synonym) > 3 and len(synonym) > length and text.startswith(synonym + " "):
                best, length = field, len(synonym)
    return (best, 0.7) if best else (None, 0.0)


def _period_of(label):
    """``"end"`` / ``"start"`` when a one-row label ends with its period ("Наш долг на конец периода")."""
    text = normalize_label(label)
    for suffix, period in PERIOD_SUFFIXES:
        if text.endswith(" " + suffix):
            return period
    return None


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


def _is_lower_header_row(values):
    """True for the lower row of a two-row header: "Дебет" / "Кредит", or "Долг клиента" / "Наш долг"."""
    fields = {match_label(clean_text(value))[0] for value in values}
    return {"debit", "credit"} <= fields or {"debt", "our_debt"} <= fields


_is_debit_credit_row = _is_lower_header_row  # the former name


def _is_upper_header_row(values):
    """True when a row can be the upper row of a two-row header: a group label or a field name in it."""
    return any(_group_of(value) or match_label(clean_text(value))[0] for value in values if clean_text(value))


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
        if field in PERIOD_FIELDS:
            period = _period_of(bottom or top)
            if period:  # "Долг клиента на конец периода": a known name with its period
                field, score = f"{period}_{field}", 1.0
            elif group in ("end", "start", "turnover"):
                field = f"{group}_{field}"
        if group == "side" and sides > 1 and bottom:
            continue  # the counterparty's side of a reconciliation act
        if field and field not in mapping:
            mapping[field], scores[field] = index, score
    if "name" not in mapping and "partner" in mapping:  # a «Партнер» column alone holds the customers
        mapping["name"], scores["name"] = mapping.pop("partner"), scores.pop("partner")
    return columns, mapping, scores


def detect_layout(mapping, title_text):
    """Choose the layout from the mapped fields and the title rows; ``None`` when nothing fits."""
    title = title_text.lower().replace("ё", "е")
    fields = set(mapping)
    if "акт сверки" in title or ({"debit", "credit", "document"} <= fields and "name" not in fields):
        return "reconciliation_act"
    if "end_debit" in fields or "end_credit" in fields:
        return "osv_62"
    if "name" in fields and fields & {"debt", "our_debt", "end_debt", "end_our_debt"}:
        if fields & {"overdue", "overdue_days"} or "по срокам" in title:
            return "ut_debt_aging"
        return "ut_settlements"
    if "name" in fields and "amount" in fields:
        return "settlements"
    if "name" in fields and {"inn", "phone", "email"} & fields:
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


def _header_at(rows, position):
    """Read the header at ``rows[position]`` (two rows when the next one is "Дебет / Кредит"…).

    :return: ``(data_start, columns, mapping, scores)``
    """
    number, values, _level = rows[position]
    following = rows[position + 1] if position + 1 < len(rows) else None
    if (following is not None and following[0] == number + 1 and _is_lower_header_row(following[1])
            and _is_upper_header_row(values)):
        following = following[1]
        columns, mapping, scores = map_columns(values, following)
        return position + 2, columns, mapping, scores
    columns, mapping, scores = map_columns(values)
    return position + 1, columns, mapping, scores


def _title_of(rows, position):
    title = [" ".join(clean_text(v) for v in row[1] if clean_text(v)) for row in rows[:position]]
    return [line for line in title if line]


def find_header(rows, header_row=None):
    """Find the header among the first rows.

    :param list rows: ``(row_number, values, level)`` tuples
    :param int header_row: force the header at this 0-based sheet row (``row_number - 1``)
    :return: ``(position of the first data row in rows, header row number, columns, mapping, scores, title)``
        or ``None``
    """
    if header_row is not None:
        for position, (number, _values, _level) in enumerate(rows):
            if number - 1 == header_row:
                data_start, columns, mapping, scores = _header_at(rows, position)
                return data_start, number, columns, mapping, scores, _title_of(rows, position)
        return None
    for position, (number, _values, _level) in enumerate(rows):
        data_start, columns, mapping, scores = _header_at(rows, position)
        if len(mapping) >= 2:
            return data_start, number, columns, mapping, scores, _title_of(rows, position)
    return None


@dataclasses.dataclass
class HeaderCandidate:
    """A row that may be the header, for the wizard to offer when detection fails or is unsure.

    :ivar str sheet: the sheet
    :ivar int index: 0-based sheet row (what :func:`parse` takes as ``header_row``)
    :ivar int row: the same row 1-based, as the spreadsheet shows it
    :ivar float score: higher is likelier (sum of the mapped fields' scores, plus 1 when a layout fits)
    :ivar str layout: the layout it would give, or ``None``
    :ivar list columns: the labels per column; ``mapping`` the fields found, ``signature`` its shape
    """

    sheet: str
    index: int
    row: int
    score: float
    layout: str
    columns: list
    mapping: dict
    signature: str


def header_candidates(workbook, sheet=None, limit=5, scan_rows=HEADER_SCAN_ROWS):
    """The rows most likely to be the header, best first.

    :param workbook: from :func:`.onec_reader.open_workbook`
    :param str sheet: a sheet name, ``None`` for every sheet
    :param int limit: how many candidates to return at most
    :param int scan_rows: how many rows of each sheet are looked at
    :return: list of :class:`HeaderCandidate` (rows with no text at all are never candidates)
    :raise OnecError: ``sheet_not_found``
    """
    names = workbook.sheet_names
    if sheet and sheet not in names:
        raise OnecError("sheet_not_found", sheet)
    found = []
    for name in [sheet] if sheet else names:
        rows = list(itertools.islice(iter(workbook.rows(name)), scan_rows))
        for position, (number, values, _level) in enumerate(rows):
            if not _has_text(values):
                continue
            _start, columns, mapping, scores = _header_at(rows, position)
            layout = detect_layout(mapping, " ".join(_title_of(rows, position)))
            texts = sum(1 for value in values if clean_text(value))
            score = sum(scores.values()) + (1.0 if layout else 0.0) + min(texts, 10) / 100
            found.append(HeaderCandidate(
                sheet=name, index=number - 1, row=number, score=round(score, 2), layout=layout, columns=columns,
                mapping=mapping, signature=shape_signature(columns),
            ))
    found.sort(key=lambda candidate: (-candidate.score, candidate.sheet != (sheet or names[0]), candidate.index))
    return found[:limit]


def shape_signature(columns):
    """A stable signature of a header's shape: the normalised labels in their columns, hashed.

    Two exports of the same 1C report (another period, other customers) have the same signature, so a
    mapping saved for one can be offered for the next. Empty trailing columns and case, ``ё``, spaces and
    punctuation do not count.

    :param list columns: the header labels per column (:attr:`Analysis.columns`)
    :return: 16 hexadecimal characters, ``""`` for an empty header
    """
    labels = [normalize_label(label) for label in columns or ()]
    while labels and not labels[-1]:
        labels.pop()
    if not labels:
        return ""
    return hashlib.sha256("|".join(labels).encode("utf-8")).hexdigest()[:16]


# ------------------------------------------------------------------------------------------------------
# Parse
# ------------------------------------------------------------------------------------------------------
def parse(workbook, sheet=None, mapping=None, layout=None, header_row=None, checks_as_records=True):
    """Analyse a sheet and prepare the record stream.

    :param workbook: from :func:`.onec_reader.open_workbook`
    :param str sheet: sheet name; ``None`` takes the first sheet with a recognisable header
    :param dict mapping: manual ``{field: column index}`` replacing the detected columns
    :param str layout: force a layout instead of detecting it
    :param int header_row: force the header at this **0-based** sheet row (``Analysis.header_row - 1``, or a
        :attr:`HeaderCandidate.index`) when detection fails or picks the wrong row
    :param bool checks_as_records: yield each failed self-check as a record carrying its error (``kind``
        ``"balance"``, no amount, ``check`` set), so that a caller counting row errors refuses the file; with
        ``False`` the caller reads :attr:`Analysis.check_errors` after the stream
    :return: :class:`Analysis` with ``records`` a generator of :class:`Record`
    :raise OnecError: ``sheet_not_found``, ``empty_file``, ``empty_sheet``, ``no_header``
    """
    names = workbook.sheet_names
    if sheet and sheet not in names:
        raise OnecError("sheet_not_found", sheet)
    candidates = [sheet] if sheet else names
    any_data = False
    scan = HEADER_SCAN_ROWS if header_row is None else max(HEADER_SCAN_ROWS, header_row + 3)
    for name in candidates:
        stream = iter(workbook.rows(name))
        head = list(itertools.islice(stream, scan))
        if any(_has_text(values) for _n, values, _l in head):
            any_data = True
        found = find_header(head, header_row=header_row)
        if not found:
            continue
        data_start, number, columns, detected, scores, title = found
        if mapping:  # the user's mapping replaces the detected one
            detected, scores = dict(mapping), dict.fromkeys(mapping, 1.0)
        chosen = layout or detect_layout(detected, " ".join(title))
        if not chosen:
            continue
        account = _ACCOUNT_IN_TITLE.search(" ".join(title))
        analysis = Analysis(
            sheet=name, layout=chosen, header_row=number, columns=columns, mapping=detected,
            confidence=confidence_of(chosen, detected, scores), title=title,
            account=account.group(1) if account else "", signature=shape_signature(columns),
            header_forced=header_row is not None,
        )
        rows = itertools.chain(head[data_start:], stream)
        analysis.records = _records(analysis, rows, checks_as_records)
        return analysis
    if not any_data:
        if sheet:
            raise OnecError("empty_sheet", sheet)
        raise OnecError("empty_file")
    raise OnecError("no_header", sheet or ", ".join(names), rows=scan)


def _records(analysis, rows, checks_as_records=True):
    builder = BUILDERS[analysis.layout](analysis)
    seen = {}
    for record in builder.run(rows):
        if record.check is not None:
            if checks_as_records:
                yield record
            continue
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
    if record.kind == "balance" and record.contract:
        return ("contract", who, record.kpp, record.contract.lower())
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
            if value and not value.isspace() and (value.isprintable() or clean_text(value)):
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
_TEXT_FIELDS = ("name", "inn", "kpp", "phone", "email", "address", "document", "contract", "partner")


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


def _cents(amount):
    return round(amount * 100)


_RANKS = {"partner": RANK_PARTNER, "customer": RANK_CUSTOMER, "contract": RANK_CONTRACT}
#: Normalised total labels checked against the whole file ("Итого по контрагенту …" rows are not).
_GRAND_TOTALS = ("итого", "всего", "total", "итого по счету", "итого по отчету", "всего по отчету", "итого по всем")


class _Group:
    """An open group row of a hierarchy (account, partner, customer, contract) and what was read below it."""

    __slots__ = (
        "cents",
        "children",
        "currency",
        "expected",
        "flat",
        "identity_error",
        "key",
        "kind",
        "label",
        "last_row",
        "level",
        "mixed",
        "rank",
        "record",
        "row",
        "tainted",
    )

    def __init__(self, kind, rank, row, label, record, expected, level, flat=False):
        self.kind, self.rank, self.row, self.label, self.record = kind, rank, row, label, record
        self.expected, self.level, self.flat = expected, level, flat
        self.cents = self.children = 0
        self.tainted = self.mixed = False  # a row below with an error; rows in several currencies
        self.currency = None
        self.last_row = row
        self.identity_error = None
        self.key = None  # a flat row's counterparty texts: the next flat row with the same ones joins it


class _TreeBuilder(_RowReader):
    """Trial balances, settlements and the УТ / КА / ERP debt reports: a hierarchy of group rows (account,
    partner, counterparty, contract) above document rows, or flat rows holding a counterparty and a document.

    Only leaves become records: documents, and a counterparty's (or contract's) own balance when nothing is
    below it. Group rows are subtotals: each is compared with the sum of the leaves below it
    (:class:`Check`), as the «Итого» row with all of them.
    """

    def __init__(self, analysis):
        super().__init__(analysis)
        layout = analysis.layout
        self.osv = layout == "osv_62"
        self.ut = layout in ("ut_debt_aging", "ut_settlements")
        self.has_document_column = self.mapping.get("document") is not None
        name_label = normalize_label(column_label(analysis, "name"))
        self.two_level = "контрагент" in name_label and ("партнер" in name_label or "клиент " in name_label)
        self.stack = []
        self.out = []
        self.level_kinds = {}
        self.partner_level = None
        self.in_captions = True
        self.captions = []
        self.seen_levels = False
        self.has_documents = False
        self.total = _Group("total", -1, 0, "", None, None, 0)  # what the «Итого» row is checked against
        if self.ut:
            self.debt_field = "end_debt" if "end_debt" in self.mapping else "debt"
            self.our_field = "end_our_debt" if "end_our_debt" in self.mapping else "our_debt"

    # -- values -------------------------------------------------------------------------------------------
    def amount(self, record, values):
        if self.osv:
            debit = self.read_cell(record, values, "end_debit", parse_amount) or 0.0
            credit = self.read_cell(record, values, "end_credit", parse_amount) or 0.0
            return round(debit - credit, 2)
        if self.ut:
            debt = self.read_cell(record, values, self.debt_field, parse_amount)
            ours = self.read_cell(record, values, self.our_field, parse_amount)
            if debt is None and ours is None:  # a statement leaves a closing balance of zero empty
                return 0.0 if self.analysis.layout == "ut_settlements" else None
            return round((debt or 0.0) - (ours or 0.0), 2)
        return self.read_cell(record, values, "amount", parse_amount)

    def amount_field(self):
        if self.osv:
            return "end_debit"
        return self.debt_field if self.ut else "amount"

    def _grouping(self, kind):
        if kind not in self.analysis.groupings:
            self.analysis.groupings.append(kind)

    # -- classification -----------------------------------------------------------------------------------
    def classify(self, name, level):
        """Kind of a row from its name-column text: ``account``, ``partner``, ``customer``, ``contract``,
        ``document`` (only when the file has no document column) or ``None`` for a caption row."""
        if _ACCOUNT_CODE.match(name):
            return "account"
        if self.in_captions:
            field, score = match_label(name)
            if field is not None and score >= 0.8:
                kind = {"name": "customer", "partner": "partner", "contract": "contract",
                        "document": "document"}.get(field)
                if kind and kind not in self.captions:
                    self.captions.append(kind)
                return None  # "Контрагенты", "Договоры", "Документы расчетов с контрагентами" under the header
        if looks_like_contract(name):
            kind = "contract"
        elif not self.has_document_column and looks_like_document_row(name):
            kind = "document"
        elif level and level in self.level_kinds:
            kind = self.level_kinds[level]
        else:
            kind = "customer"
            customer = self.current("customer", "partner")
            if level and customer is not None and customer.level and level > customer.level:
                # deeper than the counterparty and not recognised: the level below it (captions tell which)
                kind = "document" if not self.has_document_column else "customer"
                if "contract" in self.captions and not any(g.kind == "contract" for g in self.stack):
                    kind = "contract"
            if kind == "customer" and self.two_level and level and (
                    self.partner_level is None or level <= self.partner_level):
                self.partner_level = level
                kind = "partner"
        if level:
            self.seen_levels = True
            if kind != "account":
                self.level_kinds.setdefault(level, kind)
        return kind

    def current(self, *kinds):
        for group in reversed(self.stack):
            if group.kind in kinds:
                return group
        return None

    # -- hierarchy ----------------------------------------------------------------------------------------
    def add(self, record):
        """Count an imported record in every open group and in the file's total (a group of the stack)."""
        amount, currency, row = record.amount, record.currency, record.row
        cents = _cents(amount) if amount is not None else 0
        tainted = record.error is not None or amount is None
        for group in self.stack:
            if not group.children:
                group.currency = currency
            elif group.currency != currency:
                group.mixed = True
            group.children += 1
            group.cents += cents
            if tainted:
                group.tainted = True
            group.last_row = max(group.last_row, row)
        total = self.total
        if not total.children:
            total.currency, total.row = currency, row
        elif total.currency != currency:
            total.mixed = True
        total.children += 1
        total.cents += cents
        if tainted:
            total.tainted = True
        self.out.append(record)

    def check(self, label, row, expected_cents, computed_cents, kind, first_row, last_row):
        check = Check(label=label, row=row, expected=expected_cents / 100, computed=computed_cents / 100,
                      ok=expected_cents == computed_cents, kind=kind, first_row=first_row, last_row=last_row)
        self.analysis.checks.append(check)
        if not check.ok:
            record = Record(row=row, kind="balance", name=label, doc_label=label, check=check)
            record.error = check.as_error(self.analysis.sheet)
            self.out.append(record)

    def close(self, rank):
        """Close the open groups of ``rank`` or deeper: a group without rows below is a leaf (its own balance),
        one with rows below is a subtotal, checked."""
        while self.stack and self.stack[-1].rank >= rank:
            group = self.stack.pop()
            if not group.children:
                if group.kind == "account":
                    if group.expected:  # an account balance with no counterparty to carry it
                        self.check(group.label, group.row, _cents(group.expected), 0, "account", group.row,
                                   group.row)
                    continue
                record = group.record
                if group.kind == "contract":
                    record.contract = group.label
                partner = self.current("partner")
                if partner is not None and group.kind != "partner":
                    record.partner_group = partner.label
                self._grouping("customer" if group.kind == "partner" else group.kind)
                self.add(record)
                continue
            if group.record.error is not None and not group.flat and group.identity_error is None:
                group.record.amount = None  # the subtotal itself is unreadable: say so, import nothing of it
                self.out.append(group.record)
                continue
            if group.expected is not None and not group.tainted and not group.mixed:
                self.check(group.label, group.row, _cents(group.expected), group.cents, group.kind,
                           group.row + 1, group.last_row)

    def open_group(self, kind, number, values, texts, label, level, flat=False):
        if kind == "customer" and self.two_level and not level and not flat and self.stack:
            top = self.stack[-1]
            if top.kind == "customer" and not top.children and not top.flat:
                top.kind, top.rank = "partner", RANK_PARTNER  # two names in a row: the first one was a partner
                top.record.partner_group = ""
        if kind == "customer" and self.two_level and not level:
            partner = self.current("partner")
            if (partner is not None and partner.children and partner.expected is not None
                    and partner.cents == _cents(partner.expected)):
                self.close(RANK_PARTNER)  # no outline levels: a partner whose rows add up to it is complete
        rank = _RANKS.get(kind)
        if rank is None:  # an account: "62" above "62.01"
            rank = RANK_ACCOUNT + label.count(".")
        if self.stack:
            self.close(rank)
        self.in_captions = False
        record = Record(row=number, kind="balance")
        if kind == "contract":
            owner = self.current("customer", "partner")
            if owner is None:
                self.fail(record, "missing_name", "name")
                record.doc_label = label
                self.out.append(record)
                return
            for field in ("name", "inn", "kpp", "phone", "email", "address"):
                setattr(record, field, getattr(owner.record, field))
            record.error = owner.identity_error
            record.currency = owner.record.currency
        elif kind in ("customer", "partner"):
            self.identity(record, texts)
            if kind == "partner" and self.mapping.get("partner") is not None and not self.mapping.get("name"):
                record.name = label
            if not record.name:
                record.name = label
        if flat:  # the row's amount and currency are its document's: read once, by leaf()
            expected = None
        else:
            expected = record.amount = self.amount(record, values)
            if kind != "contract" or record.currency is None:
                record.currency = self.read_cell(record, values, "currency", parse_currency) or record.currency
        if kind == "customer" and self.stack:
            partner = self.current("partner")
            if partner is not None:
                record.partner_group = partner.label
        group = _Group(kind, rank, number, label, record, expected, level, flat)
        if (kind in ("customer", "partner") and record.error is not None and record.error.key in (
                "bad_inn", "bad_kpp", "bad_email")) or kind == "contract":
            group.identity_error = record.error
        if kind != "account" and kind not in self.analysis.groupings:
            self.analysis.groupings.append(kind)
        self.stack.append(group)

    def leaf(self, number, values, texts, text, flat):
        """A document row: an open item of the current counterparty (and contract)."""
        self.in_captions = False
        stack = self.stack
        if stack and stack[-1].kind == "customer":  # the common case: documents right below their customer
            owner, contract_group = stack[-1], None
        else:
            owner, contract_group = self.current("customer", "partner"), self.current("contract")
        if owner is None:
            record = Record(row=number, kind="document", doc_label=text)
            self.fail(record, "missing_name", "name")
            self.out.append(record)
            return
        party = owner.record
        record = Record(
            row=number, kind="document", name=party.name, inn=party.inn, kpp=party.kpp, phone=party.phone,
            email=party.email, address=party.address,
            error=owner.identity_error or (party.error if flat else None),
        )
        record.doc_label, record.doc_number, parsed_date = parse_document(text)
        record.doc_date = self.read_cell(record, values, "doc_date", parse_date) or parsed_date
        record.due_date = self.read_cell(record, values, "due_date", parse_date)
        record.amount = self.amount(record, values)
        record.currency = self.read_cell(record, values, "currency", parse_currency) or party.currency
        contract = texts.get("contract")
        if contract:
            record.contract = contract
        elif contract_group is not None:
            record.contract = contract_group.label
        if owner.kind != "partner":
            record.partner_group = texts.get("partner") or party.partner_group
        if self.ut:
            record.overdue = self.read_cell(record, values, "overdue", parse_amount)
            days = self.read_cell(record, values, "overdue_days", parse_amount)
            record.overdue_days = int(days) if days is not None else None
        if record.amount is None:
            self.fail(record, "missing_amount", self.amount_field())
        if not record.name:
            self.fail(record, "missing_name", "name")
        if not self.has_documents:
            self.has_documents = True
            self._grouping("document")
        self.add(record)

    def grand_total(self, number, values, label):
        self.close(-1)
        probe = Record(row=number, kind="balance")
        expected = self.amount(probe, values)
        total = self.total
        if (expected is not None and probe.error is None and total.children and not total.tainted
                and not total.mixed and normalize_label(label) in _GRAND_TOTALS):
            self.check(label, number, _cents(expected), total.cents, "total", total.row, number - 1)
        self.total = _Group("total", -1, 0, "", None, None, 0)

    # -- rows ---------------------------------------------------------------------------------------------
    def run(self, rows):
        out = self.out
        document_column = self.has_document_column
        for number, values, level in rows:
            if not _has_text(values):
                continue
            texts = self.texts(values)
            name = texts.get("name", "")
            first = clean_text(values[0]) if values else ""
            if _is_total(first) or _is_total(name):
                if normalize_label(first or name) in _GRAND_TOTALS:
                    self.grand_total(number, values, first or name)
                # "Итого по контрагенту …" footers: not checked, not imported
            else:
                document = texts.get("document", "") if document_column else ""
                if name and not document:
                    kind = self.classify(name, level)
                    if kind == "document":
                        self.leaf(number, values, texts, name, flat=False)
                    elif kind is not None:
                        self.open_group(kind, number, values, texts, name, level)
                elif name:  # a flat row: the counterparty (or its contract) and a document
                    stack = self.stack
                    key = (name, texts.get("inn"), texts.get("kpp"), texts.get("phone"), texts.get("email"),
                           texts.get("address"), texts.get("partner"), level)
                    if stack and stack[-1].key == key:
                        pass  # the same counterparty as the row above: one group, read once
                    elif _CONTRACT.match(name) and self.current("customer", "partner") is not None:
                        self.open_group("contract", number, values, texts, name, level, flat=True)
                    else:
                        self.open_group("customer", number, values, texts, name, level, flat=True)
                        stack[-1].key = key
                    self.leaf(number, values, texts, document, flat=True)
                elif document:
                    self.leaf(number, values, texts, document, flat=False)
                elif texts.get("partner"):
                    self.open_group("partner", number, values, texts, texts["partner"], level)
            if out:
                yield from out
                out.clear()
        self.close(-1)
        yield from out
        out.clear()


_HierarchyBuilder = _TreeBuilder  # the former name


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


#: The builder of each layout: a new layout adds its key to :data:`LAYOUTS`, :data:`REQUIRED` and here.
BUILDERS = {
    "osv_62": _TreeBuilder, "settlements": _TreeBuilder, "ut_debt_aging": _TreeBuilder,
    "ut_settlements": _TreeBuilder, "reconciliation_act": _ActBuilder, "counterparties": _PartnerBuilder,
}
