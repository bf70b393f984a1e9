"""Crawl health in real scheduled runs: the day an outlet's pages change, the run says so."""

from __future__ import annotations

import json
from pathlib import Path

from newsbot.demo.server import serve_sites
from support import article_page, lorem, run_crawl, write_files

SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"
B = "{{base:daily}}"


def write_site(root: Path, stories: int, *, dated: bool) -> Path:
    """``stories`` articles in a sitemap without dates: the pages are the only date source."""
    pages = {f"/news/story-{n}.html": article_page(
        f"Story {n}", lorem(f"story {n}"), published="2026-11-20T08:00:00Z" if dated else None,
        canonical=f"{B}/news/story-{n}.html") for n in range(1, stories + 1)}
    urls = "".join(f"<url><loc>{B}{path}</loc></url>" for path in pages)
    for old in root.glob("news/*.html"):
        old.unlink()
    return write_files(root, {
        **pages, "/robots.txt": "User-agent: *\nAllow: /\n",
        "/sitemap.xml": f'<urlset xmlns="{SITEMAPS}">{urls}</urlset>'})


def manifests(cwd: Path) -> list[dict]:
    found = sorted((cwd / "data" / "daily").glob("*.manifest.json"))
    return [json.loads(path.read_text()) for path in found]


def test_a_drop_against_earlier_runs_warns_and_fails_the_run_when_strict(tmp_path):
    site = write_site(tmp_path / "www", 6, dated=True)
    with serve_sites({"daily": site}) as servers:
        base = servers["daily"].base_url
        outlets = [{"name": "daily", "title": "The Daily", "home": base + "/",
                    "sitemaps": [base + "/sitemap.xml"]}]

        def crawl(**settings: str):
            # without crawl state every run exports what it finds, as a changed site would
            return run_crawl(tmp_path, "news", {"outlet": "daily"}, outlets=outlets, output=None,
                             settings={"NEWSBOT_STATE_ENABLED": "False", **settings})

        runs = [crawl(), crawl()]
        write_site(site, 6, dated=False)  # the redesign: dates gone
        runs.append(crawl())
        write_site(site, 2, dated=False)  # and most articles with them
        runs.append(crawl(NEWSBOT_HEALTH_STRICT="True"))
    first, second, redesigned, strict = manifests(tmp_path)
    assert [r.returncode for r in runs] == [0, 0, 0, 1], runs[-1].log
    assert first["health"]["note"] == "0 earlier runs to compare with; comparing from 2"
    assert second["health"]["note"] == "1 earlier runs to compare with; comparing from 2"
    [warning] = redesigned["health"]["warnings"]
    assert warning["check"] == "fill_rate/datePublished" and warning["value"] == 0.0
    assert warning["baseline"] == 1.0 and redesigned["problems"] == []
    assert redesigned["health"]["compared_with"] == [second["run"], first["run"]]
    assert ("WARNING: Crawl health of data/daily: datePublished filled in 0% of articles, down "
            "from 100%") in runs[2].log
    # the redesigned run is a baseline too (median of 6, 6, 6 articles and 1, 1, 0 dated)
    assert strict["health"]["compared_with"] == [redesigned["run"], second["run"], first["run"]]
    assert [w["check"] for w in strict["health"]["warnings"]] == [
        "articles_exported", "fill_rate/datePublished"]
    assert strict["problems"] == ["health: 2"] and strict["finish_reason"] == "finished"
    assert "2 articles exported, down from 6" in runs[3].log
