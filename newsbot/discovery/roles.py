"""A page's role in a crawl: a *front* (its links are followed) or an *article* (extracted).

The role a URL is requested with comes from the path that reached it first: a home page's link
to ``/news/alpha.html`` has no date, long slug or numeric id, so it is requested as a front,
while the news sitemap announces the same URL as an article. Two rules make it one article
whichever path came first:

* a page fetched as a front says whether it is an article (:func:`article_evidence`: a JSON-LD
  article type, ``og:type`` ``article``, the outlet's article pattern); if it is, it is
  extracted, and its links are still followed as a front's;
* roles are ranked, article above front, and a request for a page already requested is dropped
  only when it asks for no more than the first one did (:meth:`PageRoles.again`). An article
  request for a page queued as a front *upgrades* it: the front is handled as an article too,
  and nothing is fetched twice. One for a page already handled as a front is dropped if the page
  was extracted, and fetched again as an article if it showed no evidence: the one case where a
  page is fetched twice, because the sitemap's word outweighs the page's silence.

:class:`PageRoles` keeps this in memory for a crawl in one process; a distributed crawl keeps the
same states in Redis (:mod:`newsbot.distributed.scheduler`).
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

from newsbot.extraction import parse_html
from newsbot.extraction.structured import (
    ARTICLE_TYPES,
    json_ld_documents,
    meta_tags,
    top_level_types,
)

FRONT, ARTICLE = "front", "article"
ROLE_OF_CALLBACK = {"parse_front": FRONT, "parse_article": ARTICLE}
# What became of a page first requested as a front.
QUEUED, UPGRADED, EXTRACTED, FOLLOWED, REFETCHED = (
    "queued", "upgraded", "extracted", "followed", "refetched")


class Seen(Enum):
    """What to do with a request for a page already requested in this run."""

    DUPLICATE = "duplicate"
    """it asks for no more than the first request did (or the page is already extracted)"""
    UPGRADED = "upgraded"
    """the page, queued as a front, is to be handled as an article too"""
    REFETCH = "refetch"
    """the page was handled as a front without article evidence: fetch it as an article"""


def role_of(callback_name: str | None) -> str | None:
    return ROLE_OF_CALLBACK.get(callback_name or "")


def article_evidence(html: str, url: str, pattern: re.Pattern[str] | None = None) -> str | None:
    """Why a page fetched as a front is an article, or None when nothing says so.

    One article-typed object at the top of its JSON-LD (several are a list of teasers), else
    ``og:type`` ``article``, else its path matching the outlet's article pattern.
    """
    tree = parse_html(html)
    if tree is not None:
        documents = json_ld_documents(tree)
        typed = [types & ARTICLE_TYPES for types in top_level_types(documents)]
        typed = [types for types in typed if types]
        if len(typed) == 1:
            return f"JSON-LD {sorted(typed[0])[0]}"
        og_type = (meta_tags(tree).get("og:type") or [""])[0].strip().lower()
        if not typed and og_type == "article":
            return "og:type article"
    if pattern is not None and pattern.search(urlsplit(url).path or "/"):
        return "the outlet's article pattern"
    return None


class PageRoles:
    """The states of the pages first requested as fronts in this run, and the article requests
    waiting for them (:meth:`again` is the dupefilter's side, :meth:`front_handled` the
    spider's)."""

    def __init__(self) -> None:
        self.fronts: dict[str, str] = {}
        self.upgrades: dict[str, dict[str, Any]] = {}

    def first(self, key: str, role: str | None) -> None:
        """The first request for page ``key`` goes ahead with ``role``."""
        if role == FRONT:
            self.fronts[key] = QUEUED

    def again(self, key: str, role: str | None, meta: dict[str, Any]) -> Seen:
        """Another request for page ``key``; ``meta`` is what an article request carries."""
        state = self.fronts.get(key)
        if role != ARTICLE or state is None:
            return Seen.DUPLICATE
        if state == QUEUED:
            self.fronts[key] = UPGRADED
            self.upgrades[key] = meta
            return Seen.UPGRADED
        if state == FOLLOWED:
            self.fronts[key] = REFETCHED
            return Seen.REFETCH
        return Seen.DUPLICATE

    def front_handled(self, keys: list[str], is_article: bool) -> dict[str, Any] | None:
        """The spider handles the front answering ``keys``: the meta of the article request it
        was upgraded with, if any (then it is an article whatever the page shows)."""
        meta = next((m for key in keys if (m := self.upgrades.pop(key, None)) is not None), None)
        for key in keys:
            self.fronts[key] = EXTRACTED if is_article or meta is not None else FOLLOWED
        return meta

    def waiting(self) -> dict[str, dict[str, Any]]:
        """Article requests still waiting for their front (its request never got an answer)."""
        return dict(self.upgrades)
