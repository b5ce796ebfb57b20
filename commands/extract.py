"""scrapy extract INPUT... [-o OUT.jsonl] [--store] [--no-site-knowledge]: the crawl's extraction on saved pages,
with no network, and with what crawls learned about each host's boilerplate (the store's site knowledge)."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TypeGuard

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import DropItem, UsageError
from scrapy.exporters import JsonLinesItemExporter

from commands._output import jsonl_output
from newsclean.extraction import ExtractionConfig, Rejection, SiteProfile
from newsclean.inputs import InputError, SavedPage, iter_saved_pages, with_provenance
from newsclean.page import extract_saved_page
from newsclean.record import ArticleRecord
from newsclean.siteknowledge import SiteKnowledge
from newsclean.store import Store, StoreError, open_store
from newsclean.store.sqlite import sqlite_path
from newsclean.urls import hostname
from newsclean.workers import bounded_map, default_worker_count
from pipelines.dedup import DuplicatesPipeline
from pipelines.validate import ValidationPipeline
from spiders.base import site_knowledge


class StoredKnowledge:
    """The store's site knowledge, read host by host as pages of each host come up."""

    def __init__(self, store: Store, knowledge: SiteKnowledge) -> None:
        self.store = store
        self.knowledge = knowledge
        self.read: set[str] = set()

    def profile(self, url: str) -> SiteProfile | None:
        host = hostname(url)
        if host not in self.read:
            self.read.add(host)
            for snapshot in self.store.load_site_knowledge({host}):
                self.knowledge.restore(snapshot)
        return self.knowledge.profile(host)


def extract_with_knowledge(
    item: tuple[SavedPage, SiteProfile | None], config: ExtractionConfig
) -> ArticleRecord | Rejection:
    """extract_saved_page() of a (page, what is known of its host) pair, in a worker process."""
    page, site = item
    return extract_saved_page(page, config, site)


class RecordSink:
    """Where extracted records go: the crawl's validation and duplicate checks, then JSONL and/or the store."""

    def __init__(self, min_words: int, exporter: JsonLinesItemExporter | None, store: Store | None) -> None:
        self.checks = (ValidationPipeline(min_words), DuplicatesPipeline())
        self.exporter = exporter
        self.store = store
        self.counts: Counter[str] = Counter()

    def accept(self, page: SavedPage, record: ArticleRecord) -> None:
        try:
            for check in self.checks:
                check.process_item(record)
        except DropItem as drop:
            self.counts["dropped"] += 1
            print(f"newsclean: {page.source}: dropped: {drop}", file=sys.stderr)
            return
        self.counts["records"] += 1
        if self.exporter is not None:
            self.exporter.export_item(record)
        if self.store is not None:
            self.counts[f"stored_{self.store.upsert(record)}"] += 1

    def summary(self) -> str:
        counts = self.counts
        text = (f"newsclean: {counts['records']} records, {counts['rejected']} rejected, {counts['dropped']} dropped, "
                f"{counts['unreadable']} unreadable inputs")
        if self.store is not None:
            text += (f"; store: {counts['stored_new']} new, {counts['stored_updated']} updated, "
                     f"{counts['stored_unchanged']} unchanged")
        return text


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "INPUT [INPUT ...] [-o OUT.jsonl] [--store]"

    def short_desc(self) -> str:
        return ("Extract article records from saved .html/.html.gz files, .warc/.warc.gz archives, folders "
                "or .jsonl of {url, html, id}")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="FILE",
                            help="JSONL file to write (default: stdout, or nothing with --store)")
        parser.add_argument("--store", action="store_true",
                            help="also write the records into the store (STORE_URL), as a crawl does")
        parser.add_argument("--no-site-knowledge", dest="site_knowledge", action="store_false",
                            help="extract with single-page rules only, without what crawls learned about each host "
                                 "(by default read from the store, when there is one)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("name at least one input file or folder")
        assert self.settings is not None
        output = opts.output or (None if opts.store else "-")
        with self._store(opts.store) as store, _optional_output(output) as exporter:
            sink = RecordSink(self.settings.getint("NEWSCLEAN_MIN_WORDS", 40), exporter, store)
            with self._knowledge(opts.site_knowledge, store) as knowledge:
                self._extract(args, sink, knowledge)
        print(sink.summary(), file=sys.stderr)
        if sink.counts["unreadable"]:
            self.exitcode = 1

    def _extract(self, args: list[str], sink: RecordSink, knowledge: StoredKnowledge | None) -> None:
        assert self.settings is not None
        config = ExtractionConfig(min_words=self.settings.getint("NEWSCLEAN_MIN_WORDS", 40))
        workers = self.settings.getint("NEWSCLEAN_EXTRACTION_WORKERS") or default_worker_count()
        with ProcessPoolExecutor(max_workers=workers) as executor:
            pages = (item for item in iter_saved_pages(args) if _readable(item, sink.counts))
            items = ((page, knowledge.profile(page.url) if knowledge else None) for page in pages)
            for (page, _site), outcome in bounded_map(executor, extract_with_knowledge, items, config,
                                                      window=workers * 4):
                if isinstance(outcome, Rejection):
                    sink.counts["rejected"] += 1
                    print(f"newsclean: {page.source}: rejected: {outcome.reason} {outcome.detail}".rstrip(),
                          file=sys.stderr)
                else:
                    sink.accept(page, with_provenance(outcome, page))

    @contextmanager
    def _knowledge(self, wanted: bool, store: Store | None) -> Iterator[StoredKnowledge | None]:
        """The store's site knowledge: the --store store, else STORE_URL when it exists (never created here)."""
        assert self.settings is not None
        knowledge = site_knowledge(self.settings)
        if not wanted or knowledge is None:
            yield None
        elif store is not None:
            yield StoredKnowledge(store, knowledge)
        elif self._store_exists():
            with self._store(True) as existing:
                assert existing is not None
                yield StoredKnowledge(existing, knowledge)
        else:
            yield None

    def _store_exists(self) -> bool:
        assert self.settings is not None
        url = self.settings["STORE_URL"]
        return bool(url) and (not url.startswith("sqlite:") or sqlite_path(url).exists())

    @contextmanager
    def _store(self, wanted: bool) -> Iterator[Store | None]:
        if not wanted:
            yield None
            return
        assert self.settings is not None
        try:
            store = open_store(self.settings["STORE_URL"])
        except StoreError as error:
            raise UsageError(str(error), print_help=False) from error
        try:
            yield store
        finally:
            store.close()


def _optional_output(target: str | None) -> AbstractContextManager[JsonLinesItemExporter | None]:
    return jsonl_output(target) if target else nullcontext()


def _readable(item: SavedPage | InputError, counts: Counter[str]) -> TypeGuard[SavedPage]:
    if isinstance(item, InputError):
        counts["unreadable"] += 1
        print(f"newsclean: {item.source}: {item.message}", file=sys.stderr)
        return False
    return True
