"""scrapy-redis' scheduler, dupefilter and priority queue, made safe for a crawl that must not
lose or repeat work.

scrapy-redis 0.9.1 as it comes pickles requests (code execution for anyone who can write to
Redis), flushes the shared queue and dupefilter when any worker closes
(``SCHEDULER_PERSIST = False``), records a fingerprint and pushes the request in two commands
(a Redis failure between them loses the request for good), and pops requests with no
acknowledgement (a worker killed with requests in flight loses them). Here:

* requests are JSON, read back through :mod:`newsbot.distributed.codec`'s allow-list;
* the scheduler persists; nothing is deleted when a worker closes (a new run clears the last
  run's dupefilter: :meth:`newsbot.distributed.crawl.RedisCrawl.join`);
* the fingerprint and the push are one Lua script, which also acknowledges the lease of the
  request it replaces (a redirect, a retry);
* start requests are fingerprinted too (every worker makes them, one fetches them);
* a repeated request follows the page-role rules of :mod:`newsbot.dupefilter` (an article
  request upgrades a queued front ...), decided in the same script, with the fronts' states and
  the upgrades in the crawl's ``fronts`` and ``upgrades`` hashes;
* a pop leases the request (:mod:`newsbot.distributed.crawl`); the scheduler says it has
  pending requests while other workers hold leases, since their pages may lead to more.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import Base
from scrapy_redis.scheduler import Scheduler

from newsbot.discovery.roles import VERDICTS, Seen, role_of
from newsbot.distributed.codec import BadRequest, decode, encode
from newsbot.distributed.crawl import _NOW, LEASE, RedisCrawl, redis_crawl
from newsbot.dupefilter import UPGRADE_META, callback_name, count, page_key, upgrade_meta
from newsbot.scrapy_internals import wake_engine

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
POLL = 0.5
"""Seconds between looks at the queue while only other workers have requests in flight."""

_PUSH = """
if ARGV[4] ~= '' then
  redis.call('ZREM', KEYS[3], ARGV[4])
  redis.call('HDEL', KEYS[4], ARGV[4]) redis.call('HDEL', KEYS[5], ARGV[4])
  redis.call('HDEL', KEYS[6], ARGV[4])
end
local pushed = 1
if ARGV[1] ~= '' then
  if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then
    local state = redis.call('HGET', KEYS[7], ARGV[6])
    if ARGV[5] ~= 'article' or not state then return 0 end
    if state == 'queued' then
      redis.call('HSET', KEYS[7], ARGV[6], 'upgraded')
      redis.call('HSET', KEYS[8], ARGV[6], ARGV[7])
      return 2
    end
    if state == 'not_article' then return 4 end
    if state ~= 'followed' then return 0 end
    redis.call('HSET', KEYS[7], ARGV[6], 'refetched')
    pushed = 3
  elseif ARGV[5] == 'front' then
    redis.call('HSET', KEYS[7], ARGV[6], 'queued')
  end
end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return pushed
"""
# KEYS: dupefilter, requests, leases, data, score, owner, fronts, upgrades.  ARGV: fingerprint
# ('' = no filter), score, payload, lease to acknowledge ('' = none), role ('front', 'article'
# or ''), page key, what an article request hands over to the front it upgrades.
# Returns 0 (a duplicate), 1 (queued), 2 (upgraded a queued front), 3 (queued again, as an
# article), 4 (its front said it is not an article): newsbot.discovery.roles.PageRoles' rules.

_FRONT_HANDLED = """
local upgrade = false
for i = 1, #ARGV - 1 do
  local found = redis.call('HGET', KEYS[2], ARGV[i])
  if found then upgrade = found redis.call('HDEL', KEYS[2], ARGV[i]) end
end
local state = ARGV[#ARGV]
if upgrade and state == 'followed' then state = 'extracted' end
for i = 1, #ARGV - 1 do redis.call('HSET', KEYS[1], ARGV[i], state) end
return upgrade
"""
# KEYS: fronts, upgrades.  ARGV: page keys..., state if not upgraded ('extracted',
# 'followed' or 'not_article')

_POP = _NOW + """
local item = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #item == 0 then return false end
redis.call('ZREM', KEYS[1], item[1])
local id = tostring(redis.call('INCR', KEYS[6]))
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), id)
redis.call('HSET', KEYS[3], id, item[1])
redis.call('HSET', KEYS[4], id, item[2])
redis.call('HSET', KEYS[5], id, ARGV[1])
return {id, item[1]}
"""
# KEYS: requests, leases, data, score, owner, lease counter.  ARGV: worker, lease ms


PUSHED = {0: Seen.DUPLICATE, 1: None, 2: Seen.UPGRADED, 3: Seen.REFETCH,
          4: Seen.NOT_ARTICLE}


class RedisRoles:
    """The role book (:class:`newsbot.discovery.roles.PageRoles`) of a distributed crawl: the
    states of its fronts and the upgrades waiting for them, in Redis, shared by the workers.
    :meth:`LeasedQueue.push` applies the dupefilter's side in the script that queues."""

    def __init__(self, crawl: RedisCrawl):
        self.crawl = crawl
        self._handled = crawl.redis.register_script(_FRONT_HANDLED)

    def front_handled(self, keys: list[str], is_article: bool | None) -> dict[str, Any] | None:
        raw = self._handled(keys=[self.crawl.key("fronts"), self.crawl.key("upgrades")],
                            args=[*keys, VERDICTS[is_article]])
        if not raw:
            return None
        try:  # read back as untrusted data, like a queued request
            meta = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            meta = None
        if not isinstance(meta, dict):
            logger.warning("Ignoring an upgrade that newsbot did not write: %r", raw[:200])
            return {}
        return {k: v for k, v in meta.items()
                if k in UPGRADE_META and isinstance(v, dict | str)}

    def waiting(self) -> dict[str, dict[str, Any]]:
        """Not known to one worker: another may still handle the front."""
        return {}


class RedisDupeFilter(RFPDupeFilter):
    """scrapy-redis' fingerprints in the crawl's set; closing a worker never clears it."""

    def close(self, reason: str = "") -> None:
        pass


class LeasedQueue(Base):
    """scrapy-redis' priority queue (a sorted set of JSON payloads) with leased pops."""

    crawl: RedisCrawl
    max_size: int

    def __init__(self, server, spider: Spider, key: str, serializer=None):
        super().__init__(server, spider, key, serializer=json)
        crawl = redis_crawl(spider.crawler)
        assert crawl is not None
        self.crawl = crawl
        settings = spider.crawler.settings
        self.max_size = max(settings.getint("DOWNLOAD_MAXSIZE"),
                            settings.getint("NEWSBOT_SITEMAP_MAX_BYTES"))
        self._push = server.register_script(_PUSH)
        self._pop = server.register_script(_POP)

    def _encode_request(self, request: Request) -> bytes:
        return encode(request, self.spider)

    def _decode_request(self, encoded_request: bytes) -> Request:
        return decode(encoded_request, self.spider, self.max_size)

    def __len__(self) -> int:
        return self.server.zcard(self.key)

    def push(self, request: Request, fingerprint: str = "", ack: str = "") -> Seen | None:
        """Queue ``request`` unless its fingerprint was seen and its role asks for no more
        (None when queued); acknowledge ``ack`` with it."""
        crawl = self.crawl
        role = role_of(callback_name(request)) or ""
        result = self._push(
            keys=[crawl.key("dupefilter"), *crawl.queue_keys(), crawl.key("fronts"),
                  crawl.key("upgrades")],
            args=[fingerprint, -request.priority, self._encode_request(request), ack, role,
                  page_key(request), json.dumps(upgrade_meta(request))])
        return PUSHED[int(result)]

    def pop(self, timeout: int = 0) -> Request | None:
        crawl = self.crawl
        while True:
            popped = self._pop(
                keys=[*crawl.queue_keys(), crawl.key("lease:seq")],
                args=[crawl.worker, crawl.lease_ms])
            if not popped:
                return None
            lease, payload = popped[0].decode(), popped[1]
            try:
                request = self._decode_request(payload)
            except BadRequest as why:
                crawl.ack([lease])
                crawl.crawler.stats.inc_value("newsbot/distributed/bad_payload")
                logger.warning("Skipping a queued request that newsbot did not make (%s): %r",
                               why, payload[:200])
                continue
            crawl.leased(lease, request)
            return request


class RedisScheduler(Scheduler):
    """scrapy-redis' scheduler over :class:`LeasedQueue`, persistent, for one named crawl."""

    crawl: RedisCrawl

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScheduler:
        crawl = redis_crawl(crawler)
        if crawl is None:
            raise ValueError("RedisScheduler needs NEWSBOT_REDIS_URL")
        scheduler = cls(server=crawl.redis, persist=True, queue_key=crawl.key("requests"),
                        queue_cls=f"{__name__}.LeasedQueue",
                        dupefilter=RedisDupeFilter(crawl.redis, crawl.key("dupefilter")),
                        dupefilter_key=crawl.key("dupefilter"), serializer=json)
        scheduler.stats = crawler.stats
        scheduler.crawl = crawl
        scheduler.crawler = crawler
        return scheduler

    def enqueue_request(self, request: Request) -> bool:
        lease = request.meta.pop(LEASE, None)  # a redirect or retry of a leased request
        if lease is not None:
            self.crawl.held.pop(lease, None)
        # Every worker makes the spider's start requests (dont_filter, as Scrapy makes them):
        # the crawl's first one wins, unlike retries, which must get through.
        filtered = not request.dont_filter or request.meta.get("is_start_request")
        fingerprint = self.df.request_fingerprint(request) if filtered else ""
        decision = self.queue.push(request, fingerprint, lease or "")
        if decision is not None:
            count(self.crawler, decision, request)
            if decision is not Seen.REFETCH:
                self.df.log(request, self.spider)
                return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        self.crawl.settle()
        request = self.queue.pop()
        if request is None and self.crawl.reap():
            request = self.queue.pop()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        """Queued requests, or requests other workers are still on (their pages may lead to
        more): the crawl is over for this worker only when it is over for all."""
        queued, others = self.crawl.others_busy()
        if queued:
            return True
        if others:
            self.crawl.idle()
            self.crawl.reap()
            wake_engine(self.crawler.engine, POLL)  # its own heartbeat looks again only in 5 s
            return True
        return False
