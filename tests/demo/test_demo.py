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
    assert f"articles exported:  {len(EXPECTED)}" in stdout and "duplicates found" in stdout
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
    assert f"pages archived:     {len(EXPECTED) + 1}" in stdout
    agencies = json.dumps({**NEWSBOT_ATTRIBUTION_AGENCIES, "TWP": TIDEWATER_PRESS})
    proc = subprocess.run(
        [sys.executable, "-m", "newsbot.cli", "extract", "--warc", "articles.warc.gz",
         "-s", "NEWSBOT_OUTLETS_FILE=outlets.json",  # the crawl's settings
         "-s", f"NEWSBOT_ATTRIBUTION_AGENCIES={agencies}"],
        capture_output=True, text=True, timeout=60, cwd=out)
    assert proc.returncode == 0, proc.stderr
    again = [json.loads(line) for line in proc.stdout.splitlines()]
    # the crawl exported one page fewer, dropping an AMP twin as the same article (the same id)
    assert len(again) == len(EXPECTED) + 1
    assert {a["id"] for a in again} == {a["id"] for a in articles}
    by_record = {a["warcRecordId"]: a for a in again}
    crawl_only = {"storyId", "duplicateOf", "version", "replaces", "warcFile"}
    for article in articles:
        replayed = by_record[article["warcRecordId"]]
        assert Path(article["warcFile"]) == out / "articles.warc.gz" == out / replayed["warcFile"]
        assert list(replayed) == list(article)  # the same fields in the same order
        assert {k: v for k, v in replayed.items() if k not in crawl_only} == \
            {k: v for k, v in article.items() if k not in crawl_only}, article["url"]


def test_the_live_blog_is_exported_as_timed_posts_outside_story_clusters(demo):
    stdout, articles, _ = demo
    [case] = [e for e in EXPECTED if e.get("live_posts")]
    blog = next(a for a in articles if urlsplit(a["url"]).path == case["path"])
    assert blog["pageType"] == "LiveBlogPosting"
    assert [u["headline"] for u in blog["liveBlogUpdates"]] == case["live_posts"]
    assert all(u["datePublished"].endswith("Z") and u["articleBody"] and u["url"].startswith(
        blog["url"] + "#post-") for u in blog["liveBlogUpdates"])
    assert blog["coverageStartTime"] == case["datePublished"]
    # a story of its own: nothing joins it, though the storm is in the agency's other story
    assert sum(a["storyId"] == blog["storyId"] for a in articles) == 1
    assert f"(live blog, {len(case['live_posts'])} posts)" in stdout


def test_paywalls_and_ai_optouts_of_the_demo_outlets(demo_run, demo):
    out, stdout = demo_run
    _, articles, _ = demo
    for case in EXPECTED:
        article = next(a for a in articles if urlsplit(a["url"]).path == case["path"])
        assert article["isAccessibleForFree"] is case.get("isAccessibleForFree"), case["path"]
    manifest = json.loads((out / "articles.manifest.json").read_text())
    by_outlet = {e["outlet"]: e for e in manifest["robots_txt"].values()}
    assert by_outlet["lantern"]["ai_crawlers_disallowed"] == ["GPTBot", "CCBot", "Google-Extended"]
    assert by_outlet["meridian"]["ai_crawlers_disallowed"] == ["ClaudeBot", "anthropic-ai",
                                                               "Bytespider"]
    assert by_outlet["tidewater"]["ai_crawlers_disallowed"] == []
    assert manifest["paywalled_by_outlet"]["Meridian Post"]["paywalled"] == 1
    assert "[The Harborton Lantern] disallowed: GPTBot, CCBot, Google-Extended" in stdout


def test_the_second_crawl_exports_new_versions_with_their_changes(demo_run):
    from newsbot.demo.dataset import read_dataset

    out, stdout = demo_run
    updates = [json.loads(line) for line in (out / "updates.jsonl").read_text().splitlines()]
    cases = {e["path"]: e["update"] for e in EXPECTED if e.get("update")}
    assert sorted(urlsplit(a["url"]).path for a in updates) == sorted(cases)
    records, _ = read_dataset([out / "articles.jsonl", out / "updates.jsonl"])
    assert len(records) == len(EXPECTED) + len(cases)
    for record in records:
        case = cases.get(urlsplit(record["url"]).path)
        if record["version"] == 1:
            assert record["changes"] is None
            continue
        changes = record["changes"]
        assert record["version"] == case["version"] and changes["fields"] == case["changed"]
        if "paragraphs" in case:
            assert {k: changes["articleBody"][k] for k in case["paragraphs"]} == case["paragraphs"]
        if "live_posts" in case:
            assert changes["liveBlogUpdates"] == case["live_posts"]
        assert [{"kind": c["kind"], "date": c["date"]} for c in record["corrections"] or []] == \
            case.get("corrections", [])
        assert f"{record['headline']}: version {record['version']}, changed " in stdout
    assert "-> \"…wheelchair users. The work cost 13 million crowns" in stdout
    assert "Posts of the live blog" in stdout
    assert "Storm Ilse makes landfall near Port Ellis" in stdout


def test_the_demo_dataset_card_reads_back(demo_run):
    import pyarrow.parquet as pq

    out, _ = demo_run
    readme = (out / "card" / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("---\nconfigs:\n") and "| The Harborton Lantern | " in readme
    assert pq.read_table(out / "card" / "data").num_rows == len(EXPECTED) + 2
