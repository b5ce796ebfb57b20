"""scrapy extract INPUT... -o OUT.jsonl: the crawl's extraction on saved pages, with no network."""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from commands._output import jsonl_output
from newsclean.extraction import ExtractionConfig, Rejection
from newsclean.inputs import InputError, SavedPage, iter_saved_pages
from newsclean.page import extract_saved_page
from newsclean.workers import bounded_map, default_worker_count


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "INPUT [INPUT ...] [-o OUT.jsonl]"

    def short_desc(self) -> str:
        return "Extract article records from saved .html/.html.gz files, folders or .jsonl of {url, html, id}"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="FILE", default="-", help="JSONL file to write (default: stdout)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("name at least one input file or folder")
        assert self.settings is not None
        config = ExtractionConfig(min_words=self.settings.getint("NEWSCLEAN_MIN_WORDS", 40))
        workers = self.settings.getint("NEWSCLEAN_EXTRACTION_WORKERS") or default_worker_count()
        counts = {"records": 0, "rejected": 0, "unreadable": 0}
        with ProcessPoolExecutor(max_workers=workers) as executor, jsonl_output(opts.output) as exporter:
            pages = (item for item in iter_saved_pages(args) if _readable(item, counts))
            for page, outcome in bounded_map(executor, extract_saved_page, pages, config, window=workers * 4):
                if isinstance(outcome, Rejection):
                    counts["rejected"] += 1
                    print(f"newsclean: {page.source}: rejected: {outcome.reason} {outcome.detail}".rstrip(), file=sys.stderr)
                else:
                    counts["records"] += 1
                    exporter.export_item(outcome)
        print(f"newsclean: {counts['records']} records, {counts['rejected']} rejected, "
              f"{counts['unreadable']} unreadable inputs", file=sys.stderr)
        if counts["unreadable"]:
            self.exitcode = 1


def _readable(item: SavedPage | InputError, counts: dict[str, int]) -> bool:
    if isinstance(item, InputError):
        counts["unreadable"] += 1
        print(f"newsclean: {item.source}: {item.message}", file=sys.stderr)
        return False
    return True
