"""T25: a worker killed with SIGKILL while it holds requests: another worker crawls them once
their lease expires; nothing is lost, and every article is once in the dataset."""

from __future__ import annotations

import json
import signal
from urllib.parse import urlsplit

import redis
from state.newsroom import export, serve, write_site

from crawling import lines, stats
from workers import CRAWL, exported, finish, leases_of, start_worker, wait_until

STORIES = 12
# Small batches, three requests at a time per worker, leases expiring 3 s after a worker dies.
SETTINGS = {"NEWSBOT_REDIS_LEASE_SECONDS": "3", "CONCURRENT_REQUESTS": "3",
            "NEWSBOT_EXPORT_BATCH_ITEMS": "2"}


def test_t25_the_requests_of_a_killed_worker_are_crawled_by_another(tmp_path, redis_server):
    client = redis.Redis.from_url(redis_server.url)
    root = write_site(tmp_path / "site", STORIES)
    with serve(root) as server:
        server.gate.clear()  # article pages hang: both workers end up holding requests
        doomed = start_worker(tmp_path / "a", server, redis_server.url, SETTINGS)
        wait_until(lambda: leases_of(client, doomed.pid) >= 3, [doomed])
        survivor = start_worker(tmp_path / "b", server, redis_server.url, SETTINGS)
        wait_until(lambda: leases_of(client, survivor.pid) >= 1, [doomed, survivor])
        held = held_paths(client, doomed.pid)
        before = list(server.arrived)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)
        server.gate.set()
        log = finish(survivor)

    assert survivor.returncode == 0, log
    assert stats(log)["newsbot/distributed/requeued"] >= len(held) >= 3
    after = server.arrived[len(before):]
    articles = [path for path in held if path.startswith("/news/")]
    assert articles and all(path in after for path in articles)  # crawled (again) by b
    assert lines(log, "WARNING", "whose worker stopped renewing its lease")
    got = {urlsplit(a["url"]).path for a in exported(tmp_path / "a") + exported(tmp_path / "b")}
    assert got == {f"/news/story-{n}.html" for n in range(1, STORIES + 1)}  # nothing lost
    (tmp_path / "all" / "data").mkdir(parents=True)
    for worker in ("a", "b"):  # the workers' partitions, gathered as a user would
        (tmp_path / "all" / "data" / worker).symlink_to(tmp_path / worker / "data" / "daily")
    dataset = export(tmp_path / "all")
    assert len(dataset) == STORIES == len({a["id"] for a in dataset})
    assert client.zcard(CRAWL + "leases") == 0 and client.zcard(CRAWL + "requests") == 0


def held_paths(client: redis.Redis, pid: int) -> list[str]:
    """Paths of the requests leased to the worker with this process id."""
    owners = client.hgetall(CRAWL + "lease:owner")
    mine = [lease for lease, owner in owners.items() if f":{pid}:" in owner.decode()]
    payloads = client.hmget(CRAWL + "lease:data", mine)
    return [urlsplit(json.loads(p)["url"]).path for p in payloads if p]
