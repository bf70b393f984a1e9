"""Compressed bodies: bombs bounded by Scrapy, truncated streams refused, memory let go at once.

Scrapy's ``HttpCompressionMiddleware`` inflates gzip, deflate, brotli and zstd bodies up to
``DOWNLOAD_MAXSIZE`` (since 2.13.4) and refuses bigger ones with a WARNING. Two gaps remain,
closed here:

* a compressed stream cut short (a proxy or server that sends a correct ``Content-Length`` for a
  truncated gzip) inflates without complaint to a shorter page, and an article would be built from
  it; the outer stream must end properly, or the response is ignored with a WARNING
  (``newsbot/compression/truncated``);
* a refusal keeps the partly inflated body alive through its chained exception's traceback until
  the garbage collector runs, so a few bombs in a row add up in memory; the refusal is raised
  afresh, without the chain.
"""

from __future__ import annotations

import logging
import sys
import zlib
from typing import TYPE_CHECKING, Self

import brotli
from scrapy.downloadermiddlewares.httpcompression import (
    HttpCompressionMiddleware as ScrapyHttpCompression,
)
from scrapy.exceptions import IgnoreRequest

from newsbot.extensions.ledger import settle_response

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd

logger = logging.getLogger(__name__)
CHUNK = 64 * 1024


def ends_properly(body: bytes, encoding: bytes, max_size: int) -> bool:
    """False when the ``encoding`` stream in ``body`` stops before its end.

    Inflates and discards the output, chunk by chunk; a stream still going after ``max_size``
    bytes counts as ending properly (it is the size check's to refuse).
    """
    if encoding in (b"gzip", b"x-gzip", b"deflate"):
        return _zlib_ends(body, 47 if encoding != b"deflate" else 15, max_size) or (
            encoding == b"deflate" and _zlib_ends(body, -15, max_size))
    if encoding == b"br":
        decompressor = brotli.Decompressor()
        produced = len(decompressor.process(body, output_buffer_limit=CHUNK))
        while not decompressor.is_finished() and produced <= max_size:
            chunk = decompressor.process(b"", output_buffer_limit=CHUNK)
            if not chunk:
                break
            produced += len(chunk)
        return decompressor.is_finished() or produced > max_size
    if encoding == b"zstd":
        decompressor = zstd.ZstdDecompressor()
        try:
            produced = len(decompressor.decompress(body, max_length=CHUNK))
            while not decompressor.eof and not decompressor.needs_input and produced <= max_size:
                produced += len(decompressor.decompress(b"", max_length=CHUNK))
        except zstd.ZstdError:
            return False
        return decompressor.eof or produced > max_size
    return True  # not ours to judge


def _zlib_ends(body: bytes, wbits: int, max_size: int) -> bool:
    decompressor = zlib.decompressobj(wbits)
    produced, data = 0, body
    try:
        while data and not decompressor.eof and produced <= max_size:
            produced += len(decompressor.decompress(data, CHUNK))
            data = decompressor.unconsumed_tail
    except zlib.error:
        return False
    return decompressor.eof or produced > max_size


class HttpCompressionMiddleware(ScrapyHttpCompression):
    max_size: int
    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = super().from_crawler(crawler)
        middleware.crawler = crawler
        middleware.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        return middleware

    # Scrapy calls it without the spider (deprecated in the base's signature since 2.14).
    def process_response(  # type: ignore[override]
            self, request: Request, response: Response) -> Request | Response:
        encodings = [e.strip().lower() for header in response.headers.getlist("Content-Encoding")
                     for e in header.split(b",") if e.strip()]
        max_size = request.meta.get("download_maxsize", self.max_size)
        if (encodings and request.method != "HEAD"
                and not ends_properly(response.body, encodings[-1], max_size)):
            if self.stats is not None:
                self.stats.inc_value("newsbot/compression/truncated")
            logger.warning("Ignored response %s: its %s body is truncated", response,
                           encodings[-1].decode("latin-1"))
            settle_response(self.crawler, request, "failure/truncated_compressed_body")
            raise IgnoreRequest("truncated compressed body")
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            refusal = str(exc)
        settle_response(self.crawler, request, "failure/decompressed_too_large")
        raise IgnoreRequest(refusal)  # outside the except block: no chained traceback
