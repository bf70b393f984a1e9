"""Every Scrapy internal newsbot relies on, behind small adapters checked on named Scrapy versions.

Scrapy has no public API for a few things a polite, lossless crawl needs: holding one host's
downloader slot for a ``Retry-After``, taking a paused host's requests out of the slot queues,
answering robots.txt failures the way RFC 9309 says, waking the engine, knowing which requests
it still has in hand. Each adapter below says what it touches; all were read against, and the
suite passed on, the Scrapy versions in :data:`CHECKED_ON` (``pyproject.toml`` pins the same
range). :data:`PRIVATE` names every (owner, attribute) used, here and nowhere else in newsbot;
``tests/test_scrapy_internals.py`` fails naming the attribute when an installed Scrapy lacks
one. Before moving the pin to a new minor: read the owners' source in that release, run the
suite on it, then add it to :data:`CHECKED_ON`.

What has public API is used instead: the ``robots_parsed`` signal (Crawl-delay),
``DOWNLOAD_MAXSIZE`` from the settings, ``process_response`` of the redirect middlewares.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.core.downloader import Slot
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxt
from scrapy.extensions.feedexport import FeedExporter
from scrapy.utils.asyncio import call_later

if TYPE_CHECKING:
    from collections.abc import Set

    from scrapy import Request, Spider
    from scrapy.core.downloader import Downloader
    from scrapy.core.engine import ExecutionEngine
    from scrapy.core.scheduler import BaseScheduler
    from scrapy.crawler import Crawler
    from scrapy.extensions.feedexport import FeedSlot
    from scrapy.http import Response
    from twisted.internet.defer import Deferred

CHECKED_ON = ("2.18", "2.19")
"""Scrapy minor versions whose source was read for these adapters and where the suite passed."""


@dataclass(frozen=True)
class Private:
    """An attribute of Scrapy (or scrapy-redis) that is not public API, and who uses it."""

    owner: str
    """dotted path of the class or module"""
    attribute: str
    used_by: str
    instance: bool = False
    """set on instances (in ``__init__``), not on the class"""


_DOWNLOADER = "scrapy.core.downloader.Downloader"
_SLOT = "scrapy.core.downloader.Slot"
_ROBOTS = "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"
_JITTER = "jitter" if hasattr(Slot, "jitter") else "randomize_delay"
"""Slot's random delay variation: ``jitter`` (a magnitude) from 2.19, ``randomize_delay`` (on or
off) before; 2.19 still accepts the old name but warns."""

PRIVATE: tuple[Private, ...] = (
    Private(_DOWNLOADER, "slots", "hold_slot, take_queued, fix_slot_delay, slot_delay", True),
    Private(_DOWNLOADER, "per_slot_settings", "fix_slot_delay", True),
    Private(_DOWNLOADER, "_latercall", "hold_slot"),
    Private(_SLOT, "latercall", "hold_slot"),
    Private(_SLOT, "lastseen", "hold_slot"),
    Private(_SLOT, "queue", "take_queued"),
    Private(_SLOT, "delay", "fix_slot_delay, slot_delay"),
    Private(_SLOT, _JITTER, "fix_slot_delay"),
    Private("scrapy.core.engine.ExecutionEngine", "_slot",
            "engine_requests_in_progress, wake_engine", True),
    Private("scrapy.core.engine._Slot", "inprogress", "engine_requests_in_progress", True),
    Private("scrapy.core.engine._Slot", "nextcall", "wake_engine", True),
    Private("scrapy.core.engine._Slot", "scheduler", "engine_scheduler (Scrapy 2.18)", True),
    Private("scrapy.utils.reactor.CallLaterOnce", "schedule", "wake_engine"),
    Private(_ROBOTS, "_parsers", "RobotsTxtHooks.parsers", True),
    Private(_ROBOTS, "_parse_robots", "RobotsTxtHooks.robots_response"),
    Private(_ROBOTS, "_robots_error", "RobotsTxtHooks.robots_error"),
    Private(_ROBOTS, "process_request_2", "RobotsTxtHooks.enforce"),
    Private("scrapy.extensions.feedexport.FeedExporter", "slots", "feed_slots", True),
    Private("scrapy.extensions.feedexport.FeedSlot", "start_exporting", "feed_slots"),
    Private("scrapy.commands.BaseRunSpiderCommand", "_create_crawler", "CrawlCommand"),
    # scrapy-redis (pinned <0.10): the leased queue overrides its (de)serialisation hooks
    Private("scrapy_redis.queue.Base", "_encode_request",
            "newsbot.distributed.scheduler.LeasedQueue"),
    Private("scrapy_redis.queue.Base", "_decode_request",
            "newsbot.distributed.scheduler.LeasedQueue"),
)


# --- downloader slots -----------------------------------------------------------------------
def hold_slot(downloader: Downloader, key: str, seconds: float) -> None:
    """Send nothing from downloader slot ``key`` for ``seconds``, queued requests included.

    A slot whose ``latercall`` is set does not process its queue until the call
    (``Downloader._latercall``) fires, which is how ``DOWNLOAD_DELAY`` itself waits. ``lastseen``
    is moved forward too, so the slot is not garbage-collected (with its hold) while it waits.
    """
    slot = downloader.slots.get(key)
    if slot is None:
        return
    slot.lastseen = max(slot.lastseen, time.monotonic() + seconds)
    if slot.latercall:
        slot.latercall.cancel()
    slot.latercall = call_later(seconds, downloader._latercall, slot)


def take_queued(downloader: Downloader, take: Callable[[Request], bool],
                ) -> list[tuple[Request, Deferred[Response]]]:
    """Remove the requests ``take`` accepts from every slot's queue (requests past the
    downloader middlewares, waiting for their slot), with the Deferred each one's caller
    awaits: the caller must fire it. The others keep their order."""
    taken: list[tuple[Request, Deferred[Response]]] = []
    for slot in downloader.slots.values():
        waiting = list(slot.queue)
        slot.queue.clear()
        for entry in waiting:
            (taken if take(entry[0]) else slot.queue).append(entry)
    return taken


def fix_slot_delay(downloader: Downloader, key: str, delay: float) -> None:
    """At least ``delay`` seconds between requests of slot ``key``, without random variation,
    for the slot now and for one made later under the same key (``per_slot_settings`` is what
    ``DOWNLOAD_SLOTS`` fills, read when a slot is created)."""
    downloader.per_slot_settings.setdefault(key, {}).update(
        {"delay": delay, _JITTER: 0.0 if _JITTER == "jitter" else False})
    if slot := downloader.slots.get(key):
        slot.delay = max(slot.delay, delay)
        setattr(slot, _JITTER, 0.0 if _JITTER == "jitter" else False)


def slot_delay(downloader: Downloader, request: Request) -> float:
    """The delay of the slot ``request`` is sent from (0 when it has none yet)."""
    slot = downloader.slots.get(downloader.get_slot_key(request))  # reads meta download_slot
    return slot.delay if slot is not None else 0.0


# --- engine ---------------------------------------------------------------------------------
def engine_requests_in_progress(engine: ExecutionEngine | None) -> Set[Request] | None:
    """The requests the engine has taken from the scheduler and not yet finished with (their
    download, and the spider's handling of the response), or None when no spider is open."""
    slot = engine._slot if engine is not None else None
    return None if slot is None else slot.inprogress


def engine_scheduler(engine: ExecutionEngine | None) -> BaseScheduler | None:
    """The scheduler of the open spider, or None: ``ExecutionEngine.scheduler`` from Scrapy
    2.19 on, the engine's slot's in 2.18."""
    if engine is None:
        return None
    if hasattr(type(engine), "scheduler"):
        return engine.scheduler
    return engine._slot.scheduler if engine._slot is not None else None


def wake_engine(engine: ExecutionEngine | None, delay: float) -> None:
    """Have the engine ask the scheduler for requests again in ``delay`` seconds (its own
    heartbeat looks only every 5 s); nothing when no spider is open."""
    if engine is not None and engine._slot is not None:
        engine._slot.nextcall.schedule(delay)


# --- feed exports ---------------------------------------------------------------------------
def feed_slots(crawler: Crawler) -> list[FeedSlot]:
    """The FeedExporter's open feeds (``uri``, ``start_exporting()``), after spider_opened;
    empty when feed exports are off."""
    feeds = crawler.get_extension(FeedExporter)
    return list(feeds.slots) if feeds is not None else []


# --- components whose private steps newsbot replaces ----------------------------------------
class RobotsTxtHooks(ScrapyRobotsTxt):
    """Scrapy's robots.txt middleware with the steps newsbot changes under public names.

    In Scrapy 2.18 and 2.19, ``robot_parser()`` fetches a netloc's robots.txt once, keeping a
    Deferred in ``_parsers`` while it is in flight, then hands the response to
    ``_parse_robots`` (which builds the parser, sends ``robots_parsed`` and settles the netloc)
    or the exception to ``_robots_error`` (which settles it to None: allowed);
    ``process_request_2`` refuses a request the parser disallows. (2.17 had no
    ``robots_parsed`` and a ``_parse_robots`` without the request.)
    """

    @property
    def parsers(self) -> dict[str, Any]:
        """netloc -> its parser, None (everything allowed), or a Deferred while in flight."""
        return self._parsers

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        await self.robots_response(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        self.robots_error(exc, netloc)

    async def robots_response(self, response: Response, netloc: str, request: Request) -> None:
        """robots.txt of ``netloc`` was downloaded: Scrapy parses it, whatever the status."""
        await ScrapyRobotsTxt._parse_robots(self, response, netloc, request)

    def robots_error(self, exc: Exception, netloc: str) -> None:
        """robots.txt of ``netloc`` could not be downloaded: Scrapy allows everything."""
        ScrapyRobotsTxt._robots_error(self, exc, netloc)

    def enforce(self, parser: Any, request: Request) -> None:
        """Raise IgnoreRequest when ``parser`` (None: allow all) disallows ``request``."""
        self.process_request_2(parser, request)


class CrawlCommand(ScrapyCrawlCommand):
    """``scrapy crawl``, keeping the crawlers it makes in ``crawlers`` (their stats are read
    after the run). From 2.18 its ``run()`` makes each one with ``_create_crawler``; 2.17 passed
    the spider name on and never called it."""

    crawlers: list[Crawler]

    def _create_crawler(self, spidercls: type[Spider] | str) -> Crawler:
        crawler = super()._create_crawler(spidercls)
        self.crawlers.append(crawler)
        return crawler
