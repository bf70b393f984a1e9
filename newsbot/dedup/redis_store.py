"""The near-duplicate index in Redis, shared by the workers of distributed crawls.

The same :class:`newsbot.dedup.store.NearIndex` as the SQLite file, under ``newsbot:dedup:``:

* ``doc:<id>``: a hash per article (the :class:`Doc` fields, shingle hashes and band keys as
  packed arrays); ids come from ``seq``;
* ``urls``: URL key -> doc id; ``text:<content hash>``, ``band:<LSH key>``: sets of doc ids;
* ``stories``: story -> its original's doc id; ``day:<n>`` the docs crawled that day, ``days``
  the days held (the sliding window is expired by whole days, as in SQLite).

Each method is one round trip (a pipeline), two for :meth:`RedisIndex.add` and
:meth:`RedisIndex.remove`, so a placement costs about ten round trips: a fraction of a
millisecond each on a LAN, small next to extraction. Workers place articles concurrently; two
copies of one story placed at the very same moment by two workers may each start a story (one
more story, never a lost or repeated article).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any, cast

import numpy as np
import redis

from newsbot.dedup.lsh import LAYOUT
from newsbot.dedup.store import Doc, IndexMismatch

P = "newsbot:dedup:"
_TEXT = ("url", "publisher", "content_hash", "published", "language", "agency_page",
         "source_org", "canonical_key", "story")


class RedisIndex:
    """:class:`NearIndex` in Redis (a client returning bytes)."""

    def __init__(self, client: redis.Redis):
        # Any: redis-py types each reply of the sync client as "Awaitable or Any"
        # (redis/redis-py#3497); its replies are bytes, lists and ints, checked where read.
        self.redis: Any = cast(Any, client)
        if not self.redis.set(P + "layout", LAYOUT, nx=True):
            layout = self.redis.get(P + "layout")
            if layout is not None and layout.decode() != LAYOUT:
                raise IndexMismatch(f"the Redis index {P}* was built with LSH layout "
                                    f"{layout.decode()!r}, not {LAYOUT!r}: delete its keys to "
                                    "start a new index")

    def find_url(self, url_keys: Iterable[str]) -> Doc | None:
        keys = sorted(url_keys)
        found = [i for i in self.redis.hmget(P + "urls", keys) if i] if keys else []
        docs = self.docs([int(found[0])]) if found else []
        return docs[0] if docs else None

    def find_text(self, content_hash: str) -> list[Doc]:
        return self.docs(sorted(int(i) for i in self.redis.smembers(f"{P}text:{content_hash}")))

    def candidates(self, band_keys: np.ndarray) -> list[int]:
        if not len(band_keys):
            return []
        ids = self.redis.sunion([f"{P}band:{k}" for k in band_keys.tolist()])
        return sorted(int(i) for i in ids)

    def docs(self, ids: Sequence[int]) -> list[Doc]:
        if not ids:
            return []
        pipe = self.redis.pipeline(transaction=False)
        for doc_id in ids:
            pipe.hgetall(f"{P}doc:{doc_id}")
        return [_doc(doc_id, row) for doc_id, row in zip(ids, pipe.execute(), strict=True)
                if row]

    def leader(self, story: str) -> Doc | None:
        doc_id = self.redis.hget(P + "stories", story)
        found = self.docs([int(doc_id)]) if doc_id else []
        return found[0] if found else None

    def add(self, doc: Doc, url_keys: Iterable[str], band_keys: np.ndarray) -> Doc:
        doc_id = int(self.redis.incr(P + "seq"))
        keys = sorted(set(url_keys))
        fields: dict[str, bytes | str | int] = {
            name: getattr(doc, name) for name in _TEXT if getattr(doc, name) is not None}
        fields |= {"day": doc.day, "body": doc.body.astype(np.uint32).tobytes(),
                   "lead": doc.lead.astype(np.uint32).tobytes(),
                   "band_keys": band_keys.astype(np.int64).tobytes(), "url_keys": "\n".join(keys)}
        pipe = self.redis.pipeline()
        pipe.hset(f"{P}doc:{doc_id}", mapping=fields)
        if keys:
            pipe.hset(P + "urls", mapping={k: doc_id for k in keys})
        for key in band_keys.tolist():
            pipe.sadd(f"{P}band:{key}", doc_id)
        if doc.content_hash:
            pipe.sadd(f"{P}text:{doc.content_hash}", doc_id)
        pipe.hsetnx(P + "stories", doc.story, doc_id)
        pipe.sadd(f"{P}day:{doc.day}", doc_id)
        pipe.zadd(P + "days", {str(doc.day): doc.day})
        pipe.execute()
        return replace(doc, id=doc_id)

    def remove(self, doc_id: int) -> None:
        row = self.redis.hmget(f"{P}doc:{doc_id}", "band_keys", "url_keys", "story",
                               "content_hash", "day")
        if row[0] is None:
            return
        bands, url_keys, story, content_hash, day = row
        keys = [k for k in url_keys.decode().split("\n") if k]
        owners = self.redis.hmget(P + "urls", keys) if keys else []
        pipe = self.redis.pipeline()
        for key in np.frombuffer(bands, dtype=np.int64).tolist():
            pipe.srem(f"{P}band:{key}", doc_id)
        mine = [k for k, owner in zip(keys, owners, strict=True) if owner == str(doc_id).encode()]
        if mine:
            pipe.hdel(P + "urls", *mine)
        if content_hash:
            pipe.srem(f"{P}text:{content_hash.decode()}", doc_id)
        pipe.srem(f"{P}day:{day.decode()}", doc_id)
        pipe.delete(f"{P}doc:{doc_id}")
        pipe.execute()
        if self.redis.hget(P + "stories", story) == str(doc_id).encode():
            self.redis.hdel(P + "stories", story)

    def set_leader(self, story: str, doc_id: int) -> None:
        self.redis.hset(P + "stories", story, doc_id)

    def expire(self, before_day: int) -> int:
        """Forget every article of a day before ``before_day``; returns how many."""
        gone = 0
        for day in self.redis.zrangebyscore(P + "days", "-inf", before_day - 1):
            ids = [int(i) for i in self.redis.smembers(f"{P}day:{day.decode()}")]
            for doc_id in ids:
                self.remove(doc_id)
            gone += len(ids)
            self.redis.delete(f"{P}day:{day.decode()}")
            self.redis.zrem(P + "days", day)
        return gone

    def close(self) -> None:
        """Nothing to flush: every write is in Redis when its method returns."""


def _doc(doc_id: int, row: dict[bytes, bytes]) -> Doc:
    text = {name: (row[name.encode()].decode() if name.encode() in row else None)
            for name in _TEXT}
    return Doc(**text, day=int(row[b"day"]),  # type: ignore[arg-type]
               body=np.frombuffer(row[b"body"], dtype=np.uint32),
               lead=np.frombuffer(row[b"lead"], dtype=np.uint32), id=doc_id)
