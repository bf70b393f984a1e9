"""Discovery: pure functions from a fetched document to the article URLs it announces."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """One URL announced by a sitemap (``<url>``, ``<sitemap>``) or a feed (``<item>``,
    ``<entry>``)."""

    loc: str
    lastmod: str | None = None
    published: str | None = None
    """``news:publication_date``, or the feed item's publication date"""
    title: str | None = None
    """``news:title``, or the feed item's title"""
    language: str | None = None
    """``news:language``"""
