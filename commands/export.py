"""scrapy export -o FILE.jsonl: write the stored records as JSONL."""

from __future__ import annotations

import argparse
import sys

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from commands._output import jsonl_output
from newsclean.store import StoreError, open_store


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "-o FILE.jsonl"

    def short_desc(self) -> str:
        return "Export the stored article records as JSONL (- for stdout)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="FILE", help="JSONL file to write, or - for stdout")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not opts.output:
            raise UsageError("name the output: -o FILE.jsonl (or -o - for stdout)")
        assert self.settings is not None
        try:
            store = open_store(self.settings["STORE_URL"])
        except StoreError as error:
            raise UsageError(str(error), print_help=False) from error
        exported = 0
        try:
            with jsonl_output(opts.output) as exporter:
                for record in store.iter_records():
                    exporter.export_item(record)
                    exported += 1
        finally:
            store.close()
        print(f"newsclean: exported {exported} records to {opts.output}", file=sys.stderr)
