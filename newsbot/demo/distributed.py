"""``newsbot demo --workers N``: the demo crawled by N workers sharing a private Redis, checked
against the same demo crawled by one process.

Both crawls run against the same demo servers (so URLs and ids are comparable), each worker in
a process of its own, as they would run on separate machines; the single-process crawl first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from newsbot.demo.run import DEMO_DIR, SITES, crawl, write_outlets
from newsbot.demo.server import serve_sites
from newsbot.distributed.server import redis_server

WORKER_SETTINGS = {"DOWNLOAD_DELAY": 0.25, "CONCURRENT_REQUESTS": 2}
"""A worker takes as many requests from the shared queue as its downloader has room for
(``CONCURRENT_REQUESTS``) and the demo has only 35 pages: without these, the first worker up
takes and fetches them all within a second, before the second one has started."""


def worker_command(outlets_file: Path, output: Path) -> list[str]:
    return [sys.executable, "-m", "newsbot.demo.distributed", "worker", str(outlets_file),
            str(output)]


def read_ids(path: Path) -> list[tuple[str, str]]:
    """(id, url) of each line of a JSON Lines file, repeats kept (empty when it does not exist)."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [((a := json.loads(line))["id"], a["url"]) for line in lines]


def main(out_dir: Path, workers: int) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("**/*"):
        if stale.is_file() and stale.suffix in (".jsonl", ".sqlite", ".log", ".json"):
            stale.unlink()
    with serve_sites({name: DEMO_DIR / "sites" / name for name in SITES}) as servers, \
            redis_server(out_dir / "redis") as redis:
        bases = {name: server.base_url for name, server in servers.items()}
        outlets_file = write_outlets(bases, out_dir / "outlets.json")
        single = out_dir / "single" / "articles.jsonl"
        single.parent.mkdir(exist_ok=True)
        print(f"Single-process crawl of {', '.join(SITES)} -> {single}")
        subprocess.run(worker_command(outlets_file, single), check=False)
        print(f"{workers} workers sharing Redis on 127.0.0.1:{redis.port} -> "
              f"{out_dir}/worker-N.jsonl")
        env = {**os.environ, "NEWSBOT_REDIS_URL": redis.url}  # not on the command line
        procs = [subprocess.Popen(worker_command(outlets_file, out_dir / f"worker-{n}.jsonl"),
                                  env=env) for n in range(1, workers + 1)]
        codes = [proc.wait() for proc in procs]
    expected = dict(read_ids(single))
    combined: dict[str, str] = {}
    lines = 0
    for n in range(1, workers + 1):
        ids = read_ids(out_dir / f"worker-{n}.jsonl")
        lines += len(ids)
        print(f"  worker {n}: {len(ids)} articles (exit status {codes[n - 1]}, log "
              f"{out_dir / f'worker-{n}.log'})")
        combined.update(ids)  # a repeated id, in one file or two, leaves lines > combined
    print(f"  combined: {len(combined)} articles in {lines} lines; single process: "
          f"{len(expected)} articles")
    if set(combined) != set(expected) or lines != len(combined) or any(codes):
        for article_id in set(expected) - set(combined):
            print(f"  missing from the workers: {expected[article_id]}")
        for article_id in set(combined) - set(expected):
            print(f"  only in the workers: {combined[article_id]}")
        print("The distributed crawl's dataset DIFFERS from the single-process crawl's.")
        return 1
    print("The distributed crawl's dataset equals the single-process crawl's (same article ids, "
          "each exported once).")
    return 0


if __name__ == "__main__" and sys.argv[1:2] == ["worker"]:
    outlets, output = Path(sys.argv[2]), Path(sys.argv[3])
    stats = crawl(outlets, output, output.with_suffix(".log"), WORKER_SETTINGS)
    sys.exit(1 if stats.get("log_count/ERROR", 0) else 0)
