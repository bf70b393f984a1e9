import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

import newsbot.settings
from newsbot.items import Article
from newsbot.pipelines.clean import CleanPipeline
from newsbot.pipelines.dedup import DedupPipeline
from newsbot.pipelines.validate import ValidatePipeline

BODY = "\n".join(f"Paragraph {i} of a story long enough to count as an article body, with "
                 f"plenty of words in it about the harbour bridge." for i in range(4))


NEWSBOT_SETTINGS = {k: getattr(newsbot.settings, k) for k in dir(newsbot.settings)
                    if k.startswith("NEWSBOT_")}
OTHER_BODY = "\n".join(f"Item {i}: the county fair opened with a record {i + 3} prize pumpkins, a "
                       f"tractor parade and a brass band playing until dusk on the green."
                       for i in range(4))


def crawler(**settings):
    c = get_crawler(Spider, {**NEWSBOT_SETTINGS, "NEWSBOT_DEDUP_INDEX_PATH": ":memory:",
                             **settings})
    c.stats.open_spider()
    return c


def article(url="https://a.test/1", publisher="A", body=BODY, **fields):
    item = Article(url=url, headline="Bridge", articleBody=body, publisher=publisher, **fields)
    return CleanPipeline().process_item(item)


def test_clean_pipeline_cleans_the_item():
    item = article(body="Advertisement\n" + BODY + "\nSource: TRT")
    assert "Advertisement" not in item["articleBody"] and item["trailers"] == ["Source: TRT"]
    assert item["contentHash"]


@pytest.mark.parametrize(("fields", "reason"), [
    ({"headline": None}, "no_headline"),
    ({"articleBody": "Accept all cookies"}, "short_body"),
    ({"pageType": "website"}, "not_an_article"),
])
def test_validate_drops_non_articles_with_a_counted_reason(fields, reason):
    c = crawler()
    pipeline = ValidatePipeline.from_crawler(c)
    item = article()
    item.update(fields)
    with pytest.raises(DropItem, match=reason):
        pipeline.process_item(item)
    assert c.stats.get_value(f"newsbot/dropped/{reason}") == 1
    assert pipeline.process_item(article()) is not None


def test_dedup_same_url_same_text_and_cross_outlet_copies():
    c = crawler()
    pipeline = DedupPipeline.from_crawler(c)
    first = pipeline.process_item(article("https://a.test/1?utm_source=x"))
    assert "duplicateOf" not in first and first["storyId"]
    with pytest.raises(DropItem, match="same URL"):
        pipeline.process_item(article("https://www.a.test/amp/1"))
    with pytest.raises(DropItem, match="same text"):
        pipeline.process_item(article("https://a.test/other-slug"))
    copy = pipeline.process_item(article("https://b.test/x", publisher="B"))
    assert copy["duplicateOf"] == "https://a.test/1?utm_source=x"
    assert copy["storyId"] == first["storyId"]
    other = pipeline.process_item(article("https://b.test/y", publisher="B", body=OTHER_BODY))
    assert "duplicateOf" not in other and other["storyId"] != first["storyId"]
    assert c.stats.get_value("newsbot/dedup/same_url") == 1
    assert c.stats.get_value("newsbot/dedup/same_text") == 1
    assert c.stats.get_value("newsbot/dedup/syndicated_copy") == 1


def test_cross_site_canonical_is_a_copy_not_the_same_url():
    pipeline = DedupPipeline.from_crawler(crawler())
    pipeline.process_item(article("https://wire.test/story", publisher="Wire"))
    reprint = pipeline.process_item(article("https://b.test/reprint", publisher="B",
                                            canonicalUrl="https://wire.test/story"))
    assert reprint["duplicateOf"] == "https://wire.test/story"


def test_drop_mode_and_disabled_dedup():
    c = crawler(NEWSBOT_DEDUP_MODE="drop")
    pipeline = DedupPipeline.from_crawler(c)
    pipeline.process_item(article())
    with pytest.raises(DropItem, match="copy of"):
        pipeline.process_item(article("https://b.test/x", publisher="B"))
    assert c.stats.get_value("newsbot/dedup/syndicated_copy") == 1
    with pytest.raises(NotConfigured):
        DedupPipeline.from_crawler(crawler(NEWSBOT_DEDUP_ENABLED=False))
