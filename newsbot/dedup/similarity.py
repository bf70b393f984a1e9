"""When two texts are the same story: the exact check behind the MinHash candidates.

Jaccard (overlap over union) says two texts are mostly the same; containment (overlap over the
smaller text) says one is a cut of the other, which is what a trimmed reprint is. Containment
alone would also join a follow-up that reuses background paragraphs, so it needs the leads to
agree too: reprints keep the top of the wire story, follow-ups write a new one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds (settings ``NEWSBOT_DEDUP_*``; values calibrated in BENCHMARKS.md)."""

    jaccard: float = 0.5
    containment: float = 0.5
    lead: float = 0.7
    min_shingles: int = 50
    brief_jaccard: float = 0.8
    related: float = 0.2


@dataclass(frozen=True)
class Scores:
    jaccard: float
    containment: float
    lead: float
    smaller: int
    """Shingles in the smaller text."""


def overlap(a: np.ndarray, b: np.ndarray) -> int:
    """Shingles two sorted distinct hash arrays share."""
    return len(np.intersect1d(a, b, assume_unique=True))


def scores(body_a: np.ndarray, lead_a: np.ndarray, body_b: np.ndarray,
           lead_b: np.ndarray) -> Scores:
    """Jaccard and containment of the bodies, and lead overlap (over the smaller lead)."""
    smaller = min(len(body_a), len(body_b))
    if not smaller:
        return Scores(0.0, 0.0, 0.0, 0)
    common = overlap(body_a, body_b)
    union = len(body_a) + len(body_b) - common
    lead_smaller = min(len(lead_a), len(lead_b))
    lead = overlap(lead_a, lead_b) / lead_smaller if lead_smaller else 0.0
    return Scores(common / union, common / smaller, lead, smaller)


def verdict(s: Scores, t: Thresholds) -> str | None:
    """``"duplicate"``, ``"related"`` (shares background, not the same story) or None."""
    if s.smaller < t.min_shingles:
        return "duplicate" if s.jaccard >= t.brief_jaccard else None
    if s.jaccard >= t.jaccard or (s.containment >= t.containment and s.lead >= t.lead):
        return "duplicate"
    return "related" if s.containment >= t.related else None
