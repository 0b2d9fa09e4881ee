"""Benchmark: a follow-up run over 50,000 open receivable items of 5,000 customers.

Run by ``./crm bench`` (or ``ODOO_SRC=... PYTHONPATH=. python tests/bench/bench_followup.py``). A fresh database
with ``crm_receivables`` installed by ``odoo-bin``; 5,000 customers with 10 documents each posted as receivable
items of opening entries (1,000 items per entry, as the 1C import posts them), due on ten different days; then
one follow-up run (``crm.followup.engine._run``): candidates and levels, lines inserted, one communication per
customer gathered, rendered and sent (emails queued), then a rerun, which must insert and send nothing.
Prints the time, the CPU seconds of Odoo's process and the number of SQL queries of each step.

Nothing is asserted: the figures go to the README / report.
"""

import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import_1c import _cpu, _rss_mb  # noqa: E402

ITEMS = int(os.environ.get("BENCH_FOLLOWUP_ITEMS", "50000"))
PER_CUSTOMER = 10
PER_ENTRY = 1000


def _post_items(env, today):
    """Customers and their open items: ``ITEMS / PER_CUSTOMER`` customers, one item per document."""
    Command = __import__("odoo").Command
    company = env.company
    customers = env["res.partner"].create([
        {"name": f"ООО «Должник {i:05d}»", "is_company": True, "email": f"debtor{i}@example.com",
         "lang": "en_US"}
        for i in range(ITEMS // PER_CUSTOMER)
    ])
    receivable = customers[:1].property_account_receivable_id
    counterpart = company.get_unaffected_earnings_account()
    journal = env["account.journal"].search([("type", "=", "general"), ("company_id", "=", company.id)], limit=1)
    documents = [
        (customer, number)
        for customer in customers for number in range(PER_CUSTOMER)
    ]
    Move = env["account.move"].with_context(tracking_disable=True)
    for start in range(0, len(documents), PER_ENTRY):
        batch = documents[start:start + PER_ENTRY]
        lines = [
            Command.create({
                "account_id": receivable.id, "partner_id": customer.id, "name": f"РН-{customer.id}-{number}",
                "debit": 1000.0 + number, "date_maturity": today - timedelta(days=5 * number),
            })
            for customer, number in batch
        ]
        total = sum(1000.0 + number for _customer, number in batch)
        lines.append(Command.create({"account_id": counterpart.id, "name": "Opening", "credit": total}))
        move = Move.create({"move_type": "entry", "journal_id": journal.id, "date": today - timedelta(days=60),
                            "line_ids": lines})
        move.action_post()
        env.invalidate_all()
    return customers


def _measure(env, label, func):
    env.invalidate_all()
    queries, start, cpu = env.cr.sql_log_count, time.perf_counter(), _cpu()
    result = func()
    env.flush_all()
    print(f"{label}: {time.perf_counter() - start:.1f} s, {_cpu() - cpu:.1f} s CPU, "
          f"{env.cr.sql_log_count - queries} queries; RSS {_rss_mb():.0f} MB; {result}", flush=True)
    return result


def main():
    from harness import pg  # noqa: PLC0415

    work = Path(tempfile.mkdtemp(prefix="crm-bench-followup-"))
    odoo_src = Path(os.environ.get("ODOO_SRC") or Path.home() / ".cache" / "odoo-18.0")
    server = pg.start(work / "pgdata", cleanup_mode="delete")
    db = "crm_bench_followup"
    args = [f"--addons-path={odoo_src / 'addons'},{ROOT}", f"--data-dir={work / 'data'}", "-d", db,
            *server.odoo_args()]
    try:
        start = time.perf_counter()
        with open(work / "install.log", "w", encoding="utf-8") as log:
            rc = subprocess.call([sys.executable, str(odoo_src / "odoo-bin"), *args, "-i", "crm_receivables",
                                  "--stop-after-init", "--http-port=0"], stdout=log, stderr=subprocess.STDOUT)
        if rc:
            print(f"install failed (exit {rc}), log: {work / 'install.log'}")
            return rc
        print(f"database with crm_receivables installed in {time.perf_counter() - start:.0f} s")
        sys.path.insert(0, str(odoo_src))
        import odoo  # noqa: PLC0415
        from odoo.tools import config  # noqa: PLC0415

        config.parse_config(args)
        registry = odoo.modules.registry.Registry(db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            today = date.today()
            customers = _measure(env, f"setup: {ITEMS} items of {ITEMS // PER_CUSTOMER} customers posted",
                                 lambda: len(_post_items(env, today)))
            Engine = env["crm.followup.engine"]
            _measure(env, "candidates and levels (no write)",
                     lambda: sum(len(v) for v in Engine._get_candidates(today).values()))
            _measure(env, "follow-up run", Engine._run)
            _measure(env, "rerun (must insert and send nothing)", Engine._run)
            print(f"customers: {customers}; lines: {env['crm.followup.line'].search_count([])}; "
                  f"communications: {env['crm.followup.message'].search_count([])}")
            cr.rollback()
        return 0
    finally:
        if server.exists(db):
            server.drop(db)
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
