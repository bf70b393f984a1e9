"""Scheduled runs fetch only what is new: the crawl state between the spider and the web.

* :class:`IncrementalMiddleware` (spider middleware) lets through only article requests whose
  URL is new, still pending, or re-dated by its sitemap or feed; records them as pending first;
  hands back at start what earlier runs left pending, then the revisits that are due (within
  ``NEWSBOT_REVISIT_MAX_PER_RUN``, at a lower priority than new URLs); remembers a sitemap's or
  feed's ETag and Last-Modified once its entries are recorded, and tells the crawl state keeper
  which page each article was read from. A front that turned out to be an article
  (:mod:`newsbot.discovery.roles`) is recorded as an article too, and a link to an article
  already exported is requested as that article (so known, it is not fetched again), not as a
  front.
* :class:`ConditionalGetMiddleware` (downloader middleware) sends those validators (and an
  article's, on a revisit) with the next run's request and drops a ``304 Not Modified`` quietly.

Sitemaps and feeds are the requests whose callback is ``parse_sitemap`` or ``parse_feed``;
articles those whose callback is ``parse_article`` (the spiders' contract, see
:mod:`newsbot.spiders.news`). A sitemap index is always fetched in full: its children can change
while it does not.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter, is_item
from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured

from newsbot.extensions.ledger import settle_response
from newsbot.extensions.state import REVISIT, STATE_KEY, CrawlStateKeeper, validators
from newsbot.extraction.dates import normalise_date
from newsbot.state import Cursor, Found, article_key, parse_schedule
from newsbot.urls import url_key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

DOCUMENT_CALLBACKS = frozenset({"parse_sitemap", "parse_feed"})
ARTICLE_CALLBACK = "parse_article"
FRONT_CALLBACK = "parse_front"
BATCH = 500
"""Article requests decided together (one state transaction, bounded memory)."""
CONDITIONAL = "newsbot_conditional"
REVISIT_PRIORITY = -10
"""Below new article URLs (0, agencies 10): revisits take what capacity is left."""


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
        settings = crawler.settings
        self.revisiting = bool(parse_schedule(settings.get("NEWSBOT_REVISIT_SCHEDULE")))
        self.max_revisits = settings.getint("NEWSBOT_REVISIT_MAX_PER_RUN")

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
        for request in self._revisits(callback):
            yield request

    def _revisits(self, callback: Any) -> Iterator[Request]:
        """Requests for the articles whose revisit is due, within the run's budget."""
        if not self.revisiting:
            return
        budget, now = self.max_revisits, time.time()
        for outlet in self.keeper.outlets:
            due = self.state.revisits(outlet, now, budget)
            budget -= len(due.revisits)
            self.stats.inc_value("newsbot/revisit/due", due.count)
            self.stats.inc_value("newsbot/revisit/requested", len(due.revisits))
            if due.count > len(due.revisits):
                logger.info("%d revisit(s) of %s due, %d made in this run "
                            "(NEWSBOT_REVISIT_MAX_PER_RUN); the rest wait for the next run",
                            due.count, outlet, len(due.revisits))
            for revisit in due.revisits:
                yield Request(revisit.url, callback, priority=REVISIT_PRIORITY, meta={
                    "outlet": outlet, STATE_KEY: revisit.key, REVISIT: True})

    async def process_spider_output(self, response: Response,
                                    result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        outlet: str = response.meta.get("outlet") or ""
        batch: list[Request] = []
        index = False
        async for obj in result:
            if isinstance(obj, Request) and outlet and callback_name(obj) == FRONT_CALLBACK \
                    and self.state.article(url_key(obj.url)) is not None:
                obj = self._as_article(obj, outlet)
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
            elif is_item(obj) and outlet:
                if STATE_KEY not in response.meta:
                    self._front_is_article(outlet, response)
                self.keeper.fetched(ItemAdapter(obj), response)
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

    def _as_article(self, request: Request, outlet: str) -> Request:
        """A link to an article already exported, requested as that article: the state decides
        whether to fetch it (only if still pending), not the path that found it."""
        self.stats.inc_value("newsbot/state/known_articles")
        return request.replace(callback=getattr(self.crawler.spider, ARTICLE_CALLBACK),
                               meta={"outlet": outlet, "entry": {"loc": request.url}})

    def _front_is_article(self, outlet: str, response: Response) -> None:
        """A front gave an article: record its URL as an article's, pending until handled."""
        url = (response.meta.get("redirect_urls") or [response.url])[0]
        key = url_key(url)
        self.state.discover(outlet, [Found(key, url)])
        response.meta[STATE_KEY] = key

    def _resolve(self, outlet: str | None, key: str, article: ItemAdapter) -> None:
        """Remember the article a URL led to, when it has a key of its own."""
        if not article.get("url"):
            return
        resolved = article_key(article["url"], article.get("canonicalUrl"))
        if resolved != key and outlet:
            self.state.resolved(outlet, key, resolved, article["url"])

    def _remember(self, outlet: str | None, response: Response, index: bool) -> None:
        etag, modified = validators(response)
        if outlet and (etag or modified):
            url = (response.meta.get("redirect_urls") or [response.url])[0]
            self.state.save_cursor(outlet, Cursor(url, etag, modified, refetch=index))


class ConditionalGetMiddleware:
    def __init__(self, crawler: Crawler, keeper: CrawlStateKeeper):
        self.crawler = crawler
        self.stats = crawler.stats
        self.keeper = keeper
        self.state = keeper.state

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        return cls(crawler, _keeper(crawler))

    def process_request(self, request: Request) -> None:
        if CONDITIONAL in request.meta:
            return
        if request.meta.get(REVISIT):
            cursor = self.state.validators(request.meta[STATE_KEY])
        elif callback_name(request) in DOCUMENT_CALLBACKS:
            cursor = self.state.cursor(request.url)
        else:
            return
        if cursor is None or cursor.refetch or not (cursor.etag or cursor.last_modified):
            return
        if cursor.etag:
            request.headers["If-None-Match"] = cursor.etag
        if cursor.last_modified:
            request.headers["If-Modified-Since"] = cursor.last_modified
        request.meta[CONDITIONAL] = True

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status != 304 or not request.meta.get(CONDITIONAL):
            return response
        if request.meta.get(REVISIT):
            self.stats.inc_value("newsbot/revisit/not_modified")
            self.keeper.not_modified(request, response)
        else:
            self.stats.inc_value("newsbot/state/not_modified")
        logger.debug("Not modified since the last run: %s", request.url)
        settle_response(self.crawler, request, "not_modified")
        raise IgnoreRequest(f"not modified since the last run: {request.url}")
