"""JSON-LD credits read for attribution: organisations and isBasedOn, raw."""

from newsbot.extraction import extract_article
from support import article_page


def test_json_ld_organisation_credits_and_is_based_on_are_kept_as_raw_cues():
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Storm",
          "author": [{"@type": "Person", "name": "Jane Doe"},
                     {"@type": "Organization", "name": "Associated Press"}],
          "provider": {"@type": "NewsMediaOrganization", "name": "AFP"},
          "sourceOrganization": "Reuters",
          "isBasedOn": "/wire/storm-original"}
    page = article_page("Storm", ["A paragraph long enough to be the body of the article."],
                        json_ld=ld)
    article = extract_article("https://outlet.test/news/storm", page)
    assert article["attributionEvidence"] == [
        {"cue": "jsonld:sourceOrganization", "text": "Reuters"},
        {"cue": "jsonld:provider", "text": "AFP"},
        {"cue": "jsonld:author", "text": "Associated Press"},
        {"cue": "isBasedOn", "text": "https://outlet.test/wire/storm-original"},
    ]


def test_pages_without_credits_have_no_cues():
    page = article_page("Quiet", ["Nothing credited here, only a person writes this story."],
                        authors=["Jane Doe"])
    assert "attributionEvidence" not in extract_article("https://outlet.test/q", page)
