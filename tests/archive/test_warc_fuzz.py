"""Properties of the WARC reader over damaged and foreign files: every record read is a Page or
a Skipped with its reason, and a file it cannot finish raises NotWarc or WarcCutShort (with how
many records were read), never anything else."""

from __future__ import annotations

import gzip
import io

import brotli
from hypothesis import example, given
from hypothesis import strategies as st

from hostile import hostile_text
from newsbot.archive.warc import NotWarc, Page, Skipped, WarcCutShort, read_pages
from newsbot.spiders.base import is_page_type
from warcs import PAGE, cc_news_like, chunked, http, record

MAX_BYTES = 1 << 16


def read(data: bytes) -> list[Page | Skipped]:
    outcomes: list[Page | Skipped] = []
    try:
        for outcome in read_pages(io.BytesIO(data), MAX_BYTES, is_page_type):
            assert isinstance(outcome, Page | Skipped)
            outcomes.append(outcome)
    except (NotWarc, WarcCutShort) as stop:
        assert str(stop)
    return outcomes


@st.composite
def responses(draw: st.DrawFn) -> bytes:
    body = draw(st.one_of(st.just(PAGE), st.binary(max_size=200),
                          hostile_text().map(lambda t: t.encode("utf-8", "replace"))))
    headers = draw(st.lists(st.sampled_from([
        "Content-Type: text/html", "Content-Type: image/png", "Content-Encoding: gzip",
        "Content-Encoding: br", "Content-Encoding: x-unknown", "Transfer-Encoding: chunked",
        "Content-Length: 5", "X: \x00"]), max_size=4))
    if "Content-Encoding: gzip" in headers and draw(st.booleans()):
        body = gzip.compress(body)
    if "Transfer-Encoding: chunked" in headers and draw(st.booleans()):
        body = chunked(body)
    status = draw(st.sampled_from(["200 OK", "404 Not Found", "301 Moved", "999", "OK", ""]))
    block = http(status, body, *headers) if draw(st.integers(0, 5)) else draw(st.binary())
    return record(draw(st.sampled_from(["response", "revisit", "request", "metadata"])),
                  draw(st.sampled_from(["https://news.example/a", None, "not a url"])), block,
                  draw(st.integers(0, 99)))


def damaged(data: bytes, cut: int, flip: int, byte: int) -> bytes:
    cut %= len(data) + 1
    flip %= len(data)
    return bytes(data[:flip]) + bytes([data[flip] ^ byte]) + bytes(data[flip + 1:cut]) \
        if flip < cut else data[:cut]


@given(st.lists(responses(), max_size=5), st.booleans())
@example([record("response", "https://news.example/br", http(  # found: warcio's brotli reader
    "200 OK", brotli.compress(PAGE), "Content-Type: text/html", "Content-Encoding: br"), 1)],
    False)  # raised AttributeError on brotli 1.2
def test_records_are_pages_or_skipped(records, plain):
    data = b"".join(gzip.decompress(r) if plain else r for r in records)
    read(data)


@given(st.integers(0, 1 << 20), st.integers(0, 1 << 20), st.integers(1, 255), st.booleans())
def test_a_damaged_file_is_read_up_to_the_damage(cut, flip, byte, plain):
    members = cc_news_like()
    data = b"".join(gzip.decompress(m) for m in members) if plain else b"".join(members)
    outcomes = read(damaged(data, cut, flip, byte))
    assert len(outcomes) <= 10  # the pages and skipped records of the whole file, at most


@given(st.binary(max_size=400))
def test_any_bytes_are_no_warc_or_read(data):
    read(data)


def test_a_brotli_page_is_read():
    page = brotli.compress(PAGE)
    data = record("response", "https://news.example/br", http(
        "200 OK", page, "Content-Type: text/html", "Content-Encoding: br"), 1) + record(
        "response", "https://news.example/cut", http(
            "200 OK", page[:-3], "Content-Type: text/html", "Content-Encoding: br"), 2) + record(
        "response", "https://news.example/chunked", http(
            "200 OK", chunked(page), "Content-Type: text/html", "Content-Encoding: br",
            "Transfer-Encoding: chunked"), 3)
    whole, cut, chunks = read(data)
    assert isinstance(whole, Page) and whole.body == PAGE
    assert isinstance(cut, Skipped) and cut.reason == "undecodable"
    assert isinstance(chunks, Page) and chunks.body == PAGE
