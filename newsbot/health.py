"""Crawl health: is this run of an outlet as good as its previous runs?

A scheduled crawl that keeps running after an outlet redesigns its pages exports articles
without headlines, dates or bodies, or none at all, and exits 0. Each run's manifest already
has its fill rates and article count; :func:`review` compares them with the median of the
outlet's previous runs and says what dropped by more than a margin. The median, not the mean,
so one odd run neither raises nor hides a warning; after a lasting change the warnings stop once
the new level is the median (about half of ``runs`` runs later).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from statistics import median
from typing import Any


@dataclass(frozen=True)
class Margins:
    fields: Sequence[str] = ("headline", "datePublished", "articleBody")
    fill: float = 0.2
    """an absolute drop in a field's fill rate (0.2: from 0.95 to under 0.75) that warns"""
    articles: float = 0.5
    """a relative drop in articles exported (0.5: under half the usual) that warns"""
    runs: int = 5
    """previous runs compared with"""
    min_runs: int = 2
    """fewer usable previous runs than this: no comparison yet"""


def usable(manifest: dict[str, Any]) -> bool:
    """A previous run to compare with: it ended, and nothing but its health was wrong (a run
    that lost data or crashed says nothing about the outlet's pages)."""
    return bool(manifest.get("finished")) and all(
        str(p).startswith("health:") for p in manifest.get("problems") or ())


def review(articles: int, fill_rates: dict[str, float | None],
           previous: Iterable[dict[str, Any]], margins: Margins) -> dict[str, Any]:
    """The health section of a manifest: the runs compared with, their medians, and a warning
    for each drop beyond its margin. ``previous`` are usable manifests, newest first."""
    runs = list(islice(previous, margins.runs))
    result: dict[str, Any] = {"compared_with": [m.get("run") for m in runs], "baseline": None,
                              "warnings": []}
    if len(runs) < max(1, margins.min_runs):
        result["note"] = (f"{len(runs)} earlier runs to compare with; comparing from "
                          f"{max(1, margins.min_runs)}")
        return result
    usual = median(int((m.get("counts") or {}).get("articles_exported") or 0) for m in runs)
    baseline: dict[str, Any] = {"articles_exported": usual, "fill_rates": {}}
    warnings = result["warnings"]
    if usual > 0 and articles < usual * (1 - margins.articles):
        warnings.append({
            "check": "articles_exported", "value": articles, "baseline": usual,
            "message": f"{articles} articles exported, down from {usual:g} (the median of the "
                       f"last {len(runs)} runs; margin {margins.articles:.0%})"})
    for name in margins.fields:
        rates = [r for m in runs if (r := (m.get("fill_rates") or {}).get(name)) is not None]
        if not rates:
            continue
        baseline["fill_rates"][name] = usual_rate = round(median(rates), 4)
        rate = fill_rates.get(name)
        if rate is not None and rate < usual_rate - margins.fill:
            warnings.append({
                "check": f"fill_rate/{name}", "value": rate, "baseline": usual_rate,
                "message": f"{name} filled in {rate:.0%} of articles, down from "
                           f"{usual_rate:.0%} (the median of the last {len(runs)} runs; margin "
                           f"{margins.fill * 100:g} points)"})
    result["baseline"] = baseline
    return result
