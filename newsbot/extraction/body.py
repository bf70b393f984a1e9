"""Main text: the JSON-LD ``articleBody`` where it is complete, else trafilatura, else the
page's ``<article>`` paragraphs.

The outlet's own ``articleBody`` is the best evidence of what the article is (no related links,
promotions or captions), but it is often a teaser, HTML, or one run of text without paragraph
breaks. So it is not used as text: it picks the page's own blocks (paragraphs, sub-headlines,
list items, table cells) whose text it contains, which keeps the page's paragraphing. It is
taken only when those blocks account for nearly all of it and their container holds little
other paragraph text, which is what tells a complete body from a teaser. Otherwise trafilatura
(``favor_precision``, measured best here) reads the page, and ``<article> <p>`` is the last
resort for the very short briefs it rejects.
"""

from __future__ import annotations

import re

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.settings import Document
from trafilatura.xml import xmltotxt

_WS = re.compile(r"[ \t\r\f\v]+")
_WORD = re.compile(r"\w+")
_HTML_TAG = re.compile(r"<(?:p|br|div|a|span|strong|em|b|i|h[1-6]|li|ul|ol)\b[^>]*>", re.IGNORECASE)
LEAF_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th", "dd",
               "dt")
HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
MIN_STRUCTURED_CHARS = 400  # shorter articleBody values are teasers more often than articles
MIN_COVERAGE = 0.9  # share of the articleBody found in the page's blocks
MAX_OTHER_TEXT = 0.35  # paragraph text in the same container not in articleBody, relative
MIN_BLOCK_CHARS = 15  # shorter blocks match anywhere by chance
MIN_BLOCK_MATCH = 0.9  # share of a block's three-word runs that must be in articleBody
MAX_HEADING_WORDS = 20
LINK_LIST_SHARE = 0.9  # share of a list item's text inside links that makes it a link


def paragraphs_of(text: str) -> list[str]:
    """Non-empty lines of a block of text, whitespace collapsed."""
    return [p for p in (_WS.sub(" ", line).strip() for line in text.splitlines()) if p]


def _squash(text: str) -> str:
    return " ".join(text.split())


def _trigrams(text: str) -> list[tuple[str, ...]]:
    """Runs of three words: quotes, dashes, spacing and the odd mis-encoded character differ
    between the ``articleBody`` and the page's HTML, the run of words mostly does not."""
    words = _WORD.findall(text.casefold())
    return [tuple(words[i:i + 3]) for i in range(max(1, len(words) - 2))]


def _plain(body: str) -> str:
    """``articleBody`` as text, also when the CMS put HTML in it."""
    if not _HTML_TAG.search(body):
        return body
    try:
        fragment = lxml_html.fragment_fromstring(body, create_parent="div")
    except (etree.ParserError, ValueError):
        return body
    for el in fragment.iter(*LEAF_BLOCKS, "div", "br", "h1", "ul", "ol", "table", "tr"):
        el.tail = "\n" + (el.tail or "")  # blocks end lines: "</h3><p>" is no word join
    text: str = fragment.text_content()
    return text


def _leaf_blocks(root: lxml_html.HtmlElement) -> list[tuple[lxml_html.HtmlElement, str]]:
    """Block elements with no block inside them, with their whitespace-collapsed text."""
    blocks = []
    for el in root.iter(*LEAF_BLOCKS):
        if next(el.iterdescendants(*LEAF_BLOCKS), None) is None \
                and (text := _squash(el.text_content())):
            blocks.append((el, text))
    return blocks


def _container(elements: list[lxml_html.HtmlElement]) -> lxml_html.HtmlElement:
    """The deepest element holding all of ``elements``."""
    common = list(elements[0].iterancestors())
    for el in elements[1:]:
        ancestors = set(el.iterancestors())
        common = [a for a in common if a in ancestors]
    return common[0]


def structured_paragraphs(tree: lxml_html.HtmlElement, article_body: str | None) -> list[str]:
    """The page's blocks that make up a complete JSON-LD ``articleBody``, or [] (see module)."""
    body = _squash(_plain(article_body or ""))
    if len(body) < MIN_STRUCTURED_CHARS:
        return []
    known = set(_trigrams(body))
    blocks = _leaf_blocks(tree)
    matched = set()
    for el, text in blocks:
        if len(text) >= MIN_BLOCK_CHARS:
            runs = _trigrams(text)
            if sum(run in known for run in runs) >= MIN_BLOCK_MATCH * len(runs):
                matched.add(el)
    found = sum(len(text) for el, text in blocks if el in matched)
    if not matched or found < MIN_COVERAGE * len(body):
        return []
    container = _container(list(matched))
    inside = [(el, text) for el, text in blocks
              if el in matched or any(a is container for a in el.iterancestors())]
    other = sum(len(text) for el, text in inside if el.tag == "p" and el not in matched)
    if other > MAX_OTHER_TEXT * found:
        return []  # the container has much more text: articleBody is a teaser or a part
    positions = [i for i, (el, _) in enumerate(inside) if el in matched]
    paragraphs: list[str] = []
    for i in range(positions[0], positions[-1] + 1):
        el, text = inside[i]
        keep = el in matched or _is_subheadline(el, text, inside[i + 1][0], matched)
        if keep and text not in paragraphs:
            paragraphs.append(text)
    return paragraphs


def _link_share(el: lxml_html.HtmlElement, text: str) -> float:
    return sum(len(_squash(a.text_content())) for a in el.iter("a")) / max(1, len(text))


def _next_content(el: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The first element with text after ``el`` in the page, climbing out of wrappers."""
    for node in (el, *el.iterancestors()):
        for sibling in node.itersiblings():
            if not isinstance(sibling.tag, str) or not sibling.text_content().strip():
                continue
            return sibling
    return None


def _is_subheadline(el: lxml_html.HtmlElement, text: str, following: lxml_html.HtmlElement,
                    matched: set[lxml_html.HtmlElement]) -> bool:
    """A heading between article paragraphs that ``articleBody`` left out: short, not a link
    (related stories are), and directly followed by article text (not by a teaser box)."""
    if el.tag not in HEADINGS or len(text.split()) > MAX_HEADING_WORDS or following not in matched:
        return False
    if _link_share(el, text) >= 0.5:
        return False
    after = _next_content(el)
    return after is not None and (after is following or following in after.iterdescendants())


def _link_items(tree: lxml_html.HtmlElement) -> set[str]:
    """Texts of the page's list items that are all link: entries of related-story lists."""
    items = set()
    for li in tree.iter("li"):
        text = _squash(li.text_content())
        if text and _link_share(li, text) >= LINK_LIST_SHARE:
            items.add(text)
    return items


def _drop_link_lists(body: etree._Element, link_items: set[str]) -> None:
    """Lists whose every item is a link on the page are related-story lists."""
    for lst in list(body.iter("list")):
        items = [_squash("".join(i.itertext())) for i in lst.findall("item")]
        if len(items) >= 2 and all(i in link_items for i in items):
            lst.getparent().remove(lst)


def _drop_repeated_rows(body: etree._Element) -> None:
    """A table header that trafilatura writes twice (``<thead>`` and first row) once."""
    for table in body.iter("table"):
        previous = None
        for row in table.findall("row"):
            cells = ["".join(c.itertext()).strip() for c in row]
            if cells == previous:
                table.remove(row)
            previous = cells


def main_text(tree: lxml_html.HtmlElement, url: str | None) -> list[str]:
    """Paragraphs found by trafilatura (which may prune ``tree``: call it last), without
    related-story link lists."""
    link_items = _link_items(tree)
    document: Document | None = trafilatura.bare_extraction(  # type: ignore[assignment]
        tree, url=url, favor_precision=True, include_comments=False, include_tables=True,
        include_images=False, deduplicate=False)
    if document is None or document.body is None:
        return []
    _drop_link_lists(document.body, link_items)
    _drop_repeated_rows(document.body)
    return paragraphs_of(xmltotxt(document.body, include_formatting=False))


def article_paragraphs(tree: lxml_html.HtmlElement) -> list[str]:
    """Plain ``<p>`` texts inside ``<article>`` (or the whole page): the last-resort body."""
    scope = tree.xpath("//article") or [tree]
    return [t for t in (_WS.sub(" ", p.text_content()).strip() for p in scope[0].iter("p")) if t]
