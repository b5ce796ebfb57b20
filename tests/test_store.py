"""The stores: one row per URL, versions, crawl runs, crawl state, site knowledge and clear errors, on every backend."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsclean.crawlstate import UrlState
from newsclean.record import ArticleRecord, content_hash
from newsclean.siteknowledge import HostSnapshot, SiteKnowledge
from newsclean.store import StoreError, UpsertOutcome, open_store
from newsclean.store.dbapi import PAGE_SIZE, DBAPIStore
from newsclean.store.schema import SCHEMA_VERSION
from newsclean.store.sqlite import SQLiteStore



def make_record(url: str, text: str = "Body text of the article.") -> ArticleRecord:
    return ArticleRecord(id="x", url=url, canonical_url=url, title="T", text=text, content_hash=content_hash(text))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store of each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/s.db"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(store_url: str) -> Iterator[DBAPIStore]:
    opened = open_store(store_url)
    assert isinstance(opened, DBAPIStore)
    yield opened
    opened.close()


def test_rewriting_a_url_updates_its_row_and_keeps_history(store: DBAPIStore) -> None:
    record = make_record("https://a.example/1")
    assert store.upsert(record) is UpsertOutcome.NEW
    assert store.upsert(record) is UpsertOutcome.UNCHANGED
    changed = dataclasses.replace(record, text="A corrected body.", content_hash=content_hash("A corrected body."))
    assert store.upsert(changed) is UpsertOutcome.UPDATED
    assert store.count() == 1
    assert store.version(record.url) == 2
    stored = store.get(record.url)
    assert stored is not None and stored.text == "A corrected body."
    assert [(version, old.text) for version, old in store.history(record.url)] == [(1, "Body text of the article.")]


def test_same_text_on_two_sites_is_two_records(store: DBAPIStore) -> None:
    store.upsert(make_record("https://a.example/wire"))
    store.upsert(make_record("https://b.example/wire"))
    assert [r.url for r in store.iter_records()] == ["https://a.example/wire", "https://b.example/wire"]


def test_runs_are_kept(store: DBAPIStore) -> None:
    store.record_run("news", "2026-11-27T00:00:00+00:00", "2026-11-27T00:01:00+00:00", "finished", {"a/b": 3})
    run_id = store.start_run("news", "example", "2026-11-27T00:02:00+00:00")
    newest, oldest = store.recent_runs(5)
    assert oldest["spider"] == "news" and oldest["stats"] == {"a/b": 3} and oldest["finish_reason"] == "finished"
    assert newest["id"] == run_id and newest["finish_reason"] == "unfinished"
    assert [run["id"] for run in store.recent_runs(5, source="example")] == [run_id]


def test_crawl_state_round_trips(store: DBAPIStore) -> None:
    first = UrlState(url="https://a.example/1", hostname="a.example", kind="article", first_seen="2026-11-27")
    other = UrlState(url="https://b.example/1", hostname="b.example", kind="article", first_seen="2026-11-27")
    store.save_crawl_state([first, other])
    checked = dataclasses.replace(first, status=200, etag='"v1"', checked_at="2026-11-28")
    store.save_crawl_state([checked])
    assert list(store.load_crawl_state({"a.example"})) == [checked]
    assert store.crawl_states(["https://a.example/1", "https://a.example/2"]) == [checked]
    assert store.stored_dates(["https://a.example/1"]) == {}


def test_crawl_state_is_read_a_page_at_a_time_in_url_order(store: DBAPIStore) -> None:
    """Hosts of any size: more rows than one page, filtered by host and kind."""
    pages = [UrlState(url=f"https://a.example/{n:04}", hostname="a.example", kind="page", first_seen="2026-11-27")
             for n in range(PAGE_SIZE * 2 + 7)]
    sitemap = UrlState(url="https://a.example/sitemap.xml", hostname="a.example", kind="sitemap", first_seen="2026-11-27")
    elsewhere = UrlState(url="https://b.example/1", hostname="b.example", kind="page", first_seen="2026-11-27")
    store.save_crawl_state([*reversed(pages), sitemap, elsewhere])
    assert list(store.load_crawl_state({"a.example"}, ["page"])) == pages
    assert list(store.load_crawl_state({"a.example"}, ["sitemap", "feed"])) == [sitemap]
    assert len(list(store.load_crawl_state({"a.example", "b.example"}))) == len(pages) + 2
    assert len(store.crawl_states([state.url for state in pages])) == len(pages)


def test_workers_sharing_a_store_never_undo_each_others_crawl_state(store: DBAPIStore) -> None:
    """A worker that comes across a URL another worker has already fetched keeps the fetch on record."""
    seen = UrlState(url="https://a.example/1", hostname="a.example", kind="page", first_seen="2026-11-27T08:00",
                    discovered_via="sitemap", listed_date="2026-11-26")
    fetched = dataclasses.replace(seen, checked_at="2026-11-27T09:00", fetched_at="2026-11-27T09:00", status=200,
                                  etag='"v1"', verdict="article", version_date="2026-11-26")
    store.save_crawl_state([fetched])
    seen_later_elsewhere = dataclasses.replace(seen, first_seen="2026-11-27T09:30", discovered_via="link",
                                               found_in="https://a.example/")
    store.save_crawl_state([seen_later_elsewhere])
    assert list(store.load_crawl_state({"a.example"})) == [dataclasses.replace(fetched, found_in="https://a.example/")]

    failed_later = dataclasses.replace(seen, checked_at="2026-11-27T10:00", status=503, error="http_503")
    store.save_crawl_state([failed_later, dataclasses.replace(fetched, listed_date="2026-11-20")])
    [merged] = store.load_crawl_state({"a.example"})
    assert (merged.status, merged.error, merged.etag, merged.listed_date) == (503, "http_503", None, "2026-11-26")


def test_site_knowledge_adds_up_what_each_crawl_learned(store: DBAPIStore) -> None:
    snapshot = HostSnapshot("a.example", 12, {"nav": 12, "footer": 11}, {"Read more": "https://a.example/2"})
    store.add_site_knowledge([snapshot, HostSnapshot("b.example", 1)])
    assert store.load_site_knowledge({"a.example"}) == [snapshot]
    store.add_site_knowledge([HostSnapshot("a.example", 8, {"nav": 8, "footer": -11}, {"Also": "https://a.example/3"})])
    expected = HostSnapshot("a.example", 20, {"nav": 20}, {"Read more": "https://a.example/2", "Also": "https://a.example/3"})
    assert store.load_site_knowledge({"a.example", "c.example"}) == [expected]


def test_two_workers_learning_one_host_share_what_they_learned_through_the_store(store: DBAPIStore) -> None:
    workers = [SiteKnowledge(), SiteKnowledge()]
    for number, knowledge in enumerate(workers):
        for snapshot in store.load_site_knowledge({"a.example"}):
            knowledge.restore(snapshot)
        for page in range(2):
            knowledge.observe("a.example", ["share-bar", f"body-{number}-{page}"], f"https://a.example/{number}/{page}",
                              f"Story {number}-{page} opens with its own words and goes on")
    for knowledge in workers:
        store.add_site_knowledge(knowledge.changes())
        knowledge.mark_saved()
        assert knowledge.changes() == []
    [host] = store.load_site_knowledge({"a.example"})
    assert host.pages == 4 and host.block_pages["share-bar"] == 4 and len(host.openings) == 4
    reader = SiteKnowledge()
    reader.restore(host)
    profile = reader.profile("a.example")
    assert profile is not None and profile.boilerplate == {"share-bar"}


def test_reopening_keeps_the_schema_and_data(store_url: str, store: DBAPIStore) -> None:
    store.upsert(dataclasses.replace(make_record("https://a.example/1"), fetched_at="2026-11-27T00:00:00+00:00"))
    again = open_store(store_url)
    assert isinstance(again, DBAPIStore)
    assert again.schema_version() == SCHEMA_VERSION and again.count() == 1
    assert again.stored_dates(["https://a.example/1", "https://b.example/1"]) == {
        "https://a.example/1": "2026-11-27T00:00:00+00:00"}
    again.close()


def test_a_failed_write_is_a_store_error_naming_the_store(store: DBAPIStore) -> None:
    store.close()
    with pytest.raises(StoreError, match=re.escape(f"cannot save site knowledge in {store.location}: ")):
        store.add_site_knowledge([HostSnapshot("a.example", 1)])


def test_sqlite_runs_in_wal_mode_and_keeps_old_versions_in_article_history(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/s.db")
    assert isinstance(store, SQLiteStore)
    record = make_record("https://a.example/1")
    store.upsert(record)
    store.upsert(dataclasses.replace(record, text="A corrected body.", content_hash=content_hash("A corrected body.")))
    store.close()
    with sqlite3.connect(tmp_path / "s.db") as db:
        history = db.execute("SELECT version, record FROM article_history").fetchall()
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    assert [version for version, _ in history] == [1]
    assert "Body text of the article." in history[0][1]
    assert mode == "wal"


@pytest.mark.parametrize("url", ["mysql://localhost/db", "sqlite://", "nonsense"])
def test_unusable_store_urls_say_why(url: str) -> None:
    with pytest.raises(StoreError, match="STORE_URL"):
        open_store(url)
