"""End-to-end: the live server built by `./crm test` answers as a user's browser and integrations expect."""

import json
import urllib.error
import urllib.parse
import urllib.request


def _post(url, payload, cookie=None):
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    if cookie:
        request.add_header("Cookie", cookie)
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback server
        return json.loads(response.read()), response.headers.get("Set-Cookie")


def _session(server):
    body, cookie = _post(f"{server['url']}/web/session/authenticate", {
        "jsonrpc": "2.0", "method": "call",
        "params": {"db": server["db"], "login": server["login"], "password": server["password"]},
    })
    assert "error" not in body, body
    return cookie.split(";")[0]


def _call(server, cookie, model, method, args, kwargs=None):
    body, _ = _post(f"{server['url']}/web/dataset/call_kw", {
        "jsonrpc": "2.0", "method": "call",
        "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
    }, cookie)
    assert "error" not in body, body
    return body["result"]


def test_login_page(e2e_server):
    with urllib.request.urlopen(f"{e2e_server['url']}/web/login", timeout=60) as response:  # noqa: S310
        assert response.status == 200
        assert b"oe_login_form" in response.read()


def test_three_apps_in_menu(e2e_server):
    cookie = _session(e2e_server)
    menus = _call(e2e_server, cookie, "ir.ui.menu", "search_read",
                  [[("parent_id", "=", False)]], {"fields": ["name", "web_icon"]})
    icons = {menu["web_icon"].split(",")[0] for menu in menus if menu["web_icon"]}
    assert {"crm_receivables", "crm_complaints", "crm_knowledge"} <= icons


def test_demo_history_is_there(e2e_server):
    cookie = _session(e2e_server)
    count = _call(e2e_server, cookie, "crm.interaction", "search_count", [[]])
    assert count >= 4, "the demo customers come with their interaction history"
    customers = _call(e2e_server, cookie, "res.partner", "search_read",
                      [[("vat", "=", "7708123450")]], {"fields": ["name", "interaction_count"]})
    assert customers and customers[0]["interaction_count"] >= 2


def _pbx_token(server, cookie):
    """The company's PBX token, generated as a manager does it in Settings (there is none by default)."""
    company = _call(server, cookie, "res.company", "search_read", [[]], {"fields": ["crm_pbx_token"], "limit": 1})[0]
    if not company["crm_pbx_token"]:
        _call(server, cookie, "res.company", "action_crm_regenerate_pbx_token", [[company["id"]]])
        company = _call(server, cookie, "res.company", "read", [[company["id"]]], {"fields": ["crm_pbx_token"]})[0]
    return company["crm_pbx_token"]


def _pbx(server, token, payload):
    request = urllib.request.Request(
        f"{server['url']}/crm_receivables/pbx/call", data=json.dumps(payload).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_pbx_logs_a_call_in_any_phone_format(e2e_server):
    """A telephone exchange reports a call with the number typed the Russian way; it lands on the customer."""
    cookie = _session(e2e_server)
    token = _pbx_token(e2e_server, cookie)
    before = _call(e2e_server, cookie, "crm.interaction", "search_count", [[]])
    status, body = _pbx(e2e_server, token,
                        {"phone": "8 (912) 345-67-89", "direction": "incoming", "duration": 42,
                         "summary": "e2e: call from the accountant"})
    assert status == 200, body
    assert body["ok"] and body["partner"]["name"] == "ООО «СтройМонтаж»"
    assert body["url"].endswith(f"/odoo/res.partner/{body['partner']['id']}")
    logged = _call(e2e_server, cookie, "crm.interaction", "read", [[body["interaction_id"]]],
                   {"fields": ["partner_id", "channel", "direction"]})[0]
    assert logged["partner_id"][0] == body["partner"]["id"]
    assert (logged["channel"], logged["direction"]) == ("call", "incoming")
    assert _call(e2e_server, cookie, "crm.interaction", "search_count", [[]]) == before + 1


def test_pbx_rejects_bad_calls_and_writes_nothing(e2e_server):
    cookie = _session(e2e_server)
    token = _pbx_token(e2e_server, cookie)
    before = _call(e2e_server, cookie, "crm.interaction", "search_count", [[]])
    assert _pbx(e2e_server, "not-the-token", {"phone": "+79123456789", "direction": "incoming"})[0] == 401
    status, body = _pbx(e2e_server, token, {"direction": "incoming"})
    assert status == 400 and body["ok"] is False
    assert _pbx(e2e_server, token, {"phone": "+7 999 000-00-00", "direction": "incoming"})[0] == 404
    assert _call(e2e_server, cookie, "crm.interaction", "search_count", [[]]) == before


def test_public_help_centre(e2e_server):
    """Anyone can read public answers at /help and search them by a word form; internal ones stay hidden."""
    with urllib.request.urlopen(f"{e2e_server['url']}/help", timeout=60) as response:
        page = response.read().decode()
    assert "Часы работы и контакты отдела расчётов" in page
    assert "Скрипт звонка: просроченная задолженность" not in page, "call scripts are internal"
    query = urllib.parse.quote("контактов")
    with urllib.request.urlopen(f"{e2e_server['url']}/help?search={query}", timeout=60) as response:
        assert "Часы работы и контакты отдела расчётов" in response.read().decode()
