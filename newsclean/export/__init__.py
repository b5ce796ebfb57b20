"""Turning the store into a corpus: filters, duplicate removal and the Dolma document format, streamed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsclean.export.dedup import ExactDuplicates
from newsclean.export.dolma import to_dolma
from newsclean.export.filters import RecordFilter
from newsclean.record import ArticleRecord

if TYPE_CHECKING:
    from newsclean.export.neardup import NearDuplicateVerdicts

__all__ = ["ExportPlan", "ExportSummary", "RecordFilter", "select_records", "to_dolma"]

# Reads the store once; the argument names the pass ("scan" or "export") for progress display.
RecordPass = Callable[[str], Iterable[ArticleRecord]]


@dataclass(frozen=True)
class ExportPlan:
    filter: RecordFilter = RecordFilter()
    exact_dedup: bool = False
    near_dedup_threshold: float | None = None


@dataclass
class ExportSummary:
    exported: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    near_duplicate_groups: int = 0

    def describe(self) -> str:
        """"dropped 7: near_duplicate 4 (in 2 groups), language 3" or "nothing dropped"."""
        if not self.dropped:
            return "nothing dropped"
        parts = []
        for reason, count in self.dropped.most_common():
            groups = f" (in {self.near_duplicate_groups} groups)" if reason == "near_duplicate" else ""
            parts.append(f"{reason} {count}{groups}")
        return f"dropped {self.dropped.total()}: {', '.join(parts)}"


def select_records(read: RecordPass, plan: ExportPlan, summary: ExportSummary) -> Iterator[ArticleRecord]:
    """The records to export, in store order, counting every drop by reason in `summary`.

    With near-duplicate removal the store is read twice (see newsclean.export.neardup); otherwise once.
    """
    verdicts = _scan(read, plan, summary) if plan.near_dedup_threshold is not None else None
    exact = ExactDuplicates() if plan.exact_dedup else None
    for record in read("export"):
        reason = (plan.filter.reason(record)
                  or (verdicts.reason(record) if verdicts else None)
                  or (exact.reason(record) if exact else None))
        if reason:
            summary.dropped[reason] += 1
            continue
        summary.exported += 1
        yield record


def _scan(read: RecordPass, plan: ExportPlan, summary: ExportSummary) -> NearDuplicateVerdicts:
    """The first pass of near-duplicate removal (datasketch and scipy are loaded only for it)."""
    from newsclean.export.neardup import NearDuplicates

    assert plan.near_dedup_threshold is not None
    near = NearDuplicates(plan.near_dedup_threshold)
    for record in read("scan"):
        if plan.filter.reason(record) is None:
            near.add(record)
    verdicts = near.resolve()
    summary.near_duplicate_groups = verdicts.groups
    return verdicts
