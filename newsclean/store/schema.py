"""The store's schema and its migrations, in one place for every backend.

The statements are plain SQL that SQLite and PostgreSQL both accept; the one column type they
spell differently (an auto-numbered primary key) is the `{id_column}` placeholder, filled in by
`migration_statements(dialect)`. A store records the version it reached in `schema_version`.
"""

from __future__ import annotations

ID_COLUMNS = {
    "sqlite": "INTEGER PRIMARY KEY AUTOINCREMENT",
    "postgresql": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
}

VERSION_TABLE = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"

_V1_ARTICLES = (
    """CREATE TABLE IF NOT EXISTS articles (
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
    )""",
    "CREATE INDEX IF NOT EXISTS articles_hostname ON articles (hostname)",
    """CREATE TABLE IF NOT EXISTS article_history (
        url TEXT NOT NULL,
        version INTEGER NOT NULL,
        replaced_at TEXT NOT NULL,
        record TEXT NOT NULL,
        PRIMARY KEY (url, version)
    )""",
    """CREATE TABLE IF NOT EXISTS crawl_runs (
        id {id_column},
        spider TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        finish_reason TEXT NOT NULL,
        stats TEXT NOT NULL
    )""",
)

_V2_CRAWL_STATE = (
    """CREATE TABLE IF NOT EXISTS crawl_state (
        url TEXT PRIMARY KEY,
        hostname TEXT NOT NULL,
        kind TEXT NOT NULL,
        discovered_via TEXT,
        found_in TEXT,
        listed_date TEXT,
        version_date TEXT,
        first_seen TEXT NOT NULL,
        checked_at TEXT,
        fetched_at TEXT,
        status INTEGER,
        etag TEXT,
        last_modified TEXT,
        body_hash TEXT,
        verdict TEXT,
        error TEXT,
        final_url TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS crawl_state_hostname ON crawl_state (hostname)",
    "ALTER TABLE crawl_runs ADD COLUMN source TEXT",
    "ALTER TABLE crawl_runs ADD COLUMN report TEXT",
    "CREATE INDEX IF NOT EXISTS crawl_runs_source ON crawl_runs (source)",
)

_V3_SITE_KNOWLEDGE = (
    "CREATE TABLE IF NOT EXISTS site_hosts (hostname TEXT PRIMARY KEY, pages INTEGER NOT NULL)",
    """CREATE TABLE IF NOT EXISTS site_blocks (
        hostname TEXT NOT NULL,
        block TEXT NOT NULL,
        pages INTEGER NOT NULL,
        PRIMARY KEY (hostname, block)
    )""",
    """CREATE TABLE IF NOT EXISTS site_openings (
        hostname TEXT NOT NULL,
        opening TEXT NOT NULL,
        url TEXT NOT NULL,
        PRIMARY KEY (hostname, opening)
    )""",
)

# Index i holds the statements that take a store from version i to version i + 1. Append only.
MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1_ARTICLES, _V2_CRAWL_STATE, _V3_SITE_KNOWLEDGE)
SCHEMA_VERSION = len(MIGRATIONS)


def migration_statements(dialect: str, from_version: int) -> list[str]:
    """The statements that bring a store at `from_version` to SCHEMA_VERSION, for one SQL dialect."""
    id_column = ID_COLUMNS[dialect]
    return [statement.format(id_column=id_column) for step in MIGRATIONS[from_version:] for statement in step]
