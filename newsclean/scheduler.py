"""Runs each source's crawl when its cron expression is due, each crawl in its own process.

Scrapy-free. A source is due when its schedule has a slot after its last start (the newest run
the store holds for it, or the last start by this scheduler); a source never crawled is due at
once. Two crawls of one source never overlap: a per-source lock file is held by the scheduler and
inherited by the crawl process, so it holds even across two schedulers (cron calling
`scrapy schedule --once` while an earlier crawl still runs) and after the scheduler itself dies.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from croniter import croniter

from newsclean.sources import Source

logger = logging.getLogger(__name__)

IDLE_POLL = 1.0  # seconds between checks on running crawls
MAX_PAUSE = 60.0  # seconds between checks of the clock when nothing runs


def now_local() -> datetime:
    return datetime.now().astimezone()


def next_slot(schedule: str, after: datetime) -> datetime:
    """The first time after `after` that the cron expression names (in after's time zone)."""
    result: datetime = croniter(schedule, after).get_next(datetime)
    return result


@dataclass
class Crawl:
    """A crawl process the scheduler started, with the lock and log file it holds."""

    source: Source
    process: subprocess.Popen[bytes]
    lock: IO[bytes]
    log: IO[bytes]
    log_path: Path


@dataclass
class Slot:
    source: Source
    last_start: datetime | None
    running: Crawl | None = None
    failures: int = 0

    def due(self, now: datetime) -> bool:
        assert self.source.schedule is not None
        return self.last_start is None or next_slot(self.source.schedule, self.last_start) <= now

    def next_due(self) -> datetime | None:
        assert self.source.schedule is not None
        return next_slot(self.source.schedule, self.last_start) if self.last_start else None


@dataclass
class Scheduler:
    """Starts crawls with `command(source)` (an argv) in `workdir`; locks and logs go in `state_dir`."""

    sources: Sequence[Source]
    command: Callable[[Source], list[str]]
    workdir: Path
    state_dir: Path
    last_start: Callable[[Source], datetime | None]
    max_crawls: int = 4
    clock: Callable[[], datetime] = now_local
    stop: threading.Event = field(default_factory=threading.Event)
    slots: list[Slot] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        (self.state_dir / "logs").mkdir(parents=True, exist_ok=True)
        for source in self.sources:
            if source.schedule is None:
                logger.info("Source %s has no schedule; it is crawled only on demand", source.name)
            else:
                self.slots.append(Slot(source, self.last_start(source)))

    def run_forever(self) -> None:
        """Start due crawls until stop is set, then stop the running ones (SIGTERM) and wait for them."""
        logger.info("Scheduling %d sources: %s", len(self.slots), ", ".join(s.source.name for s in self.slots))
        while not self.stop.is_set():
            self._reap()
            self._start_due()
            self.stop.wait(self._pause())
        self._shutdown()

    def run_once(self) -> None:
        """Start every due source once (at most max_crawls at a time) and wait for all of them."""
        pending = [slot for slot in self.slots if slot.due(self.clock())]
        if not pending:
            logger.info("No source is due")
        while (pending or self._running()) and not self.stop.is_set():
            self._reap()
            while pending and len(self._running()) < self.max_crawls:
                self._start(pending.pop(0))
            self.stop.wait(IDLE_POLL if self._running() else 0)
        self._shutdown()

    def _start_due(self) -> None:
        now = self.clock()
        for slot in self.slots:
            if not slot.due(now):
                continue
            if slot.running is not None:
                logger.warning("Crawl of %s is still running; its %s slot is skipped", slot.source.name,
                               slot.next_due())
                slot.last_start = now
            elif len(self._running()) < self.max_crawls:
                self._start(slot)

    def _start(self, slot: Slot) -> None:
        lock = open(self.state_dir / f"{slot.source.name}.lock", "wb")  # noqa: SIM115 - held while the crawl runs
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            logger.warning("Crawl of %s is still running elsewhere (%s is locked); not started",
                           slot.source.name, lock.name)
            slot.last_start = self.clock()
            return
        slot.last_start = self.clock()
        slot.running = self._launch(slot.source, lock)

    def _launch(self, source: Source, lock: IO[bytes]) -> Crawl:
        log_path = self.state_dir / "logs" / f"{source.name}.log"
        log = open(log_path, "ab")  # noqa: SIM115 - the crawl's output until _reap() closes it
        argv = self.command(source)
        process = subprocess.Popen(argv, cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                   pass_fds=(lock.fileno(),), start_new_session=True)
        logger.info("Started the crawl of %s (pid %d, log %s)", source.name, process.pid, log_path)
        return Crawl(source, process, lock, log, log_path)

    def _reap(self) -> None:
        for slot in self.slots:
            crawl = slot.running
            if crawl is None or crawl.process.poll() is None:
                continue
            slot.running = None
            crawl.lock.close()
            crawl.log.close()
            self._report_exit(slot, crawl)

    def _report_exit(self, slot: Slot, crawl: Crawl) -> None:
        code = crawl.process.returncode
        if code == 0:
            slot.failures = 0
            logger.info("Crawl of %s finished", slot.source.name)
            return
        slot.failures += 1
        self.failed.append(slot.source.name)
        logger.error("Crawl of %s failed (exit status %d, see %s); it runs again at its next slot, %s",
                     slot.source.name, code, crawl.log_path, slot.next_due())

    def _running(self) -> list[Slot]:
        return [slot for slot in self.slots if slot.running is not None]

    def _pause(self) -> float:
        """Seconds until the next slot; at most IDLE_POLL while crawls run, at most MAX_PAUSE otherwise."""
        now = self.clock()
        waits = [MAX_PAUSE] + [(due - now).total_seconds() for slot in self.slots if (due := slot.next_due())]
        if self._running():
            waits.append(IDLE_POLL)
        return max(0.0, min(waits))

    def kill(self) -> None:
        """Stop the running crawls at once (SIGKILL): a second SIGTERM or Ctrl-C asks for this."""
        for slot in self._running():
            assert slot.running is not None
            logger.warning("Killing the crawl of %s (pid %d)", slot.source.name, slot.running.process.pid)
            _signal(slot.running.process, signal.SIGKILL)

    def _shutdown(self) -> None:
        running = self._running()
        for slot in running:
            assert slot.running is not None
            logger.info("Stopping the crawl of %s (pid %d)", slot.source.name, slot.running.process.pid)
            _signal(slot.running.process, signal.SIGTERM)
        for slot in running:
            assert slot.running is not None
            slot.running.process.wait()
        self._reap()


def _signal(process: subprocess.Popen[bytes], signum: int) -> None:
    try:
        os.kill(process.pid, signum)
    except ProcessLookupError:
        logger.debug("Process %d already ended", process.pid)
