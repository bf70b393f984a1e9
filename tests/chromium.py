"""Headless Chromium (Debian's ``chromium``) driven over the DevTools protocol, for page tests.

The browser is started by the test, ``--headless --no-sandbox``, on a profile of its own, with a
proxy that goes nowhere (127.0.0.1:9, discard) so neither the page nor the browser's own
background services can reach the network; every request the page makes is recorded, with every
console message, uncaught exception and log entry, and the page is inspected with JavaScript.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import websocket

LISTENING = re.compile(r"DevTools listening on (ws://127\.0\.0\.1:(\d+)/\S+)")


def chromium_binary() -> str:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        raise RuntimeError("Debian's chromium is not installed (apt-get install -y chromium); "
                           ".ci/run installs it")
    return binary


@dataclass
class Visit:
    """What loading one page did."""

    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    """console messages of level error or warning, uncaught exceptions, log entries of level
    error or warning (failed loads, blocked content ...)"""


class Chromium:
    """One headless browser and one tab; use as a context manager."""

    def __init__(self, width: int = 1366, height: int = 768, timeout: float = 30):
        self.width, self.height, self.timeout = width, height, timeout
        self.profile = tempfile.mkdtemp(prefix="newsbot-chromium-")
        self.process = subprocess.Popen(
            [chromium_binary(), "--headless", "--no-sandbox", "--remote-debugging-port=0",
             f"--user-data-dir={self.profile}", f"--window-size={width},{height}",
             "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
             "--disable-background-networking", "--disable-component-update",
             "--disable-default-apps", "--disable-sync", "--no-first-run", "--disable-gpu",
             "--hide-scrollbars", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True)
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        try:
            self.socket = websocket.create_connection(self._page_socket(), timeout=timeout,
                                                      suppress_origin=True)
        except BaseException:
            self.close()
            raise

    def _page_socket(self) -> str:
        deadline = time.monotonic() + self.timeout
        assert self.process.stderr is not None
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line and self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with status {self.process.returncode}")
            if match := LISTENING.search(line):
                port = match.group(2)
                # keep reading its log, or a full pipe would stall the browser
                threading.Thread(target=self.process.stderr.read, daemon=True).start()
                break
        else:
            raise RuntimeError("chromium did not open its DevTools port")
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as reply:
                pages = [t for t in json.load(reply) if t.get("type") == "page"]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
            time.sleep(0.1)
        raise RuntimeError("chromium opened no tab")

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Call a DevTools method and return its result; events meanwhile are kept."""
        self._next_id += 1
        self.socket.send(json.dumps({"id": self._next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self._events.append(message)

    def _wait_for(self, event: str) -> None:
        deadline = time.monotonic() + self.timeout
        while not any(e["method"] == event for e in self._events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {event} within {self.timeout} s")
            message = json.loads(self.socket.recv())
            if "method" in message:
                self._events.append(message)

    def visit(self, url: str) -> Visit:
        """Load ``url`` to its load event (then let it settle) and report what happened."""
        self._events.clear()
        for domain in ("Runtime", "Log", "Network", "Page"):
            self.send(f"{domain}.enable")
        self.send("Page.navigate", url=url)
        self._wait_for("Page.loadEventFired")
        self.evaluate("new Promise(r => requestAnimationFrame(() => setTimeout(r, 200)))")
        visit = Visit()
        for event in self._events:
            method, params = event["method"], event["params"]
            if method == "Network.requestWillBeSent":
                visit.requests.append(params["request"]["url"])
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "warning",
                                                                             "assert"):
                visit.console.append(f"console.{params['type']}: " + " ".join(
                    str(a.get("value", a.get("description"))) for a in params["args"]))
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                visit.console.append("exception: " + str(
                    details.get("exception", {}).get("description") or details.get("text")))
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                entry = params["entry"]
                visit.console.append(
                    f"log {entry['level']}: {entry['text']} {entry.get('url', '')}")
        return visit

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}...: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self) -> None:
        if getattr(self, "socket", None) is not None:
            self.socket.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
