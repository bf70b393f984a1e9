"""JSON Lines that line-based readers cannot misread.

Scrapy's exporter with ``FEED_EXPORT_ENCODING = "utf-8"`` loses an item holding a lone surrogate
and lets U+2028/U+2029 split one record over several "lines" for readers that honour them
(Python's ``str.splitlines``, JavaScript). This one writes UTF-8, every Article key on every line
(``null`` when unknown, so pandas and DuckDB see one schema), in a fixed order, with those
characters escaped and lone surrogates replaced by U+FFFD.
"""

from __future__ import annotations

import json
import re
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exporters import BaseItemExporter

from newsbot.items import ARTICLE_FIELDS

# Characters str.splitlines() breaks on that json.dumps(ensure_ascii=False) leaves raw.
_LINE_BREAKERS = re.compile("[\u0085\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps_line(record: dict[str, Any]) -> str:
    """One JSON object, guaranteed to be one physical line for every line splitter."""
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)
    text = _LINE_BREAKERS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return _SURROGATE.sub("\ufffd", text)


def article_record(item: Any) -> dict[str, Any]:
    """The item as an ordered dict with every Article field (unknown fields kept at the end)."""
    data = ItemAdapter(item).asdict()
    record = {name: data.pop(name, None) for name in ARTICLE_FIELDS}
    record.update(data)
    return record


class JsonLinesExporter(BaseItemExporter):
    def __init__(self, file, **kwargs: Any):
        super().__init__(dont_fail=True, **kwargs)
        self.file = file

    def export_item(self, item: Any) -> None:
        self.file.write(dumps_line(article_record(item)).encode("utf-8") + b"\n")


SLUG = re.compile(r"^[a-z0-9][a-z0-9_+-]{0,63}$")


def uri_params(params: dict[str, Any], spider: Any) -> dict[str, Any]:
    """Feed URI parameters: ``%(outlet)s`` is the spider's validated slug, never a raw argument.

    Checked again here, where it becomes part of a path: a slug that could leave the output
    folder (``..``, ``/``, NUL, a newline) stops the feed instead.
    """
    if not SLUG.match(spider.slug):
        raise ValueError(f"unsafe output folder name {spider.slug[:80]!r}")
    return {**params, "outlet": spider.slug}
