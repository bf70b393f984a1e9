"""A raw HTTP/1.1 server for fault tests: exact bytes, silences, resets, drips, recorded arrivals.

Scrapy's own test servers (``tests/mockserver``) inspired the endpoints, not the code: this one
is a plain asyncio socket server on a loopback address, port 0, in a background thread of the
test process, so a test can both script a fault and read what the crawler did (``arrivals``:
every request line with its server-side time, peer and headers).

A route is either ``(status, headers, body)`` served with ``Connection: close``, or an
``async def handler(req: Req)`` that writes whatever it likes, including nothing at all. A route
path ending in ``*`` serves every path it prefixes.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import struct
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

Handler = Callable[["Req"], Awaitable[None]]
Static = tuple[int, dict[str, str], bytes]
REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 401: "Unauthorized",
           403: "Forbidden", 404: "Not Found", 429: "Too Many Requests",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


@dataclass
class Arrival:
    path: str
    """Request target as sent (path and query)."""
    time: float
    """``time.time()`` when the request head was read."""
    peer: tuple
    headers: dict[str, str]
    status: int | None = None
    """Status of the complete response written (``Req.respond``), if any."""
    sent: float | None = None
    """``time.time()`` just before a complete response was written (``Req.respond``)."""
    done: float | None = None
    """``time.time()`` when the handler finished (response sent or connection dropped)."""


@dataclass
class Req:
    method: str
    target: str
    headers: dict[str, str]
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    server: FaultServer
    arrival: Arrival
    query: dict[str, list[str]] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, [default])[0]

    async def raw(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def respond(self, status: int = 200, body: bytes | str = b"",
                      headers: dict[str, str] | None = None) -> None:
        """A complete response with Content-Length, then the connection is closed."""
        body = body.encode("utf-8") if isinstance(body, str) else body
        head = {"Content-Type": "text/html; charset=utf-8", **(headers or {}),
                "Content-Length": str(len(body)), "Connection": "close"}
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
        lines += [f"{k}: {v}" for k, v in head.items()]
        self.arrival.status, self.arrival.sent = status, time.time()
        await self.raw(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0) instead of a FIN."""
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()


class FaultServer:
    """``with FaultServer(routes) as server:`` serves on ``server.base_url`` until it ends."""

    def __init__(self, routes: dict[str, Static | Handler] | None = None,
                 host: str = "127.0.0.1", tls: ssl.SSLContext | None = None):
        self.routes: dict[str, Static | Handler] = dict(routes or {})
        self.host = host
        self.tls = tls
        self.arrivals: list[Arrival] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.AbstractServer | None = None

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def hits(self, path: str) -> list[Arrival]:
        """Arrivals whose path (without query) is ``path``."""
        return [a for a in self.arrivals if urlsplit(a.path).path == path]

    def __enter__(self) -> FaultServer:
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, self.host, 0, limit=1 << 20, ssl=self.tls))
        self.port = self._server.sockets[0].getsockname()[1]
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        async def stop() -> None:
            self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, _ = (request_line.split(" ") + ["", ""])[:3]
        headers = {}
        for line in filter(None, header_lines):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        arrival = Arrival(target, time.time(), writer.get_extra_info("peername"), headers)
        self.arrivals.append(arrival)
        req = Req(method, target, headers, reader, writer, self, arrival,
                  parse_qs(urlsplit(target).query))
        route = self.routes.get(req.path) or next(
            (r for p, r in self.routes.items() if p.endswith("*") and req.path.startswith(p[:-1])),
            None)
        try:
            if route is None:
                await req.respond(404, "not found")
            elif callable(route):
                await route(req)
            else:
                status, extra, body = route
                await req.respond(status, body, extra)
            if not writer.transport.is_closing():
                writer.close()
        except (ConnectionError, asyncio.CancelledError):
            writer.transport.abort()
        finally:
            arrival.done = time.time()


# --- reusable fault handlers -----------------------------------------------------------------

async def silent(req: Req) -> None:
    """Accept the request and never answer."""
    await asyncio.sleep(3600)


async def hang_after_headers(req: Req) -> None:
    await req.raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n")
    await asyncio.sleep(3600)


async def drip(req: Req) -> None:
    """Headers, then one byte every 0.2 s, forever: only a timeout on the whole download ends it."""
    await req.raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n")
    while True:
        await req.raw(b"1\r\n<\r\n")
        await asyncio.sleep(0.2)


def answers(*responses: Static | Callable[[], Static]) -> Handler:
    """The n-th request gets the n-th response (the last one repeats); a callable is called at
    answer time (for a ``Retry-After`` date relative to now)."""
    count = 0

    async def handler(req: Req) -> None:
        nonlocal count
        response = responses[min(count, len(responses) - 1)]
        count += 1
        status, headers, body = response() if callable(response) else response
        await req.respond(status, body, headers)
    return handler


def serve_bytes(data: bytes) -> Handler:
    """A handler that writes ``data`` verbatim (status line and headers included) and closes."""
    async def handler(req: Req) -> None:
        await req.raw(data)
    return handler
