"""One worker's place in a distributed crawl: who is alive, which requests it holds, when to
let them go.

A crawl is named by its spider and slug (``news:apnews+dw``): every worker started with the same
arguments joins it. Its keys live under ``newsbot:crawl:<name>:``.

* **Workers** register in a sorted set with a deadline that a heartbeat thread pushes forward
  every few seconds; a worker killed by SIGKILL stops beating and is dead once its deadline
  passes (``NEWSBOT_REDIS_LEASE_SECONDS``).
* **Leases.** A request popped from the shared queue is leased to this worker (its payload kept
  under the lease). The lease is acknowledged, and forgotten, only when the request is done:
  its response or failure went through the spider and every article it gave was durably
  exported (or dropped). The heartbeat renews the leases of a live worker; the leases of a dead
  one expire and any worker puts them back in the queue. So a request is crawled at least
  once; an article is exported once, since the crawl state only records lines on disk and the
  version stage drops an article already exported with the same text.
* **Runs.** The first worker to join a crawl whose last run finished starts a new run: it clears
  the previous run's dupefilter (the deliberate flush; a worker closing never wipes anything).
  A crawl that did not finish (all its workers killed) is resumed as it was. The run's page
  roles (``fronts``, ``upgrades``: :mod:`newsbot.dupefilter`) go with its dupefilter.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from redis import RedisError
from scrapy import signals

from newsbot.distributed.connection import PatientRedis, RedisUnavailable, connect
from newsbot.scrapy_internals import engine_requests_in_progress

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

LEASE = "newsbot_lease"
"""Request meta: the lease a request popped from the shared queue is held under."""
REAP_EVERY = 1.0
"""Seconds between looks for expired leases (when the queue is empty)."""

_NOW = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) "

_JOIN = _NOW + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local fresh = 0
if redis.call('ZCARD', KEYS[1]) == 0 and redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
  fresh = 1
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return fresh
"""
# KEYS: workers, finished, dupefilter, placed, fronts, upgrades.  ARGV: worker, lease ms

_BEAT = _NOW + """
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
for i = 4, #ARGV do redis.call('ZADD', KEYS[2], 'XX', now + tonumber(ARGV[2]), ARGV[i]) end
for i = 3, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
return 1
"""
# KEYS: workers, leases, lock keys...  ARGV: worker, lease ms, lock ms, lease ids...

_LEAVE = """
redis.call('ZREM', KEYS[1], ARGV[1])
if ARGV[2] == '1' and redis.call('ZCARD', KEYS[2]) == 0 and redis.call('ZCARD', KEYS[3]) == 0 then
  redis.call('SET', KEYS[4], '1')
end
local left = redis.call('ZCARD', KEYS[1])
if left == 0 then for i = 5, #KEYS do redis.call('DEL', KEYS[i]) end end
return left
"""
# KEYS: workers, requests, leases, finished, lock keys (released by the last worker).
# ARGV: worker, finished (1/0)

_REQUEUE = """
for _, id in ipairs(ids) do
  local payload = redis.call('HGET', KEYS[3], id)
  if payload then redis.call('ZADD', KEYS[1], redis.call('HGET', KEYS[4], id) or 0, payload) end
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id) redis.call('HDEL', KEYS[4], id) redis.call('HDEL', KEYS[5], id)
end
return #ids
"""
_REAP = _NOW + """
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
""" + _REQUEUE
# KEYS: requests, leases, data, score, owner.  ARGV: at most this many
_RELEASE = "local ids = ARGV" + _REQUEUE
# KEYS: requests, leases, data, score, owner.  ARGV: lease ids

_CLAIM = _NOW + """
for i = 2, #ARGV do
  local owner = redis.call('HGET', KEYS[1], ARGV[i])
  if owner and owner ~= ARGV[1] then
    local deadline = redis.call('ZSCORE', KEYS[2], owner)
    if deadline and tonumber(deadline) > now then return 0 end
  end
end
for i = 2, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], ARGV[1]) end
return 1
"""
# KEYS: placed, workers.  ARGV: worker, article keys...

_OTHERS = """
local others = 0
local owners = redis.call('HVALS', KEYS[3])
for _, owner in ipairs(owners) do if owner ~= ARGV[1] then others = others + 1 end end
return {redis.call('ZCARD', KEYS[1]), others}
"""
# KEYS: requests, leases, owner.  ARGV: worker


class RedisCrawl:
    """The distributed side of one worker (one per crawler; see :func:`redis_crawl`)."""

    def __init__(self, crawler: Crawler, redis: PatientRedis, name: str, lease_seconds: float):
        self.crawler = crawler
        self.redis = redis
        self.name = name
        self.prefix = f"newsbot:crawl:{name}:"
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.lease_ms = int(lease_seconds * 1000)
        self.lease_seconds = lease_seconds
        self.held: dict[str, Request] = {}
        """my leases -> the request (not yet done)"""
        self._items: dict[int, str] = {}
        """id(item) -> lease, for articles not yet exported"""
        self._waiting: Counter[str] = Counter()
        """lease -> articles not yet exported"""
        self._written: Counter[int] = Counter()
        self.feeds = 0
        self.flushers: list[Callable[[], None]] = []
        """exporters' sync(): called when only other workers hold leases (see :meth:`idle`)"""
        self.lock_keys: list[str] = []
        """keys the heartbeat keeps alive for this worker (the state's outlet locks)"""
        self._last_reap = 0.0
        self._stop = threading.Event()
        self._beating: threading.Thread | None = None
        self._scripts = {name: redis.register_script(code) for name, code in (
            ("join", _JOIN), ("beat", _BEAT), ("leave", _LEAVE),
            ("reap", _REAP), ("release", _RELEASE), ("others", _OTHERS),
            ("claim", _CLAIM))}

    def key(self, name: str) -> str:
        return self.prefix + name

    # --- membership ---------------------------------------------------------------------------
    def join(self) -> bool:
        """Register this worker; True when it starts a new run (the last one finished)."""
        fresh = bool(self._scripts["join"](
            keys=[self.key("workers"), self.key("finished"), self.key("dupefilter"),
                  self.key("placed"), self.key("fronts"), self.key("upgrades")],
            args=[self.worker, self.lease_ms]))
        logger.info("Worker %s joined distributed crawl %s (%s)", self.worker, self.name,
                    "a new run" if fresh else "resuming or joining the current run")
        self._beating = threading.Thread(target=self._beat_forever, daemon=True,
                                         name="newsbot-heartbeat")
        self._beating.start()
        return fresh

    def leave(self, finished: bool) -> int:
        """Unregister; mark the run finished if it is and nothing is queued or leased. Returns
        how many workers are left."""
        self._stop.set()
        left = self._scripts["leave"](
            keys=[self.key("workers"), self.key("requests"), self.key("leases"),
                  self.key("finished"), *self.lock_keys], args=[self.worker, int(finished)])
        return int(left)

    def beat(self, client: Any = None) -> None:
        self._scripts["beat"](
            keys=[self.key("workers"), self.key("leases"), *self.lock_keys],
            args=[self.worker, self.lease_ms, self.lease_ms, *tuple(self.held)],
            client=client)

    def _beat_forever(self) -> None:
        """Renew this worker's registration, leases and locks; a thread of its own, so a long
        page or a frozen reactor does not let them expire. Outages are the reactor's to log."""
        import redis

        plain = redis.Redis(connection_pool=self.redis.connection_pool)
        interval = min(self.lease_seconds / 3, 5.0)
        while not self._stop.wait(interval):
            try:
                self.beat(plain)
            except redis.RedisError as exc:  # an outage: the reactor's commands log it
                logger.debug("Heartbeat failed: %s", exc)
            except Exception:  # never let the heartbeat die silently: leases would expire
                logger.exception("Heartbeat failed")

    # --- leases -------------------------------------------------------------------------------
    def leased(self, lease: str, request: Request) -> None:
        request.meta[LEASE] = lease
        self.held[lease] = request

    def ack(self, leases: Iterable[str]) -> None:
        leases = list(leases)
        for lease in leases:
            self.held.pop(lease, None)
        if not leases:
            return
        pipe = self.redis.pipeline()
        pipe.zrem(self.key("leases"), *leases)
        for name in ("lease:data", "lease:score", "lease:owner"):
            pipe.hdel(self.key(name), *leases)
        pipe.execute()
        self.crawler.stats.inc_value("newsbot/distributed/acked", len(leases))

    def settle(self) -> None:
        """Acknowledge the leases whose request is done: out of the engine (response or failure
        handled by the spider) with every article it gave exported or dropped."""
        in_progress = engine_requests_in_progress(self.crawler.engine)
        if in_progress is None:
            return
        done = [lease for lease, request in self.held.items()
                if request not in in_progress and not self._waiting[lease]]
        for lease in done:
            self._waiting.pop(lease, None)
        self.ack(done)

    def reap(self) -> int:
        """Put expired leases (of dead workers) back in the queue; not right after an outage,
        when live workers have not yet renewed theirs."""
        now = time.monotonic()
        if now - self._last_reap < REAP_EVERY or (
                self.redis.recovered_at and now - self.redis.recovered_at < self.lease_seconds):
            return 0
        self._last_reap = now
        count = int(self._scripts["reap"](keys=self.queue_keys(), args=[100]))
        if count:
            self.crawler.stats.inc_value("newsbot/distributed/requeued", count)
            logger.warning("Put back %d request(s) whose worker stopped renewing its lease "
                           "(died or froze) in the queue", count)
        return count

    def release(self) -> None:
        """Put this worker's unfinished requests back in the queue now (it stops without
        finishing them: an error, Ctrl-C), rather than when their leases expire."""
        if self.held:
            count = int(self._scripts["release"](keys=self.queue_keys(), args=list(self.held)))
            self.held.clear()
            self.crawler.stats.inc_value("newsbot/distributed/released", count)
            logger.warning("Put %d unfinished request(s) back in the queue for the other "
                           "workers or the next run", count)

    def queue_keys(self) -> list[str]:
        """The queue and the lease keys, in the order the queue scripts take them."""
        return [self.key("requests"), self.key("leases"), self.key("lease:data"),
                self.key("lease:score"), self.key("lease:owner")]

    def others_busy(self) -> tuple[int, int]:
        """(requests queued, requests leased to other workers)."""
        queued, others = self._scripts["others"](
            keys=[self.key("requests"), self.key("leases"), self.key("lease:owner")],
            args=[self.worker])
        return int(queued), int(others)

    # --- articles -----------------------------------------------------------------------------
    def item_from(self, item: Any, request: Request) -> None:
        """An article of a leased request: its lease waits until it is exported or dropped."""
        lease = request.meta.get(LEASE)
        if lease in self.held:
            self._items[id(item)] = lease
            self._waiting[lease] += 1

    def item_done(self, item: Any) -> None:
        lease = self._items.pop(id(item), None)
        if lease is not None:
            self._waiting[lease] -= 1

    def item_scraped(self, item: Any) -> None:
        if not self.feeds:  # no feed that reports durable writes: done when scraped
            self.item_done(item)

    def items_written(self, items: Iterable[Any]) -> None:
        """A feed has these articles on disk; once every feed has one, it is done."""
        for item in items:
            self._written[id(item)] += 1
            if self._written[id(item)] >= self.feeds:
                del self._written[id(item)]
                self.item_done(item)
        self.settle()

    def idle(self) -> None:
        """Only other workers hold leases: write out what waits in this worker's batches, so
        its leases are acknowledged and the others can see the crawl end."""
        if self._waiting and any(self._waiting.values()):
            for flush in self.flushers:
                flush()
        self.settle()

    # --- dedup: which worker placed an article in this run ------------------------------------
    def claim(self, keys: Iterable[str]) -> bool:
        """Record that this worker places the article with these keys in this run; False when
        a live worker other than this one already did (a worker that died before exporting it
        does not count: its work is redone). One script, so two workers cannot both claim it."""
        return bool(self._scripts["claim"](keys=[self.key("placed"), self.key("workers")],
                                           args=[self.worker, *sorted(keys)]))

    # --- the end ------------------------------------------------------------------------------
    def spider_closed(self, reason: str) -> None:
        self._reason = reason

    def engine_stopped(self) -> None:
        """After the feeds closed (their last batch acknowledged): leave the crawl."""
        finished = getattr(self, "_reason", None) == "finished"
        try:
            self.release()
            left = self.leave(finished)
        except (RedisUnavailable, RedisError) as exc:
            logger.error("Leaving the distributed crawl failed (%s); this worker's unfinished "
                         "requests go back to the queue when their leases expire", exc)
            return
        logger.info("Worker %s left distributed crawl %s (%d worker(s) left)", self.worker,
                    self.name, left)


_CRAWLS: weakref.WeakKeyDictionary[Crawler, RedisCrawl | None] = weakref.WeakKeyDictionary()


def redis_crawl(crawler: Crawler) -> RedisCrawl | None:
    """This crawler's :class:`RedisCrawl`, connected and joined on first use; None unless
    ``NEWSBOT_REDIS_URL`` is set. A Redis that cannot be used stops the crawl before it starts."""
    if crawler in _CRAWLS:
        return _CRAWLS[crawler]
    settings = crawler.settings
    url = settings.get("NEWSBOT_REDIS_URL")
    if not url:
        _CRAWLS[crawler] = None
        return None
    try:
        redis = connect(url, settings.getfloat("NEWSBOT_REDIS_OUTAGE_TIMEOUT"))
    except RedisUnavailable as exc:
        logger.error("%s", exc)  # one clear line before the bootstrap traceback
        raise
    spider = crawler.spider
    assert spider is not None  # called from components built for an open crawl
    crawl = RedisCrawl(crawler, redis, f"{spider.name}:{getattr(spider, 'slug', spider.name)}",
                       settings.getfloat("NEWSBOT_REDIS_LEASE_SECONDS"))
    _CRAWLS[crawler] = crawl
    crawl.join()
    crawler.signals.connect(crawl.item_scraped, signal=signals.item_scraped)
    crawler.signals.connect(crawl.item_done, signal=signals.item_dropped)
    crawler.signals.connect(crawl.item_done, signal=signals.item_error)
    crawler.signals.connect(crawl.spider_closed, signal=signals.spider_closed)
    crawler.signals.connect(crawl.engine_stopped, signal=signals.engine_stopped)
    return crawl
