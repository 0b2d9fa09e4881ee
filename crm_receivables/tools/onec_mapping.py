"""A user's header row and column mapping for a 1C export, and the saved mapping of a file's shape.

Pure Python, no ORM. When :func:`.onec_layout.parse` finds no header (or an unsure one), the user picks the
header row among the first rows of the sheet (:func:`header_choices`), the columns of that row are read
(:func:`columns_at`), the user maps each column to a field (:data:`.onec_layout.MAPPABLE_FIELDS`), and
:func:`check_mapping` tells whether the mapping can import anything before the file is parsed with it.

A mapping saved for one file is found again for the next file of the same report by the signature of its
header row (:func:`.onec_layout.shape_signature`): :func:`match_saved_mapping` looks for it among the rows
:func:`.onec_layout.header_candidates` returns, so the header may move down a row or two (a longer title).
"""

import dataclasses
import itertools

from .onec_layout import (
    HEADER_SCAN_ROWS,
    MAPPABLE_FIELDS,
    REQUIRED,
    _has_text,
    column_letter,
    detect_layout,
    find_header,
    header_candidates,
    shape_signature,
)
from .onec_values import OnecError, clean_text

#: Characters of a row's text shown when the user picks the header row.
ROW_TEXT_LIMIT = 240
#: Fields that hold the amount of a row: a mapping without one of them imports nothing.
AMOUNT_FIELDS = ("amount", "debt", "our_debt", "end_debt", "end_our_debt", "end_debit", "end_credit",
                 "debit", "credit")


@dataclasses.dataclass
class HeaderChoice:
    """One of the first rows of a sheet, offered as the header row.

    :ivar int row: 1-based row, as the spreadsheet shows it
    :ivar str text: its non-empty cells, ``" | "``-separated (cut at :data:`ROW_TEXT_LIMIT`)
    :ivar float score: how likely it is the header (:class:`.onec_layout.HeaderCandidate` score, else 0)
    :ivar bool suggested: the likeliest row of the sheet
    """

    row: int
    text: str
    score: float = 0.0
    suggested: bool = False


@dataclasses.dataclass
class HeaderColumns:
    """The columns of a header row.

    :ivar str sheet: the sheet
    :ivar int row: the header row (1-based)
    :ivar list columns: the label of each column (``"upper / lower"`` for a two-row header)
    :ivar dict mapping: the fields detection recognises in it, ``{field: column index}``
    :ivar str layout: the layout detection would choose with that mapping, or ``None``
    :ivar str signature: :func:`.onec_layout.shape_signature` of the columns
    :ivar str title: the text of the rows above it (for :func:`check_mapping`)
    """

    sheet: str
    row: int
    columns: list
    mapping: dict
    layout: str
    signature: str
    title: str = ""


def _sheet_with_text(workbook, sheet):
    """``sheet``, else the first sheet with any text in its first rows (else the first sheet)."""
    names = workbook.sheet_names
    if sheet:
        if sheet not in names:
            raise OnecError("sheet_not_found", sheet)
        return sheet
    for name in names:
        if any(_has_text(values) for _n, values, _l in itertools.islice(iter(workbook.rows(name)),
                                                                        HEADER_SCAN_ROWS)):
            return name
    return names[0] if names else ""


def header_choices(workbook, sheet=None, limit=HEADER_SCAN_ROWS):
    """The first non-empty rows of a sheet, for the user to pick the header among them.

    :param workbook: from :func:`.onec_reader.open_workbook`
    :param str sheet: the sheet; ``None``: the first sheet with text
    :param int limit: how many rows of the sheet are looked at
    :return: ``(sheet, [HeaderChoice])`` in sheet order, the likeliest header marked ``suggested``
    :raise OnecError: ``sheet_not_found``, ``empty_sheet`` when the rows hold no text
    """
    name = _sheet_with_text(workbook, sheet)
    scores = {candidate.row: candidate.score
              for candidate in header_candidates(workbook, name, limit=limit, scan_rows=limit)}
    choices = []
    for number, values, _level in itertools.islice(iter(workbook.rows(name)), limit):
        texts = [clean_text(value) for value in values]
        texts = [text for text in texts if text]
        if not texts:
            continue
        text = " | ".join(texts)
        if len(text) > ROW_TEXT_LIMIT:
            text = text[:ROW_TEXT_LIMIT - 1] + "…"
        choices.append(HeaderChoice(row=number, text=text, score=scores.get(number, 0.0)))
    if not choices:
        raise OnecError("empty_sheet", name)
    best = max(choices, key=lambda choice: (choice.score, -choice.row))
    best.suggested = True
    return name, choices


def columns_at(workbook, sheet, row):
    """Read the header at a row the user picked.

    :param workbook: from :func:`.onec_reader.open_workbook`
    :param str sheet: the sheet
    :param int row: the header row, 1-based (a two-row header is read with the row below it)
    :return: :class:`HeaderColumns`
    :raise OnecError: ``sheet_not_found``; ``header_row_empty`` when the row is beyond the sheet or holds no text
    """
    if sheet not in workbook.sheet_names:
        raise OnecError("sheet_not_found", sheet)
    if row < 1:
        raise OnecError("header_row_empty", sheet, row)
    head = list(itertools.islice(iter(workbook.rows(sheet)), max(HEADER_SCAN_ROWS, row + 3)))
    position = next((index for index, (number, _v, _l) in enumerate(head) if number == row), None)
    if position is None or not _has_text(head[position][1]):
        raise OnecError("header_row_empty", sheet, row)
    _start, _number, columns, mapping, _scores, title = find_header(head, header_row=row - 1)
    title = " ".join(title)
    return HeaderColumns(
        sheet=sheet, row=row, columns=columns, mapping=mapping, layout=detect_layout(mapping, title),
        signature=shape_signature(columns), title=title,
    )


def mapping_from_columns(pairs, columns=()):
    """The ``{field: column index}`` mapping of the user's ``(column index, field)`` choices.

    :param pairs: ``(column index, field or None)`` per column; a column without field is ignored
    :param list columns: the header labels, to name columns in the error
    :return: dict ``{field: column index}``
    :raise OnecError: ``mapping_unknown_field`` for a field the parser does not know, ``mapping_duplicate``
        when two columns are mapped to the same field (``column`` names the second, ``first_column`` the first)
    """
    mapping = {}
    for index, field in sorted(pairs, key=lambda pair: pair[0]):
        if not field:
            continue
        if field not in MAPPABLE_FIELDS:
            raise OnecError("mapping_unknown_field", "", 0, _column_name(columns, index), field=field)
        if field in mapping:
            raise OnecError("mapping_duplicate", "", 0, _column_name(columns, index), field=field,
                            first_column=_column_name(columns, mapping[field]))
        mapping[field] = index
    return mapping


def _column_name(columns, index):
    label = columns[index] if 0 <= index < len(columns) else ""
    return f"{column_letter(index)} ({label})" if label else column_letter(index)


def check_mapping(mapping, layout=None, title=""):
    """Check that a mapping can import something, and choose its layout.

    :param dict mapping: ``{field: column index}``
    :param str layout: the layout the user chose, ``None`` to detect it from the mapping and the title
    :param str title: the title rows above the header (an «Акт сверки» title makes a reconciliation act)
    :return: the layout
    :raise OnecError: ``mapping_empty``; ``mapping_no_layout`` when no layout fits (no customer or no amount
        column; ``missing`` lists what to map); ``mapping_missing`` when the chosen layout needs a field the
        mapping lacks (``missing``: the fields, ``" / "`` between alternatives)
    """
    if not mapping:
        raise OnecError("mapping_empty")
    if layout is None:
        layout = detect_layout(mapping, title or "")
        if layout is None:
            missing = []
            if "name" not in mapping and "partner" not in mapping:
                missing.append("name")
            if not set(AMOUNT_FIELDS) & set(mapping):
                missing.append("amount")
            raise OnecError("mapping_no_layout", missing=missing or ["amount"])
    missing = [" / ".join(alternatives) for alternatives in REQUIRED[layout]
               if not any(field in mapping for field in alternatives)]
    if missing:
        raise OnecError("mapping_missing", layout=layout, missing=missing)
    return layout


def match_saved_mapping(candidates, saved):
    """Find a saved mapping for a file among its possible header rows.

    :param list candidates: :class:`.onec_layout.HeaderCandidate` of the file (any order)
    :param saved: ``(key, signature, sheet name or "")`` of each saved mapping
    :return: ``(key, candidate)`` of the match, or ``None``. Among several matches: the mapping saved for the
        candidate's sheet first, then the row nearest the top, then the first mapping given
    """
    by_signature = {}
    for order, (key, signature, sheet) in enumerate(saved):
        if signature:
            by_signature.setdefault(signature, []).append((order, key, sheet or ""))
    best = None
    for candidate in candidates:
        for order, key, sheet in by_signature.get(candidate.signature, ()):
            rank = (0 if sheet == candidate.sheet else 1 if not sheet else 2, candidate.index, order)
            if best is None or rank < best[0]:
                best = (rank, key, candidate)
    return (best[1], best[2]) if best else None


def find_saved_mapping(workbook, saved, sheet=None):
    """Look for a saved mapping whose header is among the first rows of the workbook.

    :param workbook: from :func:`.onec_reader.open_workbook`
    :param saved: ``(key, signature, sheet name or "")`` of each saved mapping (see :func:`match_saved_mapping`)
    :param str sheet: the only sheet to look at, ``None`` for every sheet
    :return: ``(key, HeaderCandidate)`` or ``None``
    """
    saved = list(saved)
    if not saved:
        return None
    limit = HEADER_SCAN_ROWS * max(1, len(workbook.sheet_names))
    return match_saved_mapping(header_candidates(workbook, sheet, limit=limit), saved)
