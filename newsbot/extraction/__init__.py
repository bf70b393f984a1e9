"""Extraction: a pure function from (url, html) to an article dict.

Structured data first (JSON-LD ``NewsArticle`` and friends, OpenGraph, meta tags), because it is
what the outlet itself says about the article; then the main text from trafilatura. The result
uses :class:`newsbot.items.Article` field names and still needs the clean stage
(:func:`newsbot.cleaning.clean_article`): the body here is paragraphs joined by newlines, with
captions, datelines and trailers still in it.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html
from w3lib.encoding import html_to_unicode

from newsbot.cleaning import split_credit
from newsbot.extraction.authors import normalise_authors
from newsbot.extraction.body import article_paragraphs, main_text, paragraphs_of
from newsbot.extraction.dates import normalise_date
from newsbot.extraction.structured import (
    article_node,
    json_ld_nodes,
    list_of,
    meta_tags,
    page_type,
    provenance,
    text_of,
    url_of,
)

PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished", "pubdate",
                  "publishdate", "publish-date", "date", "dc.date.issued", "dcterms.created",
                  "dc.date", "parsely-pub-date", "sailthru.date", "article.published")
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified",
                 "last-modified", "article.updated")
AUTHOR_META = ("author", "article:author", "parsely-author", "dc.creator", "byl",
               "sailthru.author")
BYLINE_XPATH = ('//*[@rel="author" or @itemprop="author" or contains(@class, "byline") '
                'or contains(@class, "author-name")]')
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•]\s+")


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Bytes to text the way Scrapy does it: BOM, then HTTP header, then ``<meta>``, then guess."""
    return html_to_unicode(content_type, body)[1]


def parse_html(html: str) -> lxml_html.HtmlElement | None:
    """An lxml tree, or None for a document with nothing in it."""
    try:
        return lxml_html.document_fromstring(_XML_DECLARATION.sub("", html, count=1))
    except (etree.ParserError, ValueError):
        return None


def _first(*values: Any) -> Any:
    return next((v for v in values if v), None)


def _meta(meta: dict[str, list[str]], *names: str) -> str | None:
    return next((meta[n][0] for n in names if n in meta), None)


def _strip_site_name(title: str, site_names: set[str]) -> str | None:
    """``"Headline | Site"`` -> ``"Headline"`` when "Site" is the outlet's own name."""
    title = title.strip(" |-–—:·•")
    while seps := list(_TITLE_SEPARATORS.finditer(title)):
        if title[seps[-1].end():].casefold() in site_names:
            title = title[: seps[-1].start()]
        elif title[: seps[0].start()].casefold() in site_names:
            title = title[seps[0].end():]
        else:
            break
    return None if title.casefold() in site_names else title


def _language(tree: lxml_html.HtmlElement, node: dict, meta: dict) -> str | None:
    raw = _first(text_of(node.get("inLanguage")), tree.get("lang"), _meta(meta, "og:locale"),
                 _meta(meta, "content-language", "dc.language", "language"))
    if not raw:
        return None
    parts = raw.strip().replace("_", "-").split("-")
    if not parts[0].isalpha() or not 2 <= len(parts[0]) <= 3:
        return None
    return "-".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p for p in parts[1:2])])


def _images(tree: lxml_html.HtmlElement, url: str, main_url: str | None) -> list[dict]:
    scope = tree.xpath("//article") or [tree]
    images = []
    for figure in scope[0].iter("figure"):
        img = next(figure.iter("img"), None)
        src = None
        if img is not None:
            src = _first(img.get("src"), img.get("data-src"),
                         (img.get("srcset") or "").split(" ")[0])
        caption_el = next(figure.iter("figcaption"), None)
        caption, credit = (split_credit(caption_el.text_content()) if caption_el is not None
                           else (None, None))
        if src or caption:
            images.append({"url": urljoin(url, src) if src else None,
                           "caption": caption or None, "credit": credit})
    if main_url and not any(i["url"] == main_url for i in images):
        images.insert(0, {"url": main_url, "caption": None, "credit": None})
    return images


def extract_article(url: str, html: str) -> dict[str, Any]:
    """Everything the page says about its article, under Article field names."""
    tree = parse_html(html)
    if tree is None:
        return {"url": url}
    nodes = json_ld_nodes(tree)
    node = article_node(nodes) or {}
    meta = meta_tags(tree)
    site_names = {s.casefold() for s in filter(None, [
        _meta(meta, "og:site_name", "application-name"), text_of(node.get("publisher"))])}

    h1 = _first(*(h.text_content().strip() for h in tree.iter("h1")))
    title = tree.findtext(".//title")
    headline = text_of(node.get("headline")) or text_of(node.get("name"))
    if headline and headline.endswith(("...", "…")) and h1 and h1.startswith(headline.rstrip(".…")):
        headline = h1  # JSON-LD headlines are often cut at 110 characters
    headline = headline or _first(
        *(_strip_site_name(t, site_names) for t in filter(None, [
            _meta(meta, "og:title", "twitter:title"), h1, title])))

    canonical = tree.xpath('string(//link[contains(concat(" ", normalize-space(@rel), " "), '
                           '" canonical ")]/@href)').strip()
    canonical = _first(canonical, _meta(meta, "og:url"), url_of(node.get("url")),
                       url_of(node.get("mainEntityOfPage")))

    published_raw = _first(text_of(node.get("datePublished")), _meta(meta, *PUBLISHED_META),
                           tree.xpath('string(//time[@itemprop="datePublished"]/@datetime)'),
                           tree.xpath('string((//article//time/@datetime)[1])'))
    modified_raw = _first(text_of(node.get("dateModified")), _meta(meta, *MODIFIED_META))

    author_values = node.get("author") or node.get("creator")
    if not author_values:
        author_values = [v for n in AUTHOR_META for v in meta.get(n, ())
                         if not v.startswith(("http://", "https://"))][:1]
    if not author_values:
        author_values = [el.text_content() for el in tree.xpath(BYLINE_XPATH)][:1]

    main_image = url_of(node.get("image")) or _meta(meta, "og:image", "twitter:image")
    main_image = urljoin(url, main_image) if main_image else None
    images = _images(tree, url, main_image)

    ld_body = paragraphs_of(text_of(node.get("articleBody")) or "")
    paragraphs = main_text(tree, url) or ld_body  # main_text prunes the tree: keep it last
    if not paragraphs and (fresh := parse_html(html)) is not None:
        paragraphs = article_paragraphs(fresh)

    article: dict[str, Any] = {
        "url": url,
        "canonicalUrl": urljoin(url, canonical) if canonical else None,
        "headline": headline,
        "description": _first(text_of(node.get("description")),
                              _meta(meta, "og:description", "description", "twitter:description")),
        "articleBody": "\n".join(paragraphs) or None,
        "datePublished": normalise_date(published_raw),
        "datePublishedRaw": published_raw,
        "dateModified": normalise_date(modified_raw),
        "dateModifiedRaw": modified_raw,
        "authors": normalise_authors([author_values]) if author_values else [],
        "inLanguage": _language(tree, node, meta),
        "mainImage": next((dict(i) for i in images if i["url"] == main_image), None),
        "images": images,
        "articleSection": _first(*list_of(node.get("articleSection")),
                                 _meta(meta, "article:section")),
        "keywords": list_of(node.get("keywords"))
        or list_of(_meta(meta, "news_keywords", "keywords") or "")
        or meta.get("article:tag", []),
        "pageType": _first(page_type(node), _meta(meta, "og:type")),
        "attributionEvidence": provenance(node, url),
    }
    return {k: v for k, v in article.items() if v not in (None, "", [])}
