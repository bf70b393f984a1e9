"""T7: gzip, deflate, brotli and zstd bombs over HTTP (1 GiB of zeros each)."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest
import scrapy
from backports import zstd
from packaging.version import Version

import bombs
from crawling import lines, stats
from faultserver import FaultServer
from newsbot.middlewares.compression import ends_properly
from support import article_page, lorem, run_crawl

ROBOTS = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")
MAXSIZE = 16 * 1024 * 1024  # newsbot's DOWNLOAD_MAXSIZE


def encoded(encoding: str, body: bytes):
    return 200, {"Content-Type": "text/html", "Content-Encoding": encoding}, body


def test_t07_scrapy_bounds_decompression():
    # Decompression is bounded by DOWNLOAD_MAXSIZE from Scrapy 2.13.4 on (CVE-2025-6176).
    assert Version(scrapy.__version__) >= Version("2.13.4")


def test_t07_bombs_are_ignored_with_a_warning_in_bounded_memory(tmp_path):
    page = article_page("Healthy story", lorem("healthy")).encode()
    routes = {
        "/robots.txt": ROBOTS,
        "/gzip": encoded("gzip", bombs.gzip_bomb()),
        "/deflate": encoded("deflate", bombs.deflate_bomb()),
        "/br": encoded("br", bombs.brotli_bomb()),
        "/zstd": encoded("zstd", bombs.zstd_bomb()),
        "/gzip-gzip": encoded("gzip, gzip", bombs.stacked_gzip_bomb()),
        "/truncated-gzip": encoded("gzip", gzip.compress(page)[:200]),
        "/story.html": encoded("gzip", gzip.compress(page)),
    }
    with FaultServer(routes) as server:
        urls = [server.url(p) for p in routes if p != "/robots.txt"]
        result = run_crawl(tmp_path, "article", {"url": ",".join(urls)},
                           settings={"MEMUSAGE_CHECK_INTERVAL_SECONDS": "0.1"})

    assert result.returncode == 0, result.log
    assert [i["headline"] for i in result.items] == ["Healthy story"]  # the crawl went on
    for path in ("/gzip", "/deflate", "/br", "/zstd", "/gzip-gzip"):
        (warning,) = lines(result.log, "WARNING", f"Ignored response <200 {server.url(path)}>")
        assert f"exceeded DOWNLOAD_MAXSIZE ({MAXSIZE} B) during decompression" in warning
    # A gzip stream cut short would inflate, without complaint, to half an article.
    assert lines(result.log, "WARNING",
                 f"Ignored response <200 {server.url('/truncated-gzip')}>: its gzip body is "
                 f"truncated")
    assert "Traceback" not in result.log
    # All five bombs together: the refusals drop the partly inflated bodies at once.
    memory = stats(result.log)
    assert memory["memusage/max"] - memory["memusage/startup"] < 2 * MAXSIZE


@pytest.mark.parametrize("encoding", [b"gzip", b"deflate", b"br", b"zstd"])
def test_t07_truncated_streams_are_told_from_whole_ones(encoding):
    page = article_page("Whole story", lorem("whole")).encode()
    compress = {b"gzip": gzip.compress, b"deflate": zlib.compress, b"br": brotli.compress,
                b"zstd": zstd.compress}[encoding]
    whole = compress(page)
    assert ends_properly(whole, encoding, MAXSIZE)
    assert not ends_properly(whole[: len(whole) // 2], encoding, MAXSIZE)
    bomb = {b"gzip": bombs.gzip_bomb, b"deflate": bombs.deflate_bomb, b"br": bombs.brotli_bomb,
            b"zstd": bombs.zstd_bomb}[encoding]()
    assert ends_properly(bomb, encoding, MAXSIZE)  # the size check's to refuse, not this one
