"""Opens the crawl state for a scheduled crawl, locks its outlets, and records what it handles.

Enabled for spiders with ``incremental = True`` (the ``news`` spider) unless
``NEWSBOT_STATE_ENABLED`` is off. The other state components find it with
``crawler.get_extension(CrawlStateKeeper)`` and do nothing without it: the spider middleware and
the conditional-GET middleware (:mod:`newsbot.middlewares.incremental`), the version pipeline
(:mod:`newsbot.pipelines.versions`) and the JSON Lines exporter, which reports each durably
written batch here (:meth:`CrawlStateKeeper.synced`).

The page each article was read from (:meth:`CrawlStateKeeper.fetched`, told by the spider
middleware before the pipelines run) is kept until the article is handled, and recorded with it:
an article's first fetch starts its revisits, and its ``ETag``/``Last-Modified`` make them
conditional.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import NotConfigured

from newsbot.distributed.crawl import redis_crawl
from newsbot.extensions.runs import stop_run
from newsbot.state import CrawlState, Fetch, Handled, StateError, article_key, open_state

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

STATE_KEY = "newsbot_state_key"
"""Request meta: the :func:`~newsbot.urls.url_key` an article request was recorded under."""
REVISIT = "newsbot_revisit"
"""Request meta: the request revisits an article (its key is under :data:`STATE_KEY`)."""
GONE = (404, 410)


@dataclass(frozen=True)
class _Page:
    fetch: Fetch
    revisit: bool


def _text(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value else None


def validators(response: Response) -> tuple[str | None, str | None]:
    """The ``ETag`` and ``Last-Modified`` a response gave, as text."""
    return _text(response.headers.get("ETag")), _text(response.headers.get("Last-Modified"))


class CrawlStateKeeper:
    def __init__(self, crawler: Crawler, state: CrawlState, outlets: list[str]):
        self.crawler = crawler
        self.state = state
        self.outlets = outlets
        self.stats = crawler.stats
        self._feeds = 0
        self._partly_synced: dict[str, int] = {}
        self._pages: dict[str, _Page] = {}
        """article key -> the page it was read from, until the article is handled"""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlStateKeeper:
        spider: Any = crawler.spider  # a newsbot spider, with its outlets
        if not getattr(spider, "incremental", False):
            raise NotConfigured(f"spider {spider.name!r} keeps no crawl state")
        outlets = sorted(o.name for o in spider.outlets)
        try:
            state = open_state(crawler.settings, redis_crawl(crawler))
            if state is None:
                raise NotConfigured("NEWSBOT_STATE_ENABLED is off")
            try:
                for outlet in outlets:
                    state.lock(outlet)
            except StateError:
                state.close()
                raise
        except StateError as exc:
            logger.error("%s", exc)  # one clear line before the bootstrap traceback
            raise
        keeper = cls(crawler, state, outlets)
        crawler.signals.connect(keeper.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(keeper.response_received, signal=signals.response_received)
        crawler.signals.connect(keeper.error, signal=signals.spider_error)
        crawler.signals.connect(keeper.error, signal=signals.item_error)
        crawler.signals.connect(keeper.engine_started, signal=signals.engine_started)
        crawler.signals.connect(keeper.engine_stopped, signal=signals.engine_stopped)
        return keeper

    def engine_started(self) -> None:
        """Feeds are open by now (:class:`newsbot.extensions.runs.RunManifest`)."""
        if not self._feeds:
            logger.warning("No JSON Lines feed on local disk: articles are never marked "
                           "exported, so every run exports them again (use the default FEEDS "
                           "or -O FILE.jsonl, or -s NEWSBOT_STATE_ENABLED=False)")

    # --- what the run handled -----------------------------------------------------------------
    def fetched(self, item: ItemAdapter, response: Response) -> None:
        """The spider read article ``item`` from ``response`` (before the pipelines run)."""
        outlet = response.meta.get("outlet")
        if outlet and item.get("url"):
            etag, modified = validators(response)
            self._pages[article_key(item["url"], item.get("canonicalUrl"))] = _Page(
                Fetch(outlet, item["url"], time.time(), etag, modified),
                REVISIT in response.meta)

    def not_modified(self, request: Request, response: Response) -> None:
        """A revisit answered ``304 Not Modified``: the article is unchanged."""
        etag, modified = validators(response)  # new ones if it sent any, else those we sent
        self._handled([Handled(request.meta[STATE_KEY], fetch=Fetch(
            request.meta.get("outlet") or "", request.url, time.time(),
            etag or _text(request.headers.get("If-None-Match")),
            modified or _text(request.headers.get("If-Modified-Since"))))])

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        """Not an article, a duplicate, unchanged: handled, fetched again only if re-dated (or
        revisited, when unchanged)."""
        adapter = ItemAdapter(item)
        if not adapter.get("url"):
            return
        key = article_key(adapter["url"], adapter.get("canonicalUrl"))
        page = self._pages.get(key)
        if page and page.fetch.url == adapter["url"]:
            del self._pages[key]
        else:
            page = None  # another page of the article, still on its way to the export
        # the versions stage's drop (newsbot.pipelines.Dropped): refetched, same text
        unchanged = page if getattr(exception, "outcome", None) == "unchanged" else None
        if unchanged and unchanged.revisit:
            self.stats.inc_value("newsbot/revisit/unchanged")
        self._handled([Handled(key, fetch=unchanged.fetch if unchanged else None)])

    def response_received(self, response: Response, request: Request) -> None:
        if response.status in GONE and STATE_KEY in request.meta:
            self._handled([Handled(request.meta[STATE_KEY])])

    def feed_opened(self, feed: object) -> None:
        self._feeds += 1

    def synced(self, feed: object, batch: list[Handled]) -> None:
        """A feed has ``batch`` on disk; once every feed has an article, it is exported."""
        ready = []
        for handled in batch:
            count = self._partly_synced.pop(handled.key, 0) + 1
            if count < self._feeds:
                self._partly_synced[handled.key] = count
                continue
            page = self._pages.pop(handled.key, None)
            if page and page.revisit:
                self.stats.inc_value("newsbot/revisit/changed")
            ready.append(replace(handled, fetch=page.fetch) if page else handled)
        self._handled(ready)  # if this fails, they are exported again next run, with the same id

    def _handled(self, done: list[Handled]) -> None:
        try:
            self.state.handled(done)
        except StateError as exc:
            stop_run(self.crawler, "state_failed", f"{exc}; the crawl stops")

    # --- failures and the end -----------------------------------------------------------------
    def error(self, failure: Any) -> None:
        if isinstance(failure.value, StateError):
            stop_run(self.crawler, "state_failed", f"{failure.value}; the crawl stops")

    def engine_stopped(self) -> None:
        self.state.close()
