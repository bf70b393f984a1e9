"""Main text: trafilatura first, then the structured ``articleBody``, then ``<article> <p>``.

trafilatura with ``favor_precision`` measured best on real news pages here; the fallbacks exist
for pages where it finds nothing (very short briefs, bodies rendered only into JSON-LD).
"""

from __future__ import annotations

import re

import trafilatura
from lxml import html as lxml_html

_WS = re.compile(r"[ \t\r\f\v]+")


def paragraphs_of(text: str) -> list[str]:
    """Non-empty lines of a block of text, whitespace collapsed."""
    return [p for p in (_WS.sub(" ", line).strip() for line in text.splitlines()) if p]


def main_text(tree: lxml_html.HtmlElement, url: str | None) -> list[str]:
    """Paragraphs found by trafilatura (which may prune ``tree``: call it last)."""
    text = trafilatura.extract(
        tree, url=url, favor_precision=True, include_comments=False, include_tables=True,
        include_images=False, output_format="txt", deduplicate=False,
    )
    return paragraphs_of(text or "")


def article_paragraphs(tree: lxml_html.HtmlElement) -> list[str]:
    """Plain ``<p>`` texts inside ``<article>`` (or the whole page): the last-resort body."""
    scope = tree.xpath("//article") or [tree]
    return [t for t in (_WS.sub(" ", p.text_content()).strip() for p in scope[0].iter("p")) if t]
