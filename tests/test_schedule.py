"""sources.toml, `scrapy crawl news -a source=NAME`, `scrapy schedule [--once]` and `scrapy report`."""

from __future__ import annotations

import fcntl
import itertools
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.exceptions import UsageError
from scrapy.utils.test import get_crawler

from newsclean.scheduler import Slot
from newsclean.siteserver import SiteServer
from newsclean.sources import Source, SourcesError, load_sources
from spiders.news import NewsSpider
from tests.conftest import FAST_CRAWL, ROOT, ScrapyRun, run_scrapy
from tests.newssite import write_site

YEARLY = "0 0 1 1 *"
EVERY_SECOND = "* * * * * *"  # croniter's sixth field: seconds
SAFETY_BOUND = 150.0  # seconds; only so that a broken scheduler cannot hang the test


def test_the_example_sources_file_is_valid() -> None:
    sources = load_sources(ROOT / "sources.example.toml")
    gazette = sources["harbor-gazette"]
    assert gazette.start_urls == ("https://news.example/",) and gazette.page_budget == 500
    assert gazette.schedule == "15 * * * *" and gazette.settings["DOWNLOAD_DELAY"] == 1.0
    assert sources["river-times"].feeds == ()


@pytest.mark.parametrize(("table", "message"), [
    ('schedule = "0 * * * *"', "start_urls is required"),
    ('start_urls = ["https://a.example/"]\nschedule = "every hour"', "not a cron expression"),
    ('start_urls = ["https://a.example/"]\npage_budget = 0', "page_budget must be a positive integer"),
    ('start_urls = ["ftp://a.example/"]', "not an http(s) URL"),
    ('start_urls = ["https://a.example/"]\nschedul = "0 * * * *"', "unknown keys schedul"),
    ('start_urls = ["https://a.example/"]\nsettings = {download_delay = 1}', "UPPER_CASE"),
])
def test_a_bad_source_is_named_with_what_is_wrong(tmp_path: Path, table: str, message: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(f"[sources.gazette]\n{table}\n", encoding="utf-8")
    with pytest.raises(SourcesError, match=r"sources\.toml: source 'gazette': .*" + message.replace("(", r"\(")
                       .replace(")", r"\)")):
        load_sources(path)


def test_a_source_is_due_once_a_slot_has_passed_since_its_last_start() -> None:
    source = Source("a", ("https://a.example/",), schedule="0 * * * *")
    slot = Slot(source, last_start=datetime(2026, 11, 27, 6, 30, tzinfo=UTC))
    assert not slot.due(datetime(2026, 11, 27, 6, 59, 59, tzinfo=UTC))
    assert slot.due(datetime(2026, 11, 27, 7, 0, tzinfo=UTC))
    assert Slot(source, last_start=None).due(datetime(2026, 11, 27, 6, 31, tzinfo=UTC))  # never crawled


@dataclass
class Project:
    """Two local sites, a sources file naming them, and the files a scheduler run uses."""

    folder: Path
    sites: dict[str, SiteServer]
    articles: dict[str, list[str]]

    @property
    def sources_file(self) -> Path:
        return self.folder / "sources.toml"

    @property
    def store(self) -> Path:
        return self.folder / "store.db"

    def settings(self) -> list[str]:
        return ["-s", f"NEWSCLEAN_SOURCES_FILE={self.sources_file}", "-s", f"STORE_URL=sqlite:///{self.store}",
                "-s", f"NEWSCLEAN_SCHEDULE_DIR={self.folder / 'schedule'}", *FAST_CRAWL]

    def write_sources(self, schedules: dict[str, str], extra: str = "") -> None:
        tables = [f'[sources.{name}]\nstart_urls = ["{self.sites[name].url("/")}"]\nschedule = "{schedule}"\n'
                  f"page_budget = 50\n" for name, schedule in schedules.items()]
        self.sources_file.write_text("\n".join(tables) + extra, encoding="utf-8")

    def runs(self, source: str) -> list[tuple[str, str, str]]:
        with sqlite3.connect(self.store) as db:
            return db.execute("SELECT started_at, finished_at, finish_reason FROM crawl_runs WHERE source = ?"
                              " ORDER BY id", (source,)).fetchall()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    folder = tmp_path_factory.mktemp("schedule")
    articles = {"gazette": write_site(folder / "gazette", 4), "ledger": write_site(folder / "ledger", 3)}
    with SiteServer(folder / "gazette") as gazette, SiteServer(folder / "ledger", host="127.0.0.2") as ledger:
        yield Project(folder, {"gazette": gazette, "ledger": ledger}, articles)


@dataclass
class OnceRun:
    run: ScrapyRun
    requested: dict[str, list[str]]


def write_once_sources(project: Project) -> None:
    """Both sources yearly; the ledger also names a sitemap robots.txt does not, and probes no feed paths."""
    archive = project.sites["ledger"].url("/archive.xml")
    project.write_sources({"gazette": YEARLY, "ledger": YEARLY}, extra=(
        f'sitemaps = ["{archive}"]\n[sources.ledger.settings]\nNEWSCLEAN_FEED_PATHS = []\n'))


@pytest.fixture(scope="module")
def first_once(project: Project) -> OnceRun:
    shutil.copy(project.folder / "ledger" / "sitemap.xml", project.folder / "ledger" / "archive.xml")
    write_once_sources(project)
    run = run_scrapy("schedule", "--once", *project.settings())
    return OnceRun(run, {name: site.requested_paths() for name, site in project.sites.items()})


def test_schedule_once_crawls_every_due_source(project: Project, first_once: OnceRun) -> None:
    assert first_once.run.returncode == 0, first_once.run.stderr[-3000:]
    with sqlite3.connect(project.store) as db:
        urls = sorted(url for (url,) in db.execute("SELECT url FROM articles"))
    expected = [site.url(path) for name, site in project.sites.items() for path in project.articles[name]]
    assert urls == sorted(expected)
    assert [reason for *_, reason in project.runs("gazette")] == ["finished"]
    assert [reason for *_, reason in project.runs("ledger")] == ["finished"]
    log = (project.folder / "schedule" / "logs" / "gazette.log").read_text(encoding="utf-8")
    assert "newsclean report: 127.0.0.1" in log


def test_each_source_crawls_with_its_own_sitemaps_and_settings(first_once: OnceRun) -> None:
    feed_probes = {"/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml"}
    assert "/archive.xml" in first_once.requested["ledger"]
    assert not feed_probes & set(first_once.requested["ledger"])  # NEWSCLEAN_FEED_PATHS = [] for the ledger
    assert feed_probes <= set(first_once.requested["gazette"])  # the project's setting for the gazette


def test_schedule_once_starts_nothing_before_the_next_slot(project: Project, first_once: OnceRun) -> None:
    write_once_sources(project)
    for site in project.sites.values():
        site.clear_log()
    again = run_scrapy("schedule", "--once", *project.settings())
    assert again.returncode == 0, again.stderr[-3000:]
    assert "No source is due" in again.stderr
    assert all(site.requested_paths() == [] for site in project.sites.values())
    assert len(project.runs("gazette")) == 1


def test_report_prints_the_runs_of_a_source(project: Project, first_once: OnceRun) -> None:
    report = run_scrapy("report", "--source", "ledger", *project.settings())
    assert report.returncode == 0, report.stderr[-3000:]
    header, host = report.stdout.splitlines()
    assert "source ledger" in header and "(finished)" in header
    assert host.strip().startswith(f"127.0.0.2:{project.sites['ledger'].port}: ")
    assert "articles 3 new / 0 updated / 0 unchanged" in host and "empty body 0%" in host


def test_an_unknown_source_stops_the_crawl_before_it_starts(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text('[sources.a]\nstart_urls = ["https://a.example/"]\n', encoding="utf-8")
    crawler = get_crawler(NewsSpider, settings_dict={"NEWSCLEAN_SOURCES_FILE": str(path)})
    with pytest.raises(UsageError, match="no source named 'nosuch'; known: a"):
        NewsSpider.from_crawler(crawler, source="nosuch")


def broken_source(project: Project) -> str:
    """A source whose crawl cannot start: one of its settings names a pipeline that does not exist."""
    return (f'\n[sources.broken]\nstart_urls = ["{project.sites["ledger"].url("/")}"]\nschedule = "{EVERY_SECOND}"\n'
            '[sources.broken.settings]\nITEM_PIPELINES = { "pipelines.nosuch.Missing" = 300 }\n')


def test_schedule_once_skips_a_locked_source_and_fails_with_a_failed_crawl(project: Project,
                                                                          first_once: OnceRun) -> None:
    project.write_sources({"gazette": EVERY_SECOND}, extra=broken_source(project))
    with open(project.folder / "schedule" / "gazette.lock", "wb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a crawl of the gazette started elsewhere would
        run = run_scrapy("schedule", "--once", *project.settings())
    assert run.returncode == 1, run.stderr[-3000:]
    assert "Crawl of gazette is still running elsewhere" in run.stderr
    assert len(project.runs("gazette")) == 1
    assert "Crawl of broken failed (exit status 1" in run.stderr


def test_schedule_runs_until_sigterm_without_overlap_and_retries_failures(project: Project,
                                                                          first_once: OnceRun) -> None:
    project.write_sources({"gazette": EVERY_SECOND}, extra=broken_source(project))
    before = len(project.runs("gazette"))
    scheduler_log = project.folder / "scheduler.log"
    with open(scheduler_log, "wb") as output:
        scheduler = subprocess.Popen([sys.executable, "-m", "scrapy", "schedule", *project.settings()], cwd=ROOT,
                                     stdout=output, stderr=output)
        try:
            wait_for(lambda: second_crawl_started(project.runs("gazette")[before:])
                     and scheduler_log.read_text(encoding="utf-8").count("Crawl of broken failed") >= 2)
        finally:
            scheduler.send_signal(signal.SIGTERM)
            scheduler.wait(timeout=SAFETY_BOUND)
    log = scheduler_log.read_text(encoding="utf-8")
    assert scheduler.returncode == 0, log[-3000:]
    assert "Crawl of gazette is still running; its" in log  # slots that came during a crawl were skipped
    runs = project.runs("gazette")[before:]
    for previous, following in itertools.pairwise(runs):
        assert following[0] >= previous[1], runs  # each crawl started after the one before had finished
    assert runs[-1][2] in ("finished", "shutdown"), runs  # the crawl running at SIGTERM stopped cleanly


def second_crawl_started(runs: list[tuple[str, str, str]]) -> bool:
    return len(runs) >= 2 and runs[0][2] != "unfinished"


def wait_for(check: object) -> None:
    assert callable(check)
    deadline = time.monotonic() + SAFETY_BOUND
    while not check():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.2)
