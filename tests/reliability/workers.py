"""Distributed crawls in tests: workers of one crawl of the newsroom test site (tests/state),
each a ``scrapy crawl`` subprocess with a folder of its own, as on separate machines."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import redis
from state.newsroom import OUTLET, command, crawl_env, lines, partitions

from support import check_ledger, crawl_stats

CRAWL = f"newsbot:crawl:news:{OUTLET}:"
"""Key prefix of the distributed crawl of the newsroom site."""


def start_worker(cwd: Path, server, redis_url: str, settings: dict[str, str] | None = None
                 ) -> subprocess.Popen:
    """A worker; the Redis URL goes through the environment, as the README recommends."""
    cwd.mkdir(parents=True, exist_ok=True)
    env = {**crawl_env(), "NEWSBOT_REDIS_URL": redis_url}
    return subprocess.Popen(command(cwd, server, settings), cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def finish(worker: subprocess.Popen, timeout: float = 90) -> str:
    """Wait for a worker's end; its log (the page ledger of a worker that ran to its end
    checked)."""
    _, log = worker.communicate(timeout=timeout)
    if crawl_stats(log):
        check_ledger(log)
    return log


def exported(cwd: Path) -> list[dict]:
    """Every line the worker folder's partitions hold."""
    return [article for path in partitions(cwd) for article in lines(path)]


def leases_of(client: redis.Redis, pid: int) -> int:
    """Requests leased to the worker with this process id."""
    return sum(f":{pid}:" in owner.decode() for owner in client.hvals(CRAWL + "lease:owner"))


def wait_until(condition: Callable[[], bool], workers: list[subprocess.Popen],
               timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        for worker in workers:
            if worker.poll() is not None:
                raise AssertionError(f"a worker ended too early:\n{worker.stderr.read()}")
        if time.monotonic() > deadline:
            for worker in workers:
                worker.kill()
            raise AssertionError("the condition was never met")
        time.sleep(0.02)
