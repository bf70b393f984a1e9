"""Crawl-state memory over a million URLs: the store alone, and a real scheduled run.

1. The store: what scheduled runs ask of it, in sitemap-sized batches. A first run announces N
   new article URLs and exports each one (``discover`` then ``handled``); a second run announces
   the same N URLs again and must skip every one. The SQLite store (:class:`SqliteState`, what
   newsbot uses) runs side by side with the baseline, a dict in memory with the same answers
   (what an in-process seen-URL cache does), each in its own process so that their resident
   memory (RSS) is measured apart.
2. A crawl: ``scrapy crawl news`` against a local site whose sitemap index lists N article URLs
   (sitemaps of 50,000), all already exported by an earlier run (the state is filled through the
   same API first). The run must fetch the sitemaps and no article; the crawl process's peak RSS
   is sampled, for N and for N/10, so the growth per URL shows.

    python benchmarks/state.py                        # 1,000,000 URLs
    python benchmarks/state.py --urls 200000 --json state.json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from memory import rss_mib  # benchmarks/memory.py (the script's folder is on sys.path)
from newsbot.state import Found, Handled, Version, version_id
from newsbot.state.sqlite import SqliteState
from newsbot.urls import url_key

BATCH = 500  # article requests the spider middleware decides together
SAMPLES = 10
SITEMAP_SIZE = 50_000  # the sitemap protocol's limit


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


def day(n: int) -> str:
    return f"2026-11-{n % 28 + 1:02d}"


def url(n: int) -> str:
    return f"https://news.example.com/2026/11/{n % 28 + 1:02d}/story-{n}-headline-words-here.html"


def run_store(kind: str, urls: int) -> dict:
    """Both runs against one store, in this process; RSS sampled along the way."""
    folder = tempfile.TemporaryDirectory()
    store = SqliteState(Path(folder.name) / "crawl.sqlite", ttl=30 * 86400) \
        if kind == "sqlite" else MemoryState()
    step = max(urls // SAMPLES, BATCH)
    result: dict = {"store": kind, "rss_mb_start": round(rss_mib(), 1), "samples": []}
    for phase in ("first_run", "second_run"):
        started, fetched = time.perf_counter(), 0
        for first in range(0, urls, BATCH):
            found = [Found(url(n).split("//", 1)[1], url(n), day(n))
                     for n in range(first, min(first + BATCH, urls))]
            decisions = store.discover("bench", found)
            fetched += sum(decisions)
            if phase == "first_run":
                store.handled([Handled(f.key, Version("h" * 40, 1, version_id(f.key, "h")))
                               for f, fetch in zip(found, decisions, strict=True) if fetch])
            done = min(first + BATCH, urls)
            if phase == "first_run" and (done % step == 0 or done == urls):
                result["samples"].append((done, round(rss_mib(), 1)))
        seconds = time.perf_counter() - started
        result[phase] = {"urls_per_s": round(urls / seconds), "fetched": fetched,
                         "rss_mb": round(rss_mib(), 1)}
    if kind == "sqlite":
        store.close()
        result["db_mb"] = round(sum(p.stat().st_size for p in Path(folder.name).iterdir()
                                    if p.is_file()) / 2**20, 1)
    folder.cleanup()
    return result


# --- 2. a real scheduled run over N already-exported URLs -------------------------------------
class Sitemaps(BaseHTTPRequestHandler):
    """A sitemap index of ``server.urls`` article URLs; article pages are counted, never served."""

    server: ThreadingHTTPServer

    def do_GET(self) -> None:  # noqa: N802
        base = f"http://{self.headers['Host']}"
        urls = self.server.urls  # type: ignore[attr-defined]
        if self.path == "/robots.txt":
            body = "User-agent: *\nAllow: /\n"
        elif self.path == "/sitemap-index.xml":
            body = "<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>" + "".join(
                f"<sitemap><loc>{base}/sitemap-{i}.xml</loc></sitemap>"
                for i in range((urls + SITEMAP_SIZE - 1) // SITEMAP_SIZE)) + "</sitemapindex>"
        elif m := re.fullmatch(r"/sitemap-(\d+)\.xml", self.path):
            first = int(m.group(1)) * SITEMAP_SIZE
            body = "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>" + "".join(
                f"<url><loc>{base}/{day(n)}/story-{n}.html</loc><lastmod>{day(n)}T08:00:00Z"
                "</lastmod></url>" for n in range(first, min(first + SITEMAP_SIZE, urls))
            ) + "</urlset>"
        else:
            self.server.article_requests += 1  # type: ignore[attr-defined]
            self.send_error(404)
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def crawl_run(urls: int) -> dict:
    """Fill a state as a first run would have, then time a second run and sample its RSS."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Sitemaps)
    server.urls, server.article_requests = urls, 0  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        state = SqliteState(cwd / "data" / "state" / "crawl.sqlite", ttl=30 * 86400)
        for first in range(0, urls, BATCH):
            found = [Found(url_key(u), u, f"{day(n)}T08:00:00Z")
                     for n in range(first, min(first + BATCH, urls))
                     if (u := f"{base}/{day(n)}/story-{n}.html")]
            state.discover("bench", found)
            state.handled([Handled(f.key, Version("h", 1, version_id(f.key, "h"))) for f in found])
        state.close()
        (cwd / "outlets.json").write_text(json.dumps([{
            "name": "bench", "title": "Bench", "home": base + "/",
            "sitemaps": [base + "/sitemap-index.xml"]}]))
        settings = {"NEWSBOT_OUTLETS_FILE": "outlets.json", "NEWSBOT_ALLOW_PRIVATE_NETWORKS": True,
                    "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
                    "NEWSBOT_PROGRESS_INTERVAL": 0, "NEWSBOT_FOLLOW_MAX_LINKS": 0,
                    "DOWNLOAD_TIMEOUT": 600}  # a 50,000-URL sitemap keeps the reactor busy
        command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "outlet=bench"]
        for key, value in settings.items():
            command += ["-s", f"{key}={value}"]
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stderr=subprocess.PIPE, text=True,
                                   env={**os.environ, "SCRAPY_SETTINGS_MODULE": "newsbot.settings"})
        log: list[str] = []
        reader = threading.Thread(target=lambda: log.extend(process.stderr), daemon=True)
        reader.start()
        peak = 0.0
        while process.poll() is None:
            try:
                peak = max(peak, rss_mib(process.pid))
            except (OSError, RuntimeError):  # it has just exited
                break
            time.sleep(0.1)
        reader.join()
        seconds = time.perf_counter() - started
    server.shutdown()
    text = "".join(log)
    skipped = re.search(r"'newsbot/state/skipped': (\d+)", text)
    if process.returncode != 0 or skipped is None:
        raise RuntimeError(f"the benchmark crawl failed:\n{text[-3000:]}")
    return {"urls": urls, "peak_rss_mb": round(peak, 1), "seconds": round(seconds, 1),
            "urls_skipped": int(skipped.group(1)),
            "article_requests": server.article_requests}  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=1_000_000, help="URLs per run (1,000,000)")
    parser.add_argument("--json", metavar="OUT", help="also write the figures as JSON")
    parser.add_argument("--store", choices=("sqlite", "memory"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.store:  # one side of part 1, in a process of its own
        print(json.dumps(run_store(args.store, args.urls)))
        return 0
    results: dict = {}
    for kind in ("sqlite", "memory"):
        proc = subprocess.run([sys.executable, __file__, "--store", kind, "--urls", str(args.urls)],
                              capture_output=True, text=True, check=True)
        results[kind] = json.loads(proc.stdout)
    sqlite, memory = results["sqlite"], results["memory"]
    print(f"1. The store: {args.urls:,} URLs announced twice (first run: all new and exported; "
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
    print(f"RSS growth over {args.urls:,} URLs: SQLite {growth:.1f} MB, in-memory "
          f"{base_growth:.1f} MB; SQLite file {sqlite['db_mb']} MB on disk\n")

    small, large = crawl_run(args.urls // 10), crawl_run(args.urls)
    results["crawl"] = [small, large]
    print("2. A scheduled run over URLs all exported before (sitemaps of 50,000 URLs)\n")
    print(f"{'URLs announced':>15} | {'fetched':>7} | {'skipped':>9} | {'seconds':>7} | "
          f"{'peak RSS MB':>11}")
    for run in (small, large):
        print(f"{run['urls']:>15,} | {run['article_requests']:>7} | {run['urls_skipped']:>9,} | "
              f"{run['seconds']:>7} | {run['peak_rss_mb']:>11}")
    grown = large["peak_rss_mb"] - small["peak_rss_mb"]
    per_url = grown * 2**20 / (large["urls"] - small["urls"])
    print(f"peak RSS growth: {per_url:.0f} bytes per announced URL")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
