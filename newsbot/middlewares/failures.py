"""One clear log line for each request that could not be downloaded, and no traceback; retries
counted in the page ledger.

When ``RetryMiddleware`` gives up it logs ``Gave up retrying <GET url> (failed N times):
reason`` at ERROR; Scrapy then logs the same failure again, with a full traceback ("Error
downloading"). Placed outermost, this middleware turns the final failure into
:class:`DownloadGaveUp` (an ``IgnoreRequest``, which Scrapy does not log again), after logging
one ERROR line itself for failures that ``RetryMiddleware`` does not handle.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware as ScrapyRetry
from scrapy.exceptions import IgnoreRequest

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


def describe(exception: Exception) -> str:
    """The exception's message, or its class name when it has none."""
    return str(exception) or type(exception).__name__


class DownloadGaveUp(IgnoreRequest):
    """The download failed for good; ``reason`` is the last error."""

    def __init__(self, reason: Exception):
        super().__init__(f"download failed: {describe(reason)}")
        self.reason = reason


class DownloadFailureMiddleware:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DownloadFailureMiddleware:
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            return
        retry = self.crawler.get_downloader_middleware(ScrapyRetry)
        reported = (retry is not None and isinstance(exception, retry.exceptions_to_retry)
                    and not request.meta.get("dont_retry"))
        if not reported:
            logger.error("Download failed: %s: %s", request.url, describe(exception))
        raise DownloadGaveUp(exception) from exception


class RetryMiddleware(ScrapyRetry):
    """Scrapy's, with each response it retries (a 429, a 503 ...) settled as ``retried`` in the
    page ledger (:mod:`newsbot.ledger`)."""

    # Scrapy calls it without the spider (deprecated in the base's signature since 2.14).
    def process_response(  # type: ignore[override]
            self, request: Request, response: Response) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            from newsbot.extensions.ledger import settle_response

            settle_response(self.crawler, request, "retried")
        return result
