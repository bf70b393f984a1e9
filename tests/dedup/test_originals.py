"""A story's original: the election rule (the crawl's, and newsbot export's for lines read in any
order), and what a copy takes from its original."""

import pytest
from test_clusters import doc

from newsbot.dedup.originals import elect, mark_copy, prevails, story_id


@pytest.mark.parametrize(("incumbent", "challenger", "wins"), [
    ({"agency_page": None}, {"agency_page": "AP"}, True),
    ({"agency_page": "AP"}, {"agency_page": None, "published": "2020-01-01T00:00:00Z"}, False),
    ({"canonical_key": "wire.test/a"}, {"url": "https://wire.test/a",
                                        "published": "2030-01-01T00:00:00Z"}, True),
    ({}, {"canonical_key": "b.test/1", "published": "2000-01-01T00:00:00Z"}, False),
    ({}, {"published": "2026-11-18T09:00:00Z"}, True),
    ({}, {"published": "2026-11-18T11:00:00Z"}, False),
    ({}, {"published": None}, False),
])
def test_election_rule(incumbent, challenger, wins):
    base = {"url": "https://b.test/1", "published": "2026-11-18T10:00:00Z"}
    a = doc(**{**base, **incumbent, "text": "x y z"})
    b = doc(**{**base, "url": "https://c.test/1", **challenger, "text": "x y z"})
    assert elect(a, b) is wins


def test_read_in_any_order_a_tie_goes_to_the_first_crawled():
    a = doc("https://b.test/1", "x y z")
    b = doc("https://c.test/1", "x y z")  # same date, no agency, no canonical: a tie
    assert not elect(a, b) and not elect(b, a)
    assert prevails(b, a, "2026-11-18T09:00:00Z", "2026-11-18T10:00:00Z")
    assert not prevails(b, a, "2026-11-18T11:00:00Z", "2026-11-18T10:00:00Z")
    wire = doc("https://wire.test/1", "x y z", agency_page="AP")
    assert prevails(wire, a, "2026-11-19T00:00:00Z", "2026-11-18T10:00:00Z")  # not a tie


def test_a_copy_takes_the_original_and_its_agency_unless_it_names_one():
    copy = {"url": "https://b.test/1", "publisher": "B", "isSyndicated": False,
            "sourceOrganization": None, "attributionEvidence": []}
    mark_copy(copy, "https://wire.test/1", "Wire", "AP")
    assert copy == {"url": "https://b.test/1", "publisher": "B", "isSyndicated": True,
                    "duplicateOf": "https://wire.test/1", "sourceOrganization": "AP",
                    "attributionEvidence": [{"cue": "cluster", "text": "https://wire.test/1",
                                             "agency": "AP"}]}
    own = {"url": "https://wire.test/2", "publisher": "Wire", "sourceOrganization": "AFP"}
    mark_copy(own, "https://wire.test/1", "Wire", "AP")
    assert own == {"url": "https://wire.test/2", "publisher": "Wire", "sourceOrganization": "AFP",
                   "duplicateOf": "https://wire.test/1"}  # same outlet: not syndicated by this


def test_a_story_id_is_the_id_of_its_original():
    assert story_id("https://x.test/a?utm_source=t", "https://x.test/a") == story_id(
        "https://x.test/a", None)
    assert story_id("https://y.test/a", "https://x.test/a") != story_id("https://x.test/a", None)
