"""Shared fixtures: project paths, a scrapy runner, local HTTP sites."""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest

from newsclean.siteserver import SiteServer

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "tests" / "sites"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
FAST_CRAWL = (
    "-s", "AUTOTHROTTLE_ENABLED=False",
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "NEWSCLEAN_EXTRACTION_WORKERS=2",
    "-s", "LOG_LEVEL=INFO",
)


@dataclass
class ScrapyRun:
    returncode: int
    stdout: str
    stderr: str


def run_scrapy(*args: str, timeout: float = 180) -> ScrapyRun:
    """Run `scrapy ARGS` in the project folder, as a user would."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    completed = subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )
    return ScrapyRun(completed.returncode, completed.stdout, completed.stderr)


def stored_records(db: Path) -> dict[str, dict[str, Any]]:
    """The records of a SQLite store, by URL path."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT record FROM articles").fetchall()
    records = [json.loads(row[0]) for row in rows]
    return {urlsplit(record["url"]).path: record for record in records}


def last_run_stats(db: Path) -> dict[str, Any]:
    with sqlite3.connect(db) as connection:
        row = connection.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    return dict(json.loads(row[0]))


@pytest.fixture
def news_site() -> Iterator[SiteServer]:
    with SiteServer(SITES / "news") as site:
        yield site


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


def _admin() -> psycopg.Connection[tuple[object, ...]]:
    """A connection to the server's `test` database, or a skip (a failure when CI is set)."""
    try:
        return psycopg.connect(f"{PG_SERVER}/test", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL is not reachable at {PG_SERVER}/test ({error}); start it to run these tests")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    name = f"newsclean_test_{secrets.token_hex(6)}"
    with _admin() as admin:
        admin.execute(f"CREATE DATABASE {name}")
        try:
            yield f"{PG_SERVER}/{name}"
        finally:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
