#!/usr/bin/env python3
"""Project harness: one command to run the product, one to test it.

    ./crm run     serve Odoo 18 on 127.0.0.1:8069 with the three addons and their demo data
    ./crm test    the whole suite; the last line is ``N passed, N failed``
    ./crm bench   the benchmarks (numbers, not pass/fail)
    ./crm i18n    regenerate every addon's .pot and merge it into ru.po

The first stage runs on any python3 (stdlib only): it finds the Odoo 18.0 tree and builds the virtual
environment, then re-executes itself inside that environment for everything else.
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import settings  # noqa: E402


def _say(msg):
    print(f"[crm] {msg}", flush=True)


def _die(msg):
    print(f"[crm] ERROR: {msg}", file=sys.stderr, flush=True)
    sys.exit(2)


# ---------------------------------------------------------------------------------------------------------
# Stage 1 (any python3): Odoo source + virtualenv
# ---------------------------------------------------------------------------------------------------------
def odoo_version(src):
    """Return the (major, minor) series of an Odoo tree, or None when ``src`` is not one."""
    release = Path(src) / "odoo" / "release.py"
    if not release.is_file() or not (Path(src) / "odoo-bin").is_file():
        return None
    scope = {}
    try:
        exec(compile(release.read_text(encoding="utf-8"), str(release), "exec"), scope)  # noqa: S102
    except Exception:  # noqa: BLE001 - any broken release.py means "not an Odoo tree"
        return None
    return tuple(scope["version_info"][:2])


def ensure_odoo_src():
    """Locate a complete Odoo 18.0 tree (``ODOO_SRC`` or the default), cloning it as a last resort."""
    src = Path(os.environ.get("ODOO_SRC") or settings.DEFAULT_ODOO_SRC).expanduser()
    if not src.exists() and not os.environ.get("ODOO_SRC"):
        _say(f"no Odoo tree at {src}: trying a shallow clone of the official 18.0 branch")
        src.parent.mkdir(parents=True, exist_ok=True)
        rc = subprocess.call(
            ["git", "clone", "--depth", "1", "--branch", "18.0", settings.ODOO_GIT_URL, str(src)],
            stdout=subprocess.DEVNULL,
        )
        if rc:
            shutil.rmtree(src, ignore_errors=True)
            _die(settings.NO_ODOO_HELP.format(src=src))
    version = odoo_version(src)
    if version is None:
        _die(f"{src} is not an Odoo source tree (odoo-bin / odoo/release.py missing).\n"
             + settings.NO_ODOO_HELP.format(src=src))
    if version != (18, 0):
        _die(f"{src} is Odoo {version[0]}.{version[1]}; this project needs Odoo 18.0.")
    if not (src / "addons" / "account" / "__manifest__.py").is_file():
        _die(f"{src} is incomplete (addons/account missing).\n" + settings.NO_ODOO_HELP.format(src=src))
    return src


def _requirements(odoo_src):
    """Odoo's own requirements (minus python-ldap, used by auth_ldap only) + the project's pins."""
    odoo_reqs = [
        line for line in (odoo_src / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if not line.lower().startswith("python-ldap")
    ]
    own = (ROOT / "harness" / "requirements.txt").read_text(encoding="utf-8")
    return "\n".join(odoo_reqs) + "\n" + own


def ensure_venv(odoo_src):
    """Build (or reuse) the virtualenv; it is keyed by the requirements and the interpreter."""
    reqs = _requirements(odoo_src)
    key = hashlib.sha256((reqs + sys.version + sysconfig.get_platform()).encode()).hexdigest()[:16]
    venv = Path(os.environ.get("CRM_VENV") or settings.DEFAULT_VENV).expanduser()
    stamp = venv / ".crm-stamp"
    python = venv / "bin" / "python"
    if stamp.is_file() and stamp.read_text().strip() == key and python.exists():
        return python
    _say(f"building the Python environment in {venv} (first run or requirements changed)")
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.check_call([sys.executable, "-m", "venv", str(venv)])
    req_file = venv / "requirements.txt"
    req_file.write_text(reqs, encoding="utf-8")
    constraint = venv / "build-constraints.txt"
    # cbor2==5.4.2 builds from sdist and breaks with setuptools>=81 (../shared/ODOO.md)
    constraint.write_text("setuptools<81\n", encoding="utf-8")
    env = dict(os.environ, PIP_CONSTRAINT=str(constraint), PIP_DISABLE_PIP_VERSION_CHECK="1")
    log = venv / "pip.log"
    with open(log, "w", encoding="utf-8") as handle:
        rc = subprocess.call([str(python), "-m", "pip", "install", "-r", str(req_file)], env=env,
                             stdout=handle, stderr=subprocess.STDOUT)
    if rc:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:]
        _die("pip could not build the environment:\n" + "\n".join(tail) + f"\n(full log: {log})")
    stamp.write_text(key, encoding="utf-8")
    return python


def ensure_system_packages():
    """Chromium (browser tests must run, never be skipped) and wkhtmltopdf (PDF reports).

    Installed from Debian's packages when missing and allowed (root, CRM_INSTALL_SYSTEM_PACKAGES != 0);
    otherwise the command stops with a message.
    """
    wanted = {"chromium": settings.find_chromium, "wkhtmltopdf": lambda: shutil.which("wkhtmltopdf")}
    missing = [package for package, find in wanted.items() if not find()]
    if not missing:
        return
    allowed = os.environ.get("CRM_INSTALL_SYSTEM_PACKAGES", "1") != "0"
    if allowed and os.geteuid() == 0 and shutil.which("apt-get"):
        _say(f"installing Debian packages: {', '.join(missing)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.call(["apt-get", "update", "-qq"], env=env, stdout=subprocess.DEVNULL)
        subprocess.call(["apt-get", "install", "-y", "-qq", *missing], env=env, stdout=subprocess.DEVNULL)
        missing = [package for package, find in wanted.items() if not find()]
    if "chromium" in missing:
        _die("Chromium is required for the browser tests and was not found "
             "(install the Debian package `chromium`, or run as root with CRM_INSTALL_SYSTEM_PACKAGES unset).")
    if missing:
        _die(f"missing {', '.join(missing)}: install the Debian package(s) (PDF reports need wkhtmltopdf).")


def build_parser():
    """The command line of ``./crm`` (argparse)."""
    parser = argparse.ArgumentParser(prog="crm", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", help="serve the product on 127.0.0.1:8069 with demo data")
    run_p.add_argument("--port", type=int, default=8069)
    run_p.add_argument("--db", default=os.environ.get("CRM_DB", "crm_demo"))
    run_p.add_argument("--reset", action="store_true", help="drop the demo database first")
    run_p.add_argument("--workers", type=int, default=0, metavar="N",
                       help="prefork Odoo: N HTTP worker processes, separate cron workers and a long-polling "
                            "(bus) process on --gevent-port; 0 (default) serves one threaded process")
    run_p.add_argument("--cron-workers", type=int, default=2, metavar="N",
                       help="cron worker processes with --workers (default 2)")
    run_p.add_argument("--gevent-port", type=int, default=None, metavar="PORT",
                       help="long-polling port with --workers (default: --port + 3, i.e. 8072)")
    run_p.add_argument("--prepare-only", action="store_true",
                       help="install/upgrade the database, do not serve")
    test_p = sub.add_parser("test", help="run the whole test suite")
    test_p.add_argument("--only", action="append", default=[], metavar="ADDON",
                        help="Odoo tests of this addon only (repeatable); skips the other stages")
    test_p.add_argument("--skip", action="append", default=[],
                        choices=["odoo", "i18n", "alone", "pytest", "e2e", "lint"], help="skip a stage (dev only)")
    test_p.add_argument("--keep", action="store_true", help="keep databases and logs afterwards")
    bench_p = sub.add_parser("bench", help="run the benchmarks and print their figures")
    bench_p.add_argument("--generate", action="store_true",
                         help="build the benchmark template database again (it is kept between runs)")
    bench_p.add_argument("--generate-only", action="store_true", help="build the template if needed, measure nothing")
    bench_p.add_argument("--scale", type=float, default=None, metavar="X",
                         help="size of the benchmark data (BENCH_SCALE; default 1 = 20,000 customers)")
    bench_p.add_argument("--template", default=os.environ.get("CRM_BENCH_TEMPLATE", "crm_bench_template"),
                         help="template database name (default crm_bench_template, or $CRM_BENCH_TEMPLATE)")
    bench_p.add_argument("--out", default="bench-results.json", help="JSON file of the figures")
    bench_p.add_argument("--skip", action="append", default=[],
                         choices=["followup", "card", "search", "import", "analytics", "install"],
                         help="leave a measure out (repeatable)")
    bench_p.add_argument("--keep", action="store_true", help="keep the measured copy of the template")
    bench_p.add_argument("--scripts", action="store_true",
                         help="run the older self-contained benchmark scripts instead (each builds its own database)")
    sub.add_parser("i18n", help="export .pot files and merge them into ru.po")
    return parser


def main():
    args = build_parser().parse_args()

    if os.environ.get("CRM_IN_VENV") != "1":
        odoo_src = ensure_odoo_src()
        python = ensure_venv(odoo_src)
        if args.command in ("test", "bench", "run"):
            ensure_system_packages()
        env = dict(os.environ, CRM_IN_VENV="1", ODOO_SRC=str(odoo_src))
        os.execve(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]], env)

    from harness import stages  # noqa: PLC0415 - needs the virtualenv

    sys.exit(stages.dispatch(args))


if __name__ == "__main__":
    main()
