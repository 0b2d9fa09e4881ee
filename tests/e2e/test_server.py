"""End-to-end: the live server built by `./crm test` answers as a user's browser and integrations expect."""

import json
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
