"""End-to-end: an article is an article whichever path reached it first (newsbot/discovery/roles).

The outlet is shaped like real ones: robots.txt names a news sitemap announcing two articles,
and the home page links to one of them with a short URL (``/news/alpha.html``: no date, no long
slug, no id), which link following takes for a section front. The test server holds chosen
pages until others were asked for, so each arrival order is forced rather than hoped for.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from newsbot.demo.server import SiteHandler, SiteServer, serve_sites
from support import (
    article_page,
    check_ledger,
    crawl_command,
    crawl_env,
    crawl_stats,
    lorem,
    run_crawl,
    write_files,
)

B = "{{base:outlet}}"
NEWS_SITEMAP = ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{}</urlset>')


def entry(slug: str, day: int) -> str:
    return (f"<url><loc>{B}/news/{slug}.html</loc><news:news><news:publication_date>"
            f"2026-11-{day:02d}T10:00:00Z</news:publication_date></news:news></url>")


def story(slug: str, day: int, *, markup: bool = True) -> str:
    """An article page; without ``markup``, one that says nothing of itself (no JSON-LD, no
    og:type)."""
    page = article_page(f"The {slug} story", lorem(f"the {slug} story"),
                        published=f"2026-11-{day:02d}T10:00:00Z")
    if not markup:
        page = page.replace('<meta property="og:type" content="article">', "")
        page = page.split('<script type="application/ld+json">')[0] + \
            page.split("</script>", 1)[1]
    return page


def home(*slugs: str) -> str:
    links = "".join(f'<li><a href="/news/{s}.html">The {s} story</a></li>' for s in slugs)
    return (f'<html><head><title>Outlet</title><meta property="og:type" content="website">'
            f'</head><body><nav><a href="/world/">World</a></nav><ul>{links}</ul></body></html>')


def announced_outlet(root: Path, *, markup: bool = True) -> Path:
    """robots.txt -> news sitemap (alpha, beta); the home page links to alpha only."""
    return write_files(root, {
        "/robots.txt": f"User-agent: *\nAllow: /\nSitemap: {B}/news-sitemap.xml\n",
        "/news-sitemap.xml": NEWS_SITEMAP.format(entry("alpha", 20) + entry("beta", 21)),
        "/index.html": home("alpha"),
        "/world/index.html": "<html><body><p>World news</p></body></html>",
        "/news/alpha.html": story("alpha", 20, markup=markup),
        "/news/beta.html": story("beta", 21, markup=markup),
    })


class Gates(SiteHandler):
    """``server.hold[path] = other``: ``path`` is answered only once ``other`` was asked for
    (``"served:other"``: once ``other`` was answered)."""

    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?", 1)[0]
        self.server.event(f"asked:{path}").set()
        if (waits_for := self.server.hold.get(path)) is not None:
            self.server.event(waits_for).wait(timeout=30)
        super().do_GET()
        self.server.event(f"served:{path}").set()


@contextmanager
def serve(root: Path, hold: dict[str, str] | None = None) -> Iterator[SiteServer]:
    with serve_sites({"outlet": root}) as servers:
        server = servers["outlet"]
        events: dict[str, threading.Event] = {}
        lock = threading.Lock()

        def event(name: str) -> threading.Event:
            with lock:
                return events.setdefault(name, threading.Event())

        server.event = event
        server.hold = {path: f"asked:{other}" if not other.startswith("served:") else other
                       for path, other in (hold or {}).items()}
        server.RequestHandlerClass = Gates
        try:
            yield server
        finally:
            for e in list(events.values()):
                e.set()


def crawl(cwd: Path, server: SiteServer, **settings: str):
    result = run_crawl(cwd, "news", {"home": server.base_url + "/"}, outlets=[],
                       settings=settings, output="out.jsonl")
    assert result.returncode == 0, result.log
    return result


def slugs(items: list[dict]) -> list[str]:
    return sorted(i["url"].rsplit("/", 1)[1].removesuffix(".html") for i in items)


ORDERS = {
    # the home page's link is fetched (as a front) before the sitemap is even read
    "home link first": {"/news-sitemap.xml": "served:/news/alpha.html"},
    # the sitemap's article request reaches the site before the home page does
    "sitemap first": {"/": "/news/alpha.html"},
    # the sitemap announces alpha while its front request is in flight: the front is upgraded
    "announced while in flight": {"/news/alpha.html": "/news/beta.html"},
}


@pytest.mark.parametrize("order", ORDERS)
def test_each_article_once_whichever_path_came_first_and_nothing_the_second_time(
        tmp_path, order):
    site = announced_outlet(tmp_path / "site")
    with serve(site, ORDERS[order]) as server:
        first = crawl(tmp_path, server)
        second = crawl(tmp_path, server)
    assert slugs(first.items) == ["alpha", "beta"]
    assert len({i["id"] for i in first.items}) == 2
    assert server.hits.count("/news/alpha.html") == 1  # one fetch for its two roles, ever
    assert check_ledger(first.log, unsettled_articles=0)["exported/new"] == 2
    assert second.items == []
    check_ledger(second.log, unsettled_articles=0)
    stats = crawl_stats(first.log)
    if order == "announced while in flight":  # forced: beta is asked for only after alpha's
        assert stats["newsbot/roles/upgraded"] == 1  # article request met its queued front
    if order != "sitemap first":
        assert stats["newsbot/roles/front_is_article"] == 1


def test_a_page_that_says_nothing_of_itself_is_still_exported_once(tmp_path):
    """No JSON-LD, no og:type: fetched as a front, it cannot tell; the sitemap's word wins."""
    site = announced_outlet(tmp_path / "site", markup=False)
    with serve(site, ORDERS["home link first"]) as server:
        first = crawl(tmp_path, server)
        second = crawl(tmp_path, server)
    assert slugs(first.items) == ["alpha", "beta"]
    check_ledger(first.log, unsettled_articles=0)
    assert second.items == []
    check_ledger(second.log, unsettled_articles=0)


def known_articles(cwd: Path) -> set[str]:
    """URLs the crawl state remembers as exported articles."""
    with sqlite3.connect(cwd / "data/state/crawl.sqlite") as db:
        return {url for (url,) in db.execute(
            "SELECT key FROM articles WHERE version IS NOT NULL")}


def test_an_outlet_announced_only_by_short_links_exports_all_then_knows_them(tmp_path):
    site = write_files(tmp_path / "site", {
        "/robots.txt": "User-agent: *\nAllow: /\n",  # no sitemap: /sitemap.xml is a 404
        "/index.html": home("alpha", "beta", "gamma"),
        "/world/index.html": "<html><body><p>World news</p></body></html>",
        **{f"/news/{s}.html": story(s, d) for s, d in (("alpha", 20), ("beta", 21),
                                                        ("gamma", 22))}})
    with serve(site) as server:
        first = crawl(tmp_path, server)
        second = crawl(tmp_path, server)
    assert slugs(first.items) == ["alpha", "beta", "gamma"]
    outcomes = check_ledger(first.log, unsettled_articles=0)
    assert outcomes["exported/new"] == 3 and outcomes["failure/HTTP 404"] == 1
    assert len(known_articles(tmp_path)) == 3
    assert second.items == []
    check_ledger(second.log, unsettled_articles=0)
    # known as articles: not fetched again, though they look like section fronts
    assert crawl_stats(second.log)["newsbot/state/known_articles"] == 3
    assert all(server.hits.count(f"/news/{s}.html") == 1 for s in ("alpha", "beta", "gamma"))


def test_a_distributed_crawl_applies_the_same_roles_in_redis(tmp_path, redis_server):
    """The Redis scheduler keeps the fronts' states and the upgrades in the crawl's keys."""
    site = announced_outlet(tmp_path / "site")
    env = {**crawl_env(), "NEWSBOT_REDIS_URL": redis_server.url}

    def worker(folder: str) -> tuple[list[dict], str]:
        cwd = tmp_path / folder
        cwd.mkdir()
        proc = subprocess.run(crawl_command(cwd, "news", {"home": server.base_url + "/"},
                                            outlets=[]), cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        out = cwd / "out.jsonl"
        items = [json.loads(line) for line in out.read_text().splitlines()]
        return items, proc.stderr

    with serve(site, ORDERS["announced while in flight"]) as server:
        first, first_log = worker("first")
        second, second_log = worker("second")  # a new run of the same crawl, same Redis
    assert slugs(first) == ["alpha", "beta"]
    assert crawl_stats(first_log)["newsbot/roles/upgraded"] == 1
    check_ledger(first_log, unsettled_articles=0)
    assert second == []
    check_ledger(second_log, unsettled_articles=0)
    assert server.hits.count("/news/alpha.html") == 1
