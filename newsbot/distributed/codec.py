"""Requests in the shared queue: JSON, and read back as untrusted data.

scrapy-redis pickles requests by default (``picklecompat``): anyone who can write to Redis could
run code on every worker. Here a request is a small JSON object, and what comes back from Redis
passes the same checks as newsbot's deferred-requests file
(:mod:`newsbot.extensions.deferred`):

* only ``GET`` of an http(s) URL, with a ``parse_*`` method of the spider as callback;
* no headers, cookies, body or request class travel: the downloader middlewares add what a
  request needs (conditional-GET validators included) when it is sent;
* only the meta keys in :data:`ALLOWED_META` are kept, and ``download_maxsize`` only as a
  positive size no larger than the crawl allows. ``dont_obey_robotstxt``, ``proxy``,
  ``download_slot``, ``dont_filter`` and the like are dropped, so a payload cannot switch off
  robots.txt, the size limits or the address check (which every request still meets in the
  downloader).

Anything else is rejected with :class:`BadRequest`, and the scheduler skips it with a WARNING.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from scrapy import Request

from newsbot.extensions.deferred import KEPT_META
from newsbot.extensions.state import REVISIT, STATE_KEY

if TYPE_CHECKING:
    from scrapy import Spider

ALLOWED_META = frozenset({*KEPT_META, STATE_KEY, REVISIT, "depth", "retry_times", "redirect_times",
                          "redirect_ttl", "redirect_urls", "redirect_reasons"})
"""newsbot's own keys, and Scrapy's bookkeeping of depth, retries and redirects."""
SCHEMES = ("http://", "https://")


class BadRequest(ValueError):
    """A queued payload that is not a request newsbot made."""


def encode(request: Request, spider: Spider) -> bytes:
    """The request as JSON (keys sorted, so equal requests are equal bytes)."""
    callback = getattr(request.callback, "__name__", None) or "parse"
    meta = {k: v for k, v in request.meta.items() if k in ALLOWED_META or k == "download_maxsize"}
    return json.dumps({"url": request.url, "callback": callback, "priority": request.priority,
                       "meta": _json_safe(meta)}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True).encode("ascii")


def decode(data: bytes, spider: Spider, max_size: int) -> Request:
    """A request rebuilt from a queue payload; :class:`BadRequest` if it is not acceptable."""
    try:
        entry = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"not JSON ({exc.__class__.__name__})") from None
    if not isinstance(entry, dict):
        raise BadRequest("not a JSON object")
    url, callback = entry.get("url"), entry.get("callback")
    if not isinstance(url, str) or not url.lower().startswith(SCHEMES):
        raise BadRequest(f"url {str(url)[:100]!r} is not http(s)")
    if not isinstance(callback, str) or not callback.startswith("parse"):
        raise BadRequest(f"callback {str(callback)[:40]!r} is not a parse method")
    method = getattr(spider, callback, None)
    if not callable(method):
        raise BadRequest(f"the spider has no method {callback[:40]!r}")
    priority = entry.get("priority", 0)
    if not isinstance(priority, int) or isinstance(priority, bool):
        raise BadRequest("priority is not a whole number")
    raw_meta = entry.get("meta", {})
    if not isinstance(raw_meta, dict):
        raise BadRequest("meta is not an object")
    meta = {k: v for k, v in raw_meta.items() if k in ALLOWED_META}
    size = raw_meta.get("download_maxsize")
    if isinstance(size, int) and not isinstance(size, bool) and 0 < size <= max_size:
        meta["download_maxsize"] = size
    return Request(url, method, priority=priority, meta=meta)


def _json_safe(value: Any) -> Any:
    """Meta values as JSON can carry them (other objects become their text)."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
