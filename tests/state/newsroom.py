"""A small news site for scheduled-crawl tests, and crawls of it run as a user runs them.

The site has a news sitemap (half the stories, with ``lastmod``) and an RSS feed (the other half,
with ``pubDate``); :func:`write_site` rewrites it between runs (new stories, edited stories).
:func:`serve` can slow article pages down so a test can kill a run half-way through.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from newsbot.demo.server import SiteHandler, SiteServer, serve_sites
from support import (
    article_page,
    check_ledger,
    crawl_command,
    crawl_env,
    crawl_stats,
    lorem,
    write_files,
)

B = "{{base:daily}}"
OUTLET = "daily"


def story(n: int, *, edit: int = 0, paragraphs: int = 5, filler: int = 0) -> str:
    """Story ``n``; ``edit`` > 0 is its edited text, ``filler`` adds that many paragraphs of
    about 1 KB each."""
    text = lorem(f"story {n}" + (f" revised {edit}" if edit else ""), paragraphs)
    if filler:
        text += [" ".join(f"Filler sentence {i} of story {n}, paragraph {p}." for i in range(20))
                 for p in range(filler)]  # about 1 KB each
    return article_page(f"Story number {n}", text, published=f"2026-11-{n % 28 + 1:02d}T08:00:00Z",
                        authors=["Ana Ruiz"], canonical=f"{B}/news/story-{n}.html")


def write_site(root: Path, count: int = 12, *, edits: dict[int, int] | None = None,
               touched: dict[int, int] | None = None, quiet_edits: dict[int, int] | None = None,
               filler: int = 0) -> Path:
    """Stories 1..count; ``edits`` maps a story to its edit number (its text and dates move),
    ``touched`` to a date move alone (same text), ``quiet_edits`` to a text change that the
    sitemap and feed do not show (not re-dated)."""
    moved = {**(touched or {}), **(edits or {})}
    edits = {**(quiet_edits or {}), **(edits or {})}
    files = {f"/news/story-{n}.html": story(n, edit=edits.get(n, 0), filler=filler)
             for n in range(1, count + 1)}

    def modified(n: int) -> str:
        return f"2026-11-{n % 28 + 1:02d}T{8 + moved.get(n, 0):02d}:00:00Z"

    half = (count + 1) // 2
    urls = "".join(
        f"<url><loc>{B}/news/story-{n}.html</loc><lastmod>{modified(n)}</lastmod>"
        f"<news:news><news:publication_date>2026-11-{n % 28 + 1:02d}T08:00:00Z"
        f"</news:publication_date></news:news></url>" for n in range(1, half + 1))
    items = "".join(
        f"<item><title>Story number {n}</title><link>{B}/news/story-{n}.html</link>"
        f"<pubDate>{n % 28 + 1:02d} Nov 2026 08:00:00 GMT</pubDate>"
        + (f"<atom:updated>{modified(n)}</atom:updated>" if moved.get(n) else "") + "</item>"
        for n in range(half + 1, count + 1))
    files |= {
        "/robots.txt": "User-agent: *\nAllow: /\n",
        "/news-sitemap.xml": '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                             'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                             f"{urls}</urlset>",
        "/rss.xml": '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
                    f"<channel><title>Daily</title>{items}</channel></rss>",
    }
    return write_files(root, files)


def outlets(base: str) -> list[dict]:
    return [{"name": OUTLET, "title": "The Daily Test", "home": base + "/",
             "sitemaps": [base + "/news-sitemap.xml"], "feeds": [base + "/rss.xml"]}]


class SlowArticles(SiteHandler):
    """Article pages take ``server.delay`` seconds, and wait while ``server.gate`` is closed:
    time for a test to act mid-crawl."""

    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/news/"):
            self.server.arrived.append(self.path)
            time.sleep(self.server.delay)
            self.server.gate.wait(timeout=120)
        super().do_GET()


@contextmanager
def serve(root: Path) -> Iterator[SiteServer]:
    with serve_sites({OUTLET: root}) as servers:
        server = servers[OUTLET]
        server.delay = 0.0
        server.arrived = []
        server.gate = threading.Event()
        server.gate.set()
        server.RequestHandlerClass = SlowArticles
        try:
            yield server
        finally:
            server.gate.set()


def articles_fetched(server: SiteServer) -> int:
    """Article requests the server has received (answered or not yet)."""
    return len(server.arrived)


def command(cwd: Path, server: SiteServer, settings: dict[str, str] | None = None) -> list[str]:
    return crawl_command(cwd, "news", {"outlet": OUTLET}, outlets=outlets(server.base_url),
                         settings={"NEWSBOT_EXPORT_BATCH_ITEMS": "3", **(settings or {})},
                         output=None)


def crawl(cwd: Path, server: SiteServer, settings: dict[str, str] | None = None,
          **popen: object) -> subprocess.CompletedProcess:
    """One scheduled run, to its end, writing ``cwd/data/daily/<run id>.jsonl``; its page
    ledger checked."""
    proc = subprocess.run(command(cwd, server, settings), cwd=cwd, env=crawl_env(),
                          capture_output=True, text=True, timeout=120, **popen)
    if crawl_stats(proc.stderr):
        check_ledger(proc.stderr)
    return proc


def start(cwd: Path, server: SiteServer, settings: dict[str, str] | None = None,
          **popen: object) -> subprocess.Popen:
    return subprocess.Popen(command(cwd, server, settings), cwd=cwd, env=crawl_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **popen)


def wait_for(condition: Callable[[], bool], process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"the crawl ended before the kill point:\n{process.stderr.read()}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError("kill point never reached")
        time.sleep(0.01)


def wait_for_revisits(cwd: Path) -> None:
    """Until every revisit the crawl state of ``cwd`` has scheduled is due (with a schedule of
    fractions of an hour, about a second)."""
    with sqlite3.connect(cwd / "data" / "state" / "crawl.sqlite") as db:
        (due,) = db.execute("SELECT max(revisit_at) FROM articles").fetchone()
    assert due is not None, "no revisit scheduled"
    time.sleep(max(0.0, due - time.time()) + 0.05)


def partitions(cwd: Path) -> list[Path]:
    return sorted((cwd / "data" / OUTLET).glob("*.jsonl"))


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def manifest(partition: Path) -> dict:
    return json.loads(partition.with_name(partition.name.replace(".jsonl", ".manifest.json"))
                      .read_text(encoding="utf-8"))


def export(cwd: Path, *options: str) -> list[dict]:
    """``newsbot export`` of cwd's data folder as JSON Lines, read back."""
    out = cwd / "dataset.jsonl"
    proc = subprocess.run([sys.executable, "-m", "newsbot.cli", "export", "-o", str(out),
                           "--data", str(cwd / "data"), *options],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return lines(out)


def signature(records: list[dict]) -> list[tuple[str, int, str]]:
    """What a dataset holds, whatever run found it: (path, version, text hash) per record."""
    return sorted((urlsplit(r["url"]).path, r["version"], r["contentHash"]) for r in records)
