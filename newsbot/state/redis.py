"""The crawl state in Redis, for crawls shared by several workers (see :mod:`newsbot.state`).

The same contract as the SQLite store, under ``newsbot:state:``:

* ``a:<key>``: a hash per announced URL or article (outlet, URL while pending, pending flag,
  announced and handled dates, the article it resolved to, the last exported version; while
  revisits are ahead, its URL and validators; ``fetched``, the time of its first fetch);
* ``pending:<outlet>``: the outlet's pending keys, a sorted set read in key order by chunks;
* ``revisit:<outlet>``: the outlet's articles with revisits ahead, scored by the next one's time;
* ``resolved:<article>``: the URLs that led to an article, settled with it;
* ``c:<url>``: a sitemap's or feed's validators.

Entries expire by Redis' own key TTL, renewed whenever they are announced or handled (cursors
after half of it), so nothing has to be scanned and memory follows what is remembered. Each
call is one Lua script or command: atomic, so workers discovering and handling the same URLs
at once agree. A worker locks an outlet for its distributed crawl (``lock:<outlet>`` holds the
crawl's name while any of its workers is alive): workers of the same crawl share it, another
crawl of the outlet is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, cast

import redis

from newsbot.distributed.connection import RedisUnavailable
from newsbot.state import (
    Cursor,
    Due,
    Found,
    Handled,
    Revisit,
    StateError,
    StateLocked,
    Version,
    next_revisit,
)

if TYPE_CHECKING:
    from newsbot.distributed.crawl import RedisCrawl

P = "newsbot:state:"

_DISCOVER = f"""
local outlet, ttl = ARGV[1], tonumber(ARGV[2])
local out = {{}}
for i = 3, #ARGV, 3 do
  local key, url, date = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local h = '{P}a:' .. key
  local row = redis.call('HMGET', h, 'pending', 'handled_date', 'article', 'announced')
  local fetch = 1
  if not row[1] then
    redis.call('HSET', h, 'outlet', outlet, 'url', url, 'pending', '1', 'announced', date)
  else
    local moved = date ~= '' and (not row[2] or row[2] == '' or date > row[2])
    if row[1] ~= '1' and not moved then fetch = 0 end
    redis.call('HSET', h, 'pending', tostring(fetch))
    if fetch == 1 then redis.call('HSET', h, 'url', url) end
    if date > (row[4] or '') then redis.call('HSET', h, 'announced', date) end
    if row[3] then redis.call('EXPIRE', '{P}a:' .. row[3], ttl) end
  end
  if fetch == 1 then
    redis.call('ZADD', '{P}pending:' .. (redis.call('HGET', h, 'outlet') or outlet), 0, key)
  end
  redis.call('EXPIRE', h, ttl)
  out[#out + 1] = fetch
end
return out
"""

_RESOLVED = f"""
local outlet, key, article, url, ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
if redis.call('EXISTS', '{P}a:' .. key) == 1 then
  redis.call('HSET', '{P}a:' .. key, 'article', article)
end
redis.call('SADD', '{P}resolved:' .. article, key)
redis.call('EXPIRE', '{P}resolved:' .. article, ttl)
if redis.call('EXISTS', '{P}a:' .. article) == 0 then
  redis.call('HSET', '{P}a:' .. article, 'outlet', outlet, 'url', url, 'pending', '0')
  redis.call('EXPIRE', '{P}a:' .. article, ttl)
end
return 1
"""

_HANDLED = f"""
local ttl = tonumber(ARGV[1])
for i = 2, #ARGV, 10 do
  local key, content_hash, number, id = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local h = '{P}a:' .. key
  if number ~= '' then
    if redis.call('EXISTS', h) == 0 then redis.call('HSET', h, 'pending', '0') end
    redis.call('HSET', h, 'content_hash', content_hash, 'version', number, 'version_id', id)
  end
  local keys = redis.call('SMEMBERS', '{P}resolved:' .. key)
  keys[#keys + 1] = key
  for _, k in ipairs(keys) do
    local hk = '{P}a:' .. k
    if redis.call('EXISTS', hk) == 1 then
      local row = redis.call('HMGET', hk, 'outlet', 'announced')
      redis.call('HSET', hk, 'pending', '0', 'handled_date', row[2] or '')
      redis.call('HDEL', hk, 'url')
      redis.call('EXPIRE', hk, ttl)
      if row[1] then redis.call('ZREM', '{P}pending:' .. row[1], k) end
    end
  end
  -- the page it was read from: the first fetch starts its revisits (due: the first one's time)
  local outlet, url, at, etag, modified, due = unpack(ARGV, i + 4, i + 9)
  if outlet ~= '' and redis.call('EXISTS', h) == 1 then
    local z = '{P}revisit:' .. outlet
    local ahead = true
    if not redis.call('HGET', h, 'fetched') then
      ahead = due ~= ''
      if ahead then
        redis.call('HSET', h, 'fetched', at)
        if not redis.call('HGET', h, 'outlet') then redis.call('HSET', h, 'outlet', outlet) end
        redis.call('ZADD', z, due, key)
        redis.call('EXPIRE', z, ttl)
      end
    else
      ahead = redis.call('ZSCORE', z, key) ~= false
    end
    if ahead then redis.call('HSET', h, 'url', url) end
    for field, value in pairs({{etag = etag, modified = modified}}) do
      if ahead and value ~= '' then redis.call('HSET', h, field, value)
      else redis.call('HDEL', h, field) end
    end
  end
end
return 1
"""

# ARGV: then (key, score it was handed out at, next score or '') per revisit.
_CLAIM = f"""
local z, out = '{P}revisit:' .. ARGV[1], {{}}
for i = 2, #ARGV, 3 do
  local key, old, new = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local score = redis.call('ZSCORE', z, key)
  if score and tonumber(score) == tonumber(old) then
    if new == '' then redis.call('ZREM', z, key) else redis.call('ZADD', z, new, key) end
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
"""

_LOCK = """
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return holder end
redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
return false
"""


def _text(value: bytes | None) -> str | None:
    return value.decode() if value else None


class RedisState:
    """:class:`newsbot.state.CrawlState` in Redis; entries expire after ``ttl`` seconds."""

    def __init__(self, client: redis.Redis, ttl: float, crawl: RedisCrawl,
                 schedule: Sequence[float] = ()):
        # Any: redis-py types each reply of the sync client as "Awaitable or Any"
        # (redis/redis-py#3497); its replies are bytes, lists and ints, checked where read.
        self.redis: Any = cast(Any, client)
        self.ttl = int(ttl)
        self.crawl = crawl
        self.schedule = tuple(schedule)
        """revisits, in hours after an article's first fetch"""
        self.expired = 0  # Redis expires entries itself
        self._discover = client.register_script(_DISCOVER)
        self._resolved = client.register_script(_RESOLVED)
        self._handled = client.register_script(_HANDLED)
        self._claim = client.register_script(_CLAIM)
        self._lock = client.register_script(_LOCK)

    def lock(self, outlet: str) -> None:
        key = f"{P}lock:{outlet}"
        holder = self._call(self._lock, keys=[key], args=[self.crawl.name, self.crawl.lease_ms])
        if holder:
            raise StateLocked(f"outlet {outlet!r} is being crawled by another distributed crawl "
                              f"({holder.decode()}); this worker does not start")
        self.crawl.lock_keys.append(key)

    def discover(self, outlet: str, found: Sequence[Found]) -> list[bool]:
        if not found:
            return []
        args: list[str | int] = [outlet, self.ttl]
        for entry in found:
            args += [entry.key, entry.url, entry.date or ""]
        return [bool(f) for f in self._call(self._discover, args=args)]

    def pending(self, outlet: str, chunk: int = 1000) -> Iterator[Found]:
        after = b"-"
        while True:
            keys = self._call(self.redis.zrangebylex, f"{P}pending:{outlet}", after, b"+",
                              start=0, num=chunk)
            if not keys:
                return
            pipe = self.redis.pipeline(transaction=False)
            for key in keys:
                pipe.hmget(P + "a:" + key.decode(), "pending", "url", "announced")
            for key, (pending, url, announced) in zip(keys, self._call(pipe.execute),
                                                      strict=True):
                if pending == b"1" and url:
                    yield Found(key.decode(), url.decode(), _text(announced))
            if len(keys) < chunk:
                return
            after = b"(" + keys[-1]

    def resolved(self, outlet: str, key: str, article: str, url: str) -> None:
        self._call(self._resolved, args=[outlet, key, article, url, self.ttl])

    def cursor(self, url: str) -> Cursor | None:
        etag, modified, refetch = self._call(self.redis.hmget, f"{P}c:{url}", "etag",
                                             "last_modified", "refetch")
        if refetch is None:
            return None
        return Cursor(url, _text(etag), _text(modified), refetch == b"1")

    def save_cursor(self, outlet: str, cursor: Cursor) -> None:
        pipe = self.redis.pipeline()
        key = f"{P}c:{cursor.url}"
        pipe.delete(key)
        pipe.hset(key, mapping={"outlet": outlet, "etag": cursor.etag or "",
                                "last_modified": cursor.last_modified or "",
                                "refetch": int(cursor.refetch)})
        pipe.expire(key, self.ttl // 2)
        self._call(pipe.execute)

    def article(self, key: str) -> Version | None:
        content_hash, number, version_id, announced, handled_date = self._call(
            self.redis.hmget, f"{P}a:{key}", "content_hash", "version", "version_id",
            "announced", "handled_date")
        if number is None:
            return None
        redated = announced if announced and announced > (handled_date or b"") else None
        return Version(content_hash.decode(), int(number), version_id.decode(), _text(redated))

    def handled(self, done: Sequence[Handled]) -> None:
        if not done:
            return
        args: list[str | int | float] = [self.ttl]
        for item in done:
            v, f = item.version, item.fetch
            args += [item.key, v.content_hash, v.number, v.id] if v else [item.key, "", "", ""]
            if f:
                due = next_revisit(f.at, f.at, self.schedule)
                args += [f.outlet, f.url, repr(f.at), f.etag or "", f.last_modified or "",
                         repr(due) if due is not None else ""]
            else:
                args += ["", "", "", "", "", ""]
        self._call(self._handled, args=args)

    def revisits(self, outlet: str, now: float, limit: int) -> Due:
        z = f"{P}revisit:{outlet}"
        count = self._call(self.redis.zcount, z, "-inf", now)
        if limit <= 0 or not count:
            return Due(count)
        due = self._call(self.redis.zrangebyscore, z, "-inf", now, start=0, num=limit,
                         withscores=True)
        pipe = self.redis.pipeline(transaction=False)
        for key, _ in due:
            pipe.hmget(P + "a:" + key.decode(), "url", "fetched")
        args: list[str] = [outlet]
        offered = []
        for (key, score), (url, fetched) in zip(due, self._call(pipe.execute), strict=True):
            upcoming = next_revisit(float(fetched), now, self.schedule) if fetched else None
            args += [key.decode(), repr(score), repr(upcoming) if upcoming is not None else ""]
            offered.append(Revisit(key.decode(), url.decode()) if url and fetched else None)
        claimed = self._call(self._claim, args=args)  # another worker may have taken some
        return Due(count, [r for r, mine in zip(offered, claimed, strict=True) if r and mine])

    def validators(self, key: str) -> Cursor | None:
        url, etag, modified = self._call(self.redis.hmget, f"{P}a:{key}", "url", "etag",
                                         "modified")
        if not (etag or modified):
            return None
        return Cursor(_text(url) or "", _text(etag), _text(modified))

    def close(self) -> None:
        """Nothing to release: the outlet locks go with the crawl's last worker."""

    def _call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except (redis.RedisError, RedisUnavailable) as exc:
            raise StateError(f"cannot use the crawl state in Redis: {exc}") from exc
