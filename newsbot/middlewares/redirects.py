"""Redirects as Scrapy follows them, but a chain cut short is counted and logged, and every
redirect is settled in the page ledger (``redirected``, or ``failure/redirect_limit``).

Scrapy drops a request that exceeds ``REDIRECT_MAX_TIMES`` (loops, growing queries, endless
chains, meta-refresh loops) with a DEBUG line only; a crawl should say so. Non-HTTP targets
(``file:``, ``data:``, ``ftp:``) are not followed by Scrapy itself, and every hop is a new
request that :mod:`newsbot.middlewares.network` checks before connecting.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefresh
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware as ScrapyRedirect
from scrapy.exceptions import IgnoreRequest

from newsbot.extensions.ledger import settle_response

logger = logging.getLogger(__name__)


class _CountsGivingUp:
    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        crawler = self.crawler  # type: ignore[attr-defined]
        try:
            followed = super()._redirect(redirected, request, reason)  # type: ignore[misc]
        except IgnoreRequest:
            crawler.stats.inc_value("newsbot/redirect/max_reached")
            first = request.meta.get("redirect_urls", [request.url])[0]
            logger.warning("Gave up following redirects from %s after %d hops "
                           "(REDIRECT_MAX_TIMES); last hop to %s",
                           first, request.meta.get("redirect_times", 0), redirected.url)
            settle_response(crawler, request, "failure/redirect_limit")
            raise
        settle_response(crawler, request, "redirected")
        return followed


class RedirectMiddleware(_CountsGivingUp, ScrapyRedirect):
    pass


class MetaRefreshMiddleware(_CountsGivingUp, ScrapyMetaRefresh):
    pass
