"""What a user does with a fresh install, from an empty folder: run by `.ci/smoke` with the
fresh venv's Python, in a folder outside the repository.

The bundled demo; a `newsbot crawl` of the demo sites (served on loopback by newsbot itself)
writing data/ here; a bad setting refused with exit status 2 before any request; `newsbot
extract` on a page saved from the sites and on the demo's WARC file; `newsbot export` to
Parquet; `newsbot report`. Any exit status other than the expected one, a traceback or an
ERROR line fails the smoke, naming the step.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from importlib.metadata import distributions
from pathlib import Path

from newsbot.demo.run import DEMO_DIR, SITES, write_outlets
from newsbot.demo.server import serve_sites

LOOPBACK = ["-s", "NEWSBOT_ALLOW_PRIVATE_NETWORKS=True", "-s", "DOWNLOAD_DELAY=0",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSBOT_OUTLETS_FILE=outlets.json"]
PROBLEM = re.compile(r"Traceback \(most recent call last\)|\] (ERROR|CRITICAL):")


def step(name: str, *command: str, status: int = 0) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
    problem = PROBLEM.search(proc.stdout + proc.stderr) if status == 0 else None
    if proc.returncode != status or problem:
        print(f"smoke FAILED at {name!r}: `{' '.join(command)}` exited {proc.returncode} "
              f"(expected {status}){'; ' + problem.group(0) if problem else ''}")
        print((proc.stdout + proc.stderr)[-6000:])
        sys.exit(1)
    print(f"  ok  {name} ({time.monotonic() - started:.1f} s)")
    return proc


def check(name: str, condition: bool, detail: str = "") -> None:
    if not condition:
        print(f"smoke FAILED at {name!r}: {detail}")
        sys.exit(1)


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def drift(lock: Path) -> list[str]:
    """Installed versions that differ from the lock's pins for this Python (what a drift
    failure is about)."""
    from packaging.requirements import Requirement  # Scrapy's dependency, so installed

    pins = {}
    for line in re.findall(r"^[A-Za-z0-9][^\\\n]*", lock.read_text(), re.MULTILINE):
        pin = Requirement(line)
        if not pin.marker or pin.marker.evaluate():
            pins[normalise(pin.name)] = str(pin.specifier).removeprefix("==")
    installed = {normalise(d.metadata["Name"]): d.version for d in distributions()}
    return sorted(f"{name} {pins[name]} -> {version}" for name, version in installed.items()
                  if name in pins and pins[name] != version)


def main(repo: Path, mode: str) -> None:
    here = Path.cwd()
    check("outside the repository", not (here / "scrapy.cfg").exists()
          and not here.is_relative_to(repo), str(here))
    changed = drift(repo / "requirements" / "core.lock")
    print(f"versions not those of requirements/core.lock: {', '.join(changed) or 'none'}")
    check("the lock installed", mode != "locked" or not changed, ", ".join(changed))

    step("newsbot demo --archive", "newsbot", "demo", "--out", "demo", "--archive")
    log = (here / "demo" / "crawl.log").read_text(encoding="utf-8")
    check("demo log", not PROBLEM.search(log), "the demo's crawl log has errors")

    with serve_sites({name: DEMO_DIR / "sites" / name for name in SITES}) as servers:
        write_outlets({name: s.base_url for name, s in servers.items()}, here / "outlets.json")
        step("newsbot crawl news", "newsbot", "crawl", "news", "-a", f"outlet={','.join(SITES)}",
             *LOOPBACK)
        partitions = sorted((here / "data").glob("*/*.jsonl"))
        articles = [json.loads(line) for p in partitions for line in p.read_text().splitlines()]
        check("crawl output", len(articles) > 0, f"no articles in {partitions}")

        hits = sum(len(s.hits) for s in servers.values())
        bad = step("a bad setting exits 2", "newsbot", "crawl", "news", "-a", "outlet=tidewater",
                   *LOOPBACK, "-s", "NEWSBOT_DEDUP_MODE=dorp", status=2)
        check("a bad setting is one line", bad.stderr.strip().count("\n") == 0
              and "NEWSBOT_DEDUP_MODE" in bad.stderr, bad.stderr)
        check("a bad setting fetches nothing", sum(len(s.hits) for s in servers.values()) == hits)

        url = articles[0]["url"]
        with urllib.request.urlopen(url, timeout=30) as response:  # a loopback demo site
            (here / "page.html").write_bytes(response.read())

    page = step("newsbot extract PAGE", "newsbot", "extract", "page.html", "--url", url)
    extracted = json.loads(page.stdout)
    check("extracted article", extracted["url"] == url and len(extracted["articleBody"]) > 200,
          page.stdout[:500])
    warc = step("newsbot extract --warc", "newsbot", "extract", "--warc",
                "demo/articles.warc.gz")
    check("articles from the WARC", len(warc.stdout.splitlines()) > 0)

    step("newsbot export", "newsbot", "export", "-o", "dataset.parquet")
    check("dataset written", (here / "dataset.parquet").stat().st_size > 0)
    step("newsbot report", "newsbot", "report", "data", "-o", "report.html")
    check("report written", "<svg" in (here / "report.html").read_text(encoding="utf-8"))
    print(f"smoke passed: {len(articles)} articles crawled from {here}")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve(), sys.argv[2])
