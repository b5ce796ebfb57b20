"""Extraction quality on labelled page sets: newsclean against plain trafilatura.

The body metric is the one of scrapinghub/article-extraction-benchmark: `\\w+` tokens, multisets of
4-token shingles, per-page tp/fp/fn normalised to sum to 1, precision and recall averaged over pages,
F1 the harmonic mean of the two averages, accuracy the share of pages with identical token lists.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import lxml.html
import trafilatura
from lxml.etree import Element

from newsclean.extraction import Rejection, extract
from newsclean.extraction.core import parse_html

logger = logging.getLogger(__name__)

SHINGLE_SIZE = 4
_TOKEN = re.compile(r"\w+")
_ISO_DAY = re.compile(r"\s*(\d{4}-\d{2}-\d{2})")

Shingle = tuple[str, ...]


def tokenize(text: str | None) -> list[str]:
    """The `\\w+` runs of a text (Unicode, case kept), as the benchmark tokenises."""
    return _TOKEN.findall(text or "")


def shingle_list(tokens: Sequence[str], size: int = SHINGLE_SIZE) -> list[Shingle]:
    """Overlapping `size`-token shingles in order; fewer tokens make one shingle, none make none."""
    if not tokens:
        return []
    return [tuple(tokens[start:start + size]) for start in range(max(1, len(tokens) - size + 1))]


def shingles(text: str | None, size: int = SHINGLE_SIZE) -> Counter[Shingle]:
    """The multiset of shingles of a text."""
    return Counter(shingle_list(tokenize(text), size))


@dataclass(frozen=True)
class PageScore:
    """One page: tp/fp/fn shingle shares (summing to 1, or all 0 when both texts are empty) and exact match."""

    tp: float
    fp: float
    fn: float
    exact: bool

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1 when nothing is extra or missing, 0 when nothing was predicted."""
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1 when nothing is extra or missing, 0 when the truth is empty."""
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Per-page F1, used only to rank pages: 2tp / (2tp + fp + fn), 1 when both texts are empty."""
        if self.fp == self.fn == 0:
            return 1.0
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)


def compare(truth: str | None, predicted: str | None) -> PageScore:
    """Score one predicted body against the true one (None counts as empty)."""
    expected, found = shingles(truth), shingles(predicted)
    tp = sum((expected & found).values())
    fp = sum((found - expected).values())
    fn = sum((expected - found).values())
    total = tp + fp + fn or 1
    return PageScore(tp / total, fp / total, fn / total, tokenize(truth) == tokenize(predicted))


@dataclass(frozen=True)
class Scores:
    """Aggregate body scores over a set of pages."""

    precision: float
    recall: float
    f1: float
    accuracy: float
    pages: int


def aggregate(pages: Sequence[PageScore]) -> Scores:
    """Precision: mean over pages with tp + fp > 0; recall: mean over pages with tp + fn > 0.

    An empty prediction therefore costs recall but not precision, as in the benchmark. A mean over no
    pages is 0, and F1 is 0 when precision and recall are both 0.
    """
    precision = _mean([page.precision for page in pages if page.tp + page.fp > 0])
    recall = _mean([page.recall for page in pages if page.tp + page.fn > 0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, _mean([float(page.exact) for page in pages]), len(pages))


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def unmatched_spans(text: str | None, reference: str | None, size: int = SHINGLE_SIZE) -> list[str]:
    """Stretches of `text` made of shingles that `reference` lacks, longest first.

    Leaked text is `unmatched_spans(predicted, truth)`, lost text `unmatched_spans(truth, predicted)`.
    Shingles are matched left to right against the reference multiset, so the unmatched ones are exactly
    the fp (or fn) shingles; each run of them is shown as its tokens joined by spaces.
    """
    tokens = tokenize(text)
    available = shingles(reference, size)
    unmatched = [index for index, shingle in enumerate(shingle_list(tokens, size)) if not _take(available, shingle)]
    runs = [tokens[first:last + size] for first, last in _runs(unmatched)]
    return sorted((" ".join(run) for run in runs), key=len, reverse=True)


def _take(available: Counter[Shingle], shingle: Shingle) -> bool:
    if available[shingle] <= 0:
        return False
    available[shingle] -= 1
    return True


def _runs(indexes: Sequence[int]) -> Iterator[tuple[int, int]]:
    """(first, last) of each run of consecutive integers."""
    start = 0
    for position in range(1, len(indexes) + 1):
        if position == len(indexes) or indexes[position] != indexes[position - 1] + 1:
            yield indexes[start], indexes[position - 1]
            start = position


class DatasetError(Exception):
    """A dataset folder that cannot be read or selects no page."""


@dataclass(frozen=True)
class Page:
    """One labelled page: its HTML and its ground-truth fields (articleBody, url, maybe title...)."""

    id: str
    url: str
    html: str
    truth: dict[str, Any]


@dataclass(frozen=True)
class Dataset:
    """A folder holding `ground-truth.json` and `html/<id>.html.gz`; `without_names`: its pages are
    served with no class or id attribute (see without_names())."""

    path: Path
    truth: dict[str, dict[str, Any]]
    without_names: bool = False

    @classmethod
    def open(cls, path: Path) -> Dataset:
        try:
            truth = json.loads((path / "ground-truth.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise DatasetError(f"{path}: cannot read ground-truth.json: {error}") from error
        if not isinstance(truth, dict):
            raise DatasetError(f"{path}: ground-truth.json is not an object keyed by page id")
        return cls(path, truth)

    @property
    def name(self) -> str:
        return self.path.resolve().name

    @property
    def has_metadata(self) -> bool:
        """Whether the ground truth labels title / author / date (WCXB does, AEB does not)."""
        return any(key in entry for entry in self.truth.values() for _, key in METADATA_CHECKS.values())

    def select(self, page_type: str | None = None, limit: int | None = None) -> list[str]:
        """Page ids in sorted order, of one page_type if given (pages without the field never match)."""
        ids = sorted(key for key, entry in self.truth.items() if page_type in (None, entry.get("page_type")))
        if not ids:
            raise DatasetError(f"{self.path}: no pages" + (f" with page_type {page_type!r}" if page_type else ""))
        return ids[:limit] if limit else ids

    def page(self, page_id: str) -> Page:
        entry = self.truth[page_id]
        try:
            with gzip.open(self.path / "html" / f"{page_id}.html.gz", "rb") as stream:
                html = stream.read().decode("utf-8", errors="replace")
        except OSError as error:
            raise DatasetError(f"{self.path}: page {page_id}: {error}") from error
        return Page(page_id, entry.get("url") or "", without_names(html) if self.without_names else html, entry)


NAMING_ATTRIBUTES = ("class", "id")


def without_names(html: str) -> str:
    """The page with no class or id attribute anywhere: markup that names none of its parts, to
    measure what extraction does when no class-based rule (its own or trafilatura's) can apply. It is
    parsed as extraction parses it, so that what a browser shows (text after an early </html>) stays."""
    tree = parse_html(html)
    if tree is None:
        return html
    for element in tree.iter(Element):
        for name in NAMING_ATTRIBUTES:
            element.attrib.pop(name, None)
    serialized: str = lxml.html.tostring(tree, encoding="unicode")
    return serialized


@dataclass(frozen=True)
class Prediction:
    """What a system extracted from one page; a rejection leaves everything empty."""

    text: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    rejection: str | None = None


def title_correct(truth: str, prediction: Prediction) -> bool:
    """Title: equal to the truth after case folding, collapsing whitespace and writing typographic
    quotes as plain ones (WCXB's labels write "We've" where the page shows "We’ve")."""
    return _fold(truth.translate(_PLAIN_QUOTES)) == _fold((prediction.title or "").translate(_PLAIN_QUOTES))


_PLAIN_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"'})


def author_correct(truth: str, prediction: Prediction) -> bool:
    """Author: some word (case-folded `\\w+` token of 2+ characters) of the true author string appears
    in a predicted author name; one shared surname is enough, so this measures "found an author"."""
    return bool(_name_words(truth) & _name_words(" ".join(prediction.authors)))


def date_correct(truth: str, prediction: Prediction) -> bool:
    """Date: the predicted date starts with the same YYYY-MM-DD day as the truth."""
    day = _iso_day(truth)
    return day is not None and day == _iso_day(prediction.published or "")


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _name_words(text: str) -> set[str]:
    return {token for token in tokenize(text.casefold()) if len(token) > 1}


def _iso_day(text: str) -> str | None:
    found = _ISO_DAY.match(text)
    return found.group(1) if found else None


MetadataCheck = Callable[[str, Prediction], bool]
METADATA_CHECKS: dict[str, tuple[MetadataCheck, str]] = {
    "title": (title_correct, "title"),
    "author": (author_correct, "author"),
    "date": (date_correct, "publish_date"),
}
"""Metadata accuracies: name -> (check, ground-truth key); a page counts only where that key is non-null."""


def judge_metadata(truth: dict[str, Any], prediction: Prediction) -> dict[str, bool]:
    """Which metadata fields the prediction got right, for the fields the ground truth labels."""
    return {name: check(truth[key], prediction) for name, (check, key) in METADATA_CHECKS.items() if truth.get(key)}


def run_newsclean(page: Page) -> Prediction:
    """newsclean's extraction; a Rejection counts as empty text."""
    outcome = extract(page.html, page.url)
    if isinstance(outcome, Rejection):
        return Prediction("", rejection=str(outcome.reason))
    return Prediction(outcome.text, outcome.title, tuple(outcome.authors), outcome.published)


def run_trafilatura(page: Page) -> Prediction:
    """Plain trafilatura text output with its default settings, comments left out (as in the benchmark)."""
    return Prediction(trafilatura.extract(page.html, url=page.url, include_comments=False) or "")


def trafilatura_metadata(page: Page, prediction: Prediction) -> Prediction:
    """trafilatura's own title / author / date for the page (its authors come joined by "; ")."""
    document = trafilatura.extract_metadata(page.html, default_url=page.url)
    authors = tuple(name.strip() for name in (document.author or "").split(";") if name.strip())
    return replace(prediction, title=document.title, authors=authors, published=document.date)


@dataclass(frozen=True)
class System:
    """An extractor under test; `metadata`, if set, adds title/authors/date outside the timed call."""

    name: str
    run: Callable[[Page], Prediction]
    metadata: Callable[[Page, Prediction], Prediction] | None = None


SYSTEMS = (
    System("newsclean", run_newsclean),
    System("trafilatura", run_trafilatura, trafilatura_metadata),
)


@dataclass(frozen=True)
class PageResult:
    """One system on one page."""

    page_id: str
    url: str
    truth: str
    prediction: Prediction
    score: PageScore
    cpu_seconds: float
    metadata: dict[str, bool]

    def leaked(self) -> list[str]:
        return unmatched_spans(self.prediction.text, self.truth)

    def lost(self) -> list[str]:
        return unmatched_spans(self.truth, self.prediction.text)


@dataclass
class SystemResult:
    """All pages of one system, with the aggregates the report shows."""

    name: str
    pages: list[PageResult] = field(default_factory=list)

    def scores(self) -> Scores:
        return aggregate([page.score for page in self.pages])

    def cpu_ms_per_page(self) -> float:
        return 1000 * _mean([page.cpu_seconds for page in self.pages])

    def metadata_accuracy(self) -> dict[str, tuple[int, int]]:
        """Field -> (correct, labelled pages)."""
        judged = [page.metadata for page in self.pages]
        return {
            name: (sum(marks[name] for marks in judged if name in marks), sum(name in marks for marks in judged))
            for name in METADATA_CHECKS
        }

    def worst(self, count: int) -> list[PageResult]:
        """The `count` pages with the lowest per-page F1 (ties by page id)."""
        return sorted(self.pages, key=lambda page: (page.score.f1, page.page_id))[:count]


@dataclass(frozen=True)
class Evaluation:
    """The result of one run over a dataset."""

    dataset: str
    page_type: str | None
    with_metadata: bool
    systems: dict[str, SystemResult]
    without_names: bool = False


def evaluate(dataset: Dataset, page_type: str | None = None, limit: int | None = None) -> Evaluation:
    """Run every system on the selected pages, one after the other in this process.

    CPU time is `time.process_time()` around each extraction call. Each system first runs once,
    untimed, on the first page so that one-off costs (lazy imports, compiled patterns) are not counted.
    """
    ids, with_metadata = dataset.select(page_type, limit), dataset.has_metadata
    results = {system.name: SystemResult(system.name) for system in SYSTEMS}
    for index, page_id in enumerate(ids):
        page = dataset.page(page_id)
        if index == 0:
            _warm_up(page)
        for system in SYSTEMS:
            results[system.name].pages.append(_judge(system, page, with_metadata))
        logger.debug("evaluated %s (%d/%d)", page_id, index + 1, len(ids))
    return Evaluation(dataset.name, page_type, with_metadata, results, dataset.without_names)


def _warm_up(page: Page) -> None:
    for system in SYSTEMS:
        system.run(page)


def _judge(system: System, page: Page, with_metadata: bool) -> PageResult:
    start = time.process_time()
    prediction = system.run(page)
    cpu_seconds = time.process_time() - start
    if with_metadata and system.metadata:
        prediction = system.metadata(page, prediction)
    truth = page.truth.get("articleBody") or ""
    marks = judge_metadata(page.truth, prediction) if with_metadata else {}
    return PageResult(page.id, page.url, truth, prediction, compare(truth, prediction.text), cpu_seconds, marks)
