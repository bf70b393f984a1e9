"""The page ledger: every response a crawl receives ends in exactly one outcome.

A response is *received* when the downloader hands it over (Scrapy's
``downloader/response_count``: redirects, retried refusals and robots.txt included). Each ends
in one outcome, written ``kind`` or ``kind/detail``:

==================  ============================================================================
``exported``        an article durably written (``new``, or ``new_version`` of one exported before)
``unchanged``       a refetched article whose text had not changed (not exported again)
``duplicate``       an article dropped as a copy (``same_url``, ``same_text``, ...)
``dropped``         a page that is not an article, with the reason (``short_body``, ``not_text``)
``front``           a home page or section front whose links were followed
``sitemap``         ``feed``, ``robots.txt``: discovery documents read
``not_modified``    a ``304`` to a conditional request
``redirected``      a redirect (HTTP or meta refresh) that was followed
``retried``         a refusal or server error that was retried
``failure``         an answer that could not be used (``HTTP 404``, ``redirect_limit``, ...)
``refused``         the site refused us (``HTTP 403``, ``HTTP 429``, ``challenge``)
``error``           our own code failed on it (a spider or pipeline error)
``unsettled``       still open at the end of the run (``not_written``: its article was not on
                    disk when the run ended; ``unfinished``: still being handled)
==================  ============================================================================

A page fetched as a front that turned out to be an article counts once, with its article's
outcome (its links are followed all the same). The identity a run must keep: the outcomes add
up to the responses received. Outcomes are kept as stats ``newsbot/ledger/<outcome>``;
:func:`report` reads them back for the summary and the manifest.

Articles are also followed by URL: those this run requested as articles (announced by a sitemap,
a feed, a front, or left pending by an earlier run) are *settled* once a response to them ends
in an article outcome (``exported``, ``unchanged``, ``duplicate``, ``dropped``) or a ``404`` or
``410``. The others are *unsettled* (``newsbot/discovery/unsettled``), each with the last thing
known of it; with a crawl state they stay pending for the next run.

Pure logic, no Scrapy: :mod:`newsbot.extensions.ledger` feeds it from Scrapy's signals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

PREFIX = "newsbot/ledger/"
RESPONSES = "downloader/response_count"
UNSETTLED_STAT = "newsbot/discovery/unsettled"
KINDS = ("exported", "unchanged", "duplicate", "dropped", "front", "sitemap", "feed",
         "robots.txt", "not_modified", "redirected", "retried", "failure", "refused", "error",
         "unsettled")
ARTICLE_KINDS = frozenset({"exported", "unchanged", "duplicate", "dropped"})
"""Outcomes that conclude an article: its URL is settled."""
GONE = frozenset({"failure/HTTP 404", "failure/HTTP 410"})
REFUSALS = frozenset({401, 403, 429, 451})
_RANK = {kind: rank for rank, kind in enumerate(
    ("exported", "unchanged", "duplicate", "dropped", "error"))}
"""Which of several item outcomes a page keeps (the first listed wins)."""
SHOWN_UNSETTLED = 10


def kind_of(outcome: str) -> str:
    return outcome.split("/", 1)[0]


def http_outcome(status: int) -> str:
    """The outcome of a final answer with a non-2xx status."""
    return f"{'refused' if status in REFUSALS else 'failure'}/HTTP {status}"


def best(first: str | None, second: str) -> str:
    """The outcome a page keeps when it has two (an article's outcome beats its role's)."""
    if first is None:
        return second
    return min(first, second, key=lambda o: _RANK.get(kind_of(o), len(_RANK)))


@dataclass
class Page:
    """A response on its way through the spider and the item pipelines."""

    role: str
    """what it was requested as: ``front``, ``article``, ``sitemap``, ``feed``, ``robots.txt``"""
    status: int
    urls: tuple[str, ...]
    """keys of the URLs it answers (the one first requested, and the final one)"""
    outcome: str | None = None
    open_items: int = 0
    done: bool = False

    def final(self) -> str | None:
        """Its outcome, once the spider is done with it and each of its items is settled."""
        if not self.done or self.open_items:
            return None
        if self.outcome:
            return self.outcome
        if not 200 <= self.status < 300:
            return http_outcome(self.status)
        return self.role if self.role != "article" else "error/no_outcome"


@dataclass
class Ledger:
    """Outcomes of the responses of one run, and the articles it announced.

    ``count(outcome)`` is called once per settled response (the Scrapy side mirrors it in the
    stats). Pages are keyed by an id the caller gives each received response.
    """

    count: Callable[[str], None]
    pages: dict[int, Page] = field(default_factory=dict)
    announced: dict[str, str] = field(default_factory=dict)
    """URL key -> URL of articles requested and not yet settled"""
    why: dict[str, str] = field(default_factory=dict)
    """URL key -> the last thing known of an unsettled article"""
    settled: set[str] = field(default_factory=set)

    # --- responses ----------------------------------------------------------------------------
    def settle(self, outcome: str, urls: Iterable[str] = ()) -> None:
        """A response ended in ``outcome`` (one not followed through the spider, or a page's)."""
        self.count(outcome)
        for key in urls:
            if kind_of(outcome) in ARTICLE_KINDS or outcome in GONE:
                self.settled.add(key)
                self.announced.pop(key, None)
                self.why.pop(key, None)
            elif key in self.announced and kind_of(outcome) not in ("redirected", "retried"):
                self.why[key] = outcome

    def received(self, page_id: int, page: Page) -> None:
        self.pages[page_id] = page

    def offer(self, page_id: int, outcome: str) -> None:
        """What a page led to, before the spider is done with it (the spider dropped it, a
        pipeline dropped or a feed wrote its item)."""
        if page := self.pages.get(page_id):
            page.outcome = best(page.outcome, outcome)
            self._close(page_id, page)

    def item_yielded(self, page_id: int) -> None:
        if page := self.pages.get(page_id):
            page.open_items += 1

    def item_settled(self, page_id: int, outcome: str) -> None:
        if page := self.pages.get(page_id):
            page.open_items -= 1
            self.offer(page_id, outcome)

    def spider_done(self, page_id: int) -> None:
        if page := self.pages.get(page_id):
            page.done = True
            self._close(page_id, page)

    def _close(self, page_id: int, page: Page) -> None:
        if (outcome := page.final()) is not None:
            del self.pages[page_id]
            self.settle(outcome, page.urls)

    # --- articles -----------------------------------------------------------------------------
    def announce(self, key: str, url: str) -> None:
        """An article URL is requested in this run."""
        if key not in self.settled:
            self.announced.setdefault(key, url)

    def note(self, key: str, why: str) -> None:
        """What became of an announced article's request that got no response."""
        if key in self.announced:
            self.why[key] = why

    # --- the end ------------------------------------------------------------------------------
    def close(self) -> list[tuple[str, str]]:
        """Settle what is still open; the unsettled articles, each with why."""
        for page_id, page in list(self.pages.items()):
            del self.pages[page_id]
            self.settle("unsettled/not_written" if page.done else "unsettled/unfinished",
                        page.urls)
        return [(url, self.why.get(key, "no response before the run ended"))
                for key, url in self.announced.items()]


# --- reading the outcomes back ------------------------------------------------------------------
def outcomes(stats: Mapping[str, Any]) -> dict[str, int]:
    return {k[len(PREFIX):]: v for k, v in sorted(stats.items())
            if k.startswith(PREFIX) and isinstance(v, int)}


def report(stats: Mapping[str, Any]) -> dict[str, Any]:
    """The ledger of a run from its stats: the table, and whether it adds up."""
    counts = outcomes(stats)
    table: dict[str, dict[str, Any]] = {}
    for outcome, n in counts.items():
        kind, _, detail = outcome.partition("/")
        row = table.setdefault(kind, {"total": 0, "by": {}})
        row["total"] += n
        if detail:
            row["by"][detail] = row["by"].get(detail, 0) + n
    order = {kind: i for i, kind in enumerate(KINDS)}
    table = dict(sorted(table.items(), key=lambda kv: order.get(kv[0], len(order))))
    responses = stats.get(RESPONSES, 0)
    total = sum(counts.values())
    return {"responses": responses, "outcomes": total, "balanced": total == responses,
            "table": table, "unsettled_articles": stats.get(UNSETTLED_STAT, 0)}


def format_report(ledger: Mapping[str, Any]) -> list[str]:
    """The table as lines for a person (the summary)."""
    balance = ("adds up" if ledger["balanced"] else
               f"DOES NOT ADD UP: {ledger['outcomes']} outcomes")
    lines = [f"  page ledger:        {ledger['responses']} responses ({balance})"]
    for kind, row in ledger["table"].items():
        detail = ", ".join(f"{k}: {v}" for k, v in Counter(row["by"]).most_common())
        lines.append(f"    {kind:<18}{row['total']:>5}{f'  ({detail})' if detail else ''}")
    lines.append(f"  unsettled articles: {ledger['unsettled_articles']}")
    return lines
