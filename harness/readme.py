"""Build each addon's README.rst from its manifest and readme/*.md fragments (as OCA's readme generator does).

``python -m harness.readme`` rewrites them; tests/unit/test_readme.py fails when one is stale.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("crm_knowledge", "crm_receivables", "crm_complaints")
SECTIONS = (("DESCRIPTION.md", None), ("CONFIGURE.md", "Configuration"), ("USAGE.md", "Usage"))


def render(addon):
    """Return the README.rst text of ``addon``."""
    path = ROOT / addon
    manifest = ast.literal_eval((path / "__manifest__.py").read_text(encoding="utf-8"))
    title = manifest["name"]
    lines = ["=" * len(title), title, "=" * len(title), ""]
    lines += [
        f".. |maturity| image:: https://img.shields.io/badge/maturity-{manifest['development_status']}-red.png",
        f".. |license| image:: https://img.shields.io/badge/license-{manifest['license'].replace('-', '--')}-blue.png",
        "",
        "|maturity| |license|",
        "",
        manifest["summary"],
        "",
    ]
    for fragment, heading in SECTIONS:
        file = path / "readme" / fragment
        if not file.exists():
            continue
        if heading:
            lines += [heading, "=" * len(heading), ""]
        lines += [file.read_text(encoding="utf-8").rstrip(), ""]
    lines += ["Credits", "=======", "", "Authors", "-------", "", f"* {manifest['author']}", ""]
    lines += ["Maintainers", "-----------", ""] + [f"* {m}" for m in manifest["maintainers"]] + [""]
    return "\n".join(lines)


def main():
    for addon in ADDONS:
        (ROOT / addon / "README.rst").write_text(render(addon), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
