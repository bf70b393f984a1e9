"""Crawl-state memory and speed over a million URLs: SQLite state vs an in-memory seen-set.

Simulates what scheduled runs ask of the state, in sitemap-sized batches: a first run announces
N new article URLs and exports each one (``discover`` then ``handled``); a second run announces
the same N URLs again and must skip every one. The SQLite store (:class:`SqliteState`, what
newsbot uses) runs side by side with the baseline, a dict in memory with the same answers (what
an in-process seen-URL cache or Scrapy's dupefilter does), each in its own process so their
resident memory (RSS) is measured apart.

    python benchmarks/state.py                  # 1,000,000 URLs
    python benchmarks/state.py --urls 200000 --json state.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsbot.state import Found, Handled, Version, version_id
from newsbot.state.sqlite import SqliteState

BATCH = 500  # article requests the spider middleware decides together
SAMPLES = 10


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


class MemoryState:
    """The baseline: the same answers from dicts that keep every URL in memory."""

    def __init__(self) -> None:
        self.pending: dict[str, str | None] = {}
        self.done: dict[str, tuple[str | None, Version]] = {}

    def discover(self, outlet: str, found: list[Found]) -> list[bool]:
        decisions = []
        for entry in found:
            done = self.done.get(entry.key)
            fetch = done is None or bool(entry.date and entry.date > (done[0] or ""))
            if fetch:
                self.pending[entry.key] = entry.date
            decisions.append(fetch)
        return decisions

    def handled(self, done: list[Handled]) -> None:
        for item in done:
            assert item.version is not None
            self.done[item.key] = (self.pending.pop(item.key, None), item.version)


def url(n: int) -> str:
    return f"https://news.example.com/2026/11/{n % 28 + 1:02d}/story-{n}-headline-words-here.html"


def run_store(kind: str, urls: int) -> dict:
    """Both runs against one store, in this process; RSS sampled along the way."""
    folder = tempfile.TemporaryDirectory()
    store = SqliteState(Path(folder.name) / "crawl.sqlite", ttl=30 * 86400) \
        if kind == "sqlite" else MemoryState()
    step = max(urls // SAMPLES, BATCH)
    result: dict = {"store": kind, "rss_mb_start": round(rss_mb(), 1), "samples": []}
    for phase in ("first_run", "second_run"):
        started, fetched = time.perf_counter(), 0
        for first in range(0, urls, BATCH):
            found = [Found(url(n).split("//", 1)[1], url(n), f"2026-11-{n % 28 + 1:02d}")
                     for n in range(first, min(first + BATCH, urls))]
            decisions = store.discover("bench", found)
            fetched += sum(decisions)
            if phase == "first_run":
                store.handled([Handled(f.key, Version("h" * 40, 1, version_id(f.key, "h")))
                               for f, fetch in zip(found, decisions, strict=True) if fetch])
            done = min(first + BATCH, urls)
            if phase == "first_run" and (done % step == 0 or done == urls):
                result["samples"].append((done, round(rss_mb(), 1)))
        seconds = time.perf_counter() - started
        result[phase] = {"urls_per_s": round(urls / seconds), "fetched": fetched,
                         "rss_mb": round(rss_mb(), 1)}
    if kind == "sqlite":
        store.close()
        result["db_mb"] = round(sum(p.stat().st_size for p in Path(folder.name).iterdir()
                                    if p.is_file()) / 2**20, 1)
    folder.cleanup()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=1_000_000, help="URLs per run (1,000,000)")
    parser.add_argument("--json", metavar="OUT", help="also write the figures as JSON")
    parser.add_argument("--store", choices=("sqlite", "memory"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.store:  # one side, in a process of its own
        print(json.dumps(run_store(args.store, args.urls)))
        return 0
    results = {}
    for kind in ("sqlite", "memory"):
        proc = subprocess.run([sys.executable, __file__, "--store", kind, "--urls", str(args.urls)],
                              capture_output=True, text=True, check=True)
        results[kind] = json.loads(proc.stdout)
    sqlite, memory = results["sqlite"], results["memory"]
    print(f"Crawl state, {args.urls:,} URLs announced twice (first run: all new and exported; "
          "second run: all unchanged)\n")
    print(f"{'URLs remembered':>16} | {'SQLite state RSS MB':>19} | {'in-memory dict RSS MB':>21}")
    print(f"{0:>16,} | {sqlite['rss_mb_start']:>19} | {memory['rss_mb_start']:>21}")
    for (n, s_rss), (_, m_rss) in zip(sqlite["samples"], memory["samples"], strict=True):
        print(f"{n:>16,} | {s_rss:>19} | {m_rss:>21}")
    print()
    for phase in ("first_run", "second_run"):
        print(f"{phase.replace('_', ' ')}: SQLite {sqlite[phase]['urls_per_s']:,} URLs/s "
              f"({sqlite[phase]['fetched']:,} to fetch), in-memory "
              f"{memory[phase]['urls_per_s']:,} URLs/s ({memory[phase]['fetched']:,} to fetch); "
              f"RSS after: {sqlite[phase]['rss_mb']} vs {memory[phase]['rss_mb']} MB")
    growth = sqlite["samples"][-1][1] - sqlite["rss_mb_start"]
    base_growth = memory["samples"][-1][1] - memory["rss_mb_start"]
    print(f"\nRSS growth over {args.urls:,} URLs: SQLite {growth:.1f} MB, in-memory "
          f"{base_growth:.1f} MB ({base_growth / max(growth, 0.1):.0f}x); "
          f"SQLite file {sqlite['db_mb']} MB on disk")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
