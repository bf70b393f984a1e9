"""Helpers for tests: article pages written from parts, test sites, crawls run as subprocesses, and
the clean, attribute and dedupe stages run in-process on items a test writes."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from scrapy import Spider
from scrapy.utils.test import get_crawler

import newsbot.settings
from newsbot.items import Article
from newsbot.pipelines.attribute import AttributionPipeline
from newsbot.pipelines.clean import CleanPipeline
from newsbot.pipelines.dedup import DedupPipeline

TESTS = Path(__file__).parent
PAGES = TESTS / "pages"
LOOPBACK_SETTINGS = {
    "NEWSBOT_ALLOW_PRIVATE_NETWORKS": "True",
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "NEWSBOT_PROGRESS_INTERVAL": "0",
    "RETRY_TIMES": "0",
}


def article_page(headline: str, paragraphs: list[str], *, published: str | None = None,
                 authors: list[str] | None = None, canonical: str | None = None,
                 lang: str = "en", site_name: str = "Test Outlet", head: str = "",
                 before: str = "", after: str = "", json_ld: dict | None = None) -> str:
    """A plausible article page: metadata in the head, chrome around the ``<article>``."""
    ld = json_ld if json_ld is not None else {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": headline,
        **({"datePublished": published} if published else {}),
        **({"author": [{"@type": "Person", "name": a} for a in authors]} if authors else {}),
    }
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{html.escape(headline)} | {site_name}</title>
<meta property="og:site_name" content="{site_name}">
<meta property="og:title" content="{html.escape(headline)}">
<meta property="og:type" content="article">
{f'<link rel="canonical" href="{canonical}">' if canonical else ''}
<script type="application/ld+json">{json.dumps(ld)}</script>
{head}
</head><body>
<header><nav><a href="/">Home</a> <a href="/world/">World</a>
<a href="/about">About us</a></nav></header>
<main><article><h1>{html.escape(headline)}</h1>
{before}
{body}
{after}
</article>
<aside><h3>Most read</h3><ul><li><a href="/world/">Other news of the day</a></li></ul></aside>
</main><footer>Copyright {site_name}. All rights reserved.</footer></body></html>
"""


def lorem(topic: str, n: int = 5) -> list[str]:
    """``n`` distinct, article-like paragraphs about ``topic`` (long enough to pass validation)."""
    return [f"{topic} paragraph {i}: officials said on Tuesday that the plan for {topic} "
            f"would be reviewed again next month, after residents raised {i + 2} separate "
            f"objections at a public meeting that lasted well into the evening."
            for i in range(1, n + 1)]


def write_files(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


@dataclass
class CrawlResult:
    returncode: int
    log: str
    items: list[dict] = field(default_factory=list)


def crawl_stats(log: str) -> dict[str, int | float]:
    """The numeric stats of Scrapy's end-of-crawl dump in ``log`` (the last one, if the log has
    several runs; empty without one)."""
    if "Dumping Scrapy stats:" not in log:
        return {}
    dump = log.rsplit("Dumping Scrapy stats:", 1)[-1]
    return {m[1]: float(m[2]) if "." in m[2] else int(m[2])
            for m in re.finditer(r"^ ?[{ ]'([^']+)': (-?[0-9.]+),?}?$", dump, re.MULTILINE)}


def check_ledger(source: str | dict, *, unsettled_articles: int | None = None) -> dict[str, int]:
    """Assert that a crawl's page ledger adds up: its outcomes (``newsbot/ledger/*``) sum to
    the responses it received, and a response is left open (``unsettled/*``) only by a run that
    says it may have lost data. ``source`` is the crawl's log (its stats dump) or a manifest.
    Returns the outcomes; ``unsettled_articles`` also checks ``newsbot/discovery/unsettled``."""
    if isinstance(source, dict):  # a manifest
        ledger = source["counts"]["ledger"]
        outcomes = {f"{kind}/{detail}" if detail else kind: n
                    for kind, row in ledger["table"].items()
                    for detail, n in (row["by"].items() or [("", row["total"])])}
        responses, unsettled, problems = (ledger["responses"], ledger["unsettled_articles"],
                                          source["problems"])
    else:
        stats = crawl_stats(source)
        assert stats, "the crawl ended without dumping its stats"
        outcomes = {k.removeprefix("newsbot/ledger/"): v for k, v in stats.items()
                    if k.startswith("newsbot/ledger/")}
        responses = stats.get("downloader/response_count", 0)
        unsettled = stats.get("newsbot/discovery/unsettled", 0)
        problems = [k for k in stats if k.startswith("newsbot/problems/")]
    assert sum(outcomes.values()) == responses, (
        f"page ledger: {sum(outcomes.values())} outcomes for {responses} responses: {outcomes}")
    left_open = {k: v for k, v in outcomes.items() if k.startswith("unsettled/")}
    assert not left_open or problems, f"responses left open by a run without problems: {left_open}"
    if unsettled_articles is not None:
        assert unsettled == unsettled_articles, f"{unsettled} unsettled article(s), not " \
                                                f"{unsettled_articles}"
    return outcomes


def crawl_command(cwd: Path, spider: str, args: dict[str, str], *,
                  outlets: list[dict] | None = None, settings: dict[str, str] | None = None,
                  output: str | None = "out.jsonl") -> list[str]:
    """The ``scrapy crawl`` command line a user would type (outlets written to cwd)."""
    command = [sys.executable, "-m", "scrapy", "crawl", spider]
    for key, value in args.items():
        command += ["-a", f"{key}={value}"]
    all_settings = {**LOOPBACK_SETTINGS, **(settings or {})}
    if outlets is not None:
        outlets_file = cwd / "outlets.json"
        outlets_file.write_text(json.dumps(outlets), encoding="utf-8")
        all_settings["NEWSBOT_OUTLETS_FILE"] = str(outlets_file)
    for key, value in all_settings.items():
        command += ["-s", f"{key}={value}"]
    if output:
        command += ["-O", output]
    return command


def crawl_env() -> dict[str, str]:
    return {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsbot.settings"}


def run_crawl(cwd: Path, spider: str, args: dict[str, str], *, outlets: list[dict] | None = None,
              settings: dict[str, str] | None = None, output: str | None = "out.jsonl",
              timeout: float = 90) -> CrawlResult:
    """``scrapy crawl`` in a subprocess, as a user runs it; items read back from ``output``.
    A crawl that ran (it dumped its stats) has its page ledger checked (:func:`check_ledger`)."""
    command = crawl_command(cwd, spider, args, outlets=outlets, settings=settings, output=output)
    proc = subprocess.run(command, cwd=cwd, env=crawl_env(), capture_output=True, text=True,
                          timeout=timeout)
    if crawl_stats(proc.stderr):
        check_ledger(proc.stderr)
    items = []
    if output and (cwd / output).exists():
        items = [json.loads(line) for line in (cwd / output).read_text().splitlines()]
    return CrawlResult(proc.returncode, proc.stderr, items)


SETTINGS = {k: getattr(newsbot.settings, k) for k in dir(newsbot.settings)
            if k.startswith("NEWSBOT_")}
DAY = "2026-11-18T{}:00Z"


class Stages:
    """clean -> attribute -> dedupe, as ITEM_PIPELINES runs them."""

    def __init__(self, index_path, **settings):
        self.crawler = get_crawler(Spider, {**SETTINGS, "NEWSBOT_DEDUP_INDEX_PATH": str(index_path),
                                            **settings})
        self.crawler.stats.open_spider()
        self.attribute = AttributionPipeline.from_crawler(self.crawler)
        self.dedup = DedupPipeline.from_crawler(self.crawler)

    def __call__(self, url, paras, publisher="Outlet", hour="10:00", crawled="12:00", **fields):
        fields.setdefault("inLanguage", "en")
        item = Article(url=url, headline="A story", articleBody="\n".join(paras),
                       publisher=publisher, datePublished=DAY.format(hour),
                       crawledAt=DAY.format(crawled), **fields)
        return dict(self.dedup.process_item(self.attribute.process_item(
            CleanPipeline().process_item(item))))

    def stat(self, name):
        return self.crawler.stats.get_value(name)

    def close(self):
        self.dedup.close()
