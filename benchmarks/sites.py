"""Real pages arranged as outlets: does every announced article come out once, and right?

    python benchmarks/sites.py --datasets ../shared/datasets [--json OUT] [--work DIR]
        [--seed N] [--styles home,declared] [--home-outlets N|all] [-s NAME=VALUE ...]

Each publisher of the datasets (``aeb-dev``: ``html/<id>.html.gz`` + ``ground-truth.json``;
``fundus-dev``: ``pages/*.html.gz`` + ``expected.jsonl``) becomes an outlet on a loopback address
of its own (127.0.0.2, 127.0.0.3 ...), serving its real pages at the paths of their real URLs.
Nothing in a page is rewritten but links to the hosts of the world: ``https://www.host/...``
(plain, protocol-relative or JSON-escaped) becomes ``http://127.0.x.y:PORT/...``, so canonicals
and links stay on loopback; links to other hosts are left as they are and a request to one is
refused by this benchmark's own downloader middleware (:class:`LoopbackOnly`) and counted.

Around the pages, this script writes the rest of each outlet (robots.txt, sitemaps, feeds, home
pages), varying on purpose how articles are announced, deterministically from ``--seed``:
news sitemap only; a sitemap index with a gzip'd child; RSS only; Atom only; home-page links
only, some by a short alias (``/news/<word><n>.html``, which no URL heuristic takes for an
article); all three at once (the short aliases announced by all three); AMP twins linked from
the home page; an article announced by a URL that redirects; 404 and 410 entries, and one that
redirects off loopback (to www.example.com: refused and counted, never reached); partner hosts
serving another outlet's article with a cross-host canonical to it; reprint hosts serving a copy
of another outlet's article as their own.

The world is crawled with the repository's settings (delays off on loopback, private networks
allowed for 127.0.0.0/8 only), as subprocesses, in two styles: ``home``, one ``scrapy crawl
news -a home=URL`` per outlet one after the other in one project folder (an ad-hoc user; 40
outlets by default, every kind of announcement among them, since each costs a Scrapy start), and
``declared``, every outlet declared in ``NEWSBOT_OUTLETS_FILE`` and crawled by one ``scrapy
crawl news -a outlet=...``. Each style runs twice: a second run after a few pages changed, some
re-dated in their sitemap or feed, some not (``-s NEWSBOT_REVISIT_SCHEDULE=...`` and any other
``-s`` setting are passed to every crawl).

Reported per style and run: announced articles exported (target 100 %), articles exported more
than once (target 0: two records of one article neither of which says ``duplicateOf``), records
that are no announced article, dead URLs exported, reprints marked as copies of their original,
the page ledger (``responses received = sum of outcomes`` when the run manifest has a ``ledger``
section; until then, article-page responses that left no trace in the export or the log),
changes found by the second run, field accuracy against the datasets' ground truth (the metrics
of ``benchmarks/extraction.py``, reused) beside ``newsbot extract`` on the same served pages,
and pages/s. Then every lost article, with how it was announced, what the server saw and what
the crawl log said.
"""

from __future__ import annotations

import argparse
import ast
import email.utils
import gzip
import hashlib
import ipaddress
import json
import logging
import multiprocessing
import os
import random
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)

BENCHMARKS = Path(__file__).resolve().parent
LOOPBACK = ipaddress.ip_network("127.0.0.0/8")
MODES = ("news_sitemap", "sitemap_index_gz", "rss", "atom", "home_links", "all_three", "amp")
"""How an outlet announces its articles (``amp``: a news sitemap of the canonical URLs and a
home page linking their AMP twins)."""
CHANNELS = {
    "news_sitemap": ("news sitemap",), "sitemap_index_gz": ("sitemap index, gzip'd child",),
    "rss": ("RSS",), "atom": ("Atom",), "home_links": ("home page",),
    "all_three": ("news sitemap", "RSS", "home page"), "amp": ("news sitemap", "home page"),
}
ANNOUNCING = ("news_sitemap", "sitemap_index_gz", "rss", "atom", "all_three")
"""Modes with a sitemap or a feed, which can re-date an entry or list a dead one."""
OFF_LOOPBACK = "https://www.example.com"
"""Where the dead entries that moved redirect to: a request there is refused and counted."""
UPDATE_NOTE = "Update {n} from the newsroom: officials said more details would follow later today."


# --- the datasets -----------------------------------------------------------------------------

@dataclass
class Page:
    id: str
    """``aeb/<id>`` or ``fundus/<file stem>``"""
    dataset: str
    url: str
    """the page's real URL"""
    html: bytes
    publisher: str
    truth: dict[str, Any]
    """fundus: the ``expected.jsonl`` row; AEB: ``{"body": articleBody}``"""

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    @property
    def headline(self) -> str:
        if self.truth.get("title"):
            return " ".join(self.truth["title"].split())
        match = re.search(rb"<title[^>]*>(.*?)</title>", self.html, re.I | re.S)
        text = match[1].decode("utf-8", "replace") if match else ""
        return " ".join(text.split())[:120] or self.url


def read_datasets(root: Path) -> list[Page]:
    """Every page of every dataset folder under ``root`` (AEB and fundus layouts)."""
    from newsbot.cli import read_page

    pages: list[Page] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if (folder / "ground-truth.json").is_file():
            truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
            for page_id, item in sorted(truth.items()):
                pages.append(Page(f"aeb/{page_id}", "aeb", item["url"],
                                  read_page(folder / "html" / f"{page_id}.html.gz"),
                                  (urlsplit(item["url"]).hostname or "").removeprefix("www."),
                                  {"body": item.get("articleBody") or ""}))
        elif (folder / "expected.jsonl").is_file():
            with open(folder / "expected.jsonl", encoding="utf-8") as lines:
                for line in filter(str.strip, lines):
                    row = json.loads(line)
                    stem = Path(row["file"]).name.removesuffix(".gz").removesuffix(".html")
                    pages.append(Page(f"fundus/{stem}", "fundus", row["url"],
                                      read_page(folder / row["file"]), row["publisher"], row))
    if not pages:
        raise SystemExit(f"no dataset under {root} (want ground-truth.json or expected.jsonl)")
    return pages


# --- the world --------------------------------------------------------------------------------

@dataclass
class Placed:
    """One page served by one site as an article."""

    page: Page
    site: Site
    path: str
    """where the site serves it (its real path and query, or a partner's path)"""
    announced: str
    """the path the site announces it by (an alias, an AMP twin, a redirecting URL, or ``path``)"""
    group: str
    """the article it is: a partner's copy with a canonical to the original is the same
    article as the original; a reprint is an article of its own"""
    kind: str = "article"
    """``article``, ``partner`` (cross-host canonical) or ``reprint``"""
    twist: str | None = None
    """``alias``, ``amp`` or ``redirect`` when announced by another URL than ``path``"""
    change: str | None = None
    """``redated`` or ``silent`` when the second run serves a changed page"""

    @property
    def urls(self) -> set[str]:
        return {self.site.base + self.path, self.site.base + self.announced}

    @property
    def channels(self) -> tuple[str, ...]:
        return CHANNELS[self.site.mode]


@dataclass
class Site:
    name: str
    title: str
    address: str
    port: int
    mode: str
    kind: str = "publisher"
    """``publisher`` (a publisher of the datasets), ``partner`` or ``reprint``"""
    hosts: tuple[str, ...] = ()
    """the real hosts it stands for"""
    placed: list[Placed] = field(default_factory=list)
    dead: list[tuple[str, int]] = field(default_factory=list)
    redirects: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://{self.address}:{self.port}"

    @property
    def sitemap(self) -> str | None:
        if self.mode == "sitemap_index_gz":
            return "/sitemap-index.xml"
        return "/news-sitemap.xml" if self.mode in ("news_sitemap", "all_three", "amp") else None

    @property
    def feed(self) -> str | None:
        return {"rss": "/feed.rss", "all_three": "/feed.rss", "atom": "/atom.xml"}.get(self.mode)

    def declaration(self) -> dict[str, Any]:
        """The outlet as a user who read its robots.txt and home page would declare it."""
        outlet: dict[str, Any] = {"name": self.name, "title": self.title,
                                  "home": self.base + "/"}
        if self.sitemap:
            outlet["sitemaps"] = [self.base + self.sitemap]
        if self.feed:
            outlet["feeds"] = [self.base + self.feed]
        if self.mode in ("all_three", "amp"):
            outlet["sections"] = [self.base + "/"]
        return outlet


@dataclass
class World:
    seed: int
    port: int
    sites: list[Site]
    rewrites: dict[str, str]
    """real host -> ``127.0.x.y:PORT`` for every host a site stands for"""

    @property
    def placed(self) -> list[Placed]:
        return [p for site in self.sites for p in site.placed]


def address_of(index: int) -> str:
    return f"127.0.{index // 250}.{2 + index % 250}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48] or "outlet"


def short_word(page: Page) -> str:
    words = re.findall(r"[a-z]{3,}", urlsplit(page.url).path.lower())
    return (max(words, key=len) if words else "story")[:10]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def build_world(pages: list[Page], seed: int, port: int) -> World:
    """Sites for the pages, deterministically from ``seed`` (see the module docstring)."""
    rng = random.Random(seed)
    from newsbot.urls import url_key

    by_publisher: dict[tuple[str, str], list[Page]] = defaultdict(list)
    urls: set[str] = set()
    for page in sorted(pages, key=lambda p: p.id):
        if url_key(page.url) not in urls:  # two snapshots of one URL: the first is served
            urls.add(url_key(page.url))
            by_publisher[(page.publisher, page.host)].append(page)
    keys = sorted(by_publisher)
    rng.shuffle(keys)
    special = max(1, len(keys) // 50)
    sites: list[Site] = []
    names: set[str] = set()

    def new_site(title: str, mode: str, kind: str, hosts: tuple[str, ...] = ()) -> Site:
        name = slug(title)
        while name in names:
            name = f"{slug(title)}-{len(names)}"
        names.add(name)
        site = Site(name, title, address_of(len(sites)), port, mode, kind, hosts)
        sites.append(site)
        return site

    publishers = [by_publisher[key] for key in keys]
    for i, group in enumerate(publishers):
        mode = "amp" if i < special else MODES[(i - special) % (len(MODES) - 1)]
        hosts = {group[0].host}
        twin = group[0].host.removeprefix("www.") if group[0].host.startswith("www.") \
            else "www." + group[0].host
        if all(twin != g[0].host for g in publishers):
            hosts.add(twin)
        title = group[0].publisher if len(
            [k for k in keys if k[0] == group[0].publisher]) == 1 else \
            f"{group[0].publisher} ({group[0].host.removeprefix('www.')})"
        site = new_site(title, mode, "publisher", tuple(sorted(hosts)))
        for page in group:
            site.placed.append(Placed(page, site, path_of(page.url), path_of(page.url),
                                      page.id))
    for site in sites:  # short aliases and AMP twins
        for n, placed in enumerate(site.placed, 1):
            if site.mode == "amp":
                placed.announced, placed.twist = "/amp" + placed.path, "amp"
            elif site.mode in ("home_links", "all_three") and rng.random() < 0.5:
                placed.announced = f"/news/{short_word(placed.page)}{n}.html"
                placed.twist = "alias"
    announcing = [s for s in sites if s.mode in ANNOUNCING]
    picked = rng.sample(announcing, min(len(announcing), 2 * special))
    for n, site in enumerate(picked[:special], 1):  # announced by a URL that redirects
        placed = site.placed[0]
        placed.announced, placed.twist = f"/go/{n}", "redirect"
        site.redirects[placed.announced] = placed.path
    for n, site in enumerate(picked[special:], 1):  # dead entries: 404, 410, moved off loopback
        site.dead += [(f"/news/2026/removed-story-number-{n}.html", 404),
                      (f"/news/2026/withdrawn-story-number-{n}.html", 410),
                      (f"/news/2026/moved-away-story-number-{n}.html", 301)]
    candidates = [p for p in (s.placed[0] for s in sites) if p.twist is None]
    rng.shuffle(candidates)
    for n, original in enumerate(candidates[:special], 1):  # cross-host canonicals
        site = new_site(f"Partner Wire {n}", "news_sitemap", "partner")
        path = f"/partner/{short_word(original.page)}-{n}.html"
        site.placed.append(Placed(original.page, site, path, path, original.group, "partner"))
    for n, original in enumerate(candidates[special:2 * special], 1):  # reprints
        site = new_site(f"Reprint Daily {n}", "news_sitemap", "reprint")
        site.placed.append(Placed(original.page, site, original.path, original.path,
                                  original.group + "@reprint", "reprint"))
    changeable = [q for s in sites for q in s.placed if q.kind == "article"]
    rng.shuffle(changeable)
    wanted = max(2, len(changeable) // 12)
    redated = silent = 0
    for placed in changeable:  # changes an extractor can see: what is measured is finding them
        if redated + silent >= wanted:
            break
        kind = "redated" if placed.site.mode in ANNOUNCING and redated < wanted // 2 else \
            "silent" if silent < wanted - wanted // 2 else None
        if kind and visible_change(placed.page):
            placed.change = kind
            redated, silent = redated + (kind == "redated"), silent + (kind == "silent")
    rewrites = {host: f"{site.address}:{port}" for site in sites for host in site.hosts}
    return World(seed, port, sites, rewrites)


# --- what the sites serve ---------------------------------------------------------------------

@dataclass(frozen=True)
class Resource:
    status: int
    content_type: str
    body: bytes = b""
    location: str | None = None


HOST_REF = re.compile(rb"(https?:)?(\\?/)(\\?/)([A-Za-z0-9.-]+)(?![A-Za-z0-9.-])")


def rewrite(html: bytes, hosts: dict[str, str]) -> bytes:
    """Absolute and protocol-relative links to a host of the world (also JSON-escaped, as in
    JSON-LD) point at its loopback outlet; every other byte stays."""
    def swap(match: re.Match[bytes]) -> bytes:
        target = hosts.get(match[4].decode("ascii").lower())
        if target is None:
            return match[0]
        return (b"http:" if match[1] else b"") + match[2] + match[3] + target.encode("ascii")

    return HOST_REF.sub(swap, html)


def updated_page(page: Page, n: int) -> bytes | None:
    """The page with a sentence added at the start of a body paragraph (every place it
    appears: HTML and JSON-LD alike), or None when no paragraph is found verbatim."""
    body = page.truth.get("body") or ""
    paragraphs = [p for p in (" ".join(q.split()) for q in body.split("\n"))
                  if len(p.split()) >= 12]
    note = UPDATE_NOTE.format(n=n).encode()
    for paragraph in paragraphs[1:] + paragraphs[:1]:
        snippet = " ".join(paragraph.split()[:6]).encode("utf-8")
        if snippet in page.html:
            return page.html.replace(snippet, note + b" " + snippet)
    return None


def visible_change(page: Page) -> bool:
    """Whether ``newsbot extract`` sees the sentence :func:`updated_page` adds."""
    from newsbot.cli import extract_page
    from newsbot.encoding import decode_html

    changed = updated_page(page, 0)
    if changed is None:
        return False
    body = extract_page(decode_html(changed), page.url, Path(page.id)).get("articleBody")
    return UPDATE_NOTE.format(n=0) in (body or "")


def html_type(body: bytes) -> str:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "text/html"
    return "text/html; charset=utf-8"


def iso(value: str | None) -> str | None:
    """A ground-truth date as W3C datetime (a naive one as its date alone)."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        return None
    return when.replace(microsecond=0).isoformat() if when.tzinfo else when.date().isoformat()


def rfc822(value: str | None) -> str | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return email.utils.format_datetime(when if when.tzinfo else when.replace(tzinfo=UTC))


def xml_text(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


@dataclass
class Entry:
    url: str
    title: str
    published: str | None
    modified: str | None


def entries(site: Site, phase: int, now: str, home: bool = False) -> list[Entry]:
    """What the site announces (its home page links AMP twins, its sitemap their canonicals)."""
    found = []
    for placed in site.placed:
        published = iso(placed.page.truth.get("published"))
        modified = now if phase == 2 and placed.change == "redated" else None
        path = placed.path if placed.twist == "amp" and not home else placed.announced
        found.append(Entry(site.base + path, placed.page.headline, published, modified))
    for n, (path, _) in enumerate(site.dead, 1):
        found.append(Entry(site.base + path, f"A story that is gone ({n})", None, None))
    return found


def news_sitemap(site: Site, items: list[Entry]) -> bytes:
    rows = []
    for e in items:
        news = (f"<news:news><news:publication><news:name>{xml_text(site.title)}</news:name>"
                f"</news:publication>"
                + (f"<news:publication_date>{e.published}</news:publication_date>"
                   if e.published else "")
                + f"<news:title>{xml_text(e.title)}</news:title></news:news>")
        rows.append(f"<url><loc>{xml_text(e.url)}</loc>"
                    + (f"<lastmod>{e.modified}</lastmod>" if e.modified else "") + news + "</url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
            + "\n".join(rows) + "\n</urlset>\n").encode()


def rss(site: Site, items: list[Entry]) -> bytes:
    rows = []
    for e in items:
        date = rfc822(e.published)
        rows.append(f"<item><title>{xml_text(e.title)}</title><link>{xml_text(e.url)}</link>"
                    f"<guid isPermaLink=\"true\">{xml_text(e.url)}</guid>"
                    + (f"<pubDate>{date}</pubDate>" if date else "")
                    + (f"<atom:updated>{e.modified}</atom:updated>" if e.modified else "")
                    + "</item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
            f"<title>{xml_text(site.title)}</title><link>{site.base}/</link>"
            "<description>Latest news</description>\n" + "\n".join(rows)
            + "\n</channel></rss>\n").encode()


def atom(site: Site, items: list[Entry]) -> bytes:
    rows = []
    for e in items:
        rows.append(f"<entry><title>{xml_text(e.title)}</title>"
                    f'<link rel="alternate" href="{xml_text(e.url)}"/><id>{xml_text(e.url)}</id>'
                    + (f"<published>{e.published}</published>" if e.published else "")
                    + (f"<updated>{e.modified or e.published}</updated>"
                       if e.modified or e.published else "") + "</entry>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{xml_text(site.title)}</title><id>{site.base}/</id>\n"
            + "\n".join(rows) + "\n</feed>\n").encode()


def home_page(site: Site, items: list[Entry], links: bool) -> bytes:
    feed = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
    head = (f'<link rel="alternate" type="{feed["atom" if site.mode == "atom" else "rss"]}" '
            f'href="{site.feed}" title="{xml_text(site.title)}">' if site.feed else "")
    listed = "\n".join(f'<li><a href="{xml_text(e.url)}">{xml_text(e.title)}</a></li>'
                       for e in items) if links else ""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{xml_text(site.title)}'
            f"</title>{head}</head><body><header><a href=\"/\">{xml_text(site.title)}</a> "
            f'<a href="/about/">About us</a></header><main><h1>Latest news</h1>'
            f"<ul>\n{listed}\n</ul></main></body></html>\n").encode()


def serve_key(address: str, path: str) -> tuple[str, str]:
    """What the server looks a request up by: the path and query as newsbot cleans them (a
    real server ignores tracking parameters and the order of the query)."""
    from newsbot.urls import clean_url

    parts = urlsplit(clean_url("http://host" + path))
    return address, (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def site_files(world: World, phase: int, now: str) -> dict[tuple[str, str], Resource]:
    """Every resource of the world in ``phase`` (1, or 2 after the changes)."""
    files: dict[tuple[str, str], Resource] = {}
    for site in world.sites:
        def put(path: str, resource: Resource, site: Site = site) -> None:
            files[serve_key(site.address, path)] = resource

        items = entries(site, phase, now)
        robots = "User-agent: *\nAllow: /\n" + (f"Sitemap: {site.base}{site.sitemap}\n"
                                                 if site.sitemap else "")
        put("/robots.txt", Resource(200, "text/plain", robots.encode()))
        links = site.mode in ("home_links", "all_three", "amp")
        home = entries(site, phase, now, home=True)[: len(site.placed)]
        put("/", Resource(200, "text/html; charset=utf-8", home_page(site, home, links)))
        if site.mode == "sitemap_index_gz":
            child = f"{site.base}/sitemaps/articles-1.xml.gz"
            modified = max((e.modified for e in items if e.modified), default=None)
            index = ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns='
                     '"http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap>'
                     f"<loc>{child}</loc>"
                     + (f"<lastmod>{modified}</lastmod>" if modified else "")
                     + "</sitemap></sitemapindex>\n")
            put("/sitemap-index.xml", Resource(200, "application/xml", index.encode()))
            put("/sitemaps/articles-1.xml.gz",
                Resource(200, "application/x-gzip",
                         gzip.compress(news_sitemap(site, items), mtime=0)))
        elif site.sitemap:
            put(site.sitemap, Resource(200, "application/xml", news_sitemap(site, items)))
        if site.feed:
            put(site.feed, Resource(200, "application/atom+xml" if site.mode == "atom"
                                    else "application/rss+xml",
                                    (atom if site.mode == "atom" else rss)(site, items)))
        for path, status in site.dead:
            if status == 410:
                put(path, Resource(status, "text/html; charset=utf-8", b"<h1>Gone</h1>"))
            elif status == 301:  # what the crawl must not follow: the guard refuses, counts it
                put(path, Resource(status, "text/html", b"", OFF_LOOPBACK + path))
        for source, target in site.redirects.items():
            put(source, Resource(301, "text/html", b"", site.base + target))
        for placed in site.placed:
            hosts = world.rewrites
            if placed.kind == "reprint":  # the copy is the reprint host's own page
                hosts = {**hosts, placed.page.host: f"{site.address}:{site.port}"}
            raw = updated_page(placed.page, zlib.crc32(placed.page.id.encode()) % 1000) \
                if phase == 2 and placed.change else placed.page.html
            body = rewrite(raw or placed.page.html, hosts)
            resource = Resource(200, html_type(body), body)
            put(placed.path, resource)
            if placed.twist in ("alias", "amp"):
                put(placed.announced, resource)
    return files


def dead_urls(world: World) -> set[str]:
    return {site.base + path for site in world.sites for path, _ in site.dead}


# --- the server -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((address_of(0), 0))
        return probe.getsockname()[1]


def serve(files: dict[tuple[str, str], Resource], addresses: list[str], port: int,
          log_path: str, ready: Any) -> None:
    """HTTP/1.1 with keep-alive on every address, from memory; one JSON line per request."""
    import asyncio

    log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    not_found = Resource(404, "text/html; charset=utf-8", b"<h1>Not found</h1>")

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        address = writer.get_extra_info("sockname")[0]
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
                method, target = head[0].split(" ")[:2]
                headers = {k.strip().lower(): v.strip()
                           for k, _, v in (line.partition(":") for line in head[1:] if line)}
                resource = files.get(serve_key(address, target), not_found)
                etag = '"' + hashlib.sha1(resource.body).hexdigest()[:16] + '"'
                status, body = resource.status, resource.body
                if status == 200 and headers.get("if-none-match") == etag:
                    status, body = 304, b""
                lines = [f"HTTP/1.1 {status} X", f"Content-Type: {resource.content_type}",
                         f"Content-Length: {len(body) if method != 'HEAD' else 0}"]
                if status == 200:
                    lines.append(f"ETag: {etag}")
                if resource.location:
                    lines.append(f"Location: {resource.location}")
                writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
                             + (body if method != "HEAD" else b""))
                log.write(json.dumps({"host": address, "path": target, "status": status,
                                      "referer": headers.get("referer")}) + "\n")
                log.flush()
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, addresses, port, backlog=1024)
        ready.set()
        async with server:
            await server.serve_forever()

    asyncio.run(main())


class Server:
    """The world's sites in a process of their own, for one phase."""

    def __init__(self, world: World, phase: int, log_path: Path):
        self.files = site_files(world, phase, datetime.now(UTC).replace(
            microsecond=0).isoformat())
        self.addresses = [site.address for site in world.sites]
        self.port = world.port
        self.log_path = log_path

    def __enter__(self) -> Server:
        ctx = multiprocessing.get_context("fork")
        ready = ctx.Event()
        self.process = ctx.Process(target=serve, daemon=True, args=(
            self.files, self.addresses, self.port, str(self.log_path), ready))
        self.process.start()
        if not ready.wait(60):
            raise SystemExit("the loopback sites did not start within 60 s")
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.join()


# --- the guard in the crawl processes ---------------------------------------------------------

class LoopbackOnly:
    """Downloader middleware of these crawls only: a request to anything but a 127.x.y.z
    address is refused before newsbot's own guard would resolve the name, and counted
    (``sites/refused_off_host``)."""

    def __init__(self, stats: Any):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> LoopbackOnly:
        return cls(crawler.stats)

    def process_request(self, request: Any) -> None:
        host = urlparse_cached(request).hostname or ""
        try:
            inside = ipaddress.ip_address(host) in LOOPBACK
        except ValueError:
            inside = False
        if not inside:
            self.stats.inc_value("sites/refused_off_host")
            logger.warning("sites benchmark: refused a request off loopback: %s", request.url)
            raise IgnoreRequest(f"off loopback: {request.url}")


# --- crawls -----------------------------------------------------------------------------------

@dataclass
class Crawl:
    """What one ``scrapy crawl`` left: its records, manifest, stats and log."""

    command: list[str]
    returncode: int
    records: list[dict[str, Any]]
    manifests: list[dict[str, Any]]
    stats: dict[str, Any]
    log: str


@dataclass
class Run:
    crawls: list[Crawl]
    requests: list[dict[str, Any]]
    """the server's log of this run"""

    @property
    def records(self) -> list[dict[str, Any]]:
        return [r for c in self.crawls for r in c.records]

    def stat(self, name: str) -> int:
        return sum(c.stats.get(name, 0) or 0 for c in self.crawls)


STATS_DUMP = re.compile(r"Dumping Scrapy stats:\n(\{.*?\})\n", re.S)
DATETIME = re.compile(r"datetime\.datetime\([^)]*\)")


def parse_stats(log: str) -> dict[str, Any]:
    """The stats Scrapy dumps at the end of the log (timestamps left out)."""
    dumps = STATS_DUMP.findall(log)
    if not dumps:
        return {}
    try:
        return ast.literal_eval(DATETIME.sub("None", dumps[-1]))
    except (ValueError, SyntaxError):
        return {}


def crawl_settings(log_file: Path, extra: dict[str, str]) -> dict[str, str]:
    import newsbot.settings

    middlewares = {**newsbot.settings.DOWNLOADER_MIDDLEWARES, "sites.LoopbackOnly": 55}
    return {
        "NEWSBOT_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8",
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "False",
        "DOWNLOADER_MIDDLEWARES": json.dumps(middlewares),
        "LOG_FILE": str(log_file),
        "LOG_FILE_APPEND": "False",
        **extra,
    }


def run_crawl(cwd: Path, arguments: list[str], settings: dict[str, str]) -> Crawl:
    command = [sys.executable, "-m", "scrapy", "crawl", "news"]
    for argument in arguments:
        command += ["-a", argument]
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsbot.settings",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCHMARKS),
                                                       os.environ.get("PYTHONPATH")]))}
    env.pop("NEWSBOT_REDIS_URL", None)
    before = set((cwd / "data").glob("*/*.manifest.json"))
    proc = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, check=False)
    log = Path(settings["LOG_FILE"]).read_text(encoding="utf-8", errors="replace")
    records, manifests = [], []
    for path in sorted(set((cwd / "data").glob("*/*.manifest.json")) - before):
        manifests.append(json.loads(path.read_text(encoding="utf-8")))
        partition = path.with_name(path.name.removesuffix(".manifest.json") + ".jsonl")
        if partition.exists():
            records += [json.loads(line) for line in
                        partition.read_text(encoding="utf-8").splitlines() if line.strip()]
    return Crawl(command, proc.returncode, records, manifests, parse_stats(log), log)


def read_requests(path: Path) -> list[dict[str, Any]]:
    """The server's log, each request with the ``key`` it was looked up by."""
    if not path.exists():
        return []
    requests = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()]
    for request in requests:
        request["key"] = serve_key(request["host"], request["path"])[1]
    return requests


def served_key(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return serve_key(parts.hostname or "", path_of(url))


def crawl_home(sites: list[Site], cwd: Path, number: int,
               extra: dict[str, str]) -> list[Crawl]:
    """One ``-a home=URL`` crawl per site, one after the other, in one project folder."""
    cwd.mkdir(parents=True, exist_ok=True)
    crawls = []
    for i, site in enumerate(sites, 1):
        log = cwd / "logs" / f"run{number}-{site.name}.log"
        log.parent.mkdir(exist_ok=True)
        crawls.append(run_crawl(cwd, [f"home={site.base}/"], crawl_settings(log, extra)))
        if i % 25 == 0 or i == len(sites):
            print(f"  home run {number}: {i}/{len(sites)} outlets crawled", file=sys.stderr)
    return crawls


def crawl_declared(sites: list[Site], cwd: Path, number: int,
                   extra: dict[str, str]) -> list[Crawl]:
    """Every site declared in ``NEWSBOT_OUTLETS_FILE``, all crawled by one process."""
    cwd.mkdir(parents=True, exist_ok=True)
    outlets = cwd / "outlets.json"
    outlets.write_text(json.dumps([s.declaration() for s in sites], indent=1), encoding="utf-8")
    settings = crawl_settings(cwd / f"run{number}.log",
                              {"NEWSBOT_OUTLETS_FILE": str(outlets), **extra})
    return [run_crawl(cwd, ["outlet=" + ",".join(s.name for s in sites)], settings)]


STYLES = {"home": crawl_home, "declared": crawl_declared}


def home_subset(world: World, count: int | None) -> list[Site]:
    """The first ``count`` sites, one of every kind of announcement first."""
    if count is None or count >= len(world.sites):
        return list(world.sites)
    first: dict[tuple[str, ...], Site] = {}
    for site in world.sites:
        twists = tuple(sorted({p.twist or "" for p in site.placed} | {p.kind for p in site.placed}
                              | ({"dead"} if site.dead else set())))
        first.setdefault((site.mode, *twists), site)
    ordered = list({id(s): s for s in [*first.values(), *world.sites]}.values())
    return ordered[:count]


# --- scoring ----------------------------------------------------------------------------------

def keys_of(url: str | None) -> set[str]:
    from newsbot.urls import url_key

    if not url or not url.startswith(("http://", "https://")):
        return set()
    try:
        return {url_key(url)}
    except ValueError:
        return set()


def canonical_of(placed: Placed, world: World) -> str | None:
    """The page's own canonical URL as served (the rewrite applied)."""
    hosts = world.rewrites if placed.kind != "reprint" else {
        **world.rewrites, placed.page.host: f"{placed.site.address}:{placed.site.port}"}
    for tag in re.findall(rb"<link\b[^>]*>", placed.page.html, re.I):
        if re.search(rb"rel\s*=\s*[\"']?canonical", tag, re.I):
            href = re.search(rb"href\s*=\s*[\"']?([^\"'\s>]+)", tag)
            if href:
                return rewrite(href[1], hosts).decode("utf-8", "replace")
    return None


class Matcher:
    """Which placed article each exported record is (by its URL's host, then URL or canonical)."""

    def __init__(self, world: World, sites: list[Site]):
        self.by_host: dict[str, list[tuple[set[str], Placed]]] = defaultdict(list)
        for site in sites:
            for placed in site.placed:
                keys = set().union(*(keys_of(u) for u in placed.urls))
                keys |= keys_of(canonical_of(placed, world))
                self.by_host[site.address].append((keys, placed))

    def __call__(self, record: dict[str, Any]) -> Placed | None:
        host = urlsplit(record.get("url") or "").hostname or ""
        keys = keys_of(record.get("url")) | keys_of(record.get("canonicalUrl"))
        return next((p for k, p in self.by_host.get(host, []) if k & keys), None)


def ledger_check(crawl: Crawl) -> dict[str, Any] | None:
    """``responses received = sum of outcomes``, when the run manifest has a ``ledger`` section
    (``{"responses": N, "outcomes": N, "table": {kind: {"total": N, ...}}}``, at its top or in
    its ``counts``): the outcomes of its table summed here, against Scrapy's own
    ``downloader/response_count``."""
    ledgers = [m for m in (m.get("ledger") or (m.get("counts") or {}).get("ledger")
                           for m in crawl.manifests) if isinstance(m, dict)]
    if not ledgers:
        return None
    ledger = ledgers[-1]
    table = ledger.get("table")
    outcomes = sum(row.get("total", 0) for row in table.values()) \
        if isinstance(table, dict) else ledger.get("outcomes", 0)
    received = crawl.stats.get("downloader/response_count", ledger.get("responses", 0))
    return {"received": received, "outcomes": outcomes, "holds": received == outcomes}


def log_lines(log: str, urls: set[str], limit: int = 3) -> list[str]:
    found = []
    for line in log.splitlines():
        if any(u in line for u in urls) and "Crawled (" not in line:
            found.append(line[line.find("["):][:240] if "[" in line else line[:240])
            if len(found) >= limit:
                break
    return found


def group_records(records: list[dict[str, Any]], match: Matcher
                  ) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """Records by the article they are (each with its ``_placed``), and the URLs of those
    that are no announced article."""
    by_group: dict[str, list[dict[str, Any]]] = defaultdict(list)
    stray = []
    for record in records:
        found = match(record)
        if found is None:
            stray.append(record.get("url") or "?")
        else:
            by_group[found.group].append({**record, "_placed": found})
    return by_group, stray


def reprints_marked(placed: list[Placed], by_group: dict[str, list[dict[str, Any]]]) -> int:
    """Reprints whose every record says ``duplicateOf`` = their original's record."""
    marked = 0
    for p in (p for p in placed if p.kind == "reprint"):
        original = next((r for r in by_group.get(p.group.removesuffix("@reprint"), [])
                         if r["_placed"].kind == "article"), None)
        copies = by_group.get(p.group, [])
        if original and copies and all(
                keys_of(c.get("duplicateOf")) & (keys_of(original["url"])
                                                 | keys_of(original.get("canonicalUrl")))
                for c in copies):
            marked += 1
    return marked


def score(run: Run, world: World, sites: list[Site], earlier: set[str]) -> dict[str, Any]:
    """The figures of one run (see the module docstring); ``earlier``: the articles exported
    by the runs before it."""
    placed = [p for s in sites for p in s.placed]
    groups: dict[str, list[Placed]] = defaultdict(list)
    for p in placed:
        groups[p.group].append(p)
    by_group, stray = group_records(run.records, Matcher(world, sites))
    dead = dead_urls(world)
    twice = sorted(g for g, rs in by_group.items()
                   if sum(1 for r in rs if not r.get("duplicateOf")) > 1)
    exported = {g for g in groups if by_group.get(g)}
    ledgers = [c for c in (ledger_check(c) for c in run.crawls) if c is not None]
    traced = {served_key(r["url"]) for r in run.records if r.get("url")}
    for crawl in run.crawls:
        traced |= {served_key(u.rstrip(",.;:")) for u in
                   re.findall(r"https?://127\.[0-9.]+:\d+[^\s)>\"']*", crawl.log)}
    article_keys = {served_key(u) for p in placed for u in p.urls}
    article_responses = [r for r in run.requests if r["status"] == 200
                         and (r["host"], r["key"]) in article_keys]
    silent = sorted(f"http://{host}:{world.port}{key}" for host, key in
                    {(r["host"], r["key"]) for r in article_responses} - traced)
    by_mode: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for g, members in groups.items():
        mode = members[0].site.mode + (f" + {members[0].twist}" if members[0].twist else "")
        by_mode[mode][0] += 1
        by_mode[mode][1] += g in exported
    seconds = sum(c.stats.get("elapsed_time_seconds", 0) or 0 for c in run.crawls)
    responses = run.stat("downloader/response_count")
    return {
        "outlets": len(sites),
        "announced": len(groups),
        "exported": len(exported),
        "exported_share": round(len(exported) / len(groups), 4) if groups else 0.0,
        "exported_by_now": len(exported | earlier),
        "exported_more_than_once": len(twice),
        "records": len(run.records),
        "records_not_announced": len(stray),
        "dead_announced": sum(len(s.dead) for s in sites),
        "dead_exported": sum(1 for url in stray if url in dead),
        "reprints": sum(1 for p in placed if p.kind == "reprint"),
        "reprints_marked_copy_of_original": reprints_marked(placed, by_group),
        "ledger": ({"crawls_checked": len(ledgers),
                    "holds": sum(1 for c in ledgers if c["holds"]),
                    "received": sum(c["received"] for c in ledgers),
                    "outcomes": sum(c["outcomes"] for c in ledgers)} if ledgers else None),
        "unsettled": run.stat("newsbot/discovery/unsettled"),
        "article_responses": len(article_responses),
        "article_responses_without_trace": len(silent),
        "refused_off_host": run.stat("sites/refused_off_host"),
        "redirects_off_host": sum(1 for r in run.requests if r["status"] == 301
                                  and "/moved-away-" in r["path"]),
        "responses": responses,
        "responses_served": len(run.requests),
        "seconds": round(seconds, 1),
        "pages_per_s": round(responses / seconds, 1) if seconds else 0.0,
        "crawls": len(run.crawls),
        "crawls_failed": sum(1 for c in run.crawls if c.returncode),
        "by_mode": {m: {"announced": a, "exported": e} for m, (a, e) in sorted(by_mode.items())},
        "revisit_stats": {k: run.stat(k) for k in sorted({k for c in run.crawls
                                                           for k in c.stats
                                                           if k.startswith("newsbot/revisit/")})},
        "lost": lost(run, groups, set(groups) - exported - earlier),
        "without_trace": silent[:40],
        "not_announced_records": stray[:40],
        "more_than_once": twice,
        "_by_group": by_group,
    }


def lost(run: Run, groups: dict[str, list[Placed]], missing: set[str]) -> list[dict[str, Any]]:
    """Every article in ``missing``: how it was announced, what the server saw in this run, what
    the log said."""
    found = []
    logs = "\n".join(c.log for c in run.crawls)
    for g in sorted(missing):
        for p in groups[g]:
            urls = sorted(p.urls)
            keys = {served_key(u) for u in urls}
            seen = [r for r in run.requests if (r["host"], r["key"]) in keys]
            found.append({
                "url": p.site.base + p.announced,
                "site": p.site.name, "mode": p.site.mode, "kind": p.kind, "twist": p.twist,
                "announced_by": list(p.channels),
                "requests": [f"{r['path']} -> {r['status']} (referer {r['referer'] or '-'})"
                             for r in seen[:4]],
                "log": log_lines(logs, set(urls)) or ["nothing"],
            })
    return found


def field_scores(run_groups: dict[str, list[dict[str, Any]]], world: World,
                 extraction: Any) -> dict[str, Any]:
    """Ground-truth accuracy of each exported article's record (its original page's record),
    and of ``newsbot extract`` on the same served pages, with benchmarks/extraction.py's
    metrics."""
    from newsbot.encoding import decode_html

    crawl_fundus: list[tuple[dict, dict]] = []
    direct_fundus: list[tuple[dict, dict]] = []
    crawl_aeb: list[tuple[str, str]] = []
    direct_aeb: list[tuple[str, str]] = []
    for _group, records in sorted(run_groups.items()):
        primary = [r for r in records if r["_placed"].kind != "partner"] or records
        record = next((r for r in primary if not r.get("duplicateOf")), primary[0])
        placed: Placed = record["_placed"]
        page = placed.page
        url = placed.site.base + placed.path
        html = rewrite(page.html, world.rewrites if placed.kind != "reprint" else {
            **world.rewrites, page.host: f"{placed.site.address}:{placed.site.port}"})
        direct = extraction.run_newsbot(decode_html(html), url, Path(page.id))
        if page.dataset == "fundus":
            crawl_fundus.append((page.truth, record))
            direct_fundus.append((page.truth, direct))
        else:
            crawl_aeb.append((page.truth["body"], record.get("articleBody") or ""))
            direct_aeb.append((page.truth["body"], direct.get("articleBody") or ""))

    def summary(fundus: list[tuple[dict, dict]], aeb: list[tuple[str, str]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        if fundus:
            scores = extraction.score_fundus([t for t, _ in fundus], [p for _, p in fundus])
            result["fundus"] = {k: round(v, 4) if isinstance(v, float) else v
                                for k, v in scores.items()}
        if aeb:
            scores = extraction.shingle_scores([extraction.shingle_match(t, p) for t, p in aeb])
            result["aeb"] = {**{k: round(v, 4) for k, v in scores.items()}, "pages": len(aeb)}
        return result

    return {"crawl": summary(crawl_fundus, crawl_aeb),
            "extract": summary(direct_fundus, direct_aeb)}


def second_run(first: dict[str, Any], second: dict[str, Any],
               placed: list[Placed]) -> dict[str, Any]:
    """What the run after the changes found, against what changed."""
    marker = re.compile(r"Update \d+ from the newsroom")
    result: dict[str, Any] = {}
    for kind in ("redated", "silent"):
        changed = [p for p in placed if p.change == kind]
        missed = [p.site.base + p.announced for p in changed if not any(
            marker.search(r.get("articleBody") or "")
            for r in second["_by_group"].get(p.group, []))]
        result |= {f"changed_{kind}": len(changed), f"{kind}_found": len(changed) - len(missed),
                   f"{kind}_missed": missed}
    changed_groups = {p.group for p in placed if p.change}
    again = sorted(g for g in second["_by_group"]
                   if g in first["_by_group"] and g not in changed_groups)
    late = sorted(g for g in second["_by_group"] if g not in first["_by_group"])
    return {**result, "unchanged_exported_again": len(again), "late_first_exports": len(late),
            "unchanged_exported_again_ids": again[:40], "late_ids": late[:40]}


def export_dataset(cwd: Path, out: Path) -> list[dict[str, Any]]:
    """``newsbot export`` of every partition so far: the dataset a user reads."""
    command = [sys.executable, "-m", "newsbot.cli", "export", "--data", str(cwd / "data"),
               "-o", str(out)]
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode or not out.exists():
        print(f"newsbot export failed ({proc.returncode}): {proc.stderr[-2000:]}",
              file=sys.stderr)
        return []
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def dataset_figures(records: list[dict[str, Any]], world: World,
                    sites: list[Site]) -> dict[str, Any]:
    """The exported dataset after a run: records of one article that do not say which one is
    the copy, and reprints resolved to their original."""
    placed = [p for s in sites for p in s.placed]
    by_group, stray = group_records(records, Matcher(world, sites))
    latest = {g: [r for r in rs if not any(
        o is not r and o.get("replaces") == r.get("id") for o in rs)] for g, rs in by_group.items()}
    return {
        "records": len(records),
        "articles": len(by_group),
        "articles_more_than_once": sum(1 for rs in latest.values()
                                       if sum(1 for r in rs if not r.get("duplicateOf")) > 1),
        "reprints_marked_copy_of_original": reprints_marked(placed, by_group),
        "records_not_announced": len(stray),
    }


# --- report -----------------------------------------------------------------------------------

def table(world: World, results: dict[str, Any]) -> str:
    lines = []
    n_articles = len({p.group for p in world.placed})
    lines.append(f"World (seed {world.seed}): {len(world.sites)} loopback outlets, "
                 f"{n_articles} announced articles, "
                 f"{sum(len(s.dead) for s in world.sites)} dead entries; modes: "
                 + ", ".join(f"{m} {c}" for m, c in sorted(
                     Counter(s.mode for s in world.sites).items())))
    lines += ["", "| style | run | outlets | announced | exported | % | exported by now "
              "| more than once (run / dataset) | not announced | dead exported "
              "| reprints marked (run / dataset) | ledger holds "
              "| article responses without trace | unsettled | refused off-host / redirects there "
              "| responses | s "
              "| pages/s | crawls failed |", "|---" * 19 + "|"]
    for style, runs in results["styles"].items():
        for number, f in runs.items():
            ledger = f["ledger"]
            holds = f"{ledger['holds']}/{ledger['crawls_checked']}" if ledger else "n/a"
            lines.append(
                f"| {style} | {number[-1]} | {f['outlets']} | {f['announced']} "
                f"| {f['exported']} | {100 * f['exported_share']:.1f} "
                f"| {f['exported_by_now']} "
                f"| {f['exported_more_than_once']} / "
                f"{f['dataset']['articles_more_than_once']} | {f['records_not_announced']} "
                f"| {f['dead_exported']}/{f['dead_announced']} "
                f"| {f['reprints_marked_copy_of_original']} / "
                f"{f['dataset']['reprints_marked_copy_of_original']} of {f['reprints']} "
                f"| {holds} "
                f"| {f['article_responses_without_trace']}/{f['article_responses']} "
                f"| {f['unsettled']} | {f['refused_off_host']}/{f['redirects_off_host']} "
                f"| {f['responses']} "
                f"| {f['seconds']} | {f['pages_per_s']} | {f['crawls_failed']} |")
    lines += ["", "Second run (after the changes):", "",
              "| style | re-dated changes found | silent changes found | unchanged exported "
              "again | first exported only now | revisit stats |", "|---|---|---|---|---|---|"]
    for style, runs in results["styles"].items():
        c = runs["run2"]["changes"]
        lines.append(f"| {style} | {c['redated_found']}/{c['changed_redated']} "
                     f"| {c['silent_found']}/{c['changed_silent']} "
                     f"| {c['unchanged_exported_again']} | {c['late_first_exports']} "
                     f"| {runs['run2']['revisit_stats'] or '-'} |")
    lines += ["", "Field accuracy, run 1, exported articles (fundus: headline exact, authors F1, "
              "date to the minute / day, body F1; AEB: body F1):", "",
              "| style | system | fundus pages | headline | authors F1 | date minute | date day "
              "| body F1 | AEB pages | AEB body F1 |", "|---|---|---|---|---|---|---|---|---|---|"]
    for style, runs in results["styles"].items():
        for system, f in runs["run1"]["fields"].items():
            fu, ae = f.get("fundus", {}), f.get("aeb", {})
            label = "crawl" if system == "crawl" else "newsbot extract, same pages"
            lines.append(f"| {style} | {label} | {fu.get('pages', 0)} "
                         f"| {fu.get('headline_exact', 0):.3f} | {fu.get('authors_f1', 0):.3f} "
                         f"| {fu.get('date_minute', 0):.3f} | {fu.get('date_day', 0):.3f} "
                         f"| {fu.get('body_f1', 0):.3f} | {ae.get('pages', 0)} "
                         f"| {ae.get('f1', 0):.3f} |")
    modes = sorted({m for runs in results["styles"].values() for m in runs["run1"]["by_mode"]})
    styles = list(results["styles"])
    lines += ["", "Run 1 by how the article was announced (exported / announced):", "",
              "| announced by | " + " | ".join(styles) + " |", "|---|" + "---|" * len(styles)]
    for mode in modes:
        cells = []
        for style in styles:
            m = results["styles"][style]["run1"]["by_mode"].get(mode)
            cells.append(f"{m['exported']}/{m['announced']}" if m else "-")
        lines.append(f"| {mode} | " + " | ".join(cells) + " |")
    for style, runs in results["styles"].items():
        for number, f in runs.items():
            if f["lost"] and number == "run2":
                lines += ["", f"Still never exported after run 2 ({style}, "
                          f"{len({x['url'] for x in f['lost']})}): "
                          + ", ".join(sorted({x["url"] for x in f["lost"]}))]
            elif f["lost"]:
                lines += ["", f"Lost in run 1 ({style}, {len({x['url'] for x in f['lost']})}):"]
                for item in f["lost"]:
                    lines.append(f"- {item['url']} [{item['site']}: {item['mode']}"
                                 + (f", {item['twist']}" if item["twist"] else "")
                                 + (f", {item['kind']}" if item["kind"] != "article" else "")
                                 + f"; announced by {', '.join(item['announced_by'])}]")
                    lines.append(f"    server: {'; '.join(item['requests']) or 'never requested'}")
                    lines.append(f"    log: {' | '.join(item['log'])}")
            for key, label in (("without_trace", "article responses without a trace in export "
                                "or log"), ("not_announced_records", "records that are no "
                                "announced article"), ("more_than_once", "articles exported "
                                "more than once")):
                if f.get(key):
                    lines += ["", f"{style} {number.replace('run', 'run ')}, {label}: "
                              + ", ".join(f[key])]
            for kind in ("redated", "silent"):
                if f.get("changes", {}).get(f"{kind}_missed"):
                    lines += ["", f"{style} run 2, {kind} changes not found: "
                              + ", ".join(f["changes"][f"{kind}_missed"])]
    return "\n".join(lines)


def public(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in figures.items() if not k.startswith("_")}


def parse_set(values: list[str]) -> dict[str, str]:
    settings = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name:
            raise SystemExit(f"-s {value!r}: want NAME=VALUE")
        settings[name] = setting
    return settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, required=True, metavar="DIR",
                        help="folder of dataset folders (aeb-dev, fundus-dev layouts)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the figures here")
    parser.add_argument("--work", type=Path, metavar="DIR",
                        help="keep the crawls' folders, logs and the server's request logs here")
    parser.add_argument("--seed", type=int, default=12, help="arrangement of the world")
    parser.add_argument("--styles", default="home,declared",
                        help="home (one -a home= crawl per outlet), declared (one crawl of all "
                             "outlets in NEWSBOT_OUTLETS_FILE), or both")
    parser.add_argument("--home-outlets", default="40", metavar="N|all",
                        help="outlets crawled with home=, one process each (default 40: one "
                             "of each kind of announcement first, then in the world's order)")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy/newsbot setting for every crawl (repeatable)")
    args = parser.parse_args(argv)
    styles = [s.strip() for s in args.styles.split(",") if s.strip()]
    if not styles or set(styles) - set(STYLES):
        raise SystemExit(f"--styles: choose from {', '.join(STYLES)}")
    extra = parse_set(args.set)

    sys.path.insert(0, str(BENCHMARKS))
    import extraction  # the metrics of benchmarks/extraction.py

    pages = read_datasets(args.datasets)
    world = build_world(pages, args.seed, free_port())
    results: dict[str, Any] = {"seed": args.seed, "settings": extra, "styles": {}}
    with tempfile.TemporaryDirectory(prefix="newsbot-sites-") as tmp:
        work = (args.work or Path(tmp)).resolve()
        work.mkdir(parents=True, exist_ok=True)
        print(f"{len(pages)} pages, {len(world.sites)} outlets on 127.0.x.y:{world.port}; "
              f"work folder {work}", file=sys.stderr)
        for style in styles:
            sites = home_subset(world, None if args.home_outlets == "all" else
                                int(args.home_outlets)) if style == "home" else world.sites
            runs: dict[str, Any] = {}
            earlier: set[str] = set()
            for number in (1, 2):
                log_path = work / f"{style}-run{number}-requests.jsonl"
                log_path.unlink(missing_ok=True)
                with Server(world, number, log_path):
                    crawls = STYLES[style](sites, work / style, number, extra)
                run = Run(crawls, read_requests(log_path))
                figures = score(run, world, sites, earlier)
                dataset = export_dataset(work / style, work / f"{style}-run{number}-dataset.jsonl")
                figures["dataset"] = dataset_figures(dataset, world, sites)
                figures["command"] = shlex.join(crawls[0].command) if crawls else None
                if number == 1:
                    figures["fields"] = field_scores(figures["_by_group"], world, extraction)
                else:
                    figures["changes"] = second_run(runs["run1"], figures,
                                                    [p for s in sites for p in s.placed])
                earlier |= set(figures["_by_group"])
                runs[f"run{number}"] = figures
                print(f"  {style} run {number}: {figures['exported']}/{figures['announced']} "
                      f"exported", file=sys.stderr)
            results["styles"][style] = runs
    print(table(world, results))
    if args.json:
        out = {**results, "world": {
            "sites": len(world.sites), "articles": len({p.group for p in world.placed}),
            "modes": dict(Counter(s.mode for s in world.sites)),
            "dead": sum(len(s.dead) for s in world.sites),
            "changed": dict(Counter(p.change for p in world.placed if p.change))},
            "styles": {style: {n: public(f) for n, f in runs.items()}
                       for style, runs in results["styles"].items()}}
        args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
