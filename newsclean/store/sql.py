"""SQL and row helpers that every backend shares, written with qmark (?) placeholders."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from newsclean.crawlstate import UrlState
from newsclean.record import ArticleRecord
from newsclean.urls import hostname

STATE_COLUMNS = tuple(field.name for field in fields(UrlState))
RUN_COLUMNS = ("id", "spider", "source", "started_at", "finished_at", "finish_reason", "stats", "report")
ARTICLE_COLUMNS = ("url", "id", "canonical_url", "hostname", "published", "language", "content_hash", "fetched_at",
                   "version", "record")


def insert_sql(table: str, columns: tuple[str, ...]) -> str:
    """INSERT INTO table (columns) VALUES (?, ...), in qmark style (see DBAPIStore._sql)."""
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


def upsert_sql(table: str, columns: tuple[str, ...], key: str) -> str:
    """INSERT ... ON CONFLICT DO UPDATE: one statement that SQLite and PostgreSQL share."""
    updates = ", ".join(f"{column} = excluded.{column}" for column in columns if column != key)
    return f"{insert_sql(table, columns)} ON CONFLICT ({key}) DO UPDATE SET {updates}"


# How a crawl_state row merges with the row already stored, so that workers sharing a store never undo each
# other's news: the newer answer wins (by checked_at), listed dates only move forward, the first sighting stays.
NEWER_ANSWER = "excluded.checked_at IS NOT NULL AND (crawl_state.checked_at IS NULL" \
               " OR excluded.checked_at >= crawl_state.checked_at)"
ANSWER_COLUMNS = ("checked_at", "fetched_at", "status", "etag", "last_modified", "body_hash", "verdict", "error",
                  "final_url")
STATE_MERGE = {
    "kind": "CASE WHEN crawl_state.kind = 'page' THEN excluded.kind ELSE crawl_state.kind END",
    "hostname": "excluded.hostname",
    "first_seen": "CASE WHEN excluded.first_seen < crawl_state.first_seen THEN excluded.first_seen"
                  " ELSE crawl_state.first_seen END",
    "discovered_via": "COALESCE(crawl_state.discovered_via, excluded.discovered_via)",
    "found_in": "COALESCE(crawl_state.found_in, excluded.found_in)",
    **{column: f"CASE WHEN crawl_state.{column} IS NULL OR excluded.{column} > crawl_state.{column}"
               f" THEN excluded.{column} ELSE crawl_state.{column} END" for column in ("listed_date", "version_date")},
    **{column: f"CASE WHEN {NEWER_ANSWER} THEN excluded.{column} ELSE crawl_state.{column} END"
       for column in ANSWER_COLUMNS},
}


def crawl_state_upsert_sql() -> str:
    """The crawl_state upsert that merges with the stored row (STATE_MERGE)."""
    assert set(STATE_MERGE) == set(STATE_COLUMNS) - {"url"}
    updates = ", ".join(f"{column} = {STATE_MERGE[column]}" for column in STATE_COLUMNS if column != "url")
    return f"{insert_sql('crawl_state', STATE_COLUMNS)} ON CONFLICT (url) DO UPDATE SET {updates}"


def add_pages_sql(table: str, columns: tuple[str, ...], key: str) -> str:
    """An upsert that adds the row's `pages` count to the stored one."""
    return f"{insert_sql(table, columns)} ON CONFLICT ({key}) DO UPDATE SET pages = {table}.pages + excluded.pages"


def dump_json(value: dict[str, Any]) -> str:
    return json.dumps(value, default=str, sort_keys=True)


def decode_run(row: tuple[Any, ...]) -> dict[str, Any]:
    """A crawl_runs row as a dict, stats and report decoded."""
    run = dict(zip(RUN_COLUMNS, row, strict=True))
    run["stats"] = json.loads(run["stats"])
    run["report"] = json.loads(run["report"]) if run["report"] else {}
    return run


def article_values(record: ArticleRecord, payload: str, version: int) -> tuple[Any, ...]:
    """The articles row of a record, in ARTICLE_COLUMNS order."""
    return (record.url, record.id, record.canonical_url, hostname(record.url), record.published, record.language,
            record.content_hash, record.fetched_at, version, payload)
