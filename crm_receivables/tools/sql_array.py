"""Array literals for set-based statements (the 1C import, the follow-up engine). Pure functions, no ORM.

A Python list passed as a query parameter is sent as ``ARRAY['a', 'b', …]``: an expression per element that
PostgreSQL parses and plans one by one; for a batch of 2,000 preview rows of 25 columns that is most of the
statement's time, for the 58,000 item ids of a follow-up decision pass 0.12 s. The same values sent as one text
in PostgreSQL's array syntax (``{"a","b",NULL}``) and cast to the array type are read by the array input function
in one pass, with the same result.
"""

import datetime


def array_literal(values):
    """Return the PostgreSQL array literal of ``values``: pass it as one parameter cast to the array type
    (``%s::varchar[]``, ``%s::int4[]``, ``%s::date[]``…).

    Every element is quoted (spaces, commas, braces and the word NULL kept as text); double quotes and
    backslashes are escaped; ``None`` is ``NULL``.

    :param values: iterable of ``None``, ``str``, ``bool``, ``int``, ``float``, ``datetime.date`` or
        ``datetime.datetime``
    :return: str, e.g. ``{"a","say \\"hi\\"",NULL,"12.5"}``
    :raise TypeError: for a value of another type
    """
    return "{" + ",".join(_element(value) for value in values) + "}"


def _element(value):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return '"t"' if value else '"f"'
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (int, float)):
        return f'"{value!r}"'  # repr: the shortest text that reads back as the same float
    if isinstance(value, datetime.datetime):
        return f'"{value.isoformat(sep=" ")}"'
    if isinstance(value, datetime.date):
        return f'"{value.isoformat()}"'
    raise TypeError(f"no array literal for {type(value).__name__}")
