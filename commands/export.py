"""scrapy export -o OUT: the stored records as a JSONL corpus (records or Dolma documents), filtered, deduplicated."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, fields
from datetime import date
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from tqdm import tqdm

from commands._output import JSONL_SUFFIXES, jsonl_output, jsonl_suffix, sharded_jsonl_output
from newsclean.export import ExportPlan, ExportSummary, RecordFilter, select_records, to_dolma
from newsclean.record import ArticleRecord
from newsclean.store import Store, StoreError, open_store

RECORD_FIELDS = tuple(field.name for field in fields(ArticleRecord))
FORMATS = ("records", "dolma")


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "-o OUT.jsonl[.gz|.zst] [options]"

    def short_desc(self) -> str:
        return "Export the stored records as a JSONL corpus (records or Dolma), filtered and deduplicated"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        group = parser.add_argument_group("Export Options")
        group.add_argument("-o", "--output", metavar="OUT",
                           help="OUT.jsonl, OUT.jsonl.gz, OUT.jsonl.zst, or - for stdout")
        group.add_argument("--format", choices=FORMATS, default="records",
                           help="records (the record schema, default) or dolma (id, text, source, added, created, "
                                "metadata)")
        group.add_argument("--source", default="newsclean", help="the Dolma `source` value (default: newsclean)")
        group.add_argument("--shard-size", type=int, metavar="N",
                           help="write shards OUT-00000... of N records each, and a manifest")
        group.add_argument("--since", metavar="YYYY-MM-DD", help="only records published on or after this date")
        group.add_argument("--until", metavar="YYYY-MM-DD", help="only records published on or before this date")
        group.add_argument("--site", action="append", default=[], metavar="HOST",
                           help="only records from HOST or its subdomains (repeatable)")
        group.add_argument("--lang", action="append", default=[], metavar="xx",
                           help="only records in this language, ISO 639-1 (repeatable)")
        group.add_argument("--min-words", type=int, default=0, metavar="N", help="only records of at least N words")
        group.add_argument("--fields", metavar="a,b,c", help="only these record fields (for dolma: in metadata)")
        group.add_argument("--dedup", choices=("exact",), help="exact: drop a record whose text was already exported")
        group.add_argument("--near-dedup", type=float, metavar="THRESHOLD",
                           help="drop near-duplicates (estimated Jaccard similarity of word shingles >= THRESHOLD, "
                                "e.g. 0.8), keeping the earliest published copy")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        _check_output(opts)
        plan = ExportPlan(_record_filter(opts), opts.dedup == "exact", _threshold(opts.near_dedup))
        selected_fields = _fields(opts.fields)
        convert = _converter(opts.format, opts.source, selected_fields)
        store = self._open_store()
        summary = ExportSummary()
        try:
            records = (convert(record) for record in select_records(_reader(store), plan, summary))
            where = _write(records, opts, selected_fields if opts.format == "records" else None, summary, plan)
        except KeyboardInterrupt:
            print(f"newsclean: export interrupted; nothing written to {opts.output}", file=sys.stderr)
            self.exitcode = 130
            return
        finally:
            store.close()
        print(f"newsclean: exported {summary.exported} records to {where}; {summary.describe()}", file=sys.stderr)

    def _open_store(self) -> Store:
        assert self.settings is not None
        try:
            return open_store(self.settings["STORE_URL"])
        except StoreError as error:
            raise UsageError(str(error), print_help=False) from error


def _check_output(opts: argparse.Namespace) -> None:
    if not opts.output:
        raise UsageError("name the output: -o OUT.jsonl (or .jsonl.gz, .jsonl.zst, or - for stdout)")
    if opts.output != "-" and jsonl_suffix(opts.output) is None:
        raise UsageError(f"-o {opts.output}: the name must end in one of {', '.join(JSONL_SUFFIXES)}", print_help=False)
    if opts.shard_size is not None:
        if opts.output == "-":
            raise UsageError("--shard-size writes files: name them with -o OUT.jsonl.gz", print_help=False)
        if opts.shard_size < 1:
            raise UsageError("--shard-size is a number of records, at least 1", print_help=False)


def _record_filter(opts: argparse.Namespace) -> RecordFilter:
    since, until = _date("--since", opts.since), _date("--until", opts.until)
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}", print_help=False)
    return RecordFilter(since, until, tuple(opts.site), tuple(opts.lang), opts.min_words)


def _date(option: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise UsageError(f"{option} {value}: expected a date, YYYY-MM-DD", print_help=False) from error


def _threshold(value: float | None) -> float | None:
    if value is not None and not 0 < value < 1:
        raise UsageError(f"--near-dedup {value}: a similarity threshold between 0 and 1, e.g. 0.8", print_help=False)
    return value


def _fields(value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in RECORD_FIELDS]
    if unknown or not names:
        raise UsageError(f"--fields: unknown {', '.join(unknown) or 'nothing given'}; "
                         f"record fields are {', '.join(RECORD_FIELDS)}", print_help=False)
    return names


def _converter(form: str, source: str, selected: list[str] | None) -> Callable[[ArticleRecord], Any]:
    if form == "dolma":
        return lambda record: to_dolma(record, source, selected)
    return lambda record: record


def _reader(store: Store) -> Callable[[str], Iterable[ArticleRecord]]:
    """One pass over the store, with a progress bar when stderr is a terminal."""
    def read(label: str) -> Iterable[ArticleRecord]:
        if not sys.stderr.isatty():
            return store.iter_records()
        progress: Iterable[ArticleRecord] = tqdm(store.iter_records(), total=store.count(), desc=label,
                                                 unit=" records", file=sys.stderr)
        return progress
    return read


def _write(items: Iterator[Any], opts: argparse.Namespace, record_fields: list[str] | None,
           summary: ExportSummary, plan: ExportPlan) -> str:
    """Write every item; returns where they went, for the summary."""
    if opts.shard_size is None:
        with jsonl_output(opts.output, record_fields) as exporter:
            for item in items:
                exporter.export_item(item)
        return "stdout" if opts.output == "-" else opts.output
    with sharded_jsonl_output(opts.output, opts.shard_size, record_fields) as output:
        for item in items:
            output.export_item(item)
        output.metadata = _manifest_metadata(opts, summary, plan)
    return f"{len(output.parts)} shards, manifest {output.manifest_path}"


def _manifest_metadata(opts: argparse.Namespace, summary: ExportSummary, plan: ExportPlan) -> dict[str, Any]:
    """How the corpus was made, for the manifest."""
    selection = {key: str(value) if isinstance(value, date) else value for key, value in asdict(plan.filter).items()}
    return {
        "format": opts.format,
        **({"source": opts.source} if opts.format == "dolma" else {}),
        "fields": opts.fields.split(",") if opts.fields else None,
        "filters": selection,
        "dedup": {"exact": plan.exact_dedup, "near_threshold": plan.near_dedup_threshold},
        "dropped": dict(summary.dropped),
    }
