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

Memory: per story, where its original's line is; per original, a hash of its URL. Lines are read
again from disk when a story has several candidates, and for the copies being written.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from newsbot.attribution import settle, site_agency
from newsbot.dedup.originals import cross_site_key, mark_copy, prevails, story_id
from newsbot.state import article_key
from newsbot.urls import url_key

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


def key_hash(record: Record) -> int:
    return hash(article_key(record["url"], record.get("canonicalUrl")))


def story_of(record: Record) -> str | None:
    story = record.get("storyId")
    return story if isinstance(story, str) and story else None


class Stories:
    CACHE = 256
    """original lines kept parsed while writing (copies of one story are usually near)"""

    def __init__(self) -> None:
        self._held: dict[str, tuple[int, int, int]] = {}
        """story -> (file, offset) of its original's line, and its article key's hash"""
        self._originals: set[int] = set()
        """hashes of the URL keys of lines exported as originals"""
        self._cache: OrderedDict[tuple[int, int], Record] = OrderedDict()

    def add(self, record: Record, file: int, offset: int, line_at: LineAt) -> None:
        """Count a line read (after replayed lines were dropped) into its story's election."""
        story = story_of(record)
        if story is None or record.get("duplicateOf"):
            return
        self._originals.add(hash(url_key(record["url"])))
        held = self._held.get(story)
        if held is not None:
            other = line_at(held[0], held[1])
            if not prevails(candidate(record), candidate(other),
                            str(record.get("crawledAt") or ""), str(other.get("crawledAt") or "")):
                return
        self._held[story] = (file, offset, key_hash(record))

    def is_original(self, story: str | None, article: int) -> bool:
        """Whether the article (hash of its key) of a line in ``story`` is the story's original;
        an article in no story is its own original."""
        if story is None:
            return True
        held = self._held.get(story)
        return held is not None and held[2] == article

    def resolve(self, record: Record, line_at: LineAt) -> Record:
        """The record with the story marks of its elected original."""
        story = story_of(record)
        held = self._held.get(story) if story else None
        if held is None:
            return record
        original = self._original(held, line_at)
        resolved = {**record, "storyId": story_id(original["url"], original.get("canonicalUrl"))}
        mark = record.get("duplicateOf")
        if key_hash(record) != held[2] and mark != original["url"] and (
                not mark or hash(url_key(mark)) in self._originals):
            resolved = own_marks(resolved)
            mark_copy(resolved, original["url"], original.get("publisher"),
                      original.get("sourceOrganization"))
        return resolved

    def _original(self, held: tuple[int, int, int], line_at: LineAt) -> Record:
        where = held[:2]
        if where in self._cache:
            self._cache.move_to_end(where)
            return self._cache[where]
        record = self._cache[where] = line_at(*where)
        if len(self._cache) > self.CACHE:
            self._cache.popitem(last=False)
        return record
