"""Crawl throughput: a bare Scrapy spider (the ceiling) against newsbot in one process and with
2 and 4 workers sharing Redis, side by side in one run, on the same local site.

The site: ``--pages`` generated article pages (each a distinct text of about 600 words, JSON-LD
metadata without the body, the usual chrome) behind a sitemap index, served on 127.0.0.1 from
memory by a small asyncio server in a process of its own. Each configuration crawls all of it:

* ``bare``: a plain ``scrapy.Spider`` that reads the sitemaps, fetches every page and parses it
  with parsel (headline and paragraphs), no item pipeline, no export;
* ``newsbot``: ``scrapy crawl news`` with the project's settings (delays off for loopback):
  fetch, extract, clean, attribute, dedupe, version, export to JSON Lines, crawl state;
* ``redis_2``, ``redis_4``: the same crawl by 2 and 4 worker processes sharing a private
  ``redis-server`` (queue, dupefilter, crawl state, near-duplicate index).

pages/s = articles out (items for ``bare``) / seconds from the first worker's engine start to
the last one's finish (Scrapy's ``start_time`` and ``finish_time``), so interpreter start-up
is left out. Peak RSS is the crawl process's (``wait4``). ``--profile`` also runs newsbot in one
process under cProfile on a slice of the site and prints where the time goes.

    python benchmarks/crawl.py                                # 10,000 pages
    python benchmarks/crawl.py --pages 2000 --json crawl.json --profile
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import multiprocessing
import os
import pstats
import random
import re
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import scrapy

SITEMAP_SIZE = 1000
WORDS = ("council harbour minister budget river election court energy market school hospital "
         "report police weather railway bridge union farmers festival museum tax water "
         "contract investors drought vaccine coast airport strike factory village storm "
         "parliament treaty export wages housing rents commuters teachers nurses protest "
         "license fisheries pipeline reservoir tariff ferry quarry wildfire orchard").split()
FILLER = ("the of and to in a on for with that as said by was at from after over new will "
          "has its this last year more than were about would".split())


# --- the site -----------------------------------------------------------------------------------
def article(n: int) -> bytes:
    rng = random.Random(n)
    topic = " ".join(rng.sample(WORDS, 3))
    paragraphs = []
    for _ in range(8):
        words = [rng.choice(WORDS if rng.random() < 0.35 else FILLER) for _ in range(75)]
        words[0] = words[0].capitalize()
        paragraphs.append(" ".join(words) + ".")
    headline = f"Story {n}: {topic.title()} in the news"
    published = f"2026-11-{n % 28 + 1:02d}T{n % 24:02d}:{n % 60:02d}:00Z"
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": headline,
          "datePublished": published, "author": [{"@type": "Person", "name": "Ana Ruiz"}]}
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{headline} | Bench Daily</title><meta property="og:site_name" content="Bench Daily">
<meta property="og:type" content="article"><meta property="og:title" content="{headline}">
<script type="application/ld+json">{json.dumps(ld)}</script></head><body>
<header><nav><a href="/">Home</a> <a href="/world/">World</a>
<a href="/about">About</a></nav></header>
<main><article><h1>{headline}</h1><p class="byline">By Ana Ruiz</p>
{body}
<p>Advertisement</p></article>
<aside><h3>Most read</h3><ul><li><a href="/world/">Other news</a></li></ul></aside></main>
<footer>Copyright Bench Daily. All rights reserved.</footer></body></html>""".encode()


def site(pages: int, base: str) -> dict[str, bytes]:
    files = {f"/news/story-{n}.html": article(n) for n in range(pages)}
    maps = range(0, pages, SITEMAP_SIZE)
    files["/robots.txt"] = b"User-agent: *\nAllow: /\n"
    files["/sitemap-index.xml"] = (
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(
            f"<sitemap><loc>{base}/sitemap-{i}.xml</loc></sitemap>" for i in maps)
        + "</sitemapindex>").encode()
    for i in maps:
        files[f"/sitemap-{i}.xml"] = (
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(
                f"<url><loc>{base}/news/story-{n}.html</loc></url>"
                for n in range(i, min(i + SITEMAP_SIZE, pages))) + "</urlset>").encode()
    return files


def serve(pages: int, port_out: multiprocessing.Queue) -> None:
    """The site over HTTP/1.1 with keep-alive, from memory (a process of its own)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                body = files.get(path)
                status = b"200 OK" if body is not None else b"404 Not Found"
                body = body if body is not None else b"not found"
                ctype = b"application/xml" if path.endswith(".xml") else (
                    b"text/plain" if path.endswith(".txt") else b"text/html; charset=utf-8")
                writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: " + ctype +
                             b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        nonlocal files
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
        port = server.sockets[0].getsockname()[1]
        files = site(pages, f"http://127.0.0.1:{port}")
        port_out.put(port)
        await server.serve_forever()

    files: dict[str, bytes] = {}
    asyncio.run(main())


# --- the bare spider (run by ``scrapy runspider benchmarks/crawl.py``) ----------------------------
class BareSpider(scrapy.Spider):
    """Fetch and parse with parsel, nothing else: the ceiling."""

    name = "bare"
    custom_settings = {"ROBOTSTXT_OBEY": False, "LOG_LEVEL": "INFO", "COOKIES_ENABLED": False,
                       "TELNETCONSOLE_ENABLED": False}

    async def start(self):
        yield scrapy.Request(self.index, self.parse_index)

    def parse_index(self, response):
        response.selector.remove_namespaces()
        for loc in response.xpath("//loc/text()").getall():
            yield scrapy.Request(loc, self.parse_sitemap)

    def parse_sitemap(self, response):
        response.selector.remove_namespaces()
        for loc in response.xpath("//loc/text()").getall():
            yield scrapy.Request(loc, self.parse_page)

    def parse_page(self, response):
        yield {"url": response.url, "headline": response.css("h1::text").get(),
               "body": "\n\n".join(response.css("article p::text").getall())}


# --- runs ---------------------------------------------------------------------------------------
STAT_TIME = re.compile(r"'(start_time|finish_time)': datetime\.datetime\(([^)]*)\)")


def times(log: str) -> tuple[datetime, datetime]:
    found = {}
    for name, args in STAT_TIME.findall(log.split("Dumping Scrapy stats:", 1)[-1]):
        parts = [int(x) for x in re.findall(r"\d+", args.split("tzinfo")[0])]
        found[name] = datetime(*parts)
    return found["start_time"], found["finish_time"]


def stat(log: str, name: str) -> int:
    match = re.search(rf"'{re.escape(name)}': (\d+)", log.split("Dumping Scrapy stats:", 1)[-1])
    return int(match[1]) if match else 0


def cpu_times() -> tuple[int, int]:
    """(idle, total) jiffies of the whole machine so far (``/proc/stat``)."""
    with open("/proc/stat", encoding="ascii") as stat_file:
        values = [int(v) for v in stat_file.readline().split()[1:]]
    return values[3] + values[4], sum(values)


def run(commands: list[tuple[list[str], Path, dict[str, str]]]
        ) -> tuple[list[str], float, float, float]:
    """Start the processes together; their logs, the largest peak RSS (MB), the CPU seconds
    they used (user and system) and the share of the machine's CPU time left idle meanwhile
    (other work on a shared machine shows there)."""
    idle_before, total_before = cpu_times()
    procs = []
    for command, cwd, env in commands:
        cwd.mkdir(parents=True, exist_ok=True)
        log = open(cwd / "crawl.log", "w+", encoding="utf-8")  # noqa: SIM115
        procs.append((subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                       stderr=log), log))
    peak = cpu = 0.0
    logs = []
    for proc, log in procs:
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak = max(peak, usage.ru_maxrss / 1024)
        cpu += usage.ru_utime + usage.ru_stime
        log.seek(0)
        logs.append(log.read())
        log.close()
        if proc.returncode:
            raise SystemExit(f"a crawl failed ({proc.returncode}); see {log.name}")
    idle, total = cpu_times()
    return logs, peak, cpu, (idle - idle_before) / max(total - total_before, 1)


def rate(logs: list[str], count_stat: str) -> tuple[int, float]:
    spans = [times(log) for log in logs]
    seconds = (max(f for _, f in spans) - min(s for s, _ in spans)).total_seconds()
    return sum(stat(log, count_stat) for log in logs), seconds


def newsbot_command(base: str, cwd: Path) -> list[str]:
    outlets = [{"name": "bench", "title": "Bench Daily", "home": base + "/",
                "sitemaps": [base + "/sitemap-index.xml"],
                "article_pattern": r"^/news/story-\d+\.html$"}]
    (cwd / "outlets.json").write_text(json.dumps(outlets), encoding="utf-8")
    settings = {"NEWSBOT_OUTLETS_FILE": "outlets.json", "NEWSBOT_ALLOW_PRIVATE_NETWORKS": "True",
                "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "LOG_LEVEL": "INFO",
                "NEWSBOT_PROGRESS_INTERVAL": "0"}
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "outlet=bench"]
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    return command


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--json", metavar="OUT", help="write the figures as JSON")
    parser.add_argument("--work", metavar="DIR", help="keep the crawls' folders and logs here")
    parser.add_argument("--profile", action="store_true",
                        help="also profile newsbot in one process on min(pages, 1500) pages")
    args = parser.parse_args()

    import redis as redis_py

    from newsbot.distributed.server import redis_server

    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsbot.settings"}
    env.pop("NEWSBOT_REDIS_URL", None)
    port_out: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(args.pages, port_out), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{port_out.get(timeout=120)}"
    results: dict[str, dict[str, float]] = {}
    load_before = os.getloadavg()[0]
    rows = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="newsbot-crawl-bench-") as tmp:
        work = Path(args.work or tmp)
        print(f"{args.pages} pages on {base}; work folder {work}", file=sys.stderr)

        def record(name: str, count: int, seconds: float, peak: float, cpu: float,
                   idle: float) -> None:
            if count != args.pages:
                notes.append(f"{name}: {count} articles out of {args.pages} pages (SHORT)")
            results[name] = {"pages_per_s": round(count / seconds, 1)}
            rows.append((name, count, seconds, peak, cpu, idle))
            print(f"  {name}: {count} in {seconds:.1f} s", file=sys.stderr)

        bare = [sys.executable, "-m", "scrapy", "runspider", str(Path(__file__).resolve()),
                "-a", f"index={base}/sitemap-index.xml"]
        logs, peak, cpu, idle = run([(bare, work / "bare",
                                      {**os.environ, "SCRAPY_SETTINGS_MODULE": ""})])
        record("bare", *rate(logs, "item_scraped_count"), peak, cpu, idle)

        single = work / "newsbot"
        single.mkdir()
        logs, peak, cpu, idle = run([(newsbot_command(base, single), single, env)])
        record("newsbot", *rate(logs, "item_scraped_count"), peak, cpu, idle)
        results["newsbot"]["peak_rss_mb"] = round(peak, 1)

        for workers in (2, 4):
            with redis_server(work / f"redis-{workers}") as redis:
                renv = {**env, "NEWSBOT_REDIS_URL": redis.url}
                commands = []
                for n in range(workers):
                    cwd = work / f"redis_{workers}" / f"w{n}"
                    cwd.mkdir(parents=True)
                    commands.append((newsbot_command(base, cwd), cwd, renv))
                logs, peak, cpu, idle = run(commands)
                used = redis_py.Redis.from_url(redis.url).info("memory")["used_memory"]
            record(f"redis_{workers}", *rate(logs, "item_scraped_count"), peak, cpu, idle)
            notes.append(f"Redis after redis_{workers}: {used / 2**20:.1f} MB used "
                         f"({used / args.pages:.0f} bytes per article page crawled)")

        if args.profile:
            profiled = work / "profile"
            profiled.mkdir()
            command = newsbot_command(base, profiled)
            limit = min(args.pages, 1500)
            command[1:1] = ["-m", "cProfile", "-o", str(profiled / "crawl.prof")]
            command += ["-a", f"limit={limit}"]
            run([(command, profiled, env)])
            print_profile(profiled / "crawl.prof", "newsbot in one process")
            with redis_server(work / "redis-profile") as redis:
                renv = {**env, "NEWSBOT_REDIS_URL": redis.url}
                commands = []
                for n in range(2):
                    cwd = profiled / f"w{n}"
                    cwd.mkdir()
                    command = newsbot_command(base, cwd) + ["-a", f"limit={limit}"]
                    if n == 0:
                        command[1:1] = ["-m", "cProfile", "-o", str(cwd / "crawl.prof")]
                    commands.append((command, cwd, renv))
                run(commands)
            print_profile(profiled / "w0" / "crawl.prof", "one of two Redis workers")

    server.terminate()
    ceiling = results["bare"]["pages_per_s"]
    one = results["newsbot"]["pages_per_s"]
    print(f"\nCrawl throughput, {args.pages} generated article pages on 127.0.0.1 "
          f"({os.cpu_count()} cores; load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after)\n")
    print("| configuration | articles | seconds | pages/s | × bare | × newsbot 1 process | "
          "CPU ms per article | cores used | machine idle | peak RSS MB (per process) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, count, seconds, peak, cpu, idle in rows:
        pps = results[name]["pages_per_s"]
        print(f"| {name} | {count} | {seconds:.1f} | {pps} | {pps / ceiling:.2f} | "
              f"{pps / one:.2f} | {1000 * cpu / max(count, 1):.0f} | {cpu / seconds:.2f} | "
              f"{idle:.0%} | {peak:.0f} |")
    for note in notes:
        print(f"\n{note}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


STAGES = [  # (label, (module, function) pairs): the cumulative time of each stage
    ("extract (spider callback: metadata, trafilatura)", [("base", "parse_article")]),
    ("clean", [("clean", "process_item")]),
    ("validate", [("validate", "process_item")]),
    ("attribute", [("attribute", "process_item")]),
    ("dedupe (shingles, MinHash LSH, index)", [("dedup", "process_item")]),
    ("versions (crawl state)", [("versions", "process_item")]),
    ("export (JSON Lines, fsync, state)", [("exporters", "export_item"), ("exporters", "sync")]),
    ("discovery (sitemaps)", [("news", "parse_sitemap")]),
]


REDIS_CALLS = [("connection", "execute_command"), ("connection", "patient_execute")]
"""newsbot's Redis client: every command and pipeline goes through one of these."""


def print_profile(path: Path, what: str) -> None:
    stats = pstats.Stats(str(path))
    total = stats.total_tt  # type: ignore[attr-defined]
    cumulative: dict[tuple[str, str], float] = {}
    for (filename, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
        key = (Path(filename).stem, function)
        cumulative[key] = cumulative.get(key, 0.0) + row[3]
    print(f"\nProfile of {what} ({total:.1f} s of CPU under cProfile):\n")
    print("| stage | seconds | share |")
    print("|---|---|---|")
    rest = total
    for label, functions in STAGES:
        seconds = sum(cumulative.get(f, 0.0) for f in functions)
        rest -= seconds
        print(f"| {label} | {seconds:.1f} | {seconds / total:.0%} |")
    print(f"| Scrapy, Twisted, asyncio and the rest | {rest:.1f} | {rest / total:.0%} |")
    redis_time = sum(cumulative.get(f, 0.0) for f in REDIS_CALLS)
    print(f"| of all these: Redis commands (round trips included) | {redis_time:.1f} | "
          f"{redis_time / total:.0%} |")


if __name__ == "__main__":
    sys.exit(main())
