"""Live blogs as timed entries: from JSON-LD (nested, @graph, @id) or the page's post blocks."""

from __future__ import annotations

import json

from newsbot.cleaning import clean_article
from newsbot.extraction import extract_article, parse_html
from newsbot.extraction.liveblog import live_blog

URL = "https://news.test/live/storm-ilse"
POSTS = [  # newest first, as live pages list them
    ("p3", "2026-11-21T09:40:00+01:00", "Bridge closed", ("The Aller bridge was closed at 9:40 "
     "as gusts reached 120 km/h, police said.")),
    ("p2", "2026-11-21T08:15:00+01:00", "Schools shut", ("All schools in Port Ellis and Greyhaven "
     "will stay closed on Friday, the education office said.")),
    ("p1", "2026-11-21T07:00:00+01:00", "Evacuations begin", ("Authorities began moving 18,000 "
     "people from low-lying towns along the northern coast.")),
]


def ld_post(ident, when, headline, body, **extra):
    return {"@type": "BlogPosting", "@id": f"{URL}#{ident}", "headline": headline,
            "datePublished": when, "articleBody": body, **extra}


def markup_post(ident, when, headline, body, tag="article", cls="live-post"):
    return (f'<{tag} class="{cls}" id="{ident}"><time datetime="{when}">{when[11:16]}</time>'
            f"<h3>{headline}</h3><p>{body}</p><a class=\"share\" href=\"#share\">Share</a>"
            f"</{tag}>")


def live_page(ld: dict | None, posts_html: str, container: str = '<div class="feed">') -> str:
    script = f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld else ""
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Storm Ilse live | Tidewater</title><meta property="og:type" content="article">{script}
</head><body><header><a href="/">Home</a></header><main>
<h1>Storm Ilse live: evacuations on the northern coast</h1>
<p class="standfirst">Follow our coverage of the storm as it reaches the coast.</p>
{container}{posts_html}</div></main>
<footer>Copyright Tidewater <time datetime="2026-01-01">2026</time></footer></body></html>"""


UTC = {"p3": "2026-11-21T08:40:00Z", "p2": "2026-11-21T07:15:00Z", "p1": "2026-11-21T06:00:00Z"}


def test_json_ld_updates_nested_in_the_live_blog_in_page_order():
    ld = {"@context": "https://schema.org", "@type": "LiveBlogPosting",
          "headline": "Storm Ilse live: evacuations on the northern coast",
          "datePublished": "2026-11-21T06:30:00+01:00",
          "coverageStartTime": "2026-11-21T06:30:00+01:00",
          "coverageEndTime": "2026-11-22T18:00:00+01:00",
          "liveBlogUpdate": [ld_post(*p) for p in POSTS]}
    ld["liveBlogUpdate"][0]["dateModified"] = "2026-11-21T09:50:00+01:00"
    article = clean_article(extract_article(URL, live_page(ld, "")))
    assert article["pageType"] == "LiveBlogPosting"
    assert article["headline"] == "Storm Ilse live: evacuations on the northern coast"
    assert article["coverageStartTime"] == "2026-11-21T05:30:00Z"
    assert article["coverageEndTime"] == "2026-11-22T17:00:00Z"
    updates = article["liveBlogUpdates"]
    assert [u["id"] for u in updates] == [f"{URL}#p3", f"{URL}#p2", f"{URL}#p1"]
    assert [u["datePublished"] for u in updates] == [UTC["p3"], UTC["p2"], UTC["p1"]]
    assert updates[0]["dateModified"] == "2026-11-21T08:50:00Z"
    assert updates[1]["dateModified"] is None
    assert [(u["headline"], u["articleBody"]) for u in updates] == [(h, b) for _, _, h, b in POSTS]
    assert all(u["url"] == u["id"] for u in updates)  # the @id is the post's URL here


def test_graph_updates_given_by_id_reference_and_the_blog_stays_the_article():
    posts = [ld_post(*p) for p in POSTS]
    posts[1]["articleBody"] = ("<p>All schools in Port Ellis and Greyhaven</p>"
                               "<p>will stay closed.</p>")
    posts[1]["url"] = "/live/storm-ilse/schools"
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "@id": URL},
        *posts[::-1],  # listed in the graph in another order than the blog's
        {"@type": "LiveBlogPosting", "@id": f"{URL}#blog", "headline": "Storm Ilse live",
         "liveBlogUpdate": [{"@id": p["@id"]} for p in posts]}]}
    article = extract_article(URL, live_page(ld, ""))
    assert article["headline"] == "Storm Ilse live" and article["pageType"] == "LiveBlogPosting"
    updates = article["liveBlogUpdates"]
    assert [u["headline"] for u in updates] == ["Bridge closed", "Schools shut",
                                                "Evacuations begin"]
    assert updates[1]["articleBody"] == ("All schools in Port Ellis and Greyhaven\n\n"
                                         "will stay closed.")
    assert updates[1]["url"] == "https://news.test/live/storm-ilse/schools"


def test_markup_only_live_page_gives_its_timestamped_posts():
    html = live_page(None, "".join(markup_post(*p) for p in POSTS))
    article = clean_article(extract_article(URL, html))
    updates = article["liveBlogUpdates"]
    assert [u["id"] for u in updates] == [f"{URL}#p3", f"{URL}#p2", f"{URL}#p1"]
    assert [u["url"] for u in updates] == [f"{URL}#p3", f"{URL}#p2", f"{URL}#p1"]
    assert [u["datePublished"] for u in updates] == [UTC["p3"], UTC["p2"], UTC["p1"]]
    assert [(u["headline"], u["articleBody"]) for u in updates] == [(h, b) for _, _, h, b in POSTS]
    assert "coverageStartTime" not in article


def test_markup_posts_of_a_declared_live_blog_need_no_live_class():
    ld = {"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "Storm live"}
    posts = "".join(markup_post(*p, tag="div", cls="entry") for p in POSTS)
    updates = live_blog(ld, [ld], parse_html(live_page(ld, posts)), URL)["liveBlogUpdates"]
    assert len(updates) == 3 and updates[2]["headline"] == "Evacuations begin"


def test_posts_without_ids_get_stable_ones_and_a_pinned_post_counts_once():
    posts = [f'<li class="ticker-item"><time datetime="{d}">x</time>'
             f'<time class="updated" datetime="2026-11-21T10:00:00Z">10:00</time>{b}</li>'
             for _, d, _, b in POSTS]
    html = live_page(None, "<ul>" + posts[0] + "".join(posts) + "</ul>", container="<div>")
    first = live_blog({}, [], parse_html(html), URL)["liveBlogUpdates"]
    again = live_blog({}, [], parse_html(html), URL)["liveBlogUpdates"]
    assert len(first) == 3 and first == again
    assert len({u["id"] for u in first}) == 3
    assert first[0]["articleBody"] == POSTS[0][3] and first[0]["headline"] is None
    assert first[0]["dateModified"] == "2026-11-21T10:00:00Z" and first[0]["url"] is None


def test_comments_teasers_and_dated_lists_of_an_ordinary_article_are_not_posts():
    comments = "".join(markup_post(*p, cls="comment") for p in POSTS)
    teasers = "".join(markup_post(*p, cls="teaser") for p in POSTS)
    plain = "".join(markup_post(*p, cls="item") for p in POSTS)
    for html in (live_page(None, comments, '<div class="live-comments">'),
                 live_page(None, teasers, '<div class="related">'),
                 live_page(None, plain)):
        assert live_blog({"@type": "NewsArticle"}, [], parse_html(html), URL) == {}


def test_an_ordinary_article_has_no_live_fields():
    html = live_page({"@type": "NewsArticle", "headline": "Storm"}, "<p>" + POSTS[0][3] + "</p>")
    article = extract_article(URL, html)
    assert not {"liveBlogUpdates", "coverageStartTime", "coverageEndTime"} & set(article)
