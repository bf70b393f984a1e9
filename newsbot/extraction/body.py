"""Main text: the page's blocks that independent methods agree are the article.

The outlet's own JSON-LD ``articleBody`` is the best evidence where it is complete (no related
links, promotions or captions), so when the page's blocks account for nearly all of it, those
blocks are the body (:func:`structured_blocks`). Otherwise two cheap methods that share no code
vote on every block of the page (:mod:`.blocks`):

- resiliparse's main-content extraction, on its own lexbor parse of the page;
- :func:`density_blocks`: the container that holds the most sentence-like, unlinked text.

Where they agree on nearly all of the text, their agreement is the body, and the few blocks
only one of them keeps are settled by where they are (between agreed blocks or outside them).
Where they disagree, trafilatura (``favor_precision``, without its own readability/justext
fallback) is asked and each block needs two of the three votes. A partial ``articleBody``
(a teaser) votes for the blocks it contains. This is what makes the usual page cost one lexbor
parse and a pass over the blocks, and trafilatura only the pages where the methods differ.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from html import unescape
from itertools import islice

import trafilatura
from lxml import etree
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree
from trafilatura.settings import Document
from trafilatura.xml import xmltotxt

from newsbot.extraction.blocks import Block, TextIndex, page_blocks

_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,5}|#x[0-9a-fA-F]{2,4});")
_WS = re.compile(r"[ \t\r\f\v]+")
_HTML_TAG = re.compile(r"<(?:p|br|div|a|span|strong|em|b|i|h[1-6]|li|ul|ol)\b[^>]*>", re.IGNORECASE)
HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
# Blocks that are paragraphs of a container rather than the container itself.
PARAGRAPH_TAGS = frozenset({"p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd",
                            "dt", "tr", "td", "th", "figcaption", "address", "summary"})
# Class and id words of containers of article text, and of what surrounds it.
POSITIVE_NAMES = re.compile(r"article|body|content|entry|main|post|story|text|prose|richtext",
                            re.IGNORECASE)
NEGATIVE_NAMES = re.compile(
    r"comment|footer|foot|header|masthead|menu|nav|sidebar|aside|related|recommend|teaser|"
    r"promo|share|sharing|social|newsletter|subscribe|signup|advert|\bads?\b|sponsor|banner|"
    r"cookie|consent|modal|popup|breadcrumb|pagination|tags|author-bio|bio\b|widget|"
    r"caption|credit|byline|meta|dateline|timestamp|toolbar|outbrain|taboola|more-?stories",
    re.IGNORECASE)
_CONTENT_LEVELS = (1.0, 0.5, 1 / 3)  # a paragraph's score for its parent, grandparent ...


@dataclass(frozen=True)
class Tuning:
    """The thresholds of the main-text choice. Fitted on the development pages;
    ``benchmarks/extraction.py`` refits them without each held-out group of sites and reports
    both figures."""

    agreement: float = 0.8
    """Share of the voted text both cheap methods keep above which trafilatura is not asked."""
    max_link_density: float = 0.5
    """Blocks with more of their text inside links are navigation, not article text."""
    sibling_share: float = 0.5
    """A sibling of the richest container scoring this share of it holds article text too."""
    min_structured_chars: int = 400
    """Shorter ``articleBody`` values are teasers more often than articles."""
    min_coverage: float = 0.9
    """Share of the ``articleBody`` that the page's blocks must account for."""
    max_other_text: float = 0.35
    """Paragraph text around the matched blocks, not in ``articleBody``, relative to them."""


TUNING = Tuning()
MIN_BLOCK_MATCH = 0.9  # share of a block's three-word runs that a method's text must have
MIN_PARAGRAPH_CHARS = 25  # shorter blocks say little about their container
MAX_HEADING_WORDS = 20
# lxml (libxml2) keeps 255 levels of nesting and drops deeper ones; lexbor keeps them all, and
# resiliparse's main-content pass takes time quadratic in the depth, in C, where the crawl's CPU
# budget cannot interrupt it (6,000 levels: 1.7 s; 100,000: minutes). Pages that deep are
# decided without it.
MAX_DEPTH = 250
LINK_LIST_SHARE = 0.9  # share of a list item's text inside links that makes it a link


def paragraphs_of(text: str) -> list[str]:
    """Non-empty lines of a block of text, whitespace collapsed."""
    return [p for p in (_WS.sub(" ", line).strip() for line in text.splitlines()) if p]


def plain_body(body: str) -> str:
    """``articleBody`` as text, also when the CMS put HTML in it or escaped it twice."""
    if _ENTITY.search(body):
        body = unescape(body)
    if not _HTML_TAG.search(body):
        return body
    try:
        fragment = etree.fromstring(f"<div>{body}</div>", parser=etree.HTMLParser())
    except (etree.ParserError, ValueError):
        return body
    return body if fragment is None else "\n".join(b.text for b in page_blocks(fragment))


# --- the outlet's articleBody ------------------------------------------------------------------

def _ancestors(block: Block, levels: int | None = None) -> list[etree._Element]:
    """The containers of a block, innermost first: a paragraph's parent, or the ``<div>`` whose
    own text it is."""
    chain = block.element.iterancestors() if block.tag in PARAGRAPH_TAGS \
        else chain_of(block.element)
    return list(islice(chain, levels))


def chain_of(el: etree._Element) -> Iterator[etree._Element]:
    yield el
    yield from el.iterancestors()


def _inside(block: Block, container: etree._Element) -> bool:
    return block.element is container or any(a is container for a in block.element.iterancestors())


def _common_container(blocks: list[Block]) -> etree._Element:
    """The deepest element holding all of ``blocks``."""
    common = _ancestors(blocks[0])
    for block in blocks[1:]:
        ancestors = {id(a) for a in _ancestors(block)}
        common = [a for a in common if id(a) in ancestors]
    return common[0]


def structured_blocks(blocks: list[Block], article_body: str | None,
                      tuning: Tuning = TUNING) -> list[Block]:
    """The page's blocks that make up a complete JSON-LD ``articleBody``, or []: complete when
    the blocks account for nearly all of it and their container holds little other text."""
    body = " ".join(plain_body(article_body or "").split())
    if len(body) < tuning.min_structured_chars:
        return []
    index = TextIndex([body])
    matched = [b for b in blocks if len(b.text) >= 15 and index.share(b) >= MIN_BLOCK_MATCH]
    found = sum(len(b.text) for b in matched)
    if not matched or found < tuning.min_coverage * len(body):
        return []
    container = _common_container(matched)
    inside = [b for b in blocks if _inside(b, container)]
    chosen = {b.index for b in matched}
    other = sum(len(b.text) for b in inside if b.tag == "p" and b.index not in chosen)
    if other > tuning.max_other_text * found:
        return []  # the container has much more text: articleBody is a teaser or a part
    first, last = min(chosen), max(chosen)
    kept = [b for b in inside if first <= b.index <= last
            and (b.index in chosen or _is_subheadline(b, blocks, chosen))]
    return kept


def _is_subheadline(block: Block, blocks: list[Block], chosen: set[int]) -> bool:
    """A heading between article paragraphs that a method left out: short, not a link
    (related stories are), and directly followed by a chosen block."""
    return (block.tag in HEADINGS and len(block.text.split()) <= MAX_HEADING_WORDS
            and block.link_density < 0.5 and block.index + 1 < len(blocks)
            and block.index + 1 in chosen)


# --- the voters --------------------------------------------------------------------------------

def _votes(blocks: list[Block], paragraphs: Sequence[str]) -> list[bool]:
    """Which blocks a method's text contains."""
    index = TextIndex(paragraphs)
    if not index:
        return [False] * len(blocks)
    return [index.share(b) >= MIN_BLOCK_MATCH for b in blocks]


def resiliparse_paragraphs(html: str) -> list[str]:
    """resiliparse's main content of the page, parsed anew by lexbor (about a millisecond)."""
    text = extract_plain_text(HTMLTree.parse(html), preserve_formatting=True, main_content=True,
                              list_bullets=False, alt_texts=False, comments=False)
    return paragraphs_of(text)


def trafilatura_paragraphs(html: str, url: str | None, blocks: list[Block]) -> list[str]:
    """trafilatura's main text (without its readability/justext comparison, which measured no
    better on the pages that get here), without related-story link lists."""
    document = trafilatura.bare_extraction(
        html, url=url, favor_precision=True, fast=True, include_comments=False,
        include_tables=True, include_images=False, deduplicate=False, with_metadata=False)
    if not isinstance(document, Document) or document.body is None:
        return []
    _drop_link_lists(document.body, {b.text for b in blocks if b.tag == "li"
                                     and b.link_density >= LINK_LIST_SHARE})
    _drop_repeated_rows(document.body)
    return paragraphs_of(xmltotxt(document.body, include_formatting=False))


def _text(el: etree._Element) -> str:
    return "".join(str(t) for t in el.itertext())


def _drop_link_lists(body: etree._Element, link_items: set[str]) -> None:
    """Lists whose every item is a link on the page are related-story lists."""
    for lst in list(body.iter("list")):
        items = [" ".join(_text(i).split()) for i in lst.findall("item")]
        if len(items) >= 2 and all(i in link_items for i in items) \
                and (parent := lst.getparent()) is not None:
            parent.remove(lst)


def _drop_repeated_rows(body: etree._Element) -> None:
    """A table header that trafilatura writes twice (``<thead>`` and first row) once."""
    for table in body.iter("table"):
        previous = None
        for row in table.findall("row"):
            cells = [_text(c).strip() for c in row]
            if cells == previous:
                table.remove(row)
            previous = cells


def _names(el: etree._Element) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def density_blocks(blocks: list[Block], tuning: Tuning = TUNING) -> list[bool]:
    """The blocks of the container richest in unlinked, sentence-like text (a paragraph scores
    for its parent and, less, for the two containers above), without link lists, captions and
    what sits in a comment, share or related-stories box inside it."""
    scores: dict[etree._Element, float] = {}
    for block in blocks:
        if len(block.text) < MIN_PARAGRAPH_CHARS or block.link_density > tuning.max_link_density:
            continue
        score = 1 + block.text.count(",") + block.text.count("，") + min(len(block.text) / 100, 3)
        for level, el in zip(_CONTENT_LEVELS, _ancestors(block, len(_CONTENT_LEVELS)),
                             strict=False):  # near the root there are fewer levels
            scores[el] = scores.get(el, 0.0) + score * level
    if not scores:
        return [False] * len(blocks)
    negative: dict[etree._Element, bool] = {}

    def is_negative(el: etree._Element) -> bool:
        if (known := negative.get(el)) is None:
            known = negative[el] = bool(NEGATIVE_NAMES.search(_names(el)))
        return known

    weighted = {el: s + 25 * bool(POSITIVE_NAMES.search(_names(el))) - 25 * is_negative(el)
                for el, s in scores.items()}
    top = max(weighted, key=weighted.__getitem__)
    parent = top.getparent()
    chosen = {top}
    if parent is not None:  # text split over sibling containers (a paywall, an inline ad)
        threshold = max(10.0, tuning.sibling_share * weighted[top])
        chosen |= {s for s in parent if s in weighted and weighted[s] >= threshold}
    votes = []
    for block in blocks:
        keep = False
        if block.tag != "h1" and block.link_density <= tuning.max_link_density:
            for el in (block.element, *block.element.iterancestors()):
                if el in chosen:
                    keep = True
                    break
                if el.tag in ("figure", "figcaption", "aside", "nav", "form") or is_negative(el):
                    break
        votes.append(keep)
    return votes


# --- the choice ---------------------------------------------------------------------------------

def agreement(a: list[bool], b: list[bool], blocks: list[Block]) -> float:
    """Share of the text either method keeps that both keep."""
    either = sum(len(x.text) for x, u, v in zip(blocks, a, b, strict=True) if u or v)
    both = sum(len(x.text) for x, u, v in zip(blocks, a, b, strict=True) if u and v)
    return both / either if either else 0.0


def agreed_blocks(blocks: list[Block], resiliparse: list[bool], density: list[bool],
                  teaser: list[bool], tuning: Tuning = TUNING) -> list[Block]:
    """The blocks both methods keep, those a partial ``articleBody`` has, and the ones the
    density method keeps between agreed blocks: resiliparse keeps more around the article
    (captions, credits, sign-up boxes) that the density method leaves out for what it is
    inside of (a figure, a box named as such)."""
    agreed = [i for i, (r, d) in enumerate(zip(resiliparse, density, strict=True)) if r and d]
    first, last = (agreed[0], agreed[-1]) if agreed else (0, -1)
    return [b for b, r, d, s in zip(blocks, resiliparse, density, teaser, strict=True)
            if (r and d) or s or (d and first < b.index < last)]


def main_text(tree: etree._Element, html: str, url: str | None, article_body: str | None,
              tuning: Tuning = TUNING) -> list[str]:
    """The article's paragraphs (see the module docstring)."""
    return choose(tree, html, url, article_body, tuning).paragraphs


@dataclass(frozen=True)
class Choice:
    """The main text and how it was chosen (the benchmark records the ``method``)."""

    paragraphs: list[str]
    method: str
    """``json-ld`` (a complete ``articleBody``), ``agreement`` (resiliparse and the density
    method agree), ``trafilatura`` (they do not), or ``json-ld text`` (the page shows less than
    its ``articleBody``: paywalled pages)."""
    agreement: float | None = None


def choose(tree: etree._Element, html: str, url: str | None, article_body: str | None,
           tuning: Tuning = TUNING,
           trafilatura_text: Callable[[], list[str]] | None = None) -> Choice:
    """The main text with the evidence it was chosen by (see the module docstring)."""
    blocks = page_blocks(tree)
    if structured := structured_blocks(blocks, article_body, tuning):
        return Choice(_texts(structured), "json-ld")
    resiliparse = [False] * len(blocks) if blocks.depth >= MAX_DEPTH \
        else _votes(blocks, resiliparse_paragraphs(html))
    density = density_blocks(blocks, tuning)
    share = agreement(resiliparse, density, blocks)
    if share >= tuning.agreement:
        teaser = _votes(blocks, [plain_body(article_body)] if article_body else [])
        choice = Choice(_texts(agreed_blocks(blocks, resiliparse, density, teaser, tuning)),
                        "agreement", share)
    else:
        paragraphs = trafilatura_text() if trafilatura_text \
            else trafilatura_paragraphs(html, url, blocks)
        choice = Choice(paragraphs, "trafilatura", share)
    shown = sum(map(len, choice.paragraphs))
    if article_body and len(article_body) >= max(tuning.min_structured_chars, 2 * shown) \
            and TextIndex(choice.paragraphs).share(article_body) < 0.5:
        # the page shows a part, its JSON-LD has the whole (paywalled pages do this)
        return Choice(paragraphs_of(plain_body(article_body)), "json-ld text", share)
    return choice


def _texts(blocks: list[Block]) -> list[str]:
    paragraphs: list[str] = []
    for block in blocks:
        if not paragraphs or paragraphs[-1] != block.text:
            paragraphs.append(block.text)
    return paragraphs
