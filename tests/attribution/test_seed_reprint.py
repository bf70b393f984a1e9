"""The seed example: a page reprinting another outlet's story, with an agency photo credit."""

from pathlib import Path

from newsbot.cli import extract_page

PAGE = Path(__file__).parent.parent / "pages" / "seed_reprint.html"


def test_source_line_is_the_immediate_source_and_the_credits_are_not_attribution():
    article = extract_page(PAGE.read_text(encoding="utf-8"), "https://outlet.test/article/1", PAGE)
    assert article["trailers"] == ["Source: HWN"]
    assert article["immediateSource"] == "HWN" and article["isSyndicated"]
    assert any(i["credit"] == "Photo/Reuters" for i in article["images"])
    assert article["sourceOrganization"] is None  # a photo credit is not attribution
    assert article["attributionEvidence"] == []
