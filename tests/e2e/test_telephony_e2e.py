"""End-to-end: Zadarma and Mango Office call sequences against the live server, signed as the providers sign.

Each sequence gives exactly one interaction on the right customer and one screen pop on the collector's bus
channel (read through the bus's own polling route, as the browser's bus worker falls back to); bad
signatures and replays write nothing.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from crm_receivables.tools import mango, zadarma

from .rpc import Client

DATA = Path(__file__).resolve().parents[2] / "crm_receivables" / "tests" / "data" / "telephony"
CUSTOMER = "ИП Смирнов Дмитрий Олегович"  # the demo customer whose mobile is the samples' 8 916 123-45-67
ZADARMA_SECRET = "e2e-zadarma-secret"  # noqa: S105 - test fixture
MANGO_KEY, MANGO_SALT = "e2e-mango-key", "e2e-mango-salt"


def _events(name, ref_key, ref):
    text = (DATA / name).read_text(encoding="utf-8")
    events = json.loads(text)["events"]
    for event in events:
        target = event.get("json", event)
        target[ref_key] = ref
    return events


def _post(server, path, form, headers=None):
    request = urllib.request.Request(f"{server['url']}{path}", data=urllib.parse.urlencode(form).encode(),
                                     method="POST", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _setup(server):
    client = Client(server)
    admin_id = client.call("res.users", "search", [("login", "=", server["login"])])[0]
    company_id = client.call("res.users", "read", [admin_id], fields=["company_id"])[0]["company_id"][0]
    client.call("res.company", "write", [company_id], {
        "crm_zadarma_api_key": "e2e-key", "crm_zadarma_api_secret": ZADARMA_SECRET, "crm_zadarma_tz": "Europe/Moscow",
        "crm_mango_api_key": MANGO_KEY, "crm_mango_api_salt": MANGO_SALT,
    })
    client.call("res.users", "write", [admin_id], {"crm_pbx_extension": "101"})
    client._post("/websocket/peek_notifications", {"channels": [], "last": 0, "is_first_poll": True})
    return client, company_id, admin_id


def _screen_pops(client, call_id):
    body = client._post("/websocket/peek_notifications", {"channels": [], "last": 0})
    assert "error" not in body, body
    return [notification["message"]["payload"] for notification in body["result"]["notifications"]
            if notification["message"]["type"] == "crm_receivables/screen_pop"
            and notification["message"]["payload"]["call_id"] == call_id]


def _counts(client):
    return (client.call("crm.interaction", "search_count", []), client.call("crm.telephony.call", "search_count", []),
            client.call("crm.telephony.event", "search_count", []))


def _check_call(client, call_id):
    call = client.call("crm.telephony.call", "read", [call_id],
                       fields=["state", "partner_id", "interaction_id", "duration", "screen_pop_user_ids"])[0]
    interaction = client.call("crm.interaction", "read", [call["interaction_id"][0]],
                              fields=["partner_id", "channel", "direction", "source"])[0]
    assert interaction["partner_id"][1] == CUSTOMER
    assert (interaction["channel"], interaction["direction"], interaction["source"]) == ("call", "incoming", "pbx")
    return call


def test_zadarma_sequence(e2e_server):
    client, company_id, admin_id = _setup(e2e_server)
    path = f"/crm_receivables/telephony/zadarma/{company_id}"
    ref = f"in_e2e_{uuid.uuid4().hex[:12]}"
    events = _events("zadarma_incoming.json", "pbx_call_id", ref)
    before = _counts(client)
    bad = _post(e2e_server, path, events[0], {"Signature": zadarma.sign("not-the-secret", events[0])})
    assert bad[0] == 401 and _counts(client) == before, "a bad signature writes nothing"
    for form in events:
        status, body = _post(e2e_server, path, form, {"Signature": zadarma.sign(ZADARMA_SECRET, form)})
        assert status == 200 and body["ok"], body
    call_id = body["call_id"]
    after = _counts(client)
    assert after[0] == before[0] + 1 and after[1] == before[1] + 1, "one call, one interaction"
    call = _check_call(client, call_id)
    assert (call["state"], call["duration"]) == ("answered", 95)
    assert call["screen_pop_user_ids"] == [admin_id]
    pops = _screen_pops(client, call_id)
    assert len(pops) == 1 and pops[0]["partner"]["name"] == CUSTOMER
    for form in events:  # replays
        status, body = _post(e2e_server, path, form, {"Signature": zadarma.sign(ZADARMA_SECRET, form)})
        assert status == 200 and body["replay"] is True
    assert _counts(client) == after
    assert len(_screen_pops(client, call_id)) == 1


def test_mango_sequence(e2e_server):
    client, company_id, _admin_id = _setup(e2e_server)
    ref = f"e2e-{uuid.uuid4().hex[:12]}"
    events = _events("mango_incoming.json", "entry_id", ref)
    before = _counts(client)

    def send(item, salt=MANGO_SALT):
        json_text = json.dumps(item["json"])
        form = {"vpbx_api_key": MANGO_KEY, "sign": mango.sign(MANGO_KEY, json_text, salt), "json": json_text}
        return _post(e2e_server, f"/crm_receivables/telephony/mango/{company_id}/{item['path']}", form)

    assert send(events[1], salt="wrong-salt")[0] == 401
    assert _counts(client) == before, "a bad signature writes nothing"
    for item in events:
        status, body = send(item)
        assert status == 200 and body["ok"], body
    call_id = body["call_id"]
    after = _counts(client)
    assert after[0] == before[0] + 1 and after[1] == before[1] + 1, "one call, one interaction"
    call = _check_call(client, call_id)
    assert (call["state"], call["duration"]) == ("answered", 120)
    pops = _screen_pops(client, call_id)
    assert len(pops) == 1 and pops[0]["partner"]["name"] == CUSTOMER
    for item in events:
        assert send(item)[1]["replay"] is True
    assert _counts(client) == after
