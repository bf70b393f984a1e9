"""URL canonicalisation: one article, one key, however it was linked.

Two levels, because they serve different purposes:

* :func:`clean_url` is what we *request*: w3lib canonical form minus tracking parameters,
  so ``?utm_source=x`` links are not fetched twice. The host is kept as is, since ``m.`` and
  ``amp.`` hosts may serve different bytes.
* :func:`url_key` is what we *deduplicate on*: additionally folds AMP and mobile variants,
  ``www.``, a trailing slash and the scheme, so every variant of one article shares a key.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that identify a campaign or a click, never the content.
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|gclsrc|dclid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid|"
    r"ocid|cmpid|icid|ito|at_\w+|xtor|ns_\w+|smid|smtyp|ref|ref_src|referrer|"
    r"amp|outputtype|_hsenc|_hsmi|mkt_tok|"
    r"jsessionid|phpsessid|sid|sessionid)$",
    re.IGNORECASE,
)
# ``;jsessionid=...`` path parameters carry a session, not a page.
SESSION_PATH_PARAM = re.compile(r";(jsessionid|phpsessid|sid)=[^/?#]*", re.IGNORECASE)
HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
AMP_PATH = re.compile(r"(^/amp(?=/)|/amp/?$|\.amp(?=\.html?$)|\.amp$)", re.IGNORECASE)


def clean_url(url: str) -> str:
    """Canonical request URL: sorted query, no fragment, no tracking or session parameters.

    Links come from pages: one that is no URL (``http://[::1``, a port over 65535, a scheme
    without a host) comes back stripped but otherwise as it was, for the fetch to fail on,
    instead of raising here.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        if parts.scheme and not parts.netloc:
            return url  # w3lib would make "http:///x" "http:////x", then "http://x/"
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                 if not TRACKING_PARAMS.match(k)]
        path = SESSION_PATH_PARAM.sub("", parts.path)
        return canonicalize_url(urlunsplit((parts.scheme, parts.netloc, path, urlencode(query),
                                            "")))
    except ValueError:
        return url


def url_key(url: str) -> str:
    """Deduplication key: :func:`clean_url` with AMP/mobile/www variants folded together (a
    string that is no URL is its own key)."""
    cleaned = clean_url(url)
    try:
        parts = urlsplit(cleaned)
        port = parts.port
    except ValueError:
        return cleaned
    host = (parts.hostname or "").lower()
    for prefix in HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
            break
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = AMP_PATH.sub("", parts.path).rstrip("/") or "/"
    return urlunsplit(("", host, path, parts.query, ""))[2:]


def same_site(url_a: str, url_b: str) -> bool:
    """True when both URLs are on the same host once ``www.``/``m.``/``amp.`` are folded."""
    return url_key(url_a).split("/", 1)[0] == url_key(url_b).split("/", 1)[0]
