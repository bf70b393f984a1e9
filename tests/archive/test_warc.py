"""WARC files: ours written and read back; a foreign crawler's (CC-NEWS-like), bad records in it."""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.checker import Checker

from newsbot.archive.warc import (
    Exchange,
    NotWarc,
    Page,
    Skipped,
    WarcCutShort,
    WarcWriter,
    read_pages,
)
from newsbot.spiders.base import is_page_type
from warcs import PAGE, cc_news_like


def pages(data: bytes, max_bytes: int = 1 << 20) -> list[Page | Skipped]:
    return list(read_pages(io.BytesIO(data), max_bytes, is_page_type))


def written(tmp_path: Path, *exchanges: Exchange) -> tuple[Path, list[str]]:
    writer = WarcWriter(tmp_path / "run.warc.gz", {"software": "newsbot test"})
    ids = [writer.write(e).record_id for e in exchanges]
    writer.close()
    return writer.path, ids


def test_written_records_have_the_standard_headers_and_pass_warcio_check(tmp_path):
    exchange = Exchange(
        url="http://127.0.0.9:8000/news/a.html?x=1", status=200,
        headers=[("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
                 ("Set-Cookie", "session=secret")],
        body=PAGE, request_headers=[("Accept", "text/html"), ("Cookie", "session=secret")],
        ip_address="127.0.0.9")
    path, [record_id] = written(tmp_path, exchange)
    with open(path, "rb") as stream:
        records = list((r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read())
                       for r in ArchiveIterator(stream))
    assert [r[0] for r in records] == ["warcinfo", "response", "request"]
    _, response, http, body = records[1]
    assert response.get_header("WARC-Record-ID") == record_id
    assert response.get_header("WARC-Target-URI") == exchange.url
    assert response.get_header("WARC-IP-Address") == "127.0.0.9"
    assert response.get_header("Content-Type") == "application/http; msgtype=response"
    assert response.get_header("WARC-Payload-Digest").startswith("sha1:")
    assert response.get_header("WARC-Warcinfo-ID") == records[0][1].get_header("WARC-Record-ID")
    assert body == PAGE  # stored decoded: the encoding header is renamed, the length is its own
    assert http.get_header("Content-Encoding") is None
    assert http.get_header("X-Crawler-Content-Encoding") == "gzip"
    assert http.get_header("Content-Length") == str(len(PAGE))
    assert "secret" not in http.get_header("Set-Cookie")
    _, request, request_http, _ = records[2]
    assert request.get_header("WARC-Concurrent-To") == record_id
    assert (request_http.protocol, request_http.statusline) == ("GET", "/news/a.html?x=1 HTTP/1.1")
    assert request_http.get_header("Host") == "127.0.0.9:8000"
    assert "secret" not in request_http.get_header("Cookie")
    checker = Checker(type("Args", (), {"inputs": [str(path)], "verbose": False})())
    assert checker.process_all() == 0  # block and payload digests verify

    [page] = pages(path.read_bytes())
    assert (page.url, page.body, page.record_id) == (exchange.url, PAGE, record_id)
    assert page.content_type == "text/html; charset=utf-8"


def test_a_foreign_warc_gives_its_pages_and_every_bad_record_skipped_with_a_reason():
    outcomes = pages(b"".join(cc_news_like()))
    got = [(o.url.rsplit("/", 1)[-1], o.reason if isinstance(o, Skipped) else "page")
           for o in outcomes]
    assert got == [("a", "page"), ("b", "page"), ("gone", "http_status"), ("photo.jpg", "not_html"),
                   ("a", "revisit"), ("cut", "truncated"), ("bad-gzip", "undecodable"),
                   ("not-http", "undecodable"), ("c", "page")]
    found = [o for o in outcomes if isinstance(o, Page)]
    assert {o.body for o in found} == {PAGE}  # gzip and chunking undone
    assert found[0].record_id == "<urn:uuid:00000000-0000-0000-0000-000000000003>"
    assert found[0].date == "2026-11-20T08:15:30Z"  # WARC 1.1 fractions normalised
    skipped = {o.reason: o.detail for o in outcomes if isinstance(o, Skipped)}
    assert skipped["http_status"] == "HTTP status 404"
    assert "image/jpeg" in skipped["not_html"] and "WARC-Truncated: length" in skipped["truncated"]


def test_an_uncompressed_warc_and_one_gzip_stream_for_the_whole_file_read_the_same():
    plain = b"".join(gzip.decompress(r) for r in cc_news_like())
    whole = gzip.compress(plain)
    expected = [(o.url, type(o)) for o in pages(b"".join(cc_news_like()))]
    assert [(o.url, type(o)) for o in pages(plain)] == expected
    assert [(o.url, type(o)) for o in pages(whole)] == expected


def test_payloads_over_the_size_limit_are_skipped():
    outcomes = pages(b"".join(cc_news_like()), max_bytes=len(PAGE) - 1)
    pages_skipped = {o.reason for o in outcomes if isinstance(o, Skipped)
                     and o.url.endswith(("/a", "/b", "/c")) and o.reason != "revisit"}
    assert pages_skipped == {"too_large"}


@pytest.mark.parametrize("cut", ["inside the last gzip member", "inside the last record",
                                 "garbage after a record"])
def test_a_cut_file_stops_after_its_last_complete_record(cut):
    records = cc_news_like()
    last = records[-1]
    if cut == "inside the last gzip member":
        damaged = last[:len(last) // 2]
    elif cut == "inside the last record":  # gzip intact, the record shorter than it says
        damaged = gzip.compress(gzip.decompress(last)[:-60])
    else:
        damaged = b"\x1f\x8b" + zlib.compress(b"not a gzip member")
    outcomes = []
    with pytest.raises(WarcCutShort, match="after 11 complete records") as raised:
        outcomes.extend(read_pages(io.BytesIO(b"".join(records[:-1]) + damaged), 1 << 20,
                                   is_page_type))
    assert raised.value.records == 11
    assert [o.url.rsplit("/", 1)[-1] for o in outcomes][-1] == "not-http"  # all before it read


def test_a_file_that_is_not_a_warc_is_refused():
    with pytest.raises(NotWarc):
        pages(b"<html>not a WARC</html>")
    with pytest.raises(NotWarc):
        pages(gzip.compress(b"<html>not a WARC</html>"))
