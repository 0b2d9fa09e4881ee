"""Defaults of the harness; every one can be overridden by the environment variable named beside it."""

import shutil
from pathlib import Path

#: ODOO_SRC — a complete Odoo 18.0 Community tree, outside the repository.
DEFAULT_ODOO_SRC = Path.home() / ".cache" / "odoo-18.0"
#: CRM_VENV — the virtualenv, shared by every clone of the project on this machine.
DEFAULT_VENV = Path.home() / ".cache" / "crm-suite" / "venv"
ODOO_GIT_URL = "https://github.com/odoo/odoo.git"

ADDONS = ("crm_knowledge", "crm_receivables", "crm_complaints")  # dependency order

NO_ODOO_HELP = (
    "Odoo 18.0 Community is needed and could not be found or cloned.\n"
    "Provide a tree: clone the 18.0 branch of the official repository (or unpack an export of it) into\n"
    "  {src}\n"
    "or point ODOO_SRC at one. It must contain odoo-bin, odoo/, addons/ and requirements.txt."
)

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium():
    """The Chromium/Chrome executable Odoo's browser tests will use, or None."""
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None
