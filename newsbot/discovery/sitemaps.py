"""Sitemaps and sitemap indexes, keeping the Google News fields Scrapy's parser drops."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from newsbot.discovery import Entry
from newsbot.discovery.xml import (
    XmlRejected,
    absolute,
    child_text,
    local,
    parse_xml,
    text_of,
)

MAX_ENTRIES = 50_000  # the sitemap protocol's own limit per file


@dataclass(frozen=True)
class Sitemap:
    kind: str
    """``"urlset"`` or ``"sitemapindex"``"""
    entries: list[Entry]
    truncated: bool = False
    """More than :data:`MAX_ENTRIES` entries were present; the rest were ignored."""
    skipped: int = 0
    """Entries without a usable http(s) ``<loc>``."""
    problem: str | None = None
    """First error the parser recovered from, when the document was not well-formed."""


def parse_sitemap(body: bytes, base_url: str, max_entries: int = MAX_ENTRIES) -> Sitemap:
    """Entries of a (gunzipped) sitemap; raises :class:`XmlRejected` for anything else."""
    root, problem = parse_xml(body)
    kind = local(root)
    if kind not in ("urlset", "sitemapindex"):
        raise XmlRejected(f"root element is <{kind or '?'}>, not <urlset> or <sitemapindex>")
    entries: list[Entry] = []
    skipped = 0
    for element in root:
        if local(element) not in ("url", "sitemap"):
            continue
        if len(entries) >= max_entries:
            return Sitemap(kind, entries, truncated=True, skipped=skipped, problem=problem)
        fields: dict[str, etree._Element] = {}
        for child in element:  # one pass: a 50 000-entry sitemap takes a second, not several
            fields.setdefault(local(child), child)
        loc = text_of(fields.get("loc"))
        url = absolute(loc, base_url) if loc else None
        if not url:
            skipped += 1
            continue
        news = fields.get("news")
        entries.append(Entry(
            loc=url,
            lastmod=text_of(fields.get("lastmod")),
            published=child_text(news, "publication_date") if news is not None else None,
            title=child_text(news, "title") if news is not None else None,
            language=child_text(news, "publication", "language") if news is not None else None,
        ))
    return Sitemap(kind, entries, skipped=skipped, problem=problem)


def sitemaps_from_robots(body: bytes, base_url: str) -> list[str]:
    """http(s) ``Sitemap:`` URLs of a robots.txt (lines that are not UTF-8 or hold no URL are
    skipped; Scrapy's ``sitemap_urls_from_robots`` stops at the first line urljoin rejects)."""
    urls = []
    for line in body.splitlines():
        if line.lstrip()[:8].lower() == b"sitemap:":
            try:
                url = absolute(line.partition(b":")[2].strip().decode(), base_url)
            except UnicodeDecodeError:
                continue
            if url:
                urls.append(url)
    return urls
