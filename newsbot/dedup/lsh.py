"""MinHash signatures (datasketch) and their LSH band keys, for candidate look-ups.

Two indexes share one key space: the whole body, and the lead (first words), because reprints
cut from the bottom and a reprint trimmed to a third has a low Jaccard with its original but
the same lead. The band layout (bands x rows) is datasketch's own optimum for the candidate
threshold; the keys are plain 64-bit integers so any store (SQLite here, Redis later) can hold
them. Changing these constants changes every key: :data:`LAYOUT` is stored with an index and
checked when it is opened.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

CANDIDATE_THRESHOLD = 0.5
"""Estimated Jaccard above which LSH reports a candidate (body and lead alike): candidates are
only a short list for the exact check, so this sits below the decision thresholds."""
BODY_PERM, LEAD_PERM = 128, 64
SEED = 1
_MIX = np.uint64(0x9E3779B97F4A7C15)
_INDEX_SALT = {"body": np.uint64(0x51ED27), "lead": np.uint64(0x1EAD5)}


@dataclass(frozen=True)
class _Index:
    name: str
    num_perm: int
    bands: int
    rows: int
    permutations: np.ndarray


def _index(name: str, num_perm: int) -> _Index:
    lsh = MinHashLSH(threshold=CANDIDATE_THRESHOLD, num_perm=num_perm)
    return _Index(name, num_perm, lsh.b, lsh.r,
                  MinHash(num_perm=num_perm, seed=SEED).permutations)


_INDEXES = (_index("body", BODY_PERM), _index("lead", LEAD_PERM))
LAYOUT = ";".join(f"{i.name}:{i.num_perm}x{SEED}:{i.bands}b{i.rows}r" for i in _INDEXES)


def signature(hashes: np.ndarray, index: _Index) -> np.ndarray:
    """datasketch MinHash of a shingle-hash set (a batched update: one numpy pass)."""
    minhash = MinHash(num_perm=index.num_perm, seed=SEED, hashfunc=int,
                      permutations=index.permutations, scheme="affine32")
    minhash.update_batch(hashes.tolist())
    values: np.ndarray = minhash.hashvalues
    return values


def _band_keys(sig: np.ndarray, index: _Index) -> np.ndarray:
    bands = sig[: index.bands * index.rows].astype(np.uint64).reshape(index.bands, index.rows)
    acc = np.arange(index.bands, dtype=np.uint64) * _MIX + _INDEX_SALT[index.name]
    for column in bands.T:
        acc = (acc ^ column) * _MIX
    return acc


def band_keys(body: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """Signed 64-bit LSH keys of a text: two texts sharing a key are candidates."""
    parts = [_band_keys(signature(hashes, index), index)
             for hashes, index in zip((body, lead), _INDEXES, strict=True) if len(hashes)]
    if not parts:
        return np.empty(0, dtype=np.int64)
    return np.concatenate(parts).view(np.int64)
