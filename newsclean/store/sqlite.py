"""SQLite backend: WAL mode, one row per URL, previous versions kept in article_history."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Iterator
from dataclasses import astuple
from pathlib import Path
from typing import Any

from newsclean.crawlstate import UrlState
from newsclean.record import ArticleRecord, utc_now
from newsclean.siteknowledge import HostSnapshot
from newsclean.store import UNFINISHED, StoreError, UpsertOutcome
from newsclean.store.schema import SCHEMA_VERSION, VERSION_TABLE, migration_statements
from newsclean.store.sql import (
    ARTICLE_COLUMNS,
    RUN_COLUMNS,
    STATE_COLUMNS,
    article_values,
    decode_run,
    dump_json,
    upsert_sql,
)


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
            self._migrate()
        except sqlite3.Error as error:
            raise StoreError(f"cannot open SQLite store {path}: {error}") from error
        self.path = path

    @classmethod
    def from_url(cls, url: str) -> SQLiteStore:
        return cls(sqlite_path(url))

    def _migrate(self) -> None:
        """Bring the schema to SCHEMA_VERSION in one transaction (concurrent openers wait for each other)."""
        with self._transaction():
            self._db.execute(VERSION_TABLE)
            row = self._db.execute("SELECT max(version) FROM schema_version").fetchone()
            current = int(row[0] or 0)
            if current >= SCHEMA_VERSION:
                return
            for statement in migration_statements("sqlite", current):
                self._db.execute(statement)
            self._db.execute("DELETE FROM schema_version")
            self._db.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))

    def schema_version(self) -> int:
        return int(self._db.execute("SELECT max(version) FROM schema_version").fetchone()[0])

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
                self._write(record, payload, version=1)
                return UpsertOutcome.NEW
            if row[0] == record.content_hash:
                self._db.execute("UPDATE articles SET fetched_at = ? WHERE url = ?", (record.fetched_at, record.url))
                return UpsertOutcome.UNCHANGED
            self._db.execute(
                "INSERT INTO article_history (url, version, replaced_at, record) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (url, version)"
                " DO UPDATE SET replaced_at = excluded.replaced_at, record = excluded.record",
                (record.url, row[1], utc_now(), row[2]),
            )
            self._write(record, payload, version=row[1] + 1)
            return UpsertOutcome.UPDATED

    def _write(self, record: ArticleRecord, payload: str, version: int) -> None:
        self._db.execute(upsert_sql("articles", ARTICLE_COLUMNS, "url"), article_values(record, payload, version))

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def get(self, url: str) -> ArticleRecord | None:
        row = self._db.execute("SELECT record FROM articles WHERE url = ?", (url,)).fetchone()
        return ArticleRecord.from_dict(json.loads(row[0])) if row else None

    def version(self, url: str) -> int | None:
        row = self._db.execute("SELECT version FROM articles WHERE url = ?", (url,)).fetchone()
        return int(row[0]) if row else None

    def history(self, url: str) -> list[tuple[int, ArticleRecord]]:
        rows = self._db.execute(
            "SELECT version, record FROM article_history WHERE url = ? ORDER BY version", (url,)
        ).fetchall()
        return [(int(version), ArticleRecord.from_dict(json.loads(payload))) for version, payload in rows]

    def iter_records(self) -> Iterator[ArticleRecord]:
        cursor = self._db.cursor()
        cursor.execute("SELECT record FROM articles ORDER BY rowid")
        while rows := cursor.fetchmany(500):
            for (payload,) in rows:
                yield ArticleRecord.from_dict(json.loads(payload))

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def stored_urls(self, hostnames: Collection[str]) -> dict[str, str]:
        """The articles column hostname is the host of the URL fetched, whatever the page calls itself."""
        rows = self._select_by_hostname("SELECT url, fetched_at FROM articles", hostnames)
        return {str(url): str(fetched_at) for url, fetched_at in rows}

    def load_crawl_state(self, hostnames: Collection[str]) -> Iterator[UrlState]:
        for row in self._select_by_hostname(f"SELECT {', '.join(STATE_COLUMNS)} FROM crawl_state", hostnames):
            yield UrlState(*row)

    def save_crawl_state(self, states: Iterable[UrlState]) -> None:
        rows = [astuple(state) for state in states]
        try:
            with self._transaction():
                self._db.executemany(upsert_sql("crawl_state", STATE_COLUMNS, "url"), rows)
        except sqlite3.Error as error:
            raise StoreError(f"cannot save the crawl state in {self.path}: {error}") from error

    def _select_by_hostname(self, select: str, hostnames: Collection[str]) -> list[tuple[Any, ...]]:
        names = sorted(set(hostnames))
        if not names:
            return []
        placeholders = ", ".join("?" for _ in names)
        return self._db.execute(f"{select} WHERE hostname IN ({placeholders})", names).fetchall()

    def load_site_knowledge(self, hostnames: Collection[str]) -> list[HostSnapshot]:
        """What earlier crawls learned about these hosts (see newsclean.siteknowledge)."""
        snapshots = {
            str(host): HostSnapshot(str(host), int(pages))
            for host, pages in self._select_by_hostname("SELECT hostname, pages FROM site_hosts", hostnames)
        }
        for host, block, pages in self._select_by_hostname("SELECT hostname, block, pages FROM site_blocks", hostnames):
            snapshots[str(host)].block_pages[str(block)] = int(pages)
        for host, opening, url in self._select_by_hostname("SELECT hostname, opening, url FROM site_openings", hostnames):
            snapshots[str(host)].openings[str(opening)] = str(url)
        return list(snapshots.values())

    def save_site_knowledge(self, snapshots: Iterable[HostSnapshot]) -> None:
        """Replace what is kept about each host with its snapshot, in one transaction."""
        try:
            with self._transaction():
                for snapshot in snapshots:
                    self._save_host(snapshot)
        except sqlite3.Error as error:
            raise StoreError(f"cannot save site knowledge in {self.path}: {error}") from error

    def _save_host(self, snapshot: HostSnapshot) -> None:
        host = snapshot.hostname
        self._db.execute(upsert_sql("site_hosts", ("hostname", "pages"), "hostname"), (host, snapshot.pages))
        self._db.execute("DELETE FROM site_blocks WHERE hostname = ?", (host,))
        self._db.executemany(
            "INSERT INTO site_blocks (hostname, block, pages) VALUES (?, ?, ?)",
            [(host, block, pages) for block, pages in snapshot.block_pages.items()],
        )
        self._db.execute("DELETE FROM site_openings WHERE hostname = ?", (host,))
        self._db.executemany(
            "INSERT INTO site_openings (hostname, opening, url) VALUES (?, ?, ?)",
            [(host, opening, url) for opening, url in snapshot.openings.items()],
        )

    def start_run(self, spider: str, source: str | None, started_at: str) -> int:
        """Insert an unfinished run (a crawl that is killed stays so) and return its id."""
        try:
            with self._transaction():
                cursor = self._db.execute(
                    "INSERT INTO crawl_runs (spider, source, started_at, finished_at, finish_reason, stats)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (spider, source, started_at, "", UNFINISHED, "{}"),
                )
        except sqlite3.Error as error:
            raise StoreError(f"cannot record a run in {self.path}: {error}") from error
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def finish_run(
        self, run_id: int, finished_at: str, reason: str, stats: dict[str, Any], report: dict[str, Any]
    ) -> None:
        try:
            with self._transaction():
                self._db.execute(
                    "UPDATE crawl_runs SET finished_at = ?, finish_reason = ?, stats = ?, report = ? WHERE id = ?",
                    (finished_at, reason, dump_json(stats), dump_json(report), run_id),
                )
        except sqlite3.Error as error:
            raise StoreError(f"cannot record a run in {self.path}: {error}") from error

    def record_run(
        self, spider: str, started_at: str, finished_at: str, reason: str, stats: dict[str, Any],
        *, source: str | None = None, report: dict[str, Any] | None = None,
    ) -> None:
        self.finish_run(self.start_run(spider, source, started_at), finished_at, reason, stats, report or {})

    def recent_runs(self, limit: int, source: str | None = None) -> list[dict[str, Any]]:
        select = f"SELECT {', '.join(RUN_COLUMNS)} FROM crawl_runs"
        if source is None:
            rows = self._db.execute(f"{select} ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        else:
            rows = self._db.execute(f"{select} WHERE source = ? ORDER BY id DESC LIMIT ?", (source, limit)).fetchall()
        return [decode_run(row) for row in rows]

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
