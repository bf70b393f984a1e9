"""`changes` of versions 2, 3 ...: each kind of change, and the export's --changes rows."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

from newsbot.dataset.changes import MAX_CHARS, MAX_PARAGRAPHS, body_changes, diff_versions

P = [f"Paragraph {i} of the story about the library, which reopened on Tuesday after two years "
     f"of work that cost {i} million crowns." for i in range(1, 7)]
V1 = {"url": "https://lantern.test/library", "id": "v1", "version": 1, "replaces": None,
      "headline": "Library reopens", "description": "After two years.",
      "datePublished": "2026-11-24T20:00:00Z", "dateModified": "2026-11-24T20:00:00Z",
      "authors": [{"name": "Felix Grant", "type": "Person"}], "publisher": "Lantern",
      "articleBody": "\n\n".join(P[:5]), "crawledAt": "2026-11-25T08:00:00Z",
      "contentHash": "h1"}


def version2(**fields):
    return {**V1, "id": "v2", "version": 2, "replaces": "v1", "contentHash": "h2",
            "crawledAt": "2026-11-26T08:00:00Z", **fields}


def test_an_unchanged_field_is_not_listed_and_each_changed_field_is():
    cases = {
        "headline": {"headline": "Library reopens to crowds"},
        "description": {"description": "After two years and 13 million crowns."},
        "datePublished": {"datePublished": "2026-11-24T21:00:00Z"},
        "dateModified": {"dateModified": "2026-11-25T09:00:00Z"},
        "authors": {"authors": [{"name": "Felix Grant", "type": "Person"},
                                {"name": "Ida Wren", "type": "Person"}]},
        "corrections": {"corrections": [{"kind": "correction", "text": "Correction: 13 million.",
                                         "date": "2026-11-25"}]},
        "isAccessibleForFree": {"isAccessibleForFree": False},
    }
    for name, fields in cases.items():
        changes = diff_versions(V1, version2(**fields))
        assert changes["fields"] == [name], name
        previous = {k: v for k, v in changes["previous"].items() if v is not None}
        assert previous == ({name: V1[name]} if name in changes["previous"] else {}), name
        assert changes["articleBody"] == {"added": 0, "removed": 0, "edited": 0,
                                          "paragraphs": [], "omitted": 0}
        assert changes["liveBlogUpdates"] is None
    # the same authors with other types, the same body: nothing changed
    same = diff_versions(V1, version2(authors=[{"name": "Felix Grant", "type": None}]))
    assert same["fields"] == []


def test_body_paragraphs_added_removed_and_edited():
    edited = P[2].replace("3 million", "13 million")
    body = "\n\n".join([P[0], ("A new paragraph with the mayor's reaction to the reopening, "
                        "given on Wednesday morning."), P[1], edited, P[4], P[5]])
    changes = diff_versions(V1, version2(articleBody=body))
    assert changes["fields"] == ["articleBody"]
    assert changes["articleBody"] == {"added": 2, "removed": 1, "edited": 1, "omitted": 0,
                                      "paragraphs": [
        {"change": "added", "before": None, "after": body.split("\n\n")[1]},
        {"change": "edited", "before": P[2], "after": edited},
        {"change": "removed", "before": P[3], "after": None},
        {"change": "added", "before": None, "after": P[5]}]}


def test_listed_paragraphs_and_their_texts_are_bounded():
    old = [f"old paragraph {i} " + "word " * 10 for i in range(5)]
    new = [f"completely different text number {i} " + "x" * 2000 for i in range(30)]
    changes = body_changes(old, new)
    assert changes["added"] == 30 and changes["removed"] == 5
    assert len(changes["paragraphs"]) == MAX_PARAGRAPHS
    assert changes["omitted"] == 35 - MAX_PARAGRAPHS
    assert all(len(p["after"] or p["before"]) <= MAX_CHARS for p in changes["paragraphs"])
    assert any((p["after"] or "").endswith("…") for p in changes["paragraphs"])


def test_live_blog_posts_added_removed_and_edited_by_id():
    def post(n, text="Text"):
        return {"id": f"#p{n}", "datePublished": f"2026-11-21T0{n}:00:00Z", "dateModified": None,
                "headline": None, "articleBody": f"{text} {n}", "url": None}
    old = version2(liveBlogUpdates=[post(3), post(2), post(1)])
    new = {**old, "id": "v3", "replaces": "v2", "version": 3,
           "liveBlogUpdates": [post(6), post(5), post(4), post(3, "Edited"), post(2)]}
    changes = diff_versions(old, new)
    assert changes["fields"] == ["liveBlogUpdates"]
    assert changes["liveBlogUpdates"] == {"added": 3, "removed": 1, "edited": 1}


# --- through the reader and `newsbot export` ------------------------------------------------------
def newsbot(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsbot.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=60, check=False)


def write_partitions(data: Path) -> dict:
    live1 = {"url": "https://wire.test/live", "id": "l1", "version": 1, "replaces": None,
             "headline": "Storm live", "publisher": "Wire", "datePublished": "2026-11-21T06:00:00Z",
             "pageType": "LiveBlogPosting", "articleBody": "Post two.\n\nPost one.",
             "crawledAt": "2026-11-21T08:00:00Z",
             "liveBlogUpdates": [
                 {"id": "#p2", "datePublished": "2026-11-21T07:30:00Z", "dateModified": None,
                  "headline": "Two", "articleBody": "Post two.", "url": None},
                 {"id": "#p1", "datePublished": "2026-11-21T06:10:00Z", "dateModified": None,
                  "headline": "One", "articleBody": "Post one.", "url": None}]}
    live2 = {**live1, "id": "l2", "version": 2, "replaces": "l1",
             "crawledAt": "2026-11-21T10:00:00Z",
             "articleBody": "Post three.\n\nPost two, corrected.",
             "liveBlogUpdates": [
                 {"id": "#p3", "datePublished": "2026-11-21T09:05:00Z", "dateModified": None,
                  "headline": "Three", "articleBody": "Post three.", "url": None},
                 {**live1["liveBlogUpdates"][0], "articleBody": "Post two, corrected.",
                  "dateModified": "2026-11-21T09:00:00Z"}]}
    corrected = version2(articleBody="\n\n".join([*P[:2], P[2].replace("3 million", "13 million"),
                                                  *P[3:5]]),
                         corrections=[{"kind": "correction", "text": "Correction: 13 million.",
                                       "date": "2026-11-25"}])
    orphan = {**version2(), "id": "o2", "replaces": "not-in-these-partitions",
              "url": "https://lantern.test/other"}
    (data / "lantern").mkdir(parents=True)
    (data / "wire").mkdir()
    (data / "lantern" / "20261125T080000.000000Z.jsonl").write_text(json.dumps(V1) + "\n")
    (data / "lantern" / "20261126T080000.000000Z.jsonl").write_text(
        json.dumps(corrected) + "\n" + json.dumps(orphan) + "\n")
    (data / "wire" / "20261121T080000.000000Z.jsonl").write_text(json.dumps(live1) + "\n")
    (data / "wire" / "20261121T100000.000000Z.jsonl").write_text(json.dumps(live2) + "\n")
    return {"corrected": corrected, "live2": live2}


def test_export_fills_changes_and_writes_one_row_per_changed_version(tmp_path):
    write_partitions(tmp_path / "data")
    proc = newsbot("export", "-o", "all.jsonl", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    records = {r["id"]: r for r in map(json.loads, (tmp_path / "all.jsonl").read_text()
                                       .splitlines())}
    assert records["v1"]["changes"] is None and records["l1"]["changes"] is None
    assert records["o2"]["changes"] is None  # its earlier version is not among the partitions
    assert records["v2"]["changes"]["fields"] == ["articleBody", "corrections"]
    assert records["v2"]["changes"]["articleBody"]["edited"] == 1
    assert records["l2"]["changes"]["liveBlogUpdates"] == {"added": 1, "removed": 1, "edited": 1}

    proc = newsbot("export", "--changes", "-o", "changes.csv", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "3 changed versions from 4 partitions" in proc.stderr
    with open(tmp_path / "changes.csv", encoding="utf-8") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    assert set(rows) == {"v2", "l2", "o2"}
    assert rows["v2"]["fields"] == '["articleBody", "corrections"]'
    assert (rows["v2"]["paragraphsEdited"], rows["v2"]["paragraphsAdded"]) == ("1", "0")
    assert rows["l2"]["liveBlogUpdatesAdded"] == "1" and rows["o2"]["paragraphsEdited"] == ""

    proc = newsbot("export", "--changes", "-o", "changes.parquet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    table = pq.read_table(tmp_path / "changes.parquet").to_pylist()
    v2 = next(r for r in table if r["id"] == "v2")
    assert v2["paragraphsEdited"] == 1 and v2["changes"]["articleBody"]["paragraphs"][0][
        "change"] == "edited"
    assert v2["corrections"] == [{"kind": "correction", "text": "Correction: 13 million.",
                                  "date": "2026-11-25"}]


def test_export_live_entries_one_row_per_post_kept_from_every_version(tmp_path):
    write_partitions(tmp_path / "data")
    proc = newsbot("export", "--live-entries", "-o", "posts.jsonl", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in (tmp_path / "posts.jsonl").read_text().splitlines()]
    assert [(r["id"], r["pageId"], r["pageVersion"]) for r in rows] == [
        ("#p1", "l1", 1), ("#p2", "l2", 2), ("#p3", "l2", 2)]  # #p1 has left the page since
    assert rows[1]["articleBody"] == "Post two, corrected."  # the latest text of a post
    assert {r["pageUrl"] for r in rows} == {"https://wire.test/live"}
    assert {r["publisher"] for r in rows} == {"Wire"}
    proc = newsbot("export", "--live-entries", "--latest-version-only", "-o", "now.parquet",
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = pq.read_table(tmp_path / "now.parquet").to_pylist()
    assert [r["id"] for r in rows] == ["#p2", "#p3"]
    assert rows[0]["datePublished"].isoformat() == "2026-11-21T07:30:00+00:00"
