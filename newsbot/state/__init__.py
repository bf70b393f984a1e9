"""Crawl state: what scheduled runs remember between runs, behind one small interface.

A run asks the state three questions: which announced article URLs are worth fetching
(:meth:`CrawlState.discover`), which sitemaps and feeds can be fetched conditionally
(:meth:`CrawlState.cursor`), and what the last exported version of an article was
(:meth:`CrawlState.article`). It tells the state what it found and what it durably exported.

The contract an implementation keeps (SQLite here, Redis for distributed crawls):

* An article URL is *pending* from its discovery until the run *handles* it (exports it, finds
  it unchanged, drops it, or gets a 404/410 for it). Pending URLs survive crashes and are
  handed back by :meth:`CrawlState.pending` so the next run fetches them: nothing discovered
  is lost, whatever the run died of.
* A handled URL is fetched again only when a sitemap or feed announces it with a later date
  (``lastmod``, ``news:publication_date``, feed dates) than when it was handled.
* :meth:`CrawlState.handled` with a :class:`Version` is called only after the article's line
  is durably written, and is committed when it returns.
* Entries expire: articles not announced nor handled for the TTL are forgotten, cursors after
  half of it (so every sitemap is refetched in full, and its URLs re-announced, before they
  expire). Memory must not grow with the number of URLs remembered.
* Young articles are revisited, since updates are often not re-dated in sitemaps: an article
  handled with the page it was read from (:class:`Fetch`) for the first time is due again at
  each point of the revisit schedule (hours after that first fetch). :meth:`CrawlState.revisits`
  hands out the due ones and moves each to its next point, so a revisit that fails is not made
  twice; the page's ``ETag`` and ``Last-Modified`` are kept (:meth:`CrawlState.validators`) only
  while revisits are ahead.
* :meth:`CrawlState.lock` keeps two runs of one outlet apart (across machines for Redis).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from newsbot.dedup.fingerprints import short_id
from newsbot.urls import same_site, url_key

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

    from newsbot.distributed.crawl import RedisCrawl


class StateError(RuntimeError):
    """The crawl state cannot be read or written; the message says where and why."""


class StateLocked(StateError):
    """Another run holds an outlet this run wants to crawl."""


@dataclass(frozen=True)
class Found:
    """An article URL announced by a sitemap, feed or front page."""

    key: str
    """:func:`url_key` of the announced URL"""
    url: str
    """URL as requested (kept to fetch it again if the run dies)"""
    date: str | None = None
    """announced date, UTC ISO 8601 (the entry's lastmod, else its publication date)"""


@dataclass(frozen=True)
class Cursor:
    """What a sitemap, feed or article page answered last time, for a conditional GET."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    refetch: bool = False
    """always fetched in full: a sitemap index, whose children may change while it does not"""


@dataclass(frozen=True)
class Version:
    """The last exported version of an article."""

    content_hash: str
    number: int
    id: str
    announced: str | None = None
    """date the article was announced with since it was last handled, when a sitemap or feed
    re-dated it (fills ``dateModified`` of a new version; a change found by a revisit has none)"""


@dataclass(frozen=True)
class Fetch:
    """The page an article was read from: where its revisits go, and its validators."""

    outlet: str
    url: str
    at: float
    """when it was fetched (unix time)"""
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Handled:
    """An article the run is done with: exported (``version`` set) or not worth exporting."""

    key: str
    version: Version | None = None
    fetch: Fetch | None = None
    """the page it was read from, when it was exported, found unchanged or not modified: its
    first fetch starts its revisit schedule"""


@dataclass(frozen=True)
class Revisit:
    """An article whose revisit is due."""

    key: str
    url: str


@dataclass(frozen=True)
class Due:
    """The revisits due for an outlet: how many, and those handed out to this run."""

    count: int
    revisits: list[Revisit] = field(default_factory=list)


class CrawlState(Protocol):
    def lock(self, outlet: str) -> None:
        """Hold ``outlet`` until :meth:`close`; raise :class:`StateLocked` if another run does."""

    def discover(self, outlet: str, found: Sequence[Found]) -> list[bool]:
        """Record announced URLs as pending unless handled and not re-dated since; for each,
        whether to fetch it."""

    def pending(self, outlet: str) -> Iterator[Found]:
        """Pending URLs of ``outlet`` left by earlier runs (streamed, not loaded at once)."""

    def resolved(self, outlet: str, key: str, article: str, url: str) -> None:
        """URL ``key`` turned out to be article ``article`` (a redirect or a same-site
        canonical): handling the article handles the URL too."""

    def cursor(self, url: str) -> Cursor | None:
        """The cursor of a sitemap or feed, if one is remembered."""

    def save_cursor(self, outlet: str, cursor: Cursor) -> None:
        """Remember a cursor; call it only once the document's entries were discovered."""

    def article(self, key: str) -> Version | None:
        """The last exported version of article ``key``."""

    def handled(self, done: Sequence[Handled]) -> None:
        """Mark articles handled, and the URLs resolved to them no longer pending; schedule
        the revisits of those fetched for the first time; committed on return (a crash of the
        process never undoes it)."""

    def revisits(self, outlet: str, now: float, limit: int) -> Due:
        """Articles of ``outlet`` due for a revisit at ``now``, the longest due first, at most
        ``limit`` handed out; each handed out is moved to its next revisit (or has none left)."""

    def validators(self, key: str) -> Cursor | None:
        """``ETag`` and ``Last-Modified`` of article ``key``'s page, while revisits are ahead."""

    def close(self) -> None:
        """Release locks and connections."""


def article_key(url: str, canonical: str | None) -> str:
    """Key of an article: its same-site canonical URL, else the URL it was fetched from.

    A canonical on another site (a reprint pointing at its wire original) is not this article.
    """
    if canonical and same_site(url, canonical):
        return url_key(canonical)
    return url_key(url)


def version_id(key: str, content_hash: str | None) -> str:
    """``id`` of an article version: the same article with the same text, the same id."""
    return short_id(f"{key}\n{content_hash or ''}")


def parse_schedule(value: Any) -> tuple[float, ...]:
    """``NEWSBOT_REVISIT_SCHEDULE`` as sorted hours: a list, or text as ``-s`` gives it
    (``[1, 6, 24]``, ``1,6,24``; ``[]`` or nothing: no revisits); ValueError for anything else
    (:mod:`newsbot.config` says so before a crawl starts)."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = json.loads(text) if text.startswith("[") else \
                [v for v in text.split(",") if v.strip()]
        except ValueError:
            value = None
    try:
        hours = sorted({float(v) for v in value})
    except (TypeError, ValueError):
        hours = [-1.0]
    if any(h <= 0 or not math.isfinite(h) for h in hours):
        raise ValueError(f"NEWSBOT_REVISIT_SCHEDULE must be a list of positive hours after an "
                         f"article's first fetch (like [1, 6, 24]; [] for none), not {value!r}")
    return tuple(hours)


def next_revisit(first: float, now: float, schedule: Sequence[float]) -> float | None:
    """The first point of ``schedule`` (hours after ``first``) later than ``now``: a run that
    comes late makes one revisit, not one per point it missed."""
    return next((due for hours in schedule if (due := first + hours * 3600) > now), None)


def open_state(settings: BaseSettings, crawl: RedisCrawl | None = None) -> CrawlState | None:
    """The state the settings ask for: in Redis for a distributed ``crawl``, else SQLite; None
    when ``NEWSBOT_STATE_ENABLED`` is off."""
    if not settings.getbool("NEWSBOT_STATE_ENABLED"):
        return None
    ttl_days = settings.getfloat("NEWSBOT_STATE_TTL_DAYS")
    schedule = parse_schedule(settings.get("NEWSBOT_REVISIT_SCHEDULE"))
    if crawl is not None:
        from newsbot.state.redis import RedisState

        return RedisState(crawl.redis, ttl_days * 86400, crawl, schedule)
    from newsbot.state.sqlite import SqliteState

    return SqliteState(Path(settings.get("NEWSBOT_STATE_PATH")), ttl_days * 86400,
                       schedule=schedule)
