"""Extraction: a pure function from (url, html) to an article dict.

Structured data first (JSON-LD ``NewsArticle`` and friends, OpenGraph, meta tags), because it is
what the outlet itself says about the article; then the main text (:mod:`.body`: the page's
blocks a complete JSON-LD ``articleBody`` names, else trafilatura). Each field combines its
candidate sources by evidence, in its own module: :mod:`.headline`, :mod:`.authors`,
:mod:`.dates`, :mod:`.language`. The result uses :class:`newsbot.items.Article` field names and
still needs the clean stage
(:func:`newsbot.cleaning.clean_article`): the body here is paragraphs joined by newlines, with
captions, datelines and trailers still in it.
"""

from __future__ import annotations

import re
from typing import Any, cast
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from newsbot.cleaning import split_credit
from newsbot.extraction.authors import find_authors
from newsbot.extraction.body import (
    article_paragraphs,
    main_text,
    paragraphs_of,
    structured_paragraphs,
)
from newsbot.extraction.corrections import find_corrections
from newsbot.extraction.dates import find_dates
from newsbot.extraction.headline import choose_headline, without_repeated_title
from newsbot.extraction.language import article_language, declared_language
from newsbot.extraction.liveblog import live_blog
from newsbot.extraction.paywall import accessible_for_free
from newsbot.extraction.site import site_name_keys
from newsbot.extraction.structured import (
    article_node,
    json_ld_nodes,
    list_of,
    meta_tags,
    page_type,
    provenance,
    resolve_ids,
    text_of,
    url_of,
)
from newsbot.items import ArticleData, Image

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


# Comments dropped at parse time: React-style pages put ``<!-- -->`` inside paragraphs, and the
# main-text extractor loses the text that follows one (the comment's tail).
_PARSER = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)


def parse_html(html: str) -> lxml_html.HtmlElement | None:
    """An lxml tree without comments, or None for a document with nothing in it."""
    try:
        return lxml_html.document_fromstring(_XML_DECLARATION.sub("", html, count=1),
                                             parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


def _first(*values: Any) -> Any:
    return next((v for v in values if v), None)


def _meta(meta: dict[str, list[str]], *names: str) -> str | None:
    return next((meta[n][0] for n in names if n in meta), None)


def _images(tree: lxml_html.HtmlElement, url: str, main_url: str | None) -> list[Image]:
    scope = tree.xpath("//article") or [tree]
    images: list[Image] = []
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


def extract_article(url: str, html: str) -> ArticleData:
    """Everything the page says about its article, under Article field names."""
    tree = parse_html(html)
    if tree is None:
        return {"url": url}
    nodes = json_ld_nodes(tree)
    node = article_node(nodes) or {}
    meta = meta_tags(tree)
    site_keys = site_name_keys(url, _meta(meta, "og:site_name", "application-name"),
                               text_of(node.get("publisher")))
    titles = [text_of(node.get("headline")) or text_of(node.get("name")),
              _meta(meta, "og:title"), _meta(meta, "twitter:title"),
              _first(*(h.text_content().strip() for h in tree.iter("h1"))),
              tree.findtext(".//title")]
    headline = choose_headline(titles, site_keys)

    canonical = tree.xpath('string(//link[contains(concat(" ", normalize-space(@rel), " "), '
                           '" canonical ")]/@href)').strip()
    canonical = _first(canonical, _meta(meta, "og:url"), url_of(node.get("url")),
                       url_of(node.get("mainEntityOfPage")))

    dates = find_dates(node, meta, tree)
    authors = find_authors(resolve_ids(node.get("author") or node.get("creator"), nodes),
                           meta, tree, site_keys)
    main_image = url_of(node.get("image")) or _meta(meta, "og:image", "twitter:image")
    main_image = urljoin(url, main_image) if main_image else None
    images = _images(tree, url, main_image)

    # read before main_text prunes the tree
    live = live_blog(node, nodes, tree, url)
    corrections = find_corrections(tree, node)
    free = accessible_for_free(node, meta, tree)
    ld_body = text_of(node.get("articleBody"))
    paragraphs = (structured_paragraphs(tree, ld_body)
                  or main_text(tree, url)  # prunes the tree: nothing may read it after this
                  or paragraphs_of(ld_body or ""))
    if not paragraphs and (fresh := parse_html(html)) is not None:
        paragraphs = article_paragraphs(fresh)
    paragraphs = without_repeated_title(paragraphs, titles, site_keys)

    article: dict[str, Any] = {
        "url": url,
        "canonicalUrl": urljoin(url, canonical) if canonical else None,
        "headline": headline,
        "description": _first(text_of(node.get("description")),
                              _meta(meta, "og:description", "description", "twitter:description")),
        "articleBody": "\n".join(paragraphs) or None,
        **dates,
        "authors": authors,
        "inLanguage": article_language(_first(*map(declared_language, [
            text_of(node.get("inLanguage")), tree.get("lang"), _meta(meta, "og:locale"),
            _meta(meta, "content-language", "dc.language", "language")])),
            "\n".join([headline or "", *paragraphs])),
        "mainImage": next((dict(i) for i in images if i["url"] == main_image), None),
        "images": images,
        "articleSection": _first(*list_of(node.get("articleSection")),
                                 _meta(meta, "article:section")),
        "keywords": list_of(node.get("keywords"))
        or list_of(_meta(meta, "news_keywords", "keywords") or "")
        or meta.get("article:tag", []),
        "pageType": _first(page_type(node), _meta(meta, "og:type")),
        "isAccessibleForFree": free,
        **live,
        "corrections": corrections,
        "attributionEvidence": provenance(node, url),
    }
    return cast(ArticleData, {k: v for k, v in article.items() if v not in (None, "", [])})
