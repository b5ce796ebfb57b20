"""Extraction runs in worker processes: the event loop that drives the crawl stays free meanwhile."""

from __future__ import annotations

import asyncio
import time

from newsclean.extraction import DEFAULT_CONFIG
from newsclean.page import analyse_page
from newsclean.record import ArticleRecord
from newsclean.workers import AnalysisPool

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
