"""The PostgreSQL store: the SQLite store's behaviour, concurrent writers, and a real crawl into it."""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import psycopg
import pytest

from newsclean.crawlstate import UrlState
from newsclean.record import content_hash
from newsclean.siteknowledge import HostSnapshot
from newsclean.siteserver import SiteServer
from newsclean.store import UpsertOutcome, open_store
from newsclean.store.postgres import PostgresStore
from newsclean.store.schema import SCHEMA_VERSION
from tests.conftest import FAST_CRAWL, SITES, run_scrapy
from tests.test_crawl import ARTICLE_ROUTES
from tests.test_store import make_record

SERVER = "postgresql://postgres@127.0.0.1:5432"


def _admin() -> psycopg.Connection[tuple[object, ...]]:
    """A connection to the server's `test` database, or a skip (a failure when CI is set)."""
    try:
        return psycopg.connect(f"{SERVER}/test", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL is not reachable at {SERVER}/test ({error}); start it to run these tests")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh database for one test, dropped afterwards."""
    name = f"newsclean_test_{secrets.token_hex(6)}"
    with _admin() as admin:
        admin.execute(f"CREATE DATABASE {name}")
        try:
            yield f"{SERVER}/{name}"
        finally:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def store(pg_url: str) -> Iterator[PostgresStore]:
    opened = open_store(pg_url)
    assert isinstance(opened, PostgresStore)
    yield opened
    opened.close()


def test_rewriting_a_url_updates_its_row_and_keeps_history(store: PostgresStore) -> None:
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


def test_same_text_on_two_sites_is_two_records(store: PostgresStore) -> None:
    store.upsert(make_record("https://a.example/wire"))
    store.upsert(make_record("https://b.example/wire"))
    assert [r.url for r in store.iter_records()] == ["https://a.example/wire", "https://b.example/wire"]


def test_runs_are_kept(store: PostgresStore) -> None:
    store.record_run("news", "2026-11-27T00:00:00+00:00", "2026-11-27T00:01:00+00:00", "finished", {"a/b": 3})
    run_id = store.start_run("news", "example", "2026-11-27T00:02:00+00:00")
    newest, oldest = store.recent_runs(5)
    assert oldest["spider"] == "news" and oldest["stats"] == {"a/b": 3} and oldest["finish_reason"] == "finished"
    assert newest["id"] == run_id and newest["finish_reason"] == "unfinished"
    assert [run["id"] for run in store.recent_runs(5, source="example")] == [run_id]


def test_crawl_state_round_trips(store: PostgresStore) -> None:
    first = UrlState(url="https://a.example/1", hostname="a.example", kind="article", first_seen="2026-11-27")
    other = UrlState(url="https://b.example/1", hostname="b.example", kind="article", first_seen="2026-11-27")
    store.save_crawl_state([first, other])
    checked = dataclasses.replace(first, status=200, etag='"v1"', checked_at="2026-11-28")
    store.save_crawl_state([checked])
    assert list(store.load_crawl_state({"a.example"})) == [checked]


def test_site_knowledge_round_trips_and_replaces(store: PostgresStore) -> None:
    snapshot = HostSnapshot("a.example", 12, {"nav": 12, "footer": 11}, {"Read more": "https://a.example/2"})
    store.save_site_knowledge([snapshot, HostSnapshot("b.example", 1)])
    assert store.load_site_knowledge({"a.example"}) == [snapshot]
    later = HostSnapshot("a.example", 20, {"nav": 20})
    store.save_site_knowledge([later])
    assert store.load_site_knowledge({"a.example", "c.example"}) == [later]


def test_reopening_keeps_the_schema_and_data(pg_url: str, store: PostgresStore) -> None:
    store.upsert(make_record("https://a.example/1"))
    again = open_store(pg_url)
    assert isinstance(again, PostgresStore)
    assert again.schema_version() == SCHEMA_VERSION and again.count() == 1
    again.close()


def test_concurrent_writers_of_one_url_leave_one_row(pg_url: str) -> None:
    """Two workers with their own connections store versions of one URL at once, many times over."""
    stores = [PostgresStore(pg_url) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[UpsertOutcome] = []

    def write(store: PostgresStore, worker: int) -> None:
        try:
            for round_ in range(20):
                barrier.wait()
                outcomes.append(store.upsert(make_record(f"https://a.example/{round_}", f"Round {round_}, {worker}.")))
        except BaseException:
            barrier.abort()  # the other worker stops too, instead of waiting for this one forever
            raise

    threads = [threading.Thread(target=write, args=(store, worker)) for worker, store in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reader = stores[0]
    assert reader.count() == 20
    assert outcomes.count(UpsertOutcome.NEW) == 20 and outcomes.count(UpsertOutcome.UPDATED) == 20
    for round_ in range(20):
        assert reader.version(f"https://a.example/{round_}") == 2
        assert len(reader.history(f"https://a.example/{round_}")) == 1
    for store in stores:
        store.close()


def test_a_crawl_stores_every_article_once_in_postgresql(pg_url: str) -> None:
    with SiteServer(SITES / "news") as site:
        run = run_scrapy("crawl", "news", "-a", f"start={site.url('/')}", "-s", f"STORE_URL={pg_url}", *FAST_CRAWL)
    assert run.returncode == 0, run.stderr[-3000:]
    with psycopg.connect(pg_url) as db:
        urls = [row[0] for row in db.execute("SELECT url FROM articles").fetchall()]
        (stats,) = db.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone() or ("{}",)
        states = db.execute("SELECT count(*) FROM crawl_state").fetchone()
    assert sorted(urlsplit(url).path for url in urls) == sorted(ARTICLE_ROUTES)
    assert json.loads(stats)["newsclean/store/new"] == len(ARTICLE_ROUTES)
    assert states is not None and states[0] > len(ARTICLE_ROUTES)
