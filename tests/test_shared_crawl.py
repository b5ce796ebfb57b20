"""Scale out: crawl workers sharing one frontier in Redis and one PostgreSQL store.

Each test uses its own Redis key prefix (deleted afterwards) and its own PostgreSQL database.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis

from newsclean.sharedcrawl import SharedCrawl, crawl_keys
from newsclean.siteserver import Resource, SiteServer
from tests.conftest import ROOT, run_scrapy
from tests.newssite import write_site

REDIS = "redis://127.0.0.1:6379/0"
ARTICLES = 300
DISCOVERY_DELAY = 2.0
WORKER_SETTINGS = (
    "-s", "AUTOTHROTTLE_ENABLED=False",
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "NEWSCLEAN_EXTRACTION_WORKERS=1",
    "-s", "NEWSCLEAN_WORKER_IDLE_CLOSE=20",  # room for a slow start on a loaded machine
    "-s", f"REDIS_URL={REDIS}",
)


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own in Redis, deleted afterwards; a skip without Redis (a failure with CI)."""
    server = redis.Redis.from_url(REDIS, socket_connect_timeout=3)
    try:
        server.ping()
    except redis.ConnectionError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis is not reachable at {REDIS} ({error}); start redis-server to run these tests")
    prefix = f"newsclean-test-{secrets.token_hex(4)}"
    yield prefix
    keys = list(server.scan_iter(f"{prefix}:*"))
    if keys:
        server.delete(*keys)
    server.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SiteServer, list[str]]]:
    root = tmp_path_factory.mktemp("shared-site")
    paths = write_site(root, ARTICLES)
    with SiteServer(root) as server:
        yield server, paths


class SlowDiscoverySite(SiteServer):
    """Answers everything but article pages after DISCOVERY_DELAY seconds: while the first worker reads robots.txt
    and the sitemap, the shared queue is empty."""

    def load(self, url_path: str) -> Resource | None:
        if not url_path.startswith("/articles/"):
            time.sleep(DISCOVERY_DELAY)
        return super().load(url_path)


def worker(pg_url: str, prefix: str, *arguments: str, log: Path) -> subprocess.Popen[bytes]:
    """Start one `scrapy crawl news` worker of the shared crawl, as a user would."""
    command = [sys.executable, "-m", "scrapy", "crawl", "news", *arguments, *WORKER_SETTINGS,
               "-s", f"STORE_URL={pg_url}", "-s", f"NEWSCLEAN_REDIS_PREFIX={prefix}:%(spider)s",
               "-s", f"NEWSCLEAN_DEADLETTER_FILE={log.with_suffix('.deadletter.jsonl')}"]
    with log.open("wb") as output:
        return subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})


def finish(process: subprocess.Popen[bytes], log: Path, timeout: float = 240) -> None:
    assert process.wait(timeout=timeout) == 0, log.read_text()


def stored_paths(pg_url: str) -> Counter[str]:
    with psycopg.connect(pg_url) as connection:
        rows = connection.execute("SELECT url FROM articles").fetchall()
    return Counter("/" + str(url).split("/", 3)[3] for (url,) in rows)


def run_stats(pg_url: str) -> list[dict[str, object]]:
    with psycopg.connect(pg_url) as connection:
        rows = connection.execute("SELECT stats FROM crawl_runs ORDER BY id").fetchall()
    return [json.loads(stats) for (stats,) in rows]


def page_requests(server: SiteServer) -> Counter[str]:
    """GET requests for pages (robots.txt aside: Scrapy's robots middleware asks it once in each worker)."""
    return Counter(r.path for r in server.requests if r.method == "GET" and r.path != "/robots.txt")


def wait_for_pages(server: SiteServer, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while len(page_requests(server)) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def test_two_workers_share_one_crawl_and_store_every_article_once(
    site: tuple[SiteServer, list[str]], pg_url: str, redis_prefix: str, tmp_path: Path,
) -> None:
    server, paths = site
    server.clear_log()
    seeder = worker(pg_url, redis_prefix, "-a", f"start={server.url('/')}", log=tmp_path / "seeder.log")
    wait_for_pages(server, 20)
    joiner = worker(pg_url, redis_prefix, log=tmp_path / "joiner.log")  # a worker added to a running crawl
    finish(seeder, tmp_path / "seeder.log")
    finish(joiner, tmp_path / "joiner.log")

    requests = page_requests(server)
    assert {path: count for path, count in requests.items() if count > 1} == {}
    assert set(paths) <= set(requests)
    assert stored_paths(pg_url) == Counter(set(paths))
    shares = [int(str(stats.get("item_scraped_count", 0))) for stats in run_stats(pg_url)]
    assert len(shares) == 2 and sum(shares) == ARTICLES
    assert min(shares) >= ARTICLES // 30, (shares, (tmp_path / "joiner.log").read_text()[-3000:])
    assert redis.Redis.from_url(REDIS).keys(f"{redis_prefix}:*") == [], "the last worker out clears the crawl"
    for log in ("seeder.log", "joiner.log"):
        assert "Deprecat" not in (tmp_path / log).read_text(), "scrapy-redis's deprecated calls are avoided"


def test_a_worker_stays_while_the_queue_is_briefly_empty(
    site: tuple[SiteServer, list[str]], pg_url: str, redis_prefix: str, tmp_path: Path,
) -> None:
    """scrapy-redis's idle limit counts from start-up: a worker that finds the queue empty at first would leave."""
    _, paths = site
    with SlowDiscoverySite(site[0].root) as slow:
        seeder = worker(pg_url, redis_prefix, "-a", f"start={slow.url('/')}", log=tmp_path / "seeder.log")
        joiner = worker(pg_url, redis_prefix, log=tmp_path / "joiner.log")
        finish(seeder, tmp_path / "seeder.log")
        finish(joiner, tmp_path / "joiner.log")
    runs = run_stats(pg_url)
    assert sum(int(str(stats.get("item_scraped_count", 0))) for stats in runs) == len(paths)
    elapsed = [float(str(stats["elapsed_time_seconds"])) for stats in runs]
    assert min(elapsed) > max(elapsed) - 10, f"the joining worker left before the crawl was done: {elapsed}"


def start_and_stop_one_worker(
    server: SiteServer, pg_url: str, prefix: str, tmp_path: Path, stop: signal.Signals,
) -> None:
    """Seed a crawl with one worker and join it with another, which gets `stop` a third of the way through;
    the first worker finishes the crawl."""
    server.clear_log()
    seeder = worker(pg_url, prefix, "-a", f"start={server.url('/')}", log=tmp_path / "seeder.log")
    other = worker(pg_url, prefix, log=tmp_path / "other.log")
    wait_for_pages(server, ARTICLES // 3)
    os.kill(other.pid, stop)
    other.wait(timeout=60)
    finish(seeder, tmp_path / "seeder.log")
    assert max(page_requests(server).values()) == 1


def test_a_worker_stopped_midway_leaves_the_shared_queue_to_the_others(
    site: tuple[SiteServer, list[str]], pg_url: str, redis_prefix: str, tmp_path: Path,
) -> None:
    server, _ = site
    start_and_stop_one_worker(server, pg_url, redis_prefix, tmp_path, signal.SIGINT)
    stored = stored_paths(pg_url)
    assert max(stored.values()) == 1
    assert len(stored) >= ARTICLES - 16, "at most the stopped worker's requests in flight are lost"


def test_when_a_worker_is_killed_the_other_finishes_and_a_rerun_recovers_what_it_had_taken(
    site: tuple[SiteServer, list[str]], pg_url: str, redis_prefix: str, tmp_path: Path,
) -> None:
    server, paths = site
    start_and_stop_one_worker(server, pg_url, redis_prefix, tmp_path, signal.SIGKILL)
    stored = stored_paths(pg_url)
    assert len(stored) > ARTICLES // 3 and max(stored.values()) == 1
    lost = set(paths) - set(stored)

    rerun = run_scrapy("crawl", "news", "-a", f"start={server.url('/')}", "-s", f"STORE_URL={pg_url}",
                       "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
                       "-s", "NEWSCLEAN_EXTRACTION_WORKERS=1", timeout=240)
    assert rerun.returncode == 0, rerun.stderr
    assert stored_paths(pg_url) == Counter(set(paths)), f"{len(lost)} pages taken by the killed worker"


def test_seeding_clears_an_interrupted_crawl_but_joins_a_live_one(redis_prefix: str) -> None:
    keys = crawl_keys(f"{redis_prefix}:%(spider)s", "news")
    first = SharedCrawl.connect(REDIS, keys, worker="first")
    second = SharedCrawl.connect(REDIS, keys, worker="second")
    first.seed({"start": "http://127.0.0.1:1/"})
    first.server.sadd(keys.dupefilter, "fingerprint")
    assert second.arguments() == {"start": "http://127.0.0.1:1/"}

    second.seed({"start": "http://127.0.0.1:2/"})
    assert not first.server.exists(keys.dupefilter), "nobody was working on it: a leftover"

    first.heartbeat()
    first.server.sadd(keys.dupefilter, "fingerprint")
    second.seed({"start": "http://127.0.0.1:2/"})
    assert first.server.exists(keys.dupefilter), "a live worker's crawl is joined, not cleared"

    second.heartbeat()
    assert not first.leave(finished=True), "another worker is still there"
    assert second.leave(finished=True)
    assert not first.server.exists(*keys.all())
