"""`newsbot export --format hf`: Parquet shards and a card a dataset hub reads, read back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from newsbot.dataset import card
from newsbot.items import SCHEMA_VERSION

AGENCY = "http://127.0.0.2:8001"
LANTERN = "http://127.0.0.3:8002"
MERIDIAN = "http://127.0.0.4:8003"


def article(url: str, publisher: str, n: int, **fields) -> dict:
    return {"url": url, "id": f"{publisher[:3]}{n}", "headline": f"Story {n}",
            "publisher": publisher, "datePublished": f"2026-11-{18 + n:02d}T10:00:00Z",
            "inLanguage": "en", "articleBody": f"Body {n}.", "version": 1, "replaces": None,
            "crawledAt": "2026-11-25T10:00:00Z", **fields}


def manifest(run: str, robots: dict, count: int) -> dict:
    return {"run": run, "started": f"{run[:4]}-{run[4:6]}-{run[6:8]}T{run[9:11]}:00:00Z",
            "finished": "2026-11-25T10:05:00Z", "completed": True,
            "counts": {"articles_exported": count}, "robots_txt": robots}


def write_data(data: Path) -> None:
    none = {"ai_crawlers_disallowed": [], "ai_crawlers_named": [],
            "all_crawlers_disallowed": False}
    robots = {
        AGENCY[7:]: {"outlet": "tidewater", "status": 404, **none},
        LANTERN[7:]: {"outlet": "lantern", "status": 200, "ai_crawlers_named": ["GPTBot", "CCBot"],
                      "ai_crawlers_disallowed": ["GPTBot", "CCBot"],
                      "all_crawlers_disallowed": False},
    }
    records = [
        article(f"{AGENCY}/a1", "Tidewater Press", 1, sourceOrganization="TWP"),
        article(f"{AGENCY}/a2", "Tidewater Press", 2, sourceOrganization="TWP",
                liveBlogUpdates=[{"id": "#p1", "datePublished": "2026-11-20T10:00:00Z",
                                  "dateModified": None, "headline": "One",
                                  "articleBody": "Post | one", "url": None}],
                pageType="LiveBlogPosting"),
        article(f"{LANTERN}/b1", "The <Harborton> | Lantern", 3, sourceOrganization="TWP",
                isSyndicated=True, duplicateOf=f"{AGENCY}/a1", inLanguage="en-GB",
                isAccessibleForFree=False),
        article(f"{LANTERN}/b2", "The <Harborton> | Lantern", 4, inLanguage="de",
                corrections=[{"kind": "correction", "text": "Korrektur: 13.", "date": None}]),
        article(f"{MERIDIAN}/c1", "Meridian Post", 5, isSyndicated=True,
                sourceOrganization=None, immediateSource="Tidewater Press"),
    ]
    folder = data / "tidewater+lantern+meridian"
    folder.mkdir(parents=True)
    (folder / "20261125T100000.000000Z.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in records))
    (folder / "20261125T100000.000000Z.manifest.json").write_text(
        json.dumps(manifest("20261125T100000.000000Z", robots, 5)))


def export(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsbot.cli", "export", *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("card")
    write_data(tmp_path / "data")
    proc = export(tmp_path, "--format", "hf", "-o", "card")
    assert proc.returncode == 0, proc.stderr
    assert "5 articles from 1 partitions written to card (hf)" in proc.stderr
    return tmp_path / "card"


def front_matter(out: Path) -> tuple[dict, str]:
    text = (out / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def test_shards_and_card_are_written_and_read_back_with_pyarrow_and_pandas(exported):
    assert sorted(p.name for p in exported.iterdir()) == ["README.md", "data"]
    assert [p.name for p in (exported / "data").iterdir()] == ["train-00000-of-00001.parquet"]
    table = pq.read_table(exported / "data")
    assert table.num_rows == 5
    meta, _ = front_matter(exported)
    declared = [f["name"] for f in meta["dataset_info"]["features"]]
    assert declared == table.schema.names
    frame = pd.read_parquet(exported / "data")
    assert str(frame["datePublished"].dtype) == "datetime64[ms, UTC]"
    assert frame["isAccessibleForFree"].tolist()[2:4] == [False, None]
    assert frame.loc[1, "liveBlogUpdates"][0]["articleBody"] == "Post | one"


def test_yaml_header_is_what_a_dataset_hub_reads(exported):
    from datasets import Features

    meta, _ = front_matter(exported)
    assert meta["configs"] == [{"config_name": "default", "data_files": [
        {"split": "train", "path": "data/train-*.parquet"}]}]
    schema = pq.read_schema(next((exported / "data").iterdir()))
    # the features as the datasets library itself spells this schema
    assert meta["dataset_info"]["features"] == Features.from_arrow_schema(schema)._to_yaml_list()
    assert meta["dataset_info"]["splits"] == [{"name": "train", "num_examples": 5}]
    assert meta["language"] == ["de", "en"] and meta["size_categories"] == ["n<1K"]
    assert meta["pretty_name"].startswith("newsbot crawl of ")


def test_datasets_load_dataset_reads_the_folder_as_it_is(exported, tmp_path, monkeypatch):
    for name in ("HF_HOME", "HF_DATASETS_CACHE"):
        monkeypatch.setenv(name, str(tmp_path / "hf-cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    from datasets import load_dataset

    plain = load_dataset("parquet", data_dir=str(exported), cache_dir=str(tmp_path / "c1"))
    assert plain["train"].num_rows == 5
    carded = load_dataset(str(exported), cache_dir=str(tmp_path / "c2"))  # reads the README
    rows = carded["train"].to_list()
    assert [r["url"] for r in rows] == [r["url"] for r in plain["train"].to_list()]
    assert rows[2]["isAccessibleForFree"] is False
    assert rows[1]["liveBlogUpdates"][0]["id"] == "#p1"


def test_card_tells_outlets_languages_dates_runs_syndication_fill_rates_and_optouts(exported):
    _, text = front_matter(exported)
    assert f"output schema version **{SCHEMA_VERSION}**" in text
    lantern = r"The &lt;Harborton&gt; \| Lantern"  # data escaped as table text
    assert f"| {lantern} | 2 | 1 | disallowed: GPTBot, CCBot |" in text
    assert "| Tidewater Press | 2 | 0 | no AI crawler disallowed |" in text
    assert "| Meridian Post | 1 | 0 | robots.txt not read by the crawls included |" in text
    assert "| published | 2026-11-19 to 2026-11-23 |" in text
    assert "| languages | en (3), en-GB (1), de (1) |" in text
    assert "| live blogs (posts) | 1 (1) |" in text
    assert "| articles with a correction or update notice | 1 |" in text
    assert "| syndicated copies | 2 (40%) |" in text
    assert "| TWP | 1 | 50% |" in text and "| no agency named | 1 | 50% |" in text
    assert "| headline | 100% |" in text and "| duplicateOf | 20% |" in text
    assert "| tidewater+lantern+meridian | 20261125T100000.000000Z | 2026-11-25T10:00:00Z" in text
    assert 'load_dataset("parquet", data_dir=' in text and "pd.read_parquet(" in text


def test_export_again_replaces_the_card_and_refuses_a_folder_it_did_not_write(exported, tmp_path):
    root = exported.parent
    again = export(root, "--format", "hf", "-o", "card", "--outlet", "tidewater+lantern+meridian",
                   "--language", "de")
    assert again.returncode == 0, again.stderr
    assert pq.read_table(exported / "data").num_rows == 1
    assert not (root / "card.part").exists() and not (root / "card.old").exists()
    (root / "mine").mkdir()
    (root / "mine" / "notes.txt").write_text("keep me")
    refused = export(root, "--format", "hf", "-o", "mine")
    assert refused.returncode != 0 and "is not a dataset card newsbot wrote" in refused.stderr
    assert (root / "mine" / "notes.txt").read_text() == "keep me"
    both = export(root, "--format", "hf", "--changes", "-o", "x")
    assert both.returncode != 0 and "--format hf writes the articles" in both.stderr
    restored = export(root, "--format", "hf", "-o", "card")  # for the other tests
    assert restored.returncode == 0


def test_yaml_strings_survive_any_text():
    lines = card._yaml({"pretty_name": 'a: "b" # c\n- d', "tags": ["x: y", "ü"],
                        "nested": [{"name": "n", "list": [{"name": "m", "dtype": "string"}]}]})
    assert yaml.safe_load("\n".join(lines)) == {
        "pretty_name": 'a: "b" # c\n- d', "tags": ["x: y", "ü"],
        "nested": [{"name": "n", "list": [{"name": "m", "dtype": "string"}]}]}
