"""SQLite backend: WAL mode, one row per URL, previous versions kept in article_history."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsclean.record import ArticleRecord, utc_now
from newsclean.store import StoreError, UpsertOutcome

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    url TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    hostname TEXT,
    published TEXT,
    language TEXT,
    content_hash TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_hostname ON articles (hostname);
CREATE TABLE IF NOT EXISTS article_history (
    url TEXT NOT NULL,
    version INTEGER NOT NULL,
    replaced_at TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (url, version)
);
CREATE TABLE IF NOT EXISTS crawl_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    spider TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    finish_reason TEXT NOT NULL,
    stats TEXT NOT NULL
);
"""


def sqlite_path(url: str) -> Path:
    """sqlite:///relative/path.db or sqlite:////absolute/path.db."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or len(url) == len(prefix):
        raise StoreError(f"STORE_URL {url!r}: expected sqlite:///path/to/file.db")
    return Path(url[len(prefix) :])


class SQLiteStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
        except sqlite3.Error as error:
            raise StoreError(f"cannot open SQLite store {path}: {error}") from error
        self.path = path

    @classmethod
    def from_url(cls, url: str) -> SQLiteStore:
        return cls(sqlite_path(url))

    def upsert(self, record: ArticleRecord) -> UpsertOutcome:
        try:
            return self._upsert(record)
        except sqlite3.Error as error:
            raise StoreError(f"cannot store {record.url} in {self.path}: {error}") from error

    def _upsert(self, record: ArticleRecord) -> UpsertOutcome:
        payload = json.dumps(record.to_dict(), ensure_ascii=False, sort_keys=True)
        with self._transaction():
            row = self._db.execute(
                "SELECT content_hash, version, record FROM articles WHERE url = ?", (record.url,)
            ).fetchone()
            if row is None:
                self._replace(record, payload, version=1)
                return UpsertOutcome.NEW
            if row[0] == record.content_hash:
                self._db.execute("UPDATE articles SET fetched_at = ? WHERE url = ?", (record.fetched_at, record.url))
                return UpsertOutcome.UNCHANGED
            self._db.execute(
                "INSERT OR REPLACE INTO article_history (url, version, replaced_at, record) VALUES (?, ?, ?, ?)",
                (record.url, row[1], utc_now(), row[2]),
            )
            self._replace(record, payload, version=row[1] + 1)
            return UpsertOutcome.UPDATED

    def _replace(self, record: ArticleRecord, payload: str, version: int) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO articles"
            " (url, id, canonical_url, hostname, published, language, content_hash, fetched_at, version, record)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.url, record.id, record.canonical_url, record.hostname, record.published,
                record.language, record.content_hash, record.fetched_at, version, payload,
            ),
        )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def get(self, url: str) -> ArticleRecord | None:
        row = self._db.execute("SELECT record FROM articles WHERE url = ?", (url,)).fetchone()
        return ArticleRecord.from_dict(json.loads(row[0])) if row else None

    def version(self, url: str) -> int | None:
        row = self._db.execute("SELECT version FROM articles WHERE url = ?", (url,)).fetchone()
        return int(row[0]) if row else None

    def iter_records(self) -> Iterator[ArticleRecord]:
        cursor = self._db.cursor()
        cursor.execute("SELECT record FROM articles ORDER BY rowid")
        while rows := cursor.fetchmany(500):
            for (payload,) in rows:
                yield ArticleRecord.from_dict(json.loads(payload))

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def record_run(self, spider: str, started_at: str, finished_at: str, reason: str, stats: dict[str, Any]) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT INTO crawl_runs (spider, started_at, finished_at, finish_reason, stats) VALUES (?, ?, ?, ?, ?)",
                (spider, started_at, finished_at, reason, json.dumps(stats, default=str, sort_keys=True)),
            )

    def recent_runs(self, limit: int) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT id, spider, started_at, finished_at, finish_reason, stats FROM crawl_runs ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()
        keys = ("id", "spider", "started_at", "finished_at", "finish_reason", "stats")
        return [dict(zip(keys, row[:5] + (json.loads(row[5]),), strict=True)) for row in rows]

    def close(self) -> None:
        self._db.close()


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error, so no write is half done."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
