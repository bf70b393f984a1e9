"""Hypothesis strategies for what pages, feeds and archives can contain: the inputs of the
property tests (``test_*_fuzz.py``). Mostly plausible, sometimes hostile: the near misses are
where parsers break."""

from __future__ import annotations

from hypothesis import strategies as st

# Characters that have broken text handling somewhere: controls, bidirectional overrides,
# zero-width and byte-order marks, line separators, combining marks, NUL, replacement char.
ODD_CHARACTERS = ("\x00", "\x08", "\x0b", "\x1b", "\x7f", "\x85", "\xa0", "\xad", "\u200b",
                  "\u200d", "\u2028", "\u2029", "\u202e", "\u2066", "\ufeff", "\ufffd", "\u0301",
                  "\U0001f600", "\r", "\t", "&amp;", "&#0;", "&lt;", "<", ">", "]]>", "%", "\\")


def hostile_text(max_size: int = 60) -> st.SearchStrategy[str]:
    """Short texts: words, odd characters, or anything Unicode allows."""
    words = st.lists(st.sampled_from(["the", "news", "AP", "Reuters", "Source:", "By", "Photo",
                                      "—", "(", ")", "Washington", "Ana", "Ruiz", "2026"]),
                     max_size=8).map(" ".join)
    odd = st.lists(st.one_of(st.sampled_from(ODD_CHARACTERS), st.characters()),
                   max_size=max_size).map("".join)
    return st.one_of(words, odd, st.text(max_size=max_size))


HOSTS = st.sampled_from([
    "news.example", "www.news.example", "m.news.example", "amp.news.example", "NEWS.Example",
    "news.example.", "127.0.0.1", "[::1]", "[2001:db8::1]", "xn--nws-qla.example", "néws.example",
    "a", "", "news.example:8080", "news.example:80", "news.example:443", "user:pw@news.example",
    "news..example", "-news.example", "news.example:99999", "[::1", "news example",
])
SCHEMES = st.sampled_from(["http", "https", "HTTP", "HtTpS", "ftp", "javascript", "data", ""])
QUERY_KEYS = st.sampled_from(["utm_source", "UTM_Medium", "fbclid", "gclid", "id", "page", "q",
                              "amp", "ref", "sid", "a b", "é", "", "x[]"])


@st.composite
def url_like(draw: st.DrawFn) -> str:
    """URLs as links on pages have them: mostly well-formed, with tracking, session and AMP
    parts, odd hosts and escapes, or any text at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=80))
    path = draw(st.lists(st.one_of(
        st.sampled_from(["news", "2026", "11", "story.html", "amp", "index.amp.html", "a%20b",
                         "%2F", "%zz", "..", ".", ";jsessionid=ABC", "é", "a b", "~x", ""]),
        st.text(alphabet=st.characters(codec="utf-8", exclude_characters="/?#"), max_size=8)),
        max_size=5))
    query = draw(st.lists(st.tuples(QUERY_KEYS, st.text(max_size=6)), max_size=4))
    url = f"{draw(SCHEMES)}://{draw(HOSTS)}/" + "/".join(path)
    if query or draw(st.booleans()):
        url += "?" + "&".join(f"{k}={v}" for k, v in query)
    if draw(st.booleans()):
        url += "#" + draw(st.text(max_size=6))
    return draw(st.sampled_from(["", " ", "\t", "\n"])) + url + draw(
        st.sampled_from(["", " ", "\n"]))
