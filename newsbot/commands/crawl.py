"""``scrapy crawl``, exiting non-zero when the run may have lost data, so cron and scrapyd notice.

What counts is :func:`newsbot.extensions.runs.problems`: a failed export or state write, a
spider or pipeline error, an extraction error, or a stop other than finishing or Ctrl-C. A
setting newsbot cannot use stops it before anything starts, with one line and exit status 2
(as Scrapy's own usage errors).
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawl

from newsbot.config import SettingsError, check_settings
from newsbot.extensions.runs import problems

if TYPE_CHECKING:
    import argparse

    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class Command(ScrapyCrawl):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)  # -s, -O ... into self.settings
        try:
            check_settings(self.settings)  # what the add-on would refuse, said in one line
        except SettingsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        self._crawlers: list[Crawler] = []
        super().run(args, opts)
        for crawler in self._crawlers:
            if found := problems(crawler.stats.get_stats() or {}):
                logger.error("The run may have lost data (%s); exit status 1", "; ".join(found))
                self.exitcode = 1

    def _create_crawler(self, spidercls: type[Spider] | str) -> Crawler:
        crawler = super()._create_crawler(spidercls)
        self._crawlers.append(crawler)
        return crawler
