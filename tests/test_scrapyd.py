"""The project deploys to Scrapyd with scrapyd-deploy, and its news spider runs there.

A real Scrapyd on 127.0.0.1 (its own folder, a free port), a real egg built by scrapyd-deploy from
a copy of the project, and a crawl of a generated local site into an absolute SQLite store.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsclean.siteserver import SiteServer
from tests.conftest import ROOT, stored_records
from tests.newssite import write_site

DEPLOYED = ("setup.py", "pyproject.toml", "settings.py", "spiders", "pipelines", "commands", "extensions",
            "middlewares", "frontier", "newsclean")
SAFETY_BOUND = 120.0  # seconds; only so that a broken Scrapyd cannot hang the test
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_env() -> dict[str, str]:
    """No PYTHONPATH: Scrapyd must run the code in the egg, not the working tree's."""
    return {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}


def api(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=60) as response:
        return dict(json.loads(response.read()))


def wait_until(check: Any, what: str) -> Any:
    deadline = time.monotonic() + SAFETY_BOUND
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[str]:
    folder = tmp_path / "scrapyd"
    folder.mkdir()
    port = free_port()
    (folder / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.2\n"
        f"eggs_dir = {folder}/eggs\nlogs_dir = {folder}/logs\ndbs_dir = {folder}/dbs\nitems_dir =\n",
        encoding="utf-8",
    )
    with open(folder / "scrapyd.out", "wb") as output:
        process = subprocess.Popen([str(BIN / "scrapyd")], cwd=folder, env=clean_env(), stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _answers(base), "Scrapyd to listen")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _answers(base: str) -> bool:
    try:
        return api(base, "daemonstatus.json")["status"] == "ok"
    except OSError:  # not listening yet, or too busy to answer
        return False


def deploy(project: Path, base: str) -> None:
    """scrapyd-deploy from a copy of the project whose scrapy.cfg names this Scrapyd."""
    for name in DEPLOYED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy(source, project / name)
    config = f"[settings]\ndefault = settings\n\n[deploy]\nurl = {base}/\nproject = newsclean\n"
    (project / "scrapy.cfg").write_text(config, encoding="utf-8")
    run = subprocess.run([str(BIN / "scrapyd-deploy"), "--version", "1"], cwd=project, env=clean_env(),
                         capture_output=True, text=True, timeout=SAFETY_BOUND, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert '"status": "ok"' in run.stdout + run.stderr


def test_the_news_spider_runs_under_scrapyd(scrapyd: str, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    deploy(project, scrapyd)
    assert api(scrapyd, "listspiders.json?project=newsclean")["spiders"] == ["article", "news"]
    articles = write_site(tmp_path / "site", 6)
    store, sources = tmp_path / "store.db", tmp_path / "sources.toml"
    with SiteServer(tmp_path / "site") as site:
        sources.write_text(f'[sources.ledger]\nstart_urls = ["{site.url("/")}"]\n', encoding="utf-8")
        job = api(scrapyd, "schedule.json", [
            ("project", "newsclean"), ("spider", "news"), ("source", "ledger"),
            ("setting", f"NEWSCLEAN_SOURCES_FILE={sources}"), ("setting", f"STORE_URL=sqlite:///{store}"),
            ("setting", "NEWSCLEAN_EXTRACTION_WORKERS=1"), ("setting", "AUTOTHROTTLE_ENABLED=False"),
            ("setting", "DOWNLOAD_DELAY=0"),
        ])["jobid"]
        wait_until(lambda: _finished(scrapyd, job), "the Scrapyd job to finish")
    assert sorted(stored_records(store)) == sorted(articles)
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT source, finish_reason FROM crawl_runs").fetchall() == [("ledger", "finished")]
    log = (tmp_path / "scrapyd" / "logs" / "newsclean" / "news" / f"{job}.log").read_text(encoding="utf-8")
    assert "newsclean report: 127.0.0.1" in log, log[-3000:]
    assert (tmp_path / "scrapyd" / "eggs" / "newsclean" / "1.egg").is_file()  # the code ran from the egg


def _finished(base: str, job: str) -> dict[str, Any] | None:
    jobs = api(base, "listjobs.json?project=newsclean")
    return next((entry for entry in jobs["finished"] if entry["id"] == job), None)
