"""SQLite backend: WAL mode, one row per URL, previous versions kept in article_history."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from newsclean.record import ArticleRecord
from newsclean.store import StoreError
from newsclean.store.dbapi import PAGE_SIZE, DBAPIStore


def sqlite_path(url: str) -> Path:
    """sqlite:///relative/path.db or sqlite:////absolute/path.db."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or len(url) == len(prefix):
        raise StoreError(f"STORE_URL {url!r}: expected sqlite:///path/to/file.db")
    return Path(url[len(prefix) :])


class SQLiteStore(DBAPIStore):
    dialect = "sqlite"
    placeholder = "?"
    error = sqlite3.Error
    _db: sqlite3.Connection

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.location = str(path)
        try:
            self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.Error as error:
            raise StoreError(f"cannot open SQLite store {path}: {error}") from error
        self.path = path

    @classmethod
    def from_url(cls, url: str) -> SQLiteStore:
        return cls(sqlite_path(url))

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def _insert_returning_id(self, query: str, params: Sequence[Any]) -> int:
        rowid = self._db.execute(query, params).lastrowid
        assert rowid is not None
        return rowid

    def iter_records(self) -> Iterator[ArticleRecord]:
        """In the order the URLs were first stored, streamed from one cursor."""
        cursor = self._db.cursor()
        cursor.execute("SELECT record FROM articles ORDER BY rowid")
        while rows := cursor.fetchmany(PAGE_SIZE):
            for (payload,) in rows:
                yield ArticleRecord.from_dict(json.loads(payload))


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error, so no write is half done."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
