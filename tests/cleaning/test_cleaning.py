import pytest

from newsbot.cleaning import clean_article, split_credit

PARAGRAPHS = [
    "The council voted on Friday to close the old harbour bridge for repairs that will take "
    "at least eighteen months, officials said.",
    "Detours will send lorries through the industrial district.",
]


def clean(lines: list[str], **fields) -> dict:
    return clean_article({"url": "https://x.test/a", "articleBody": "\n".join(lines), **fields})


@pytest.mark.parametrize("line", [
    "Advertisement", "ADVERTISEMENT", "Comment", "3 Comments", "Share this article",
    "Read more: Bridge closures across the region", "Sign up for our morning newsletter",
    "Follow us on Twitter", "___", "* * *".replace(" ", ""), "© 2026 Harbour World",
    "Story continues below advertisement", "4 min read",
])
def test_boilerplate_lines_are_dropped(line):
    assert clean([PARAGRAPHS[0], line, PARAGRAPHS[1]])["articleBody"].split("\n\n") == PARAGRAPHS


@pytest.mark.parametrize("line", [
    "Tempo de leitura: 2 minutos", "Lesezeit: ca. 3 Min.", "Reading time: 4 minutes",
    "You may also like", "More", "Also", "Filed under: Harbour, Ferries",
    "Like this story? Share it with a friend!", "Tell us what YOU think...",
    "Also on kestrel-news.example Harbour board under fire over dredging costs",
    "[Related: Harbour board under fire over dredging costs]",
    "Updated at 1:23 p.m.", "Published 14:05, 28 Apr 2026",
    "Get the latest updates right in your inbox. Subscribe to Kestrel's newsletters.",
    "Get Harbour Monthly delivered through your letterbox every month, 12 issues for £11.99. "
    "Click here for more information",
    "Follow The Kestrel Opinion section on Facebook, Twitter (@KestrelOp) and Instagram.",
    "Harbour board under fire over dredging costs [INSIGHT]",
    "Les også: Fergen går igjen fra mandag", "Lesen Sie auch: Neue Fähre für die Insel",
    "Stand: 22.04.2026 06:00 Uhr",
])
def test_more_boilerplate_lines_are_dropped(line):
    assert clean([PARAGRAPHS[0], line, PARAGRAPHS[1]])["articleBody"].split("\n\n") == PARAGRAPHS


@pytest.mark.parametrize("line", [
    "Updated at 4pm: the death toll has risen to twelve, the coastguard said.",
    "More than 300 people were evacuated from the island overnight.",
    "Also on Tuesday, the council approved the budget for the new quay.",
    "Published in 1998, the report warned of exactly this kind of flooding.",
    "Filed under seal, the documents were released on Tuesday.",
])
def test_article_sentences_that_start_like_boilerplate_are_kept(line):
    assert line in clean([PARAGRAPHS[0], line, PARAGRAPHS[1]])["articleBody"].split("\n\n")


@pytest.mark.parametrize("line", ["Von Ida Wren", "By Ida Wren and Jo Park", "Ida Wren"])
def test_a_line_naming_only_the_authors_is_the_byline(line):
    authors = [{"name": "Ida Wren", "type": "Person"}, {"name": "Jo Park", "type": "Person"}]
    assert clean([line, *PARAGRAPHS], authors=authors)["articleBody"].split("\n\n") == PARAGRAPHS


def test_an_agency_trailer_naming_the_author_stays_a_trailer():
    article = clean([*PARAGRAPHS, "Reuters"], authors=[{"name": "Reuters", "type": "Organization"}])
    assert article["trailers"] == ["Reuters"]


def test_a_sentence_about_an_author_is_not_a_byline():
    line = "Ida Wren said the ferry would sail again."
    authors = [{"name": "Ida Wren", "type": "Person"}]
    assert line in clean([line, *PARAGRAPHS], authors=authors)["articleBody"]


def test_long_paragraphs_mentioning_boilerplate_words_are_kept():
    text = ("Advertisement revenue fell by a third this year, the company said, and it will "
            "share the cost of the new printing plant with two other newspapers in the region.")
    assert clean([text])["articleBody"] == text


@pytest.mark.parametrize(("line", "dateline"), [
    ("WASHINGTON (AP) — The Senate passed the bill.", "WASHINGTON (AP) —"),
    ("(Reuters) - Oil prices rose on Monday.", "(Reuters) -"),
    ("BEIJING, Jan. 5 (Xinhua) -- China launched a satellite.", "BEIJING, Jan. 5 (Xinhua) --"),
    ("ANKARA (AA) – Türkiye hosted talks.", "ANKARA (AA) –"),
    ("LONDON, Nov 5 (Reuters) - Shares fell.", "LONDON, Nov 5 (Reuters) -"),
    ("ALDERMOUTH — The assembly met.", "ALDERMOUTH —"),
])
def test_datelines_are_recorded_and_removed(line, dateline):
    article = clean([line, PARAGRAPHS[1]])
    assert article["dateline"] == dateline
    assert article["articleBody"].split("\n\n")[0] == line[len(dateline):].strip()


def test_text_starting_with_a_capitalised_word_is_not_a_dateline():
    article = clean(["NATO said on Monday it would meet again.", PARAGRAPHS[1]])
    assert "dateline" not in article
    assert article["articleBody"].startswith("NATO said")


@pytest.mark.parametrize("trailer", [
    "Source: TRT", "— AFP", "Reporting by Ana Ruiz; Editing by Tom Beck",
    "(With agency inputs)", "Associated Press writer Jo Park contributed to this report.",
    "Ines Halvorsen contributed reporting from Harborton.",
    "Have a tip? Jo Park may be reached at jpark@kestrel.example.",
    "Jo Park's book about harbours is out now. Follow him on Twitter @jopark.",
])
def test_trailers_are_recorded_and_removed(trailer):
    article = clean([*PARAGRAPHS, trailer, "Advertisement"])
    assert article["articleBody"].split("\n\n") == PARAGRAPHS
    assert article["trailers"] == [trailer]


def test_captions_move_to_the_image():
    article = clean([PARAGRAPHS[0], "The bridge at dusk. (AP Photo/Jo Park)", PARAGRAPHS[1]],
                    mainImage={"url": "https://x.test/b.jpg", "caption": None, "credit": None})
    assert article["articleBody"].split("\n\n") == PARAGRAPHS
    assert article["mainImage"] == {"url": "https://x.test/b.jpg", "caption": "The bridge at dusk.",
                                    "credit": "AP Photo/Jo Park"}


@pytest.mark.parametrize(("caption", "expected"), [
    ("Troops advance. (Photo/Reuters)", ("Troops advance.", "Photo/Reuters")),
    ("A man waves. REUTERS/Jane Doe", ("A man waves.", "REUTERS/Jane Doe")),
    ("Crowds gather. AFP via Getty Images", ("Crowds gather.", "AFP via Getty Images")),
    ("Photo: The harbour at night", ("The harbour at night", None)),
    ("A quiet street", ("A quiet street", None)),
])
def test_split_credit(caption, expected):
    assert split_credit(caption) == expected


def test_headline_repeated_at_the_top_is_dropped_and_unicode_is_normalised():
    article = clean(["Bridge to close", "Cafe\u0301\u00a0owners\u200b  say " + PARAGRAPHS[1]],
                    headline="Bridge  to close")
    assert article["headline"] == "Bridge to close"
    assert article["articleBody"] == "Café owners say " + PARAGRAPHS[1]


def test_content_hash_ignores_spacing_and_punctuation():
    a = clean(["It's “done”, she said.", PARAGRAPHS[1]])
    b = clean(["It’s \"done\" she said", " " + PARAGRAPHS[1] + " "])
    assert a["contentHash"] == b["contentHash"]
    assert a["contentHash"] != clean([PARAGRAPHS[1]])["contentHash"]
