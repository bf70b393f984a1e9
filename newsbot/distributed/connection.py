"""The Redis connection of a worker: checked at start, patient during an outage, never printed.

* At start, :func:`connect` pings Redis once and fails at once with a clear error (the URL with
  its password masked) when it cannot: a crawl does not start without its shared state. It also
  refuses a server that may evict keys (``maxmemory-policy`` other than ``noeviction``): an
  evicted dupefilter or lease would silently lose or repeat work.
* Later, every command and pipeline waits for Redis to come back (a restart, a failover),
  retrying with back-off and logging one WARNING per attempt (at most one every
  :data:`MAX_BACKOFF` seconds), up to ``NEWSBOT_REDIS_OUTAGE_TIMEOUT``. The crawl freezes while
  Redis is away and goes on where it was: nothing is dropped. Commands are written so that
  running one twice (a reply lost with the connection) repeats or leases work, never loses it.

Password and TLS come from the URL, as redis-py reads it: ``redis://:PASSWORD@host:6379/0``,
``rediss://user:PASSWORD@host:6380/0?ssl_ca_certs=/etc/ssl/redis-ca.pem``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from newsbot.redact import redact

logger = logging.getLogger(__name__)
T = TypeVar("T")
OUTAGE = (redis.ConnectionError, redis.TimeoutError)
"""What an unreachable, restarting or loading (``BusyLoadingError``) server raises."""
FIRST_BACKOFF = 0.25
MAX_BACKOFF = 5.0


class RedisUnavailable(RuntimeError):
    """Redis cannot be used for this crawl; the message says why, without secrets."""


def shown(url: str) -> str:
    """The URL as logs may show it: password masked."""
    return redact(url)


class PatientRedis(redis.Redis):
    """A client whose commands wait for Redis through an outage (see the module docstring)."""

    url: str = ""
    outage_timeout: float = 600.0
    recovered_at: float = 0.0
    """``time.monotonic()`` when the last outage ended (0: none yet)."""

    def execute_command(self, *args: Any, **options: Any) -> Any:
        return self.patiently(super().execute_command, *args, **options)

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> redis.client.Pipeline:
        pipe = super().pipeline(transaction, shard_hint)
        execute = pipe.execute

        def patient_execute(raise_on_error: bool = True) -> list[Any]:
            stack = list(pipe.command_stack)

            def attempt() -> list[Any]:
                pipe.command_stack = list(stack)  # a failed execute() empties it
                return execute(raise_on_error)

            return self.patiently(attempt)

        pipe.execute = patient_execute  # type: ignore[method-assign]
        return pipe

    def patiently(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        started: float | None = None
        wait = FIRST_BACKOFF
        while True:
            try:
                result = call(*args, **kwargs)
            except redis.RedisError as exc:
                if not isinstance(exc, OUTAGE):  # Redis answered (e.g. NOSCRIPT after a restart)
                    self._back(started)
                    raise
                now = time.monotonic()
                started = now if started is None else started
                if now - started >= self.outage_timeout:
                    raise RedisUnavailable(
                        f"Redis at {shown(self.url)} has been unreachable for "
                        f"{now - started:.0f} s (NEWSBOT_REDIS_OUTAGE_TIMEOUT): "
                        f"{redact(str(exc))}") from None
                logger.warning("Redis at %s is unreachable (%s); waiting, next try in %.1f s",
                               shown(self.url), redact(str(exc)), wait)
                time.sleep(wait)
                wait = min(MAX_BACKOFF, wait * 2)
                continue
            self._back(started)
            return result

    def _back(self, outage_started: float | None) -> None:
        if outage_started is not None:
            self.recovered_at = time.monotonic()
            logger.warning("Redis at %s is back after %.1f s; the crawl goes on",
                           shown(self.url), self.recovered_at - outage_started)


def connect(url: str, outage_timeout: float) -> PatientRedis:
    """A client for ``url`` (bytes in, bytes out), checked now; :class:`RedisUnavailable` if not
    usable."""
    try:
        client: PatientRedis = PatientRedis.from_url(  # type: ignore[assignment]
            url, socket_connect_timeout=5, socket_timeout=30, retry=Retry(NoBackoff(), 0),
            health_check_interval=30)
    except ValueError as exc:
        raise RedisUnavailable(f"NEWSBOT_REDIS_URL {shown(url)} is not a Redis URL: "
                               f"{redact(str(exc))}") from None
    client.url = url
    client.outage_timeout = outage_timeout
    try:
        redis.Redis.execute_command(client, "PING")  # once, not patiently
    except (redis.RedisError, OSError) as exc:
        raise RedisUnavailable(
            f"Cannot use Redis at {shown(url)} (NEWSBOT_REDIS_URL): "
            f"{redact(str(exc)) or type(exc).__name__}. "
            "Start it or fix the URL; the crawl does not start.") from None
    policy = _eviction_policy(client)
    if policy not in (None, "noeviction"):
        raise RedisUnavailable(
            f"Redis at {shown(url)} has maxmemory-policy {policy}: it may evict the crawl's "
            "queue, dupefilter or leases and lose or repeat work. Set it to noeviction; the "
            "crawl does not start.")
    return client


def _eviction_policy(client: redis.Redis) -> str | None:
    """The server's ``maxmemory-policy`` (None when CONFIG is not allowed to this user)."""
    try:
        reply = redis.Redis.execute_command(client, "CONFIG", "GET", "maxmemory-policy")
    except redis.ResponseError:
        return None
    values = dict(zip(reply[::2], reply[1::2], strict=True))
    value = values.get(b"maxmemory-policy")
    return value.decode() if value is not None else None
