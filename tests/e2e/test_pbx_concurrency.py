"""The same call reported many times at once, for real: concurrent HTTP requests, server threads and database
cursors against the live server (threaded, as Odoo runs by default).

Our JSON PBX endpoint gets 8 copies of one call released together with 4 other calls of the same customer;
Zadarma's webhook gets 8 copies of each event of one call, wave after wave. Whatever the interleaving, every
request is answered 200 and each call gives exactly one interaction: zero duplicates, zero losses.
"""

import json
import random
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

from crm_receivables.tools import zadarma

from .rpc import Client

COPIES = 8
PBX_TOKEN = f"e2e-pbx-{uuid.uuid4().hex}"
ZADARMA_SECRET = "e2e-zadarma-concurrency"  # noqa: S105 - test fixture
DATA = Path(__file__).resolve().parents[2] / "crm_receivables" / "tests" / "data" / "telephony"


def _request(server, path, data, headers):
    request = urllib.request.Request(f"{server['url']}{path}", data=data, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310 - loopback server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def _all_at_once(jobs):
    """Run ``jobs`` (callables) in as many threads released together; their results in order."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=60)
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - reported by the caller's assertions
            results[index] = (None, repr(error))

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return results


def _number():
    """A Moscow number no other customer of the shared e2e database has (tests may run again on it)."""
    return f"7495{random.randint(2000000, 9999999)}"  # noqa: S311 - not for security


def _setup(server, name, phone):
    client = Client(server)
    admin_id = client.call("res.users", "search", [("login", "=", server["login"])])[0]
    company_id = client.call("res.users", "read", [admin_id], fields=["company_id"])[0]["company_id"][0]
    client.call("res.company", "write", [company_id], {
        "crm_pbx_token": PBX_TOKEN, "crm_zadarma_api_key": "e2e-key", "crm_zadarma_api_secret": ZADARMA_SECRET,
        "crm_zadarma_tz": "Europe/Moscow",
    })
    partner_id = client.call("res.partner", "create", {"name": name, "is_company": True, "phone": phone,
                                                       "company_id": company_id})
    return client, company_id, partner_id


def test_pbx_endpoint_same_call_at_once(e2e_server):
    number = _number()
    client, _company_id, partner_id = _setup(e2e_server, "ООО «Восемь звонков»", f"+{number}")
    run = uuid.uuid4().hex[:10]
    same = f"e2e-same-{run}"
    others = [f"e2e-other-{run}-{index}" for index in range(4)]

    def post(call_id, duration):
        body = {"phone": f"8{number[1:]}", "direction": "incoming", "duration": duration, "call_id": call_id,
                "date": "2026-03-02T09:30:00Z"}
        return lambda: _request(e2e_server, "/crm_receivables/pbx/call", json.dumps(body).encode(),
                                {"Content-Type": "application/json", "Authorization": f"Bearer {PBX_TOKEN}"})

    jobs = [post(same, 60) for _copy in range(COPIES)] + [post(call_id, 30) for call_id in others]
    results = _all_at_once(jobs)
    lost = [result for result in results if result[0] != 200]
    assert not lost, f"requests lost under concurrency: {lost}"
    same_answers = [body for _status, body in results[:COPIES]]
    assert len({body["interaction_id"] for body in same_answers}) == 1, "the copies got different interactions"
    assert Counter(body["replay"] for body in same_answers) == {False: 1, True: COPIES - 1}
    other_ids = {body["interaction_id"] for _status, body in results[COPIES:]}
    assert len(other_ids) == len(others) and same_answers[0]["interaction_id"] not in other_ids

    interactions = client.call("crm.interaction", "search_read", [("partner_id", "=", partner_id)],
                               fields=["source", "document_ref"])
    assert len(interactions) == 1 + len(others), f"expected one interaction per call, got {len(interactions)}"
    assert {item["source"] for item in interactions} == {"pbx"}
    calls = client.call("crm.telephony.call", "search_read", [("call_ref", "in", [same, *others])],
                        fields=["call_ref", "interaction_id", "provider"])
    assert Counter(call["call_ref"] for call in calls) == Counter([same, *others]), "one stored call per call id"
    assert {call["interaction_id"][0] for call in calls} == {item["id"] for item in interactions}

    status, body = post(same, 60)()  # a retry later changes nothing either
    assert status == 200 and body["replay"] is True
    assert client.call("crm.interaction", "search_count", [("partner_id", "=", partner_id)]) == len(interactions)


def test_zadarma_webhook_same_events_at_once(e2e_server):
    number = _number()
    client, company_id, partner_id = _setup(e2e_server, "ООО «Волна событий»", f"+{number}")
    ref = f"in_e2e_wave_{uuid.uuid4().hex[:10]}"
    events = json.loads((DATA / "zadarma_incoming.json").read_text(encoding="utf-8"))["events"]
    path = f"/crm_receivables/telephony/zadarma/{company_id}"
    for form in events:
        form["pbx_call_id"] = ref
        if "caller_id" in form:
            form["caller_id"] = number
        headers = {"Signature": zadarma.sign(ZADARMA_SECRET, form),
                   "Content-Type": "application/x-www-form-urlencoded"}
        data = urllib.parse.urlencode(form).encode()
        results = _all_at_once([lambda data=data, headers=headers: _request(e2e_server, path, data, headers)
                                for _copy in range(COPIES)])
        lost = [result for result in results if result[0] != 200]
        assert not lost, f"{form['event']}: requests lost under concurrency: {lost}"
        assert Counter(body["replay"] for _status, body in results) == {False: 1, True: COPIES - 1}, form["event"]
    calls = client.call("crm.telephony.call", "search_read", [("call_ref", "=", ref)],
                        fields=["state", "duration", "interaction_id", "partner_id"])
    assert len(calls) == 1, "one call"
    assert (calls[0]["state"], calls[0]["duration"], calls[0]["partner_id"][0]) == ("answered", 95, partner_id)
    assert client.call("crm.telephony.event", "search_count", [("call_id", "=", calls[0]["id"])]) == len(events)
    interactions = client.call("crm.interaction", "search", [("partner_id", "=", partner_id)])
    assert interactions == [calls[0]["interaction_id"][0]], "exactly one interaction"
