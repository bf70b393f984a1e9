"""The report page: one HTML file with its charts inline, readable offline on a laptop screen.

No script, no font, no stylesheet or image is fetched when it is viewed: the charts are inline
SVG and the style is in the page. Everything taken from the data (headlines, outlet names, URLs)
is escaped; only ``http``/``https`` URLs become links. The page's column is as wide as the
charts (960 px) and shrinks with the window; tables wrap long words instead of widening it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from html import escape
from urllib.parse import urlsplit

from newsbot import __version__
from newsbot.report import charts
from newsbot.report.data import Run, Summary

SECTIONS = {
    "articles-per-day": "Articles per day and outlet",
    "agencies": "Share of articles by original agency",
    "stories": "Story clusters",
    "fill-rates": "Field fill rates and crawl health",
    "optouts": "AI-training opt-outs and paywalls per outlet",
    "runs": "Runs: durations and errors",
}
TOP_STORIES = 10
LAST_RUNS = 15
STYLE = """
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6472; --line: #d9dde3; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans",
       sans-serif; color: var(--ink); background: #fff; }
header, main { max-width: 1000px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 24px; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.25rem; margin: 32px 0 8px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 20px 0 6px; }
nav { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 8px 0 12px; }
nav a, a { color: #2b5da8; }
.muted { color: var(--muted); }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(120px, 1fr));
           gap: 8px; margin: 16px 0; }
.figure { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
.figure b { display: block; font-size: 1.3rem; }
.figure.wide { grid-column: span 2; }
figure { margin: 8px 0; }
figure svg { display: block; width: 100%; height: auto; }
table { width: 100%; border-collapse: collapse; margin: 8px 0 16px; font-size: 0.92rem; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px;
         border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
th { background: #f4f6f8; }
td.n { text-align: right; white-space: nowrap; }
.warn { color: #a4262c; }
"""


def render(summary: Summary) -> str:
    """The whole page."""
    colours = charts.palette(summary.outlets)
    body = "\n".join([
        _overview(summary),
        _section("articles-per-day", _articles_per_day(summary, colours)),
        _section("agencies", _agencies(summary)),
        _section("stories", _stories(summary)),
        _section("fill-rates", _fill_rates(summary)),
        _section("optouts", _optouts(summary)),
        _section("runs", _runs(summary.runs)),
    ])
    nav = " ".join(f'<a href="#{key}">{escape(title)}</a>' for key, title in SECTIONS.items())
    sources = ", ".join(f"<code>{escape(name)}</code>" for name in summary.inputs)
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>newsbot report: {summary.articles} articles</title>
<link rel="icon" href="data:,">
<style>{STYLE}</style>
</head><body>
<header><h1>newsbot report</h1>
<p class="muted">{sources} · made {made} by newsbot {escape(__version__)}</p>
<nav>{nav}</nav></header>
<main>
{body}
</main></body></html>
"""


def _section(key: str, content: str) -> str:
    return f'<section id="{key}"><h2>{escape(SECTIONS[key])}</h2>\n{content}\n</section>'


def _overview(summary: Summary) -> str:
    days = sorted({day for day, _ in summary.per_day})
    span = _span(days[0], days[-1]) if days else "no dates"
    copies = sum(story.size - 1 for story in summary.stories.values())
    figures = [("articles", summary.articles), ("outlets", len(summary.outlet_articles)),
               ("stories", len(summary.stories)), ("copies and reprints", copies),
               ("runs", len(summary.runs)), ("published", span)]
    cells = "".join(f'<div class="figure{" wide" if k == "published" else ""}">'
                    f'<b>{escape(str(v))}</b>{escape(k)}</div>' for k, v in figures)
    notes = []
    if summary.replayed:
        notes.append(f"{summary.replayed} lines replayed after a crash counted once.")
    if summary.unreadable:
        notes.append(f"{len(summary.unreadable)} unreadable lines skipped (first: "
                     f"{escape(summary.unreadable[0])}).")
    if summary.undated:
        notes.append(f"{summary.undated} articles without a publication date are left out of "
                     f"the articles-per-day chart.")
    note = f'<p class="muted">{" ".join(notes)}</p>' if notes else ""
    return f'<section id="overview"><div class="figures">{cells}</div>{note}</section>'


def _span(first: date, last: date) -> str:
    """``18–26 Nov 2026``, ``30 Oct – 26 Nov 2026``, ``28 Dec 2025 – 3 Jan 2026``."""
    if first == last:
        return f"{last.day} {last:%b %Y}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%b %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"
    return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"


def _nothing(what: str) -> str:
    return f'<p class="muted">{escape(what)}</p>'


def _articles_per_day(summary: Summary, colours: dict) -> str:
    if not summary.per_day:
        return _nothing("No article in these inputs has a publication date.")
    svg, unit = charts.articles_over_time(summary.per_day, summary.outlets, colours)
    caption = "" if unit == "day" else (
        '<p class="muted">The data covers more than six months: articles per week '
        '(weeks start on Monday).</p>')
    return f"<figure>{svg}</figure>{caption}"


def _agencies(summary: Summary) -> str:
    if not summary.articles:
        return _nothing("No articles in these inputs.")
    return (f"<figure>{charts.agency_shares(summary.agencies)}</figure>"
            '<p class="muted">The wire agency each article comes from (<code>sourceOrganization'
            '</code>), whether the agency\'s own page or a reprint; "none named" is the '
            "outlets' own reporting, or copies that credit no agency.</p>")


def _stories(summary: Summary) -> str:
    if not summary.stories:
        return _nothing("No articles in these inputs.")
    reprinted = sorted((s for s in summary.stories.values() if s.size > 1),
                       key=lambda s: (-s.size, -len(s.outlets), s.headline or ""))[:TOP_STORIES]
    rows = "".join(
        f"<tr><td>{_link(s.url, s.headline or '(no headline)')}</td>"
        f"<td>{escape(str(s.agency or '—'))}</td><td class=\"n\">{s.size}</td>"
        f"<td>{escape(', '.join(f'{o} ({n})' if n > 1 else o for o, n in s.outlets.items()))}"
        f"</td></tr>" for s in reprinted)
    table = (f"<h3>Most reprinted stories</h3><table><thead><tr><th>story (its original)</th>"
             f"<th>agency</th><th>articles</th><th>outlets</th></tr></thead>"
             f"<tbody>{rows}</tbody></table>") if reprinted else _nothing(
        "No story was found in more than one article.")
    return f"<figure>{charts.story_sizes(summary.stories)}</figure>{table}"


def _fill_rates(summary: Summary) -> str:
    if not summary.articles:
        chart = _nothing("No articles in these inputs.")
    else:
        svg = charts.fill_rates(summary.outlet_filled, summary.outlet_articles, summary.outlets)
        chart = f"<figure>{svg}</figure>"
    warned = [(run, w) for run in summary.runs for w in run.warnings]
    if warned:
        rows = "".join(f"<tr><td>{escape(run.folder)}</td><td>{escape(run.run)}</td>"
                       f'<td class="warn">{escape(w)}</td></tr>' for run, w in warned)
        health = (f"<h3>Health warnings</h3><table><thead><tr><th>outlet folder</th><th>run</th>"
                  f"<th>warning</th></tr></thead><tbody>{rows}</tbody></table>")
    elif summary.runs:
        health = ("<h3>Health warnings</h3>" + _nothing(
            f"None in the {len(summary.runs)} runs read: no run's article count or fill rates "
            f"dropped against the earlier runs of its outlet."))
    else:
        health = "<h3>Health warnings</h3>" + _nothing(
            "No run manifests among these inputs (an exported dataset has none).")
    return chart + health


def _optouts(summary: Summary) -> str:
    if not summary.articles:
        return _nothing("No articles in these inputs.")
    verdicts = {row.outlet: row.verdict for row in summary.optouts()}
    rows = "".join(
        f"<tr><td>{escape(outlet)}</td><td class=\"n\">{summary.outlet_articles[outlet]}</td>"
        f"<td class=\"n\">{summary.paywalled[outlet]}</td>"
        f"<td>{escape(verdicts.get(outlet, '—'))}</td></tr>" for outlet in summary.outlets)
    return ('<p class="muted">Whether each outlet\'s robots.txt, as the crawls read it, keeps '
            "AI-training crawlers (GPTBot, CCBot, Google-Extended, ClaudeBot ...) off the site "
            "(<code>NEWSBOT_ROBOTSTXT_AI_CRAWLERS</code>; recorded in the runs' manifests), and "
            "how many of its articles were behind a paywall (<code>isAccessibleForFree</code> "
            "false).</p><table><thead><tr><th>outlet</th><th>articles</th><th>behind a "
            "paywall</th><th>robots.txt and AI crawlers</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _runs(runs: list[Run]) -> str:
    if not runs:
        return _nothing("No run manifests among these inputs (an exported dataset has none).")
    rows = "".join(
        f"<tr><td>{escape(r.folder)}</td><td>{escape(r.run)}</td>"
        f'<td class="n">{_duration(r.seconds)}</td><td class="n">{r.articles}</td>'
        f'<td class="n">{r.errors}</td><td>{_status(r)}</td></tr>'
        for r in reversed(runs[-LAST_RUNS:]))
    shown = f"the last {LAST_RUNS} of {len(runs)}" if len(runs) > LAST_RUNS else "all"
    return (f"<figure>{charts.runs_chart(runs)}</figure>"
            f"<h3>Runs ({shown}, newest first)</h3><table><thead><tr><th>outlet folder</th>"
            f"<th>run</th><th>duration</th><th>articles</th><th>errors</th><th>status</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>")


def _status(run: Run) -> str:
    if run.completed:
        return "completed"
    why = "; ".join(run.problems) or "did not finish (crashed or still running)"
    return f'<span class="warn">{escape(why)}</span>'


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {secs:02d} s"


def _link(url: str | None, text: str) -> str:
    if url and urlsplit(url).scheme in ("http", "https"):
        return f'<a href="{escape(url, quote=True)}">{escape(text)}</a>'
    return escape(text)
