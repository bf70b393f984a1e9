"""A progress line during the crawl and a summary at its end, in words a person reads: the
figures a crawl is judged by, then the page ledger (:mod:`newsbot.ledger`): what became of each
response, and the announced articles that were not settled."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from twisted.internet import task

from newsbot.ledger import format_report, report
from newsbot.scrapy_internals import engine_scheduler

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def summarise(stats: dict[str, Any]) -> dict[str, Any]:
    """The figures a crawl is judged by, from Scrapy's stats."""
    def total(prefix: str) -> int:
        return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))

    def by_kind(prefix: str) -> dict[str, int]:
        return {k[len(prefix):]: v for k, v in sorted(stats.items())
                if k.startswith(prefix) and isinstance(v, int)}

    return {
        "pages": stats.get("downloader/response_count", 0),
        "articles": stats.get("item_scraped_count", 0),
        "duplicates": by_kind("newsbot/dedup/"),
        "dropped": by_kind("newsbot/dropped/"),
        "blocked": stats.get("newsbot/ssrf_blocked", 0),
        "paused": stats.get("newsbot/hosts/paused", 0),
        "deferred": stats.get("newsbot/deferred", 0),
        "errors": (stats.get("log_count/ERROR", 0)),
        "download_errors": total("downloader/exception_type_count/"),
        "http_errors": by_kind("downloader/response_status_count/4")
        | by_kind("downloader/response_status_count/5"),
        "finish_reason": stats.get("finish_reason"),
        "ledger": report(stats),
    }


def format_summary(summary: dict[str, Any]) -> str:
    def detail(counts: dict[str, int]) -> str:
        return f" ({', '.join(f'{k}: {v}' for k, v in counts.items())})" if counts else ""

    duplicates, dropped = summary["duplicates"], summary["dropped"]
    return "\n".join([
        f"  pages fetched:      {summary['pages']}",
        f"  articles exported:  {summary['articles']}",
        f"  duplicates found:   {sum(duplicates.values())}{detail(duplicates)}",
        f"  not articles:       {sum(dropped.values())}{detail(dropped)}",
        f"  download failures:  {summary['download_errors']}"
        f"{detail({'HTTP ' + k: v for k, v in summary['http_errors'].items()})}",
        f"  errors logged:      {summary['errors']}",
        f"  blocked requests:   {summary['blocked']}",
        f"  hosts paused:       {summary['paused']} (requests deferred: {summary['deferred']})",
        f"  finished because:   {summary['finish_reason']}",
        *format_report(summary["ledger"]),
    ])


class CrawlSummary:
    """Logs a progress line every ``NEWSBOT_PROGRESS_INTERVAL`` seconds and a summary at close."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.interval = crawler.settings.getfloat("NEWSBOT_PROGRESS_INTERVAL")
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlSummary:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        # at the very end: the last batch is on disk and the ledger settled
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def spider_opened(self) -> None:
        if self.interval > 0:
            self._loop = task.LoopingCall(self.progress)
            self._loop.start(self.interval, now=False)

    def progress(self) -> None:
        s = summarise(self.crawler.stats.get_stats())
        scheduler = engine_scheduler(self.crawler.engine)
        queued = len(scheduler) if scheduler is not None and hasattr(scheduler, "__len__") else 0
        logger.info("Progress: %d pages fetched, %d articles exported, %d duplicates, "
                    "%d errors, %d requests queued", s["pages"], s["articles"],
                    sum(s["duplicates"].values()), s["errors"] + s["download_errors"], queued)

    def spider_closed(self) -> None:
        if self._loop and self._loop.running:
            self._loop.stop()

    def engine_stopped(self) -> None:
        stats = self.crawler.stats.get_stats()
        logger.info("Crawl summary:\n%s", format_summary(summarise(stats)))
