"""PostgreSQL backend (psycopg 3): the SQLite schema and behaviour, safe for several crawl workers at once."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator
from dataclasses import astuple
from typing import Any

import psycopg

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

MIGRATION_LOCK = 0x6E657773636C65  # pg_advisory_xact_lock key: "newscle"; openers of one database migrate in turn
PAGE_SIZE = 500


class PostgresStore:
    """One connection in autocommit mode; every write is its own explicit transaction."""

    def __init__(self, url: str) -> None:
        try:
            self._db = psycopg.connect(url, autocommit=True)
        except psycopg.Error as error:
            raise StoreError(f"cannot open PostgreSQL store {_safe(url)}: {error}") from error
        self.url = _safe(url)
        try:
            self._migrate()
        except psycopg.Error as error:
            self._db.close()
            raise StoreError(f"cannot migrate PostgreSQL store {self.url}: {error}") from error

    @classmethod
    def from_url(cls, url: str) -> PostgresStore:
        return cls(url)

    def _migrate(self) -> None:
        """Bring the schema to SCHEMA_VERSION in one transaction, under an advisory lock against concurrent openers."""
        with self._db.transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            self._db.execute(VERSION_TABLE)
            current = self._scalar("SELECT max(version) FROM schema_version") or 0
            if current >= SCHEMA_VERSION:
                return
            for statement in migration_statements("postgresql", int(current)):
                self._db.execute(statement)
            self._db.execute("DELETE FROM schema_version")
            self._db.execute("INSERT INTO schema_version (version) VALUES (%s)", (SCHEMA_VERSION,))

    def _scalar(self, query: str, params: tuple[Any, ...] = ()) -> Any:
        row = self._db.execute(query, params).fetchone()
        return row[0] if row else None

    def schema_version(self) -> int:
        return int(self._scalar("SELECT max(version) FROM schema_version"))

    def upsert(self, record: ArticleRecord) -> UpsertOutcome:
        try:
            return self._upsert(record)
        except psycopg.Error as error:
            raise StoreError(f"cannot store {record.url} in {self.url}: {error}") from error

    def _upsert(self, record: ArticleRecord) -> UpsertOutcome:
        """Lock the URL's row (or create it) first, so concurrent writers of one URL take turns."""
        payload = json.dumps(record.to_dict(), ensure_ascii=False, sort_keys=True)
        with self._db.transaction():
            row = self._locked_article(record.url)
            if row is None:
                inserted = self._db.execute(
                    _insert_sql("articles", ARTICLE_COLUMNS) + " ON CONFLICT (url) DO NOTHING RETURNING url",
                    article_values(record, payload, 1),
                ).fetchone()
                if inserted is not None:
                    return UpsertOutcome.NEW
                row = self._locked_article(record.url)  # another writer created it meanwhile
                assert row is not None
            return self._update(record, payload, row)

    def _locked_article(self, url: str) -> tuple[Any, ...] | None:
        return self._db.execute(
            "SELECT content_hash, version, record FROM articles WHERE url = %s FOR UPDATE", (url,)
        ).fetchone()

    def _update(self, record: ArticleRecord, payload: str, row: tuple[Any, ...]) -> UpsertOutcome:
        stored_hash, version, previous = row
        if stored_hash == record.content_hash:
            self._db.execute("UPDATE articles SET fetched_at = %s WHERE url = %s", (record.fetched_at, record.url))
            return UpsertOutcome.UNCHANGED
        self._db.execute(
            upsert_sql("article_history", ("url", "version", "replaced_at", "record"), "url, version", "%s"),
            (record.url, version, utc_now(), previous),
        )
        self._db.execute(upsert_sql("articles", ARTICLE_COLUMNS, "url", "%s"),
                         article_values(record, payload, version + 1))
        return UpsertOutcome.UPDATED

    def get(self, url: str) -> ArticleRecord | None:
        payload = self._scalar("SELECT record FROM articles WHERE url = %s", (url,))
        return ArticleRecord.from_dict(json.loads(payload)) if payload else None

    def version(self, url: str) -> int | None:
        version = self._scalar("SELECT version FROM articles WHERE url = %s", (url,))
        return int(version) if version is not None else None

    def history(self, url: str) -> list[tuple[int, ArticleRecord]]:
        rows = self._db.execute(
            "SELECT version, record FROM article_history WHERE url = %s ORDER BY version", (url,)
        ).fetchall()
        return [(int(version), ArticleRecord.from_dict(json.loads(payload))) for version, payload in rows]

    def iter_records(self) -> Iterator[ArticleRecord]:
        """In URL order, a page at a time (keyset paging: no transaction stays open between pages)."""
        after = ""
        while rows := self._db.execute(
            "SELECT url, record FROM articles WHERE url > %s ORDER BY url LIMIT %s", (after, PAGE_SIZE)
        ).fetchall():
            for _, payload in rows:
                yield ArticleRecord.from_dict(json.loads(payload))
            after = rows[-1][0]

    def count(self) -> int:
        return int(self._scalar("SELECT count(*) FROM articles"))

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
            with self._db.transaction(), self._db.cursor() as cursor:
                cursor.executemany(upsert_sql("crawl_state", STATE_COLUMNS, "url", "%s"), rows)
        except psycopg.Error as error:
            raise StoreError(f"cannot save the crawl state in {self.url}: {error}") from error

    def _select_by_hostname(self, select: str, hostnames: Collection[str]) -> list[tuple[Any, ...]]:
        names = sorted(set(hostnames))
        if not names:
            return []
        return self._db.execute(f"{select} WHERE hostname = ANY(%s)", (names,)).fetchall()

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
            with self._db.transaction():
                for snapshot in snapshots:
                    self._save_host(snapshot)
        except psycopg.Error as error:
            raise StoreError(f"cannot save site knowledge in {self.url}: {error}") from error

    def _save_host(self, snapshot: HostSnapshot) -> None:
        """The site_hosts upsert locks the host's row first, so two workers saving one host take turns."""
        host = snapshot.hostname
        self._db.execute(upsert_sql("site_hosts", ("hostname", "pages"), "hostname", "%s"), (host, snapshot.pages))
        with self._db.cursor() as cursor:
            cursor.execute("DELETE FROM site_blocks WHERE hostname = %s", (host,))
            cursor.executemany(_insert_sql("site_blocks", ("hostname", "block", "pages")),
                               [(host, block, pages) for block, pages in snapshot.block_pages.items()])
            cursor.execute("DELETE FROM site_openings WHERE hostname = %s", (host,))
            cursor.executemany(_insert_sql("site_openings", ("hostname", "opening", "url")),
                               [(host, opening, url) for opening, url in snapshot.openings.items()])

    def start_run(self, spider: str, source: str | None, started_at: str) -> int:
        """Insert an unfinished run (a crawl that is killed stays so) and return its id."""
        try:
            run_id = self._scalar(
                "INSERT INTO crawl_runs (spider, source, started_at, finished_at, finish_reason, stats)"
                " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
                (spider, source, started_at, "", UNFINISHED, "{}"),
            )
        except psycopg.Error as error:
            raise StoreError(f"cannot record a run in {self.url}: {error}") from error
        return int(run_id)

    def finish_run(
        self, run_id: int, finished_at: str, reason: str, stats: dict[str, Any], report: dict[str, Any]
    ) -> None:
        try:
            self._db.execute(
                "UPDATE crawl_runs SET finished_at = %s, finish_reason = %s, stats = %s, report = %s WHERE id = %s",
                (finished_at, reason, dump_json(stats), dump_json(report), run_id),
            )
        except psycopg.Error as error:
            raise StoreError(f"cannot record a run in {self.url}: {error}") from error

    def record_run(
        self, spider: str, started_at: str, finished_at: str, reason: str, stats: dict[str, Any],
        *, source: str | None = None, report: dict[str, Any] | None = None,
    ) -> None:
        self.finish_run(self.start_run(spider, source, started_at), finished_at, reason, stats, report or {})

    def recent_runs(self, limit: int, source: str | None = None) -> list[dict[str, Any]]:
        select = f"SELECT {', '.join(RUN_COLUMNS)} FROM crawl_runs"
        if source is None:
            rows = self._db.execute(f"{select} ORDER BY id DESC LIMIT %s", (limit,)).fetchall()
        else:
            rows = self._db.execute(f"{select} WHERE source = %s ORDER BY id DESC LIMIT %s", (source, limit)).fetchall()
        return [decode_run(row) for row in rows]

    def close(self) -> None:
        self._db.close()


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('%s' for _ in columns)})"


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, sep, rest = url.partition("://")
    credentials, at, location = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}{sep}{credentials.split(':', 1)[0]}:***@{location}"
