"""What changed between two versions of an article: the ``changes`` field of versions 2, 3 ...

The crawl keeps only a hash of each version's text (the crawl state stays small), and its
partitions are an append-only log, so the comparison is made where both versions are at hand:
when ``newsbot export`` reads the partitions. Each version that ``replaces`` another is compared
with it: which fields changed, the values they had, and for the body the paragraphs added,
removed and edited (counted, and the first :data:`MAX_PARAGRAPHS` listed, each cut to
:data:`MAX_CHARS`); for a live blog the posts added, removed and edited. Pure: dicts in, a dict
out; reading the replaced line back is :func:`with_changes`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import IO, Any

from newsbot.dataset.reader import parse_line

COMPARED = ("headline", "description", "datePublished", "dateModified", "authors",
            "articleBody", "inLanguage", "articleSection", "keywords", "mainImage",
            "isAccessibleForFree", "liveBlogUpdates", "coverageStartTime", "coverageEndTime",
            "corrections")
"""Fields compared, in the order ``changes.fields`` lists them."""
PREVIOUS = ("headline", "description", "datePublished", "dateModified", "authors")
"""Fields whose earlier value ``changes.previous`` keeps when they changed."""
MAX_PARAGRAPHS = 20
MAX_CHARS = 500
SIMILAR = 0.5
"""Share of words two paragraphs keep in order for one to be an edit of the other."""


def _comparable(name: str, value: Any) -> Any:
    """What counts in a field: author names, image URL, post ids and texts, notice texts."""
    if value in (None, "", []):
        return None
    if name == "authors" and isinstance(value, list):
        return [a.get("name") if isinstance(a, dict) else a for a in value]
    if name == "mainImage" and isinstance(value, dict):
        return value.get("url")
    if name == "corrections" and isinstance(value, list):
        return [c.get("text") if isinstance(c, dict) else c for c in value]
    return value


def paragraphs(record: dict[str, Any]) -> list[str]:
    return [p for p in str(record.get("articleBody") or "").split("\n\n") if p.strip()]


def _cut(text: str | None) -> str | None:
    return text if text is None or len(text) <= MAX_CHARS else text[:MAX_CHARS - 1] + "…"


def _similar(a: str, b: str) -> bool:
    return SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio() >= SIMILAR


def body_changes(old: Sequence[str], new: Sequence[str]) -> dict[str, Any]:
    """Paragraphs added, removed and edited from ``old`` to ``new``, in the new text's order."""
    listed: list[dict[str, str | None]] = []
    counts = {"added": 0, "removed": 0, "edited": 0}

    def note(change: str, before: str | None, after: str | None) -> None:
        counts[change] += 1
        listed.append({"change": change, "before": _cut(before), "after": _cut(after)})

    matcher = SequenceMatcher(None, list(old), list(new), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        j = j1
        for i in range(i1, i2):  # each old paragraph: an edit of a new one, else removed
            match = next((k for k in range(j, j2) if _similar(old[i], new[k])), None)
            if match is None:
                note("removed", old[i], None)
                continue
            for k in range(j, match):
                note("added", None, new[k])
            note("edited", old[i], new[match])
            j = match + 1
        for k in range(j, j2):
            note("added", None, new[k])
    return {**counts, "paragraphs": listed[:MAX_PARAGRAPHS],
            "omitted": max(0, len(listed) - MAX_PARAGRAPHS)}


def update_changes(old: Any, new: Any) -> dict[str, int] | None:
    """Live-blog posts added, removed and edited (by id); None unless a version has posts."""
    if not old and not new:
        return None
    before = {u.get("id"): u for u in old or () if isinstance(u, dict)}
    after = {u.get("id"): u for u in new or () if isinstance(u, dict)}
    edited = sum(1 for k in before.keys() & after.keys() if before[k] != after[k])
    return {"added": len(after.keys() - before.keys()),
            "removed": len(before.keys() - after.keys()), "edited": edited}


def diff_versions(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``changes`` of ``new`` against ``old``, the version it replaces."""
    fields = [f for f in COMPARED if _comparable(f, old.get(f)) != _comparable(f, new.get(f))]
    return {
        "fields": fields,
        "previous": {f: old.get(f) if f in fields else None for f in PREVIOUS},
        "articleBody": body_changes(paragraphs(old), paragraphs(new)),
        "liveBlogUpdates": update_changes(old.get("liveBlogUpdates"),
                                          new.get("liveBlogUpdates")),
    }


def with_changes(records: Iterable[dict[str, Any]], files: Sequence[Path],
                 located: dict[str, tuple[int, int]],
                 missing: Callable[[dict[str, Any]], Any] = lambda r: None,
                 ) -> Iterator[dict[str, Any]]:
    """``records`` with ``changes`` filled on every version whose replaced version is among the
    partitions read (``located``: id -> (file index, byte offset), as the reader found them);
    ``missing`` is told of the others."""
    handles: dict[int, IO[bytes]] = {}
    try:
        for record in records:
            replaced = record.get("replaces")
            where = located.get(replaced) if isinstance(replaced, str) else None
            if where is not None:
                file, offset = where
                if file not in handles:
                    handles[file] = open(files[file], "rb")  # noqa: SIM115
                handles[file].seek(offset)
                previous = parse_line(handles[file].readline())
                if previous is not None:
                    record["changes"] = diff_versions(previous, record)
            elif replaced:
                missing(record)
            yield record
    finally:
        for handle in handles.values():
            handle.close()


# --- rows of `newsbot export --changes` --------------------------------------------------------
CHANGE_COLUMNS = ("id", "url", "publisher", "headline", "version", "replaces", "crawledAt",
                  "dateModified", "fields", "paragraphsAdded", "paragraphsRemoved",
                  "paragraphsEdited", "liveBlogUpdatesAdded", "liveBlogUpdatesRemoved",
                  "liveBlogUpdatesEdited", "corrections", "changes")


def change_rows(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """One row per version that replaces another: who, when, and its changes flattened into
    counts (the whole ``changes`` object too); counts are null when the replaced version was
    not among the partitions read."""
    for record in records:
        if not record.get("replaces"):
            continue
        changes = record.get("changes") or {}
        body = changes.get("articleBody") or {}
        live = changes.get("liveBlogUpdates") or {}
        yield {
            **{k: record.get(k) for k in ("id", "url", "publisher", "headline", "version",
                                          "replaces", "crawledAt", "dateModified")},
            "fields": changes.get("fields"),
            "paragraphsAdded": body.get("added"), "paragraphsRemoved": body.get("removed"),
            "paragraphsEdited": body.get("edited"),
            "liveBlogUpdatesAdded": live.get("added"),
            "liveBlogUpdatesRemoved": live.get("removed"),
            "liveBlogUpdatesEdited": live.get("edited"),
            "corrections": record.get("corrections"),
            "changes": record.get("changes"),
        }
