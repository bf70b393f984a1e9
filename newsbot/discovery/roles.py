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
  request for a page queued as a front *upgrades* it: the front is handled as an article too
  (unless the page says it is not one, as below), and nothing is fetched twice. One for a page
  already handled as a front is dropped if the page was extracted or said it is not an article
  (``og:type`` ``website``, a JSON-LD ``CollectionPage``: a plain sitemap lists every page, home
  and sections too), and fetched again as an article if it said nothing of itself: the one case
  where a page is fetched twice, because the sitemap's word outweighs the page's silence.

:class:`PageRoles` keeps this in memory for a crawl in one process; a distributed crawl keeps the
same states in Redis (:mod:`newsbot.distributed.scheduler`).
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

from newsbot.extraction.structured import (
    ARTICLE_TYPES,
    NOT_ARTICLE_TYPES,
    load_json,
    top_level_objects,
    types_of,
)

FRONT, ARTICLE = "front", "article"
HEAD_LIMIT = 512 * 1024
"""Characters of a page searched for its ``<head>``, at most."""
_JSON_LD = re.compile(r"<script\b[^>]*ld\+json[^>]*>(.*?)</script\s*>", re.I | re.S)
_META = re.compile(r"<meta\b[^>]*>", re.I)
_OG_TYPE = re.compile(r"""\bproperty\s*=\s*["']?og:type\b""", re.I)
_CONTENT = re.compile(r"""\bcontent\s*=\s*["']?([^"'>]*)""", re.I)
ROLE_OF_CALLBACK = {"parse_front": FRONT, "parse_article": ARTICLE}
# What became of a page first requested as a front.
QUEUED, UPGRADED, EXTRACTED, FOLLOWED, NOT_ARTICLE, REFETCHED = (
    "queued", "upgraded", "extracted", "followed", "not_article", "refetched")
VERDICTS = {True: EXTRACTED, False: NOT_ARTICLE, None: FOLLOWED}
"""The state of a front once handled, by what the page said of itself."""


class Seen(Enum):
    """What to do with a request for a page already requested in this run."""

    DUPLICATE = "duplicate"
    """it asks for no more than the first request did (or the page is already extracted)"""
    UPGRADED = "upgraded"
    """the page, queued as a front, is to be handled as an article too"""
    NOT_ARTICLE = "not_article"
    """the page, handled as a front, said it is not an article (``og:type`` ``website`` ...)"""
    REFETCH = "refetch"
    """the page, handled as a front, said nothing of itself: fetch it as an article"""


def role_of(callback_name: str | None) -> str | None:
    return ROLE_OF_CALLBACK.get(callback_name or "")


def article_evidence(html: str, url: str,
                     pattern: re.Pattern[str] | None = None) -> tuple[bool | None, str]:
    """What a page fetched as a front says of itself: ``(True, why)`` for an article,
    ``(False, why)`` for a page that says it is something else, ``(None, "")`` for silence.

    An article: one article at the top of its JSON-LD (the same article declared twice, in two
    scripts or twice in a ``@graph``, is still one; objects naming different articles are a list
    of teasers), ``og:type`` ``article``, or its path matching the outlet's article pattern. Not
    one: a page type of :data:`NOT_ARTICLE_TYPES` in either (``WebSite``, ``CollectionPage``,
    ``og:type`` ``website`` ...). Read with regular expressions, not a tree: a front may be a
    9 MB page of links.
    """
    documents = [data for match in _JSON_LD.finditer(html)
                 if (data := load_json(match.group(1))) is not None]
    objects = top_level_objects(documents)
    declared = [types_of(o) for o in objects]
    articles = [o for o, types in zip(objects, declared, strict=True) if types & ARTICLE_TYPES]
    typed = [types & ARTICLE_TYPES for types in declared if types & ARTICLE_TYPES]
    if typed and len({_identity(o) for o in articles}) == 1:
        return True, f"JSON-LD {sorted(typed[0])[0]}"
    end = html.find("</head>", 0, HEAD_LIMIT)
    og_types = {m.group(1).strip().lower() for tag in _META.findall(html[: end if end >= 0
                                                                         else HEAD_LIMIT])
                if _OG_TYPE.search(tag) and (m := _CONTENT.search(tag))}
    if not typed and "article" in og_types:
        return True, "og:type article"
    if pattern is not None and pattern.search(urlsplit(url).path or "/"):
        return True, "the outlet's article pattern"
    said = sorted((og_types | set().union(*declared)) & NOT_ARTICLE_TYPES)
    if typed or said:
        return False, "a list of articles" if typed else f"a {said[0]} page"
    return None, ""


def _identity(node: dict[str, Any]) -> str:
    """What tells two JSON-LD article objects apart: a page may declare its one article twice
    (in two scripts, or as ``NewsArticle`` and again in a ``@graph``), while the teasers of a
    front each name another article."""
    for key in ("url", "mainEntityOfPage", "@id", "headline"):
        value = node.get(key)
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str) and value.strip():
            return value.strip().split("#", 1)[0].rstrip("/")
    return str(id(node))


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
        if state == NOT_ARTICLE:
            return Seen.NOT_ARTICLE
        return Seen.DUPLICATE

    def front_handled(self, keys: list[str], is_article: bool | None) -> dict[str, Any] | None:
        """The spider handles the front answering ``keys``, whose page says it is an article
        (True), is not one (False) or says nothing (None): the meta of the article request it
        was upgraded with, if any (then it is extracted unless it says it is not an article)."""
        meta = next((m for key in keys if (m := self.upgrades.pop(key, None)) is not None), None)
        for key in keys:
            self.fronts[key] = EXTRACTED if meta is not None and is_article is None \
                else VERDICTS[is_article]
        return meta

    def waiting(self) -> dict[str, dict[str, Any]]:
        """Article requests still waiting for their front (its request never got an answer)."""
        return dict(self.upgrades)
