"""Clusters around an elected original, on a real index: in-memory SQLite, and Redis (the
distributed crawls' index) on a private redis-server."""

import numpy as np
import pytest
import redis

from newsbot.dedup.clusters import Clusterer
from newsbot.dedup.fingerprints import body_hash, short_id, text_shingles
from newsbot.dedup.lsh import band_keys
from newsbot.dedup.redis_store import RedisIndex
from newsbot.dedup.similarity import Thresholds
from newsbot.dedup.store import Doc, IndexMismatch, SqliteIndex
from story_text import paragraphs


def doc(url, text, publisher="Outlet", published="2026-11-18T10:00:00Z", day=740000, **fields):
    body, lead = text_shingles(text)
    return Doc(url=url, publisher=publisher, content_hash=body_hash(text), day=day,
               published=published, language=fields.pop("language", "en"),
               agency_page=fields.pop("agency_page", None), source_org=None,
               canonical_key=fields.pop("canonical_key", None), story=short_id(url),
               body=body, lead=lead)


@pytest.fixture(params=["sqlite", "redis"])
def clusterer(request):
    if request.param == "sqlite":
        index = SqliteIndex(":memory:")
    else:
        server = request.getfixturevalue("redis_server")
        index = RedisIndex(redis.Redis.from_url(server.url))
    yield Clusterer(index, Thresholds())
    index.close()


def place(clusterer, d):
    return clusterer.place(d, {d.url}, band_keys(d.body, d.lead))


def test_trimmed_and_edited_reprints_join_the_wire_story(clusterer):
    wire = paragraphs(1)
    original = place(clusterer, doc("https://wire.test/a", "\n\n".join(wire), "Wire"))
    trimmed = place(clusterer, doc("https://b.test/a", "\n\n".join(wire[:4]), "B"))
    assert original.kind == "new"
    assert trimmed.kind == "near" and trimmed.leader.url == "https://wire.test/a"
    assert trimmed.doc.story == original.doc.story
    copy = place(clusterer, doc("https://c.test/a", "\n\n".join(wire), "C"))
    assert copy.kind == "exact" and copy.leader.url == "https://wire.test/a"
    again = place(clusterer, doc("https://c.test/other-url", "\n\n".join(wire), "C"))
    assert again.kind == "same_text"


def test_the_agency_page_arriving_late_becomes_the_original(clusterer):
    wire = paragraphs(2)
    reprint = place(clusterer, doc("https://b.test/a", "\n\n".join(wire[:6]), "B",
                                   published="2026-11-18T12:00:00Z"))
    original = place(clusterer, doc("https://wire.test/a", "\n\n".join(wire), "Wire",
                                    published="2026-11-18T11:00:00Z", agency_page="W"))
    assert original.doc.story == reprint.doc.story
    assert original.leader.url == "https://wire.test/a"
    assert original.replaced.url == "https://b.test/a"
    later = place(clusterer, doc("https://c.test/a", "\n\n".join(wire[:5]), "C"))
    assert later.leader.url == "https://wire.test/a"


def test_a_composite_of_two_wires_joins_the_one_it_leads_with(clusterer):
    first, second = paragraphs(3), paragraphs(4)
    a = place(clusterer, doc("https://wire.test/a", "\n\n".join(first), "Wire"))
    b = place(clusterer, doc("https://wire.test/b", "\n\n".join(second), "Wire"))
    composite = place(clusterer, doc("https://c.test/ab", "\n\n".join(first[:8] + second[:3]),
                                     "C"))
    assert composite.kind == "near" and composite.doc.story == a.doc.story
    assert not composite.bridged and b.doc.story != a.doc.story


def test_a_bridging_article_is_reported_and_the_stories_stay_apart(clusterer):
    text = paragraphs(5, count=9)
    a = place(clusterer, doc("https://wire.test/a", "\n\n".join(text[:6]), "Wire"))
    b = place(clusterer, doc("https://other.test/b", "\n\n".join(text[3:]), "Other"))
    assert b.kind == "new"
    bridge = place(clusterer, doc("https://c.test/ab", "\n\n".join(text), "C"))
    assert {bridge.doc.story, *bridge.bridged} == {a.doc.story, b.doc.story}
    assert clusterer.index.leader(a.doc.story).url == "https://wire.test/a"
    assert clusterer.index.leader(b.doc.story).url == "https://other.test/b"


def test_translations_and_live_blogs_are_never_merged(clusterer):
    text = "\n\n".join(paragraphs(6))
    place(clusterer, doc("https://wire.test/en", text, "Wire"))
    translated = doc("https://wire.test/de", text + "\n\nDe.", "Other", language="de")
    assert place(clusterer, translated).kind == "new"
    blog = doc("https://live.test/blog", text + "\n\nUpdate.", "Live")
    assert clusterer.place(blog, {blog.url}, np.empty(0, dtype=np.int64)).kind == "new"


def test_expiry_forgets_whole_days_and_a_layout_change_is_refused(tmp_path):
    path = tmp_path / "index.sqlite"
    index = SqliteIndex(path)
    clusterer = Clusterer(index, Thresholds())
    old = doc("https://wire.test/old", "\n\n".join(paragraphs(7)), "Wire", day=100)
    new = doc("https://wire.test/new", "\n\n".join(paragraphs(8)), "Wire", day=101)
    place(clusterer, old)
    place(clusterer, new)
    assert index.expire(101) == 1
    assert index.find_url(["https://wire.test/old"]) is None
    assert index.find_url(["https://wire.test/new"]).url == "https://wire.test/new"
    assert place(clusterer, doc("https://b.test/old", "\n\n".join(paragraphs(7)), "B",
                                day=101)).kind == "new"
    counts = [index.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("docs", "bands", "urls", "stories")]
    assert counts[0] == 2 and counts[3] == 2 and counts[1] > 0
    index.db.execute("UPDATE meta SET value = 'other' WHERE key = 'layout'")
    index.close()
    with pytest.raises(IndexMismatch, match="other"):
        SqliteIndex(path)


def test_redis_expiry_forgets_whole_days_and_a_layout_change_is_refused(redis_server):
    client = redis.Redis.from_url(redis_server.url)
    index = RedisIndex(client)
    clusterer = Clusterer(index, Thresholds())
    place(clusterer, doc("https://wire.test/old", "\n\n".join(paragraphs(7)), "Wire", day=100))
    place(clusterer, doc("https://wire.test/new", "\n\n".join(paragraphs(8)), "Wire", day=101))
    assert index.expire(101) == 1
    assert index.find_url(["https://wire.test/old"]) is None
    assert index.find_url(["https://wire.test/new"]).url == "https://wire.test/new"
    assert place(clusterer, doc("https://b.test/old", "\n\n".join(paragraphs(7)), "B",
                                day=101)).kind == "new"
    assert client.hlen("newsbot:dedup:stories") == 2 and client.hlen("newsbot:dedup:urls") == 2
    assert len(client.keys("newsbot:dedup:doc:*")) == 2
    assert not client.exists("newsbot:dedup:day:100")
    client.set("newsbot:dedup:layout", "other")
    with pytest.raises(IndexMismatch, match="other"):
        RedisIndex(client)
