"""T17, several workers: the delay per host holds for the crawl, not per worker (two workers
sharing one Redis must not hit one host twice as often)."""

from __future__ import annotations

import asyncio
import subprocess
import threading

import redis
from test_t17_politeness import NOISE, gaps, slow_story

from crawling import stats
from faultserver import FaultServer
from support import check_ledger, crawl_command, crawl_env
from workers import wait_until

PATHS = [f"/story-{i}" for i in range(16)]
DELAY = 0.4
GATE = threading.Event()


async def gated_story(req) -> None:
    """Pages wait until both workers hold some: they crawl side by side from the start."""
    while not GATE.is_set():
        await asyncio.sleep(0.02)
    await slow_story(req)


def test_t17_two_workers_share_one_delay_per_host(tmp_path, redis_server):
    GATE.clear()
    with FaultServer(host="127.0.0.2") as server:
        server.routes.update({"/robots.txt": (200, {}, b"User-agent: *\nAllow: /\n"),
                              **{p: gated_story for p in PATHS}})
        urls = ",".join(server.url(p) for p in PATHS)
        # A worker leases what its downloader takes in (CONCURRENT_REQUESTS): 2 each, so both
        # get pages of the one host.
        settings = {"DOWNLOAD_DELAY": str(DELAY), "RANDOMIZE_DOWNLOAD_DELAY": "False",
                    "CONCURRENT_REQUESTS": "2"}
        env = {**crawl_env(), "NEWSBOT_REDIS_URL": redis_server.url}
        workers = []
        for name in ("a", "b"):
            (tmp_path / name).mkdir()
            workers.append(subprocess.Popen(
                crawl_command(tmp_path / name, "article", {"url": urls}, settings=settings),
                cwd=tmp_path / name, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                text=True))
        client = redis.Redis.from_url(redis_server.url)
        owners = "newsbot:crawl:article:adhoc:lease:owner"
        wait_until(lambda: len({o.split(b":")[1] for o in client.hvals(owners)}) == 2, workers)
        GATE.set()
        logs = [w.communicate(timeout=90)[1] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], logs
    for log in logs:
        check_ledger(log)
    pages = [stats(log).get("newsbot/distributed/acked", 0) for log in logs]
    assert all(pages), pages  # both workers crawled
    arrivals = [a for a in server.arrivals if a.path != "/robots.txt"]
    assert sorted(a.path for a in arrivals) == sorted(PATHS)  # each page once
    # The shared budget spaces the workers' *reservations* by the delay; a send that a busy
    # worker makes late can land close to the next one, so the rate is what is asserted: two
    # uncoordinated workers would take half this time.
    spacing = gaps(arrivals)
    assert sum(spacing) >= (len(PATHS) - 1) * DELAY - NOISE, spacing
    assert sorted(spacing)[len(spacing) // 2] >= DELAY - NOISE, spacing
