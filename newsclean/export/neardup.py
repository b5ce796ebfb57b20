"""Near-duplicate removal for exports: MinHash LSH over word shingles (datasketch).

Near-duplicates keep the earliest published copy whatever order the store streams records in, so removing
them takes two passes over the store. The first pass computes each record's MinHash signature and LSH band
keys and appends them to temporary files (no per-record state in memory); then records whose keys collide
in some band become candidate pairs, a pair is kept when its signatures estimate a Jaccard similarity of at
least the threshold, and connected records form a group of which the earliest published is kept. The second
pass exports the records kept.

The bands are tuned for recall (false negatives weigh 0.9, false positives 0.1) since every candidate pair
is checked against the threshold afterwards.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import numpy as np
import numpy.typing as npt
from datasketch import MinHash, MinHashLSH
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from newsclean.export.filters import parse_datetime
from newsclean.record import ArticleRecord

NUM_PERM = 128
SHINGLE_WORDS = 5
MINHASH_SEED = 1
NO_DATE = np.iinfo(np.int64).max
LSH_WEIGHTS = (0.1, 0.9)
MAX_BUCKET_PAIRS = 64
READ_ROWS = 65536
WORD = re.compile(r"\w+")
U32 = np.uint64(0xFFFFFFFF)
# A shingle's hash combines its words' CRC32s, each multiplied by a different odd constant.
SHINGLE_WEIGHTS = np.array([pow(0x9E3779B1, k, 1 << 32) for k in range(SHINGLE_WORDS)], dtype=np.uint64)

UInt64Array = npt.NDArray[np.uint64]


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

    def reason(self, record: ArticleRecord) -> str | None:
        key = url_key(record.url)
        index = int(np.searchsorted(self.keys, key))
        if index == len(self.keys) or self.keys[index] != key:
            return "stored_during_export"
        return None if self.keep[index] else "near_duplicate"


class NearDuplicates:
    """First pass: `add()` every candidate record, then `resolve()` once."""

    def __init__(self, threshold: float) -> None:
        if not 0 < threshold < 1:
            raise ValueError(f"a near-duplicate threshold is a Jaccard similarity between 0 and 1, not {threshold}")
        self.threshold = threshold
        lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, weights=LSH_WEIGHTS)
        self.bands, self.rows = int(lsh.b), int(lsh.r)
        self.row_type = np.dtype([("key", "<u8"), ("published", "<i8"), ("bands", "<u8", (self.bands,))])
        self.minhash = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, hashfunc=_prehashed)
        self.count = 0
        self._table: IO[bytes] = tempfile.TemporaryFile(prefix="newsclean-lsh-")
        self._signatures: IO[bytes] = tempfile.TemporaryFile(prefix="newsclean-minhash-")

    def add(self, record: ArticleRecord) -> None:
        """Append the record's key, publication time and band keys, and its signature, to the temporary files."""
        signature = self._signature(record.text)
        row = np.zeros(1, dtype=self.row_type)
        row["key"] = url_key(record.url)
        published = parse_datetime(record.published)
        row["published"] = int(published.timestamp()) if published else NO_DATE
        row["bands"] = self._band_keys(signature) if signature is not None else url_key(record.url)
        self._table.write(row.tobytes())
        self._signatures.write((signature if signature is not None else np.zeros(NUM_PERM, np.uint32)).tobytes())
        self.count += 1

    def _signature(self, text: str) -> npt.NDArray[np.uint32] | None:
        shingles = shingle_hashes(text)
        if not shingles:
            return None
        self.minhash.clear()
        self.minhash.update_batch(shingles)
        return np.asarray(self.minhash.digest(), dtype=np.uint32)

    def _band_keys(self, signature: npt.NDArray[np.uint32]) -> UInt64Array:
        bands = signature[: self.bands * self.rows].reshape(self.bands, self.rows)
        digests = b"".join(hashlib.blake2b(band.tobytes(), digest_size=8).digest() for band in bands)
        return np.frombuffer(digests, dtype=np.uint64)

    def resolve(self) -> NearDuplicateVerdicts:
        """Group similar records and keep the earliest published of each group (ties: the first stored)."""
        try:
            return self._resolve()
        finally:
            self._table.close()
            self._signatures.close()

    def _resolve(self) -> NearDuplicateVerdicts:
        n = self.count
        if n == 0:
            return NearDuplicateVerdicts(np.empty(0, dtype=np.uint64), np.empty(0, dtype=bool), 0)
        self._table.flush()
        self._signatures.flush()
        keys = self._column("key").astype(np.uint64)
        pairs = np.unique(np.concatenate([_bucket_pairs(self._band(band)) for band in range(self.bands)]))
        first, second = np.divmod(pairs, n)
        similar = self._similar(first, second)
        edges = (first[similar], second[similar])
        graph = coo_matrix((np.ones(len(edges[0]), dtype=np.int8), edges), shape=(n, n))
        _count, labels = connected_components(graph, directed=False)
        order = np.lexsort((np.arange(n), self._column("published"), labels))
        leaders = np.ones(n, dtype=bool)
        leaders[1:] = labels[order][1:] != labels[order][:-1]
        keep = np.zeros(n, dtype=bool)
        keep[order[leaders]] = True
        by_key = np.argsort(keys)
        groups = int((np.bincount(labels, minlength=1) > 1).sum())
        return NearDuplicateVerdicts(keys[by_key], keep[by_key], groups)

    def _rows(self) -> Iterator[npt.NDArray[np.void]]:
        """The table in blocks of rows, read from the temporary file."""
        self._table.seek(0)
        while block := self._table.read(READ_ROWS * self.row_type.itemsize):
            yield np.frombuffer(block, dtype=self.row_type)

    def _column(self, name: str) -> npt.NDArray[np.generic]:
        return np.concatenate([rows[name] for rows in self._rows()])

    def _band(self, band: int) -> UInt64Array:
        return np.concatenate([rows["bands"][:, band] for rows in self._rows()])

    def _similar(self, first: npt.NDArray[np.int64], second: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Whether each candidate pair's signatures estimate a Jaccard similarity of at least the threshold."""
        similar = np.zeros(len(first), dtype=bool)
        for start in range(0, len(first), READ_ROWS):
            chunk = slice(start, start + READ_ROWS)
            agreement = (self._read_signatures(first[chunk]) == self._read_signatures(second[chunk])).mean(axis=1)
            similar[chunk] = agreement >= self.threshold
        return similar

    def _read_signatures(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.uint32]:
        size = NUM_PERM * 4
        descriptor = self._signatures.fileno()
        data = b"".join(os.pread(descriptor, size, int(row) * size) for row in rows)
        return np.frombuffer(data, dtype=np.uint32).reshape(len(rows), NUM_PERM)


def _bucket_pairs(column: UInt64Array) -> npt.NDArray[np.int64]:
    """Candidate pairs (i * n + j, i < j) among records that share this band's key.

    Every pair within a bucket, except in buckets of more than MAX_BUCKET_PAIRS members, where each member is
    paired with the bucket's first one only.
    """
    n = len(column)
    order = np.argsort(column, kind="stable")
    starts = np.flatnonzero(np.r_[True, column[order][1:] != column[order][:-1]])
    ends = np.r_[starts[1:], n]
    shared = ends - starts > 1
    pairs = [_pairs_of(np.sort(order[start:end]), n) for start, end in zip(starts[shared], ends[shared], strict=True)]
    return np.concatenate(pairs) if pairs else np.empty(0, dtype=np.int64)


def _pairs_of(members: npt.NDArray[np.intp], n: int) -> npt.NDArray[np.int64]:
    if len(members) > MAX_BUCKET_PAIRS:
        first, second = np.full(len(members) - 1, members[0]), members[1:]
    else:
        upper = np.triu_indices(len(members), k=1)
        first, second = members[upper[0]], members[upper[1]]
    return first.astype(np.int64) * n + second.astype(np.int64)
