"""From a page's bytes to its text, and a check that the text did not come out as mojibake.

Precedence (documented in RELIABILITY.md, T13):

1. a byte-order mark;
2. UTF-16 without a BOM, recognised by its NUL bytes;
3. UTF-8, when the body is valid UTF-8, whatever the HTTP header or ``<meta>`` claims: servers
   and templates often declare latin-1 or windows-1252 for UTF-8 pages, while text in those
   encodings is valid UTF-8 by accident almost never;
4. the HTTP header's charset, then the ``<meta>`` one, when the body decodes in it without
   error (a declared UTF-8 is skipped here: step 3 showed the body is not all UTF-8);
5. UTF-8 with replacement characters when UTF-8 was declared: the page is mostly UTF-8 with a
   few bad bytes, which become U+FFFD where they are (and :func:`mojibake_marks` counts them);
6. detection (charset-normalizer) when nothing was declared, else windows-1252.

Labels are read the WHATWG way (``iso-8859-1`` means windows-1252). NUL characters, never text
in HTML, are dropped.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

_MOJIBAKE = re.compile(
    # UTF-8 read as windows-1252: "Ã©" for "é", "â€™" for "’", "Â " for a no-break space ...
    "Ã[\u00a0-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
    "|â€[\u0153\u009d\u02dc\u2122\u201c\u201d\u2018\u2019\u00a6\u00a2\u00a0-\u00bf]"
    "|Â[\u00a0-\u00bf]"
    "|\ufffd"
)
MOJIBAKE_MARKS = 3


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """The text of an HTML page (see the module docstring for the order of evidence)."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom:
        return _clean(body[len(bom):].decode(bom_encoding, "replace"))
    if utf16 := _utf16_without_bom(body):
        return _clean(body.decode(utf16, "replace"))
    try:
        return _clean(body.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    declared = [http_content_type_encoding(content_type) if content_type else None,
                html_body_declared_encoding(body)]
    encodings = [codecs.lookup(e).name for e in map(resolve_encoding, filter(None, declared))
                 if e]
    for encoding in encodings:
        if encoding != "utf-8":
            try:
                return _clean(body.decode(encoding))
            except UnicodeDecodeError:
                continue
    if "utf-8" in encodings:
        return _clean(body.decode("utf-8", "replace"))
    best = from_bytes(body[:65536]).best()
    encoding = best.encoding if best is not None else "cp1252"
    return _clean(body.decode(encoding, "replace"))


def mojibake_marks(text: str) -> int:
    """How many tell-tale signs of a wrong decoding ``text`` carries (``Ã©``, ``â€™``, U+FFFD)."""
    return len(_MOJIBAKE.findall(text))


def _utf16_without_bom(body: bytes) -> str | None:
    head = body[:4096]
    if len(head) < 64:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd > len(head) * 0.3:
        return "utf-16-le"
    if even > len(head) * 0.3:
        return "utf-16-be"
    return None


def _clean(text: str) -> str:
    return text.replace("\x00", "")
