"""The page as a sequence of text blocks, the unit every main-text method is compared in.

Main-text methods disagree in their output format (trafilatura's XML, resiliparse's plain text,
an outlet's one-line ``articleBody``), so each one's output is read back onto the page's own
blocks: a block is what a reader sees as one paragraph (the text of a ``<p>``, a heading, a list
item, a table cell, or text sitting directly in a ``<div>`` up to the next block or ``<br>``).
Voting, tie-breaks and the final text then work on blocks, which keeps the page's paragraphing
whichever method found the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

# Elements that end the running text: the next text starts a new block.
BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "h1", "h2",
    "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dd", "dt", "blockquote", "pre", "table",
    "thead", "tbody", "tfoot", "tr", "figure", "figcaption", "form", "br", "hr",
    "address", "details", "summary", "caption", "fieldset", "body", "center", "menu",
})
# Table cells: a row is one block, its cells set apart by " | ".
CELL_TAGS = frozenset({"td", "th"})
# Elements whose text a reader never sees as article text.
SKIPPED_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "math", "head", "iframe", "object",
    "embed", "canvas", "video", "audio", "select", "option", "button", "input", "textarea",
    "title", "meta", "link",
})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_WORD = re.compile(r"\w+")
MAX_RUN_CHARS = 30_000


@dataclass(slots=True)
class Block:
    """One paragraph as the page shows it."""

    element: etree._Element
    """The innermost block element holding the text (a ``<p>``, ``<li>``, ``<div>`` ...)."""
    text: str
    """The text, whitespace collapsed."""
    link_chars: int
    """How many of its characters are inside links."""
    index: int
    """Its position among the page's blocks."""
    _runs: list[tuple[str, ...]] | None = None

    @property
    def runs(self) -> list[tuple[str, ...]]:
        """:func:`word_runs` of the text, computed once: every method's vote reads them."""
        if self._runs is None:
            self._runs = word_runs(self.text)
        return self._runs

    @property
    def tag(self) -> str:
        return str(self.element.tag)

    @property
    def link_density(self) -> float:
        return self.link_chars / max(1, len(self.text))


def _skipped(root: etree._Element) -> set[etree._Element]:
    """Elements whose subtree holds nothing a reader sees."""
    return {*root.iter(*SKIPPED_TAGS), *(
        el for el in root.iter() if ((style := el.get("style")) and _HIDDEN_STYLE.search(style))
        or el.get("hidden") is not None or el.get("aria-hidden") == "true")}


class Blocks(list[Block]):
    """A page's blocks, and how deep its elements nest (libxml2 keeps 255 levels)."""

    depth: int = 0


def page_blocks(root: etree._Element) -> Blocks:
    """The page's text blocks in reading order (script, style, forms and hidden elements left
    out). One pass over the tree; it is the largest cost of the cheap path, hence the inlining."""
    blocks = Blocks()
    parts: list[str] = []
    link_chars = 0
    containers: list[etree._Element] = [root]
    links = depth = deepest = 0
    skipped = _skipped(root)
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if event == "start":
            depth += 1
            deepest = max(deepest, depth)
            if el in skipped:
                walker.skip_subtree()
                continue
            if tag in BLOCK_TAGS:
                if parts:
                    if text := " ".join("".join(parts).split()):
                        blocks.append(Block(containers[-1], text, min(link_chars, len(text)),
                                            len(blocks)))
                    parts.clear()
                    link_chars = 0
                if tag != "br" and tag != "hr":
                    containers.append(el)
            elif tag == "a":
                links += 1
            elif parts and tag in CELL_TAGS:
                parts.append(" | ")
            if text := el.text:
                parts.append(text)
                if links:
                    link_chars += len(text.strip())
            continue
        depth -= 1
        if el in skipped:
            pass
        elif tag in BLOCK_TAGS:
            if parts:
                if text := " ".join("".join(parts).split()):
                    blocks.append(Block(containers[-1], text, min(link_chars, len(text)),
                                        len(blocks)))
                parts.clear()
                link_chars = 0
            if tag != "br" and tag != "hr" and len(containers) > 1:
                containers.pop()
        elif tag == "a":
            links -= 1
        if text := el.tail:
            parts.append(text)
            if links:
                link_chars += len(text.strip())
    if text := " ".join("".join(parts).split()):
        blocks.append(Block(containers[-1], text, min(link_chars, len(text)), len(blocks)))
    blocks.depth = deepest
    return blocks


def word_runs(text: str) -> list[tuple[str, ...]]:
    """Runs of three words, case folded: quotes, dashes, spacing and the odd mis-encoded
    character differ between two renderings of one text, the run of words mostly does not. A
    text of fewer than three words is one shorter run. Only the first ``MAX_RUN_CHARS``
    characters count (both sides of a comparison are cut alike; a 10 MB paragraph stays
    cheap)."""
    words = _WORD.findall(text[:MAX_RUN_CHARS].casefold())
    if len(words) < 3:
        return [tuple(words)] if words else []
    return list(zip(words, words[1:], words[2:], strict=False))


class TextIndex:
    """A method's text, indexed to tell which of the page's blocks it contains."""

    def __init__(self, paragraphs: Iterable[str]) -> None:
        self.runs: set[tuple[str, ...]] = set()
        self.lines: set[tuple[str, ...]] = set()
        for paragraph in paragraphs:
            runs = word_runs(paragraph)
            self.runs.update(runs)
            if len(runs) == 1:
                self.lines.add(runs[0])

    def __bool__(self) -> bool:
        return bool(self.runs)

    def share(self, text: str | Block) -> float:
        """Share of ``text``'s word runs found in the indexed text (a text of one or two words
        must be a whole line of it)."""
        runs = text.runs if isinstance(text, Block) else word_runs(text)
        if not runs:
            return 0.0
        if len(runs[0]) < 3:
            return 1.0 if runs[0] in self.lines else 0.0
        return sum(run in self.runs for run in runs) / len(runs)


def inner_text(el: etree._Element) -> str:
    """All text inside ``el`` (lxml.html's ``text_content()`` for plain etree elements)."""
    return str(etree.tostring(el, method="text", encoding="unicode", with_tail=False))
