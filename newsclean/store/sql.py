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
