"""The harness's verdict on an Odoo run: the traps of ../shared/ODOO.md must all fail the run."""

from harness import judge

HEAD = "2026-11-27 05:00:00,000 4242"


def log(*lines):
    return "\n".join(f"{HEAD} {line}" for line in lines)


GREEN = log(
    "INFO crmt odoo.modules.loading: 80 modules loaded",
    "INFO crmt odoo.tests.result: 0 failed, 0 error(s) of 12 tests when loading database 'crmt'",
)


def test_green_run():
    verdict = judge.judge_odoo_log(GREEN, 0)
    assert verdict.ok, verdict.problems
    assert (verdict.passed, verdict.tests_total) == (12, 12)


def test_zero_tests_fails():
    text = log("WARNING crmt odoo.tests.result: 0 failed, 0 error(s) of 0 tests when loading database 'crmt'")
    verdict = judge.judge_odoo_log(text, 0)
    assert not verdict.ok
    assert any("0 tests" in p for p in verdict.problems)


def test_missing_result_line_fails():
    verdict = judge.judge_odoo_log(log("INFO crmt odoo.modules.loading: loaded"), 0)
    assert not verdict.ok
    assert any("odoo.tests.result" in p for p in verdict.problems)


def test_result_line_not_needed_for_plain_install():
    verdict = judge.judge_odoo_log(log("INFO crmt odoo.modules.loading: loaded"), 0, expect_tests=False)
    assert verdict.ok


def test_skipped_browser_test_fails():
    text = GREEN + "\n" + log(
        "INFO crmt odoo.addons.crm_knowledge.tests.test_tour: skipped TestTour.test_open : Chrome executable not found"
    )
    verdict = judge.judge_odoo_log(text, 0)
    assert not verdict.ok
    assert len(verdict.skipped) == 1


def test_error_line_outside_tests_fails():
    text = GREEN + "\n" + log("ERROR crmt odoo.addons.base.models.ir_cron: something broke")
    verdict = judge.judge_odoo_log(text, 0)
    assert not verdict.ok
    assert verdict.error_lines


def test_critical_line_fails():
    text = GREEN + "\n" + log("CRITICAL crmt odoo.service.server: Failed to initialize database")
    assert not judge.judge_odoo_log(text, 0).ok


def test_failed_tests_are_counted():
    text = log("ERROR crmt odoo.tests.result: 2 failed, 1 error(s) of 20 tests when loading database 'crmt'")
    verdict = judge.judge_odoo_log(text, 1)
    assert not verdict.ok
    assert (verdict.passed, verdict.tests_failed, verdict.tests_errors) == (17, 2, 1)


def test_non_zero_exit_fails():
    assert not judge.judge_odoo_log(GREEN, 255).ok


def test_junit_counts():
    xml = ('<testsuites><testsuite name="pytest" errors="1" failures="2" skipped="1" tests="10">'
           "</testsuite></testsuites>")
    assert judge.parse_junit(xml) == (6, 3, 1)


def test_closing_line():
    assert judge.closing_line(3, 0) == "3 passed, 0 failed"
