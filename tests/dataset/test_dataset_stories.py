"""Stories resolved in datasets: lines written by the real clean, attribute and dedupe stages in
different arrival orders, read back by ``newsbot export``'s reader, give the same dataset."""

from __future__ import annotations

import json
from itertools import count

import pytest

from newsbot.dataset.reader import Filters, Report, partitions, read, select
from newsbot.dedup.originals import story_id
from newsbot.exporters import article_record
from newsbot.state import article_key, version_id
from stages import Stages
from story_text import paragraphs

WIRE = paragraphs(21)
W = "https://apnews.com/article/storm-ilse"
LOCAL = "https://local.test/news/storm"
OTHER = "https://other.test/storm"
OWN = "https://local.test/news/library"
ARTICLES = {  # url: (folder, body, publisher, published hour, crawled hour)
    W: ("ap", ["WASHINGTON (AP) — " + WIRE[0], *WIRE[1:]], "AP News", "09:00", "14:00"),
    LOCAL: ("local", WIRE[:6], "Local", "12:00", "11:00"),     # names no agency
    OTHER: ("other", [*WIRE[:5], "Source: AFP"], "Other", "12:30", "12:00"),  # names its own
    OWN: ("local", paragraphs(22), "Local", "08:00", "10:00"),
}


def crawl(tmp_path, name: str, order: list[str]) -> tuple:
    """Lines of the stages fed ``order`` (one run per article), as partitions of outlets."""
    stages = Stages(tmp_path / name / "near.sqlite")
    data = tmp_path / name / "data"
    runs = count()
    lines = {}
    for url in order:
        folder, body, publisher, hour, crawled = ARTICLES[url]
        record = article_record(stages(url, body, publisher, hour=hour, crawled=crawled))
        record["id"] = version_id(article_key(url, record["canonicalUrl"]), record["contentHash"])
        lines[url] = record
        (data / folder).mkdir(parents=True, exist_ok=True)
        (data / folder / f"{next(runs):02d}.jsonl").write_text(json.dumps(record) + "\n")
    stages.close()
    return data, lines


def dataset(data, filters: Filters = Filters(), outlets=()) -> list[dict]:
    files = partitions(data, outlets)
    return list(read(files, select(files, filters, Report())))


ORDERS = [[W, LOCAL, OTHER, OWN], [LOCAL, OTHER, OWN, W], [OTHER, LOCAL, W, OWN]]


def test_a_story_is_the_same_whatever_order_its_pages_came_in(tmp_path):
    results = []
    for n, order in enumerate(ORDERS):
        data, lines = crawl(tmp_path, f"order{n}", order)
        if order[0] != W:  # the crawl wrote the reprint before its original arrived
            assert lines[LOCAL]["duplicateOf"] is None
            assert lines[LOCAL]["storyId"] == lines[W]["storyId"] != story_id(W, None)
        results.append(dataset(data))
    assert results[0] == results[1] == results[2]
    by_url = {r["url"]: r for r in results[0]}
    wire, local, other = by_url[W], by_url[LOCAL], by_url[OTHER]
    assert wire["duplicateOf"] is None and wire["sourceOrganization"] == "AP"
    assert {wire["storyId"], local["storyId"], other["storyId"]} == {story_id(W, None)}
    assert local["duplicateOf"] == W and local["isSyndicated"] is True
    assert local["sourceOrganization"] == "AP"
    assert local["attributionEvidence"] == [{"cue": "cluster", "text": W, "agency": "AP"}]
    assert other["duplicateOf"] == W and other["sourceOrganization"] == "AFP"  # its own cue
    assert all(c["cue"] != "cluster" for c in other["attributionEvidence"])
    assert by_url[OWN]["duplicateOf"] is None and by_url[OWN]["storyId"] == story_id(OWN, None)


def test_lines_the_crawl_already_got_right_are_written_as_they_are(tmp_path):
    data, lines = crawl(tmp_path, "w", ORDERS[0])
    files = partitions(data)
    selection = select(files, Filters(), Report())
    assert {r["url"]: r for r in read(files, selection)} == lines
    assert selection.resolved == 0
    data, lines = crawl(tmp_path, "r", ORDERS[1])
    files = partitions(data)
    selection = select(files, Filters(), Report())
    list(read(files, selection))
    # the local reprint, and the other one, which the crawl marked a copy of the local one
    assert selection.resolved == 2


def test_a_copy_whose_original_is_not_read_keeps_its_marks(tmp_path):
    data, _ = crawl(tmp_path, "w", ORDERS[0])
    (local,) = [r for r in dataset(data, outlets=["local"]) if r["url"] == LOCAL]
    assert local["duplicateOf"] == W and local["sourceOrganization"] == "AP"
    data, _ = crawl(tmp_path, "r", ORDERS[1])  # here nothing read says it is a copy
    (local,) = [r for r in dataset(data, outlets=["local"]) if r["url"] == LOCAL]
    assert local["duplicateOf"] is None


@pytest.mark.parametrize("order", ORDERS)
def test_story_originals_and_agencies_read_the_resolved_stories(tmp_path, order):
    data, _ = crawl(tmp_path, "x", order)
    originals = dataset(data, Filters(story_originals=True))
    assert sorted(r["url"] for r in originals) == sorted([W, OWN])
    assert sorted(r["url"] for r in dataset(data, Filters(agencies=("ap",)))) == sorted([W, LOCAL])
    assert [r["url"] for r in dataset(data, Filters(agencies=("afp",)))] == [OTHER]
    # a story whose original is not read has no original in the dataset
    assert [r["url"] for r in dataset(data, Filters(story_originals=True),
                                      outlets=["local"])] == [OWN] + ([LOCAL] if order[0] != W
                                                                      else [])
