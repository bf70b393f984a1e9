import pytest

from newsbot.extraction import extract_article
from newsbot.extraction.headline import choose_headline
from newsbot.extraction.site import site_name_keys

KEYS = site_name_keys("https://www.kestrel-news.example/a", "Kestrel News")


@pytest.mark.parametrize(("candidates", "headline"), [
    # the site name after a separator, given as og:site_name or only as the host name
    (["Ferry service resumes | Kestrel News"], "Ferry service resumes"),
    (["Ferry service resumes - Kestrel-News.example"], "Ferry service resumes"),
    (["Ferry service resumes：Kestrel News"], "Ferry service resumes"),
    # a longer form of the host's name is still the site name
    (["Ferry service resumes - The Daily Kestrel-News"], "Ferry service resumes"),
    # a section appended in one source only: the undecorated source wins over rank
    (["Ferry service resumes | Travel", "Ferry service resumes"], "Ferry service resumes"),
    # a topic before a colon is part of the headline, not decoration
    (["Storm: Ferry service resumes", "Storm"], "Storm: Ferry service resumes"),
    # a truncated JSON-LD headline gives way to the full one
    (["Ferry service resumes after a week of...", "Ferry service resumes after a week of storms"],
     "Ferry service resumes after a week of storms"),
    # a dash inside a headline is kept
    (["Ferry back - but fares rise"], "Ferry back - but fares rise"),
    ([None, "Kestrel News", "Ferry service resumes"], "Ferry service resumes"),
])
def test_headline_choice(candidates, headline):
    assert choose_headline(candidates, KEYS) == headline


def test_double_escaped_entities_are_decoded():
    html = ('<html><head><meta property="og:title" content="Mayor says &amp;quot;no&amp;quot; '
            'to &amp;#8216;toll&amp;#8217; plan"><script type="application/ld+json">'
            '{"@type": "NewsArticle", "headline": "Mayor says &quot;no&quot; to toll plan"}'
            "</script></head><body></body></html>")
    article = extract_article("https://x.test/a", html)
    assert article["headline"] == 'Mayor says "no" to toll plan'


def test_a_display_headline_repeated_atop_the_text_is_dropped():
    # the chosen headline (JSON-LD) differs from the one shown on the page and in og:title
    long = ("The harbour board met for six hours on Tuesday and agreed, after a long argument "
            "about the cost of dredging, to reopen the northern channel to ferries. ")
    html = ('<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
            '"headline": "Northern channel to reopen by end of month"}</script>'
            '<meta property="og:title" content="Ferries are coming back, and islanders ask: when?">'
            "</head><body><article><p>Ferries are coming back - and islanders ask, when?</p>"
            f"<p>{long * 2}</p><p>{long * 2}</p></article></body></html>")
    article = extract_article("https://x.test/a", html)
    assert article["headline"] == "Northern channel to reopen by end of month"
    assert article["articleBody"].startswith("The harbour board")
