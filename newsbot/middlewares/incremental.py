"""Scheduled runs fetch only what is new: the crawl state between the spider and the web.

* :class:`IncrementalMiddleware` (spider middleware) lets through only article requests whose
  URL is new, still pending, or re-dated by its sitemap or feed; records them as pending first;
  hands back at start what earlier runs left pending; remembers a sitemap's or feed's ETag and
  Last-Modified once its entries are recorded.
* :class:`ConditionalGetMiddleware` (downloader middleware) sends those validators with the
  next run's request and drops a ``304 Not Modified`` quietly.

Sitemaps and feeds are the requests whose callback is ``parse_sitemap`` or ``parse_feed``;
articles those whose callback is ``parse_article`` (the spiders' contract, see
:mod:`newsbot.spiders.news`). A sitemap index is always fetched in full: its children can change
while it does not.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter, is_item
from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured

from newsbot.extensions.state import STATE_KEY, CrawlStateKeeper
from newsbot.extraction.dates import normalise_date
from newsbot.state import Cursor, Found, article_key
from newsbot.urls import url_key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

DOCUMENT_CALLBACKS = frozenset({"parse_sitemap", "parse_feed"})
ARTICLE_CALLBACK = "parse_article"
BATCH = 500
"""Article requests decided together (one state transaction, bounded memory)."""
CONDITIONAL = "newsbot_conditional"


def callback_name(request: Request) -> str | None:
    return getattr(request.callback, "__name__", None)


def announced_date(entry: dict[str, Any]) -> str | None:
    """The date a sitemap or feed entry gives (last modified, else published), normalised."""
    return normalise_date(entry.get("lastmod") or entry.get("published") or "")


def _keeper(crawler: Crawler) -> CrawlStateKeeper:
    keeper = crawler.get_extension(CrawlStateKeeper)
    if keeper is None:
        raise NotConfigured("no crawl state for this crawl")
    return keeper


class IncrementalMiddleware:
    def __init__(self, crawler: Crawler, keeper: CrawlStateKeeper):
        self.crawler = crawler
        self.stats = crawler.stats
        self.keeper = keeper
        self.state = keeper.state

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        return cls(crawler, _keeper(crawler))

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for request in start:
            yield request
        callback = getattr(self.crawler.spider, ARTICLE_CALLBACK)
        for outlet in self.keeper.outlets:
            for found in self.state.pending(outlet):
                self.stats.inc_value("newsbot/state/resumed")
                yield Request(found.url, callback, meta={
                    "outlet": outlet, "entry": {"loc": found.url, "lastmod": found.date},
                    STATE_KEY: found.key})

    async def process_spider_output(self, response: Response,
                                    result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        outlet: str = response.meta.get("outlet") or ""
        batch: list[Request] = []
        index = False
        async for obj in result:
            if isinstance(obj, Request) and callback_name(obj) == ARTICLE_CALLBACK \
                    and obj.meta.get("entry") is not None and outlet:
                batch.append(obj)
                if len(batch) >= BATCH:
                    for request in self._worth_fetching(outlet, batch):
                        yield request
                    batch = []
                continue
            if isinstance(obj, Request) and callback_name(obj) in DOCUMENT_CALLBACKS:
                index = True
            elif is_item(obj) and STATE_KEY in response.meta:
                self._resolve(outlet, response.meta[STATE_KEY], ItemAdapter(obj))
            yield obj
        for request in self._worth_fetching(outlet, batch):
            yield request
        if response.request is not None and response.status == 200 \
                and callback_name(response.request) in DOCUMENT_CALLBACKS:
            self._remember(outlet, response, index)

    def _worth_fetching(self, outlet: str, requests: list[Request]) -> Iterable[Request]:
        if not requests:
            return []
        found = [Found(url_key(r.url), r.url, announced_date(r.meta["entry"])) for r in requests]
        decisions = self.state.discover(outlet, found)
        unschedule = getattr(self.crawler.spider, "unschedule", None)
        kept = []
        for request, entry, fetch in zip(requests, found, decisions, strict=True):
            if fetch:
                request.meta[STATE_KEY] = entry.key
                kept.append(request)
            elif unschedule:
                unschedule(outlet, request.url)
        self.stats.inc_value("newsbot/state/to_fetch", len(kept))
        self.stats.inc_value("newsbot/state/skipped", len(requests) - len(kept))
        return kept

    def _resolve(self, outlet: str | None, key: str, article: ItemAdapter) -> None:
        """Remember the article a URL led to, when it has a key of its own."""
        if not article.get("url"):
            return
        resolved = article_key(article["url"], article.get("canonicalUrl"))
        if resolved != key and outlet:
            self.state.resolved(outlet, key, resolved, article["url"])

    def _remember(self, outlet: str | None, response: Response, index: bool) -> None:
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        if outlet and (etag or modified):
            url = (response.meta.get("redirect_urls") or [response.url])[0]
            self.state.save_cursor(outlet, Cursor(
                url, etag.decode("latin-1") if etag else None,
                modified.decode("latin-1") if modified else None, refetch=index))


class ConditionalGetMiddleware:
    def __init__(self, crawler: Crawler, keeper: CrawlStateKeeper):
        self.stats = crawler.stats
        self.state = keeper.state

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        return cls(crawler, _keeper(crawler))

    def process_request(self, request: Request) -> None:
        if callback_name(request) not in DOCUMENT_CALLBACKS or CONDITIONAL in request.meta:
            return
        cursor = self.state.cursor(request.url)
        if cursor is None or cursor.refetch or not (cursor.etag or cursor.last_modified):
            return
        if cursor.etag:
            request.headers["If-None-Match"] = cursor.etag
        if cursor.last_modified:
            request.headers["If-Modified-Since"] = cursor.last_modified
        request.meta[CONDITIONAL] = True

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status == 304 and request.meta.get(CONDITIONAL):
            self.stats.inc_value("newsbot/state/not_modified")
            logger.debug("Not modified since the last run: %s", request.url)
            raise IgnoreRequest(f"not modified since the last run: {request.url}")
        return response
