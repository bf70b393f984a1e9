"""Rows of ``newsbot export --live-entries``: one per live-blog post, with the page it is on.

Each version of a live page carries the posts it showed when it was fetched, and pages drop old
posts as new ones arrive, so a post is kept from every version read and listed once per page: as
the latest version that showed it has it (an edited post, its last text). With
``--latest-version-only`` only the posts the latest versions show are listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from newsbot.state import article_key

ENTRY_COLUMNS = ("id", "datePublished", "dateModified", "headline", "articleBody", "url",
                 "pageId", "pageUrl", "pageHeadline", "pageVersion", "publisher")


def entry_rows(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The posts of the live pages among ``records``, ordered by page and publication time."""
    posts: dict[tuple[str, str], tuple[tuple[int, str], dict[str, Any]]] = {}
    for record in records:
        updates = record.get("liveBlogUpdates")
        if not isinstance(updates, list):
            continue
        page = article_key(record["url"], record.get("canonicalUrl"))
        rank = (int(record.get("version") or 0), str(record.get("crawledAt") or ""))
        for update in updates:
            if not isinstance(update, dict) or not update.get("id"):
                continue
            key = (page, str(update["id"]))
            if key not in posts or rank >= posts[key][0]:
                posts[key] = (rank, {
                    **{k: update.get(k) for k in ENTRY_COLUMNS[:6]},
                    "pageId": record.get("id"), "pageUrl": record.get("url"),
                    "pageHeadline": record.get("headline"),
                    "pageVersion": record.get("version"), "publisher": record.get("publisher")})
    yield from sorted((row for _, row in posts.values()), key=lambda r: (
        str(r["pageUrl"]), str(r["datePublished"] or ""), str(r["id"])))
