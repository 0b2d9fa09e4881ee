"""Each addon's README.rst is the one generated from its readme/ fragments (python -m harness.readme)."""

import pytest

from harness import readme


@pytest.mark.parametrize("addon", readme.ADDONS)
def test_readme_up_to_date(root, addon):
    assert (root / addon / "README.rst").read_text(encoding="utf-8") == readme.render(addon), (
        "README.rst is stale: run python -m harness.readme"
    )


@pytest.mark.parametrize("addon", readme.ADDONS)
def test_readme_fragments_present(root, addon):
    for fragment in ("DESCRIPTION.md", "USAGE.md", "CONFIGURE.md"):
        assert (root / addon / "readme" / fragment).read_text(encoding="utf-8").strip()
