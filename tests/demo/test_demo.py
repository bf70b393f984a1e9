"""The demo, as `make demo` runs it: every article once, clean, dated, attributed, copies marked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newsbot.cleaning.patterns import DATELINE
from support import check_ledger

EXPECTED = json.loads((Path(__import__("newsbot").__file__).parent / "demo" / "expected.json")
                      .read_text(encoding="utf-8"))
BOILERPLATE = ("Advertisement", "Source: TWP", "___", "Comment", "Share", "newsletter",
               "(Photo/TWP)", "TWP Photo")


@pytest.fixture(scope="module")
def demo(demo_run):
    out, stdout = demo_run  # run with the archive on
    articles = [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]
    return stdout, articles, (out / "crawl.log").read_text()


def site_and_path(article: dict) -> tuple[str, str]:
    return article["publisher"], urlsplit(article["url"]).path


def test_every_demo_article_exactly_once(demo):
    stdout, articles, log = demo
    publishers = {"tidewater": "Tidewater Press", "lantern": "The Harborton Lantern",
                  "meridian": "Meridian Post"}
    expected = sorted((publishers[e["site"]], e["path"]) for e in EXPECTED)
    assert sorted(map(site_and_path, articles)) == expected
    assert "articles exported:  15" in stdout and "duplicates found" in stdout
    assert " ERROR:" not in log


def test_the_demos_page_ledger_adds_up_in_its_manifest_log_and_summary(demo_run):
    out, stdout = demo_run
    manifest = json.loads((out / "articles.manifest.json").read_text())
    outcomes = check_ledger(manifest, unsettled_articles=0)
    assert outcomes == check_ledger((out / "crawl.log").read_text())
    assert outcomes["exported/new"] == 15 and outcomes["robots.txt"] == 4  # one per host, +1
    assert f"page ledger:        {manifest['counts']['ledger']['responses']} responses " \
           f"(adds up)" in stdout and "unsettled articles: 0" in stdout


@pytest.mark.parametrize("case", EXPECTED, ids=lambda e: e["path"].rsplit("/", 1)[-1])
def test_demo_article_is_clean_and_correct(demo, case):
    _, articles, _ = demo
    article = next(a for a in articles if urlsplit(a["url"]).path == case["path"])
    assert article["headline"] == case["headline"]
    assert [a["name"] for a in article["authors"] or []] == case["authors"]
    assert article["datePublished"] == case["datePublished"]
    paragraphs = article["articleBody"].split("\n\n")
    first = case["first_paragraph"]
    if m := DATELINE.match(first):
        assert article["dateline"] == m.group("dateline").strip()
        first = first[m.end():]
    assert paragraphs[0] == first
    assert paragraphs[-1] == case["last_paragraph"]
    for junk in BOILERPLATE:
        assert junk not in article["articleBody"]


def test_every_reprint_is_in_the_story_of_its_wire_original_with_the_agency(demo):
    stdout, articles, _ = demo
    by_path = {urlsplit(a["url"]).path: a for a in articles}
    reprints = [e for e in EXPECTED if e["reprintOf"]]
    assert reprints and any(e["verbatim"] for e in reprints) and not all(
        e["verbatim"] for e in reprints)
    for case in EXPECTED:
        article = by_path[case["path"]]
        if case["reprintOf"]:
            original = by_path[case["reprintOf"]]
            assert article["duplicateOf"] == original["url"], case["path"]
            assert article["storyId"] == original["storyId"]
            assert article["sourceOrganization"] == "TWP" and article["isSyndicated"]
            assert {e["agency"] for e in article["attributionEvidence"]} == {"TWP"}
            assert (article["contentHash"] == original["contentHash"]) == case["verbatim"]
            assert f"copy of {original['url']}" in stdout
        elif case["site"] == "tidewater":
            assert article["duplicateOf"] is None and not article["isSyndicated"]
            assert article["sourceOrganization"] == "TWP"
            assert article["attributionEvidence"][0] == {
                "cue": "domain", "text": urlsplit(article["url"]).hostname, "agency": "TWP"}
        else:  # the outlets' own stories
            assert article["duplicateOf"] is None and article["sourceOrganization"] is None
            assert not article["isSyndicated"] and article["attributionEvidence"] in (None, [])
    stories = {a["storyId"] for a in articles}
    assert len(stories) == len(EXPECTED) - len(reprints)


def test_extract_warc_reproduces_the_demos_articles_from_its_archive(demo_run, demo):
    from newsbot.demo.run import TIDEWATER_PRESS
    from newsbot.settings import NEWSBOT_ATTRIBUTION_AGENCIES

    out, stdout = demo_run
    _, articles, _ = demo
    assert "pages archived:     16" in stdout
    agencies = json.dumps({**NEWSBOT_ATTRIBUTION_AGENCIES, "TWP": TIDEWATER_PRESS})
    proc = subprocess.run(
        [sys.executable, "-m", "newsbot.cli", "extract", "--warc", "articles.warc.gz",
         "-s", "NEWSBOT_OUTLETS_FILE=outlets.json",  # the crawl's settings
         "-s", f"NEWSBOT_ATTRIBUTION_AGENCIES={agencies}"],
        capture_output=True, text=True, timeout=60, cwd=out)
    assert proc.returncode == 0, proc.stderr
    again = [json.loads(line) for line in proc.stdout.splitlines()]
    # 16 pages: the crawl exported 15, dropping an AMP twin as the same article (the same id)
    assert len(again) == 16 and {a["id"] for a in again} == {a["id"] for a in articles}
    by_record = {a["warcRecordId"]: a for a in again}
    crawl_only = {"storyId", "duplicateOf", "version", "replaces", "warcFile"}
    for article in articles:
        replayed = by_record[article["warcRecordId"]]
        assert Path(article["warcFile"]) == out / "articles.warc.gz" == out / replayed["warcFile"]
        assert list(replayed) == list(article)  # the same fields in the same order
        assert {k: v for k, v in replayed.items() if k not in crawl_only} == \
            {k: v for k, v in article.items() if k not in crawl_only}, article["url"]
