"""PostgreSQL backend (psycopg 3): the SQLite schema and behaviour, safe for several crawl workers at once."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

import psycopg

from newsclean.record import ArticleRecord
from newsclean.store import StoreError
from newsclean.store.dbapi import PAGE_SIZE, DBAPIStore

MIGRATION_LOCK = 0x6E657773636C65  # pg_advisory_xact_lock key: "newscle"; openers of one database migrate in turn


class PostgresStore(DBAPIStore):
    """Safe for several crawl workers at once: row locks make writers of one URL or host take turns."""

    dialect = "postgresql"
    placeholder = "%s"
    error = psycopg.Error
    row_lock = " FOR UPDATE"
    _db: psycopg.Connection[tuple[Any, ...]]

    def __init__(self, url: str) -> None:
        try:
            self._db = psycopg.connect(url, autocommit=True)
        except psycopg.Error as error:
            raise StoreError(f"cannot open PostgreSQL store {_safe(url)}: {error}") from error
        self.url = self.location = _safe(url)
        try:
            self._migrate()
        except psycopg.Error as error:
            self._db.close()
            raise StoreError(f"cannot migrate PostgreSQL store {self.url}: {error}") from error

    @classmethod
    def from_url(cls, url: str) -> PostgresStore:
        return cls(url)

    def _transaction(self) -> AbstractContextManager[psycopg.Transaction]:
        return self._db.transaction()

    def _lock_schema(self) -> None:
        self._execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))

    def _insert_returning_id(self, query: str, params: Sequence[Any]) -> int:
        return int(self._scalar(f"{query} RETURNING id", params))

    def _hostname_in(self, names: list[str]) -> tuple[str, Sequence[Any]]:
        return "hostname = ANY(?)", (names,)

    def iter_records(self) -> Iterator[ArticleRecord]:
        """In URL order, a page at a time (keyset paging: no transaction stays open between pages)."""
        after = ""
        while rows := self._execute(
            "SELECT url, record FROM articles WHERE url > ? ORDER BY url LIMIT ?", (after, PAGE_SIZE)
        ).fetchall():
            for _, payload in rows:
                yield ArticleRecord.from_dict(json.loads(payload))
            after = rows[-1][0]


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, sep, rest = url.partition("://")
    credentials, at, location = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}{sep}{credentials.split(':', 1)[0]}:***@{location}"
