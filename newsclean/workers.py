"""A pool of worker processes for page analysis, awaitable from the crawl's asyncio loop."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from typing import Any, TypeVar
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from newsclean.extraction import ExtractionConfig, Rejection, RejectionReason, SiteProfile
from newsclean.page import PageAnalysis, analyse_page
from newsclean.record import DiscoveredVia

T = TypeVar("T")
R = TypeVar("R")

logger = logging.getLogger(__name__)


def default_worker_count() -> int:
    return os.cpu_count() or 1


def bounded_map(
    executor: Executor, function: Callable[..., R], items: Iterable[T], *args: Any, window: int
) -> Iterator[tuple[T, R]]:
    """executor.map() in input order, with at most `window` items in flight, so a huge input streams."""
    pending: deque[tuple[T, Future[R]]] = deque()
    for item in items:
        pending.append((item, executor.submit(function, item, *args)))
        if len(pending) >= window:
            first, future = pending.popleft()
            yield first, future.result()
    while pending:
        first, future = pending.popleft()
        yield first, future.result()


class AnalysisPool:
    """Runs analyse_page() in child processes so the reactor keeps fetching.

    Workers start with "forkserver", never by forking the running reactor.
    """

    def __init__(self, workers: int, config: ExtractionConfig, timeout: float) -> None:
        if workers < 1:
            raise ValueError("an analysis pool needs at least one worker")
        self.workers = workers
        self.config = config
        self.timeout = timeout
        self._executor: ProcessPoolExecutor | None = None

    def start(self) -> None:
        context = multiprocessing.get_context("forkserver")
        self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    async def analyse(
        self, html: str, url: str, site: SiteProfile | None, discovered_via: DiscoveredVia
    ) -> PageAnalysis:
        """Analyse one page; a page that takes longer than the timeout is abandoned as a rejection."""
        if self._executor is None:
            raise RuntimeError("AnalysisPool.start() was not called")
        future = self._executor.submit(analyse_page, html, url, site, config=self.config, discovered_via=discovered_via)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except TimeoutError:
            logger.warning("Extraction of %s took over %.0f s; abandoned", url, self.timeout)
            return PageAnalysis(Rejection(url, RejectionReason.EXTRACTION_TIMEOUT))
        except BrokenProcessPool:
            logger.error("An extraction worker died on %s; restarting the pool", url)
            self.close()
            self.start()
            return PageAnalysis(Rejection(url, RejectionReason.UNPARSABLE, "worker crashed"))
