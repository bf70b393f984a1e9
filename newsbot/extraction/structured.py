"""Structured data: JSON-LD, OpenGraph and meta tags, read straight from the page.

JSON-LD is parsed here rather than through a main-text extractor because extractors drop what
news analysis needs most: trafilatura, for one, discards Organization authors such as
"Associated Press", and none keeps ``isBasedOn`` or ``sourceOrganization``.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from lxml import html as lxml_html

ARTICLE_TYPES = frozenset({
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "askpublicnewsarticle",
    "blogposting", "liveblogposting", "report", "socialmediaposting", "techarticle",
})
NOT_ARTICLE_TYPES = frozenset({"website", "webpage", "collectionpage", "searchresultspage",
                               "profilepage", "video.other", "video", "product", "profile",
                               "itemlist"})
"""Page types (``og:type`` or JSON-LD) that say "this page is not an article"."""
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type", ())
    values = value if isinstance(value, list) else [value]
    return {str(v).rsplit("/", 1)[-1].lower() for v in values if v}


_WRAPPERS = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$")


def load_json(text: str) -> Any:
    """JSON-LD as pages write it: wrapped in ``<!-- -->`` or ``//<![CDATA[``, trailing commas."""
    text = _WRAPPERS.sub("", text.strip()).strip().rstrip(";")
    for candidate in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json.loads(candidate, strict=False)
        except ValueError:
            continue
    return None


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    """Every dict in a JSON-LD document, depth first (``@graph``, lists, ``mainEntity`` ...)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(reversed([v for v in item.values() if isinstance(v, dict | list)]))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def json_ld_documents(tree: lxml_html.HtmlElement) -> list[Any]:
    """Each JSON-LD script of the page, parsed leniently (trailing commas, raw newlines)."""
    scripts = tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]')
    return [data for script in scripts if (data := load_json(script.text or "")) is not None]


def json_ld_nodes(tree: lxml_html.HtmlElement) -> list[dict[str, Any]]:
    """All JSON-LD objects on the page, nested ones included."""
    return [node for data in json_ld_documents(tree) for node in _walk(data)]


def top_level_objects(documents: list[Any]) -> list[dict[str, Any]]:
    """The objects a page declares at the top of its JSON-LD (a script's object or list,
    ``@graph`` members, a ``WebPage``'s ``mainEntity``), not the objects nested in them (the
    teasers of an ``ItemList``)."""
    stack = list(documents)
    found: list[dict[str, Any]] = []
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            found.append(item)
            stack.extend(v for k, v in item.items()
                         if k in ("@graph", "mainEntity") and isinstance(v, list | dict))
    return found


def types_of(node: dict[str, Any]) -> set[str]:
    """The lower-cased ``@type`` names of a JSON-LD object."""
    return _types(node)


def _nested_in(node: dict[str, Any]) -> set[int]:
    """Identities of the dicts inside ``node`` (the updates of a live blog, its parts)."""
    return {id(d) for value in node.values() if isinstance(value, dict | list)
            for d in _walk(value)}


def _post_references(node: dict[str, Any]) -> Iterator[str]:
    """``@id``s of the posts or parts a node refers to (an ``@graph`` live blog lists its
    ``liveBlogUpdate`` posts as nodes of their own)."""
    for key in ("liveBlogUpdate", "hasPart"):
        value = node.get(key)
        for entry in value if isinstance(value, list) else [value]:
            ref = entry.get("@id") if isinstance(entry, dict) else entry
            if isinstance(ref, str):
                yield ref


def article_node(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The node describing the article: the article-typed node with the most content, among
    those not nested in another one nor referred to as its post (a live blog's
    ``liveBlogUpdate`` posts are parts of it)."""
    candidates = [n for n in nodes if _types(n) & ARTICLE_TYPES]
    if not candidates:
        return None
    inner = set().union(*(_nested_in(n) for n in candidates))
    posts = {ref for n in candidates for ref in _post_references(n)}
    candidates = [n for n in candidates
                  if id(n) not in inner and n.get("@id") not in posts] or candidates
    return max(candidates, key=lambda n: (bool(n.get("headline")),
                                          len(str(n.get("articleBody", ""))), len(n)))


def resolve_ids(value: Any, nodes: list[dict[str, Any]]) -> Any:
    """``{"@id": ...}`` references replaced by the node they point to (Yoast-style ``@graph``
    pages give the author only as a reference to a ``Person`` elsewhere in the graph)."""
    if isinstance(value, list):
        return [resolve_ids(v, nodes) for v in value]
    if isinstance(value, dict) and "@id" in value and not value.get("name"):
        return next((n for n in nodes if n.get("@id") == value["@id"] and n.get("name")), value)
    return value


def page_type(node: dict[str, Any]) -> str | None:
    """The schema.org type a node declares (``"NewsArticle"``), preferring article types."""
    value = node.get("@type")
    values = [str(v).rsplit("/", 1)[-1]
              for v in (value if isinstance(value, list) else [value]) if v]
    return next((v for v in values if v.lower() in ARTICLE_TYPES), values[0] if values else None)


def meta_tags(tree: lxml_html.HtmlElement) -> dict[str, list[str]]:
    """``<meta>`` values by lower-cased ``property``/``name``/``itemprop``, in page order."""
    meta: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
        value = el.get("content")
        if key and value and value.strip():
            meta.setdefault(key.strip().lower(), []).append(unescape(value).strip())
    return meta


def unescape(text: str) -> str:
    """Character references left in by CMSs that escape twice (``&quot;``, ``&#8217;``)."""
    return html.unescape(text) if "&" in text else text


def text_of(value: Any) -> str | None:
    """A plain string from a JSON-LD value that may be a string, a list or a ``{"name"}``."""
    if isinstance(value, str):
        return unescape(value).strip() or None
    if isinstance(value, list):
        return next((t for t in map(text_of, value) if t), None)
    if isinstance(value, dict):
        return text_of(value.get("name") or value.get("@value") or value.get("alternateName"))
    if isinstance(value, int | float):
        return str(value)
    return None


def url_of(value: Any) -> str | None:
    """A URL from a JSON-LD value: a string, ``{"url"}``/``{"@id"}``, or a list of those."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        return next((u for u in map(url_of, value) if u), None)
    if isinstance(value, dict):
        return url_of(value.get("url") or value.get("contentUrl") or value.get("@id"))
    return None


def list_of(value: Any) -> list[str]:
    """Keywords and sections: a comma-separated string or a list, as a list of strings."""
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list):
        return [s for v in value for s in list_of(v)]
    if isinstance(value, dict) and (name := text_of(value)):
        return [name]
    return []


_CREDIT_PROPERTIES = ("sourceOrganization", "provider", "author", "creator")
_ORGANISATION_TYPES = frozenset({"organization", "newsmediaorganization", "newsagency"})


def provenance(node: dict[str, Any], base_url: str) -> list[dict[str, str]]:
    """What the article node credits: organisations it names as author, creator, provider or
    ``sourceOrganization``, and the URLs it ``isBasedOn``, as raw cues
    ``{"cue": "jsonld:<property>" | "isBasedOn", "text": ...}`` for the attribute stage."""
    cues = []
    for prop in _CREDIT_PROPERTIES:
        value = node.get(prop)
        for entry in value if isinstance(value, list) else [value]:
            organisation = isinstance(entry, dict) and _types(entry) & _ORGANISATION_TYPES
            bare = isinstance(entry, str) and prop in ("sourceOrganization", "provider")
            if (organisation or bare) and (name := text_of(entry)):
                cues.append({"cue": f"jsonld:{prop}", "text": name})
    based_on = node.get("isBasedOn")
    for entry in based_on if isinstance(based_on, list) else [based_on]:
        if url := url_of(entry):
            cues.append({"cue": "isBasedOn", "text": urljoin(base_url, url)})
    return cues
