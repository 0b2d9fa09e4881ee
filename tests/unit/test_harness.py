"""The harness finds and checks the Odoo tree without network or database."""

import subprocess
import sys

from harness import crm


def _fake_tree(path, version):
    (path / "odoo").mkdir(parents=True)
    (path / "odoo-bin").write_text("#!/usr/bin/env python3\n")
    (path / "odoo" / "release.py").write_text(f"version_info = {version!r}\n")
    return path


def test_odoo_version_reads_release(tmp_path):
    assert crm.odoo_version(_fake_tree(tmp_path / "o18", (18, 0, 0, "final", 0, ""))) == (18, 0)
    assert crm.odoo_version(_fake_tree(tmp_path / "o17", (17, 0, 0, "final", 0, ""))) == (17, 0)
    assert crm.odoo_version(tmp_path / "missing") is None


def _run_harness(root, env_extra, *args):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), **env_extra}
    return subprocess.run([sys.executable, str(root / "harness" / "crm.py"), *args],
                          capture_output=True, text=True, env=env, timeout=60)


def test_refuses_other_series(root, tmp_path):
    tree = _fake_tree(tmp_path / "odoo17", (17, 0, 0, "final", 0, ""))
    proc = _run_harness(root, {"ODOO_SRC": str(tree)}, "test")
    assert proc.returncode == 2
    assert "needs Odoo 18.0" in proc.stderr


def test_refuses_incomplete_tree(root, tmp_path):
    tree = _fake_tree(tmp_path / "odoo18", (18, 0, 0, "final", 0, ""))
    proc = _run_harness(root, {"ODOO_SRC": str(tree)}, "test")
    assert proc.returncode == 2
    assert "addons/account missing" in proc.stderr


def test_missing_tree_named_by_env_is_not_cloned(root, tmp_path):
    proc = _run_harness(root, {"ODOO_SRC": str(tmp_path / "nowhere")}, "test")
    assert proc.returncode == 2
    assert "not an Odoo source tree" in proc.stderr


def test_serve_command_threaded_and_prefork(tmp_path, monkeypatch):
    monkeypatch.setenv("ODOO_SRC", str(tmp_path))
    from harness import pg, stages

    server = pg.Server(host="/sock", user="odoo")
    threaded = stages.serve_cmd(server, "db", tmp_path, 8069)
    assert "--max-cron-threads=1" in threaded
    assert not any(arg.startswith("--workers") for arg in threaded)
    prefork = stages.serve_cmd(server, "db", tmp_path, 8069, workers=4, cron_workers=2)
    assert "--workers=4" in prefork
    assert "--max-cron-threads=2" in prefork
    assert "--gevent-port=8072" in prefork
    assert "--db_host=/sock" in prefork
    assert any(arg.startswith("--limit-time-real=") for arg in prefork)
    assert "--gevent-port=9003" in stages.serve_cmd(server, "db", tmp_path, 9000, workers=2)


def test_bench_options():
    """``./crm bench`` takes the options of the benchmark template and its measures."""
    args = crm.build_parser().parse_args(["bench", "--generate", "--scale", "0.02", "--skip", "install",
                                          "--out", "b.json"])
    assert (args.command, args.generate, args.scale, args.skip, args.out) == ("bench", True, 0.02, ["install"],
                                                                               "b.json")
    default = crm.build_parser().parse_args(["bench"])
    assert (default.generate, default.scale, default.scripts, default.out) == (False, None, False, "bench-results.json")
    assert default.template == "crm_bench_template" or default.template  # $CRM_BENCH_TEMPLATE may name another


def test_bench_env_passes_the_server_and_scale(tmp_path, monkeypatch):
    """The benchmark scripts reach the harness's database server through PG* and get BENCH_SCALE."""
    monkeypatch.setenv("ODOO_SRC", str(tmp_path))
    from harness import pg, stages

    env = stages.bench_env(pg.Server(host="/sock", port="5433", user="odoo"), 0.05)
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["BENCH_SCALE"]) == ("/sock", "5433", "odoo", "0.05")
    assert "PGPASSWORD" not in env or env["PGPASSWORD"] == __import__("os").environ.get("PGPASSWORD")


def test_bench_results_table():
    """The terminal table of ``./crm bench`` shows each figure, its baseline and their ratio."""
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1] / "bench"))
    import bench_run  # noqa: PLC0415

    measures = bench_run.Measures()
    row = measures.add("aging", 0.3, "s", 0.1, aim="≤ 2×")
    assert row["ratio"] == 3.0
    text = bench_run.table(measures.rows)
    assert "aging" in text and "300.0 ms" in text and "100.0 ms" in text and "3.00×" in text and "≤ 2×" in text
