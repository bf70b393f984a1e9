"""Shingles and the exact check: what makes two texts one story, on texts written here."""

import numpy as np
import pytest

from newsbot.dedup.fingerprints import shingles, text_shingles, tokens
from newsbot.dedup.similarity import Thresholds, scores, verdict
from story_text import body, paragraphs

T = Thresholds()


def judge(a: str, b: str) -> str | None:
    return verdict(scores(*text_shingles(a), *text_shingles(b)), T)


def test_tokens_fold_case_width_and_digits():
    assert tokens("Ｔｈｅ ２０ BIG, big ships!") == ["the", "20", "big", "big", "ships"]
    assert tokens("18,000 ships on 2026-11-18", fold_digits=True) == \
        ["0", "0", "ships", "on", "0", "0", "0"]


def test_shingles_are_stable_sorted_distinct_and_order_sensitive():
    words = "one two three four five six seven".split()
    first = shingles(words)
    assert first.dtype == np.uint32 and len(first) == 3
    assert list(first) == sorted(set(first.tolist()))
    assert np.array_equal(first, shingles(list(words)))       # same input, same hashes
    assert not np.array_equal(first, shingles(words[::-1]))   # word order matters
    assert len(shingles(["just", "two"])) == 1                # short text: one short shingle
    assert len(shingles([])) == 0


def test_copy_edits_to_figures_do_not_change_shingles():
    a = "Authorities evacuated 18,000 people from 12 towns on Friday as the storm neared."
    b = "Authorities evacuated 18,500 people from 14 towns on Friday as the storm neared."
    assert np.array_equal(text_shingles(a)[0], text_shingles(b)[0])


def test_verbatim_and_boilerplate_wrapped_copies_are_duplicates():
    text = body(1)
    assert judge(text, text) == "duplicate"
    assert judge(text, text + "\n\nRead more stories like this on our website every day.") \
        == "duplicate"


@pytest.mark.parametrize("keep", [3, 4, 6, 9])
def test_a_reprint_trimmed_from_the_bottom_joins_its_original(keep):
    original = paragraphs(2)
    assert judge("\n\n".join(original), "\n\n".join(original[:keep])) == "duplicate"


def test_a_follow_up_reusing_background_paragraphs_is_only_related():
    original = paragraphs(3)
    follow_up = paragraphs(4, count=7) + original[5:8]  # 30 % background
    assert judge("\n\n".join(original), "\n\n".join(follow_up)) == "related"


def test_a_trimmed_copy_with_a_rewritten_lead_is_not_a_duplicate_by_containment():
    original = paragraphs(5)
    rewritten = paragraphs(6, count=2) + original[2:5]
    s = scores(*text_shingles("\n\n".join(original)), *text_shingles("\n\n".join(rewritten)))
    assert s.containment > 0.5 and s.lead < T.lead
    assert verdict(s, T) == "related"


def test_short_briefs_need_a_high_jaccard():
    brief = paragraphs(7, count=1, words=30)[0]
    other = " ".join(brief.split()[:20] + paragraphs(8, count=1, words=10)[0].split())
    assert judge(brief, brief) == "duplicate"
    s = scores(*text_shingles(brief), *text_shingles(other))
    assert s.smaller < T.min_shingles and s.containment > 0.5
    assert verdict(s, T) is None


def test_unrelated_texts_share_nothing():
    assert judge(body(9), body(10)) is None
