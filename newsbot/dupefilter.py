"""Scrapy's duplicate filter, with page roles: a request is never dropped for a weaker one.

Scrapy's filter drops every request for a URL already requested, whatever it was requested for:
an article announced by a sitemap after the home page linked to it (and it was requested as a
front) was lost without a word. Here a repeated request for a page goes through the rules of
:mod:`newsbot.discovery.roles` first (upgrade the queued front, or fetch it again as an article),
and each decision is counted (``newsbot/roles/<decision>``). A distributed crawl applies the
same rules in its Redis scheduler (:mod:`newsbot.distributed.scheduler`); :func:`page_roles`
gives the spider the book of either.
"""

from __future__ import annotations

import logging
import weakref
from typing import TYPE_CHECKING, Any, Protocol

from scrapy.dupefilters import RFPDupeFilter

from newsbot.discovery.roles import PageRoles, Seen, role_of
from newsbot.extensions.state import STATE_KEY
from newsbot.urls import url_key

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
UPGRADE_META = ("entry", STATE_KEY)
"""What an article request that upgrades a front hands over to it."""


class RoleBook(Protocol):
    def front_handled(self, keys: list[str],
                      is_article: bool | None) -> dict[str, Any] | None: ...

    def waiting(self) -> dict[str, dict[str, Any]]: ...


_BOOKS: weakref.WeakKeyDictionary[Crawler, RoleBook] = weakref.WeakKeyDictionary()


def page_roles(crawler: Crawler) -> RoleBook:
    """The role book of this crawl: in memory, or in Redis for a distributed crawl (call it
    once the crawl runs: the settings that say which are final only then)."""
    if crawler not in _BOOKS:
        from newsbot.distributed.crawl import redis_crawl
        from newsbot.distributed.scheduler import RedisRoles

        crawl = redis_crawl(crawler)
        _BOOKS[crawler] = RedisRoles(crawl) if crawl else PageRoles()
    return _BOOKS[crawler]


def callback_name(request: Request) -> str | None:
    return getattr(request.callback, "__name__", None)


def page_key(request: Request) -> str:
    return url_key(request.url)


def upgrade_meta(request: Request) -> dict[str, Any]:
    return {k: request.meta[k] for k in UPGRADE_META if k in request.meta}


def count(crawler: Crawler, decision: Seen, request: Request) -> None:
    """Count (and log) a decision about a request for a page already requested."""
    if decision is Seen.DUPLICATE:
        return
    crawler.stats.inc_value(f"newsbot/roles/{decision.value}")
    if decision is Seen.UPGRADED:
        logger.debug("%s, queued as a front, is announced as an article: it will be extracted "
                     "when it is fetched", request.url)
    elif decision is Seen.NOT_ARTICLE:
        logger.info("Not fetching %s as an article: it was fetched as a front before it was "
                    "announced as one, and says it is not an article", request.url)
    else:
        logger.info("%s was fetched as a front before it was announced as an article, and "
                    "shows no article markup: fetching it again as an article", request.url)


class RoleDupeFilter(RFPDupeFilter):
    crawler: Crawler
    roles: PageRoles

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RoleDupeFilter:
        dupefilter = super().from_crawler(crawler)
        dupefilter.crawler = crawler
        roles = page_roles(crawler)
        assert isinstance(roles, PageRoles), "a distributed crawl filters in its scheduler"
        dupefilter.roles = roles
        return dupefilter

    def request_seen(self, request: Request) -> bool:
        seen = super().request_seen(request)
        role = role_of(callback_name(request))
        if role is None:
            return seen
        if not seen:
            self.roles.first(page_key(request), role)
            return False
        decision = self.roles.again(page_key(request), role, upgrade_meta(request))
        count(self.crawler, decision, request)
        return decision is not Seen.REFETCH
