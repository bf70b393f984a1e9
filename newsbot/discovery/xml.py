"""One safe way to parse the XML that outlets serve: sitemaps, RSS and Atom.

Entities are never resolved (no XXE, no entity text in fields), the network is never touched, a
``<!DOCTYPE>`` is removed before parsing (sitemaps and feeds have no use for one, and its
entity declarations are what billion-laughs and quadratic blow-ups are made of: without them
the valid entries of such a document are still read), broken documents are recovered, and
gzip'd bodies are inflated under a size cap. Failures are reported as :class:`XmlRejected`
with a reason, so callers log them instead of losing a document silently (Scrapy's own sitemap
parser returns nothing on an entity bomb); a document that parsed only with recovery comes
with its first error, so callers can say so too.

A body that is valid UTF-8 is read as UTF-8 whatever its XML declaration says (feeds that declare
``iso-8859-1`` and send UTF-8 are common; the reverse is not), as for HTML
(:mod:`newsbot.encoding`).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from lxml import etree
from scrapy.utils.gz import gunzip

GZIP_MAGIC = b"\x1f\x8b"


class XmlRejected(ValueError):
    """The document could not be used; ``str(error)`` says why."""


def inflate(body: bytes, max_size: int) -> bytes:
    """The body, gunzipped when it is a gzip file (``.xml.gz`` served without Content-Encoding)."""
    if not body.startswith(GZIP_MAGIC):
        return body
    try:
        return gunzip(body, max_size=max_size)
    except ValueError:  # what gunzip raises beyond max_size (broken streams raise OSError)
        raise XmlRejected(f"gzip body inflates beyond {max_size} bytes") from None
    except (OSError, EOFError, zlib.error) as exc:  # gunzip lets a corrupt stream's zlib.error out
        raise XmlRejected(f"broken gzip body: {exc}") from None


def parse_xml(body: bytes) -> tuple[etree._Element, str | None]:
    """The root element of ``body``, parsed without entities or network, and the first error
    the parser recovered from (None for a well-formed document)."""
    body = without_doctype(body.lstrip())
    try:
        body.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        encoding = None  # the declaration (or a BOM) decides
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True,
                             remove_comments=True, remove_pis=True, huge_tree=False,
                             load_dtd=False, collect_ids=False, encoding=encoding)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise XmlRejected(f"not XML: {exc}") from None
    if root is None:
        raise XmlRejected("not XML: empty document")
    errors = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
    if any("amplification" in e.message for e in errors):
        raise XmlRejected(f"entity amplification: {errors[0].message}")
    problem = f"line {errors[0].line}: {errors[0].message}" if errors else None
    return root, problem


_PROLOG = re.compile(rb"\A(?:<\?xml[^>]*\?>|\s+|<!--.*?-->|<\?[^>]*\?>)*<!DOCTYPE\b",
                     re.DOTALL | re.IGNORECASE)


def without_doctype(body: bytes) -> bytes:
    """``body`` without its ``<!DOCTYPE ...>`` declaration, internal subset included.

    The subset is scanned, not pattern-matched: quoted strings and comments may hold ``]`` and
    ``>``. A declaration that never ends leaves the body as it is (the parser judges it).
    """
    prolog = _PROLOG.match(body)
    if not prolog:
        return body
    index, depth, quote = prolog.end(), 0, None
    while index < len(body):
        char = body[index:index + 1]
        if quote:
            quote = None if char == quote else quote
        elif body.startswith(b"<!--", index):
            end = body.find(b"-->", index + 4)
            if end < 0:
                return body
            index = end + 2
        elif char in (b'"', b"'"):
            quote = char
        elif char == b"[":
            depth += 1
        elif char == b"]":
            depth -= 1
        elif char == b">" and depth <= 0:
            start = prolog.end() - len(b"<!DOCTYPE")
            return body[:start] + body[index + 1:]
        index += 1
    return body


def local(element: etree._Element) -> str:
    """Tag name without namespace, lower case ("" for comments and entities)."""
    tag = element.tag
    return tag.rpartition("}")[2].lower() if isinstance(tag, str) else ""


def children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    return (child for child in element if local(child) == name)


def absolute(loc: str, base_url: str) -> str | None:
    """``loc`` resolved against ``base_url`` as an http(s) URL a crawler can request, or None:
    another scheme, or no URL at all (``http://[::1``, a port over 65535, which
    ``scrapy.Request`` and ``urljoin`` raise on)."""
    try:
        url = loc if loc.startswith(("http://", "https://")) else urljoin(base_url, loc)
        if not url.startswith(("http://", "https://")):
            return None
        urlsplit(url).port  # noqa: B018 (raises on a port out of range)
    except ValueError:
        return None
    return url


def child_text(element: etree._Element, *path: str) -> str | None:
    """Stripped text of the first descendant along ``path`` (namespace-agnostic)."""
    current: etree._Element | None = element
    for name in path:
        current = next(children(current, name), None)
        if current is None:
            return None
    return text_of(current)


def text_of(element: etree._Element | None) -> str | None:
    """Stripped text of ``element`` and its descendants (entity references left out)."""
    if element is None:
        return None
    text = _text(element).strip()
    return text or None


def _text(element: etree._Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):  # not an entity reference
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
