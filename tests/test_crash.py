"""A crawl killed with SIGKILL in the middle, then run again: every article once, nothing half-written."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from newsclean.record import content_hash
from newsclean.siteserver import SiteServer
from tests.conftest import FAST_CRAWL, ROOT, run_scrapy
from tests.newssite import write_site

ARTICLES = 40
KILL_AFTER = 5  # stored articles
# One request at a time with a pause between them, so the kill lands in the middle of the crawl.
SLOW_CRAWL = ("-s", "DOWNLOAD_DELAY=0.1", "-s", "RANDOMIZE_DOWNLOAD_DELAY=False", "-s", "CONCURRENT_REQUESTS=1")
SAFETY_BOUND = 120.0  # seconds; only so that a broken crawl cannot hang the test


def stored_count(db: Path) -> int:
    try:
        with sqlite3.connect(db) as connection:
            return int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def crawl_and_kill(start: str, store: Path, log: Path) -> None:
    """Start a crawl in its own process group and SIGKILL all of it once KILL_AFTER articles are stored."""
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"start={start}",
             "-s", f"STORE_URL=sqlite:///{store}", *FAST_CRAWL, *SLOW_CRAWL],
            cwd=ROOT, stdout=output, stderr=output, start_new_session=True,
        )
        deadline = time.monotonic() + SAFETY_BOUND
        while stored_count(store) < KILL_AFTER and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL, log.read_text(encoding="utf-8")[-3000:]


def test_a_killed_crawl_resumes_and_stores_every_article_once(tmp_path: Path) -> None:
    articles = set(write_site(tmp_path / "site", ARTICLES))
    store = tmp_path / "store.db"
    with SiteServer(tmp_path / "site") as site:
        crawl_and_kill(site.url("/"), store, tmp_path / "killed.log")
        with sqlite3.connect(store) as db:
            before = {url.removeprefix(site.base_url) for (url,) in db.execute("SELECT url FROM articles")}
        assert KILL_AFTER <= len(before) < ARTICLES
        site.clear_log()
        rerun = run_scrapy("crawl", "news", "-a", f"start={site.url('/')}", "-s", f"STORE_URL=sqlite:///{store}",
                           *FAST_CRAWL)
        assert rerun.returncode == 0, rerun.stderr[-3000:]
        requested = [path for path in site.requested_paths() if path.startswith("/articles/")]
    assert sorted(requested) == sorted(articles - before)  # the rest, each once; nothing stored is fetched again
    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = db.execute("SELECT url, version, content_hash, record FROM articles").fetchall()
        history = db.execute("SELECT count(*) FROM article_history").fetchone()[0]
        runs = db.execute("SELECT finish_reason FROM crawl_runs ORDER BY id").fetchall()
    assert sorted(url.removeprefix(site.base_url) for url, *_ in rows) == sorted(articles)
    assert history == 0 and {version for _, version, _, _ in rows} == {1}
    for url, _, stored_hash, payload in rows:
        record = json.loads(payload)
        assert record["url"] == url and record["title"] and record["content_hash"] == stored_hash
        assert content_hash(record["text"]) == stored_hash
    assert runs == [("unfinished",), ("finished",)]  # the killed run shows as such in `scrapy report`
