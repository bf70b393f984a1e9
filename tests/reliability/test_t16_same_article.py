"""T16: one article under many URLs, many URLs with one text, one wire story on three outlets."""

from __future__ import annotations

from collections import Counter

from crawling import stats, stub_dns
from faultserver import FaultServer
from support import article_page, lorem, run_crawl

ROBOTS = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")


def feed(*links: str):
    items = "".join(f"<item><link>{link}</link></item>" for link in links)
    return 200, {}, f"<rss version='2.0'><channel>{items}</channel></rss>".encode()


def test_t16_one_item_per_article_and_syndicated_copies_marked(tmp_path):
    with FaultServer(host="127.0.0.2") as news, FaultServer(host="127.0.0.3") as wire, \
            FaultServer(host="127.0.0.4") as first, FaultServer(host="127.0.0.5") as second:
        home = f"http://news.test:{news.port}"
        mobile = f"http://m.news.test:{news.port}"
        story = article_page("Harbour bridge to close for repairs", lorem("bridge"),
                             canonical=f"{home}/story").encode()
        same_text = article_page("Council meets on Tuesday", lorem("council")).encode()
        variants = [f"{home}/story?utm_source=x", f"{home}/story/", f"{home}/amp/story",
                    f"{mobile}/story", f"{home}/story?print=1", f"{home}/story"]
        copies = [f"{home}/copy/{i}-council-meets-on-tuesday" for i in range(30)]
        news.routes.update({"/robots.txt": ROBOTS, "/feed.xml": feed(*variants, *copies),
                            "/story": (200, {}, story), "/story/": (200, {}, story),
                            "/amp/story": (200, {}, story), "/copy/*": (200, {}, same_text)})
        wire_story = lorem("ferry strike", 6)
        for site, title in ((wire, "Ferry workers strike"), (first, "Ferries halted by strike"),
                            (second, "Strike stops the ferries")):
            site.routes.update({"/robots.txt": ROBOTS, "/feed.xml": feed(site.url("/ferry")),
                                "/ferry": (200, {}, article_page(title, wire_story).encode())})
        outlets = [{"name": "news", "title": "News", "home": home + "/",
                    "feeds": [home + "/feed.xml"]},
                   {"name": "wire", "title": "Wire", "home": wire.base_url + "/", "agency": "WR",
                    "feeds": [wire.url("/feed.xml")]},
                   *({"name": name, "title": name.title(), "home": site.base_url + "/",
                      "feeds": [site.url("/feed.xml")]}
                     for name, site in (("first", first), ("second", second)))]
        result = run_crawl(tmp_path, "news", {"outlet": "news,wire,first,second"},
                           outlets=outlets, settings=stub_dns({"news.test": "127.0.0.2",
                                                               "m.news.test": "127.0.0.2"}))

    assert result.returncode == 0, result.log
    headlines = Counter(i["headline"] for i in result.items)
    assert headlines["Harbour bridge to close for repairs"] == 1
    assert headlines["Council meets on Tuesday"] == 1
    ferry = [i for i in result.items if "errie" in i["headline"] or "Ferry" in i["headline"]]
    assert len(ferry) == 3
    (original,) = [i for i in ferry if i["duplicateOf"] is None]
    assert original["publisher"] == "Wire"  # the agency is crawled first
    assert {i["duplicateOf"] for i in ferry if i is not original} == {original["url"]}
    assert len({i["storyId"] for i in ferry}) == 1 and len({i["contentHash"] for i in ferry}) == 1
    counted = stats(result.log)
    assert counted["newsbot/dedup/same_url"] >= 3
    assert counted["newsbot/dedup/same_text"] == 29
    assert counted["newsbot/dedup/syndicated_copy"] == 2
