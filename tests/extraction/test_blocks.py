"""The page as blocks: what a reader sees as paragraphs, with how much of each is link."""

from newsbot.extraction import parse_html
from newsbot.extraction.blocks import TextIndex, page_blocks, word_runs


def blocks_of(body: str) -> list[tuple[str, str, int]]:
    tree = parse_html(f"<html><head><title>T</title><script>var x = 1;</script></head>"
                      f"<body>{body}</body></html>")
    return [(b.tag, b.text, b.link_chars) for b in page_blocks(tree)]


def test_paragraphs_headings_and_text_directly_in_a_div_are_blocks():
    assert blocks_of("<div>Intro <b>in bold</b> text<p>A  paragraph\n with <i>style</i>.</p>"
                     "tail text</div><h2>Sub</h2>") == [
        ("div", "Intro in bold text", 0), ("p", "A paragraph with style.", 0),
        ("div", "tail text", 0), ("h2", "Sub", 0)]


def test_a_line_break_starts_a_new_block():
    assert [t for _, t, _ in blocks_of("<div>First line<br>Second line</div>")] == [
        "First line", "Second line"]


def test_scripts_forms_and_hidden_elements_are_no_text():
    assert blocks_of("<p>Seen</p><script>alert(1)</script><div hidden>Hidden</div>"
                     "<div style='display: none'>Not shown</div><div aria-hidden='true'>x</div>"
                     "<button>Share</button><p>Also seen</p>") == [
        ("p", "Seen", 0), ("p", "Also seen", 0)]


def test_link_characters_are_counted():
    [(_, text, links)] = blocks_of("<p>Read <a href='/a'>the full report</a> today.</p>")
    assert text == "Read the full report today." and links == len("the full report")


def test_a_table_row_is_one_block_with_its_cells_set_apart():
    assert [t for _, t, _ in blocks_of(
        "<table><tr><th>Route</th><th>Crossings</th></tr><tr><td>North</td><td>14</td></tr>"
        "</table>")] == ["Route | Crossings", "North | 14"]


def test_a_text_index_finds_blocks_whatever_the_punctuation():
    index = TextIndex(["The board’s chair said the dredging would cost 4.2 million crowns.",
                       "Night work"])
    assert index.share("The board's chair said the dredging would cost 4.2 million crowns") \
        == 1.0
    assert index.share("Night work") == 1.0  # a short line must be a whole line
    assert index.share("work") == 0.0
    assert index.share("Ferry operators welcomed the decision") == 0.0
    assert word_runs("One two three four") == [("one", "two", "three"), ("two", "three", "four")]


def test_nesting_depth_is_measured_and_capped_by_the_parser():
    # libxml2 keeps 255 levels; the main-text choice leaves resiliparse out of deeper pages,
    # whose main-content pass takes time quadratic in the depth (in C, uninterruptible)
    deep = parse_html("<html><body>" + "<div>" * 3000 + "<p>deep</p>" + "</div>" * 3000
                      + "<p>Shallow text</p></body></html>")
    assert page_blocks(deep).depth >= 250
    assert page_blocks(parse_html("<html><body><div><p>x</p></div></body></html>")).depth == 4
