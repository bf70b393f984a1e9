"""Static sites on loopback: the demo's wire agency and outlets, and the test suite's sites.

Each site is a folder served on its own loopback address (127.0.0.2, 127.0.0.3 ...), so the
crawler sees distinct hosts with their own politeness slots, on port 0 (a free port). Files are
templates: ``{{base:NAME}}`` becomes site NAME's base URL, so sitemaps and canonical links work
whatever port was picked. A site can be updated while served: files in its ``overlay`` folder
replace the root's (the demo's second run). ``/x/`` serves ``x/index.html``; ``/x`` falls back
to ``x.html``; ``/x.gz`` serves ``x`` gzipped; ``404.html`` answers missing paths with status
404. Every page has an ``ETag`` (a hash of its bytes) and ``If-None-Match`` with it gets
``304 Not Modified``.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

TOKEN = re.compile(r"\{\{base:([a-z0-9_-]+)\}\}")
TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml",
         ".txt": "text/plain; charset=utf-8", ".json": "application/json"}


def render(text: str, bases: dict[str, str]) -> str:
    return TOKEN.sub(lambda m: bases.get(m.group(1), m.group(0)), text)


class SiteHandler(BaseHTTPRequestHandler):
    server: SiteServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.server.hits.append(self.path)
        status, content_type, body = self.server.resolve(self.path)
        etag = f'"{hashlib.sha1(body).hexdigest()[:16]}"'
        if status == 200 and self.headers.get("If-None-Match") == etag:
            status, body = 304, b""  # conditional GET, as scheduled crawls send for sitemaps
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if status in (200, 304):
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass  # the crawler logs what matters


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, host: str, bases: dict[str, str]):
        super().__init__((host, 0), SiteHandler)
        self.root = root.resolve()
        self.bases = bases
        self.hits: list[str] = []
        self.overlay: Path | None = None
        """a folder whose files are served instead of the root's: the site, updated"""

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def resolve(self, raw_path: str) -> tuple[int, str, bytes]:
        path = unquote(urlsplit(raw_path).path)
        roots = [r.resolve() for r in (self.overlay, self.root) if r is not None]
        for candidate, zipped in self._candidates(path):
            for root in roots:
                file = (root / candidate.lstrip("/")).resolve()
                if not (file.is_relative_to(root) and file.is_file()):
                    continue
                body = render(file.read_text(encoding="utf-8"), self.bases).encode("utf-8")
                if zipped:
                    return 200, "application/gzip", gzip.compress(body, mtime=0)
                return 200, self._type(file), body
        missing = self.root / "404.html"
        body = render(missing.read_text(encoding="utf-8"), self.bases).encode() \
            if missing.is_file() else b"not found"
        return 404, "text/html; charset=utf-8", body

    @staticmethod
    def _candidates(path: str) -> Iterator[tuple[str, bool]]:
        if path.endswith("/"):
            yield path + "index.html", False
            return
        yield path, False
        yield path + ".html", False
        if path.endswith(".gz"):
            yield path[:-3], True

    @staticmethod
    def _type(file: Path) -> str:
        return TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "text/plain"


@contextmanager
def serve_sites(roots: dict[str, Path], first_host: int = 2) -> Iterator[dict[str, SiteServer]]:
    """Serve each folder of ``roots`` on its own loopback address; yields the servers by name."""
    bases: dict[str, str] = {}
    servers = {name: SiteServer(root, f"127.0.0.{first_host + i}", bases)
               for i, (name, root) in enumerate(roots.items())}
    bases.update({name: server.base_url for name, server in servers.items()})
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers.values()]
    for thread in threads:
        thread.start()
    try:
        yield servers
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()
