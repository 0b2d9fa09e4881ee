"""Two follow-up workers at once, for real: two HTTP requests, two server threads, two database cursors.

The live server (threaded, as Odoo runs by default) gets the same "Run now" for the same customer from two
clients released together. Whatever the interleaving, each (invoice, level) is generated once and the
customer gets one communication per level — zero duplicates, zero losses — and a third run adds nothing.
"""

import threading
from collections import Counter
from datetime import date, timedelta

from tests.e2e.rpc import Client


def _overdue_invoice(client, partner_id, days_overdue, amount):
    due = date.today() - timedelta(days=days_overdue)
    move_id = client.call("account.move", "create", {
        "move_type": "out_invoice", "partner_id": partner_id,
        "invoice_date": (due - timedelta(days=10)).isoformat(), "invoice_date_due": due.isoformat(),
        "invoice_line_ids": [(0, 0, {"name": "e2e goods", "quantity": 1, "price_unit": amount})],
    })
    client.call("account.move", "action_post", [move_id])
    return move_id


def test_two_workers_at_once_no_duplicates_no_losses(e2e_server):
    setup = Client(e2e_server)
    partner_id = setup.call("res.partner", "create", {
        "name": "ООО «Два потока»", "is_company": True, "phone": "+7 495 700-00-01",
    })
    moves = [_overdue_invoice(setup, partner_id, 31, 70000.0), _overdue_invoice(setup, partner_id, 33, 5000.0)]

    workers = [Client(e2e_server), Client(e2e_server)]
    barrier = threading.Barrier(len(workers))
    errors = []

    def run(client):
        try:
            barrier.wait(timeout=30)
            client.call("res.partner", "action_crm_followup_run", [partner_id])
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(client,)) for client in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors

    lines = setup.call("crm.followup.line", "search_read", [("partner_id", "=", partner_id)],
                       fields=["move_id", "level_id", "message_id"])
    pairs = Counter((line["move_id"][0], line["level_id"][0]) for line in lines)
    assert pairs, "the run generated nothing for two overdue invoices"
    assert max(pairs.values()) == 1, f"duplicated (invoice, level): {pairs}"
    assert {move for move, _level in pairs} == set(moves), "an overdue invoice was lost"
    assert all(line["message_id"] for line in lines), "a generated line was left out of the communication"
    messages = setup.call("crm.followup.message", "search_read", [("partner_id", "=", partner_id)],
                          fields=["level_id"])
    per_level = Counter(message["level_id"][0] for message in messages)
    assert per_level and max(per_level.values()) == 1, f"more than one communication per level: {per_level}"

    setup.call("res.partner", "action_crm_followup_run", [partner_id])
    assert setup.call("crm.followup.line", "search_count", [("partner_id", "=", partner_id)]) == len(lines)
    assert setup.call("crm.followup.message", "search_count", [("partner_id", "=", partner_id)]) == len(messages)
