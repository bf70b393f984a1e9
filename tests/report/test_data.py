"""What the report shows, read from run partitions, manifests and exported datasets."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from newsbot.report.data import NO_AGENCY, ReportError, summarise
from newsbot.report.page import render


def article(n: int, outlet: str, day: int, *, story: str | None = None, copy_of: str | None = None,
            agency: str | None = None, headline: str | None = "Headline") -> dict:
    return {"url": f"https://{outlet}.test/{n}",
            "headline": f"{headline} {n}" if headline else None,
            "articleBody": "Body.", "datePublished": f"2026-11-{day:02d}T08:00:00Z",
            "publisher": outlet.title(), "sourceOrganization": agency,
            "storyId": story or f"s{n}", "duplicateOf": copy_of, "id": f"id-{outlet}-{n}"}


def write_run(folder: Path, run: str, records: list[dict], *, seconds: int = 90,
              errors: dict | None = None, warnings: list[str] = (), completed: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    partition = folder / f"{run}.jsonl"
    partition.write_text("".join(json.dumps(r) + "\n" for r in records))
    (folder / f"{run}.manifest.json").write_text(json.dumps({
        "run": run, "started": f"2026-11-{run[6:8]}T08:00:00Z",
        "finished": f"2026-11-{run[6:8]}T08:{seconds // 60:02d}:{seconds % 60:02d}Z",
        "completed": completed, "problems": [] if completed else ["export_failed: 1"],
        "counts": {"articles_exported": len(records), "errors_by_kind": errors or {}},
        "health": {"warnings": [{"message": m} for m in warnings]}}))
    return partition


@pytest.fixture
def data(tmp_path) -> Path:
    root = tmp_path / "data"
    wire = [article(1, "wire", 20, agency="AP"), article(2, "wire", 21, agency="AP")]
    write_run(root / "wire", "20261120T080000Z", wire)
    copies = [article(3, "daily", 20, story="s1", copy_of=wire[0]["url"], agency="AP"),
              article(4, "daily", 21, story="s2", copy_of=wire[1]["url"], agency="AP"),
              article(5, "daily", 21, headline=None)]
    write_run(root / "daily", "20261120T080000Z", copies[:2], seconds=300,
              errors={"spider_error": 2, "download": 1})
    # the next run repeats a line written before a crash (the same id), and has a warning
    write_run(root / "daily", "20261121T080000Z", copies[1:],
              warnings=["headline filled in 50% of articles, down from 100%"], completed=False)
    (root / "state").mkdir()  # not an outlet
    return root


def test_a_data_folder_is_summarised_with_each_article_once(data):
    summary = summarise([str(data)])
    assert summary.articles == 5 and summary.replayed == 1
    assert summary.per_day == {(date(2026, 11, 20), "Wire"): 1, (date(2026, 11, 21), "Wire"): 1,
                               (date(2026, 11, 20), "Daily"): 1, (date(2026, 11, 21), "Daily"): 2}
    assert summary.agencies == {"AP": 4, NO_AGENCY: 1}
    stories = sorted(summary.stories.values(), key=lambda s: -s.size)
    assert [s.size for s in stories] == [2, 2, 1]
    assert stories[0].headline == "Headline 1" and stories[0].url == "https://wire.test/1"
    assert dict(stories[0].outlets) == {"Wire": 1, "Daily": 1}
    assert summary.outlet_filled["Daily"]["headline"] == 2
    assert summary.outlet_articles == {"Daily": 3, "Wire": 2}
    runs = {(r.folder, r.run): r for r in summary.runs}
    first = runs["daily", "20261120T080000Z"]
    assert (first.seconds, first.errors, first.articles, first.completed) == (300, 3, 2, True)
    second = runs["daily", "20261121T080000Z"]
    assert second.warnings == ("headline filled in 50% of articles, down from 100%",)
    assert second.problems == ("export_failed: 1",) and not second.completed


def test_outlet_folders_partitions_and_parquet_datasets_are_inputs(data, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    assert summarise([str(data / "wire")]).articles == 2
    assert summarise([str(data / "daily" / "20261120T080000Z.jsonl")]).articles == 2
    records = [article(9, "other", 22), article(1, "wire", 20, agency="AP")]
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "set.parquet")
    both = summarise([str(data / "wire"), str(tmp_path / "set.parquet")])
    assert both.articles == 3  # the wire article in both counted once, by id
    with pytest.raises(ReportError, match="nosuch: no such file or folder"):
        summarise([str(tmp_path / "nosuch")])
    (tmp_path / "x.csv").write_text("a,b\n")
    with pytest.raises(ReportError, match="x.csv: not a data folder"):
        summarise([str(tmp_path / "x.csv")])


def test_the_page_escapes_what_comes_from_the_data(tmp_path):
    hostile = {**article(1, "wire", 20), "headline": "<script>alert(1)</script>",
               "publisher": "<b>Outlet</b>", "url": "javascript:alert(1)"}
    partition = write_run(tmp_path / "x", "20261120T080000Z",
                          [hostile, {**hostile, "id": "2", "duplicateOf": "y"}],
                          warnings=["<img src=x onerror=alert(1)>"])
    page = render(summarise([str(partition)]))
    assert "<script" not in page and "<img" not in page and "<b>Outlet" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and 'href="javascript' not in page


def test_optout_table_per_outlet_from_the_robots_txt_the_runs_read(tmp_path):
    wire = {**article(1, "wire", 20), "isAccessibleForFree": False}
    daily = article(2, "daily", 20)
    partition = write_run(tmp_path / "wire+daily", "20261120T080000Z", [wire, daily])
    manifest = partition.with_name(partition.name.replace(".jsonl", ".manifest.json"))
    data = json.loads(manifest.read_text())
    data["robots_txt"] = {"wire.test": {"ai_crawlers_disallowed": ["GPTBot", "CCBot"],
                                        "ai_crawlers_named": ["GPTBot", "CCBot"],
                                        "all_crawlers_disallowed": False}}
    manifest.write_text(json.dumps(data))
    summary = summarise([str(partition)])
    rows = {r.outlet: r.verdict for r in summary.optouts()}
    assert rows == {"Wire": "disallowed: GPTBot, CCBot",
                    "Daily": "robots.txt not read by the crawls included"}
    assert summary.paywalled == {"Wire": 1, "Daily": 0}
    page = render(summary)
    section = page[page.index('<section id="optouts">'):]
    section = section[:section.index("</section>")]
    assert ('<tr><td>Wire</td><td class="n">1</td><td class="n">1</td>'
            "<td>disallowed: GPTBot, CCBot</td></tr>") in section
    assert "robots.txt not read by the crawls included" in section


def test_versions_of_an_article_count_once_in_its_story(tmp_path):
    first = article(1, "wire", 20, story="s1")
    second = {**first, "id": "id-wire-1-v2", "replaces": first["id"], "headline": "Updated"}
    copy = article(2, "daily", 20, story="s1", copy_of=first["url"])
    summary = summarise([str(write_run(tmp_path / "x", "20261120T080000Z",
                                       [first, second, copy]))])
    assert summary.articles == 3  # every version is a row of the dataset
    [story] = summary.stories.values()
    assert story.size == 2 and dict(story.outlets) == {"Wire": 1, "Daily": 1}
