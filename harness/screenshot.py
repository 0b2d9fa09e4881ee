"""Take a Chromium screenshot of a page of the running product, logged in as a user (a developer's look).

    python -m harness.screenshot http://127.0.0.1:8069/odoo out.png [--login admin --password admin --db crm_demo]

Drives headless Chromium over the DevTools protocol (websocket-client): logs in through
/web/session/authenticate, sets the session cookie, opens the page, waits, saves a PNG.
"""

import argparse
import base64
import json
import subprocess
import tempfile
import time
import urllib.request

import websocket

from harness.settings import find_chromium


def _session_id(base, db, login, password):
    payload = {"jsonrpc": "2.0", "method": "call", "params": {"db": db, "login": login, "password": password}}
    request = urllib.request.Request(f"{base}/web/session/authenticate", data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        cookie = response.headers.get("Set-Cookie", "")
    return cookie.split("session_id=")[1].split(";")[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("out")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--db", default="crm_demo")
    parser.add_argument("--wait", type=float, default=6.0)
    parser.add_argument("--click", action="append", default=[], help="CSS selector to click after loading")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args()
    base = args.url.split("/", 3)
    base = f"{base[0]}//{base[2]}"
    sid = _session_id(base, args.db, args.login, args.password) if args.login else None
    port = 9333
    profile = tempfile.mkdtemp(prefix="crm-shot-")
    proc = subprocess.Popen([
        find_chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--remote-debugging-port={port}", f"--user-data-dir={profile}",
        f"--window-size={args.width},{args.height}", "about:blank",
    ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=2) as response:
                    targets = json.loads(response.read())
                page = next(t for t in targets if t["type"] == "page")
                break
            except (OSError, StopIteration):
                time.sleep(0.2)
        ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        counter = iter(range(1, 10_000))

        def send(method, **params):
            msg_id = next(counter)
            ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
            while True:
                message = json.loads(ws.recv())
                if message.get("id") == msg_id:
                    return message.get("result", {})

        if sid:
            send("Network.enable")
            send("Network.setCookie", name="session_id", value=sid, url=base, path="/")
        send("Emulation.setDeviceMetricsOverride", width=args.width, height=args.height, deviceScaleFactor=1,
             mobile=False)
        send("Page.enable")
        send("Page.navigate", url=args.url)
        time.sleep(args.wait)
        for selector in args.click:
            send("Runtime.evaluate", expression=f"document.querySelector({json.dumps(selector)}).click()")
            time.sleep(3)
        shot = send("Page.captureScreenshot", format="png")
        with open(args.out, "wb") as handle:
            handle.write(base64.b64decode(shot["data"]))
        ws.close()
    finally:
        proc.terminate()
    print(args.out)


if __name__ == "__main__":
    main()
