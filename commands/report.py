"""scrapy report [--source NAME] [--limit N]: print the recent crawl runs and their per-host reports."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from commands._sources import read_sources, store_url
from newsclean.report import format_run
from newsclean.sources import DEFAULT_SOURCES_FILE, Source
from newsclean.store import StoreError, open_store


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[--source NAME] [--limit N] [--json]"

    def short_desc(self) -> str:
        return "Print the recent crawl runs: per host, pages fetched, articles, rejections, errors, extraction health"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--source", metavar="NAME", help="only the runs of this source (of sources.toml)")
        parser.add_argument("--limit", metavar="N", type=int, default=10, help="how many runs (default 10)")
        parser.add_argument("--json", action="store_true", help="one JSON object per run instead of text")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise UsageError("scrapy report takes no arguments; use --source NAME")
        if opts.limit < 1:
            raise UsageError("--limit must be at least 1", print_help=False)
        assert self.settings is not None
        source = self._source(opts.source)
        try:
            store = open_store(store_url(source, self.settings))
        except StoreError as error:
            raise UsageError(str(error), print_help=False) from error
        try:
            runs = store.recent_runs(opts.limit, source=opts.source)
        finally:
            store.close()
        self._print(runs, opts)

    def _source(self, name: str | None) -> Source | None:
        """The named source, when the sources file exists (its STORE_URL may differ from the project's)."""
        assert self.settings is not None
        if name is None or not Path(self.settings.get("NEWSCLEAN_SOURCES_FILE", DEFAULT_SOURCES_FILE)).exists():
            return None
        return read_sources(self.settings).get(name)

    def _print(self, runs: list[dict[str, Any]], opts: argparse.Namespace) -> None:
        for run in runs:
            if opts.json:
                print(json.dumps({key: value for key, value in run.items() if key != "stats"}, sort_keys=True))
            else:
                print("\n".join(format_run(run)))
        if not runs and not opts.json:
            print("newsclean: no crawl runs" + (f" of {opts.source}" if opts.source else "") + " in the store")
