"""scrapy schedule [--once]: crawl each source of the sources file when its cron schedule is due."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from datetime import datetime
from pathlib import Path
from types import FrameType

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings
from scrapy.utils.log import configure_logging

from commands._sources import read_sources, store_url
from newsclean.scheduler import Scheduler
from newsclean.sources import Source
from newsclean.store import StoreError, open_store

logger = logging.getLogger(__name__)


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[--once]"

    def short_desc(self) -> str:
        return "Crawl each source of sources.toml when its cron schedule is due (until stopped, or --once)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--once", action="store_true", help="run every due source once, wait for them, exit")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise UsageError("scrapy schedule takes no arguments")
        assert self.settings is not None
        configure_logging(self.settings)
        scheduler = self._scheduler(self.settings, list(opts.set))
        _stop_on_signals(scheduler)
        if opts.once:
            scheduler.run_once()
            self.exitcode = 1 if scheduler.failed else 0
        else:
            scheduler.run_forever()

    def _scheduler(self, settings: BaseSettings, forwarded: list[str]) -> Scheduler:
        sources = read_sources(settings)
        return Scheduler(
            sources=list(sources.values()),
            command=lambda source: crawl_argv(source, forwarded),
            workdir=Path.cwd(),
            state_dir=Path(settings.get("NEWSCLEAN_SCHEDULE_DIR", "data/schedule")),
            last_start=lambda source: last_start(source, store_url(source, settings)),
            max_crawls=settings.getint("NEWSCLEAN_SCHEDULE_MAX_CRAWLS", 4),
        )


def crawl_argv(source: Source, forwarded: list[str]) -> list[str]:
    """`scrapy crawl news -a source=NAME`, with the -s settings the scheduler was given."""
    settings = [arg for setting in forwarded for arg in ("-s", setting)]
    return [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"source={source.name}", *settings]


def last_start(source: Source, url: str) -> datetime | None:
    """When the newest run of a source started, from the store its crawls write to."""
    try:
        store = open_store(url)
    except StoreError as error:
        logger.warning("Cannot read the runs of %s: %s", source.name, error)
        return None
    try:
        runs = store.recent_runs(1, source=source.name)
    finally:
        store.close()
    return datetime.fromisoformat(runs[0]["started_at"]).astimezone() if runs else None


def _stop_on_signals(scheduler: Scheduler) -> None:
    """SIGTERM or SIGINT: stop starting crawls, stop the running ones cleanly; a second one kills them."""

    def handle(signum: int, frame: FrameType | None) -> None:
        if scheduler.stop.is_set():
            scheduler.kill()
        else:
            logger.info("Received %s; stopping the scheduler and its crawls", signal.Signals(signum).name)
            scheduler.stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handle)
