"""``scrapy crawl``, exiting non-zero when the run may have lost data, so cron and scrapyd notice.

What counts is :func:`newsbot.extensions.runs.problems`: a failed export or state write, a
spider or pipeline error, an extraction error, or a stop other than finishing or Ctrl-C.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from newsbot.extensions.runs import problems
from newsbot.scrapy_internals import CrawlCommand

if TYPE_CHECKING:
    import argparse

logger = logging.getLogger(__name__)


class Command(CrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        self.crawlers = []
        super().run(args, opts)
        for crawler in self.crawlers:
            if found := problems(crawler.stats.get_stats() or {}):
                logger.error("The run may have lost data (%s); exit status 1", "; ".join(found))
                self.exitcode = 1
