"""The page ledger's pure logic: one outcome per response, unsettled articles, the table."""

from __future__ import annotations

from collections import Counter

from newsbot.ledger import Ledger, Page, best, format_report, http_outcome, report


def ledger() -> tuple[Ledger, Counter]:
    counts: Counter = Counter()
    return Ledger(count=lambda o: counts.update([o])), counts


def test_a_page_settles_once_the_spider_is_done_and_its_items_are():
    book, counts = ledger()
    book.received(1, Page("article", 200, ("k1",)))
    book.item_yielded(1)
    book.spider_done(1)
    assert not counts  # its article is not on disk yet
    book.item_settled(1, "exported/new")
    assert counts == {"exported/new": 1} and not book.pages


def test_a_page_without_items_ends_in_its_role_or_its_http_error():
    book, counts = ledger()
    for page_id, (role, status) in enumerate([("front", 200), ("sitemap", 200), ("feed", 200),
                                              ("front", 404), ("article", 403)], 1):
        book.received(page_id, Page(role, status, ()))
        book.spider_done(page_id)
    assert counts == {"front": 1, "sitemap": 1, "feed": 1, "failure/HTTP 404": 1,
                      "refused/HTTP 403": 1}


def test_an_article_page_that_gave_nothing_is_an_error_not_silence():
    book, counts = ledger()
    book.received(1, Page("article", 200, ()))
    book.spider_done(1)
    assert counts == {"error/no_outcome": 1}


def test_a_front_that_gave_an_article_counts_once_with_the_articles_outcome():
    book, counts = ledger()
    book.received(1, Page("front", 200, ("k",)))
    book.item_yielded(1)
    book.item_settled(1, "duplicate/same_url")
    book.spider_done(1)
    assert counts == {"duplicate/same_url": 1}


def test_the_best_of_several_outcomes_wins():
    assert best(None, "dropped/short_body") == "dropped/short_body"
    assert best("dropped/short_body", "exported/new") == "exported/new"
    assert best("exported/new", "error/pipeline") == "exported/new"
    assert best("unchanged", "duplicate/same_text") == "unchanged"


def test_http_outcomes():
    assert http_outcome(404) == "failure/HTTP 404"
    assert http_outcome(429) == "refused/HTTP 429"
    assert http_outcome(500) == "failure/HTTP 500"


def test_announced_articles_are_settled_by_an_article_outcome_or_a_404():
    book, counts = ledger()
    for key in ("a", "b", "c", "d", "e"):
        book.announce(key, f"https://n.test/{key}")
    book.settle("exported/new", ["a"])
    book.settle("dropped/short_body", ["b"])
    book.settle("failure/HTTP 410", ["c"])
    book.settle("redirected", ["d"])  # on its way: not a why
    book.settle("failure/HTTP 503", ["d"])
    book.note("e", "download failed: TimeoutError")
    book.announce("a", "https://n.test/a")  # settled already: not announced again
    assert book.close() == [("https://n.test/d", "failure/HTTP 503"),
                            ("https://n.test/e", "download failed: TimeoutError")]


def test_pages_still_open_at_the_end_are_counted_as_unsettled():
    book, counts = ledger()
    book.announce("k", "https://n.test/k")
    book.received(1, Page("article", 200, ("k",)))
    book.item_yielded(1)
    book.spider_done(1)  # its article never reached the disk
    book.received(2, Page("front", 200, ()))  # never got through the spider
    unsettled = book.close()
    assert counts == {"unsettled/not_written": 1, "unsettled/unfinished": 1}
    assert unsettled == [("https://n.test/k", "unsettled/not_written")]


def test_report_reads_the_table_back_from_stats_and_checks_the_sum():
    stats = {"downloader/response_count": 7, "newsbot/ledger/exported/new": 2,
             "newsbot/ledger/exported/new_version": 1, "newsbot/ledger/front": 1,
             "newsbot/ledger/robots.txt": 2, "newsbot/ledger/failure/HTTP 404": 1,
             "newsbot/discovery/unsettled": 1, "newsbot/other": 5}
    ledger_report = report(stats)
    assert ledger_report["balanced"] and ledger_report["outcomes"] == 7
    assert list(ledger_report["table"]) == ["exported", "front", "robots.txt", "failure"]
    assert ledger_report["table"]["exported"] == {"total": 3, "by": {"new": 2, "new_version": 1}}
    lines = format_report(ledger_report)
    assert lines[0] == "  page ledger:        7 responses (adds up)"
    assert "    exported              3  (new: 2, new_version: 1)" in lines
    assert lines[-1] == "  unsettled articles: 1"
    off = report({**stats, "downloader/response_count": 8})
    assert not off["balanced"]
    assert "DOES NOT ADD UP: 7 outcomes" in format_report(off)[0]
