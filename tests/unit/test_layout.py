"""Layout of the tests: a test file's name says which suite it belongs to."""

from collections import defaultdict

ADDONS = ("crm_knowledge", "crm_receivables", "crm_complaints")


def test_test_file_names_do_not_repeat(root):
    """An addon test (Odoo runner) and a project test (pytest) never share a file name, so a name found
    in a failure report points at one file."""
    places = defaultdict(list)
    for folder in [root / addon / "tests" for addon in ADDONS] + [root / "tests"]:
        for path in folder.rglob("test_*.py"):
            places[path.name].append(str(path.relative_to(root)))
    repeated = {name: paths for name, paths in places.items() if len(paths) > 1}
    assert not repeated, repeated
