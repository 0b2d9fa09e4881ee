"""pytest set-up for the project-level tests.

The addons' ``tools/`` packages are pure Python: they are imported here as ``<addon>.tools.<module>``
without running the addon's ``__init__`` (which needs Odoo), so the decision logic is tested without a
database; ``odoo.addons.<addon>`` names the same packages.
"""

import os
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("crm_knowledge", "crm_receivables", "crm_complaints")

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# a pure module of one addon imports another addon's as Odoo names it (``odoo.addons.crm_knowledge.tools``):
# without Odoo, ``odoo.addons.<addon>`` is the same bare package
_odoo = sys.modules.setdefault("odoo", types.ModuleType("odoo"))
_odoo_addons = sys.modules.setdefault("odoo.addons", types.ModuleType("odoo.addons"))
for _module in (_odoo, _odoo_addons):
    if not hasattr(_module, "__path__"):
        _module.__path__ = []
_odoo.addons = _odoo_addons
for _addon in ADDONS:
    if _addon not in sys.modules:
        _package = types.ModuleType(_addon)
        _package.__path__ = [str(ROOT / _addon)]
        sys.modules[_addon] = _package
    sys.modules.setdefault(f"odoo.addons.{_addon}", sys.modules[_addon])
    setattr(_odoo_addons, _addon, sys.modules[f"odoo.addons.{_addon}"])


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def e2e_server():
    """URL, database and credentials of the live Odoo server started by ``./crm test``."""
    url = os.environ.get("CRM_E2E_URL")
    if not url:
        pytest.fail("CRM_E2E_URL is not set: end-to-end tests run through `./crm test`, which starts the server")
    return {
        "url": url,
        "db": os.environ["CRM_E2E_DB"],
        "login": os.environ.get("CRM_E2E_LOGIN", "admin"),
        "password": os.environ.get("CRM_E2E_PASSWORD", "admin"),
    }
