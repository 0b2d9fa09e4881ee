"""Full-text search helpers: user text → PostgreSQL ``tsquery`` text, ``ts_headline`` output → safe HTML.

Pure functions, no ORM. The words are extracted with a strict Unicode pattern (letters and digits only), so
the tsquery built from them cannot contain operators typed by the user; it is still passed to PostgreSQL as a
query parameter, never formatted into SQL.
"""

import re

from markupsafe import Markup, escape

MAX_TERMS = 8
MAX_TERM_LENGTH = 48
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

#: sentinels asked from ``ts_headline`` around matches; they never occur in normal text
HIGHLIGHT_START = "\x02"
HIGHLIGHT_STOP = "\x03"


def tokenize(text):
    """Return the distinct search words of ``text``, lower-cased, ``ё`` folded to ``е``, in typed order.

    >>> tokenize("  Долг: оплата/ДОЛГ, 'x' ; DROP--")
    ['долг', 'оплата', 'x', 'drop']
    """
    if not text:
        return []
    words = []
    for match in _WORD.finditer(str(text).lower().replace("ё", "е")):
        word = match.group()[:MAX_TERM_LENGTH]
        if word not in words:
            words.append(word)
        if len(words) == MAX_TERMS:
            break
    return words


def build_tsquery(words, operator="&", prefix_last=True):
    """Return the ``to_tsquery`` text for ``words`` joined by ``operator`` (``&`` all words, ``|`` any word).

    The last word gets the prefix marker ``:*`` so that a word still being typed matches ("задолж" finds
    "задолженность").

    >>> build_tsquery(["долг", "клиент"])
    'долг & клиент:*'
    >>> build_tsquery(["долг", "клиент"], operator="|", prefix_last=False)
    'долг | клиент'
    """
    if operator not in ("&", "|"):
        raise ValueError(f"unsupported tsquery operator {operator!r}")
    terms = [word for word in words if _WORD.fullmatch(word)]
    if not terms:
        return ""
    if prefix_last:
        terms[-1] = f"{terms[-1]}:*"
    return f" {operator} ".join(terms)


MIN_TRIGRAM_WORD = 4


def trigram_text(words):
    """The text compared by trigram similarity with titles: the words long enough to carry a typo (short
    words such as prepositions would match any title containing them), joined by spaces; ``""`` if none."""
    return " ".join(word for word in words if len(word) >= MIN_TRIGRAM_WORD)


def headline_to_html(headline):
    """Turn a ``ts_headline`` result produced with the :data:`HIGHLIGHT_START`/:data:`HIGHLIGHT_STOP`
    sentinels into safe HTML: the text is escaped, then the matches are wrapped in ``<mark>``.

    >>> str(headline_to_html("a <b> \\x02долг\\x03 c"))
    'a &lt;b&gt; <mark>долг</mark> c'
    """
    if not headline:
        return Markup()
    text = " ".join(str(headline).split())
    parts = []
    for chunk in re.split(f"({HIGHLIGHT_START}|{HIGHLIGHT_STOP})", text):
        if chunk == HIGHLIGHT_START:
            parts.append(Markup("<mark>"))
        elif chunk == HIGHLIGHT_STOP:
            parts.append(Markup("</mark>"))
        elif chunk:
            parts.append(escape(chunk))
    html = Markup("").join(parts)
    # a fragment cut by MaxWords could leave an unbalanced mark: close it
    if html.count("<mark>") > html.count("</mark>"):
        html += Markup("</mark>")
    return html
