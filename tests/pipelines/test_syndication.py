"""Attribute and dedupe stages together, through Scrapy's crawler: reprints join the story of
their wire original, with its agency, and the index outlives the run."""

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newsbot.items import Article
from newsbot.pipelines.clean import CleanPipeline
from story_text import paragraphs
from support import SETTINGS, Stages

WIRE = paragraphs(11)


@pytest.fixture
def stages(tmp_path):
    s = Stages(tmp_path / "state" / "near.sqlite")
    yield s
    s.close()


def test_trimmed_reprint_joins_the_agency_original_and_inherits_its_agency(stages):
    original = stages("https://apnews.com/article/storm", ["WASHINGTON (AP) — " + WIRE[0],
                                                          *WIRE[1:]], "AP News")
    assert original["sourceOrganization"] == "AP" and not original["isSyndicated"]
    assert original.get("duplicateOf") is None
    reprint = stages("https://local.test/news/storm", ["Advertisement", *WIRE[:4], "Comment"],
                     "Local", hour="12:00")
    assert reprint["duplicateOf"] == "https://apnews.com/article/storm"
    assert reprint["storyId"] == original["storyId"]
    assert reprint["sourceOrganization"] == "AP" and reprint["isSyndicated"]
    assert reprint["attributionEvidence"] == [
        {"cue": "cluster", "text": "https://apnews.com/article/storm", "agency": "AP"}]
    assert stages.stat("newsbot/dedup/near_duplicate") == 1


def test_reprint_first_then_the_agency_page_takes_over_the_story(stages):
    reprint = stages("https://local.test/news/storm", [*WIRE[:6], "Source: AA"], "Local",
                     hour="12:00")
    assert reprint["sourceOrganization"] == "AA" and reprint.get("duplicateOf") is None
    original = stages("https://www.aa.com.tr/en/world/storm/123", WIRE, "Anadolu Agency")
    assert original["storyId"] == reprint["storyId"] and original.get("duplicateOf") is None
    assert stages.stat("newsbot/dedup_index/original_replaced") == 1
    later = stages("https://other.test/storm", WIRE[:5], "Other", hour="13:00")
    assert later["duplicateOf"] == "https://www.aa.com.tr/en/world/storm/123"


def test_live_blogs_and_translations_stay_out_of_story_clusters(stages):
    original = stages("https://wire.test/a", WIRE, "Wire")
    blog = stages("https://live.test/blog", [*WIRE, "Update at noon."], "Live",
                  pageType="LiveBlogPosting")
    assert blog.get("duplicateOf") is None and blog["storyId"] != original["storyId"]
    translated = stages("https://wire.test/de/a", WIRE[:8], "Wire DE", inLanguage="de")
    assert translated.get("duplicateOf") is None
    # a live page known only by its timestamped posts (no LiveBlogPosting type)
    post = {"id": "https://ticker.test/live#p1", "datePublished": "2026-03-02T12:00:00Z",
            "dateModified": None, "headline": None, "articleBody": WIRE[0], "url": None}
    ticker = stages("https://ticker.test/live", [*WIRE, "Update at one."], "Ticker",
                    liveBlogUpdates=[post])
    assert ticker.get("duplicateOf") is None and ticker["storyId"] != original["storyId"]
    assert stages.stat("newsbot/dedup_index/live_blog") == 2


def test_drop_mode_drops_near_copies(tmp_path):
    stages = Stages(tmp_path / "near.sqlite", NEWSBOT_DEDUP_MODE="drop")
    stages("https://wire.test/a", WIRE, "Wire")
    with pytest.raises(DropItem, match="copy of https://wire.test/a"):
        stages("https://b.test/a", WIRE[:5], "B")
    assert stages.stat("newsbot/dedup/near_duplicate") == 1
    stages.close()


def test_the_index_persists_across_runs_on_one_sqlite_file(tmp_path):
    path = tmp_path / "near.sqlite"
    first = Stages(path)
    original = first("https://wire.test/a", WIRE, "Wire")
    own = first("https://b.test/own", paragraphs(12), "B")
    first.close()

    second = Stages(path)
    reprint = second("https://c.test/a", WIRE[:5], "C", hour="15:00")
    assert reprint["duplicateOf"] == "https://wire.test/a"
    assert reprint["storyId"] == original["storyId"]
    refetch = second("https://b.test/own", paragraphs(12), "B")  # exporting it is the versions
    assert refetch["storyId"] == own["storyId"]                    # stage's call, not the index's
    assert second.stat("newsbot/dedup_index/new_version") is None
    second.close()

    third = Stages(path)
    updated = third("https://b.test/own", [*paragraphs(12), "Update: a late paragraph."], "B")
    assert updated["storyId"] == own["storyId"] and updated.get("duplicateOf") is None
    assert third.stat("newsbot/dedup_index/new_version") == 1
    third.close()


def test_whole_days_leave_the_window(tmp_path):
    path = tmp_path / "near.sqlite"
    run = Stages(path, NEWSBOT_DEDUP_WINDOW_DAYS=2)
    run("https://wire.test/a", WIRE, "Wire")                       # crawled Nov 18
    item = Article(url="https://b.test/a", headline="A story", articleBody="\n".join(WIRE[:5]),
                   publisher="B", inLanguage="en", crawledAt="2026-11-20T08:00:00Z")
    late = dict(run.dedup.process_item(run.attribute.process_item(
        CleanPipeline().process_item(item))))
    assert late.get("duplicateOf") is None                        # Nov 18 expired on Nov 20
    assert run.stat("newsbot/dedup_index/expired") == 1
    run.close()


def test_threshold_defaults_are_the_settings_defaults(tmp_path):
    from newsbot.dedup.similarity import Thresholds
    from newsbot.pipelines.dedup import thresholds
    assert thresholds(get_crawler(Spider, SETTINGS).settings) == Thresholds()
