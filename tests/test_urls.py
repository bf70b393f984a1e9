import pytest

from newsbot.urls import clean_url, same_site, url_key


def test_clean_url_drops_tracking_and_sessions_but_keeps_content_parameters():
    assert clean_url("https://Ex.test/a/b?utm_source=x&id=3&fbclid=y#top") == "https://ex.test/a/b?id=3"
    assert clean_url("https://ex.test/a;jsessionid=0A1B2C?page=2") == "https://ex.test/a?page=2"


@pytest.mark.parametrize("variant", [
    "https://www.ex.test/news/story-1", "https://m.ex.test/news/story-1",
    "https://ex.test/amp/news/story-1", "https://ex.test/news/story-1/amp",
    "http://ex.test/news/story-1/", "https://ex.test/news/story-1?utm_medium=email",
])
def test_variants_of_one_article_share_a_key(variant):
    assert url_key(variant) == url_key("https://ex.test/news/story-1")


def test_different_articles_and_ports_keep_different_keys():
    assert url_key("https://ex.test/news/story-1") != url_key("https://ex.test/news/story-2")
    assert url_key("http://127.0.0.2:8001/a") != url_key("http://127.0.0.2:8002/a")
    assert url_key("https://ex.test/a?id=1") != url_key("https://ex.test/a?id=2")


def test_same_site():
    assert same_site("https://www.ex.test/a", "https://ex.test/b")
    assert not same_site("https://ex.test/a", "https://wire.test/a")
