"""JSON Lines that line-based readers cannot misread, written durably.

Scrapy's exporter with ``FEED_EXPORT_ENCODING = "utf-8"`` loses an item holding a lone surrogate
and lets U+2028/U+2029 split one record over several "lines" for readers that honour them
(Python's ``str.splitlines``, JavaScript). This one writes UTF-8, every Article key on every line
(``null`` when unknown, so pandas and DuckDB see one schema), in a fixed order, with those
characters escaped and lone surrogates replaced by U+FFFD.

Lines are written in batches of ``NEWSBOT_EXPORT_BATCH_ITEMS``: each batch is written, flushed
and fsync'd, and only then are its articles marked exported in the crawl state. A crash loses at
most the batch in memory, whose articles are still pending and are fetched again by the next
run; a line on disk whose article was not yet marked is written again with the same ``id``,
and ``newsbot export`` keeps one. A write that fails (disk full, read-only, gone) stops the run
with an error; the file is cut back to its last complete batch.

Two signals say what the exporter did, for whoever listens (the page ledger,
:mod:`newsbot.extensions.ledger`): :data:`feed_opened` (``feed``) when an exporter starts, and
:data:`batch_written` (``feed``, ``items``) once a batch is on disk.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exporters import BaseItemExporter

from newsbot.distributed.crawl import redis_crawl
from newsbot.extensions.runs import RunManifest, stop_run
from newsbot.extensions.state import CrawlStateKeeper
from newsbot.items import ARTICLE_FIELDS
from newsbot.state import Handled, Version, article_key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

# Characters str.splitlines() breaks on that json.dumps(ensure_ascii=False) leaves raw.
_LINE_BREAKERS = re.compile("[\u0085\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")

feed_opened = object()
"""Signal (``feed``): a JSON Lines exporter started; its batches will be announced."""
batch_written = object()
"""Signal (``feed``, ``items``): these items are written, flushed and fsync'd."""


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
    def __init__(self, file, *, crawler: Crawler | None = None, batch_items: int = 100,
                 **kwargs: Any):
        super().__init__(dont_fail=True, **kwargs)
        self.file = file
        self.crawler = crawler
        self.batch_items = max(1, batch_items)
        self.written = 0
        """articles on disk (flushed and fsync'd)"""
        self.failed = False
        # Written with os.write, so a failed write leaves nothing in Python's buffer to retry.
        self._fd = file_descriptor(file)
        self._regular = self._fd is not None and stat.S_ISREG(os.fstat(self._fd).st_mode)
        self._synced_size = os.fstat(self._fd).st_size if self._fd is not None and self._regular \
            else 0
        self._buffer = bytearray()
        self._lines = 0
        self._batch: list[Handled] = []
        self.path = Path(file.name) if self._regular and isinstance(
            getattr(file, "name", None), str) else None
        """the file on local disk, if it is one"""
        self._keeper = crawler.get_extension(CrawlStateKeeper) if crawler else None
        if self._keeper:
            self._keeper.feed_opened(self)
        # A distributed crawl acknowledges a request once its article is on disk.
        self._crawl = redis_crawl(crawler) if crawler else None
        self._items: list[Any] = []
        """the items of the batch in memory"""
        if self._crawl:
            self._crawl.feeds += 1
            self._crawl.flushers.append(self.sync)
        if crawler and (run := crawler.get_extension(RunManifest)):
            run.feed_opened(self)
        if crawler:
            crawler.signals.send_catch_log(feed_opened, feed=self)

    @classmethod
    def from_crawler(cls, crawler: Crawler, file, **kwargs: Any) -> JsonLinesExporter:
        return cls(file, crawler=crawler,
                   batch_items=crawler.settings.getint("NEWSBOT_EXPORT_BATCH_ITEMS"), **kwargs)

    def export_item(self, item: Any) -> None:
        if self.failed:  # not written, not marked exported: the next run fetches it again
            if self.crawler:
                self.crawler.stats.inc_value("newsbot/export/not_written")
            return
        record = article_record(item)
        self._buffer += dumps_line(record).encode("utf-8") + b"\n"
        self._lines += 1
        if record.get("version") is not None:
            self._batch.append(exported(record))
        if self.crawler:
            self._items.append(item)
        if self._lines >= self.batch_items:
            self.sync()

    def finish_exporting(self) -> None:
        self.sync()

    def sync(self) -> None:
        """Write the batch, flush and fsync it, then mark its articles exported."""
        if self.failed or not self._buffer:
            return
        data, count = bytes(self._buffer), self._lines
        try:
            if self._fd is not None:
                view = memoryview(data)
                while view:
                    view = view[os.write(self._fd, view):]
                if self._regular:
                    os.fsync(self._fd)
            else:
                self.file.write(data)
                self.file.flush()
        except OSError as exc:
            self._fail(exc, count)
            return
        self._synced_size += len(data)
        self.written += count
        self._buffer.clear()
        self._lines = 0
        batch, self._batch = self._batch, []
        if self._keeper and batch:
            self._keeper.synced(self, batch)
        items, self._items = self._items, []
        if self._crawl and items:
            self._crawl.items_written(items)
        if self.crawler and items:
            self.crawler.signals.send_catch_log(batch_written, feed=self, items=items)

    def _fail(self, exc: OSError, count: int) -> None:
        self.failed = True
        if self._regular and self._fd is not None:
            with contextlib.suppress(OSError):  # no half-written line left behind, if we can
                os.ftruncate(self._fd, self._synced_size)
        name = self.path or str(getattr(self.file, "name", "the feed"))
        message = (f"Cannot write to {name}: {exc}. The crawl stops; the articles not on disk "
                   f"({count} in this batch) are not marked exported: the next run fetches them.")
        if self.crawler is None:
            raise OSError(message) from exc
        stop_run(self.crawler, "export_failed", message)


def file_descriptor(file: Any) -> int | None:
    """The OS descriptor under ``file``, if it has one (not a BytesIO or a compressor)."""
    try:
        fd = file.fileno()
        os.fstat(fd)
        return fd
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None


def exported(record: dict[str, Any]) -> Handled:
    """What the crawl state records of an exported article line."""
    key = article_key(record["url"], record.get("canonicalUrl"))
    return Handled(key, Version(record.get("contentHash") or "", record["version"], record["id"]))


SLUG = re.compile(r"^[a-z0-9][a-z0-9_+-]{0,63}$")


def uri_params(params: dict[str, Any], spider: Any) -> dict[str, Any]:
    """Feed URI parameters: ``%(outlet)s`` is the spider's validated slug, never a raw argument;
    ``%(run_id)s`` the run's id (see :mod:`newsbot.extensions.runs`).

    Checked again here, where it becomes part of a path: a slug that could leave the output
    folder (``..``, ``/``, NUL, a newline) stops the feed instead.
    """
    if not SLUG.match(spider.slug):
        raise ValueError(f"unsafe output folder name {spider.slug[:80]!r}")
    run = spider.crawler.get_extension(RunManifest)
    return {**params, "outlet": spider.slug, "run_id": run.run_id if run else params.get("time")}
