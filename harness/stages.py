"""Stage 2 of the harness (inside the virtualenv): databases, Odoo runs, pytest, lint, the verdict."""

import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from harness import judge, pg
from harness.settings import ADDONS

ROOT = Path(__file__).resolve().parent.parent
ODOO_SRC = Path(os.environ.get("ODOO_SRC", "")).resolve()
PYTHON = sys.executable
RUN_DIR = ROOT / ".run"
DEMO_LANG = "ru_RU"
CYRILLIC = re.compile("[а-яА-ЯёЁ]")


def say(msg):
    print(f"[crm] {msg}", flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_cmd(server, db, data_dir, http_port, *extra):
    """The ``odoo-bin`` command line for ``db`` with our addons on the path."""
    return [
        PYTHON, str(ODOO_SRC / "odoo-bin"),
        f"--addons-path={ODOO_SRC / 'addons'},{ROOT}",
        f"--data-dir={data_dir}",
        "-d", db, f"--db-filter=^{re.escape(db)}$",
        "--http-interface=127.0.0.1", f"--http-port={http_port}",
        "--max-cron-threads=0",
        *server.odoo_args(),
        *extra,
    ]


def run_logged(cmd, log_path, echo=True):
    """Run ``cmd``; write everything to ``log_path``; echo warnings, errors and the test results."""
    keep_echoing = False
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                encoding="utf-8", errors="replace", cwd=ROOT)
        try:
            for line in proc.stdout:
                log.write(line)
                if not echo:
                    continue
                parsed = judge.LOG_LINE.match(line.rstrip("\n"))
                if parsed:
                    keep_echoing = parsed["level"] in ("WARNING", "ERROR", "CRITICAL") \
                        or "odoo.tests.result" in line or parsed["msg"].startswith("skipped ")
                if keep_echoing:
                    sys.stdout.write("  | " + line)
        except BaseException:  # interrupted: don't leave Odoo running behind us
            proc.terminate()
            proc.wait(timeout=60)
            raise
        return proc.wait()


def exit_on_sigterm():
    """A terminated run still drops its databases and stops its PostgreSQL: the ``finally`` blocks run."""
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))


# ---------------------------------------------------------------------------------------------------------
# ./crm run
# ---------------------------------------------------------------------------------------------------------
def addons_fingerprint():
    digest = hashlib.sha256()
    for addon in ADDONS:
        for path in sorted((ROOT / addon).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


#: per-request limits of a prefork worker: a 50,000-row 1C import needs about a minute of CPU (readme)
WORKER_LIMITS = ("--limit-time-cpu=600", "--limit-time-real=1200", "--limit-memory-soft=2147483648",
                 "--limit-memory-hard=2684354560")


def serve_cmd(server, db, data_dir, port, workers=0, cron_workers=2, gevent_port=None):
    """The ``odoo-bin`` command that serves ``db``.

    :param int workers: 0 serves one threaded process (one cron thread); N > 0 serves prefork Odoo with N HTTP
        workers, ``cron_workers`` cron processes and the gevent long-polling process (bus, screen pop)
    :param int gevent_port: long-polling port (default ``port + 3``, Odoo's 8069/8072 pair)
    :return: the command line (list)
    """
    cmd = odoo_cmd(server, db, data_dir, port)
    if not workers:
        cmd[cmd.index("--max-cron-threads=0")] = "--max-cron-threads=1"
        return cmd
    cmd[cmd.index("--max-cron-threads=0")] = f"--max-cron-threads={cron_workers}"
    return [*cmd, f"--workers={workers}", f"--gevent-port={gevent_port or port + 3}", *WORKER_LIMITS]


def cmd_run(args):
    exit_on_sigterm()
    RUN_DIR.mkdir(exist_ok=True)
    server = pg.start(RUN_DIR / "pgdata", cleanup_mode="stop")
    say(f"database server: {server.describe()}")
    data_dir = RUN_DIR / "filestore"
    stamp = RUN_DIR / f"{args.db}.addons-hash"
    try:
        if args.reset and server.exists(args.db):
            say(f"dropping {args.db}")
            server.drop(args.db)
            shutil.rmtree(data_dir / "filestore" / args.db, ignore_errors=True)
            stamp.unlink(missing_ok=True)
        fingerprint = addons_fingerprint()
        port = free_port()
        if not server.exists(args.db):
            say(f"creating {args.db} with the three addons and their demo data (about a minute)")
            rc = run_logged(odoo_cmd(server, args.db, data_dir, port, "-i", ",".join(ADDONS),
                                     f"--load-language={DEMO_LANG}", "--stop-after-init"),
                            RUN_DIR / "install.log")
        elif not stamp.exists() or stamp.read_text() != fingerprint:
            say(f"the addons changed: upgrading them in {args.db}")
            rc = run_logged(odoo_cmd(server, args.db, data_dir, port, "-u", ",".join(ADDONS),
                                     "--stop-after-init"), RUN_DIR / "upgrade.log")
        else:
            rc = 0
        if rc:
            say(f"install/upgrade failed (exit {rc}); see {RUN_DIR}/install.log or upgrade.log")
            return rc
        stamp.write_text(fingerprint)
        if args.prepare_only:
            return 0
        say(f"serving http://127.0.0.1:{args.port}/odoo  (login: admin, password: admin; Ctrl+C stops)")
        cmd = serve_cmd(server, args.db, data_dir, args.port, args.workers, args.cron_workers, args.gevent_port)
        if args.workers:
            say(f"prefork: {args.workers} HTTP workers, {args.cron_workers} cron workers, "
                f"long-polling on 127.0.0.1:{args.gevent_port or args.port + 3}")
        proc = subprocess.Popen(cmd, cwd=ROOT)
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
            return proc.wait()
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------------------
# ./crm test
# ---------------------------------------------------------------------------------------------------------
class Report:
    """Collects (stage, passed, failed, notes) rows and prints the closing line."""

    def __init__(self):
        self.rows = []

    def add(self, stage, passed, failed, notes=()):
        self.rows.append((stage, passed, failed, list(notes)))
        status = "ok" if not failed else "FAILED"
        say(f"{stage}: {passed} passed, {failed} failed [{status}]")
        for note in notes:
            say(f"    {note}")

    def totals(self):
        return sum(r[1] for r in self.rows), sum(r[2] for r in self.rows)


def stage_odoo_tests(report, server, work, addons):
    """Install ``addons`` in a fresh database with exactly their test tags and judge the run."""
    db = f"{work.name}_all".replace("-", "_")
    log_path = work / "odoo-tests.log"
    tags = ",".join(f"/{a}" for a in addons)
    say(f"Odoo tests: installing {', '.join(addons)} in {db} with --test-tags {tags}")
    started = time.monotonic()
    rc = run_logged(odoo_cmd(server, db, work / "data", free_port(), "-i", ",".join(addons),
                             "--test-tags", tags, "--stop-after-init", "--log-level=info"), log_path)
    verdict = judge.judge_odoo_log(log_path.read_text(encoding="utf-8", errors="replace"), rc)
    notes = [f"{verdict.tests_total} tests in {time.monotonic() - started:.0f}s; log: {log_path}"]
    notes += verdict.problems
    notes += [line[:300] for line in verdict.error_lines[:10]]
    notes += [line[:300] for line in verdict.skipped[:10]]
    # a run that is not clean counts one failure on top of the failed tests themselves
    extra = 0 if verdict.ok or verdict.tests_failed or verdict.tests_errors else 1
    report.add("odoo tests", verdict.passed, verdict.tests_failed + verdict.tests_errors + extra, notes)
    return db, verdict.ok


def stage_i18n_fresh(report, server, work, db):
    """The committed ``i18n/<addon>.pot`` holds every term the installed addon has (else ru.po can't be complete)."""
    import polib  # noqa: PLC0415

    passed, notes = 0, []
    for addon in ADDONS:
        exported = work / f"{addon}.pot"
        rc = run_logged(odoo_cmd(server, db, work / "data", free_port(), f"--i18n-export={exported}",
                                 f"--modules={addon}"), work / f"i18n-{addon}.log", echo=False)
        committed_path = ROOT / addon / "i18n" / f"{addon}.pot"
        if rc or not exported.exists() or not committed_path.exists():
            notes.append(f"{addon}: could not export or compare its terms (exit {rc})")
            continue
        fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(exported))}
        committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(committed_path))}
        # the source language is English; Cyrillic msgids are the Russian demo records of the test database
        new = sorted(msgid for _ctx, msgid in fresh - committed if not CYRILLIC.search(msgid))
        if new:
            notes.append(f"{addon}: {len(new)} term(s) missing from i18n/{addon}.pot (run ./crm i18n), "
                         f"e.g. {new[:3]}")
        else:
            passed += 1
    report.add("i18n .pot up to date", passed, len(ADDONS) - passed, notes)


def stage_alone(report, server, work):
    """Each addon installs alone on a fresh database (its own dependency closure, demo data included)."""
    def install(addon):
        db = f"{work.name}_{addon}".replace("-", "_")
        log_path = work / f"alone-{addon}.log"
        rc = run_logged(odoo_cmd(server, db, work / "data", free_port(), "-i", addon, "--stop-after-init"),
                        log_path, echo=False)
        verdict = judge.judge_odoo_log(log_path.read_text(encoding="utf-8", errors="replace"), rc,
                                       expect_tests=False)
        server.drop(db)
        return addon, verdict, log_path

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(install, ADDONS))
    passed = sum(1 for _a, v, _l in results if v.ok)
    notes = []
    for addon, verdict, log_path in results:
        if not verdict.ok:
            notes.append(f"{addon} alone: {'; '.join(verdict.problems)} (log: {log_path})")
            notes += [line[:300] for line in verdict.error_lines[:5]]
    report.add("install each addon alone", passed, len(results) - passed, notes)


def wait_http(url, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - loopback only
                if resp.status == 200:
                    return True
        except OSError:
            time.sleep(1)
    return False


def stage_pytest(report, server, work, db):
    """pytest over tests/: pure logic, harness checks and end-to-end scenarios against a live server."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = None
    if db:
        # a copy for the prefork end-to-end test (tests/e2e/test_prefork_followup.py), made while nothing is
        # connected to the test database: it serves the copy with its own workers and cron workers
        prefork_db = f"{db}_prefork"
        server.copy(db, prefork_db)
        filestore = work / "data" / "filestore" / db
        if filestore.is_dir():
            shutil.copytree(filestore, work / "data" / "filestore" / prefork_db)
        env.update(CRM_E2E_PREFORK_DB=prefork_db, CRM_E2E_DATA_DIR=str(work / "data"),
                   CRM_E2E_DB_ARGS=json.dumps(server.odoo_args()))
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen(
            odoo_cmd(server, db, work / "data", port, "--log-level=warn"),
            stdout=open(work / "e2e-server.log", "w"), stderr=subprocess.STDOUT, cwd=ROOT,  # noqa: SIM115
        )
        if not wait_http(f"{url}/web/login"):
            say("the e2e server did not answer /web/login")
        env.update(CRM_E2E_URL=url, CRM_E2E_DB=db, CRM_E2E_LOGIN="admin", CRM_E2E_PASSWORD="admin")
    junit = work / "pytest.xml"
    try:
        rc = subprocess.call([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}",
                              str(ROOT / "tests")], env=env, cwd=ROOT)
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=60)
    if not junit.exists():
        report.add("pytest", 0, 1, [f"pytest produced no report (exit {rc})"])
        return
    passed, failed, skipped = judge.parse_junit(junit.read_text(encoding="utf-8"))
    notes = [f"{skipped} skipped test(s) count as failed"] if skipped else []
    if rc not in (0, 1) and not failed:
        notes.append(f"pytest exited {rc}")
        failed += 1
    if passed + failed + skipped == 0:
        notes.append("pytest collected 0 tests")
        failed += 1
    report.add("pytest tests/", passed, failed + skipped, notes)


def stage_lint(report):
    """ruff, pylint-odoo (OCA mandatory set), oca-checks-odoo-module and oca-checks-po: one test each per addon."""
    bindir = Path(PYTHON).parent
    checks = [("ruff", [str(bindir / "ruff"), "check", "--no-cache", str(ROOT)])]
    for addon in ADDONS:
        path = str(ROOT / addon)
        checks += [
            (f"pylint-odoo {addon}", [PYTHON, "-m", "pylint", f"--rcfile={ROOT / 'harness' / 'pylintrc-mandatory'}",
                                      path]),
            (f"oca-checks-odoo-module {addon}", [str(bindir / "oca-checks-odoo-module"), "--no-verbose", path]),
            (f"oca-checks-po {addon}", [str(bindir / "oca-checks-po"), "--no-verbose",
                                        *sorted(str(p) for p in (ROOT / addon / "i18n").glob("*.po*"))]),
        ]
    passed, notes = 0, []
    for name, cmd in checks:
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if proc.returncode == 0:
            passed += 1
        else:
            out = (proc.stdout + proc.stderr).strip().splitlines()
            notes.append(f"{name}: exit {proc.returncode}")
            notes += [f"  {line}" for line in out[:30]]
    report.add("lint", passed, len(checks) - passed, notes)


def cmd_test(args):
    exit_on_sigterm()
    run_id = f"crmt_{time.strftime('%m%d%H%M%S')}_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix=f"{run_id}-"))
    work = work.rename(work.parent / run_id) if not (work.parent / run_id).exists() else work
    say(f"run {run_id}: work folder {work}")
    server = pg.start(work / "pgdata", cleanup_mode="delete")
    say(f"database server: {server.describe()}")
    report = Report()
    started = time.monotonic()
    try:
        addons = args.only or list(ADDONS)
        db = None
        if "odoo" not in args.skip:
            db, _ok = stage_odoo_tests(report, server, work, addons)
        if not args.only:
            if db and "i18n" not in args.skip:
                stage_i18n_fresh(report, server, work, db)
            if "alone" not in args.skip:
                stage_alone(report, server, work)
            if "pytest" not in args.skip:
                stage_pytest(report, server, work, None if "e2e" in args.skip else db)
            if "lint" not in args.skip:
                stage_lint(report)
    finally:
        if not args.keep:
            for name in server.list_like(run_id):
                server.drop(name)
        server.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    passed, failed = report.totals()
    say(f"wall time {time.monotonic() - started:.0f}s")
    print(judge.closing_line(passed, failed), flush=True)
    return 1 if failed or not passed else 0


# ---------------------------------------------------------------------------------------------------------
# ./crm bench, ./crm i18n
# ---------------------------------------------------------------------------------------------------------
BENCH_DIR = ROOT / "tests" / "bench"


def bench_meta(server, db):
    """The ``crm_bench.meta`` figures stored in a benchmark database by bench_data.py (``{}`` when none)."""
    import contextlib  # noqa: PLC0415
    import json  # noqa: PLC0415

    try:
        with contextlib.closing(server._connect(db)) as conn, conn.cursor() as cr:
            cr.execute("SELECT value FROM ir_config_parameter WHERE key = 'crm_bench.meta'")
            row = cr.fetchone()
    except Exception:  # noqa: BLE001 - a half-built or foreign database has no figures
        return {}
    return json.loads(row[0]) if row else {}


def bench_env(server, scale=None):
    """Environment of the benchmark scripts: PYTHONPATH, the database server as PG*, ``BENCH_SCALE``."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for var, value in (("PGHOST", server.host), ("PGPORT", server.port), ("PGUSER", server.user),
                       ("PGPASSWORD", server.password)):
        if value:
            env[var] = str(value)
    if scale is not None:
        env["BENCH_SCALE"] = str(scale)
    return env


def generate_bench_template(server, template, data_dir, env):
    """Install the three addons (no demo) in a new database, fill it with bench_data.py, then rename it to
    ``template`` (a failed generation leaves the previous template in place)."""
    building = f"{template}_building"
    server.drop(building)
    shutil.rmtree(data_dir / "filestore" / building, ignore_errors=True)
    say(f"benchmark data: installing the addons in {building} (no demo)")
    started = time.monotonic()
    rc = run_logged(odoo_cmd(server, building, data_dir, free_port(), "-i", ",".join(ADDONS), "--without-demo=all",
                             "--stop-after-init"), RUN_DIR / f"{template}-install.log")
    install_seconds = time.monotonic() - started
    if rc:
        say(f"install failed (exit {rc}); see {RUN_DIR / f'{template}-install.log'}")
        return rc
    data_log = RUN_DIR / f"{template}-data.log"
    say(f"benchmark data: generating at BENCH_SCALE={env.get('BENCH_SCALE', '1')} (log: {data_log})")
    with open(data_log, "w", encoding="utf-8") as log:
        proc = subprocess.Popen([PYTHON, str(BENCH_DIR / "bench_data.py"), "--db", building, "--data-dir",
                                 str(data_dir), "--install-seconds", f"{install_seconds:.1f}"],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in proc.stdout:
            log.write(line)
            if line.startswith("[bench data]"):
                sys.stdout.write(line)
        rc = proc.wait()
    if rc:
        say(f"generation failed (exit {rc}); see {data_log}")
        return rc
    server.drop(template)
    server.rename(building, template)
    shutil.rmtree(data_dir / "filestore" / template, ignore_errors=True)
    if (data_dir / "filestore" / building).exists():
        (data_dir / "filestore" / building).rename(data_dir / "filestore" / template)
    say(f"benchmark data: template {template} ready in {time.monotonic() - started:.0f} s")
    return 0


def cmd_bench(args):
    """``./crm bench``: the benchmark template (generated when missing, of another scale, or ``--generate``),
    then the measures on a copy of it (bench_run.py): a table and ``bench-results.json``.
    ``--scripts`` runs the older self-contained scripts (bench_followup, bench_import_1c, bench_knowledge_search)."""
    exit_on_sigterm()
    RUN_DIR.mkdir(exist_ok=True)
    server = pg.start(RUN_DIR / "pgdata", cleanup_mode="stop")
    say(f"database server: {server.describe()}")
    env = bench_env(server, args.scale)
    if args.scripts:
        try:
            rc = 0
            for script in ("bench_followup.py", "bench_import_1c.py", "bench_knowledge_search.py"):
                say(f"benchmark {script}")
                rc |= subprocess.call([PYTHON, str(BENCH_DIR / script)], cwd=ROOT, env=env)
            return rc
        finally:
            server.stop()
    template, data_dir = args.template, RUN_DIR / "filestore"
    run_db = f"{template}_run"
    try:
        meta = bench_meta(server, template) if server.exists(template) else {}
        wanted = float(env.get("BENCH_SCALE", "1"))
        if args.generate or not meta or float(meta.get("scale", -1)) != wanted:
            reason = "--generate" if args.generate else "missing" if not meta else \
                f"generated at scale {meta.get('scale')}, {wanted} asked"
            say(f"benchmark template {template}: generating ({reason})")
            rc = generate_bench_template(server, template, data_dir, env)
            if rc:
                return rc
        else:
            say(f"benchmark template {template}: scale {meta['scale']}, generated on {meta.get('date')} "
                f"in {meta.get('generated_seconds')} s (--generate builds it again)")
        if args.generate_only:
            return 0
        server.drop(run_db)
        server.copy(template, run_db)
        shutil.rmtree(data_dir / "filestore" / run_db, ignore_errors=True)
        if (data_dir / "filestore" / template).exists():
            shutil.copytree(data_dir / "filestore" / template, data_dir / "filestore" / run_db)
        # the template may come from older code: bring the copy's schema and data files to this checkout
        say(f"benchmark copy {run_db}: upgrading the addons to this checkout")
        rc = run_logged(odoo_cmd(server, run_db, data_dir, free_port(), "-u", ",".join(ADDONS), "--stop-after-init"),
                        RUN_DIR / f"{run_db}-upgrade.log")
        if rc:
            say(f"upgrade failed (exit {rc}); see {RUN_DIR / f'{run_db}-upgrade.log'}")
            return rc
        cmd = [PYTHON, str(BENCH_DIR / "bench_run.py"), "--db", run_db, "--data-dir", str(data_dir),
               "--out", str(Path(args.out).resolve())]
        for skipped in args.skip:
            cmd += ["--skip", skipped]
        return subprocess.call(cmd, cwd=ROOT, env=env)
    finally:
        if not args.keep and server.exists(run_db):
            server.drop(run_db)
            shutil.rmtree(data_dir / "filestore" / run_db, ignore_errors=True)
        server.stop()


def cmd_i18n(_args):
    """Export each addon's terms into i18n/<addon>.pot and merge them into i18n/ru.po (msgstr kept)."""
    import polib  # noqa: PLC0415

    work = Path(tempfile.mkdtemp(prefix="crm-i18n-"))
    server = pg.start(work / "pgdata", cleanup_mode="delete")
    db = "crm_i18n"
    try:
        rc = run_logged(odoo_cmd(server, db, work / "data", free_port(), "-i", ",".join(ADDONS),
                                 "--without-demo=all", "--stop-after-init"), work / "install.log")
        if rc:
            return rc
        for addon in ADDONS:
            pot_path = ROOT / addon / "i18n" / f"{addon}.pot"
            pot_path.parent.mkdir(exist_ok=True)
            rc = run_logged(odoo_cmd(server, db, work / "data", free_port(), f"--i18n-export={pot_path}",
                                     f"--modules={addon}"),
                            work / f"export-{addon}.log")
            if rc:
                return rc
            _merge_po(polib, pot_path, ROOT / addon / "i18n" / "ru.po")
            say(f"{addon}: {pot_path.relative_to(ROOT)} exported, ru.po merged")
        from harness import po_fill  # noqa: PLC0415

        say(f"{po_fill.fill()} entries still untranslated (python -m harness.po_fill mapping.json fills them)")
    finally:
        if server.exists(db):
            server.drop(db)
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _merge_po(polib, pot_path, po_path):
    pot = polib.pofile(str(pot_path))
    old = polib.pofile(str(po_path)) if po_path.exists() else polib.POFile()
    known = {(e.msgctxt, e.msgid): e for e in old}
    po = polib.POFile(wrapwidth=78)
    po.metadata = dict(pot.metadata)
    po.metadata.update({"Language": "ru", "Plural-Forms":
                        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
                        "(n%100<10 || n%100>=20) ? 1 : 2);"})
    po.header = pot.header
    for entry in pot:
        previous = known.get((entry.msgctxt, entry.msgid))
        entry.msgstr = previous.msgstr if previous else ""
        po.append(entry)
    po.save(str(po_path))


def dispatch(args):
    return {"run": cmd_run, "test": cmd_test, "bench": cmd_bench, "i18n": cmd_i18n}[args.command](args)
