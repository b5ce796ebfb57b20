"""Article stores, chosen by the scheme of STORE_URL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import Any, Protocol
from urllib.parse import urlsplit

from newsclean.record import ArticleRecord

DEFAULT_STORE_URL = "sqlite:///data/articles.db"


class UpsertOutcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class StoreError(Exception):
    """A store URL that cannot be opened, or a write that failed."""


class Store(Protocol):
    """What every backend offers. One row per URL; writing a URL again updates its row."""

    def upsert(self, record: ArticleRecord) -> UpsertOutcome: ...

    def get(self, url: str) -> ArticleRecord | None: ...

    def iter_records(self) -> Iterator[ArticleRecord]: ...

    def count(self) -> int: ...

    def record_run(self, spider: str, started_at: str, finished_at: str, reason: str, stats: dict[str, Any]) -> None: ...

    def recent_runs(self, limit: int) -> list[dict[str, Any]]: ...

    def close(self) -> None: ...


def _open_sqlite(url: str) -> Store:
    from newsclean.store.sqlite import SQLiteStore

    return SQLiteStore.from_url(url)


STORE_SCHEMES: dict[str, Callable[[str], Store]] = {"sqlite": _open_sqlite}


def open_store(url: str) -> Store:
    """Open the store a STORE_URL names, e.g. sqlite:///data/articles.db."""
    scheme = urlsplit(url).scheme
    opener = STORE_SCHEMES.get(scheme)
    if opener is None:
        raise StoreError(f"STORE_URL {url!r}: unsupported scheme {scheme!r}; use one of {sorted(STORE_SCHEMES)}")
    return opener(url)
