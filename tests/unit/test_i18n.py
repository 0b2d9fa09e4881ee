"""Every addon's ru.po is complete, consistent with its .pot, keeps placeholders and follows the glossary."""

import csv
import re

import polib
import pytest

ADDONS = ("crm_knowledge", "crm_receivables", "crm_complaints")
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sdf]|%[sd]|\{[a-z_0-9]*\}")


def _glossary(root):
    with open(root / "i18n" / "glossary.csv", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["ru_stem"]]


@pytest.mark.parametrize("addon", ADDONS)
def test_po_matches_pot_and_is_complete(root, addon):
    pot = polib.pofile(str(root / addon / "i18n" / f"{addon}.pot"))
    po = polib.pofile(str(root / addon / "i18n" / "ru.po"))
    assert len(pot) > 0, "the .pot has no entries: run ./crm i18n"
    pot_ids = {(e.msgctxt, e.msgid) for e in pot}
    po_ids = {(e.msgctxt, e.msgid) for e in po if not e.obsolete}
    assert pot_ids - po_ids == set(), "entries of the .pot missing from ru.po: run ./crm i18n"
    same = {line for line in (root / "i18n" / "untranslatable.txt").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")}
    untranslated = [e.msgid for e in po if not e.obsolete and not e.translated() and e.msgid not in same]
    assert untranslated == [], f"{len(untranslated)} untranslated/fuzzy entries, e.g. {untranslated[:5]}"


@pytest.mark.parametrize("addon", ADDONS)
def test_placeholders_kept(root, addon):
    po = polib.pofile(str(root / addon / "i18n" / "ru.po"))
    broken = [
        e.msgid for e in po
        if e.msgstr and sorted(PLACEHOLDER.findall(e.msgid)) != sorted(PLACEHOLDER.findall(e.msgstr))
    ]
    assert broken == [], f"placeholders differ in: {broken[:5]}"


@pytest.mark.parametrize("addon", ADDONS)
def test_glossary_terms(root, addon):
    glossary = _glossary(root)
    po = polib.pofile(str(root / addon / "i18n" / "ru.po"))
    offending = []
    for entry in po:
        if not entry.msgstr or "<" in entry.msgid:
            continue
        for row in glossary:
            if re.search(rf"\b{re.escape(row['en'])}\b", entry.msgid, re.IGNORECASE) and not re.search(
                row["ru_stem"], entry.msgstr, re.IGNORECASE,
            ):
                offending.append(f"{entry.msgid!r} → {entry.msgstr!r} (expected '{row['ru']}')")
    assert offending == [], "\n".join(offending[:10])
