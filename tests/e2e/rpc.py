"""A tiny JSON-RPC client for the live server started by `./crm test` (one session per client)."""

import json
import urllib.request


class Client:
    def __init__(self, server):
        self.server = server
        self.cookie = None
        body = self._post("/web/session/authenticate", {
            "db": server["db"], "login": server["login"], "password": server["password"],
        })
        assert "error" not in body, body

    def _post(self, path, params):
        payload = {"jsonrpc": "2.0", "method": "call", "params": params}
        request = urllib.request.Request(f"{self.server['url']}{path}", data=json.dumps(payload).encode(),
                                         method="POST", headers={"Content-Type": "application/json"})
        if self.cookie:
            request.add_header("Cookie", self.cookie)
        with urllib.request.urlopen(request, timeout=120) as response:
            cookie = response.headers.get("Set-Cookie")
            if cookie and not self.cookie:
                self.cookie = cookie.split(";")[0]
            return json.loads(response.read())

    def call(self, model, method, *args, **kwargs):
        body = self._post("/web/dataset/call_kw", {"model": model, "method": method, "args": list(args),
                                                   "kwargs": kwargs})
        assert "error" not in body, body.get("error")
        return body["result"]
