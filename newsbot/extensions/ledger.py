"""Feeds the page ledger (:mod:`newsbot.ledger`) from Scrapy's signals: one outcome per response.

* :class:`PageLedger` (extension) opens a page for each response that reaches the engine and
  settles it from what follows: the spider dropped it, a pipeline dropped its item
  (:class:`newsbot.pipelines.Dropped` says how), a feed wrote its item to disk
  (:data:`newsbot.exporters.batch_written`), or the spider was done with it (its role's
  outcome: front, sitemap, feed, robots.txt, or the HTTP error that kept it from the spider).
  Responses that never reach the engine are settled by the component that stopped them, which
  sends :data:`page_outcome`: a redirect or a retry followed, a ``304``, a bot challenge, a
  broken compressed body. At the end of the run it counts and logs the announced articles that
  were not settled (``newsbot/discovery/unsettled``); they do not change the exit status (with
  a crawl state they are still pending, and the next run fetches them).
* :class:`LedgerSpiderMiddleware`, next to the engine, tells it which items each response gave
  and when the spider was done with it.
* :class:`LedgerDownloaderMiddleware`, next to the engine too, tells it which article URLs were
  requested, and why those that got no response did not.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter, is_item
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.extensions.feedexport import FeedExporter
from scrapy.http.request import NO_CALLBACK

from newsbot.dupefilter import page_roles
from newsbot.exporters import batch_written, feed_opened
from newsbot.ledger import PREFIX, SHOWN_UNSETTLED, UNSETTLED_STAT, Ledger, Page
from newsbot.middlewares.failures import describe
from newsbot.urls import url_key

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

page_outcome = object()
"""Signal (``request``, ``outcome``): a component settled the response to ``request``."""
PAGE = "newsbot_page"
"""Request meta: the ledger's id of the response being handled."""
ROLES = {"parse_front": "front", "parse_sitemap": "sitemap", "parse_feed": "feed",
         "parse_robots": "robots.txt", "parse_article": "article"}


def settle_response(crawler: Crawler, request: Request | None, outcome: str) -> None:
    """Settle the response to ``request`` as ``outcome`` (a no-op without the ledger, or for a
    response made without a request, which no download counted)."""
    if request is not None:
        crawler.signals.send_catch_log(page_outcome, request=request, outcome=outcome)


def urls_of(request: Request, response: Response | None = None) -> tuple[str, ...]:
    """Keys of the URLs a response answers: the first requested (before redirects), the last."""
    first = (request.meta.get("redirect_urls") or [request.url])[0]
    return tuple(dict.fromkeys(url_key(u) for u in (first, request.url,
                                                     *([response.url] if response else []))))


def is_article_request(request: Request) -> bool:
    return getattr(request.callback, "__name__", None) == "parse_article"


class PageLedger:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.ledger = Ledger(count=lambda o: self.stats.inc_value(PREFIX + o))
        self._ids = itertools.count(1)
        self._feeds = 0
        self._items: dict[int, tuple[Any, int]] = {}
        """id(item) -> (item, page id), for items the spider gave that are not settled yet"""
        self._closed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageLedger:
        ledger = cls(crawler)
        for handler, signal in (
                (ledger.response_received, signals.response_received),
                (ledger.item_scraped, signals.item_scraped),
                (ledger.item_dropped, signals.item_dropped),
                (ledger.item_error, signals.item_error),
                (ledger.outcome, page_outcome),
                (ledger.feed_opened, feed_opened),
                (ledger.batch_written, batch_written),
                (ledger.spider_closed, signals.spider_closed),
                (ledger.feeds_closed, signals.feed_exporter_closed)):
            crawler.signals.connect(handler, signal=signal)
        return ledger

    # --- responses ----------------------------------------------------------------------------
    def response_received(self, response: Response, request: Request) -> None:
        if request.callback is NO_CALLBACK:  # robots.txt, read by the robots.txt middleware
            self.ledger.settle("robots.txt" if urlsplit(request.url).path == "/robots.txt"
                               else "error/no_callback")
            return
        page_id = next(self._ids)
        request.meta[PAGE] = page_id
        role = ROLES.get(getattr(request.callback, "__name__", ""), "article")
        self.ledger.received(page_id, Page(role, response.status, urls_of(request, response)))

    def outcome(self, request: Request, outcome: str) -> None:
        page_id = request.meta.get(PAGE)
        if page_id in self.ledger.pages:
            self.ledger.offer(page_id, outcome)
        else:  # stopped before it reached the spider
            self.ledger.settle(outcome, urls_of(request))

    # --- items --------------------------------------------------------------------------------
    def feed_opened(self, feed: Any) -> None:
        self._feeds += 1

    def item_yielded(self, item: Any, page_id: int) -> None:
        """The spider gave ``item`` for page ``page_id`` (pipelines keep the same object)."""
        self._items[id(item)] = (item, page_id)
        self.ledger.item_yielded(page_id)

    def item_scraped(self, item: Any) -> None:
        if not self._feeds:  # no feed says when it is on disk: exported when scraped
            self._settle(item, exported(item))

    def batch_written(self, feed: Any, items: list[Any]) -> None:
        for item in items:  # the first feed to write it settles it
            self._settle(item, exported(item))

    def item_dropped(self, item: Any, exception: Exception) -> None:
        self._settle(item, getattr(exception, "outcome", None) or "dropped/other")

    def item_error(self, item: Any) -> None:
        self._settle(item, "error/pipeline")

    def _settle(self, item: Any, outcome: str) -> None:
        if (entry := self._items.pop(id(item), None)) is not None:
            self.ledger.item_settled(entry[1], outcome)

    # --- the end ------------------------------------------------------------------------------
    def spider_closed(self) -> None:
        if self.crawler.get_extension(FeedExporter) is None:
            self.close()  # else once the feeds have written their last batch

    def feeds_closed(self) -> None:
        self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for key, meta in page_roles(self.crawler).waiting().items():
            self.ledger.announce(key, (meta.get("entry") or {}).get("loc") or key)
            self.ledger.note(key, "announced while its page was queued as a front, which got "
                                  "no answer the spider could read")
        unsettled = self.ledger.close()
        self.stats.set_value(UNSETTLED_STAT, len(unsettled))
        if unsettled:
            logger.warning("%d article URL(s) announced in this run were not settled (neither "
                           "exported nor dropped with a reason)%s:\n%s", len(unsettled),
                           "; with a crawl state they stay pending for the next run"
                           if getattr(self.crawler.spider, "incremental", False) else "",
                           "\n".join(f"  {url}: {why}"
                                     for url, why in unsettled[:SHOWN_UNSETTLED]))


def exported(item: Any) -> str:
    version = ItemAdapter(item).get("version")
    return "exported/new_version" if version and version > 1 else "exported/new"


def _extension(crawler: Crawler) -> PageLedger:
    extension = crawler.get_extension(PageLedger)
    if extension is None:
        raise NotConfigured("the page ledger is off")
    return extension


class LedgerSpiderMiddleware:
    def __init__(self, extension: PageLedger):
        self.extension = extension
        self.ledger = extension.ledger

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LedgerSpiderMiddleware:
        return cls(_extension(crawler))

    async def process_spider_output(self, response: Response,
                                    result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        page_id = response.meta.get(PAGE, 0)
        try:
            async for obj in result:
                if is_item(obj):
                    self.extension.item_yielded(obj, page_id)
                yield obj
        finally:
            self.ledger.spider_done(page_id)

    def process_spider_exception(self, response: Response, exception: Exception) -> None:
        """Called last, so only for an exception no other middleware handled."""
        page_id = response.meta.get(PAGE, 0)
        self.ledger.offer(page_id, f"error/{type(exception).__name__}")
        self.ledger.spider_done(page_id)


class LedgerDownloaderMiddleware:
    def __init__(self, ledger: Ledger):
        self.ledger = ledger

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LedgerDownloaderMiddleware:
        return cls(_extension(crawler).ledger)

    def process_request(self, request: Request) -> None:
        if is_article_request(request):
            self.ledger.announce(url_key(request.url), request.url)

    def process_exception(self, request: Request, exception: Exception) -> None:
        if is_article_request(request):
            for key in urls_of(request):
                self.ledger.note(key, describe(exception))
