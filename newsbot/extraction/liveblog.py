"""Live blogs as timed entries, not one long text.

Outlets cover wars, elections and storms as live pages: schema.org ``LiveBlogPosting`` with its
posts as ``liveBlogUpdate`` (nested, in an ``@graph`` or given by ``@id`` reference), or only a
stream of timestamped post blocks in the markup. Each post becomes an entry
``{id, datePublished, dateModified, headline, articleBody, url}``, in page order, so analysts can
count posts per hour or follow one. The markup is read only when the JSON-LD lists no update, and
only on a page that says it is live (its JSON-LD type, or ``live``/``ticker`` in the class or id
of the posts or what holds them), since comment threads and teaser lists are timestamped too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from lxml import html as lxml_html

from newsbot.cleaning import normalise_text
from newsbot.cleaning.plain import plain_text, web_url
from newsbot.dedup.fingerprints import short_id
from newsbot.extraction.dates import normalise_date
from newsbot.extraction.structured import text_of, url_of

LIVE_TYPES = frozenset({"liveblogposting"})
LIVE_TOKENS = frozenset({"live", "liveblog", "liveticker", "ticker", "livefeed", "liveupdates",
                         "liveupdate", "livestream", "livepost", "liveentry"})
"""Words of a class or id that say "live page" (``live-post``, ``liveblog__entry``, ``ticker``)."""
NOT_POSTS = frozenset({"comment", "comments", "reply", "replies", "discussion", "related",
                       "teaser", "teasers", "promo", "recommended"})
"""Words of a class or id that say "timestamped, but not the page's posts"."""
MIN_POST_CHARS = 20
MAX_LINK_SHARE = 0.5
_TOKEN = re.compile(r"[a-z0-9]+")
_BODY_BLOCKS = ("p", "li", "blockquote", "h5", "h6", "pre")
_HEADINGS = ("h2", "h3", "h4")


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type", ())
    return {str(v).rsplit("/", 1)[-1].lower() for v in (value if isinstance(value, list)
                                                          else [value]) if v}


def live_blog(node: dict[str, Any], nodes: list[dict[str, Any]], tree: lxml_html.HtmlElement,
              url: str) -> dict[str, Any]:
    """``liveBlogUpdates``, ``coverageStartTime`` and ``coverageEndTime`` of a live page (only
    those found); an empty dict for any other page. Read the tree before it is pruned."""
    is_live = bool(_types(node) & LIVE_TYPES)
    found: dict[str, Any] = {}
    if is_live:
        updates = [_from_json_ld(u, url) for u in _updates(node, nodes)]
        found["liveBlogUpdates"] = _unique([u for u in updates if u])
        for key in ("coverageStartTime", "coverageEndTime"):
            if value := normalise_date(text_of(node.get(key))):
                found[key] = value
    if not found.get("liveBlogUpdates"):
        found["liveBlogUpdates"] = _unique(list(markup_updates(tree, url, is_live)))
    return {k: v for k, v in found.items() if v}


def _updates(node: dict[str, Any], nodes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The node's ``liveBlogUpdate`` posts, ``@id`` references resolved against the page's
    other JSON-LD objects (``@graph`` pages list posts once and refer to them)."""
    value = node.get("liveBlogUpdate")
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str) and len(n) > 1}
    for entry in value if isinstance(value, list) else [value]:
        if isinstance(entry, dict):
            if set(entry) <= {"@id", "@type"} and entry.get("@id") in by_id:
                entry = by_id[entry["@id"]]
            yield entry
        elif isinstance(entry, str) and entry in by_id:
            yield by_id[entry]


_BREAKS = re.compile(r"<(?:/?(?:p|div|li|h[1-6]|blockquote|tr)|br)\b[^>]*>", re.IGNORECASE)


def _text(value: Any) -> str | None:
    """Plain paragraphs from a JSON-LD text, which CMSs fill with HTML as often as not."""
    text = text_of(value)
    if not text:
        return None
    paragraphs = [normalise_text(p) for p in plain_text(_BREAKS.sub("\n", text)).split("\n")]
    return "\n\n".join(p for p in paragraphs if p) or None


def _from_json_ld(post: dict[str, Any], base_url: str) -> dict[str, Any] | None:
    body = _text(post.get("articleBody") or post.get("text") or post.get("description"))
    headline = _text(post.get("headline") or post.get("name"))
    if not body and not headline:
        return None
    ident = post.get("@id") if isinstance(post.get("@id"), str) else None
    link = url_of(post.get("url")) or web_url(ident)  # an @id is often the post's URL
    return _entry(ident or link, normalise_date(text_of(post.get("datePublished"))),
                  normalise_date(text_of(post.get("dateModified"))), headline, body,
                  web_url(urljoin(base_url, link)) if link else None)


def _entry(ident: str | None, published: str | None, modified: str | None,
           headline: str | None, body: str | None, url: str | None) -> dict[str, Any]:
    """An entry; without an id of its own, one from what identifies a post (its time and words)."""
    if not ident:
        ident = short_id(f"{published or ''}\n{headline or ''}\n{(body or '')[:200]}")
    return {"id": ident, "datePublished": published, "dateModified": modified,
            "headline": headline, "articleBody": body, "url": url}


def _unique(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries in page order, each id once (a post pinned at the top is listed again below)."""
    seen: set[str] = set()
    kept = []
    for entry in entries:
        if entry["id"] not in seen:
            seen.add(entry["id"])
            kept.append(entry)
    return kept


# --- markup ------------------------------------------------------------------------------------
def _tokens(el: lxml_html.HtmlElement) -> set[str]:
    words = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return set(_TOKEN.findall(words)) | {w.replace("-", "").replace("_", "")
                                         for w in words.split()}


def markup_updates(tree: lxml_html.HtmlElement, url: str,
                   is_live: bool) -> Iterator[dict[str, Any]]:
    """Posts of a live page that only has markup: sibling blocks that each carry a
    ``<time datetime>`` and text of their own, under the container holding most of them."""
    children: dict[lxml_html.HtmlElement, list[lxml_html.HtmlElement]] = {}
    for time in tree.iter("time"):
        if not time.get("datetime"):
            continue
        child = time
        for parent in time.iterancestors():
            posts = children.setdefault(parent, [])
            if not posts or posts[-1] is not child:
                posts.append(child)
            child = parent
    candidates = [(p, posts) for p, posts in children.items() if len(posts) >= 2]
    if not candidates:
        return
    # the container with the most posts; of equals, the innermost (it is listed first)
    container, posts = max(candidates, key=lambda c: len(c[1]))
    around = [container, *container.iterancestors()]
    if any(_tokens(el) & NOT_POSTS for el in [*around, *posts]):
        return
    if not is_live and not any(_tokens(el) & LIVE_TOKENS for el in [*around, *posts]):
        return
    for post in posts:
        entry = _post(post, url)
        if entry:
            yield entry


def _own_text(post: lxml_html.HtmlElement, skip: list[Any]) -> Iterator[str]:
    """The post's text, without that of the ``skip`` elements (their tails are kept)."""
    skipped = {el for el in skip if el is not None}

    def inside(el: lxml_html.HtmlElement) -> bool:
        return el in skipped or any(a in skipped for a in el.iterancestors() if a is not post)

    for el in post.iter():
        if el.text and not inside(el):
            yield el.text
        if el is not post and el.tail and (el.getparent() is post or not inside(el.getparent())):
            yield el.tail


def _post(post: lxml_html.HtmlElement, url: str) -> dict[str, Any] | None:
    times = [t for t in post.iter("time") if t.get("datetime")]
    modified = next((t for t in times[1:] if _tokens(t) & {"updated", "modified", "update"}
                     or "modif" in (t.get("itemprop") or "").lower()), None)
    heading = next(post.iter(*_HEADINGS), None)
    headline = normalise_text(heading.text_content()) if heading is not None else None
    blocks = [b for b in post.iter(*_BODY_BLOCKS) if b is not post and not any(
        a.tag in _BODY_BLOCKS for a in b.iterancestors() if a is not post)]
    paragraphs = [normalise_text(b.text_content()) for b in blocks]
    if not blocks:  # text straight in the post: all of it but the times and the heading
        paragraphs = [normalise_text(" ".join(_own_text(post, [*times, heading])))]
    body = "\n\n".join(p for p in paragraphs if p and p != headline)
    text = f"{headline or ''} {body}".strip()
    links = sum(len(a.text_content()) for a in post.iter("a"))
    if len(body) < MIN_POST_CHARS or links > MAX_LINK_SHARE * max(len(text), 1):
        return None
    anchor = post.get("id") or post.get("data-id") or post.get("data-post-id")
    page = url.split("#", 1)[0]
    link = next((a.get("href") for a in post.iter("a") if a.get("href") and (
        "bookmark" in (a.get("rel") or "") or _tokens(a) & {"permalink", "bookmark"})), None)
    permalink = urljoin(page, link) if link else (f"{page}#{anchor}" if anchor else None)
    return _entry(f"{page}#{anchor}" if anchor else None,
                  normalise_date(times[0].get("datetime")),
                  normalise_date(modified.get("datetime")) if modified is not None else None,
                  headline, body, web_url(permalink))
