"""Crawl health at the end of each run: drops against the outlet's previous runs, warned about.

When a run's partition is closed, :class:`~newsbot.extensions.runs.RunManifest` asks this
extension to compare the run's article count and fill rates with the manifests of the previous
runs in the same folder (:mod:`newsbot.health`). Each drop beyond its margin is a WARNING in
the log, counted in ``newsbot/health/warnings``, and listed under ``health`` in the manifest;
with ``NEWSBOT_HEALTH_STRICT`` it is also a problem of the run, which then exits with status 1.
``NEWSBOT_HEALTH_RUNS = 0`` turns the comparison off.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from newsbot.extensions.runs import PROBLEMS, RunManifest, read_manifest
from newsbot.health import Margins, review, usable

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
MANIFESTS = "*.manifest.json"


class CrawlHealth:
    def __init__(self, crawler: Crawler, margins: Margins, strict: bool):
        self.crawler = crawler
        self.margins = margins
        self.strict = strict

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlHealth:
        settings = crawler.settings
        margins = Margins(
            fields=tuple(settings.getlist("NEWSBOT_HEALTH_FIELDS")),
            fill=settings.getfloat("NEWSBOT_HEALTH_FILL_MARGIN"),
            articles=settings.getfloat("NEWSBOT_HEALTH_ARTICLES_MARGIN"),
            runs=settings.getint("NEWSBOT_HEALTH_RUNS"),
            min_runs=settings.getint("NEWSBOT_HEALTH_MIN_RUNS"))
        if margins.runs <= 0:
            raise NotConfigured("NEWSBOT_HEALTH_RUNS is 0")
        health = cls(crawler, margins, settings.getbool("NEWSBOT_HEALTH_STRICT"))
        crawler.signals.connect(health.spider_opened, signal=signals.spider_opened)
        return health

    def spider_opened(self) -> None:
        if run := self.crawler.get_extension(RunManifest):
            run.health = self

    def review(self, manifest_file: Path, run: str, articles: int,
               fill_rates: dict[str, float | None]) -> dict[str, Any]:
        """The ``health`` section of this run's manifest; warnings logged and counted."""
        result = review(articles, fill_rates, previous_runs(manifest_file, run), self.margins)
        for warning in result["warnings"]:
            logger.warning("Crawl health of %s: %s", manifest_file.parent, warning["message"])
        if found := len(result["warnings"]):
            self.crawler.stats.inc_value("newsbot/health/warnings", found)
            if self.strict:
                self.crawler.stats.inc_value(PROBLEMS + "health", found)
        return result


def previous_runs(manifest_file: Path, run: str) -> Iterator[dict[str, Any]]:
    """Usable manifests of runs before ``run`` in the same folder, newest first. Manifest names
    start with their run id, so the folder is read newest first and only as far as needed."""
    for path in sorted(manifest_file.parent.glob(MANIFESTS), reverse=True):
        if path == manifest_file:
            continue
        manifest = read_manifest(path)
        if manifest is not None and str(manifest.get("run", "")) < run and usable(manifest):
            yield manifest
