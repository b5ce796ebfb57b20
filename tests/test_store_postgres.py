"""The PostgreSQL store under load: concurrent writers of one URL, and a real crawl into it.

What every backend does alike is tested on PostgreSQL too, in test_store.py.
"""

from __future__ import annotations

import json
import threading
from urllib.parse import urlsplit

import psycopg

from newsclean.siteserver import SiteServer
from newsclean.store import UpsertOutcome
from newsclean.store.postgres import PostgresStore
from tests.conftest import FAST_CRAWL, SITES, run_scrapy
from tests.test_crawl import ARTICLE_ROUTES
from tests.test_store import make_record


def test_concurrent_writers_of_one_url_leave_one_row(pg_url: str) -> None:
    """Two workers with their own connections store versions of one URL at once: none is lost, many times over."""
    stores = [PostgresStore(pg_url) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[UpsertOutcome] = []

    def write(store: PostgresStore, worker: int) -> None:
        try:
            for round_ in range(20):
                barrier.wait()
                for step in range(3):
                    text = f"Round {round_}, {worker}, {step}."
                    outcomes.append(store.upsert(make_record(f"https://a.example/{round_}", text)))
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
    assert outcomes.count(UpsertOutcome.NEW) == 20 and outcomes.count(UpsertOutcome.UPDATED) == 100
    for round_ in range(20):
        assert reader.version(f"https://a.example/{round_}") == 6
        assert [version for version, _ in reader.history(f"https://a.example/{round_}")] == [1, 2, 3, 4, 5]
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
