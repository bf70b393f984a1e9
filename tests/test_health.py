"""Crawl health as pure logic: a run's counts against the median of the outlet's earlier runs."""

from __future__ import annotations

from newsbot.health import Margins, review, usable


def run(name: str, articles: int, **rates: float) -> dict:
    fill = {"headline": 1.0, "datePublished": 0.9, "articleBody": 1.0, **rates}
    return {"run": name, "finished": "x", "problems": [], "counts": {"articles_exported": articles},
            "fill_rates": fill}


def test_no_comparison_before_enough_earlier_runs():
    result = review(0, {"headline": 0.0}, [run("1", 40)], Margins(min_runs=2))
    assert result["warnings"] == [] and result["baseline"] is None
    assert result["note"] == "1 earlier runs to compare with; comparing from 2"


def test_drops_beyond_the_margins_warn_and_small_ones_do_not():
    earlier = [run("3", 40), run("2", 44, datePublished=0.2), run("1", 38)]  # one odd run
    fine = review(21, {"headline": 0.85, "datePublished": 0.75, "articleBody": 1.0}, earlier,
                  Margins())
    assert fine["warnings"] == []
    assert fine["baseline"] == {"articles_exported": 40,
                                "fill_rates": {"headline": 1.0, "datePublished": 0.9,
                                               "articleBody": 1.0}}
    assert fine["compared_with"] == ["3", "2", "1"]
    bad = review(19, {"headline": 1.0, "datePublished": 0.3, "articleBody": None}, earlier,
                 Margins())
    assert [w["check"] for w in bad["warnings"]] == ["articles_exported", "fill_rate/datePublished"]
    assert bad["warnings"][0]["message"] == (
        "19 articles exported, down from 40 (the median of the last 3 runs; margin 50%)")
    assert bad["warnings"][1]["message"] == (
        "datePublished filled in 30% of articles, down from 90% (the median of the last 3 runs; "
        "margin 20 points)")


def test_only_the_last_runs_count_and_the_margins_are_settings():
    earlier = [run(str(n), 10) for n in range(9, 3, -1)]
    earlier += [run(str(n), 1000) for n in range(3, 0, -1)]
    assert review(6, {}, earlier, Margins(runs=5))["warnings"] == []
    assert review(6, {}, earlier, Margins(runs=5, articles=0.3))["warnings"][0]["baseline"] == 10
    assert review(9, {"headline": 0.85}, earlier, Margins(fill=0.1))["warnings"][0]["check"] == \
        "fill_rate/headline"


def test_runs_that_lost_data_or_crashed_are_not_a_baseline():
    assert usable(run("1", 5))
    assert usable({**run("1", 5), "problems": ["health: 2 warnings"]})
    assert not usable({**run("1", 5), "problems": ["export_failed"]})
    assert not usable({**run("1", 5), "finished": None})
