"""The body: the page's own blocks picked by a complete JSON-LD articleBody, else by agreement of
resiliparse and the density method, else trafilatura."""

import json

from newsbot.cleaning import clean_article
from newsbot.extraction import extract_article, parse_html
from newsbot.extraction.body import Choice, choose

PARAS = [
    "The harbour board met for six hours on Tuesday and agreed, after a long argument about "
    "the cost of dredging, to reopen the northern channel to ferries by the end of the month.",
    "Ferry operators welcomed the decision, saying it would cut crossing times by a third and "
    "bring back the early sailing that commuters from the islands had asked for since spring.",
    "The board's chair, Ines Halvorsen, said the dredging would cost 4.2 million crowns and "
    "would be paid for from the port's reserves rather than from higher harbour fees.",
    "Work on the channel is due to start next week and will continue at night so that cargo "
    "ships can keep using the southern channel during the day, the board said in a statement.",
]
SUBHEAD = "Night work for two weeks"
RELATED = ("Council approves new bike lanes on Quay Street after a year of debate among "
           "residents and shop owners")


def page(ld_body: str | None, inside: str = "", teaser: str = "") -> str:
    ld = {"@type": "NewsArticle", "headline": "Northern channel to reopen"}
    if ld_body is not None:
        ld["articleBody"] = ld_body
    paras = [f"<p>{p}</p>" for p in PARAS]
    paras.insert(3, f"<h2>{SUBHEAD}</h2>")
    return (f'<html><head><script type="application/ld+json">{json.dumps(ld)}</script></head>'
            f"<body><header><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></header>"
            f"<main><article><h1>Northern channel to reopen</h1>{teaser}"
            f"<div class='article-body'>{''.join(paras[:2])}{inside}{''.join(paras[2:])}</div>"
            f"</article></main><footer><p>© Kestrel News. All rights reserved.</p></footer>"
            f"</body></html>")


def body_of(html: str) -> list[str]:
    return clean_article(extract_article("https://kestrel.example/a", html))[
        "articleBody"].split("\n\n")


def test_a_complete_article_body_picks_the_pages_paragraphs_and_sub_headlines():
    # one run of text, curly quotes where the page has straight ones, sub-headline left out
    ld_body = " ".join(PARAS).replace("board's", "board’s")
    related_box = (f"<h3>Read also</h3><div class='teaser'><a href='/bikes'><span>{RELATED}"
                   f"</span></a></div>")
    assert body_of(page(ld_body, inside=related_box)) == [*PARAS[:3], SUBHEAD, PARAS[3]]


def test_html_in_article_body_is_read_as_text():
    ld_body = "".join(f"<p>{p}</p>" for p in PARAS[:2]) + "<h3>Night work</h3>" + "".join(
        f"<p>{p}</p>" for p in PARAS[2:])
    assert body_of(page(ld_body)) == [*PARAS[:3], SUBHEAD, PARAS[3]]


def test_a_teaser_article_body_is_not_taken_for_the_article():
    # the first paragraph only: the container holds much more text, so trafilatura reads it
    body = body_of(page(PARAS[0] + " " + PARAS[1][:60]))
    assert body[0] == PARAS[0] and body[-1] == PARAS[3]


def test_related_story_headings_between_paragraphs_are_not_sub_headlines():
    box = f"<h3><a href='/bikes'>{RELATED}</a></h3>"
    assert RELATED not in body_of(page(" ".join(PARAS), inside=box))


PROMO = ("Get the Kestrel Weekly print edition delivered to your letterbox: twelve issues for "
         "19.99 crowns, click here for more information about our offer.")
LINKED = ("Read the <a href='/a'>board's full statement</a>, the <a href='/b'>dredging "
          "tender documents</a> and the <a href='/c'>ferry timetable for next month</a>.")


def test_what_the_article_body_leaves_out_stays_out_and_what_it_has_stays_in():
    # trafilatura keeps a promotion written as an ordinary paragraph and drops a paragraph
    # that is mostly links; the outlet's own articleBody says which is article text
    linked_text = "Read the board's full statement, the dredging tender documents and the " \
                  "ferry timetable for next month."
    html = page(" ".join([*PARAS, linked_text]), inside=f"<p>{PROMO}</p>").replace(
        f"<p>{PARAS[3]}</p>", f"<p>{PARAS[3]}</p><p>{LINKED}</p>")
    assert body_of(html) == [*PARAS[:3], SUBHEAD, PARAS[3], linked_text]


def test_a_list_of_links_inside_the_article_is_a_related_stories_list():
    related = "".join(f"<li><a href='/s{i}'>{title}</a></li>" for i, title in enumerate([
        "Council approves new bike lanes on Quay Street",
        "Ferry fares to rise by a tenth in January",
        "Eleven facts about the harbour you never knew"]))
    steps = ("<ul><li>Dredging starts on Monday night at the outer buoy.</li>"
             "<li>The <a href='/channel'>northern channel</a> closes to cargo ships.</li></ul>")
    html = page(None, inside=f"<p>Related:</p><ul>{related}</ul>{steps}")
    body = "\n".join(body_of(html))
    assert "Ferry fares to rise" not in body
    assert "Dredging starts on Monday night at the outer buoy." in body  # a list of article text


def test_a_table_header_is_not_repeated():
    table = ("<table><thead><tr><th>Route</th><th>Crossings</th></tr></thead><tbody>"
             "<tr><td>Northern channel</td><td>14</td></tr>"
             "<tr><td>Southern channel</td><td>9</td></tr></tbody></table>")
    body = "\n".join(body_of(page(None, inside=table)))
    assert body.count("Route") == 1


def choice_of(html: str, article_body: str | None = None) -> Choice:
    return choose(parse_html(html), html, "https://kestrel.example/a", article_body)


def test_where_both_methods_agree_their_blocks_are_the_body_without_asking_trafilatura():
    figure = ("<figure><img src='/dredger.jpg'><figcaption>Dredgers at work in the northern "
              "channel (Photo: Kestrel)</figcaption></figure>")
    related = (f"<aside class='related'><h3>Related</h3><ul><li><a href='/b'>{RELATED}</a></li>"
               f"</ul></aside>")
    choice = choice_of(page(None, inside=figure + related))
    assert choice.method == "agreement" and choice.agreement is not None
    assert choice.paragraphs == [*PARAS[:3], SUBHEAD, PARAS[3]]


def test_where_the_methods_disagree_trafilatura_decides():
    # the article split in two by a promotion box: resiliparse keeps the box, the density
    # method does not, so the page is one for the third method
    promo = "<div class='promo-box'>" + "".join(
        f"<p>Subscribe now and read {n} more stories about the harbour, the ferries and the "
        f"islands every single week.</p>" for n in range(6)) + "</div>"
    html = ("<html><body><nav><a href='/'>Home</a></nav><main><h1>Channel</h1><div class='one'>"
            + "".join(f"<p>{p}</p>" for p in PARAS[:2]) + "</div>" + promo
            + "<section><div><div class='two'>" + "".join(f"<p>{p}</p>" for p in PARAS[2:])
            + "</div></div></section></main></body></html>")
    choice = choice_of(html)
    assert choice.method == "trafilatura" and choice.agreement < 0.8
    assert all(p in choice.paragraphs for p in PARAS)


def test_a_page_showing_part_of_its_article_body_gets_the_whole_from_json_ld():
    # paywalled pages show the first paragraph and give search engines the rest in JSON-LD
    more = [p.replace("harbour", "port") for p in PARAS]
    ld_body = "\n".join([*PARAS, *more])
    html = (f"<html><body><main><article><h1>Northern channel to reopen</h1>"
            f"<div class='article-body'><p>{PARAS[0]}</p></div><div class='paywall'>Subscribe "
            f"to read on</div></article></main></body></html>")
    choice = choice_of(html, ld_body)
    assert choice.method == "json-ld text" and choice.paragraphs == [*PARAS, *more]


def test_a_complete_article_body_is_chosen_first():
    assert choice_of(page(" ".join(PARAS)), " ".join(PARAS)).method == "json-ld"


def test_a_page_nested_deeper_than_the_parser_keeps_is_decided_without_resiliparse():
    html = page(None).replace("<footer>", "<div>" * 3000 + "</div>" * 3000 + "<footer>")
    choice = choice_of(html)
    assert choice.method == "trafilatura"  # no agreement without the second method's vote
    assert PARAS[0] in choice.paragraphs
