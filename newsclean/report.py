"""The crawl report: per-host figures read from a crawl's stats, and their text form.

The crawl counts everything per host under `newsclean/host/<host:port>/<figure>`; `host_reports()`
turns those keys into one small dict per host, which is logged, kept in crawl_runs.report and
printed by `scrapy report`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

HOST_PREFIX = "newsclean/host/"
# Pages whose body failed extraction: in a site that used to give articles, a layout change.
EMPTY_BODY_REASONS = frozenset({"too_short", "no_main_text", "empty_document"})
COUNTERS = ("pages_fetched", "not_modified", "skipped_unchanged")
GROUPS = ("articles", "rejected", "dropped", "errors", "health")


def host_key(host: str, figure: str) -> str:
    """The stats key of one figure of one host, e.g. newsclean/host/news.example/rejected/tag_page."""
    return f"{HOST_PREFIX}{host}/{figure}"


def host_reports(stats: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """{host: {pages_fetched, not_modified, skipped_unchanged, articles, rejected, dropped, errors, health}}."""
    raw: dict[str, dict[str, Any]] = {}
    for key, value in stats.items():
        if not key.startswith(HOST_PREFIX):
            continue
        host, _, figure = key.removeprefix(HOST_PREFIX).partition("/")
        report = raw.setdefault(host, _empty())
        group, _, name = figure.partition("/")
        if name:
            report.setdefault(group, {})[name] = value
        else:
            report[figure] = value
    return {host: _finish(report) for host, report in sorted(raw.items())}


def _empty() -> dict[str, Any]:
    report: dict[str, Any] = dict.fromkeys(COUNTERS, 0)
    report.update({group: {} for group in GROUPS})
    return report


def _finish(report: dict[str, Any]) -> dict[str, Any]:
    counts = report.pop("health")
    candidates = counts.get("candidates", 0)
    report["articles"] = {outcome: report["articles"].get(outcome, 0) for outcome in ("new", "updated", "unchanged")}
    report["health"] = {
        "candidates": candidates,
        **{f"{name}_share": round(counts.get(name, 0) / candidates, 3) if candidates else 0.0
           for name in ("empty_body", "no_date", "no_title")},
    }
    return report


def format_host(host: str, report: Mapping[str, Any]) -> str:
    """One host's report as one line of text."""
    articles = report["articles"]
    health = report["health"]
    parts = [
        (f"{host}: {report['pages_fetched']} pages fetched, {report['not_modified']} not modified,"
         f" {report['skipped_unchanged']} stored articles not requested"),
        f"articles {articles['new']} new / {articles['updated']} updated / {articles['unchanged']} unchanged",
    ]
    for group in ("rejected", "dropped", "errors"):
        if report[group]:
            parts.append(f"{group} " + ", ".join(f"{name}={count}" for name, count in sorted(report[group].items())))
    if health["candidates"]:
        parts.append(
            f"extraction health over {health['candidates']} article pages: empty body {health['empty_body_share']:.0%},"
            f" no date {health['no_date_share']:.0%}, no title {health['no_title_share']:.0%}"
        )
    return "; ".join(parts)


def format_run(run: Mapping[str, Any]) -> list[str]:
    """A run of crawl_runs as text: a header line, then one line per host."""
    source = run.get("source") or "-"
    finished = run["finished_at"] or "-"
    header = (f"run {run['id']}  source {source}  spider {run['spider']}  {run['started_at']} -> {finished}"
              f"  ({run['finish_reason']})")
    lines = [header]
    hosts = run.get("report") or {}
    lines.extend(f"  {format_host(host, report)}" for host, report in hosts.items())
    if not hosts:
        lines.append("  (no per-host figures)")
    return lines
