"""Duplicate removal for exports: exact (same text hash) and near (MinHash LSH over word shingles).

Near-duplicates keep the earliest published copy, whatever order the store streams records in, so it takes
two passes over the store: the first computes each record's LSH band keys and writes them to a temporary file
(8 bytes per band per record, nothing kept in memory), then groups the records whose bands collide and picks
one per group; the second pass exports the picked records.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from datasketch import MinHash, MinHashLSH
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from newsclean.export.filters import parse_datetime
from newsclean.record import ArticleRecord, content_hash

NUM_PERM = 128
SHINGLE_WORDS = 5
MINHASH_SEED = 1
NO_DATE = np.iinfo(np.int64).max
WORD = re.compile(r"\w+")
U32 = np.uint64(0xFFFFFFFF)
# A shingle's hash combines its words' CRC32s, each multiplied by a different odd constant.
SHINGLE_WEIGHTS = np.array([pow(0x9E3779B1, k, 1 << 32) for k in range(SHINGLE_WORDS)], dtype=np.uint64)

UInt64Array = npt.NDArray[np.uint64]


class ExactDuplicates:
    """Drops a record whose text hash an earlier exported record had (one int per exported record)."""

    def __init__(self) -> None:
        self.seen: set[int] = set()

    def reason(self, record: ArticleRecord) -> str | None:
        key = int((record.content_hash or content_hash(record.text))[:16], 16)
        if key in self.seen:
            return "exact_duplicate"
        self.seen.add(key)
        return None


def url_key(url: str) -> np.uint64:
    """A 64-bit key for a record (the store has one record per URL)."""
    return np.uint64(int.from_bytes(hashlib.blake2b(url.encode("utf-8"), digest_size=8).digest(), "little"))


def shingle_hashes(text: str) -> list[int]:
    """32-bit hashes of the distinct SHINGLE_WORDS-word shingles of the lower-cased text (one for shorter texts)."""
    words = WORD.findall(text.lower())
    if not words:
        return []
    crcs = np.fromiter((zlib.crc32(word.encode("utf-8")) for word in words), dtype=np.uint64, count=len(words))
    if len(crcs) < SHINGLE_WORDS:
        return [int((crcs * SHINGLE_WEIGHTS[: len(crcs)]).sum() & U32)]
    windows = np.lib.stride_tricks.sliding_window_view(crcs, SHINGLE_WORDS)
    return [int(value) for value in np.unique((windows * SHINGLE_WEIGHTS).sum(axis=1) & U32)]


def _prehashed(value: int) -> int:
    return value


@dataclass
class NearDuplicateVerdicts:
    """The outcome of the first pass: for each record seen (sorted url keys), whether it is kept."""

    keys: UInt64Array
    keep: npt.NDArray[np.bool_]
    groups: int

    @property
    def dropped(self) -> int:
        return int(len(self.keep) - self.keep.sum())

    def reason(self, record: ArticleRecord) -> str | None:
        key = url_key(record.url)
        index = int(np.searchsorted(self.keys, key))
        if index == len(self.keys) or self.keys[index] != key:
            return "stored_during_export"
        return None if self.keep[index] else "near_duplicate"


class NearDuplicates:
    """First pass: `add()` every candidate record, then `resolve()`.

    Records whose MinHash signatures agree on a whole LSH band are duplicates (transitively: a group is a
    connected component). datasketch's MinHashLSH picks the bands and rows for the threshold.
    """

    def __init__(self, threshold: float) -> None:
        if not 0 < threshold < 1:
            raise ValueError(f"a near-duplicate threshold is a Jaccard similarity between 0 and 1, not {threshold}")
        lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.bands, self.rows = int(lsh.b), int(lsh.r)
        self.minhash = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, hashfunc=_prehashed)
        self.count = 0
        self._table = tempfile.TemporaryFile(prefix="newsclean-neardup-")

    def add(self, record: ArticleRecord) -> None:
        """Append (url key, published time, band keys) to the temporary table."""
        published = parse_datetime(record.published)
        row = np.empty(2 + self.bands, dtype=np.uint64)
        row[0] = url_key(record.url)
        row[1:2] = np.array([int(published.timestamp()) if published else NO_DATE], dtype=np.int64).view(np.uint64)
        row[2:] = self._band_keys(record)
        self._table.write(row.tobytes())
        self.count += 1

    def _band_keys(self, record: ArticleRecord) -> UInt64Array:
        shingles = shingle_hashes(record.text)
        if not shingles:
            return np.full(self.bands, url_key(record.url), dtype=np.uint64)
        self.minhash.clear()
        self.minhash.update_batch(shingles)
        bands = self.minhash.digest()[: self.bands * self.rows].reshape(self.bands, self.rows)
        digests = b"".join(hashlib.blake2b(band.tobytes(), digest_size=8).digest() for band in bands)
        return np.frombuffer(digests, dtype=np.uint64)

    def resolve(self) -> NearDuplicateVerdicts:
        """Group colliding records and keep the earliest published of each group (ties: the first stored)."""
        self._table.flush()
        n = self.count
        if n == 0:
            self._table.close()
            return NearDuplicateVerdicts(np.empty(0, dtype=np.uint64), np.empty(0, dtype=bool), 0)
        table = np.memmap(self._table, dtype=np.uint64, mode="r", shape=(n, 2 + self.bands))
        labels = _components(table, self.bands)
        published = np.array(table[:, 1]).view(np.int64)
        keys = np.array(table[:, 0])
        del table
        self._table.close()
        order = np.lexsort((np.arange(n), published, labels))
        first = np.ones(n, dtype=bool)
        first[1:] = labels[order][1:] != labels[order][:-1]
        keep = np.zeros(n, dtype=bool)
        keep[order[first]] = True
        by_key = np.argsort(keys)
        groups = int((np.bincount(labels) > 1).sum())
        return NearDuplicateVerdicts(keys[by_key], keep[by_key], groups)


def _components(table: np.memmap, bands: int) -> npt.NDArray[np.int32]:
    """Connected components of the graph linking records that share a band key."""
    n = table.shape[0]
    pairs = [_colliding(np.array(table[:, 2 + band])) for band in range(bands)]
    rows = np.concatenate([pair[0] for pair in pairs])
    cols = np.concatenate([pair[1] for pair in pairs])
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))
    _count, labels = connected_components(graph, directed=False)
    return labels


def _colliding(column: UInt64Array) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Pairs of neighbours in sort order with the same key: enough edges to connect each bucket."""
    order = np.argsort(column, kind="stable")
    same = column[order][1:] == column[order][:-1]
    return order[:-1][same], order[1:][same]
