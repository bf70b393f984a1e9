"""Conditional GET of sitemaps and feeds, with validators a previous run saved in a real state."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from newsbot.middlewares.incremental import ConditionalGetMiddleware
from newsbot.state import Cursor
from newsbot.state.sqlite import SqliteState


class NewsLike(Spider):
    name = "newslike"

    def parse_sitemap(self, response): ...

    def parse_feed(self, response): ...

    def parse_article(self, response): ...


@pytest.fixture
def conditional(tmp_path):
    state = SqliteState(tmp_path / "crawl.sqlite", ttl=86400)
    state.save_cursor("x", Cursor("https://x.test/rss.xml", None, "Wed, 25 Nov 2026 10:00:00 GMT"))
    state.save_cursor("x", Cursor("https://x.test/news.xml", '"v1"', None))
    state.save_cursor("x", Cursor("https://x.test/index.xml", '"i1"', None, refetch=True))
    crawler = get_crawler(NewsLike)
    crawler.stats.open_spider()
    yield ConditionalGetMiddleware(crawler, SimpleNamespace(state=state)), NewsLike(), crawler
    state.close()


def test_validators_go_only_to_sitemaps_and_feeds_seen_before(conditional):
    mw, spider, _ = conditional
    feed = Request("https://x.test/rss.xml", spider.parse_feed)
    sitemap = Request("https://x.test/news.xml", spider.parse_sitemap)
    index = Request("https://x.test/index.xml", spider.parse_sitemap)
    article = Request("https://x.test/rss.xml", spider.parse_article)  # same URL, not a document
    new = Request("https://x.test/other.xml", spider.parse_sitemap)
    for request in (feed, sitemap, index, article, new):
        mw.process_request(request)
    assert feed.headers["If-Modified-Since"] == b"Wed, 25 Nov 2026 10:00:00 GMT"
    assert b"If-None-Match" not in feed.headers
    assert sitemap.headers["If-None-Match"] == b'"v1"'
    for request in (index, article, new):  # an index is always fetched in full
        assert b"If-None-Match" not in request.headers
        assert b"If-Modified-Since" not in request.headers


def test_not_modified_is_dropped_quietly_and_counted(conditional):
    mw, spider, crawler = conditional
    sitemap = Request("https://x.test/news.xml", spider.parse_sitemap)
    mw.process_request(sitemap)
    with pytest.raises(IgnoreRequest, match="not modified since the last run"):
        mw.process_response(sitemap, Response(sitemap.url, status=304))
    assert crawler.stats.get_value("newsbot/state/not_modified") == 1
    fresh = Response(sitemap.url, status=200)
    assert mw.process_response(sitemap, fresh) is fresh
    unasked = Request("https://x.test/other.xml", spider.parse_sitemap)  # 304 we did not ask for
    assert mw.process_response(unasked, Response(unasked.url, status=304)).status == 304
