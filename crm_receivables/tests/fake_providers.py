"""A local stand-in for the providers' outside world (Mango Office, Zadarma, SMS.ru): real HTTP on
127.0.0.1 in a thread, checking the signatures each provider documents and answering as it does."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from urllib.parse import parse_qsl, urlsplit

from ..tools import mango as mango_tools
from ..tools import zadarma as zadarma_tools


class FakeProviders:
    """Start with :meth:`start`, stop with :meth:`stop`; ``requests`` lists what was received."""

    def __init__(self, mango_key, mango_salt, zadarma_key, zadarma_secret, smsru_api_id):
        self.mango_key, self.mango_salt = mango_key, mango_salt
        self.zadarma_key, self.zadarma_secret = zadarma_key, zadarma_secret
        self.smsru_api_id = smsru_api_id
        self.requests = []
        self.sms_statuses = {}  # sms id -> status code answered by /sms/status
        self._ids = count(1)
        self.server = None
        self.url = None

    # ------------------------------------------------------------ life cycle

    def start(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test log clean
                pass

            def do_GET(self):
                fake._handle(self, "GET")

            def do_POST(self):
                fake._handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def reset(self):
        """Forget what was received (call from each test's ``setUp``)."""
        self.requests.clear()
        self.sms_statuses.clear()
        self._ids = count(1)

    def received(self, path):
        return [request for request in self.requests if request["path"] == path]

    # ------------------------------------------------------------ answers

    def _handle(self, handler, method):
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode() if length else ""
        form = dict(parse_qsl(body)) if method == "POST" else dict(parse_qsl(parts.query))
        request = {"method": method, "path": parts.path, "query": parts.query, "form": form,
                   "headers": dict(handler.headers)}
        self.requests.append(request)
        route = {
            "/vpbx/commands/callback": self._mango_callback,
            "/vpbx/queries/recording/post": self._mango_recording,
            "/v1/request/callback/": self._zadarma_callback,
            "/v1/pbx/record/request/": self._zadarma_recording,
            "/sms/send": self._smsru_send,
            "/sms/status": self._smsru_status,
        }.get(parts.path)
        status, payload, headers = route(request) if route else (404, {"error": "not found"}, {})
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _mango_callback(self, request):
        if not mango_tools.verify(request["form"], self.mango_key, self.mango_salt):
            return 200, {"result": 3102}, {}  # Mango: "wrong signature"
        return 200, {"result": 1000}, {}

    def _mango_recording(self, request):
        if not mango_tools.verify(request["form"], self.mango_key, self.mango_salt):
            return 401, {"result": 3102}, {}
        recording_id = json.loads(request["form"]["json"])["recording_id"]
        return 302, {}, {"Location": f"{self.url}/records/{recording_id}.mp3"}

    def _zadarma_signed(self, request):
        return zadarma_tools.verify_api_signature(request["headers"].get("Authorization"), self.zadarma_key,
                                                  self.zadarma_secret, request["path"], request["query"])

    def _zadarma_callback(self, request):
        if not self._zadarma_signed(request):
            return 401, {"status": "error", "message": "Not authorized"}, {}
        return 200, {"status": "success", "from": request["form"]["from"], "to": request["form"]["to"],
                     "time": 1772433000}, {}

    def _zadarma_recording(self, request):
        if not self._zadarma_signed(request):
            return 401, {"status": "error", "message": "Not authorized"}, {}
        return 200, {"status": "success", "link": f"{self.url}/records/{request['form']['call_id']}.mp3",
                     "lifetime_till": "2026-03-05 10:00:00"}, {}

    def _smsru_send(self, request):
        form = request["form"]
        if form.get("api_id") != self.smsru_api_id:
            return 200, {"status": "ERROR", "status_code": 200, "status_text": "Неправильный api_id"}, {}
        answer = {}
        for number in form["to"].split(","):
            if number.startswith("7499"):
                answer[number] = {"status": "ERROR", "status_code": 207,
                                  "status_text": "На этот номер нельзя отправлять сообщения"}
            else:
                answer[number] = {"status": "OK", "status_code": 100, "sms_id": f"000000-{next(self._ids):08d}"}
        return 200, {"status": "OK", "status_code": 100, "sms": answer, "balance": 100.0}, {}

    def _smsru_status(self, request):
        form = request["form"]
        if form.get("api_id") != self.smsru_api_id:
            return 200, {"status": "ERROR", "status_code": 200}, {}
        sms = {sms_id: {"status": "OK", "status_code": self.sms_statuses.get(sms_id, 102)}
               for sms_id in form["sms_id"].split(",")}
        return 200, {"status": "OK", "status_code": 100, "sms": sms}, {}
