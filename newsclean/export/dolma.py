"""The Dolma toolkit's document format: id, text, source, added, created, metadata."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from newsclean.export.filters import parse_datetime
from newsclean.record import ArticleRecord

TOP_LEVEL = ("id", "text")


def to_dolma(record: ArticleRecord, source: str, fields: Collection[str] | None = None) -> dict[str, Any]:
    """One Dolma document. `metadata` holds the rest of the record (only `fields`, when given).

    `added` is when newsclean fetched the page; `created` is the publication date, else the modification
    date, else the fetch time (Dolma's "best guess"). Both are ISO 8601 with an offset, UTC when the page
    gave none; the record's own `published` stays in `metadata` as the page stated it.
    """
    data = record.to_dict()
    metadata = {key: value for key, value in data.items()
                if key not in TOP_LEVEL and (fields is None or key in fields)}
    return {
        "id": record.id,
        "text": record.text,
        "source": source,
        "added": iso_timestamp(record.fetched_at),
        "created": first_timestamp(record.published, record.modified, record.fetched_at),
        "metadata": metadata,
    }


def iso_timestamp(value: str | None) -> str | None:
    moment = parse_datetime(value)
    return moment.isoformat() if moment else None


def first_timestamp(*values: str | None) -> str | None:
    for value in values:
        if (timestamp := iso_timestamp(value)) is not None:
            return timestamp
    return None
