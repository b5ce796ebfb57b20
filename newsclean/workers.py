"""A pool of worker processes for page analysis, awaitable from the crawl's asyncio loop.

Each worker analyses one page at a time. A page that takes longer than the timeout is abandoned for real:
its worker is killed and a fresh one takes its place, so a pathological page never keeps a CPU busy.

A worker is a fresh interpreter, `python -m newsclean.workers FD`, talking to the pool over a socket pair:
unlike multiprocessing's start methods, this leaves no forkserver or resource tracker process beside the
workers, never forks the running reactor, and never re-imports the program that started the crawl (the
`scrapy` script, and Scrapy with it). After each page a worker hands the heap memory the page freed back to
the system (glibc's malloc_trim), so its RSS stays near what it uses.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import os
import signal
import subprocess
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from newsclean.encoding import decode_html
from newsclean.extraction import ExtractionConfig, Rejection, RejectionReason, SiteProfile
from newsclean.page import PageAnalysis, analyse_page
from newsclean.record import DiscoveredVia

T = TypeVar("T")
R = TypeVar("R")

logger = logging.getLogger(__name__)

WORKER_MODULE = "newsclean.workers"  # run as `python -m` in each worker
STOP_GRACE_SECONDS = 2.0
START_TIMEOUT_SECONDS = 120.0
START_ATTEMPTS = 3
READY = "ready"
# A real article without declared language or date, so that the first page loads what extraction loads lazily
# (date search, language identification), and no real page is billed for it.
_WARM_UP_SENTENCE = "The first page a worker analyses loads the models that extraction only loads when it needs them. "
WARM_UP_PAGE = (
    '<html><head><title>Warm-up</title><meta property="og:type" content="article"></head>'
    "<body><article><h1>Warm-up</h1>"
    + f"<p>{_WARM_UP_SENTENCE * 4}</p>" * 3
    + "</article></body></html>"
)


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


def serve(connection: Connection) -> None:
    """A worker's main loop: warm up (so lazy loading is not billed to a page), say it is ready, then analyse
    each page received until the pool closes the connection."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _analyse_safely(WARM_UP_PAGE, None, "https://warm-up.invalid/", None, ExtractionConfig(), "file")
    release_free_memory()
    try:
        connection.send(READY)
        while True:
            analysis = _analyse_safely(*connection.recv())
            release_free_memory()
            connection.send(analysis)
    except (EOFError, OSError):  # the pool closed the socket
        return


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim(), None with another C library."""
    return getattr(ctypes.CDLL(None), "malloc_trim", None)


_MALLOC_TRIM = _malloc_trim()


def release_free_memory() -> None:
    """Give the heap's free pages back to the system. A page's parse trees and strings are freed between
    blocks still in use, where the heap cannot shrink by itself: without this a worker's RSS keeps ~20 MB of
    freed memory."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def _analyse_safely(
    page: str | bytes, content_type: str | None, url: str, site: SiteProfile | None, config: ExtractionConfig,
    via: DiscoveredVia,
) -> PageAnalysis:
    try:
        html = page if isinstance(page, str) else decode_html(page, content_type)
        return analyse_page(html, url, site, config=config, discovered_via=via)
    except Exception as error:  # any page gives a record or a rejection, never a dead worker
        return PageAnalysis(Rejection(url, RejectionReason.UNPARSABLE, f"{type(error).__name__}: {error}"[:300]))


class WorkerLost(Exception):
    """No worker could be started."""


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes]
    connection: Connection
    ready: bool = False

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, kill: bool) -> None:
        self.connection.close()
        if kill:
            self.process.kill()
        try:
            self.process.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class AnalysisPool:
    """Runs analyse_page() in child processes so the reactor keeps fetching.

    `replaced` counts the workers killed for overrunning the timeout or found dead.
    """

    def __init__(self, workers: int, config: ExtractionConfig, timeout: float) -> None:
        if workers < 1:
            raise ValueError("an analysis pool needs at least one worker")
        self.workers = workers
        self.config = config
        self.timeout = timeout
        self.replaced = 0
        self._running = False
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()

    def start(self) -> None:
        self._running = True
        for _ in range(self.workers):
            self._idle.put_nowait(self._spawn())

    def close(self) -> None:
        """Stop every worker; one still analysing a page is killed."""
        idle = set()
        while not self._idle.empty():
            idle.add(self._idle.get_nowait())
        for worker in self._all:
            worker.stop(kill=worker not in idle)
        self._all.clear()
        self._running = False

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return [w.process.pid for w in self._all if w.process.pid is not None]

    async def analyse(
        self, page: str | bytes, url: str, site: SiteProfile | None, discovered_via: DiscoveredVia,
        content_type: str | None = None,
    ) -> PageAnalysis:
        """Analyse one page; a page that takes longer than the timeout is abandoned as a rejection.

        The page is its text, or the bytes fetched and their Content-Type, which the worker decodes
        (newsclean.encoding): then the reactor holds a waiting page once, as the response's body."""
        if not self._running:
            raise RuntimeError("AnalysisPool.start() was not called")
        worker = await self._idle.get()
        answered = False
        try:
            for _ in range(START_ATTEMPTS):  # a worker found dead, or that never starts, is replaced first
                if await self._started(worker):
                    break
                worker = self._replace(worker)
            else:
                raise WorkerLost(f"no extraction worker started in {START_ATTEMPTS} attempts")
            analysis = await self._ask(worker, (page, content_type, url, site, self.config, discovered_via))
            answered = True
            return analysis
        except TimeoutError:
            logger.warning("Extraction of %s took over %.0f s; abandoned and its worker replaced", url, self.timeout)
            return PageAnalysis(Rejection(url, RejectionReason.EXTRACTION_TIMEOUT))
        except (EOFError, OSError, WorkerLost) as error:
            logger.error("An extraction worker died on %s (%s); replaced", url, str(error) or type(error).__name__)
            return PageAnalysis(Rejection(url, RejectionReason.UNPARSABLE, "worker crashed"))
        finally:
            # A worker that did not answer may still be busy, or answer late into its pipe: never reuse it.
            self._idle.put_nowait(worker if answered else self._replace(worker))

    @staticmethod
    async def _started(worker: _Worker) -> bool:
        """Is the worker alive and done with its imports and warm-up (which no page's timeout pays for)?"""
        if not worker.alive():
            return False
        if not worker.ready:
            try:
                await asyncio.wait_for(_receive(worker.connection), START_TIMEOUT_SECONDS)
            except (TimeoutError, EOFError, OSError):
                return False
            worker.ready = True
        return True

    async def _ask(self, worker: _Worker, task: tuple[Any, ...]) -> PageAnalysis:
        worker.connection.send(task)
        analysis: PageAnalysis = await asyncio.wait_for(_receive(worker.connection), self.timeout)
        return analysis

    def _spawn(self) -> _Worker:
        parent, child = multiprocessing.Pipe()
        process = subprocess.Popen(
            [sys.executable, "-m", WORKER_MODULE, str(child.fileno())],
            stdin=subprocess.DEVNULL, pass_fds=[child.fileno()], env=_worker_environment(),
        )
        child.close()
        worker = _Worker(process, parent)
        self._all.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> _Worker:
        self._all.discard(worker)
        worker.stop(kill=True)
        if not self._running:
            return worker
        self.replaced += 1
        return self._spawn()


def _worker_environment() -> dict[str, str]:
    """This process's environment, with the folder (or egg) that newsclean was imported from first on the
    worker's path: a crawl run by Scrapy or scrapyd may have found it through its own sys.path."""
    package_root = str(Path(__file__).resolve().parent.parent)
    paths = [package_root, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def _set_once(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


async def _receive(connection: Connection) -> Any:
    """Wait without blocking the loop until the worker sends something, then read it."""
    loop = asyncio.get_running_loop()
    readable: asyncio.Future[None] = loop.create_future()
    fd = connection.fileno()
    loop.add_reader(fd, _set_once, readable)
    try:
        await readable
    finally:
        loop.remove_reader(fd)
    return connection.recv()


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])))
