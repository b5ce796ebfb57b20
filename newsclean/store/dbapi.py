"""The Store methods once, over any DB-API connection; a backend connects and names what its dialect does differently."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, closing, contextmanager
from dataclasses import astuple
from typing import Any, ClassVar, Protocol

from newsclean.crawlstate import UrlState
from newsclean.record import ArticleRecord, utc_now
from newsclean.siteknowledge import HostSnapshot
from newsclean.store import UNFINISHED, StoreError, UpsertOutcome
from newsclean.store.schema import SCHEMA_VERSION, VERSION_TABLE, migration_statements
from newsclean.store.sql import (
    ARTICLE_COLUMNS,
    RUN_COLUMNS,
    STATE_COLUMNS,
    add_pages_sql,
    article_values,
    crawl_state_upsert_sql,
    decode_run,
    dump_json,
    insert_sql,
    upsert_sql,
)

HISTORY_COLUMNS = ("url", "version", "replaced_at", "record")
PAGE_SIZE = 500  # rows fetched at a time by iter_records


class Cursor(Protocol):
    """The part of a DB-API cursor the stores use (sqlite3 and psycopg both fit)."""

    @property
    def rowcount(self) -> int: ...

    def executemany(self, query: str, params_seq: Iterable[Sequence[Any]], /) -> object: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def close(self) -> None: ...


class Connection(Protocol):
    """The part of a DB-API connection the stores use; `execute` is the sqlite3/psycopg shortcut."""

    def execute(self, query: str, params: Sequence[Any] = ..., /) -> Cursor: ...

    def cursor(self) -> Cursor: ...

    def close(self) -> None: ...


class DBAPIStore(ABC):
    """One connection in autocommit mode; statements are written in qmark style and sent in the dialect's.

    A backend sets `_db` and `location` (for messages) when it opens, then calls `_migrate()`.
    """

    dialect: ClassVar[str]  # the key of its id column in newsclean.store.schema.ID_COLUMNS
    placeholder: ClassVar[str]
    error: ClassVar[type[Exception]]  # the driver's base error class, reported as StoreError
    row_lock: ClassVar[str] = ""  # appended to the SELECT of the article row an upsert is about to replace
    _db: Connection
    location: str

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[object]:
        """Commit what runs inside, or roll it all back on an error."""

    @abstractmethod
    def _insert_returning_id(self, query: str, params: Sequence[Any]) -> int:
        """Run an INSERT into a table with an id column and return the new row's id."""

    @abstractmethod
    def iter_records(self) -> Iterator[ArticleRecord]: ...

    def _lock_schema(self) -> None:
        """Make concurrent openers migrate in turn, where the migration's transaction alone does not."""

    def _sql(self, query: str) -> str:
        return query.replace("?", self.placeholder)

    def _execute(self, query: str, params: Sequence[Any] = ()) -> Cursor:
        return self._db.execute(self._sql(query), params)

    def _executemany(self, query: str, rows: Iterable[Sequence[Any]]) -> None:
        with closing(self._db.cursor()) as cursor:
            cursor.executemany(self._sql(query), rows)

    def _scalar(self, query: str, params: Sequence[Any] = ()) -> Any:
        row = self._execute(query, params).fetchone()
        return row[0] if row else None

    @contextmanager
    def _failing_as(self, doing: str) -> Iterator[None]:
        """Report the driver's errors as StoreError: "cannot {doing} in {location}: ..."."""
        try:
            yield
        except self.error as error:
            raise StoreError(f"cannot {doing} in {self.location}: {error}") from error

    def _migrate(self) -> None:
        """Bring the schema to SCHEMA_VERSION in one transaction."""
        with self._transaction():
            self._lock_schema()
            self._execute(VERSION_TABLE)
            current = int(self._scalar("SELECT max(version) FROM schema_version") or 0)
            if current >= SCHEMA_VERSION:
                return
            for statement in migration_statements(self.dialect, current):
                self._execute(statement)
            self._execute("DELETE FROM schema_version")
            self._execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))

    def schema_version(self) -> int:
        return int(self._scalar("SELECT max(version) FROM schema_version"))

    def upsert(self, record: ArticleRecord) -> UpsertOutcome:
        with self._failing_as(f"store {record.url}"):
            return self._upsert(record)

    def _upsert(self, record: ArticleRecord) -> UpsertOutcome:
        """Lock the URL's row (or create it) first, so concurrent writers of one URL take turns."""
        payload = json.dumps(record.to_dict(), ensure_ascii=False, sort_keys=True)
        with self._transaction():
            row = self._locked_article(record.url)
            if row is None:
                inserted = self._execute(insert_sql("articles", ARTICLE_COLUMNS) + " ON CONFLICT (url) DO NOTHING",
                                         article_values(record, payload, 1))
                if inserted.rowcount == 1:
                    return UpsertOutcome.NEW
                row = self._locked_article(record.url)  # another writer created it meanwhile
                assert row is not None
            return self._update(record, payload, row)

    def _locked_article(self, url: str) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._execute(
            f"SELECT content_hash, version, record FROM articles WHERE url = ?{self.row_lock}", (url,)
        ).fetchone()
        return row

    def _update(self, record: ArticleRecord, payload: str, row: tuple[Any, ...]) -> UpsertOutcome:
        stored_hash, version, previous = row
        if stored_hash == record.content_hash:
            self._execute("UPDATE articles SET fetched_at = ? WHERE url = ?", (record.fetched_at, record.url))
            return UpsertOutcome.UNCHANGED
        self._execute(upsert_sql("article_history", HISTORY_COLUMNS, "url, version"),
                      (record.url, version, utc_now(), previous))
        self._execute(upsert_sql("articles", ARTICLE_COLUMNS, "url"), article_values(record, payload, version + 1))
        return UpsertOutcome.UPDATED

    def get(self, url: str) -> ArticleRecord | None:
        payload = self._scalar("SELECT record FROM articles WHERE url = ?", (url,))
        return ArticleRecord.from_dict(json.loads(payload)) if payload else None

    def version(self, url: str) -> int | None:
        version = self._scalar("SELECT version FROM articles WHERE url = ?", (url,))
        return int(version) if version is not None else None

    def history(self, url: str) -> list[tuple[int, ArticleRecord]]:
        rows = self._execute("SELECT version, record FROM article_history WHERE url = ? ORDER BY version", (url,))
        return [(int(version), ArticleRecord.from_dict(json.loads(payload))) for version, payload in rows.fetchall()]

    def count(self) -> int:
        return int(self._scalar("SELECT count(*) FROM articles"))

    def stored_dates(self, urls: Collection[str]) -> dict[str, str]:
        """URL -> fetched_at of the stored articles among these URLs."""
        return {str(url): str(fetched_at) for url, fetched_at in self._select_by_url("SELECT url, fetched_at FROM articles", urls)}

    def crawl_states(self, urls: Collection[str]) -> list[UrlState]:
        """The crawl state rows of those of these URLs that have one."""
        return [UrlState(*row) for row in self._select_by_url(f"SELECT {', '.join(STATE_COLUMNS)} FROM crawl_state", urls)]

    def load_crawl_state(self, hostnames: Collection[str], kinds: Collection[str] = ()) -> Iterator[UrlState]:
        """The crawl state of these hosts (only URLs of these kinds, when given), in URL order, a page at a
        time (keyset paging: no transaction stays open between pages, and a host of any size fits)."""
        names = sorted(set(hostnames))
        if not names:
            return
        condition, params = self._hostname_in(names)
        if kinds:
            condition += f" AND kind IN ({', '.join('?' for _ in kinds)})"
            params = [*params, *kinds]
        select = f"SELECT {', '.join(STATE_COLUMNS)} FROM crawl_state WHERE {condition} AND url > ? ORDER BY url LIMIT ?"
        after = ""
        while rows := self._execute(select, [*params, after, PAGE_SIZE]).fetchall():
            yield from (UrlState(*row) for row in rows)
            after = rows[-1][0]

    def save_crawl_state(self, states: Iterable[UrlState]) -> None:
        rows = [astuple(state) for state in states]
        with self._failing_as("save the crawl state"), self._transaction():
            self._executemany(crawl_state_upsert_sql(), rows)

    def _select_by_hostname(self, select: str, hostnames: Collection[str]) -> list[tuple[Any, ...]]:
        names = sorted(set(hostnames))
        if not names:
            return []
        condition, params = self._hostname_in(names)
        return self._execute(f"{select} WHERE {condition}", params).fetchall()

    def _select_by_url(self, select: str, urls: Collection[str]) -> Iterator[tuple[Any, ...]]:
        """The rows of `select` whose url is one of `urls`, asked PAGE_SIZE URLs at a time."""
        wanted = sorted(set(urls))
        for start in range(0, len(wanted), PAGE_SIZE):
            chunk = wanted[start : start + PAGE_SIZE]
            yield from self._execute(f"{select} WHERE url IN ({', '.join('?' for _ in chunk)})", chunk).fetchall()

    def _hostname_in(self, names: list[str]) -> tuple[str, Sequence[Any]]:
        """The WHERE condition and parameters that match rows whose hostname is one of `names`."""
        return f"hostname IN ({', '.join('?' for _ in names)})", names

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

    def add_site_knowledge(self, changes: Iterable[HostSnapshot]) -> None:
        """Add what a crawl learned about each host (SiteKnowledge.changes) to what is kept, in one transaction:
        counts add up, so crawls and workers sharing the store never overwrite each other's learning."""
        with self._failing_as("save site knowledge"), self._transaction():
            for change in changes:
                self._add_host(change)

    def _add_host(self, change: HostSnapshot) -> None:
        """The site_hosts upsert comes first: where rows lock, two workers saving one host take turns."""
        host = change.hostname
        self._execute(add_pages_sql("site_hosts", ("hostname", "pages"), "hostname"), (host, change.pages))
        self._executemany(add_pages_sql("site_blocks", ("hostname", "block", "pages"), "hostname, block"),
                          [(host, block, pages) for block, pages in change.block_pages.items()])
        self._execute("DELETE FROM site_blocks WHERE hostname = ? AND pages <= 0", (host,))
        self._executemany(upsert_sql("site_openings", ("hostname", "opening", "url"), "hostname, opening"),
                          [(host, opening, url) for opening, url in change.openings.items()])

    def start_run(self, spider: str, source: str | None, started_at: str) -> int:
        """Insert an unfinished run (a crawl that is killed stays so) and return its id."""
        columns = ("spider", "source", "started_at", "finished_at", "finish_reason", "stats")
        with self._failing_as("record a run"), self._transaction():
            return self._insert_returning_id(insert_sql("crawl_runs", columns),
                                             (spider, source, started_at, "", UNFINISHED, "{}"))

    def finish_run(
        self, run_id: int, finished_at: str, reason: str, stats: dict[str, Any], report: dict[str, Any]
    ) -> None:
        with self._failing_as("record a run"), self._transaction():
            self._execute(
                "UPDATE crawl_runs SET finished_at = ?, finish_reason = ?, stats = ?, report = ? WHERE id = ?",
                (finished_at, reason, dump_json(stats), dump_json(report), run_id),
            )

    def record_run(
        self, spider: str, started_at: str, finished_at: str, reason: str, stats: dict[str, Any],
        *, source: str | None = None, report: dict[str, Any] | None = None,
    ) -> None:
        self.finish_run(self.start_run(spider, source, started_at), finished_at, reason, stats, report or {})

    def recent_runs(self, limit: int, source: str | None = None) -> list[dict[str, Any]]:
        select = f"SELECT {', '.join(RUN_COLUMNS)} FROM crawl_runs"
        if source is None:
            rows = self._execute(f"{select} ORDER BY id DESC LIMIT ?", (limit,))
        else:
            rows = self._execute(f"{select} WHERE source = ? ORDER BY id DESC LIMIT ?", (source, limit))
        return [decode_run(row) for row in rows.fetchall()]

    def close(self) -> None:
        self._db.close()
