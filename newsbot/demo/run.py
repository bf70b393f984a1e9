"""``newsbot demo``: serve the bundled sites on loopback and crawl them with the real spider."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import newsbot.settings
from newsbot.demo.server import render, serve_sites
from newsbot.extensions.summary import format_summary, summarise

DEMO_DIR = Path(__file__).parent
SITES = ("tidewater", "lantern", "meridian")
# The demo's fictional wire agency, added to the alias list for the demo only.
TIDEWATER_PRESS = {"names": ["Tidewater Press"], "codes": ["TWP"]}
INDEX_FILE = "near-duplicates.sqlite"
ARCHIVE_FILE = "articles.warc.gz"


def demo_settings(outlets_file: Path, output: Path, log_file: Path | None) -> dict[str, Any]:
    """What a loopback crawl needs on top of the project settings: no delays, loopback allowed,
    the demo's own agency, and a near-duplicate index of its own (beside the output)."""
    return {
        "NEWSBOT_ATTRIBUTION_AGENCIES": {**newsbot.settings.NEWSBOT_ATTRIBUTION_AGENCIES,
                                         "TWP": TIDEWATER_PRESS},
        "NEWSBOT_DEDUP_INDEX_PATH": str(output.parent / INDEX_FILE),
        "NEWSBOT_ALLOW_PRIVATE_NETWORKS": True,
        "NEWSBOT_OUTLETS_FILE": str(outlets_file),
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "FEEDS": {str(output): {"format": "jsonl", "overwrite": True}},
        # a crawl state of its own, emptied each time: every demo is a first run
        "NEWSBOT_STATE_PATH": str(output.with_name("state.sqlite")),
        "LOG_FILE": str(log_file) if log_file else None,
        "LOG_FILE_APPEND": False,
    }


def write_outlets(bases: dict[str, str], path: Path) -> Path:
    template = (DEMO_DIR / "outlets.json").read_text(encoding="utf-8")
    path.write_text(render(template, bases), encoding="utf-8")
    return path


def run_demo(out_dir: Path, archive: bool = False) -> dict[str, Any]:
    """Crawl the demo sites into ``out_dir/articles.jsonl`` (and the pages into
    ``out_dir/articles.warc.gz`` with ``archive``); returns the crawl's stats."""
    out_dir.mkdir(parents=True, exist_ok=True)
    output = out_dir / "articles.jsonl"
    # each demo starts from an empty crawl state and near-duplicate index
    for stale in [*out_dir.glob("state.sqlite*"), *out_dir.glob(INDEX_FILE + "*")]:
        if stale.is_file():
            stale.unlink()
    with serve_sites({name: DEMO_DIR / "sites" / name for name in SITES}) as servers:
        bases = {name: server.base_url for name, server in servers.items()}
        outlets_file = write_outlets(bases, out_dir / "outlets.json")
        extra = ({"NEWSBOT_ARCHIVE": "warc", "NEWSBOT_ARCHIVE_PATH": str(out_dir / ARCHIVE_FILE)}
                 if archive else {})
        return crawl(outlets_file, output, out_dir / "crawl.log", extra)


def crawl(outlets_file: Path, output: Path, log_file: Path,
          extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """One crawl of the demo outlets in this process (a worker of the distributed demo when
    ``NEWSBOT_REDIS_URL`` is in the environment), with ``extra`` settings; returns its stats."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newsbot.settings")
    settings = get_project_settings()
    settings.setdict({**demo_settings(outlets_file, output, log_file), **(extra or {})},
                     priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler("news")
    process.crawl(crawler, outlet=",".join(SITES))
    process.start()
    return crawler.stats.get_stats()


def main(out_dir: Path, archive: bool = False) -> int:
    stats = run_demo(out_dir, archive)
    output = out_dir / "articles.jsonl"
    articles = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    print(f"Demo crawl of {', '.join(SITES)} (log: {out_dir / 'crawl.log'})")
    print(format_summary(summarise(stats)))
    if archive:
        print(f"  pages archived:     {stats.get('newsbot/archive/responses', 0)} "
              f"({out_dir / ARCHIVE_FILE}: `newsbot extract --warc` re-extracts them)")
    print(f"\n{len(articles)} articles in {output}:")
    for article in sorted(articles, key=lambda a: (a["publisher"], a.get("datePublished") or "")):
        mark = f"  = copy of {article['duplicateOf']}" if article.get("duplicateOf") else ""
        if article.get("sourceOrganization"):
            cues = ", ".join(dict.fromkeys(e["cue"] for e in article["attributionEvidence"]))
            mark += f"  [{article['sourceOrganization']}: {cues}]"
        print(f"  [{article['publisher']}] {article['headline']}{mark}")
    errors = stats.get("log_count/ERROR", 0)
    return 1 if errors or not articles else 0
