"""Exact duplicate removal for exports: the same text (whitespace folded) as a record already exported."""

from __future__ import annotations

from newsclean.record import ArticleRecord, content_hash


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
