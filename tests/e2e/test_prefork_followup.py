"""The follow-up cron in two cron workers at once, on a real prefork Odoo server (issue 15).

A copy of the test database (made by ``./crm test`` before the live server starts) is served the way users scale
out — ``./crm run --workers 2``: two HTTP workers, two cron worker processes, the long-polling process. 200
customers get two open receivable items each (due 20 and 5 days ago); two follow-up crons (the shipped one and a
copy) are made due and the cron workers are woken up together, as Odoo itself wakes them. Each worker takes one
cron (``FOR NO KEY UPDATE SKIP LOCKED``) and both runs go over the same customers at the same time. Counted at
the end: every item reached its level exactly once (no duplicate), no item is missing (no loss), each customer
got exactly one communication, and the two runs really overlapped in time.
"""

import json
import os
import signal
import subprocess
import time
import types
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg2
import pytest

from tests.e2e.rpc import Client

CUSTOMERS = 200
DB_OPTIONS = {"--db_host": "host", "--db_port": "port", "--db_user": "user", "--db_password": "password"}


@pytest.fixture(scope="module")
def prefork_server(e2e_server, tmp_path_factory):
    """A prefork Odoo (2 HTTP workers, 2 cron workers) on the copy of the test database; stopped afterwards."""
    from harness import stages  # noqa: PLC0415 - needs ODOO_SRC, set by ./crm test

    db = os.environ.get("CRM_E2E_PREFORK_DB")
    if not db:
        pytest.fail("CRM_E2E_PREFORK_DB is not set: ./crm test copies the test database for this test")
    db_args = json.loads(os.environ.get("CRM_E2E_DB_ARGS", "[]"))
    data_dir = os.environ["CRM_E2E_DATA_DIR"]
    port, gevent_port = stages.free_port(), stages.free_port()
    cmd = stages.serve_cmd(types.SimpleNamespace(odoo_args=lambda: db_args), db, data_dir, port,
                           workers=2, cron_workers=2, gevent_port=gevent_port)
    log_path = tmp_path_factory.mktemp("prefork") / "prefork-server.log"
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen([*cmd, "--log-level=info"], stdout=log, stderr=subprocess.STDOUT,
                                cwd=stages.ROOT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        assert stages.wait_http(f"{url}/web/login", timeout=120), f"the prefork server did not answer; {log_path}"
        pg = {DB_OPTIONS[key]: value for key, _sep, value in (arg.partition("=") for arg in db_args)
              if key in DB_OPTIONS}
        yield {**e2e_server, "url": url, "db": db, "pg": pg, "log": Path(log_path)}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def _xmlid(client, module, name):
    return client.call("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)],
                       fields=["res_id"])[0]["res_id"]


def _open_items(client, partner_ids):
    """Two open receivable items per customer (due 20 and 5 days ago), posted as opening entries."""
    receivable = client.call("res.partner", "read", partner_ids[:1],
                             fields=["property_account_receivable_id"])[0]["property_account_receivable_id"][0]
    counterpart = client.call("account.account", "search", [("account_type", "=", "income")], limit=1)[0]
    journal = client.call("account.journal", "search", [("type", "=", "general")], limit=1)[0]
    today = date.today()
    for start in range(0, len(partner_ids), 150):
        lines = [
            (0, 0, {"account_id": receivable, "partner_id": partner_id, "name": f"РН-{partner_id}-{days}",
                    "debit": 1000.0 + days, "date_maturity": (today - timedelta(days=days)).isoformat()})
            for partner_id in partner_ids[start:start + 150] for days in (20, 5)
        ]
        total = sum(line[2]["debit"] for line in lines)
        lines.append((0, 0, {"account_id": counterpart, "name": "Opening balances", "credit": total}))
        move_id = client.call("account.move", "create", {
            "move_type": "entry", "journal_id": journal, "date": (today - timedelta(days=30)).isoformat(),
            "ref": "e2e prefork: opening balances", "line_ids": lines,
        })
        client.call("account.move", "action_post", [move_id])
    return client.call("account.move.line", "search", [("partner_id", "in", partner_ids),
                                                       ("account_id", "=", receivable)])


def test_followup_cron_in_two_cron_workers_at_once(prefork_server):
    client = Client(prefork_server)
    # only the two follow-up runs work during the test (the copy is thrown away afterwards); no invoice PDF
    client.call("ir.cron", "write", client.call("ir.cron", "search", []), {"active": False})
    client.call("crm.followup.level", "write", client.call("crm.followup.level", "search", []),
                {"attach_invoices": False})
    partner_ids = client.call("res.partner", "create", [
        {"name": f"ООО «Предфорк {i:03d}»", "is_company": True, "email": f"prefork{i}@example.com",
         "lang": "en_US"}
        for i in range(CUSTOMERS)
    ])
    items = _open_items(client, partner_ids)
    assert len(items) == 2 * CUSTOMERS

    first = _xmlid(client, "crm_receivables", "ir_cron_crm_followup")
    second = client.call("ir.cron", "copy", [first], {"name": "Receivables: follow-up (second worker)"})[0]
    due = (datetime.utcnow() - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S")
    client.call("ir.cron", "write", [first, second], {"active": True, "priority": 0, "nextcall": due})
    # wake both cron workers up at once, as ir.cron._notifydb does
    with psycopg2.connect(dbname="postgres", **prefork_server["pg"]) as conn, conn.cursor() as cr:
        cr.execute("SELECT pg_notify('cron_trigger', %s)", [prefork_server["db"]])
    conn.close()

    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        crons = client.call("ir.cron", "read", [first, second], fields=["lastcall", "nextcall"])
        if all(cron["lastcall"] and cron["nextcall"] > due for cron in crons):
            break
        time.sleep(2)
    else:
        pytest.fail(f"the two follow-up crons did not finish in 240 s; see {prefork_server['log']}")

    progress = client.call("ir.cron.progress", "search_read", [("cron_id", "in", [first, second])],
                           fields=["cron_id", "create_date", "write_date", "done", "remaining"])
    spans = {}
    for row in progress:
        start, end = spans.get(row["cron_id"][0], (row["create_date"], row["write_date"]))
        spans[row["cron_id"][0]] = (min(start, row["create_date"]), max(end, row["write_date"]))
    assert set(spans) == {first, second}, "each cron worker ran one of the two follow-up crons"
    (start_a, end_a), (start_b, end_b) = spans[first], spans[second]
    assert start_a <= end_b and start_b <= end_a, f"the two runs did not overlap: {spans}"
    log = prefork_server["log"].read_text(encoding="utf-8", errors="replace")
    workers = {line.split()[2] for line in log.splitlines() if "Receivables: follow-up" in line and "starting" in line}
    assert len(workers) == 2, f"the two crons ran in two different cron worker processes: {workers}"
    errors = [line for line in log.splitlines() if " ERROR " in line or " CRITICAL " in line]
    assert not errors, f"the server logged errors (e.g. a run that failed on the other's rows): {errors[:3]}"

    lines = client.call("crm.followup.line", "search_read", [("partner_id", "in", partner_ids)],
                        fields=["move_line_id", "level_id", "message_id", "partner_id"])
    pairs = Counter((line["move_line_id"][0], line["level_id"][0]) for line in lines)
    duplicates = sum(count - 1 for count in pairs.values())
    lost = set(items) - {item for item, _level in pairs}
    assert duplicates == 0, f"{duplicates} (item, level) pairs generated twice"
    assert not lost, f"{len(lost)} open items got no follow-up line"
    assert len(lines) == 2 * CUSTOMERS, "each item reached the level of its day, once"
    assert all(line["message_id"] for line in lines), "a line was left out of its customer's communication"
    messages = client.call("crm.followup.message", "search_read", [("partner_id", "in", partner_ids)],
                           fields=["partner_id", "state"])
    per_customer = Counter(message["partner_id"][0] for message in messages)
    assert set(per_customer) == set(partner_ids), "a customer got no communication"
    assert max(per_customer.values()) == 1, "a customer got two communications from one day's run"
    assert {message["state"] for message in messages} <= {"sent", "to_review", "queued"}
