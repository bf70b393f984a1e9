"""Runs: an id per run, a manifest next to its partition, and whether it may have lost data.

Each JSON Lines feed on local disk (by default the partition ``data/<outlet>/<run id>.jsonl``)
gets ``<same name>.manifest.json``: written when the run opens it (``"completed": false``) and
rewritten when the feed is closed with the run's counts. A run killed on the way keeps the first
one, so a crashed run is visible in the data folder. The ``crawl`` command
(:mod:`newsbot.commands.crawl`) exits non-zero when :func:`problems` finds any.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import CloseSpider
from scrapy.utils.defer import deferred_from_coro

from newsbot.items import ARTICLE_FIELDS, SCHEMA_VERSION
from newsbot.ledger import report as ledger_report
from newsbot.optouts import robots_txt_read
from newsbot.outlets import outlet_for
from newsbot.scrapy_internals import feed_slots

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from newsbot.exporters import JsonLinesExporter
    from newsbot.extensions.health import CrawlHealth

logger = logging.getLogger(__name__)

PROBLEMS = "newsbot/problems/"
"""Stats prefix of what may have lost data: ``export_failed``, ``state_failed``, ``spider_error``,
``item_error``."""
CLEAN_ENDS = ("finished", "shutdown", "closespider_timeout", "closespider_itemcount",
              "closespider_pagecount")
"""Finish reasons that lose nothing: the end, Ctrl-C or a scrapyd cancel, a CLOSESPIDER_* limit
you set (what was not fetched stays pending for the next run)."""


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_run_id() -> str:
    """``20261125T111353.482913Z``: sorts by start time, unique per outlet (runs are locked)."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")


def problems(stats: dict[str, Any]) -> list[str]:
    """Why a run may have lost data (empty: it did not)."""
    found = [f"{k[len(PROBLEMS):]}: {v}" for k, v in sorted(stats.items())
             if k.startswith(PROBLEMS) and v]
    if stats.get("newsbot/extract_errors"):
        found.append(f"extract_errors: {stats['newsbot/extract_errors']}")
    reason = stats.get("finish_reason")
    if reason is not None and reason not in CLEAN_ENDS:
        found.append(f"finish_reason: {reason}")
    return found


def stop_run(crawler: Crawler, kind: str, message: str) -> None:
    """Log why the run cannot go on without losing data, count it, and close the spider."""
    logger.error(message)
    crawler.stats.inc_value(PROBLEMS + kind)
    engine = crawler.engine
    if engine is not None and engine.spider is not None:
        deferred_from_coro(engine.close_spider_async(reason=kind))


def counts(stats: dict[str, Any]) -> dict[str, Any]:
    """The manifest's counts, from Scrapy's and newsbot's stats."""
    def by_kind(prefix: str) -> dict[str, int]:
        return {k[len(prefix):]: v for k, v in sorted(stats.items())
                if k.startswith(prefix) and isinstance(v, int)}

    return {
        "requests": stats.get("downloader/request_count", 0),
        "responses_by_status": by_kind("downloader/response_status_count/"),
        "new_articles": stats.get("newsbot/versions/new", 0),
        "new_versions": stats.get("newsbot/versions/changed", 0),
        "unchanged_refetches": stats.get("newsbot/versions/unchanged", 0),
        "urls_skipped_unchanged": stats.get("newsbot/state/skipped", 0),
        "urls_resumed": stats.get("newsbot/state/resumed", 0),
        "documents_not_modified": stats.get("newsbot/state/not_modified", 0),
        "revisits": by_kind("newsbot/revisit/"),
        "duplicates_by_kind": by_kind("newsbot/dedup/"),
        "dropped_by_reason": by_kind("newsbot/dropped/"),
        "errors_by_kind": {
            **{f"download/{k}": v for k, v in by_kind("downloader/exception_type_count/").items()},
            **{f"spider/{k}": v for k, v in by_kind("spider_exceptions/").items()},
            **({"extraction": stats["newsbot/extract_errors"]}
               if stats.get("newsbot/extract_errors") else {}),
            **by_kind(PROBLEMS),
            **({"log_errors": stats["log_count/ERROR"]} if stats.get("log_count/ERROR") else {}),
        },
        "ledger": ledger_report(stats),
    }


def filled(record: Mapping[str, Any], names: Iterable[str]) -> Iterator[str]:
    """The fields of ``names`` that ``record`` has a value in (not None, "", [] or {})."""
    return (name for name in names if record.get(name) not in (None, "", [], {}))


def write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    """Never a half-written manifest: write a temporary file, fsync it, rename it over."""
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)


def manifest_path(partition: Path) -> Path:
    return partition.with_name(partition.name.removesuffix(".jsonl") + ".manifest.json")


def read_manifest(path: Path) -> dict[str, Any] | None:
    """A manifest as written, or None: missing, being replaced, or not a manifest."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


class RunManifest:
    """Run id (``%(run_id)s`` in FEEDS), manifests, and the verdict on the run."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.run_id = new_run_id()
        self.started = utc_now()
        self.feeds: list[JsonLinesExporter] = []
        self.scraped = 0
        self.filled: Counter[str] = Counter()
        self.reason: str | None = None
        self.health: CrawlHealth | None = None
        """compares the final counts with earlier runs' (it registers itself)"""
        self.robots: dict[str, dict[str, Any]] = {}
        """per host, what its robots.txt said to AI crawlers when this run read it"""
        self.paywalls: dict[str, Counter[str]] = {}
        """per outlet (publisher), articles exported and those behind a paywall"""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunManifest:
        run = cls(crawler)
        crawler.signals.connect(run.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(run.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(run.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(run.spider_error, signal=signals.spider_error)
        crawler.signals.connect(run.item_error, signal=signals.item_error)
        crawler.signals.connect(run.feeds_closed, signal=signals.feed_exporter_closed)
        crawler.signals.connect(run.robots_read, signal=robots_txt_read)
        return run

    def spider_opened(self) -> None:
        """Open the feeds now, not at the first article: a bad path stops the run before any
        request, and the partition's manifest says from the start that a run is under way."""
        for slot in feed_slots(self.crawler):
            try:
                slot.start_exporting()
            except OSError as exc:
                self.crawler.stats.inc_value(PROBLEMS + "export_failed")
                logger.error("Cannot write the feed %s: %s; the crawl does not start", slot.uri,
                             exc)
                raise CloseSpider("export_failed") from exc

    def feed_opened(self, exporter: JsonLinesExporter) -> None:
        """Called by each JSON Lines exporter; a local file gets a manifest."""
        if exporter.path is not None:
            self.feeds.append(exporter)
            self.write(exporter, final=False)

    def item_scraped(self, item: Any) -> None:
        self.scraped += 1
        record = dict(item)
        self.filled.update(filled(record, ARTICLE_FIELDS))
        paywalls = self.paywalls.setdefault(str(record.get("publisher")), Counter())
        paywalls["articles"] += 1
        paywalls["paywalled"] += record.get("isAccessibleForFree") is False

    def robots_read(self, netloc: str, url: str, status: int, optout: dict[str, Any]) -> None:
        spider = self.crawler.spider
        crawled = {o.name: o for o in getattr(spider, "outlets", ())}  # incl. home=URL ones
        outlet = outlet_for(url, crawled) or outlet_for(url, getattr(spider, "known_outlets", {}))
        self.robots[netloc] = {"outlet": outlet.name if outlet else None, "url": url,
                               "status": status, "read": utc_now(), **optout}

    def spider_error(self, failure: Any) -> None:
        self.crawler.stats.inc_value(PROBLEMS + "spider_error")

    def item_error(self, failure: Any) -> None:
        self.crawler.stats.inc_value(PROBLEMS + "item_error")

    def spider_closed(self, reason: str) -> None:
        self.reason = reason

    def feeds_closed(self) -> None:
        for exporter in self.feeds:
            self.write(exporter, final=True)

    def write(self, exporter: JsonLinesExporter, *, final: bool) -> None:
        assert exporter.path is not None
        spider = self.crawler.spider
        assert spider is not None  # feeds are written while the spider is open
        fill_rates = {k: round(self.filled[k] / self.scraped, 4) if self.scraped else None
                      for k in ARTICLE_FIELDS}
        health = self.health.review(manifest_path(exporter.path), self.run_id, exporter.written,
                                    fill_rates) if final and self.health else None
        stats = self.crawler.stats.get_stats()
        found = problems({**stats, "finish_reason": self.reason}) if final else []
        manifest = {
            "run": self.run_id,
            "partition": exporter.path.name,
            "schema_version": SCHEMA_VERSION,
            "spider": spider.name,
            "arguments": getattr(spider, "arguments", {}),
            "outlets": [o.name for o in getattr(spider, "outlets", [])],
            "scrapyd_job": getattr(spider, "arguments", {}).get("_job"),  # scrapyd passes -a _job
            "started": self.started,
            "finished": utc_now() if final else None,
            "finish_reason": self.reason if final else None,
            "completed": final and self.reason == "finished" and not found,
            "problems": found,
            "counts": {
                "articles_exported": exporter.written,
                **(counts(stats) if final else {}),
            },
            "fill_rates": fill_rates,
            "paywalled_by_outlet": {k: dict(v) for k, v in sorted(self.paywalls.items())},
            "robots_txt": dict(sorted(self.robots.items())),
            **({"health": health} if health is not None else {}),
        }
        try:
            write_json_atomically(manifest_path(exporter.path), manifest)
        except OSError as exc:
            logger.error("Cannot write the manifest of %s: %s", exporter.path, exc)
            self.crawler.stats.inc_value(PROBLEMS + "export_failed")
