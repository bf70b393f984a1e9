from newsbot.cleaning import clean_article
from newsbot.encoding import decode_html
from newsbot.extraction import extract_article
from support import PAGES


def extract(name: str, url: str = "https://example.test/page") -> dict:
    return extract_article(url, (PAGES / name).read_text(encoding="utf-8"))


def test_json_ld_graph_gives_fields_and_organisation_authors():
    article = extract("graph_jsonld.html")
    assert article["headline"] == "Windräder in Südbaden: Genehmigung erteilt"
    assert article["pageType"] == "ReportageNewsArticle"
    assert article["datePublished"] == "2026-03-02T06:45:00Z"
    assert article["datePublishedRaw"] == "2026-03-02T07:45:00+01:00"
    assert article["dateModified"] == "2026-03-02T10:00:00Z"
    assert article["authors"] == [
        {"name": "Deutsche Presse-Agentur", "type": "Organization"},
        {"name": "Lena Vogt", "type": "Person"},
        {"name": "Jonas Brandt", "type": "Person"},
    ]
    assert article["inLanguage"] == "de-DE"
    assert article["articleSection"] == "Baden-Württemberg"
    assert article["keywords"] == ["Windkraft", "Südbaden", "Energie"]
    assert article["canonicalUrl"] == "https://rheinpost.example/bw/windraeder-suedbaden-123.html"
    assert article["mainImage"]["url"] == "https://rheinpost.example/img/wind.jpg"
    assert "zwölf Windrädern" in article["articleBody"]


def test_opengraph_and_byline_when_there_is_no_json_ld():
    article = extract("og_only.html")
    assert article["headline"] == "Port strike enters third day"
    assert article["canonicalUrl"] == "https://coastline.example/news/port-strike-third-day"
    assert article["authors"] == [{"name": "Marta Lind", "type": "Person"}]
    assert article["inLanguage"] == "en-GB"
    assert article["keywords"] == ["ports", "strikes", "unions"]
    assert article["description"].startswith("Talks between unions")


def test_modified_date_is_never_reported_as_published():
    article = extract("og_only.html")
    assert article["dateModified"] == "2026-05-06T18:00:00Z"
    assert "datePublished" not in article


def test_site_name_is_stripped_from_title_fallback():
    html = ("<html><head><title>Quiet night in the harbour | Coastline Daily</title>"
            '<meta property="og:site_name" content="Coastline Daily"></head>'
            "<body><p>Text.</p></body></html>")
    assert extract_article("https://x.test/a", html)["headline"] == "Quiet night in the harbour"


def test_truncated_json_ld_headline_gives_way_to_h1():
    html = ('<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
            '"headline": "A very long headline that the CMS cut at a fixed..."}</script></head>'
            "<body><h1>A very long headline that the CMS cut at a fixed length for search</h1>"
            "</body></html>")
    assert extract_article("https://x.test/a", html)["headline"] == (
        "A very long headline that the CMS cut at a fixed length for search")


def test_broken_and_empty_documents_do_not_raise():
    assert extract_article("https://x.test/a", "") == {"url": "https://x.test/a"}
    assert extract_article("https://x.test/a", "<?xml version='1.0'?><html></html>")["url"]
    broken = '<script type="application/ld+json">{bad</script>'
    article = extract_article("https://x.test/a", broken)
    assert article["url"] == "https://x.test/a"


def test_decode_html_honours_meta_charset_and_bom():
    cp1254 = '<meta charset="windows-1254"><p>Türkiye’de seçim</p>'.encode("cp1254")
    assert "Türkiye’de seçim" in decode_html(cp1254)
    assert decode_html("\ufeff<p>Grüße</p>".encode("utf-8"), "text/html; charset=latin-1") \
        == "<p>Grüße</p>"


def test_seed_shaped_reprint_is_clean_after_extract_and_clean():
    article = clean_article(extract("seed_reprint.html", "https://harbourworld.example/article/18342"))
    body = article["articleBody"]
    paragraphs = body.split("\n\n")
    for boilerplate in ("Advertisement", "Comment", "___", "Source: HWN", "(Photo/Reuters)",
                        "Share this", "newsletter", "Water pours over"):
        assert boilerplate not in body
    assert paragraphs[0].startswith("A section of the main flood barrier")
    assert paragraphs[-1].startswith("Scientists say storm surges")
    assert "Years of warnings" in paragraphs  # the sub-headline is kept
    assert [p.split()[0] for p in paragraphs] == [  # every article paragraph, nothing else
        "A", "Officials", "The", "The", "Emergency", "Years", "Residents", "Local", "The",
        "Scientists"]
    assert article["trailers"] == ["Source: HWN"]
    assert article["mainImage"]["caption"] == (
        "Water pours over the broken section of the Norrhamn barrier on Friday.")
    assert article["mainImage"]["credit"] == "Photo/Reuters"
    assert article["datePublished"] == "2026-02-14T06:30:00Z"


LONG = ("The harbour board met for six hours on Tuesday and agreed, after a long argument about "
        "the cost of dredging, to reopen the northern channel to ferries by the end of the month.")


def body_of(body_html: str) -> str:
    html = (f"<html><head><title>Channel reopens</title></head><body><nav><a href='/'>Home</a>"
            f"</nav><article><h1>Channel reopens</h1>{body_html}</article>"
            f"<footer>Contact us</footer></body></html>")
    return clean_article(extract_article("https://x.test/a", html))["articleBody"]


def test_text_after_an_html_comment_inside_a_paragraph_is_kept():
    # server-rendered React pages split paragraphs with <!-- --> markers
    body = body_of(f"<p>{LONG}</p><p>Ferry operators<!-- --> welcomed the decision<!-- -->, "
                   f"saying it would <!-- -->cut crossing times by a third.</p><p>{LONG}</p>")
    assert "Ferry operators welcomed the decision, saying it would cut crossing times by a " \
           "third." in body


def test_tables_in_the_article_are_part_of_the_body():
    rows = "".join(f"<tr><td>{name}</td><td>{n}</td></tr>" for name, n in
                   [("Northern channel", 14), ("Southern channel", 9), ("Old quay", 3)])
    body = body_of(f"<p>{LONG}</p><table><tr><th>Route</th><th>Crossings</th></tr>{rows}"
                   f"</table><p>{LONG}</p>")
    assert "Southern channel" in body and "Old quay" in body
