"""Fill untranslated entries of the addons' ru.po files.

    python -m harness.po_fill [mapping.json ...]

Sources, in order: the JSON files given (``{"English msgid": "Русский перевод"}``), then the translation
memory made of every addon's ru.po (a term translated in one addon is reused in the others). Existing
translations are never overwritten. Prints what is still untranslated. Needs polib (the project venv).
"""

import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("crm_knowledge", "crm_receivables", "crm_complaints")


def untranslatable():
    """msgids that read the same in Russian (i18n/untranslatable.txt)."""
    lines = (ROOT / "i18n" / "untranslatable.txt").read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


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
    same = untranslatable()
    missing = 0
    for path, po in pos.items():
        for entry in po:
            if not entry.msgstr and memory.get(entry.msgid, entry.msgid) != entry.msgid:
                entry.msgstr = memory[entry.msgid]
            if not entry.msgstr and entry.msgid not in same:
                missing += 1
                print(f"{path.relative_to(ROOT)}: untranslated {entry.msgid!r}")
        po.save(str(path))
    # the exact layout oca-checks-po expects (po-pretty-format)
    fixer = Path(sys.executable).parent / "oca-checks-po"
    subprocess.run([str(fixer), "--fix", "--no-verbose", *map(str, pos)], capture_output=True)
    return missing


if __name__ == "__main__":
    print(f"{fill(sys.argv[1:])} entries untranslated")
