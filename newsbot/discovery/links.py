"""Link following: which links of a section front are articles, and which are more fronts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from io import BytesIO
from urllib.parse import urljoin, urlsplit

from lxml import etree

from newsbot.outlets import Outlet
from newsbot.urls import clean_url

# Generic shape of an article URL, for outlets that declare no pattern of their own:
# a date in the path, a long hyphenated slug, or a long numeric id.
GENERIC_ARTICLE = re.compile(
    r"/(19|20)\d\d/\d{1,2}(/\d{1,2})?/[^/]+"
    r"|/[^/]*[a-z0-9]+(-[a-z0-9]+){3,}[^/]*/?$"
    r"|/[^/]*\d{5,}[^/]*/?$",
    re.IGNORECASE,
)
# Paths that are never articles, whatever they look like.
NOT_ARTICLE = re.compile(
    r"/(tag|tags|topic|topics|author|authors|category|categories|search|login|signin|"
    r"register|subscribe|account|newsletter|newsletters|about|contact|privacy|terms|cookies|"
    r"rss|feed|feeds|sitemap)(/|$)"
    r"|\.(jpe?g|png|gif|webp|svg|pdf|mp3|mp4|zip|css|js|xml|json)$",
    re.IGNORECASE,
)
MAX_SECTION_SEGMENTS = 2
MAX_OUTLINKS = 6000
"""Links of one page looked at, at most (Heritrix's ``maxOutlinks``): real fronts have far fewer,
and a page of 300 000 generated links should cost a crawl no more than a normal one."""


def anchor_hrefs(body: bytes, encoding: str, limit: int = MAX_OUTLINKS) -> list[str]:
    """The ``href`` of the page's first ``limit + 1`` links (one more says there were more).

    Streamed, with each link dropped once read: a page of 300 000 links costs the first 6 001,
    not a 300 MB tree.
    """
    hrefs: list[str] = []
    events = etree.iterparse(BytesIO(body), events=("end",), tag="a", html=True, recover=True,
                             encoding=encoding, no_network=True, huge_tree=False)
    try:
        for _, element in events:
            if (href := element.get("href")) is not None:
                hrefs.append(href)
                if len(hrefs) > limit:
                    break
            element.clear(keep_tail=True)
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.LxmlError:
        pass  # what was read before the document broke is kept
    return hrefs


def classify_links(base_url: str, hrefs: Iterable[str],
                   outlet: Outlet) -> tuple[list[str], list[str]]:
    """``(article URLs, section URLs)`` among the links of a front page, cleaned and unique.

    Only links on the outlet's own hosts count; an article matches the outlet's pattern (or the
    generic shape); a section is a short path that is not an article.
    """
    articles: dict[str, None] = {}
    sections: dict[str, None] = {}
    for href in hrefs:
        href = (href or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        try:
            url = urljoin(base_url, href)
            if not url.startswith(("http://", "https://")) or not outlet.owns(url):
                continue
            url = clean_url(url)
        except ValueError:  # not a URL at all, e.g. "http://[::1"
            continue
        path = urlsplit(url).path or "/"
        if NOT_ARTICLE.search(path):
            continue
        if (outlet.article_re or GENERIC_ARTICLE).search(path):
            articles[url] = None
        elif 0 < len([s for s in path.split("/") if s]) <= MAX_SECTION_SEGMENTS:
            sections[url] = None
    return list(articles), list(sections)
