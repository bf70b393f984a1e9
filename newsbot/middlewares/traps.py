"""Spider middleware: requests that a spider trap would generate are not followed.

Each request a callback yields is checked against :func:`newsbot.discovery.traps.trap_rule`
(``NEWSBOT_TRAPS_MAX_REPEATS``, ``NEWSBOT_TRAPS_MAX_SEGMENTS``) and against a budget of requests
per host and crawl (``NEWSBOT_TRAPS_MAX_REQUESTS_PER_HOST``). The first refusal of each rule on
each host is logged at WARNING with the rule's name, the rest are counted in
``newsbot/traps/<rule>``.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.utils.httpobj import urlparse_cached

from newsbot.discovery.traps import trap_rule

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)
SETTING = {"too_many_segments": "NEWSBOT_TRAPS_MAX_SEGMENTS",
           "repeated_path": "NEWSBOT_TRAPS_MAX_REPEATS",
           "repeated_parameter": "NEWSBOT_TRAPS_MAX_REPEATS",
           "host_budget": "NEWSBOT_TRAPS_MAX_REQUESTS_PER_HOST"}


class TrapGuardMiddleware:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.stats = crawler.stats
        self.max_repeats = settings.getint("NEWSBOT_TRAPS_MAX_REPEATS")
        self.max_segments = settings.getint("NEWSBOT_TRAPS_MAX_SEGMENTS")
        self.budget = settings.getint("NEWSBOT_TRAPS_MAX_REQUESTS_PER_HOST")
        self.requests: Counter[str] = Counter()
        self.warned: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TrapGuardMiddleware:
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        for output in result:
            if self._allowed(output):
                yield output

    async def process_spider_output_async(self, response: Response,
                                          result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for output in result:
            if self._allowed(output):
                yield output

    def _allowed(self, output: Any) -> bool:
        if not isinstance(output, Request):
            return True
        host = urlparse_cached(output).hostname or ""
        rule = trap_rule(output.url, self.max_repeats, self.max_segments)
        if rule is None and self.budget and self.requests[host] >= self.budget:
            rule = "host_budget"
        if rule is None:
            self.requests[host] += 1
            return True
        self.stats.inc_value(f"newsbot/traps/{rule}")
        if (host, rule) not in self.warned:
            self.warned.add((host, rule))
            logger.warning("Spider trap on %s: not following %s (rule %s, %s); further "
                           "refusals are counted in newsbot/traps/%s",
                           host, output.url[:200], rule, SETTING[rule], rule)
        return False
