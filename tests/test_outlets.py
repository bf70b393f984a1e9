import json
import re

import pytest

from newsbot.outlets import OUTLETS, Outlet, load_outlets, outlet_for

REQUIRED = {"apnews", "reuters", "afp", "aa", "trtworld", "aljazeera", "dw", "bbc", "voa",
            "euronews", "france24", "xinhua"}


def test_the_required_outlets_are_declared_with_valid_patterns():
    names = {o.name for o in OUTLETS}
    assert REQUIRED <= names
    for outlet in OUTLETS:
        assert outlet.home.startswith("https://")
        for url in (*outlet.sitemaps, *outlet.feeds):
            assert url.startswith("https://"), url
        if outlet.article_pattern:
            re.compile(outlet.article_pattern)
    agencies = {o.name: o.agency for o in OUTLETS if o.agency}
    assert agencies["apnews"] == "AP" and agencies["reuters"] == "Reuters"


def test_every_declared_source_url_cites_where_it_comes_from():
    """Each sitemap/feed URL literal in outlets.py has a comment naming its public source."""
    source = open(__import__("newsbot.outlets").outlets.__file__, encoding="utf-8").read()
    for outlet in OUTLETS:
        for url in (*outlet.sitemaps, *outlet.feeds):
            line_no = next(i for i, line in enumerate(source.splitlines()) if url in line)
            window = "\n".join(source.splitlines()[max(0, line_no - 6): line_no + 2])
            assert "#" in window, f"no source comment near {url}"


@pytest.mark.parametrize("name", ["../../tmp/pwn", "/etc/cron.d/x", "a\x00b", "x\ny", "A",
                                  "a" * 65])
def test_unsafe_names_are_refused(name):
    with pytest.raises(ValueError):
        Outlet(name=name, title="x", home="https://x.test/")


def test_outlets_file_adds_and_overrides(tmp_path):
    path = tmp_path / "outlets.json"
    path.write_text(json.dumps([{"name": "local", "title": "Local", "home": "http://127.0.0.2:9/",
                                 "feeds": ["http://127.0.0.2:9/rss.xml"]}]))
    outlets = load_outlets(path)
    assert outlets["local"].feeds == ("http://127.0.0.2:9/rss.xml",)
    assert "apnews" in outlets
    assert outlet_for("http://127.0.0.2:9/news/a.html", outlets).name == "local"
    path.write_text(json.dumps([{"name": "x", "title": "X", "home": "https://x.test", "oops": 1}]))
    with pytest.raises(ValueError, match="oops"):
        load_outlets(path)


def test_outlet_owns_its_hosts_and_subdomains_only():
    outlet = Outlet(name="bbc", title="BBC", home="https://www.bbc.com/news",
                    domains=("www.bbc.co.uk",))
    assert outlet.owns("https://bbc.com/news/x") and outlet.owns("https://www.bbc.co.uk/news/x")
    assert outlet.owns("https://news.bbc.com/x")
    assert not outlet.owns("https://notbbc.com/x") and not outlet.owns("https://bbc.com.evil.test/")
