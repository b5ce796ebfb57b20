"""Article stores, chosen by the scheme of STORE_URL."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from enum import StrEnum
from typing import Any, Protocol
from urllib.parse import urlsplit

from newsclean.crawlstate import UrlState
from newsclean.record import ArticleRecord
from newsclean.siteknowledge import HostSnapshot

DEFAULT_STORE_URL = "sqlite:///data/articles.db"
UNFINISHED = "unfinished"  # the finish_reason of a run that is still going, or was killed


class UpsertOutcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class StoreError(Exception):
    """A store URL that cannot be opened, or a write that failed."""


class Store(Protocol):
    """What every backend offers. One row per URL; writing a URL again updates its row.

    Backends share the schema in `newsclean.store.schema` and apply its migrations when opened.
    """

    def upsert(self, record: ArticleRecord) -> UpsertOutcome: ...

    def get(self, url: str) -> ArticleRecord | None: ...

    def iter_records(self) -> Iterator[ArticleRecord]: ...

    def count(self) -> int: ...

    def stored_dates(self, urls: Collection[str]) -> dict[str, str]:
        """URL -> fetched_at of the stored articles among these URLs."""
        ...

    def crawl_states(self, urls: Collection[str]) -> list[UrlState]:
        """The crawl state rows of those of these URLs that have one."""
        ...

    def load_crawl_state(self, hostnames: Collection[str], kinds: Collection[str] = ()) -> Iterator[UrlState]:
        """The crawl state of these hosts (only URLs of these kinds, when given), a page of rows at a time."""
        ...

    def save_crawl_state(self, states: Iterable[UrlState]) -> None:
        """Insert or update the rows, all in one transaction."""
        ...

    def load_site_knowledge(self, hostnames: Collection[str]) -> list[HostSnapshot]: ...

    def add_site_knowledge(self, changes: Iterable[HostSnapshot]) -> None: ...

    def start_run(self, spider: str, source: str | None, started_at: str) -> int: ...

    def finish_run(
        self, run_id: int, finished_at: str, reason: str, stats: dict[str, Any], report: dict[str, Any]
    ) -> None: ...

    def record_run(
        self, spider: str, started_at: str, finished_at: str, reason: str, stats: dict[str, Any],
        *, source: str | None = None, report: dict[str, Any] | None = None,
    ) -> None: ...

    def recent_runs(self, limit: int, source: str | None = None) -> list[dict[str, Any]]:
        """The newest runs first, each a dict of the crawl_runs columns (stats and report decoded)."""
        ...

    def close(self) -> None: ...


def _open_sqlite(url: str) -> Store:
    from newsclean.store.sqlite import SQLiteStore

    return SQLiteStore.from_url(url)


def _open_postgres(url: str) -> Store:
    from newsclean.store.postgres import PostgresStore

    return PostgresStore.from_url(url)


STORE_SCHEMES: dict[str, Callable[[str], Store]] = {"sqlite": _open_sqlite, "postgresql": _open_postgres}


def open_store(url: str) -> Store:
    """Open the store a STORE_URL names, e.g. sqlite:///data/articles.db."""
    scheme = urlsplit(url).scheme
    opener = STORE_SCHEMES.get(scheme)
    if opener is None:
        raise StoreError(f"STORE_URL {url!r}: unsupported scheme {scheme!r}; use one of {sorted(STORE_SCHEMES)}")
    return opener(url)
