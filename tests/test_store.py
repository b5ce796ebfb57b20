"""The SQLite store: one row per URL, versions, crawl runs, clear errors."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from newsclean.record import ArticleRecord, content_hash
from newsclean.store import StoreError, UpsertOutcome, open_store
from newsclean.store.sqlite import SQLiteStore


def make_record(url: str, text: str = "Body text of the article.") -> ArticleRecord:
    return ArticleRecord(id="x", url=url, canonical_url=url, title="T", text=text, content_hash=content_hash(text))


def test_rewriting_a_url_updates_its_row_and_keeps_history(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/s.db")
    assert isinstance(store, SQLiteStore)
    record = make_record("https://a.example/1")
    assert store.upsert(record) is UpsertOutcome.NEW
    assert store.upsert(record) is UpsertOutcome.UNCHANGED
    changed = dataclasses.replace(record, text="A corrected body.", content_hash=content_hash("A corrected body."))
    assert store.upsert(changed) is UpsertOutcome.UPDATED
    assert store.count() == 1
    assert store.version(record.url) == 2
    stored = store.get(record.url)
    assert stored is not None and stored.text == "A corrected body."
    store.close()
    with sqlite3.connect(tmp_path / "s.db") as db:
        history = db.execute("SELECT version, record FROM article_history").fetchall()
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    assert [version for version, _ in history] == [1]
    assert "Body text of the article." in history[0][1]
    assert mode == "wal"


def test_same_text_on_two_sites_is_two_records(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/s.db")
    store.upsert(make_record("https://a.example/wire"))
    store.upsert(make_record("https://b.example/wire"))
    assert [r.url for r in store.iter_records()] == ["https://a.example/wire", "https://b.example/wire"]


def test_runs_are_kept(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/s.db")
    store.record_run("news", "2026-11-27T00:00:00+00:00", "2026-11-27T00:01:00+00:00", "finished", {"a/b": 3})
    (run,) = store.recent_runs(5)
    assert run["spider"] == "news" and run["stats"] == {"a/b": 3} and run["finish_reason"] == "finished"


@pytest.mark.parametrize("url", ["mysql://localhost/db", "sqlite://", "nonsense"])
def test_unusable_store_urls_say_why(url: str) -> None:
    with pytest.raises(StoreError, match="STORE_URL"):
        open_store(url)
