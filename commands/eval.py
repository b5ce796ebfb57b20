"""scrapy eval DATASET_DIR: newsclean against plain trafilatura on a labelled page set, with a CI floor."""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newsclean.evaluation import METADATA_CHECKS, Dataset, DatasetError, Evaluation, PageResult, evaluate

SPANS_SHOWN = 3
SPAN_CHARS = 160


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "DATASET_DIR [--page-type TYPE] [--worst N] [--floor FILE] [--limit N]"

    def short_desc(self) -> str:
        return "Score newsclean and plain trafilatura on a labelled dataset (AEB shingle metric)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--page-type", metavar="TYPE", help="only pages of this page_type, e.g. article")
        parser.add_argument("--worst", metavar="N", type=int, default=0, help="list the N worst pages by newsclean F1")
        parser.add_argument("--floor", metavar="FILE", help="JSON floors by dataset folder; exit 1 when F1 is below")
        parser.add_argument("--limit", metavar="N", type=int, help="evaluate only the first N pages (sorted ids)")
        parser.add_argument(
            "--without-names",
            action="store_true",
            help="strip every class and id attribute from the pages first: markup that names none of its parts",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("name one dataset folder (with ground-truth.json and html/)")
        if opts.worst < 0 or (opts.limit is not None and opts.limit < 1):
            raise UsageError("--worst must be 0 or more and --limit 1 or more")
        dataset = replace(_open(Path(args[0])), without_names=opts.without_names)
        floor = read_floor(Path(opts.floor), dataset.name, opts.page_type, opts.without_names) if opts.floor else None
        started = time.perf_counter()
        try:
            evaluation = evaluate(dataset, opts.page_type, opts.limit)
        except DatasetError as error:
            raise UsageError(str(error), print_help=False) from error
        print("\n".join(render_table(evaluation)))
        if opts.worst:
            print("\n".join(render_worst(evaluation, opts.worst)))
        print(f"newsclean: evaluated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        if floor is not None and not _meets_floor(evaluation, floor):
            self.exitcode = 1


def _open(path: Path) -> Dataset:
    try:
        return Dataset.open(path)
    except DatasetError as error:
        raise UsageError(str(error), print_help=False) from error


WITHOUT_NAMES_KEY = "without_names_f1"


def read_floor(path: Path, dataset: str, page_type: str | None, without_names: bool = False) -> float | None:
    """The F1 floor for `dataset` in a floor file ("without_names_f1" for its pages stripped of class and id
    attributes), or None when the file has no such entry for it."""
    try:
        floors = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot read floor file {path}: {error}", print_help=False) from error
    entry = floors.get(dataset) if isinstance(floors, dict) else None
    if entry is None:
        print(f"newsclean: {path} sets no floor for {dataset}", file=sys.stderr)
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("f1"), (int, float)):
        raise UsageError(f"{path}: {dataset}: expected {{\"f1\": NUMBER, ...}}", print_help=False)
    if entry.get("page_type", page_type) != page_type:
        raise UsageError(f"{path}: the {dataset} floor is for --page-type {entry['page_type']}", print_help=False)
    if not without_names:
        return float(entry["f1"])
    floor = entry.get(WITHOUT_NAMES_KEY)
    if floor is None:
        print(f"newsclean: {path} sets no floor for {dataset} without names", file=sys.stderr)
        return None
    if not isinstance(floor, (int, float)):
        raise UsageError(f"{path}: {dataset}: {WITHOUT_NAMES_KEY} must be a number", print_help=False)
    return float(floor)


def _meets_floor(evaluation: Evaluation, floor: float) -> bool:
    f1 = evaluation.systems["newsclean"].scores().f1
    verdict = "meets" if f1 >= floor else "is BELOW"
    print(f"newsclean: F1 {f1:.4f} on {evaluation.dataset} {verdict} the floor {floor:.4f}", file=sys.stderr)
    return f1 >= floor


def render_table(evaluation: Evaluation) -> list[str]:
    """The side-by-side scores of all systems, and metadata accuracies when the dataset labels them."""
    systems = list(evaluation.systems.values())
    scores = [system.scores() for system in systems]
    selection = f", page_type {evaluation.page_type}" if evaluation.page_type else ""
    selection += ", without class and id attributes" if evaluation.without_names else ""
    lines = [f"{evaluation.dataset}: {scores[0].pages} pages{selection}", "", _row("", [s.name for s in systems])]
    for label, attribute in (("precision", "precision"), ("recall", "recall"), ("F1", "f1"), ("accuracy", "accuracy")):
        lines.append(_row(label, [f"{getattr(score, attribute):.3f}" for score in scores]))
    lines.append(_row("empty output", [str(sum(not page.prediction.text for page in s.pages)) for s in systems]))
    cpu = [system.cpu_ms_per_page() for system in systems]
    lines.append(_row("CPU ms/page", [f"{value:.1f}" for value in cpu]))
    ratio = f"{cpu[0] / cpu[1]:.2f}" if cpu[1] else "n/a"
    lines.append(f"CPU ratio {systems[0].name}/{systems[1].name}: {ratio}")
    return lines + (_metadata_rows(evaluation) if evaluation.with_metadata else [])


def _metadata_rows(evaluation: Evaluation) -> list[str]:
    accuracies = [system.metadata_accuracy() for system in evaluation.systems.values()]
    rows = []
    for name in METADATA_CHECKS:
        labelled = accuracies[0][name][1]
        cells = [f"{correct / labelled:.3f}" if labelled else "-" for correct, _ in (acc[name] for acc in accuracies)]
        rows.append(f"{_row(f'{name} accuracy', cells)}   ({labelled} labelled)")
    return rows


def _row(label: str, cells: list[str]) -> str:
    return f"{label:<16}" + "".join(f"{cell:>13}" for cell in cells)


def render_worst(evaluation: Evaluation, count: int) -> list[str]:
    """The `count` worst pages by newsclean F1, with the text it leaked and lost."""
    others = {name: {page.page_id: page for page in system.pages} for name, system in evaluation.systems.items()}
    lines = ["", f"Worst {count} pages by newsclean F1:"]
    for page in evaluation.systems["newsclean"].worst(count):
        compared = ", ".join(_page_f1(name, by_id[page.page_id]) for name, by_id in others.items())
        lines.append(f"  {page.page_id}  {page.url}")
        lines.append(f"    F1: {compared}")
        lines.extend(_spans("leaked", page.leaked()) + _spans("lost", page.lost()))
    return lines


def _page_f1(name: str, page: PageResult) -> str:
    rejection = f" (rejected: {page.prediction.rejection})" if page.prediction.rejection else ""
    return f"{name} {page.score.f1:.3f}{rejection}"


def _spans(label: str, spans: list[str]) -> list[str]:
    shown = [f"    {label}: {_clip(span)}" for span in spans[:SPANS_SHOWN]]
    more = len(spans) - SPANS_SHOWN
    return shown + ([f"    {label}: ... and {more} more stretches"] if more > 0 else [])


def _clip(text: str) -> str:
    return text if len(text) <= SPAN_CHARS else text[:SPAN_CHARS - 3] + "..."
