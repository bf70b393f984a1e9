"""The report's charts: matplotlib figures rendered to SVG text, to be inlined in the page.

SVG keeps the charts sharp at any zoom and the page self-contained. Text stays text (not glyph
outlines): smaller, selectable, and no font files to embed; the page's CSS font applies.
Element ids are salted with the chart's name, so several charts in one page never share an id
and the same data always gives the same bytes. Math text is off: an outlet called "$5 Daily"
is a name, not a formula.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402 (after choosing the backend)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from newsbot.report.data import FILL_FIELDS, Run, Story  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

WIDTH = 9.6
"""inches: 960 px at the page's 100 px per inch, the width of the page's column"""
STYLE: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "text.parse_math": False,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.dpi": 100,
}
WEEKLY_AFTER_DAYS = 180
"""a longer span is charted per week: daily bars would be thinner than a pixel"""
_SIZE_ATTRIBUTES = re.compile(r'^(<svg\b[^>]*?)\s+width="[^"]*"\s+height="[^"]*"', re.MULTILINE)


def palette(names: Sequence[str]) -> dict[str, tuple[float, ...]]:
    """One colour per outlet, the same in every chart."""
    colormap = plt.get_cmap("tab20" if len(names) > 10 else "tab10")
    assert isinstance(colormap, ListedColormap)  # tab10 and tab20 are lists of colours
    colours: list[tuple[float, ...]] = list(colormap.colors)  # type: ignore[arg-type]
    return {name: colours[i % len(colours)] for i, name in enumerate(names)}


def to_svg(figure: Figure, name: str) -> str:
    """The figure as an ``<svg>`` element that scales with the page (no fixed size)."""
    buffer = io.StringIO()
    with plt.rc_context({"svg.hashsalt": f"newsbot-{name}"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]  # no XML prolog or DOCTYPE inside HTML
    return _SIZE_ATTRIBUTES.sub(rf'\1 role="img" aria-label="{name}"', text, count=1)


def articles_over_time(per_day: Counter[tuple[date, str]], outlets: Sequence[str],
                       colours: dict[str, tuple[float, ...]]) -> tuple[str, str]:
    """Stacked bars of articles per day (per week over long spans) and outlet; returns the SVG
    and the unit ("day" or "week")."""
    days = [d for d, _ in per_day]
    weekly = (max(days) - min(days)).days > WEEKLY_AFTER_DAYS
    counts: Counter[tuple[date, str]] = Counter()
    for (day, outlet), n in per_day.items():
        counts[(day - timedelta(days=day.weekday()) if weekly else day), outlet] += n
    bins = sorted({b for b, _ in counts})
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(WIDTH, 3.8))
        bottom = [0] * len(bins)
        for outlet in outlets:
            heights = [counts.get((b, outlet), 0) for b in bins]
            if any(heights):
                axes.bar(bins, heights, bottom=bottom,  # type: ignore[arg-type]  # dates convert width=6 if weekly else 0.8,
                         align="edge" if weekly else "center", label=outlet,
                         color=colours[outlet])
                bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        locator = mdates.AutoDateLocator(maxticks=12)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        axes.set_ylabel(f"articles per {'week' if weekly else 'day'}")
        axes.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]
        axes.grid(axis="x", visible=False)
        _legend_below(axes, axes.get_legend_handles_labels())
        return to_svg(figure, "articles-over-time"), "week" if weekly else "day"


def agency_shares(agencies: Counter[str], top: int = 12) -> str:
    """Horizontal bars: articles by original agency, with their share."""
    total = sum(agencies.values())
    rows = agencies.most_common(top)
    if len(agencies) > top:
        rows.append((f"{len(agencies) - top} other agencies",
                     total - sum(n for _, n in rows)))
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(WIDTH, 0.9 + 0.38 * len(rows)))
        names = [name for name, _ in rows][::-1]
        values = [n for _, n in rows][::-1]
        bars = axes.barh(names, values, color="#4e79a7")
        axes.bar_label(bars, labels=[f"{n} ({n / total:.0%})" for n in values], padding=4)
        axes.set_xlabel("articles")
        axes.set_xlim(0, max(values) * 1.18)
        axes.grid(axis="y", visible=False)
        return to_svg(figure, "agency-shares")


def story_sizes(stories: dict[str, Story], cap: int = 10) -> str:
    """Bars: how many stories have 1, 2, 3 ... articles (reprints and copies included)."""
    sizes = Counter(min(story.size, cap) for story in stories.values())
    labels = [f"{n}+" if n == cap else str(n) for n in range(1, max(sizes) + 1)]
    values = [sizes.get(n, 0) for n in range(1, max(sizes) + 1)]
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(WIDTH, 3.2))
        bars = axes.bar(labels, values, color="#59a14f")
        axes.bar_label(bars, padding=2)
        axes.set_xlabel("articles in the story (the original and its copies)")
        axes.set_ylabel("stories")
        axes.set_ylim(0, max(values) * 1.15)
        axes.grid(axis="x", visible=False)
        return to_svg(figure, "story-sizes")


def fill_rates(filled: dict[str, Counter[str]], articles: Counter[str],
               outlets: Sequence[str]) -> str:
    """Heat map: the share of each outlet's articles with each field filled. Drawn as vector
    cells (``pcolormesh``, colour bar included), not as an embedded bitmap."""
    rates = [[filled[outlet][name] / articles[outlet] for outlet in outlets]
             for name in FILL_FIELDS]
    with plt.rc_context({**STYLE, "axes.grid": False}):
        figure, axes = plt.subplots(figsize=(WIDTH, 0.6 + 0.3 * len(FILL_FIELDS)))
        mesh = axes.pcolormesh(rates, cmap="RdYlGn", vmin=0, vmax=1, edgecolors="white",
                               linewidth=0.5)
        axes.invert_yaxis()
        axes.set_yticks([i + 0.5 for i in range(len(FILL_FIELDS))], FILL_FIELDS)
        axes.set_xticks([i + 0.5 for i in range(len(outlets))], [_short(o) for o in outlets],
                        rotation=30 if len(outlets) > 4 else 0,
                        ha="left" if len(outlets) > 4 else "center")
        axes.xaxis.tick_top()
        axes.tick_params(length=0)
        if len(outlets) <= 16:
            for row, values in enumerate(rates):
                for column, rate in enumerate(values):
                    axes.text(column + 0.5, row + 0.5, f"{rate:.0%}", ha="center", va="center",
                              fontsize=9,
                              color="white" if rate > 0.85 or rate < 0.15 else "black")
        for spine in axes.spines.values():
            spine.set_visible(False)
        colorbar = figure.colorbar(mesh, ax=axes, fraction=0.03, pad=0.02, format="{x:.0%}")
        if colorbar.solids is not None:
            colorbar.solids.set_rasterized(False)
        return to_svg(figure, "fill-rates")


def runs_chart(runs: Sequence[Run]) -> str:
    """Two panels over the runs' start times: each run's duration (a cross: it did not
    complete), and its errors; one colour per outlet folder."""
    folders = list(dict.fromkeys(run.folder for run in runs))
    folder_colours = palette(folders)
    longest = max((r.seconds for r in runs if r.seconds is not None), default=0)
    unit, per = ("minutes", 60) if longest >= 120 else ("seconds", 1)
    width = _bar_width(runs)
    with plt.rc_context(STYLE):
        figure, (top, bottom) = plt.subplots(2, 1, figsize=(WIDTH, 4.6), sharex=True,
                                             height_ratios=(3, 2))
        for folder in folders:
            mine = [r for r in runs if r.folder == folder and r.started is not None]
            timed = [r for r in mine if r.seconds is not None]
            top.plot([r.started for r in timed], [(r.seconds or 0) / per for r in timed],
                     marker="o",
                     markersize=4, linewidth=1, label=folder, color=folder_colours[folder])
            failed = [r for r in timed if not r.completed]
            top.scatter([r.started for r in failed], [(r.seconds or 0) / per for r in failed],
                        marker="x", s=60, color="#e15759", zorder=3)
            bottom.bar([r.started for r in mine], [r.errors for r in mine],
                       width=width, color=folder_colours[folder])
        top.set_ylabel(f"duration ({unit})")
        top.set_ylim(bottom=0)
        bottom.set_ylabel("errors")
        bottom.set_ylim(0, max(1, *(r.errors for r in runs)) * 1.15)
        bottom.yaxis.get_major_locator().set_params(integer=True)
        locator = mdates.AutoDateLocator(maxticks=10)
        bottom.xaxis.set_major_locator(locator)
        bottom.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        _legend_below(bottom, top.get_legend_handles_labels())
        return to_svg(figure, "runs")


def _bar_width(runs: Sequence[Run]) -> float:
    """A bar width in days: a fraction of the span the runs cover (an hour for one run)."""
    starts = [r.started for r in runs if r.started is not None]
    span = (max(starts) - min(starts)).total_seconds() / 86400 if starts else 0
    return max(span / max(len(starts), 1) * 0.6, 1 / 24 / 6)


def _legend_below(axes: Axes, entries: tuple[list, list[str]]) -> None:
    """The legend under the chart, four entries a row: a legend beside it would narrow it."""
    handles, labels = entries
    if handles:
        axes.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.16),
                    ncol=min(len(handles), 4), frameon=False)


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[:limit - 1] + "…"
