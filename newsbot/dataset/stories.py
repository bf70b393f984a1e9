"""Stories resolved from everything a dataset reads.

The crawl exports each article once, with the story fields it knew then. A copy exported before
its original arrived (a reprint whose response came first, an outlet crawled before the agency)
says ``duplicateOf: null``; the original, when it comes, takes the story over, and the copy's
line is not rewritten (partitions are an append-only log). ``newsbot export`` settles each story
from all the lines it reads, with the crawl's own rules (:mod:`newsbot.dedup.originals`):

* the original is elected among the lines the crawl exported as originals (``duplicateOf``
  null): a line marked as a copy already lost to one of them;
* every other line of the story is, or becomes, a copy of it (``duplicateOf``, syndicated when
  on another outlet, the original's agency when it names none, cue ``cluster``), its own cues
  settled again first so that a mark from an earlier original does not linger;
* a copy whose original is not among the lines read (another outlet's, left out) keeps its
  marks;
* ``storyId`` becomes the original's own story id: the id the story has when its original
  comes first, so one story has one id whatever order its pages were crawled in.

Only *contested* stories, with more than one line exported as an original (an original that
arrived after its copies, or versions of the original), can change; the others are written as
the crawl wrote them, at no cost. Memory: per story, where its original's line is; per original,
a hash of its URL; the contested stories' ids. Lines are read again from disk for contested
stories only.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from newsbot.attribution import settle, site_agency
from newsbot.dedup.originals import cross_site_key, mark_copy, prevails, story_id
from newsbot.state import article_key

Record = dict[str, Any]
LineAt = Callable[[int, int], Record]
"""The record on the line at (file index, byte offset)."""


@dataclass(frozen=True)
class _Candidate:
    url: str
    agency_page: str | None
    canonical_key: str | None
    published: str | None


def _evidence(record: Record) -> list[dict[str, Any]] | None:
    cues = record.get("attributionEvidence")
    return [c for c in cues if isinstance(c, dict)] if isinstance(cues, list) else None


def candidate(record: Record) -> _Candidate:
    """What the election reads of a line: the same facts the dedupe stage indexed."""
    published = record.get("datePublished")
    return _Candidate(record["url"], site_agency(_evidence(record) or []),
                      cross_site_key(record["url"], record.get("canonicalUrl")),
                      published if isinstance(published, str) else None)


def own_marks(record: Record) -> Record:
    """The record as the attribute stage left it, before the dedupe stage marked it a copy."""
    cues = _evidence(record)
    if cues is None:
        return {**record, "duplicateOf": None}
    own = [c for c in cues if c.get("cue") != "cluster"]
    agency, syndicated = settle(own, record.get("immediateSource"))
    return {**record, "attributionEvidence": own, "sourceOrganization": agency,
            "isSyndicated": syndicated, "duplicateOf": None}


def same_article(a: Record, b: Record) -> bool:
    """Whether two lines are versions of one article (the same article key), the cheap way
    first."""
    if a["url"] == b["url"] or (a.get("canonicalUrl") and
                                a.get("canonicalUrl") == b.get("canonicalUrl")):
        return True
    return article_key(a["url"], a.get("canonicalUrl")) == \
        article_key(b["url"], b.get("canonicalUrl"))


def story_of(record: Record) -> str | None:
    story = record.get("storyId")
    return story if isinstance(story, str) and story else None


class Stories:
    CACHE = 256
    """originals kept parsed, with their story ids, while writing (a story's lines are near)"""

    def __init__(self) -> None:
        self._held: dict[str, tuple[int, int]] = {}
        """story -> (file, offset) of its original's line"""
        self._originals: set[int] = set()
        """hashes of the URLs of lines exported as originals (copies name them as they are)"""
        self._contested: set[str] = set()
        """stories with more than one line exported as an original"""
        self._cache: OrderedDict[tuple[int, int], tuple[Record, str]] = OrderedDict()

    def add(self, record: Record, where: tuple[int, int], line_at: LineAt) -> None:
        """Count the line at ``where`` (replayed lines dropped) into its story's election."""
        story = story_of(record)
        if story is None or record.get("duplicateOf"):
            return
        self._originals.add(hash(record["url"]))
        held = self._held.get(story)
        if held is not None:
            self._contested.add(story)
            other = line_at(*held)
            if not prevails(candidate(record), candidate(other),
                            str(record.get("crawledAt") or ""), str(other.get("crawledAt") or "")):
                return
        self._held[story] = where

    def is_original(self, story: str | None, where: tuple[int, int], line_at: LineAt) -> bool:
        """Whether the line at ``where``, of ``story``, is (a version of) the story's original;
        an article in no story is its own original, one whose original was not read is not."""
        if story is None:
            return True
        held = self._held.get(story)
        return held is not None and (held == where or story in self._contested and
                                     same_article(line_at(*where), line_at(*held)))

    def resolve(self, record: Record, where: tuple[int, int], line_at: LineAt) -> Record:
        """The line at ``where`` with the story marks of its elected original."""
        story = story_of(record)
        if story not in self._contested:
            return record  # one original, and its copies marked with it when exported
        held = self._held[story]
        original, story_id_ = self._original(held, record if held == where else None, line_at)
        resolved = {**record, "storyId": story_id_}
        mark = record.get("duplicateOf")
        if held != where and mark != original["url"] and (
                not mark or hash(mark) in self._originals) and not same_article(record, original):
            resolved = own_marks(resolved)
            mark_copy(resolved, original["url"], original.get("publisher"),
                      original.get("sourceOrganization"))
        return resolved

    def _original(self, held: tuple[int, int], record: Record | None,
                  line_at: LineAt) -> tuple[Record, str]:
        if held in self._cache:
            self._cache.move_to_end(held)
            return self._cache[held]
        original = record or line_at(*held)
        entry = self._cache[held] = (original, story_id(original["url"],
                                                         original.get("canonicalUrl")))
        if len(self._cache) > self.CACHE:
            self._cache.popitem(last=False)
        return entry
