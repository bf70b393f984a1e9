"""Story clusters: each article joins the story whose *original* it copies, or starts one.

An article is checked against the original (the leader) of every story its LSH candidates
belong to, never against other copies, so clusters cannot chain: an article that matches the
originals of two stories (a composite of two wires) joins the closer one and is reported as a
bridge; the two stories stay apart. The original is elected by rule
(:func:`newsbot.dedup.originals.elect`), so an agency page arriving after its reprints takes
their story over.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from newsbot.dedup.originals import elect
from newsbot.dedup.similarity import Scores, Thresholds, scores, verdict
from newsbot.dedup.store import Doc, NearIndex


@dataclass(frozen=True)
class Placement:
    """Where an article went."""

    kind: str
    """``same_text`` (same outlet, same text: not added), ``exact`` (same text, other outlet),
    ``near`` (near-duplicate), or ``new`` (first of its story)."""
    doc: Doc
    leader: Doc
    """The story's original once this article is placed (the article itself when elected)."""
    scores: Scores | None = None
    replaced: Doc | None = None
    """The previous original, when this article was elected in its place."""
    bridged: list[str] = field(default_factory=list)
    """Other stories whose originals this article also matches (logged, never merged)."""
    related: list[str] = field(default_factory=list)
    """Stories that share background with it without being the same story."""


def _language(doc: Doc) -> str:
    return (doc.language or "").split("-")[0].lower()


class Clusterer:
    def __init__(self, index: NearIndex, thresholds: Thresholds):
        self.index = index
        self.thresholds = thresholds

    def place(self, doc: Doc, url_keys: set[str], band_keys: np.ndarray) -> Placement:
        """Find ``doc``'s story, add it to the index (unless it is the same text again).

        Empty ``band_keys`` (a live blog) make a story of its own that nothing joins."""
        if not len(band_keys):
            added = self.index.add(doc, url_keys, band_keys)
            return Placement("new", added, added)
        if doc.content_hash:
            copies = self.index.find_text(doc.content_hash)
            if same := next((c for c in copies if c.publisher == doc.publisher), None):
                return Placement("same_text", doc, same)
            if copies:
                story = copies[0].story
                return self._join(doc, url_keys, band_keys, "exact", story, None, [], [])
        matches: list[tuple[tuple[float, float], str, Scores]] = []
        related: list[str] = []
        seen: set[str] = set()
        for candidate in self.index.docs(self.index.candidates(band_keys)):
            if candidate.story in seen:
                continue
            seen.add(candidate.story)
            leader = self.index.leader(candidate.story) or candidate
            if _language(leader) and _language(doc) and _language(leader) != _language(doc):
                continue  # a translation is never the same story
            s = scores(doc.body, doc.lead, leader.body, leader.lead)
            outcome = verdict(s, self.thresholds)
            if outcome == "duplicate":
                matches.append(((s.containment, s.jaccard), candidate.story, s))
            elif outcome == "related":
                related.append(candidate.story)
        if not matches:
            added = self.index.add(doc, url_keys, band_keys)
            return Placement("new", added, added, related=related)
        matches.sort(key=lambda m: m[0], reverse=True)
        _, story, best = matches[0]
        return self._join(doc, url_keys, band_keys, "near", story, best,
                          [m[1] for m in matches[1:]], related)

    def _join(self, doc: Doc, url_keys: set[str], band_keys: np.ndarray, kind: str, story: str,
              s: Scores | None, bridged: list[str], related: list[str]) -> Placement:
        incumbent = self.index.leader(story)
        added = self.index.add(replace(doc, story=story), url_keys, band_keys)
        assert added.id is not None  # given by the index
        if incumbent is None or elect(incumbent, added):
            self.index.set_leader(story, added.id)
            return Placement(kind, added, added, s, incumbent, bridged, related)
        return Placement(kind, added, incumbent, s, None, bridged, related)

    def update(self, doc: Doc, earlier: Doc, url_keys: set[str],
               band_keys: np.ndarray) -> Placement:
        """A new version of an indexed article (same URL, new text): it replaces the old one in
        the index and stays in its story, as its original if the old version was."""
        assert earlier.id is not None  # found in the index
        self.index.remove(earlier.id)
        added = self.index.add(replace(doc, story=earlier.story), url_keys, band_keys)
        leader = self.index.leader(earlier.story) or added
        return Placement("new_version", added, leader)
