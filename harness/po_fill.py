"""Fill untranslated entries of the addons' ru.po files.

    python -m harness.po_fill [mapping.json ...]

Sources, in order: the JSON files given (``{"English msgid": "Русский перевод"}``), then the translation
memory made of every addon's ru.po (a term translated in one addon is reused in the others). Existing
translations are never overwritten. Prints what is still untranslated. Needs polib (the project venv).
"""

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("crm_knowledge", "crm_receivables", "crm_complaints")


def po_files():
    return [ROOT / addon / "i18n" / "ru.po" for addon in ADDONS if (ROOT / addon / "i18n" / "ru.po").exists()]


def fill(mapping_files=()):
    """Fill the ru.po files; return the number of entries still untranslated."""
    memory = {}
    for path in mapping_files:
        memory.update(json.loads(Path(path).read_text(encoding="utf-8")))
    pos = {path: polib.pofile(str(path), wrapwidth=78) for path in po_files()}
    for po in pos.values():
        for entry in po:
            if entry.msgstr and "fuzzy" not in entry.flags:
                memory.setdefault(entry.msgid, entry.msgstr)
    missing = 0
    for path, po in pos.items():
        for entry in po:
            if not entry.msgstr and entry.msgid in memory:
                entry.msgstr = memory[entry.msgid]
            if not entry.msgstr:
                missing += 1
                print(f"{path.relative_to(ROOT)}: untranslated {entry.msgid!r}")
        po.save(str(path))
    return missing


if __name__ == "__main__":
    print(f"{fill(sys.argv[1:])} entries untranslated")
