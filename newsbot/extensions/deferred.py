"""Requests a crawl could not make now, kept for the next crawl of the same outlets.

A paused host (it asked for a longer wait than a run should take, kept refusing, showed bot
challenges, or its robots.txt could not be read: see :mod:`newsbot.middlewares.hosts`) loses
nothing: its requests are written to ``NEWSBOT_DEFERRED_DIR/<slug>.jsonl`` when the crawl closes,
and the next ``news`` crawl of the same outlets starts with them. Only newsbot's own meta keys
travel with a request, so an edited file cannot switch off robots.txt, size limits or the
address check (every request still goes through the downloader middlewares).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Request, Spider, signals
from scrapy.exceptions import NotConfigured

from newsbot.extensions.runs import utc_now

if TYPE_CHECKING:
    from pathlib import Path

    from scrapy.crawler import Crawler

    from newsbot.spiders.base import NewsbotSpider

logger = logging.getLogger(__name__)
KEPT_META = ("outlet", "entry", "sitemap_depth", "front_depth")
"""The meta keys newsbot's spiders set; everything else is dropped on the way to the file."""


class DeferredRequests:
    """Extension: keeps deferred requests across runs (``defer()`` is called by middlewares)."""

    def __init__(self, crawler: Crawler, directory: Path):
        self.crawler = crawler
        self.directory = directory
        self.path: Path | None = None
        self.pending: dict[str, dict[str, Any]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DeferredRequests:
        directory = crawler.settings.get("NEWSBOT_DEFERRED_DIR")
        if not directory:
            raise NotConfigured("NEWSBOT_DEFERRED_DIR is empty")
        ext = cls(crawler, Path(directory))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def defer(self, request: Request, reason: str) -> None:
        """Keep ``request`` for the next run (requests without a spider callback are not kept)."""
        self.crawler.stats.inc_value("newsbot/deferred")
        callback = getattr(request.callback, "__name__", None)
        owner = getattr(request.callback, "__self__", None)
        if callback is None or owner is not self.crawler.spider:
            return
        self.pending.setdefault(request.url, {
            "url": request.url, "callback": callback, "priority": request.priority,
            "meta": {k: request.meta[k] for k in KEPT_META if k in request.meta},
            "reason": reason,
            "deferredAt": utc_now(),
        })

    def spider_opened(self, spider: NewsbotSpider) -> None:
        if not getattr(spider, "resumes_deferred", False):
            return
        self.path = self.directory / f"{spider.slug}.jsonl"
        requests = list(self._load(spider, self.path))
        if requests:
            logger.info("Resuming %d request(s) deferred by an earlier run (%s)",
                        len(requests), self.path)
        for request in requests:
            self.crawler.engine.crawl(request)

    def spider_closed(self, spider: Spider) -> None:
        if self.path is None:
            if self.pending:
                logger.warning("%d request(s) to paused hosts were not made; an ad hoc crawl "
                               "does not keep them", len(self.pending))
            return
        if not self.pending:
            self.path.unlink(missing_ok=True)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".part")
        with partial.open("w", encoding="utf-8") as out:
            for entry in self.pending.values():
                out.write(json.dumps(entry, ensure_ascii=True) + "\n")
        os.replace(partial, self.path)
        logger.warning("%d request(s) to paused hosts kept for the next run in %s",
                       len(self.pending), self.path)

    def _load(self, spider: Spider, path: Path):
        if not path.is_file():
            return
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            try:
                entry = json.loads(line)
                if not str(entry["callback"]).startswith("parse_"):
                    raise ValueError(f"{entry['callback']!r} is not a parse_ callback")
                callback = getattr(spider, entry["callback"])
                meta = {k: v for k, v in entry.get("meta", {}).items() if k in KEPT_META}
                yield Request(entry["url"], callback, meta=meta,
                              priority=int(entry.get("priority", 0)))
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                logger.warning("Skipping line %d of %s: %s", number, self.path, exc)
