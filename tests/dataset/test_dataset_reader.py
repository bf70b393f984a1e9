"""Reading partitions back: replayed lines dropped by id, crash-cut lines skipped, filters,
versions, and one order whatever the partitioning."""

from __future__ import annotations

import json
from datetime import date

import pytest

from newsbot.dataset.reader import DatasetError, Filters, Report, partitions, read, select
from newsbot.state import article_key, version_id


def record(n: int, *, version: int = 1, text: str = "t", replaces: str | None = None,
           published: str | None = "2026-11-20T10:00:00Z", crawled: str = "2026-11-25T10:00:00Z",
           **fields) -> dict:
    url = f"https://x.test/a/{n}"
    return {"url": url, "canonicalUrl": url, "headline": f"Story {n}", "datePublished": published,
            "contentHash": text, "crawledAt": crawled,
            "id": version_id(article_key(url, url), text), "version": version,
            "replaces": replaces, **fields}


def write(folder, name: str, records: list[dict], tail: bytes = b"") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in records) + tail)


def dataset(tmp_path, filters: Filters = Filters(), outlets=()) -> tuple[list[dict], Report]:
    files = partitions(tmp_path / "data", outlets)
    report = Report()
    return list(read(files, select(files, filters, report))), report


def test_replayed_lines_are_dropped_and_crash_cut_lines_skipped(tmp_path):
    first = [record(1), record(2)]
    write(tmp_path / "data" / "x", "20261125T100000.000000Z.jsonl", first, b'{"url": "https://x')
    write(tmp_path / "data" / "x", "20261125T110000.000000Z.jsonl", [record(2), record(3)])
    records, report = dataset(tmp_path)
    assert [r["url"][-1] for r in records] == ["1", "2", "3"]
    assert report.duplicates == 1 and report.partitions == 2
    assert report.unreadable == [str(tmp_path / "data/x/20261125T100000.000000Z.jsonl") + ":3"]


def test_lines_written_before_ids_existed_get_them(tmp_path):
    old = record(1)
    del old["id"], old["version"], old["replaces"]
    write(tmp_path / "data" / "x", "a.jsonl", [old, old])
    records, report = dataset(tmp_path)
    assert records[0]["id"] == record(1)["id"] and report.duplicates == 1


def test_filters(tmp_path):
    write(tmp_path / "data" / "x", "a.jsonl", [
        record(1, published="2026-10-31T23:00:00Z", inLanguage="en"),
        record(2, published="2026-11-01", inLanguage="en-GB", sourceOrganization="AP"),
        record(3, published="2026-11-30T23:59:00Z", inLanguage="tr",
               sourceOrganization={"name": "Anadolu Agency", "code": "AA"}),
        record(4, published=None, inLanguage="en", sourceOrganization=["Reuters", "AP"]),
    ])
    def urls(filters):
        return [r["url"][-1] for r in dataset(tmp_path, filters)[0]]
    november = Filters(since=date(2026, 11, 1), until=date(2026, 11, 30))
    assert urls(november) == ["2", "3"]
    assert urls(Filters(languages=("en",))) == ["4", "1", "2"]
    assert urls(Filters(agencies=("ap",))) == ["4", "2"]
    assert urls(Filters(agencies=("aa",))) == ["3"]


def test_latest_versions_and_originals(tmp_path):
    v1 = record(1)
    v2 = record(1, version=2, text="t2", replaces=v1["id"], crawled="2026-11-26T10:00:00Z")
    # after a crash, another edit before the rerun: a second version 2, crawled later, wins
    v2b = record(1, version=2, text="t2b", replaces=v1["id"], crawled="2026-11-27T10:00:00Z")
    write(tmp_path / "data" / "x", "a.jsonl", [v1, record(2), v2])
    write(tmp_path / "data" / "x", "b.jsonl", [v2b])
    assert len(dataset(tmp_path)[0]) == 4
    latest, report = dataset(tmp_path, Filters(latest_version_only=True))
    assert [r["id"] for r in latest] == [v2b["id"], record(2)["id"]]
    assert report.superseded == 2
    originals = dataset(tmp_path, Filters(originals_only=True))[0]
    assert [r["id"] for r in originals] == [v1["id"], record(2)["id"]]


def test_the_same_articles_give_the_same_dataset_however_the_runs_were_split(tmp_path):
    articles = [record(n, published=f"2026-11-{10 + n % 3}T10:00:00Z") for n in range(9)]
    write(tmp_path / "a" / "data" / "x", "one.jsonl", articles)
    write(tmp_path / "b" / "data" / "x", "1.jsonl", articles[5:])
    write(tmp_path / "b" / "data" / "x", "2.jsonl", articles[:6][::-1])
    one, two = dataset(tmp_path / "a")[0], dataset(tmp_path / "b")[0]
    assert one == two
    assert [r["datePublished"] for r in one] == sorted(r["datePublished"] for r in one)


def test_partitions_of_the_outlets_asked_for(tmp_path):
    data = tmp_path / "data"
    write(data / "x", "2.jsonl", [record(1)])
    write(data / "x", "1.jsonl", [record(2)])
    write(data / "y+z", "1.jsonl", [record(3)])
    (data / "state").mkdir()
    (data / "x" / "1.manifest.json").write_text("{}")
    assert [p.relative_to(data).as_posix() for p in partitions(data)] == \
        ["x/1.jsonl", "x/2.jsonl", "y+z/1.jsonl"]
    assert [p.relative_to(data).as_posix() for p in partitions(data, ["y+z"])] == ["y+z/1.jsonl"]
    with pytest.raises(DatasetError, match="no partitions for outlet 'nosuch'"):
        partitions(data, ["nosuch"])
    with pytest.raises(DatasetError, match="is not an outlet name"):
        partitions(data, ["../etc"])
    with pytest.raises(DatasetError, match="no data folder"):
        partitions(tmp_path / "missing")
