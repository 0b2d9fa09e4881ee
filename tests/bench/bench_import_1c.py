"""Benchmark: import a 50,000-row 1C export (settlements by document) through the wizard.

Run by ``./crm bench`` (or ``ODOO_SRC=... PYTHONPATH=. python tests/bench/bench_import_1c.py``). Prints:

1. the pure parser on the file: time, and the process's resident memory after 10k / 25k / 50k streamed
   records (flat memory = the figures stay close);
2. a real Odoo: a fresh database with ``crm_receivables`` installed by ``odoo-bin`` (or, with
   ``BENCH_1C_DB=<name>``, an existing database of the local PostgreSQL with the addon up to date), then the
   import service run in-process (``Registry``): preview (one streaming parse, 50,000 preview rows stored
   set-based, matching once per customer) and import (from the preview table: 5,000 customers created through
   the ORM, 50,000 documents set-based, 50,000 receivable items — one per document — in entries of 1,000,
   each entry posted by the ORM with its balancing item and its items then inserted set-based, already
   posted), then a rerun of the same file, which must write nothing. RSS is
   printed before and after each step (flat memory = close). Everything is rolled back at the end.

Nothing is asserted: the figures go to the README / report.
"""

import base64
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

ROWS = int(os.environ.get("BENCH_1C_ROWS", "50000"))


def _rss_mb():
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu():
    """CPU seconds of this process (Odoo's worker limit ``limit_time_cpu`` counts these, not PostgreSQL's)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _inn10(number):
    prefix = f"{770000000 + number:09d}"
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return prefix + str(sum(int(d) * w for d, w in zip(prefix, weights, strict=True)) % 11 % 10)


def build_file(path, rows):
    """A settlements export: 10 documents per customer, so 5,000 customers for 50,000 rows."""
    import openpyxl  # noqa: PLC0415

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Расчеты с покупателями")
    sheet.append(["Расчеты с покупателями"])
    sheet.append(["Период: 01.01.2026 - 31.03.2026"])
    sheet.append([])
    sheet.append(["Контрагент", "ИНН", "Документ", "Срок оплаты", "Сумма", "Телефон"])
    for index in range(rows):
        customer = index // 10
        sheet.append([
            f"ООО «Клиент {customer:05d}»", _inn10(customer),
            f"Реализация товаров и услуг {index:08d} от {1 + index % 28:02d}.03.2026",
            f"{1 + index % 28:02d}.04.2026", f"{1000 + index % 977} {index % 1000:03d},{index % 100:02d}",
            f"8 (9{customer % 100:02d}) {customer % 1000:03d}-{customer % 100:02d}-{customer % 97:02d}",
        ])
    sheet.append(["Итого"])
    book.save(path)


def bench_parser(content):
    # the pure tools without the addon's __init__ (which needs Odoo), as tests/conftest.py does
    package = types.ModuleType("crm_receivables")
    package.__path__ = [str(ROOT / "crm_receivables")]
    sys.modules.setdefault("crm_receivables", package)
    from crm_receivables.tools import onec_layout, onec_reader  # noqa: PLC0415

    start, rss = time.perf_counter(), {}
    workbook = onec_reader.open_workbook(content, max_size=0)
    analysis = onec_layout.parse(workbook)
    count = 0
    for count, _record in enumerate(analysis.records, start=1):  # noqa: B007
        if count in (10000, 25000, 50000):
            rss[count] = round(_rss_mb())
    elapsed = time.perf_counter() - start
    print(f"parser: {count} records in {elapsed:.1f} s ({count / elapsed:,.0f} rows/s); "
          f"RSS after 10k/25k/50k records: {rss.get(10000)} / {rss.get(25000)} / {rss.get(50000)} MB")


def bench_odoo(content, work):
    odoo_src = Path(os.environ.get("ODOO_SRC") or Path.home() / ".cache" / "odoo-18.0")
    existing = os.environ.get("BENCH_1C_DB")
    if existing:
        args = [f"--addons-path={odoo_src / 'addons'},{ROOT}", f"--data-dir={work / 'data'}", "-d", existing]
        return _bench_registry(content, odoo_src, args, existing)
    from harness import pg  # noqa: PLC0415

    server = pg.start(work / "pgdata", cleanup_mode="delete")
    db = "crm_bench_1c"
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
        return _bench_registry(content, odoo_src, args, db)
    finally:
        if server.exists(db):
            server.drop(db)
        server.stop()


def _bench_registry(content, odoo_src, args, db):
    """Preview, import and rerun in-process on database ``db``; everything is rolled back."""
    sys.path.insert(0, str(odoo_src))
    import odoo  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(args)
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        measure_registry_import(env, content, ROWS, rerun=True)
        cr.rollback()
    return 0


def measure_registry_import(env, content, rows, rerun=False):
    """Preview and import ``content`` through the import service in ``env`` (the caller rolls back).

    Prints the figures; ``rerun`` imports the same file again (it must write nothing).

    :return: dict of figures: ``preview`` and ``import`` seconds, ``preview_cpu`` and ``import_cpu`` CPU seconds
        of this process, ``items`` receivable items of the 1C journal, ``moves`` entries, ``rss_mb``; with
        ``rerun``: ``rerun`` seconds and ``rerun_written`` (journal items, customers and documents it added)
    """
    env.ref("base.RUB").active = True
    Wizard, Service = env["crm.import.1c.wizard"], env["crm.import.1c.service"]
    domain = [("journal_id.code", "=", "1C"), ("account_id.account_type", "=", "asset_receivable")]
    items_before = env["account.move.line"].search_count(domain)
    moves_before = env["account.move"].search_count([("journal_id.code", "=", "1C")])
    wizard = Wizard.create({"file": base64.b64encode(content), "filename": "bench.xlsx"})
    rss0, start, cpu = _rss_mb(), time.perf_counter(), _cpu()
    Service.preview(wizard)
    preview, preview_cpu = time.perf_counter() - start, _cpu() - cpu
    print(f"preview: {wizard.line_count} rows, {wizard.new_partner_count} new customers, "
          f"{wizard.error_count} errors in {preview:.1f} s ({preview_cpu:.1f} s CPU); "
          f"RSS {rss0:.0f} → {_rss_mb():.0f} MB", flush=True)
    start, cpu = time.perf_counter(), _cpu()
    Service.apply(wizard)
    env.flush_all()
    elapsed, import_cpu = time.perf_counter() - start, _cpu() - cpu
    print(f"import: {import_cpu:.1f} s CPU in Odoo's process", flush=True)
    moves = env["account.move"].search_count([("journal_id.code", "=", "1C")]) - moves_before
    items = env["account.move.line"].search_count(domain) - items_before
    print(f"import: {items} receivable items", flush=True)
    print(f"import: {wizard.result_message}", flush=True)
    print(f"import: {elapsed:.1f} s for {rows} rows, {moves} journal entries; RSS {_rss_mb():.0f} MB", flush=True)
    print(f"preview + import: {preview + elapsed:.1f} s", flush=True)
    figures = {"preview": round(preview, 2), "import": round(elapsed, 2), "preview_cpu": round(preview_cpu, 1),
               "import_cpu": round(import_cpu, 1), "items": items, "moves": moves, "rss_mb": round(_rss_mb())}
    if rerun:
        start = time.perf_counter()
        before = (env["account.move.line"].search_count([]), env["res.partner"].search_count([]),
                  env["crm.import.1c.document"].search_count([]))
        again = Service.import_file(content, "bench.xlsx")
        after = (env["account.move.line"].search_count([]), env["res.partner"].search_count([]),
                 env["crm.import.1c.document"].search_count([]))
        figures["rerun"] = round(time.perf_counter() - start, 2)
        figures["rerun_written"] = sum(after) - sum(before)  # journal items, customers, documents: must be 0
        print(f"rerun of the same file (new preview + import): {figures['rerun']:.1f} s — "
              f"{again.result_message}; journal items, customers and documents written: "
              f"{figures['rerun_written']}; RSS {_rss_mb():.0f} MB", flush=True)
        figures["rss_mb"] = round(_rss_mb())
    return figures


def main():
    work = Path(tempfile.mkdtemp(prefix="crm-bench-1c-"))
    try:
        path = work / "bench.xlsx"
        start = time.perf_counter()
        build_file(path, ROWS)
        content = path.read_bytes()
        print(f"file: {ROWS} rows, {len(content) / 1048576:.1f} MB, built in {time.perf_counter() - start:.0f} s")
        bench_parser(content)
        return bench_odoo(content, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
