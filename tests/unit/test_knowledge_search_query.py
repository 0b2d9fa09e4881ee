"""Full-text query building and snippet clean-up of the knowledge base (no database)."""

import pytest

from crm_knowledge.tools import search_query as sq


@pytest.mark.parametrize(("text", "words"), [
    ("долг", ["долг"]),
    ("  Долг: оплата/ДОЛГ ", ["долг", "оплата"]),
    ("Ёлка ёж", ["елка", "еж"]),
    ("акт сверки №12-б", ["акт", "сверки", "12", "б"]),
    ("", []),
    (None, []),
    ("!!! & | :* ' \" <-> ( )", []),
    ("snake_case word", ["snake", "case", "word"]),
])
def test_tokenize(text, words):
    assert sq.tokenize(text) == words


def test_tokenize_limits_terms_and_length():
    words = sq.tokenize(" ".join(f"слово{i}" for i in range(20)))
    assert len(words) == sq.MAX_TERMS
    assert sq.tokenize("я" * 200) == ["я" * sq.MAX_TERM_LENGTH]


def test_build_tsquery_and_or_prefix():
    assert sq.build_tsquery(["долг", "клиента"]) == "долг & клиента:*"
    assert sq.build_tsquery(["долг", "клиента"], operator="|", prefix_last=False) == "долг | клиента"
    assert sq.build_tsquery(["долг"]) == "долг:*"
    assert sq.build_tsquery([]) == ""


def test_build_tsquery_refuses_operators():
    """Whatever reaches it, only words get into the tsquery text."""
    assert sq.build_tsquery(["долг", "x & !y", "':*"]) == "долг:*"
    with pytest.raises(ValueError):
        sq.build_tsquery(["долг"], operator="<->")


def test_headline_is_escaped_and_marked():
    headline = f"цена <b>&amp; {sq.HIGHLIGHT_START}долга{sq.HIGHLIGHT_STOP} \n  растёт"
    html = sq.headline_to_html(headline)
    assert str(html) == "цена &lt;b&gt;&amp;amp; <mark>долга</mark> растёт"
    assert "<b>" not in html


def test_headline_unbalanced_and_empty():
    assert str(sq.headline_to_html(f"{sq.HIGHLIGHT_START}долг")) == "<mark>долг</mark>"
    assert str(sq.headline_to_html("")) == ""
    assert str(sq.headline_to_html(None)) == ""


def test_trigram_text():
    assert sq.trigram_text(["задолжность", "клиента"]) == "задолжность клиента"
    assert sq.trigram_text(["и", "в", "акт", "сверки"]) == "сверки", "short words carry no typo"
    assert sq.trigram_text(["и", "на"]) == ""
