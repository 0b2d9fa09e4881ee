"""Judge an Odoo run from its exit code and log — pure functions, unit-tested in tests/unit/test_judge.py.

Odoo's own verdict is not enough (../shared/ODOO.md): a mistyped test tag runs 0 tests and exits 0, a missing
browser skips the tours and exits 0, and an ERROR logged outside a test does not fail the run. A run is
green here only when all of these hold:

* the process exited 0;
* when tests were expected: the ``odoo.tests.result`` line is present and reports more than 0 tests, 0 failed
  and 0 errors;
* no test was skipped (a skipped browser test is a test that did not run);
* no log line has level ERROR or CRITICAL.
"""

import re
from dataclasses import dataclass, field

# 2026-11-27 05:01:02,345 1234 ERROR dbname odoo.addons.x: message
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL|\?) "
    r"(?P<db>\S+) (?P<logger>[\w.]+): (?P<msg>.*)$"
)
RESULT = re.compile(
    r"odoo\.tests\.result: (?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<total>\d+) tests"
)


@dataclass
class OdooVerdict:
    """What an Odoo run did, as counted from its log."""

    returncode: int
    tests_total: int = 0
    tests_failed: int = 0
    tests_errors: int = 0
    result_line: bool = False
    skipped: list = field(default_factory=list)
    error_lines: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems

    @property
    def passed(self):
        return max(self.tests_total - self.tests_failed - self.tests_errors, 0)


def judge_odoo_log(text, returncode, expect_tests=True):
    """Return an :class:`OdooVerdict` for the log ``text`` of one ``odoo-bin`` run.

    :param str text: the whole log of the run
    :param int returncode: the exit status of ``odoo-bin``
    :param bool expect_tests: whether the run was started with ``--test-tags`` (then 0 tests is a failure)
    """
    verdict = OdooVerdict(returncode=returncode)
    for line in text.splitlines():
        match = RESULT.search(line)
        if match:
            verdict.result_line = True
            verdict.tests_failed += int(match["failed"])
            verdict.tests_errors += int(match["errors"])
            verdict.tests_total += int(match["total"])
        log = LOG_LINE.match(line)
        if not log:
            continue
        if log["level"] in ("ERROR", "CRITICAL"):
            verdict.error_lines.append(line)
        # OdooTestResult.addSkip logs "skipped <Class.method> : <reason>" at INFO
        if log["level"] == "INFO" and log["msg"].startswith("skipped "):
            verdict.skipped.append(line)

    if returncode != 0:
        verdict.problems.append(f"odoo-bin exited with status {returncode}")
    if expect_tests:
        if not verdict.result_line:
            verdict.problems.append("no 'odoo.tests.result' line: the tests did not run to the end")
        elif verdict.tests_total == 0:
            verdict.problems.append("0 tests ran (a mistyped --test-tags, or tests not imported in tests/__init__.py)")
        if verdict.tests_failed or verdict.tests_errors:
            verdict.problems.append(
                f"{verdict.tests_failed} failed and {verdict.tests_errors} error(s) of {verdict.tests_total} tests"
            )
    if verdict.skipped:
        verdict.problems.append(f"{len(verdict.skipped)} skipped test(s): a skipped browser test did not run")
    # failing tests already log ERROR lines; count the ones that are not explained by a failed test
    if verdict.error_lines and not (verdict.tests_failed or verdict.tests_errors):
        verdict.problems.append(f"{len(verdict.error_lines)} ERROR/CRITICAL log line(s)")
    return verdict


def parse_junit(xml_text):
    """Count a pytest junit-xml report: ``(passed, failed, skipped)`` (errors count as failed)."""
    import xml.etree.ElementTree as ET  # noqa: PLC0415 - stdlib, only needed here

    root = ET.fromstring(xml_text)
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = failed = skipped = 0
    for suite in suites:
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return total - failed - skipped, failed, skipped


def closing_line(passed, failed):
    """The one line every run ends with."""
    return f"{passed} passed, {failed} failed"
