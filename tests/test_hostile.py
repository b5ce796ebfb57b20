"""The hostile web, end to end: the news spider crawls a site whose home page links to every kind of bad
response and crawler trap (tests/hostile_server.py), through the real Scrapy engine into a real store; plus the
safety of one-off fetches, the ports a crawl listens on, and records that cannot be stored.

Hosts: the hostile site runs on 127.0.0.1 and the crawl starts there, so it is allowed although it is loopback
(a start host may be anything). "Another host" is a second server on 127.0.0.2: loopback too but not a start
host, so both the crawl's host limits and the private-address rule keep requests away from it. `localhost` is a
name for 127.0.0.1 that is not a start host: a redirect to it is refused when the name is resolved, which is the
check that DNS rebinding cannot get around.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from newsclean.siteserver import SiteServer
from newsclean.store import open_store
from tests.conftest import FAST_CRAWL, ROOT, ScrapyRun, last_run_stats, run_scrapy, stored_records
from tests.hostile_server import ARTICLES, Hit, HostileSite
from tests.newssite import write_site

QUERY_VARIANTS = 10
NON_ARTICLE_DEPTH = 5
CRAWL_SETTINGS = (  # limits lower than the defaults, to keep the test short; the mechanisms are the same
    "-s", "DOWNLOAD_TIMEOUT=2",
    "-s", "NEWSCLEAN_EXTRACTION_TIMEOUT=5",
    "-s", f"NEWSCLEAN_QUERY_VARIANTS={QUERY_VARIANTS}",
    "-s", f"NEWSCLEAN_NON_ARTICLE_DEPTH={NON_ARTICLE_DEPTH}",
)
LATIN_1 = [path for path, article in ARTICLES.items() if article.body_encoding != "utf-8"]


@dataclass
class HostileCrawl:
    run: ScrapyRun
    records: dict[str, dict[str, Any]]
    stats: dict[str, Any]
    hits: list[Hit]
    outside_requested: list[str]

    def requested(self, path: str) -> int:
        return sum(1 for hit in self.hits if urlsplit(hit.path).path == path)


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    """Another host, which nothing in a crawl of the hostile site may reach."""
    root = tmp_path_factory.mktemp("outside")
    for name in ("story.html", "secret.html", "refreshed.html"):
        (root / name).write_text("<html><body><p>Another host.</p></body></html>", encoding="utf-8")
    with SiteServer(root, host="127.0.0.2") as server:
        yield server


@pytest.fixture(scope="module")
def hostile_crawl(outside: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> HostileCrawl:
    workdir = tmp_path_factory.mktemp("hostile")
    store, deadletter = workdir / "store.db", workdir / "deadletter.jsonl"
    with HostileSite(outside.base_url) as site:
        run = run_scrapy("crawl", "news", "-a", f"start={site.url('/')}", "-s", f"STORE_URL=sqlite:///{store}",
                         "-s", f"NEWSCLEAN_DEADLETTER_FILE={deadletter}", *FAST_CRAWL, *CRAWL_SETTINGS, timeout=300)
        hits = list(site.hits)
    (workdir / "crawl.log").write_text(run.stderr, encoding="utf-8")
    assert run.returncode == 0, run.stderr[-3000:]
    assert not deadletter.exists()
    return HostileCrawl(run, stored_records(store), last_run_stats(store), hits, outside.requested_paths())


def test_the_crawl_stores_the_real_articles_and_nothing_else(hostile_crawl: HostileCrawl) -> None:
    assert set(hostile_crawl.records) == set(ARTICLES)


@pytest.mark.parametrize("path", list(ARTICLES))
def test_each_article_is_stored_token_exact(hostile_crawl: HostileCrawl, path: str) -> None:
    record, article = hostile_crawl.records[path], ARTICLES[path]
    assert record["text"].split() == article.text.split()
    assert record["title"] == article.title


def test_latin_1_and_windows_1252_pages_keep_their_accents(hostile_crawl: HostileCrawl) -> None:
    texts = " ".join(hostile_crawl.records[path]["text"] for path in LATIN_1)
    for word in ("Saint-Étienne", "élus", "« C'est", "“On n’a", "1,20 €", "l’œuvre", "dimanche…"):
        assert word in texts
    assert "\ufffd" not in texts and "Ã" not in texts


def test_bad_responses_are_counted_by_reason_and_not_stored(hostile_crawl: HostileCrawl) -> None:
    stats = hostile_crawl.stats
    assert stats["newsclean/pages/rejected/not_html"] == 4  # PDF, JPEG, MP4, PNG bytes labelled text/html
    assert stats["newsclean/pages/rejected/empty_document"] == 1
    assert stats["newsclean/fetch/stopped_not_html"] >= 3  # the PDF, JPEG and MP4 bodies were not downloaded


def test_failed_fetches_are_counted_by_reason(hostile_crawl: HostileCrawl) -> None:
    failed = {k.rsplit("/", 1)[1]: v for k, v in hostile_crawl.stats.items() if k.startswith("newsclean/fetch/failed/")}
    assert failed["too_large"] == 3  # declared, streamed, and the gzip bomb
    assert failed["redirect_loop"] == 1
    assert failed["timeout"] == 2  # the stalled and the trickling server
    for status in (403, 404, 410, 500):
        assert failed[f"http_{status}"] == 1, status


def test_server_errors_are_retried_client_errors_are_not(hostile_crawl: HostileCrawl) -> None:
    assert hostile_crawl.requested("/junk/broken.html") == 3  # RETRY_TIMES = 2
    assert hostile_crawl.requested("/articles/flaky.html") == 2  # a 503, then the article
    assert hostile_crawl.requested("/junk/missing.html") == 1


def test_a_pathological_page_is_abandoned_and_its_worker_replaced(hostile_crawl: HostileCrawl) -> None:
    assert hostile_crawl.stats["newsclean/pages/rejected/extraction_timeout"] == 1
    assert hostile_crawl.stats["newsclean/extraction/workers_replaced"] >= 1


def test_no_request_leaves_the_crawl(hostile_crawl: HostileCrawl) -> None:
    assert hostile_crawl.outside_requested == []
    assert {hit.host.rsplit(":", 1)[0] for hit in hostile_crawl.hits} == {"127.0.0.1"}
    assert hostile_crawl.stats["offsite/filtered"] >= 4  # redirect and refresh to 127.0.0.2, localhost, metadata


def test_crawler_traps_are_cut_off(hostile_crawl: HostileCrawl) -> None:
    stats = hostile_crawl.stats
    assert stats["newsclean/traps/non_article_depth"] >= 3  # pagination, path calendar, growing relative link
    assert stats["newsclean/traps/query_variants"] >= 2  # query calendar, facets
    assert hostile_crawl.requested("/calendar") == QUERY_VARIANTS
    assert hostile_crawl.requested("/shop") == QUERY_VARIANTS
    assert hostile_crawl.requested("/list") == NON_ARTICLE_DEPTH
    assert sum(1 for hit in hostile_crawl.hits if hit.path.startswith("/loop/")) == NON_ARTICLE_DEPTH
    assert sum(1 for hit in hostile_crawl.hits if hit.path.startswith("/archive/")) <= 2 * NON_ARTICLE_DEPTH


def test_tracking_and_session_parameters_never_make_duplicates(hostile_crawl: HostileCrawl) -> None:
    assert [hit.path for hit in hostile_crawl.hits if "tracked" in hit.path] == ["/articles/tracked.html"]
    assert [hit.path for hit in hostile_crawl.hits if hit.path.startswith("/session/")] == ["/session/"]


def test_a_one_off_fetch_reaches_what_the_user_names_and_no_private_address_behind_it(
    outside: SiteServer, tmp_path: Path
) -> None:
    store = tmp_path / "store.db"
    with HostileSite(outside.base_url) as site:
        to_localhost, to_metadata = site.url("/junk/to-localhost.html"), site.url("/junk/to-metadata.html")
        run = run_scrapy("article", to_localhost, to_metadata, outside.url("/story.html"),
                         "-s", f"STORE_URL=sqlite:///{store}", *FAST_CRAWL)
        hosts = {hit.host.rsplit(":", 1)[0] for hit in site.hits}
    errors = dict(line.removeprefix("newsclean: ").split(": not fetched: ", 1) for line in run.stderr.splitlines()
                  if ": not fetched: " in line)
    assert run.returncode == 1
    assert "localhost resolves to 127.0.0.1, not a public address" in errors[to_localhost]
    assert "169.254.169.254 is not a public address" in errors[to_metadata]
    assert hosts == {"127.0.0.1"}
    assert "/story.html" in outside.requested_paths()  # 127.0.0.2 is loopback too, but the user named it
    assert last_run_stats(store)["newsclean/blocked/private_address"] >= 2


def listening_ports(pid: int) -> set[int]:
    """TCP ports in LISTEN state on sockets held by the process or its children."""
    inodes = {link.removeprefix("socket:[").removesuffix("]") for process in [pid, *_children(pid)]
              for link in _fd_links(process) if link.startswith("socket:[")}
    ports = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def _fd_links(pid: int) -> list[str]:
    links = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            links.append(os.readlink(fd))
        except OSError:
            continue
    return links


def _children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def ports_during_a_crawl(site: HostileSite, tmp_path: Path, *settings: str) -> set[int]:
    """Start a one-off fetch of the stalled page, and read the ports it listens on while it waits."""
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "article", site.url("/junk/slow.html"), "-s", "DOWNLOAD_TIMEOUT=120",
         "-s", f"STORE_URL=sqlite:///{tmp_path / 'store.db'}", "-s", f"REMOTE_CONTROL_JOBS_DIR={tmp_path}", *settings],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while "/junk/slow.html" not in site.paths() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
        assert "/junk/slow.html" in site.paths(), "the crawl never reached the stalled page"
        return listening_ports(process.pid)
    finally:
        process.kill()
        process.wait()


def test_a_crawl_listens_on_no_port(outside: SiteServer, tmp_path: Path) -> None:
    with HostileSite(outside.base_url) as site:
        assert ports_during_a_crawl(site, tmp_path) == set()


def test_turning_remote_control_on_opens_a_port(outside: SiteServer, tmp_path: Path) -> None:
    """The control for the test above: the port detection does see Scrapy's remote-control server."""
    with HostileSite(outside.base_url) as site:
        assert len(ports_during_a_crawl(site, tmp_path, "-s", "REMOTE_CONTROL_ENABLED=True")) == 1


@pytest.fixture
def failing_store(tmp_path: Path) -> Path:
    """A store whose article writes all fail, as on a full disk."""
    path = tmp_path / "store.db"
    open_store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TRIGGER refuse BEFORE INSERT ON articles BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    return path


def crawl_into(store: Path, tmp_path: Path, deadletter: Path) -> tuple[ScrapyRun, list[str]]:
    """Crawl a small site of three articles; returns the run and the article paths."""
    paths = write_site(tmp_path / "site", 3)
    with SiteServer(tmp_path / "site") as site:
        run = run_scrapy("crawl", "news", "-a", f"start={site.url('/')}", "-s", f"STORE_URL=sqlite:///{store}",
                         "-s", f"NEWSCLEAN_DEADLETTER_FILE={deadletter}", *FAST_CRAWL)
    return run, paths


def test_records_that_cannot_be_stored_go_to_the_dead_letter_file(failing_store: Path, tmp_path: Path) -> None:
    deadletter = tmp_path / "dead" / "letters.jsonl"
    run, paths = crawl_into(failing_store, tmp_path, deadletter)
    letters = [json.loads(line) for line in deadletter.read_text(encoding="utf-8").splitlines()]
    assert run.returncode == 1
    assert sorted(urlsplit(letter["record"]["url"]).path for letter in letters) == paths
    assert all("disk full" in letter["error"] and letter["record"]["text"] for letter in letters)
    assert "newsclean: 3 records were not stored (3 dead-lettered" in run.stderr
    assert stored_records(failing_store) == {}
    stats = last_run_stats(failing_store)
    assert not [key for key in stats if key.startswith(("newsclean/traps/", "newsclean/blocked/"))]  # a normal site


def test_records_lost_make_the_crawl_fail(failing_store: Path, tmp_path: Path) -> None:
    run, _ = crawl_into(failing_store, tmp_path, tmp_path)  # a directory: the dead letters cannot be written
    assert run.returncode == 1
    assert last_run_stats(failing_store)["newsclean/records/lost"] == 3
    assert "Record lost: " in run.stderr
