"""Extraction runs in worker processes: the event loop that drives the crawl stays free meanwhile."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

from newsclean.extraction import DEFAULT_CONFIG
from newsclean.page import analyse_page
from newsclean.record import ArticleRecord
from newsclean.workers import AnalysisPool
from tests.conftest import ROOT

PARAGRAPH = "<p>" + " ".join(f"word{i} of a long sentence in the article body." for i in range(30)) + "</p>"
HEAVY_PAGE = (
    "<html><head><title>Heavy</title><meta property='og:type' content='article'></head><body><article>"
    + "".join(f"<div><h2>Part {i}</h2>{PARAGRAPH * 3}<a href='/x{i}'>link {i}</a></div>" for i in range(400))
    + "</article></body></html>"
)


async def ticks_while_analysing(pool: AnalysisPool) -> tuple[int, float, ArticleRecord | object]:
    ticks = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0.01)

    task = asyncio.create_task(ticker())
    started = time.perf_counter()
    analysis = await pool.analyse(HEAVY_PAGE, "https://n.example/2026/heavy.html", None, "link")
    elapsed = time.perf_counter() - started
    done.set()
    await task
    return ticks, elapsed, analysis.outcome


def test_the_loop_keeps_running_while_a_worker_extracts() -> None:
    pool = AnalysisPool(workers=1, config=DEFAULT_CONFIG, timeout=60)
    pool.start()
    try:
        ticks, elapsed, outcome = asyncio.run(ticks_while_analysing(pool))
    finally:
        pool.close()
    assert isinstance(outcome, ArticleRecord)
    assert ticks >= max(5, 0.25 * elapsed / 0.01), f"the loop ticked {ticks} times in {elapsed:.2f} s"


def test_worker_result_equals_in_process_extraction() -> None:
    pool = AnalysisPool(workers=1, config=DEFAULT_CONFIG, timeout=60)
    pool.start()
    try:
        remote = asyncio.run(pool.analyse(HEAVY_PAGE, "https://n.example/2026/heavy.html", None, "link"))
    finally:
        pool.close()
    local = analyse_page(HEAVY_PAGE, "https://n.example/2026/heavy.html")
    assert isinstance(remote.outcome, ArticleRecord) and isinstance(local.outcome, ArticleRecord)
    assert remote.outcome.text == local.outcome.text
    assert remote.links == local.links and len(remote.links) == 400


def test_malformed_links_are_skipped_not_fatal() -> None:
    html = ('<html><head><base href="http://[::1"><link rel="alternate" type="application/rss+xml" '
            'href="http://[bad/feed"></head><body><a href="http://[::1/y">bad</a><a href="/ok">ok</a></body></html>')
    analysis = analyse_page(html, "https://n.example/2026/story.html")
    assert analysis.links == ["https://n.example/ok"]
    assert analysis.feeds == []


CYRILLIC_PAGE = (
    "<html><head><title>Новости</title><meta property='og:type' content='article'></head><body><article>"
    + "<p>" + "Городской совет утвердил новый бюджет на следующий год после долгого обсуждения. " * 12 + "</p>"
    + "</article></body></html>"
)


def test_a_page_given_as_bytes_is_decoded_in_the_worker_by_its_content_type() -> None:
    pool = AnalysisPool(workers=1, config=DEFAULT_CONFIG, timeout=60)
    pool.start()
    try:
        analysis = asyncio.run(pool.analyse(
            CYRILLIC_PAGE.encode("windows-1251"), "https://n.example/2026/budget.html", None, "link",
            content_type="text/html; charset=windows-1251",
        ))
    finally:
        pool.close()
    assert isinstance(analysis.outcome, ArticleRecord)
    assert "Городской совет утвердил новый бюджет" in analysis.outcome.text
    assert analysis.outcome.language == "ru"


def test_the_pool_starts_its_workers_and_no_other_process() -> None:
    before = {child.pid for child in psutil.Process().children(recursive=True)}
    pool = AnalysisPool(workers=2, config=DEFAULT_CONFIG, timeout=60)
    pool.start()
    try:
        asyncio.run(pool.analyse(HEAVY_PAGE, "https://n.example/2026/heavy.html", None, "link"))
        started = {child.pid for child in psutil.Process().children(recursive=True)} - before
        workers = set(pool.pids)
    finally:
        pool.close()
    assert len(workers) == 2 and started == workers


PROGRAM = """
import asyncio
import sys

with open(sys.argv[1], "a", encoding="utf-8") as runs:
    runs.write("ran\\n")

from newsclean.extraction import DEFAULT_CONFIG
from newsclean.workers import AnalysisPool

if __name__ == "__main__":
    pool = AnalysisPool(workers=2, config=DEFAULT_CONFIG, timeout=60)
    pool.start()
    try:
        page = open(sys.argv[2], encoding="utf-8").read()
        analysis = asyncio.run(pool.analyse(page, "https://n.example/2026/heavy.html", None, "link"))
    finally:
        pool.close()
    print(type(analysis.outcome).__name__)
"""


def test_workers_do_not_run_the_program_that_started_them_again(tmp_path: Path) -> None:
    """Like the `scrapy` script: a multiprocessing worker would run the program's top level again, importing
    all it imports (Scrapy) into each worker."""
    program, runs, page = tmp_path / "crawl_program.py", tmp_path / "runs.txt", tmp_path / "page.html"
    program.write_text(PROGRAM, "utf-8")
    page.write_text(HEAVY_PAGE, "utf-8")
    completed = subprocess.run(
        [sys.executable, str(program), str(runs), str(page)], capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "ArticleRecord"
    assert runs.read_text("utf-8") == "ran\n"
