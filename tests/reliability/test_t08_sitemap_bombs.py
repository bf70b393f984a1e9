"""T8: sitemap bombs (gzip'd files and gzip'd transfers) and oversize sitemaps."""

from __future__ import annotations

import gzip

import pytest

import bombs
from crawling import lines, stats
from faultserver import FaultServer
from support import article_page, lorem, run_crawl

ROBOTS = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")
MAX_BYTES = 8 * 1024 * 1024  # NEWSBOT_SITEMAP_MAX_BYTES for this test (default 50 MiB)
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def urlset(base: str, recent: list[str], old: int, pad: int = 0) -> bytes:
    fresh = "".join(f"<url><loc>{base}{p}</loc><lastmod>2026-11-20</lastmod></url>" for p in recent)
    filler = "x" * pad
    stale = "".join(f"<url><loc>{base}/old/{i}{filler}</loc><lastmod>2001-01-01</lastmod></url>"
                    for i in range(old))
    return f"<urlset {NS}>{fresh}{stale}</urlset>".encode()


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    with FaultServer() as server:
        base = server.base_url
        story = {f"/s{i}": (200, {}, article_page(f"Story {i}", lorem(f"s{i}")).encode())
                 for i in range(4)}
        server.routes.update({
            "/robots.txt": ROBOTS, **story,
            # a .xml.gz file, no Content-Encoding: inflates to 1 GiB
            "/bomb.xml.gz": (200, {"Content-Type": "application/x-gzip"}, bombs.gzip_bomb()),
            # the same inside an HTTP gzip transfer: two layers
            "/double.xml.gz": (200, {"Content-Type": "application/x-gzip",
                                     "Content-Encoding": "gzip"}, bombs.stacked_gzip_bomb()),
            # valid, but 60 000 URLs: over the protocol's 50 000
            "/big.xml": (200, {"Content-Type": "application/xml"},
                         urlset(base, ["/s0", "/s1"], 60_000)),
            # valid, but larger than NEWSBOT_SITEMAP_MAX_BYTES
            "/huge.xml": (200, {"Content-Type": "application/xml"},
                          urlset(base, ["/s3"], 40_000, pad=200)),
            # a news sitemap of 5 000 URLs, gzip'd by HTTP
            "/news.xml": (200, {"Content-Type": "application/xml", "Content-Encoding": "gzip"},
                          gzip.compress(urlset(base, ["/s2"], 5_000))),
        })
        sitemaps = ["/bomb.xml.gz", "/double.xml.gz", "/big.xml", "/huge.xml", "/news.xml"]
        outlet = {"name": "bombed", "title": "Bombed", "home": base + "/",
                  "sitemaps": [base + p for p in sitemaps]}
        result = run_crawl(tmp_path_factory.mktemp("t08"), "news",
                           {"outlet": "bombed", "since": "2026-11-01"}, outlets=[outlet],
                           settings={"NEWSBOT_SITEMAP_MAX_BYTES": str(MAX_BYTES),
                                     "MEMUSAGE_CHECK_INTERVAL_SECONDS": "0.1"})
        yield server, result


def test_t08_bombs_are_rejected_with_a_warning_and_a_stat(crawl):
    server, result = crawl
    assert result.returncode == 0, result.log
    for path in ("/bomb.xml.gz", "/double.xml.gz"):
        (warning,) = lines(result.log, "WARNING", f"Ignoring invalid sitemap {server.url(path)}")
        assert f"gzip body inflates beyond {MAX_BYTES} bytes" in warning
    assert stats(result.log)["newsbot/xml/rejected"] == 2


def test_t08_oversize_sitemaps_are_cut_at_the_protocol_limits(crawl):
    server, result = crawl
    assert lines(result.log, "WARNING", f"Sitemap {server.url('/big.xml')} has more than 50000 "
                                        f"entries; the rest were ignored")
    # Over NEWSBOT_SITEMAP_MAX_BYTES: refused from its Content-Length, before reading it.
    (refused,) = lines(result.log, "WARNING", f"<GET {server.url('/huge.xml')}>")
    assert f"larger than download max size ({MAX_BYTES})" in refused
    assert len(lines(result.log, "ERROR", server.url("/huge.xml"))) == 1


def test_t08_valid_entries_are_crawled_and_memory_stays_bounded(crawl):
    _, result = crawl
    assert sorted(i["headline"] for i in result.items) == ["Story 0", "Story 1", "Story 2"]
    # Old entries (all of the news sitemap's but one are the big one's too) are not fetched.
    assert stats(result.log)["newsbot/discovery/too_old"] == 50_000 - 2
    memory = stats(result.log)
    rise = memory["memusage/max"] - memory["memusage/startup"]
    assert rise < 150 * 1024 * 1024, rise
