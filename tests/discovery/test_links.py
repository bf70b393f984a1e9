from newsbot.discovery.links import classify_links
from newsbot.outlets import Outlet

HREFS = [
    "/2026/11/20/council-votes-on-bridge", "/news/council-votes-to-close-the-old-bridge",
    "/world/", "/world/europe", "/tag/bridges", "/author/ana", "/images/a.jpg",
    "https://other.test/2026/11/20/elsewhere", "mailto:desk@w.test", "javascript:void(0)",
    "#top", "/news/story-123456?utm_source=home", "/about",
]


def test_generic_heuristic_separates_articles_from_sections():
    outlet = Outlet(name="w", title="W", home="https://w.test/")
    articles, sections = classify_links("https://w.test/", HREFS, outlet)
    assert articles == ["https://w.test/2026/11/20/council-votes-on-bridge",
                        "https://w.test/news/council-votes-to-close-the-old-bridge",
                        "https://w.test/news/story-123456"]
    assert sections == ["https://w.test/world/", "https://w.test/world/europe"]


def test_outlet_pattern_wins_over_the_heuristic():
    outlet = Outlet(name="w", title="W", home="https://w.test/", article_pattern=r"^/news/")
    articles, _ = classify_links("https://w.test/", HREFS, outlet)
    assert articles == ["https://w.test/news/council-votes-to-close-the-old-bridge",
                        "https://w.test/news/story-123456"]
