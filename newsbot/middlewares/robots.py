"""robots.txt as RFC 9309 says, where Scrapy's own middleware differs.

=======================================  =====================  ================================
robots.txt answer                        Scrapy                 newsbot
=======================================  =====================  ================================
2xx                                      parsed                 first 500 KiB parsed (§2.5)
redirected more than 5 times             followed up to 20      unavailable: allowed (§2.3.1.2)
4xx (401 and 403 too)                    body parsed as rules   unavailable: allowed (§2.3.1.3)
429, 5xx, timeout, refused, DNS error    allowed                unreachable: disallowed for now
                                                                (§2.3.1.4); the host is paused
                                                                and its requests kept for the
                                                                next run, which fetches it again
``Crawl-delay``                          ignored                honoured up to
                                                                ``NEWSBOT_ROBOTSTXT_MAX_CRAWL_
                                                                DELAY``; a host asking for more
                                                                is skipped
cache                                    whole crawl            at most 24 hours (§2.4)
=======================================  =====================  ================================

Each robots.txt read (or found absent) is announced (:data:`newsbot.optouts.robots_txt_read`) with
what it says to AI-training crawlers, for the run's manifest.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.robotstxt import decode_robotstxt
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from newsbot.middlewares.failures import DownloadGaveUp
from newsbot.middlewares.hosts import HostHealthMiddleware
from newsbot.optouts import read_optout, robots_txt_read
from newsbot.scrapy_internals import RobotsTxtHooks

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.robotstxt import RobotParser

logger = logging.getLogger(__name__)
MAX_BYTES = 500 * 1024
MAX_REDIRECTS = 5
MAX_AGE = 24 * 3600.0
UNREACHABLE = object()
"""Parser slot value of a netloc whose robots.txt could not be read."""


class RobotsTxtMiddleware(RobotsTxtHooks):
    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        settings = crawler.settings
        self.max_crawl_delay = settings.getfloat("NEWSBOT_ROBOTSTXT_MAX_CRAWL_DELAY")
        # the agent robots.txt groups are matched with, as Scrapy's middleware chooses it
        self.robots_agent: str | None = settings["ROBOTSTXT_USER_AGENT"]
        self.default_agent: str = settings["USER_AGENT"]
        self.fetched_at: dict[str, float] = {}
        self.unreachable: dict[str, str] = {}
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)
        self.ai_crawlers = tuple(settings.getlist("NEWSBOT_ROBOTSTXT_AI_CRAWLERS"))

    # Scrapy calls it without the spider (deprecated in the base's signature since 2.14).
    async def process_request(self, request: Request) -> None:  # type: ignore[override]
        if request.meta.get("dont_obey_robotstxt"):
            return
        netloc = urlparse_cached(request).netloc
        fetched = self.fetched_at.get(netloc)
        if fetched is not None and time.monotonic() - fetched > MAX_AGE:
            del self.fetched_at[netloc], self.parsers[netloc]  # fetched again below
        parser = await self.robot_parser(request)
        if parser is UNREACHABLE:
            self._defer(request, self.unreachable[netloc])
        self.enforce(parser, request)

    async def robot_parser(self, request: Request) -> object:  # type: ignore[override]
        """Scrapy's, except that every request waiting for one robots.txt gets its parser.

        Scrapy 2.19 has all waiters await one shared Deferred: the first gets the parser, and its
        callback hands None (allowed!) to the next. Requests made while robots.txt is in flight
        (a crawl's start requests, the URLs an earlier run left pending) went through unchecked.
        The parser is read from the table once the fetch has settled instead.
        """
        await super().robot_parser(request)
        return self.parsers[urlparse_cached(request).netloc]

    async def robots_response(self, response: Response, netloc: str, request: Request) -> None:
        self.fetched_at[netloc] = time.monotonic()
        status = response.status
        redirects = response.meta.get("redirect_times", 0)
        if 200 <= status < 300 and redirects <= MAX_REDIRECTS:
            if len(response.body) > MAX_BYTES:
                self.crawler.stats.inc_value("robotstxt/truncated")
                logger.info("robots.txt at %s is %d bytes; only the first %d are read",
                            response.url, len(response.body), MAX_BYTES)
                response = response.replace(body=response.body[:MAX_BYTES])
            await super().robots_response(response, netloc, request)  # sends robots_parsed
            self._announce(response, netloc, decode_robotstxt(response.body, spider=None))
            return
        self.crawler.stats.inc_value("robotstxt/response_count")
        self.crawler.stats.inc_value(f"robotstxt/response_status_count/{status}")
        if status == 429 or status >= 500:
            self._settle(netloc, UNREACHABLE, f"HTTP {status}")
        else:  # 3xx beyond MAX_REDIRECTS, 4xx: no robots.txt, no restrictions
            if redirects > MAX_REDIRECTS:
                logger.info("robots.txt of %s redirected %d times; treated as absent",
                            netloc, redirects)
            self._settle(netloc, None)
            self._announce(response, netloc, "")

    def _announce(self, response: Response, netloc: str, text: str) -> None:
        """What this robots.txt says to AI crawlers, for the manifest (an absent one: nothing)."""
        optout = read_optout(text, self.ai_crawlers)
        if optout.disallowed:
            self.crawler.stats.inc_value("newsbot/robots/ai_crawlers_disallowed")
        self.crawler.signals.send_catch_log(robots_txt_read, netloc=netloc, url=response.url,
                                            status=response.status, optout=optout.as_dict())

    def robots_error(self, exc: Exception, netloc: str) -> None:
        self.fetched_at[netloc] = time.monotonic()
        if isinstance(exc, IgnoreRequest) and not isinstance(exc, DownloadGaveUp):
            self._settle(netloc, None)  # redirected too often or to a refused address: absent
            return
        reason = exc.reason if isinstance(exc, DownloadGaveUp) else exc
        self.crawler.stats.inc_value(f"robotstxt/exception_count/{type(reason)}")
        self._settle(netloc, UNREACHABLE, type(reason).__name__)

    def _settle(self, netloc: str, parser: object, why: str = "") -> None:
        if parser is UNREACHABLE:
            self.unreachable[netloc] = (f"robots.txt unreachable ({why}), so everything is "
                                        f"disallowed until it can be read (RFC 9309)")
        waiting = self.parsers[netloc]
        self.parsers[netloc] = parser
        if isinstance(waiting, Deferred):
            waiting.callback(parser)

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        """Applies the Crawl-delay of a robots.txt just parsed (the ``robots_parsed`` signal)."""
        useragent = self.robots_agent or request.headers.get(b"User-Agent") or self.default_agent
        delay = robotparser.crawl_delay(useragent)
        hosts = self.crawler.get_downloader_middleware(HostHealthMiddleware)
        if not delay or hosts is None:
            return
        host = urlparse_cached(request).hostname or ""
        if delay > self.max_crawl_delay:
            hosts.pause(host, f"robots.txt asks for a Crawl-delay of {delay:g} s, more than "
                              f"NEWSBOT_ROBOTSTXT_MAX_CRAWL_DELAY ({self.max_crawl_delay:g} s)",
                        keep=False)
        else:
            hosts.set_crawl_delay(request, host, delay)

    def _defer(self, request: Request, reason: str) -> None:
        hosts = self.crawler.get_downloader_middleware(HostHealthMiddleware)
        if hosts is not None:
            hosts.pause(urlparse_cached(request).hostname or "", reason)
            hosts.process_request(request)  # paused now: keeps the request and raises
        raise IgnoreRequest(reason)
