"""Helpers for tests: article pages written from parts, test sites, crawls run as subprocesses, and
the clean, attribute and dedupe stages run in-process on items a test writes."""

from __future__ import annotations

import html
import json
import os
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
<header><nav><a href="/">Home</a> <a href="/world/">World</a> <a href="/about">About us</a></nav></header>
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
    """``scrapy crawl`` in a subprocess, as a user runs it; items read back from ``output``."""
    command = crawl_command(cwd, spider, args, outlets=outlets, settings=settings, output=output)
    proc = subprocess.run(command, cwd=cwd, env=crawl_env(), capture_output=True, text=True,
                          timeout=timeout)
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
