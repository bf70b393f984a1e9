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

from newsbot.config import SettingsError, check_settings
from newsbot.extensions.runs import problems
from newsbot.scrapy_internals import CrawlCommand

if TYPE_CHECKING:
    import argparse

logger = logging.getLogger(__name__)


class Command(CrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)  # -s, -O ... into self.settings
        assert self.settings is not None  # set by scrapy.cmdline before it parses options
        try:
            check_settings(self.settings)  # what the add-on would refuse, said in one line
        except SettingsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        self.crawlers = []
        super().run(args, opts)
        for crawler in self.crawlers:
            if found := problems(crawler.stats.get_stats() or {}):
                logger.error("The run may have lost data (%s); exit status 1", "; ".join(found))
                self.exitcode = 1
