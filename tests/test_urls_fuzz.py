"""Properties of URL canonicalisation over links as pages have them (see tests/hostile.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import example, given
from hypothesis import strategies as st

from hostile import url_like
from newsbot.urls import clean_url, url_key

LINKS = st.one_of(url_like(), st.text(max_size=80))


def host(url: str) -> str | None:
    try:
        return urlsplit(url.strip()).hostname
    except ValueError:
        return None


@given(LINKS)
def test_clean_url_is_idempotent(url):
    once = clean_url(url)
    assert clean_url(once) == once


@given(LINKS)
@example("http:///\\0?utm_source=")  # found: w3lib reads a host-less URL differently twice
def test_url_key_is_the_same_for_a_url_and_its_clean_form(url):
    assert url_key(clean_url(url)) == url_key(url)


@given(url_like())
@example("http://néws.example/a")
def test_clean_url_never_changes_the_host(url):
    before = host(url)
    if before is None:
        return
    after = host(clean_url(url))
    assert after is not None
    # w3lib writes a non-ASCII host in its IDNA form
    assert after.encode("ascii").decode("idna") == before.encode("idna").decode("idna") \
        if not before.isascii() else after == before.lower()


@given(url_like())
@example("http://news.example:99999/a?utm_source=x")  # found by fuzzing: clean_url raised
@example("http://[::1/a?fbclid=1")
def test_tracking_parameters_never_survive_unless_it_is_no_url(url):
    cleaned = clean_url(url)
    try:
        parts = urlsplit(cleaned)
        parts.port  # noqa: B018 (raises for a port out of range)
        no_url = bool(parts.scheme) and not parts.netloc
    except ValueError:
        no_url = True
    if no_url:
        assert cleaned == url.strip()  # returned as it was, for the fetch to fail on
        return
    query = parts.query
    keys = [part.split("=", 1)[0].lower() for part in query.split("&") if part]
    assert not [k for k in keys if k.startswith("utm_") or k in ("fbclid", "gclid")]
