"""Pages that stand between the crawler and the article: bot challenges and consent walls.

They come with status 200, 202, 403 or 503, look the same for every URL of a host, and carry no
article; exporting them or retrying them would both be wrong. Recognised by the marks their
vendors leave, as data: a response header, or a string near the top of the page. Article pages
that merely load a vendor's script (Cloudflare injects ``/cdn-cgi/challenge-platform/`` into
ordinary pages) are not matched: only the interstitial's own marks are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# (header, value prefix or "" for any value) -> kind
HEADER_MARKS: dict[tuple[str, str], str] = {
    ("cf-mitigated", "challenge"): "cloudflare",
    ("x-amzn-waf-action", ""): "aws-waf",
    ("x-datadome", "protected"): "datadome",
}
BODY_MARKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cloudflare", re.compile(
        r"<title>\s*(Just a moment\.\.\.|Attention Required! \| Cloudflare)"
        r"|window\._cf_chl_opt|id=\"cf-browser-verification\"", re.IGNORECASE)),
    ("aws-waf", re.compile(r"AwsWafIntegration|window\.gokuProps")),
    ("datadome", re.compile(r"//(geo\.)?captcha-delivery\.com/", re.IGNORECASE)),
    ("perimeterx", re.compile(r"id=\"px-captcha\"|window\._pxAppId[\s\S]{0,400}captcha",
                              re.IGNORECASE)),
    ("akamai", re.compile(r"<title>\s*Access Denied\s*</title>[\s\S]{0,600}"
                          r"You don't have permission to access", re.IGNORECASE)),
    ("consent", re.compile(
        r"//consent\.(google|youtube|yahoo)\.com/|//guce\.yahoo\.com/"
        r"|<title>\s*(Before you continue|We value your privacy|Cookie consent)\b",
        re.IGNORECASE)),
)
HEAD_BYTES = 32 * 1024
"""Only the top of the page is searched: interstitials are small, articles are long."""


def challenge_kind(headers: Mapping[str, str], body: str) -> str | None:
    """The kind of interstitial (``"cloudflare"``, ``"consent"`` ...) this response is, or None.

    ``headers`` maps lower-case names to values; ``body`` is the decoded page (its start is
    enough).
    """
    for (name, prefix), kind in HEADER_MARKS.items():
        value = headers.get(name)
        if value is not None and value.strip().lower().startswith(prefix):
            return kind
    head = body[:HEAD_BYTES]
    return next((kind for kind, mark in BODY_MARKS if mark.search(head)), None)
