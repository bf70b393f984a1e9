"""Redirects as Scrapy follows them, but a chain cut short is counted and logged, and every
redirect is settled in the page ledger (``redirected``, or ``failure/redirect_limit``).

Scrapy drops a request that exceeds ``REDIRECT_MAX_TIMES`` (loops, growing queries, endless
chains, meta-refresh loops) with a DEBUG line only; a crawl should say so. Non-HTTP targets
(``file:``, ``data:``, ``ftp:``) are not followed by Scrapy itself, and every hop is a new
request that :mod:`newsbot.middlewares.network` checks before connecting.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import BaseRedirectMiddleware
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefresh
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware as ScrapyRedirect
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from newsbot.extensions.ledger import settle_response

logger = logging.getLogger(__name__)


class _CountsGivingUp(BaseRedirectMiddleware):
    # Scrapy calls it without the spider (deprecated in the base's signature since 2.14).
    def process_response(self, request: Request, response: Response) -> Request | Response:
        """Scrapy's; the only request it refuses is a redirect past ``REDIRECT_MAX_TIMES``."""
        try:
            followed = super().process_response(request, response)  # type: ignore[misc]
        except IgnoreRequest:
            self.crawler.stats.inc_value("newsbot/redirect/max_reached")
            first = request.meta.get("redirect_urls", [request.url])[0]
            logger.warning("Gave up following redirects from %s after %d hops "
                           "(REDIRECT_MAX_TIMES); %s redirects again",
                           first, request.meta.get("redirect_times", 0), response.url)
            settle_response(self.crawler, request, "failure/redirect_limit")
            raise
        if isinstance(followed, Request) and followed is not request:
            settle_response(self.crawler, request, "redirected")
        return followed


class RedirectMiddleware(_CountsGivingUp, ScrapyRedirect):  # type: ignore[misc]
    pass


class MetaRefreshMiddleware(_CountsGivingUp, ScrapyMetaRefresh):  # type: ignore[misc]
    pass
