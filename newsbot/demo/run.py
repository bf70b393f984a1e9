"""``newsbot demo``: serve the bundled sites on loopback and crawl them with the real spider,
twice: the second crawl, once the sites are updated, finds new versions (a live blog with new
posts, a corrected story) as a scheduled crawl would."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import newsbot.settings
from newsbot.demo.dataset import (
    describe_changes,
    describe_live_blogs,
    read_dataset,
    write_demo_card,
)
from newsbot.demo.server import render, serve_sites
from newsbot.extensions.summary import format_summary, summarise

DEMO_DIR = Path(__file__).parent
SITES = ("tidewater", "lantern", "meridian")
# The demo's fictional wire agency, added to the alias list for the demo only.
TIDEWATER_PRESS = {"names": ["Tidewater Press"], "codes": ["TWP"]}
INDEX_FILE = "near-duplicates.sqlite"
UPDATES_DIR = DEMO_DIR / "updates"
"""Files the sites serve on the second crawl instead of their own: the sites, updated."""
UPDATES_FILE = "updates.jsonl"
CARD_DIR = "card"


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
        "LOG_FILE_APPEND": True,  # the log is emptied before the first crawl
    }


def write_outlets(bases: dict[str, str], path: Path) -> Path:
    template = (DEMO_DIR / "outlets.json").read_text(encoding="utf-8")
    path.write_text(render(template, bases), encoding="utf-8")
    return path


def run_demo(out_dir: Path, archive: bool = False) -> list[dict[str, Any]]:
    """Crawl the demo sites into ``out_dir/articles.jsonl``, then, once they are updated (new
    posts on the live blog, a corrected story), again into ``out_dir/updates.jsonl``, as a
    scheduled crawl would (same crawl state); with ``archive``, pages go to WARC files beside
    them. Returns the two crawls' stats."""
    out_dir.mkdir(parents=True, exist_ok=True)
    # each demo starts from an empty crawl state and near-duplicate index
    for stale in [*out_dir.glob("state.sqlite*"), *out_dir.glob(INDEX_FILE + "*")]:
        if stale.is_file():
            stale.unlink()
    with serve_sites({name: DEMO_DIR / "sites" / name for name in SITES}) as servers:
        bases = {name: server.base_url for name, server in servers.items()}
        outlets_file = write_outlets(bases, out_dir / "outlets.json")

        def update_sites() -> None:
            for name, server in servers.items():
                server.overlay = UPDATES_DIR / name

        runs = [Run(out_dir / "articles.jsonl"), Run(out_dir / UPDATES_FILE, update_sites)]
        if archive:
            runs = [Run(run.output, run.before, {
                "NEWSBOT_ARCHIVE": "warc",
                "NEWSBOT_ARCHIVE_PATH": str(run.output.with_suffix(".warc.gz"))}) for run in runs]
        return crawl_runs(outlets_file, runs, out_dir / "crawl.log")


@dataclass(frozen=True)
class Run:
    """One crawl of the demo outlets: where its articles go, what to do before it starts."""

    output: Path
    before: Callable[[], None] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def crawl(outlets_file: Path, output: Path, log_file: Path,
          extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """One crawl of the demo outlets in this process (a worker of the distributed demo when
    ``NEWSBOT_REDIS_URL`` is in the environment), with ``extra`` settings; returns its stats."""
    return crawl_runs(outlets_file, [Run(output, extra=extra or {})], log_file)[0]


def crawl_runs(outlets_file: Path, runs: Sequence[Run], log_file: Path) -> list[dict[str, Any]]:
    """The ``runs`` one after another in this process (one reactor), sharing the crawl state
    and the log; returns each crawl's stats."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings
    from twisted.internet.defer import inlineCallbacks
    from twisted.python.failure import Failure

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newsbot.settings")
    log_file.unlink(missing_ok=True)
    settings = get_project_settings()
    common = demo_settings(outlets_file, runs[0].output, log_file)
    # what differs from run to run is set on each crawler only: the process's own settings are
    # merged into each crawler at their priority and would override it
    del common["FEEDS"]
    settings.setdict(common, priority="cmdline")
    process = CrawlerProcess(settings)
    stats: list[dict[str, Any]] = []
    outcome: list[Any] = []

    @inlineCallbacks
    def one_after_another() -> Any:
        for run in runs:
            if run.before:
                run.before()
            crawler = process.create_crawler("news")
            crawler.settings.setdict({"FEEDS": demo_settings(outlets_file, run.output,
                                                             log_file)["FEEDS"],
                                      **run.extra}, priority="cmdline")
            yield process.crawl(crawler, outlet=",".join(SITES))
            stats.append(crawler.stats.get_stats())

    def finished(result: Any) -> None:
        from twisted.internet import reactor

        outcome.append(result)
        if reactor.running:
            reactor.stop()  # type: ignore[misc]  # zope interfaces confuse mypy here

    one_after_another().addBoth(finished)
    if not outcome:
        process.start(stop_after_crawl=False)
    if isinstance(outcome[0], Failure):
        outcome[0].raiseException()
    return stats


def main(out_dir: Path, archive: bool = False) -> int:
    first, second = run_demo(out_dir, archive)
    output = out_dir / "articles.jsonl"
    articles = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    print(f"Demo crawl of {', '.join(SITES)} (log: {out_dir / 'crawl.log'})")
    print(format_summary(summarise(first)))
    if archive:
        print(f"  pages archived:     {first.get('newsbot/archive/responses', 0)} "
              f"({output.with_suffix('.warc.gz')}: `newsbot extract --warc` re-extracts them)")
    print(f"\n{len(articles)} articles in {output}:")
    for article in sorted(articles, key=lambda a: (a["publisher"], a.get("datePublished") or "")):
        mark = f"  = copy of {article['duplicateOf']}" if article.get("duplicateOf") else ""
        if article.get("sourceOrganization"):
            cues = ", ".join(dict.fromkeys(e["cue"] for e in article["attributionEvidence"]))
            mark += f"  [{article['sourceOrganization']}: {cues}]"
        if article.get("liveBlogUpdates"):
            mark += f"  (live blog, {len(article['liveBlogUpdates'])} posts)"
        if article.get("isAccessibleForFree") is False:
            mark += "  (behind a paywall)"
        print(f"  [{article['publisher']}] {article['headline']}{mark}")
    partitions = [output, out_dir / UPDATES_FILE]
    records, report = read_dataset(partitions)
    print(f"\nSecond crawl, after the sites were updated ({partitions[1]}): "
          f"{second.get('downloader/response_count', 0)} pages fetched, "
          f"{second.get('item_scraped_count', 0)} new versions (`changes` as newsbot export "
          f"fills it):")
    print("\n".join(describe_changes(records)))
    print("\n".join(describe_live_blogs(records)))
    stats = write_demo_card(records, report, partitions, out_dir / CARD_DIR)
    print(f"\nDataset card: {out_dir / CARD_DIR / 'README.md'} ({stats.articles} article "
          f"versions in {out_dir / CARD_DIR / 'data'}); what the outlets' robots.txt says to "
          f"AI-training crawlers:")
    for row in stats.optouts:
        print(f"  [{row.outlet}] {row.verdict}")
    errors = first.get("log_count/ERROR", 0) + second.get("log_count/ERROR", 0)
    return 1 if errors or not articles or not second.get("item_scraped_count") else 0
