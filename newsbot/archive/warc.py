"""WARC files (ISO 28500) of article responses: written with warcio during a crawl, read back.

**Writing.** :class:`WarcWriter` writes one gzip'd WARC per run: a ``warcinfo`` record, then per
article response a ``response`` record and the ``request`` record that fetched it
(``WARC-Concurrent-To`` the response), each record a gzip member of its own, so any record can be
read from its offset. Every record pair is flushed and fsync'd before its article goes on to
export: a line in a partition never names a record a crash lost.

The body is stored as the spider saw it: Scrapy has already undone the transfer's chunking and
compression, so, as Common Crawl does, the headers that described them (``Content-Encoding``,
``Transfer-Encoding``, ``Content-Length``) are kept renamed ``X-Crawler-<name>`` and the stored
body gets a ``Content-Length`` of its own; every WARC reader sees the payload as it is stored.
Values of secret-looking headers (``Authorization``, ``Cookie``, ``Set-Cookie`` ...) are masked.

**Reading.** :func:`read_pages` yields, in file order, a :class:`Page` for each response record
an article can come from and a :class:`Skipped`, with its reason, for each other response or
revisit record; the other record types (``warcinfo``, ``request``, ``metadata`` ...) are passed
over. It reads any crawler's WARC files, gzip'd per record or not, including payloads stored
still compressed or chunked. A file that ends inside a record raises :class:`WarcCutShort` after
the last complete record.
"""

from __future__ import annotations

import io
import os
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import brotli
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader, ChunkedDataException, ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import (
    StatusAndHeaders,
    StatusAndHeadersParser,
    StatusAndHeadersParserException,
)
from warcio.warcwriter import WARCWriter

from newsbot.redact import MASK, SECRET_NAME

TRANSFER_HEADERS = ("content-encoding", "transfer-encoding", "content-length")
"""Headers that describe the transfer, not the stored body (kept as ``X-Crawler-<name>``)."""
RENAMED_PREFIX = "X-Crawler-"
WARC_DATE = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class Exchange:
    """One fetched page: the request as sent and the response as the spider got it."""

    url: str
    status: int
    headers: Sequence[tuple[str, str]]
    body: bytes
    method: str = "GET"
    request_headers: Sequence[tuple[str, str]] = ()
    protocol: str = "HTTP/1.1"
    ip_address: str | None = None
    truncated: str | None = None
    """``WARC-Truncated`` reason when the body is incomplete (``length``, ``disconnect``)."""
    date: datetime | None = None


@dataclass(frozen=True)
class Stored:
    """Where a response went: the record's id and date, and the bytes the pair took on disk."""

    record_id: str
    date: str
    size: int


class WarcWriter:
    """Appends article responses to one gzip'd WARC file."""

    def __init__(self, path: Path, info: dict[str, str]):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file: BinaryIO = open(path, "wb")  # noqa: SIM115 (open for the whole run)
        self._writer = WARCWriter(self._file, gzip=True)
        record = self._writer.create_warcinfo_record(path.name, {
            "format": "WARC File Format 1.0",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
                          "warc-format/warc-1.0/",
            **info})
        self.warcinfo_id = record.rec_headers.get_header("WARC-Record-ID")
        self._writer.write_record(record)
        self._sync()

    def write(self, exchange: Exchange) -> Stored:
        """Write the response and request records of ``exchange``, durably."""
        date = (exchange.date or datetime.now(UTC)).strftime(WARC_DATE)
        start = self._file.tell()
        headers = {"WARC-Date": date, "WARC-Warcinfo-ID": self.warcinfo_id}
        if exchange.ip_address:
            headers["WARC-IP-Address"] = exchange.ip_address
        if exchange.truncated:
            headers["WARC-Truncated"] = exchange.truncated
        response = self._writer.create_warc_record(
            exchange.url, "response", payload=io.BytesIO(exchange.body),
            length=len(exchange.body), warc_headers_dict=headers,
            http_headers=StatusAndHeaders(
                f"{exchange.status} {_reason(exchange.status)}".strip(),
                stored_headers(exchange.headers, len(exchange.body)),
                protocol=exchange.protocol))
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        request = self._writer.create_warc_record(
            exchange.url, "request", warc_headers_dict={
                "WARC-Date": date, "WARC-Warcinfo-ID": self.warcinfo_id,
                "WARC-Concurrent-To": record_id},
            http_headers=StatusAndHeaders(
                f"{exchange.method} {_target(exchange.url)} {exchange.protocol}",
                request_headers(exchange.url, exchange.request_headers), is_http_request=True))
        self._writer.write_record(response)
        self._writer.write_record(request)
        self._sync()
        return Stored(record_id, date, self._file.tell() - start)

    def close(self) -> None:
        if not self._file.closed:
            self._sync()
            self._file.close()

    def _sync(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())


def stored_headers(headers: Sequence[tuple[str, str]], length: int) -> list[tuple[str, str]]:
    """Response headers for a body stored decoded: transfer headers renamed, the body's own
    ``Content-Length`` added, secrets masked."""
    kept = [(RENAMED_PREFIX + name if name.lower() in TRANSFER_HEADERS else name, value)
            for name, value in _masked(headers)]
    return [*kept, ("Content-Length", str(length))]


def request_headers(url: str, headers: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Request headers as sent: ``Host`` first (the HTTP client adds it), secrets masked."""
    masked = _masked(headers)
    if not any(name.lower() == "host" for name, _ in masked):
        masked.insert(0, ("Host", urlsplit(url).netloc))
    return masked


def _masked(headers: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, MASK if SECRET_NAME.search(name) else value) for name, value in headers]


def _target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


# --- Reading ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Page:
    """A response record an article can come from."""

    url: str
    body: bytes
    content_type: str
    record_id: str
    date: str | None
    """``WARC-Date``, normalised to ``YYYY-MM-DDTHH:MM:SSZ``"""


@dataclass(frozen=True)
class Skipped:
    """A response or revisit record no article can come from, and why."""

    url: str | None
    record_id: str | None
    reason: str
    """``revisit``, ``http_status``, ``not_html``, ``truncated``, ``too_large`` or
    ``undecodable``"""
    detail: str


class WarcCutShort(Exception):
    """The file ends inside a record (or turns to garbage); every record before it was read."""

    def __init__(self, records: int, cause: str):
        super().__init__(f"the file is cut short or damaged after {records} complete records "
                         f"({cause}); stopped there")
        self.records = records


class NotWarc(Exception):
    """The file does not start with a WARC record."""


def read_pages(stream: BinaryIO, max_bytes: int,
               is_page_type: Callable[[str], bool]) -> Iterator[Page | Skipped]:
    """Each response and revisit record of the WARC in ``stream``, as a :class:`Page` or a
    :class:`Skipped`. ``is_page_type(content_type)`` says which payloads can be article pages
    (the crawl's own test); payloads over ``max_bytes``, inflated, are skipped.

    warcio stops quietly where a file is cut (it takes a record's end for the file's), so
    completeness is checked here: gzip members are inflated by :class:`_Members`, which notes
    when the input ends inside one, and every record must hold its whole ``Content-Length``.
    """
    records = 0
    buffered = (io.BufferedReader(stream)  # type: ignore[type-var]  # any binary stream reads
                if not hasattr(stream, "peek") else stream)
    members = _Members(buffered) if buffered.peek(2)[:2] == b"\x1f\x8b" else None
    try:
        for record in ArchiveIterator(io.BufferedReader(members, 1 << 16) if members else buffered,
                                      no_record_parse=True):
            outcome = _page(record, max_bytes, is_page_type) \
                if record.rec_type in ("response", "revisit") else None
            _drain(record.raw_stream)
            if not isinstance(record.raw_stream, LimitReader) or record.raw_stream.limit > 0:
                raise WarcCutShort(records, "the last record is incomplete")
            records += 1
            if outcome is not None:
                yield outcome
    except ArchiveLoadFailed as exc:
        cause = " ".join(str(exc).split())[:200]
        if records == 0:
            raise NotWarc(cause) from None
        raise WarcCutShort(records, cause) from None
    except (zlib.error, StatusAndHeadersParserException, ValueError) as exc:
        raise WarcCutShort(records, str(exc) or type(exc).__name__) from None
    if members is not None and members.problem:
        raise WarcCutShort(records, members.problem)


_HTTP = StatusAndHeadersParser([], verify=False)
_CHUNK = 64 * 1024


def _page(record: ArcWarcRecord, max_bytes: int,
          is_page_type: Callable[[str], bool]) -> Page | Skipped:
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI")
    record_id = headers.get_header("WARC-Record-ID")

    def skip(reason: str, detail: str) -> Skipped:
        return Skipped(url, record_id, reason, detail)

    if record.rec_type == "revisit":
        return skip("revisit", "a revisit record holds no page, only a reference to one")
    try:
        http = _HTTP.parse(record.raw_stream)
    except EOFError:
        http = None
    if http is None or not http.protocol.upper().startswith("HTTP/") \
            or not re.fullmatch(r"\d{3}", http.get_statuscode() or ""):
        return skip("undecodable", "no HTTP response in the record")
    if not url:
        return skip("undecodable", "the record has no WARC-Target-URI")
    raw = record.raw_stream.read(max_bytes + 1)
    if truncated := headers.get_header("WARC-Truncated"):
        return skip("truncated", f"the crawler stored an incomplete payload "
                                 f"(WARC-Truncated: {truncated})")
    status = http.get_statuscode()
    if not status.startswith("2"):
        return skip("http_status", f"HTTP status {status or '?'}")
    content_type = http.get_header("Content-Type") or ""
    if not is_page_type(content_type):
        return skip("not_html", f"not an HTML page ({content_type})")
    if len(raw) > max_bytes:
        return skip("too_large", f"the payload is over {max_bytes} bytes")
    try:
        body = _decoded(http, raw, max_bytes)
    except (zlib.error, ChunkedDataException, OSError, EOFError, ValueError) as exc:
        return skip("undecodable", f"the payload cannot be decoded: {exc or type(exc).__name__}")
    if len(body) > max_bytes:
        return skip("too_large", f"the payload is over {max_bytes} bytes, inflated")
    return Page(url, body, content_type, record_id, _normal_date(headers.get_header("WARC-Date")))


def _decoded(http: StatusAndHeaders, raw: bytes, max_bytes: int) -> bytes:
    """The payload without the chunking and compression its own headers declare, if any."""
    encoding = (http.get_header("Content-Encoding") or "").strip().lower()
    if encoding in ("", "identity"):
        encoding = None
    elif encoding not in BufferedReader.get_supported_decompressors():
        raise ValueError(f"unknown Content-Encoding {encoding!r}")
    chunked = (http.get_header("Transfer-Encoding") or "").lower() == "chunked"
    if encoding == "br":
        return _unbrotli(ChunkedDataReader(io.BytesIO(raw)).read() if chunked else raw, max_bytes)
    if chunked:
        stream = ChunkedDataReader(io.BytesIO(raw), decomp_type=encoding)
    elif encoding:
        stream = BufferedReader(io.BytesIO(raw), decomp_type=encoding)
    else:
        return raw
    body = stream.read(max_bytes + 1)
    # warcio falls back to the raw bytes when the first block does not inflate, and ends a
    # stream quietly where it stops inflating: neither is the page the headers describe
    if encoding and (stream.decompressor is None or not getattr(stream.decompressor, "eof", True)
                     and len(body) <= max_bytes):
        raise ValueError(f"the payload is not complete {encoding} data")
    return body


def _unbrotli(raw: bytes, max_bytes: int) -> bytes:
    """A brotli payload inflated (up to just over ``max_bytes``). warcio's own brotli reader
    fails on brotli 1.1 and later: it sets an attribute the C decompressor does not have."""
    decompressor = brotli.Decompressor()
    try:
        parts = [decompressor.process(raw, output_buffer_limit=_CHUNK)]
        size = len(parts[0])
        while not decompressor.is_finished() and size <= max_bytes:
            parts.append(decompressor.process(b"", output_buffer_limit=_CHUNK))
            if not parts[-1]:
                break
            size += len(parts[-1])
    except brotli.error as exc:
        raise ValueError(f"the payload is not br data ({exc})") from None
    body = b"".join(parts)
    if not decompressor.is_finished() and len(body) <= max_bytes:
        raise ValueError("the payload is not complete br data")
    return body


def _drain(stream: BinaryIO) -> None:
    while stream.read(65536):
        pass


def _normal_date(value: str | None) -> str | None:
    """``WARC-Date`` (seconds, or finer in WARC 1.1) as ``YYYY-MM-DDTHH:MM:SSZ``."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return when.astimezone(UTC).strftime(WARC_DATE)


class _Members(io.RawIOBase):
    """Inflates concatenated gzip members (one per record, or one for the whole file).

    When the input ends inside a member, or a member is not gzip, it says so in :attr:`problem`
    and reports the end of the stream: the records before the damage are still read.
    """

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._inflater = zlib.decompressobj(31)
        self._started = False
        self._pending = b""
        self.problem: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 (a writable buffer)
        while not self._pending:
            chunk = b"" if self.problem else self._raw.read(1 << 16)
            if not chunk:
                if self._started and not self.problem:
                    self.problem = "the input ends inside a gzip member"
                return 0
            self._pending = self._inflate(chunk)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def _inflate(self, data: bytes) -> bytes:
        out = []
        while data:
            self._started = True
            try:
                out.append(self._inflater.decompress(data))
            except zlib.error as exc:
                self.problem = f"not gzip data: {exc}"
                break
            if not self._inflater.eof:
                break
            data = self._inflater.unused_data
            self._inflater = zlib.decompressobj(31)
            self._started = False
        return b"".join(out)
