"""Per-host health: Retry-After honoured, back-off with jitter, bot challenges, pausing.

Scrapy retries a 429 or 503 at once and ignores ``Retry-After`` (scrapy#3849). This downloader
middleware sits just outside ``RetryMiddleware``, so it sees every refusal before the retry is
scheduled, and:

* holds the host's downloader slot until the instant ``Retry-After`` names (seconds or an
  HTTP-date) or, without the header, for an exponential back-off with jitter
  (``NEWSBOT_HOSTS_BACKOFF_BASE``, capped at ``NEWSBOT_HOSTS_BACKOFF_MAX``); requests already
  queued for the host wait too, other hosts' slots are untouched;
* recognises bot challenges and consent walls (:mod:`newsbot.challenges`): counted in
  ``newsbot/blocked/<host>``, never retried, never handed to the spider;
* pauses a host for the rest of the crawl when it asks for a longer wait than
  ``NEWSBOT_HOSTS_MAX_RETRY_AFTER`` or after ``NEWSBOT_HOSTS_PAUSE_AFTER`` refusals in a row
  (429, 5xx, challenges, connection failures); the paused host's requests are kept for the next
  run (:mod:`newsbot.extensions.deferred`), not dropped;
* applies a robots.txt ``Crawl-delay`` to the host's slot (:meth:`set_crawl_delay`).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.utils.httpobj import urlparse_cached
from twisted.python.failure import Failure

from newsbot.challenges import HEAD_BYTES, challenge_kind
from newsbot.distributed.politeness import host_budget
from newsbot.extensions.deferred import DeferredRequests
from newsbot.extensions.ledger import settle_response
from newsbot.politeness import backoff_delay, retry_after_seconds
from newsbot.scrapy_internals import fix_slot_delay, hold_slot, take_queued

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class HostHealthMiddleware:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.backoff_base = settings.getfloat("NEWSBOT_HOSTS_BACKOFF_BASE")
        self.backoff_max = settings.getfloat("NEWSBOT_HOSTS_BACKOFF_MAX")
        self.max_retry_after = settings.getfloat("NEWSBOT_HOSTS_MAX_RETRY_AFTER")
        self.pause_after = settings.getint("NEWSBOT_HOSTS_PAUSE_AFTER")
        self.refusals: dict[str, int] = {}
        self.held_until: dict[str, float] = {}
        self.paused: dict[str, tuple[str, bool]] = {}
        """host -> (reason, whether its requests are kept for the next run)"""
        self.crawl_delays: dict[str, float] = {}
        self.shared = host_budget(crawler)
        """the hosts' budget shared by the workers of a distributed crawl"""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostHealthMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.response_downloaded,
                                signal=signals.response_downloaded)
        return middleware

    # --- downloader middleware ------------------------------------------------------------
    def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        if host in self.paused:
            self._set_aside(request, host)
        if host in self.crawl_delays:
            request.meta["autothrottle_dont_adjust_delay"] = True

    def response_downloaded(self, response: Response, request: Request) -> None:
        """A 429 or 5xx holds the host's slot; sent before the slot sends its next request."""
        if response.status != 429 and response.status < 500:
            return
        host = urlparse_cached(request).hostname or ""
        count = self._refused(host, f"HTTP {response.status}")
        if host in self.paused:
            return  # the retry will be deferred too
        retry_after = retry_after_seconds(response.headers.get("Retry-After"), time.time())
        if retry_after is not None and retry_after > self.max_retry_after:
            self.pause(host, f"Retry-After of {retry_after:.0f} s is longer than "
                             f"NEWSBOT_HOSTS_MAX_RETRY_AFTER ({self.max_retry_after:.0f} s)")
            return
        if retry_after is None:
            wait, why = backoff_delay(count, self.backoff_base, self.backoff_max), "back-off"
            self.stats.inc_value("newsbot/hosts/backoff")
        else:
            wait, why = retry_after, "Retry-After"
            self.stats.inc_value("newsbot/hosts/retry_after")
        self._hold(request, host, wait)
        logger.info("%s answered %d to %s; next request to it in %.1f s (%s)",
                    host, response.status, response.url, wait, why)

    def process_response(self, request: Request, response: Response) -> Response:
        host = urlparse_cached(request).hostname or ""
        kind = self._challenge(response)
        if kind:
            self.stats.inc_value(f"newsbot/blocked/{host}")
            logger.info("Blocked by a %s page (HTTP %d), not an article: %s",
                        kind, response.status, response.url)
            self._refused(host, f"{kind} pages")
            settle_response(self.crawler, request, "refused/challenge")
            raise IgnoreRequest(f"{kind} page")
        if response.status != 429 and response.status < 500:
            self.refusals[host] = 0
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if not isinstance(exception, IgnoreRequest):
            self._refused(urlparse_cached(request).hostname or "", type(exception).__name__)

    # --- host state -----------------------------------------------------------------------
    def pause(self, host: str, reason: str, *, keep: bool = True) -> None:
        """Make no more requests to ``host`` in this crawl (kept for the next run if ``keep``)."""
        if host in self.paused:
            return
        self.paused[host] = (reason, keep)
        self.stats.inc_value("newsbot/hosts/paused")
        logger.warning("Pausing %s for the rest of this crawl: %s; its requests are %s",
                       host, reason, "deferred" if keep else "skipped")
        # Requests already waiting in a slot passed process_request before the pause.
        for queued, deferred in take_queued(self.crawler.engine.downloader,
                                            lambda r: urlparse_cached(r).hostname == host):
            try:
                self._set_aside(queued, host)
            except IgnoreRequest:
                deferred.errback(Failure())

    def set_crawl_delay(self, request: Request, host: str, delay: float) -> None:
        """At least ``delay`` seconds between requests to ``host`` (robots.txt Crawl-delay).

        Set on the slot and on the settings new slots for that key are made from, without
        jitter, and AutoThrottle is told not to lower it (``autothrottle_dont_adjust_delay``).
        """
        self.crawl_delays[host] = delay
        downloader = self.crawler.engine.downloader
        fix_slot_delay(downloader, downloader.get_slot_key(request), delay)

    def _set_aside(self, request: Request, host: str) -> None:
        """Keep (or skip) a request to a paused host, and raise IgnoreRequest."""
        reason, keep = self.paused[host]
        deferred = self.crawler.get_extension(DeferredRequests)
        if keep and deferred is not None:
            deferred.defer(request, reason)
        else:
            self.stats.inc_value("newsbot/hosts/skipped")
        raise IgnoreRequest(f"host {host} is paused: {reason}")

    def _refused(self, host: str, what: str) -> int:
        count = self.refusals.get(host, 0) + 1
        self.refusals[host] = count
        if self.pause_after and count >= self.pause_after:
            self.pause(host, f"{count} refusals in a row, the last {what} "
                             f"(NEWSBOT_HOSTS_PAUSE_AFTER)")
        return count

    def _hold(self, request: Request, host: str, seconds: float) -> None:
        until = time.monotonic() + seconds
        if until <= self.held_until.get(host, 0):
            return
        self.held_until[host] = until
        if self.shared:  # other workers wait too
            self.shared.hold(host, seconds)
        downloader = self.crawler.engine.downloader
        hold_slot(downloader, downloader.get_slot_key(request), seconds)  # reads download_slot

    @staticmethod
    def _challenge(response: Response) -> str | None:
        headers = {k.decode("latin-1").lower(): v[0].decode("latin-1")
                   for k, v in response.headers.items() if v}
        body = ""
        if isinstance(response, TextResponse):
            body = response.body[:HEAD_BYTES].decode(response.encoding, "replace")
        return challenge_kind(headers, body)
