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

    @property
    def tag(self) -> str:
        return str(self.element.tag)

    @property
    def link_density(self) -> float:
        return self.link_chars / max(1, len(self.text))


def _hidden(el: etree._Element) -> bool:
    return el.get("hidden") is not None or el.get("aria-hidden") == "true" \
        or bool(_HIDDEN_STYLE.search(el.get("style") or ""))


def page_blocks(root: etree._Element) -> list[Block]:
    """The page's text blocks in reading order (script, style, forms and hidden elements left
    out)."""
    blocks: list[Block] = []
    parts: list[str] = []
    link_chars = 0
    containers: list[etree._Element] = [root]
    links = 0

    def flush() -> None:
        nonlocal link_chars
        text = " ".join("".join(parts).split())
        if text:
            blocks.append(Block(containers[-1], text, min(link_chars, len(text)), len(blocks)))
        parts.clear()
        link_chars = 0

    def add(text: str | None) -> None:
        nonlocal link_chars
        if text:
            parts.append(text)
            if links:
                link_chars += len(" ".join(text.split()))

    walker = etree.iterwalk(root, events=("start", "end"))
    skipped: set[etree._Element] = set()
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):  # comments and processing instructions
            if event == "end":
                add(el.tail)
            continue
        if event == "start":
            if tag in SKIPPED_TAGS or _hidden(el):
                skipped.add(el)
                walker.skip_subtree()
                continue
            if tag in BLOCK_TAGS:
                flush()
                if tag not in ("br", "hr"):
                    containers.append(el)
            elif tag == "a":
                links += 1
            elif tag in CELL_TAGS and parts:
                parts.append(" | ")
            add(el.text)
        else:
            if el in skipped:
                skipped.discard(el)
            elif tag in BLOCK_TAGS:
                flush()
                if tag not in ("br", "hr") and len(containers) > 1:
                    containers.pop()
            elif tag == "a":
                links -= 1
            add(el.tail)
    flush()
    return blocks


def word_runs(text: str) -> list[tuple[str, ...]]:
    """Runs of three words, case folded: quotes, dashes, spacing and the odd mis-encoded
    character differ between two renderings of one text, the run of words mostly does not. A
    text of fewer than three words is one shorter run."""
    words = _WORD.findall(text.casefold())
    return [tuple(words[i:i + 3]) for i in range(max(1, len(words) - 2))] if words else []


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

    def share(self, text: str) -> float:
        """Share of ``text``'s word runs found in the indexed text (a text of one or two words
        must be a whole line of it)."""
        runs = word_runs(text)
        if not runs:
            return 0.0
        if len(runs[0]) < 3:
            return 1.0 if runs[0] in self.lines else 0.0
        return sum(run in self.runs for run in runs) / len(runs)


def inner_text(el: etree._Element) -> str:
    """All text inside ``el`` (lxml.html's ``text_content()`` for plain etree elements)."""
    return str(etree.tostring(el, method="text", encoding="unicode", with_tail=False))
