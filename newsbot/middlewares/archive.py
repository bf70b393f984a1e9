"""Spider middleware: article responses archived as WARC during the crawl (``NEWSBOT_ARCHIVE``).

With ``NEWSBOT_ARCHIVE = "warc"`` each response on its way to the article callback (after the
downloader middlewares: redirects followed, body decompressed) is written with the request
that fetched it to the run's WARC file, ``NEWSBOT_ARCHIVE_PATH`` (by default
``data/<outlet>/<run id>.warc.gz``, beside the partition), before extraction; the Article items
it yields carry the file (``warcFile``) and the response record's id (``warcRecordId``), and
the record's ``WARC-Date`` as their ``crawledAt``, so the two agree to the second.
Sitemaps, feeds and section fronts are not archived, except a front that turned out to be an
article (:mod:`newsbot.discovery.roles`), once it gives its article. See
:mod:`newsbot.archive.warc` for the records.

The file cannot be opened: the run stops before any request. A write fails (disk full): the run
stops, and articles whose page is not archived are not exported, so their URLs stay pending
and the next run fetches them.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import scrapy
from itemadapter import ItemAdapter, is_item
from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured

from newsbot import __version__
from newsbot.archive.warc import Exchange, WarcWriter
from newsbot.exporters import uri_params
from newsbot.extensions.ledger import settle_response
from newsbot.extensions.runs import PROBLEMS, new_run_id, stop_run
from newsbot.middlewares.incremental import ARTICLE_CALLBACK, callback_name

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Headers, Response

    from newsbot.spiders.base import NewsbotSpider

logger = logging.getLogger(__name__)

RECORD = "newsbot_warc_record"
"""Response meta: where the response was archived (:class:`~newsbot.archive.warc.Stored`)."""
TRUNCATED = {"dataloss": "disconnect", "download_stopped": "unspecified"}
"""Response flags of an incomplete body, and the ``WARC-Truncated`` reason each stands for."""


class ArchiveMiddleware:
    def __init__(self, crawler: Crawler, template: str):
        self.crawler = crawler
        self.stats = crawler.stats
        self.template = template
        self.writer: WarcWriter | None = None
        self.file: str | None = None
        self.failed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveMiddleware:
        kind = crawler.settings.get("NEWSBOT_ARCHIVE")
        if not kind:
            raise NotConfigured("NEWSBOT_ARCHIVE is off")
        middleware = cls(crawler, crawler.settings.get("NEWSBOT_ARCHIVE_PATH"))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: NewsbotSpider) -> None:
        """Open the file now: a path that cannot be written stops the run before any request."""
        path = Path(self.template % uri_params({"time": new_run_id()}, spider))
        settings = self.crawler.settings
        try:
            self.writer = WarcWriter(path, {
                "software": f"newsbot/{__version__} (Scrapy {scrapy.__version__}; warcio)",
                "operator": settings.get("NEWSBOT_CONTACT_URL"),
                "http-header-user-agent": settings.get("USER_AGENT"),
                "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
                "description": f"article responses of a newsbot '{spider.name}' crawl "
                               f"of {spider.slug}",
            })
        except OSError as exc:
            self.stats.inc_value(PROBLEMS + "archive_failed")
            logger.error("Cannot write the archive %s: %s; the crawl does not start", path, exc)
            raise CloseSpider("archive_failed") from exc
        self.file = str(path)
        logger.info("Archiving article responses to %s", path)

    def spider_closed(self) -> None:
        if self.writer is not None:
            try:
                self.writer.close()
            except OSError as exc:
                stop_run(self.crawler, "archive_failed", f"Cannot close {self.file}: {exc}")
            logger.info("Archived %d article responses (%d bytes) to %s",
                        self.stats.get_value("newsbot/archive/responses", 0),
                        self.stats.get_value("newsbot/archive/bytes", 0), self.file)

    def process_spider_input(self, response: Response) -> None:
        request = response.request
        if request is not None and callback_name(request) == ARTICLE_CALLBACK:
            self._archive(response)

    def _archive(self, response: Response) -> None:
        request = response.request
        if self.writer is None or self.failed or request is None:
            return
        flags = [TRUNCATED[flag] for flag in response.flags if flag in TRUNCATED]
        try:
            stored = self.writer.write(Exchange(
                url=response.url, status=response.status, headers=header_list(response.headers),
                body=response.body, method=request.method,
                request_headers=header_list(request.headers),
                protocol=response.protocol or "HTTP/1.1",
                ip_address=str(response.ip_address) if response.ip_address else None,
                truncated=flags[0] if flags else None))
        except OSError as exc:
            self.failed = True
            stop_run(self.crawler, "archive_failed",
                     f"Cannot write to {self.file}: {exc}. The crawl stops; articles whose page "
                     f"is not archived are not exported: the next run fetches them.")
            return
        response.meta[RECORD] = stored
        self.stats.inc_value("newsbot/archive/responses")
        self.stats.inc_value("newsbot/archive/bytes", stored.size)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        for output in result:
            if self._stamped(response, output):
                yield output

    async def process_spider_output_async(self, response: Response,
                                          result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for output in result:
            if self._stamped(response, output):
                yield output

    def _stamped(self, response: Response, output: Any) -> bool:
        """Give an article its record; hold it back when its page could not be archived."""
        if not is_item(output) or "warcRecordId" not in ItemAdapter(output).field_names():
            return True
        if RECORD not in response.meta:  # a front that is an article too
            self._archive(response)
        stored = response.meta.get(RECORD)
        if stored is None:
            if self.failed:
                self.stats.inc_value("newsbot/archive/not_written")
                settle_response(self.crawler, response.request, "error/archive_failed")
                return False
            return True
        adapter = ItemAdapter(output)
        adapter.update(warcFile=self.file, warcRecordId=stored.record_id, crawledAt=stored.date)
        return True


def header_list(headers: Headers) -> list[tuple[str, str]]:
    """Scrapy's headers as (name, value) pairs, one per value, as they were on the wire."""
    return [(name.decode("latin-1"), value.decode("latin-1"))
            for name, values in headers.items() for value in values]
