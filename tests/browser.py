"""Headless Chromium driven over the DevTools protocol, with the network blocked: the
``browser`` fixture the offline, reading and XSS checks share. Tests using it are skipped
when Chromium is not installed (``.ci/run`` installs Debian's ``chromium``)."""
from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request

import pytest

websocket = pytest.importorskip("websocket", reason="websocket-client drives Chromium over DevTools")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # The network is blocked: no name resolves and every connection goes to a closed local port.
    "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
]


class DevToolsPage:
    """Just enough of the DevTools protocol to load a page and collect what went wrong."""

    def __init__(self, ws_url: str):
        self.ws = websocket.create_connection(ws_url, timeout=10, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def open(self, url: str, settle: float = 1.0) -> list[str]:
        """Load ``url``; return every failed or outside request and every console error."""
        self.events = []
        self.call("Network.emulateNetworkConditions", offline=True, latency=0,
                  downloadThroughput=-1, uploadThroughput=-1)
        self.call("Page.navigate", url=url)
        deadline, loaded_at = time.monotonic() + 20, None
        while time.monotonic() < deadline and (loaded_at is None or time.monotonic() < loaded_at + settle):
            self.ws.settimeout(0.2)
            try:
                self.events.append(json.loads(self.ws.recv()))
            except websocket.WebSocketTimeoutException:
                pass
            if loaded_at is None and any(e.get("method") == "Page.loadEventFired" for e in self.events):
                loaded_at = time.monotonic()
        self.ws.settimeout(10)
        assert loaded_at is not None, f"{url} did not finish loading"
        return problems(self.events)


def problems(events: list[dict]) -> list[str]:
    found, urls = [], {}
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            urls[params["requestId"]] = url
            if not url.startswith(("file:", "data:")):
                found.append(f"request to {url}")
        elif method == "Network.loadingFailed":
            found.append(f"failed: {urls.get(params['requestId'], '?')} ({params.get('errorText')})")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append(f"console error: {params.get('args')}")
        elif method == "Runtime.exceptionThrown":
            found.append(f"exception: {params['exceptionDetails'].get('text')}")
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            found.append(f"log error: {params['entry'].get('text')} {params['entry'].get('url', '')}")
    return found


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    process = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
                                "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()) and time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"chromium exited with {process.returncode}")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
        page = DevToolsPage(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
        for domain in ("Page", "Network", "Runtime", "Log"):
            page.call(f"{domain}.enable")
        yield page
        page.ws.close()
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
