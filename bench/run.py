"""`make bench`: build a local site, serve it, and measure three runs over the same pages.

python -m bench [--pages N] [--runs bare,trafilatura,full] [--server auto|nginx|python]
python -m bench --rss-series 5000,10000,20000

1. bare crawl: a spider that only follows links (bench/bare_spider.py), nothing stored;
2. trafilatura alone on one core over the site's files (bench/extract_alone.py);
3. the full newsclean crawl, `scrapy crawl news`, into a fresh SQLite store.

Both crawls run with the project's settings, politeness off (no autothrottle, no delay, robots.txt
not read, CONCURRENCY requests at once) and the loopback server allowed: CRAWL_SETTINGS. Each run
is a separate process tree, measured by bench/measure.py. The 2-core bound is 2 / (1/bare + 1/trafilatura) pages/s.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import signal
import sqlite3
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
import scrapy
import trafilatura

from bench.measure import TreeUsage, run_measured
from bench.profile import format_profile, py_spy_command, summarize
from bench.server import SiteProcess, serve
from bench.site import SiteInfo, build_site, find_sources
from newsclean.workers import WORKER_MODULE

logger = logging.getLogger("bench")

REPO = Path(__file__).resolve().parent.parent
DATASETS = REPO.parent / "shared" / "datasets"
DEMO_SITE = REPO / "demo" / "site"
WORKDIR = REPO / "data" / "bench"
RESULTS = REPO / "bench" / "results"
CONCURRENCY = 32
CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "ROBOTSTXT_OBEY": "False",
    "CONCURRENT_REQUESTS": str(CONCURRENCY),
    "CONCURRENT_REQUESTS_PER_DOMAIN": str(CONCURRENCY),
    "LOG_LEVEL": "INFO",
    "NEWSCLEAN_ALLOWED_PRIVATE_HOSTS": "127.0.0.1",
}
OK_STATUS = "downloader/response_status_count/200"
RSS_POINTS = 10
BUSY_MACHINE_SHARE = 0.10
RUN_NAMES = ("bare", "trafilatura", "full")
TITLES = {
    "bare": "bare crawl (links only)",
    "trafilatura": "trafilatura alone (1 core)",
    "full": "newsclean crawl (full)",
}


@dataclass
class RunResult:
    """One measured run. `seconds` is the work's own time (a crawl's elapsed_time_seconds)."""

    name: str
    pages: int
    seconds: float
    usage: TreeUsage
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.usage.cpu_seconds / self.pages if self.pages else 0.0

    def to_dict(self) -> dict[str, Any]:
        usage = {k: v for k, v in asdict(self.usage).items() if k != "rss_series_mb"}
        series = self.usage.rss_series_mb
        return {
            "rss_mb_over_time": series[:: max(1, len(series) // RSS_POINTS)],
            "pages": self.pages,
            "seconds": round(self.seconds, 2),
            "pages_per_second": round(self.pages_per_second, 1),
            "cpu_ms_per_page": round(self.cpu_ms_per_page, 1),
            **{k: round(v, 1) if isinstance(v, float) else v for k, v in usage.items()},
            **self.details,
        }


class BenchError(RuntimeError):
    """A run failed; the message names its log."""


def scrapy_command(*args: str, settings: dict[str, str]) -> list[str]:
    return [sys.executable, "-m", "scrapy", *args, *(f"-s{k}={v}" for k, v in settings.items())]


def run_bare(site: SiteProcess, workdir: Path, settings: dict[str, str]) -> RunResult:
    stats_path = workdir / "bare-stats.json"
    stats_path.unlink(missing_ok=True)
    command = scrapy_command(
        "runspider", "bench/bare_spider.py", "-a", f"start={site.base_url}/", "-a", f"stats_out={stats_path}",
        settings={**settings, "STORE_URL": ""},
    )
    stats, usage = _crawl(command, workdir / "bare.log", site, lambda: json.loads(stats_path.read_text("utf-8")))
    return RunResult("bare", stats[OK_STATUS], _elapsed(stats), usage)


def run_trafilatura(site: SiteProcess, root: Path, workdir: Path) -> RunResult:
    log = workdir / "trafilatura.log"
    command = [sys.executable, "-m", "bench.extract_alone", str(root), site.base_url]
    status, usage = run_measured(command, cwd=REPO, log_path=log)
    if status != 0:
        raise BenchError(f"trafilatura alone failed with status {status}; see {log}")
    result = json.loads(log.read_text("utf-8").strip().splitlines()[-1])
    return RunResult("trafilatura", result["pages"], result["seconds"], usage, {"extracted": result["extracted"]})


def run_full(site: SiteProcess, workdir: Path, pages: int, settings: dict[str, str]) -> RunResult:
    database = _fresh_database(workdir / f"full-{pages}.db")
    command = _news_command(site, database, settings)
    stats, usage = _crawl(command, workdir / f"full-{pages}.log", site, lambda: _last_run_stats(database))
    details = {
        "articles_stored": stats.get("newsclean/store/new", 0),
        "rejected": {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("newsclean/pages/rejected/")},
        "dropped": {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("item_dropped_reasons_count/")},
    }
    return RunResult("full", stats[OK_STATUS], _elapsed(stats), usage, details)


def run_profile(site: SiteProcess, workdir: Path, pages: int, settings: dict[str, str]) -> dict[str, Any]:
    """The full crawl again, under py-spy: where its CPU went, as data and as text."""
    database = _fresh_database(workdir / f"profile-{pages}.db")
    folded = workdir / f"profile-{pages}.folded"
    command = py_spy_command(_news_command(site, database, settings), folded)
    stats, _usage = _crawl(command, workdir / f"profile-{pages}.log", site, lambda: _last_run_stats(database))
    profile, fetched = summarize(folded), int(stats[OK_STATUS])
    summary = {"pages": fetched, "folded_stacks": str(folded), **profile.to_dict()}
    return {**summary, "text": format_profile(profile, fetched)}


def _news_command(site: SiteProcess, database: Path, settings: dict[str, str]) -> list[str]:
    return scrapy_command(
        "crawl", "news", "-a", f"start={site.base_url}/", settings={**settings, "STORE_URL": f"sqlite:///{database}"}
    )


def _fresh_database(database: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return database


def _crawl(
    command: list[str], log: Path, site: SiteProcess, read_stats: Callable[[], dict[str, Any]]
) -> tuple[dict[str, Any], TreeUsage]:
    """Run a crawl, measured; its Scrapy stats (read by `read_stats` once it ended) and its usage."""
    status, usage = run_measured(command, cwd=REPO, log_path=log, server_pid=site.pid)
    try:
        stats: dict[str, Any] = read_stats()
    except (OSError, ValueError, TypeError, sqlite3.Error) as error:
        raise BenchError(f"no crawl stats ({error}); status {status}; see {log}") from error
    if status != 0 or not stats.get(OK_STATUS):
        raise BenchError(f"the crawl failed (status {status}, {stats.get(OK_STATUS, 0)} pages); see {log}")
    return stats, usage


def _last_run_stats(database: Path) -> dict[str, Any]:
    with sqlite3.connect(database) as db:
        row = db.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        raise ValueError(f"no crawl run recorded in {database}")
    return dict(json.loads(row[0]))


def _elapsed(stats: dict[str, Any]) -> float:
    return float(stats["elapsed_time_seconds"])


def two_core_bound(bare: float, trafilatura: float) -> float:
    """Pages/s when two cores are shared between fetching (bare) and extraction (trafilatura)."""
    return 2 / (1 / bare + 1 / trafilatura)


def prepare_site(pages: int, workdir: Path, datasets: Path = DATASETS) -> tuple[Path, SiteInfo]:
    source, sources = find_sources(datasets, DEMO_SITE)
    root = workdir / f"site-{pages}"
    logger.info("Site of %d articles from %d %s pages: %s", pages, len(sources), source, root)
    return root, build_site(root, pages, sources, source)


def measure(args: argparse.Namespace, pages: int, runs: Sequence[str]) -> dict[str, Any]:
    """Build (or reuse) the site, serve it and measure each run in turn."""
    workdir, settings = args.workdir, args.settings
    root, info = prepare_site(pages, workdir, args.datasets)
    results: dict[str, RunResult] = {}
    with serve(root, workdir, args.server) as site:
        logger.info("Serving %s with %s at %s", root, site.kind, site.base_url)
        for name in runs:
            logger.info("Measuring: %s", TITLES[name])
            if name == "bare":
                results[name] = run_bare(site, workdir, settings)
            elif name == "trafilatura":
                results[name] = run_trafilatura(site, root, workdir)
            else:
                results[name] = run_full(site, workdir, pages, settings)
        profile = run_profile(site, workdir, pages, settings) if args.profile else None
    report = _report(info, site.kind, results, settings)
    if profile is not None:
        report["profile"] = profile
    return report


def _report(info: SiteInfo, server: str, results: dict[str, RunResult], settings: dict[str, str]) -> dict[str, Any]:
    report: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "server": server,
        "site": asdict(info),
        "crawl_settings": settings,
        "runs": {name: result.to_dict() for name, result in results.items()},
    }
    if "bare" in results and "trafilatura" in results:
        bound = two_core_bound(results["bare"].pages_per_second, results["trafilatura"].pages_per_second)
        report["two_core_bound_pages_per_second"] = round(bound, 1)
        if "full" in results:
            report["full_to_bound"] = round(results["full"].pages_per_second / bound, 3)
            bound_cpu = results["bare"].cpu_ms_per_page + results["trafilatura"].cpu_ms_per_page
            report["cpu_ms_per_page_bare_plus_trafilatura"] = round(bound_cpu, 1)
            report["full_cpu_to_bound_cpu"] = round(bound_cpu / results["full"].cpu_ms_per_page, 3)
    return report


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gb": round(psutil.virtual_memory().total / 1e9, 1),
        "python": platform.python_version(),
        "scrapy": scrapy.__version__,
        "trafilatura": trafilatura.__version__,
    }


def _cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text("utf-8").splitlines()
    except OSError:
        return platform.processor()
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "")


def format_table(report: dict[str, Any]) -> str:
    header = (
        "run", "pages", "seconds", "pages/s", "CPU s", "main proc CPU s", "CPU ms/page",
        "peak RSS MB", "peak PSS MB", "server CPU s", "other CPU s",
    )
    rows = [header]
    for name in (name for name in RUN_NAMES if name in report["runs"]):
        run = report["runs"][name]
        rows.append((
            TITLES[name], str(run["pages"]), f"{run['seconds']:.1f}", f"{run['pages_per_second']:.1f}",
            f"{run['cpu_seconds']:.1f}", f"{run['main_cpu_seconds']:.1f}", f"{run['cpu_ms_per_page']:.1f}",
            f"{run['peak_rss_mb']:.0f}",
            f"{run['peak_pss_mb']:.0f}", f"{run['server_cpu_seconds']:.1f}", f"{run['other_cpu_seconds']:.1f}",
        ))
    lines = _columns(rows)
    site = report["site"]
    lines.insert(0, (
        f"site: {site['pages']} articles + {site['html_files'] - site['pages']} listing pages from "
        f"{site['source_pages']} {site['source']} pages ({site['megabytes']} MB), "
        f"served by {report['server']}; {report['machine']['cpus']} CPUs"
    ))
    if "two_core_bound_pages_per_second" in report:
        line = f"2-core bound 2/(1/bare + 1/trafilatura) = {report['two_core_bound_pages_per_second']:.1f} pages/s"
        if "full_to_bound" in report:
            line += f"; the full crawl reaches {report['full_to_bound']:.2f} of it"
        lines.append(line)
    if "full_cpu_to_bound_cpu" in report:
        lines.append(
            f"CPU per page: bare + trafilatura {report['cpu_ms_per_page_bare_plus_trafilatura']:.1f} ms, "
            f"full crawl {report['runs']['full']['cpu_ms_per_page']:.1f} ms: with both cores free for it, "
            f"the full crawl's CPU use allows at most {report['full_cpu_to_bound_cpu']:.2f} of the bound"
        )
    lines.extend(_warnings(report))
    return "\n".join(lines)


def _columns(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(_cell(cell, width, i == 0) for i, (cell, width) in enumerate(zip(row, widths))) for row in rows]


def _cell(text: str, width: int, first: bool) -> str:
    return text.ljust(width) if first else text.rjust(width)


def _warnings(report: dict[str, Any]) -> list[str]:
    warnings = []
    for name, run in report["runs"].items():
        share = run["other_cpu_seconds"] / run["wall_seconds"] if run["wall_seconds"] else 0.0
        if share > BUSY_MACHINE_SHARE:
            warnings.append(
                f"warning: other processes used {run['other_cpu_seconds']:.0f} CPU s during '{TITLES[name]}' "
                f"({share:.0%} of a core): its figures may be low"
            )
    return warnings


def rss_series(args: argparse.Namespace, sizes: Sequence[int]) -> dict[str, Any]:
    """The full crawl at each size: peak RSS should not grow with pages crawled."""
    rows = []
    for pages in sizes:
        report = measure(args, pages, ["full"])
        rows.append({"site_pages": pages, **report["runs"]["full"]})
    when = datetime.now(UTC).isoformat(timespec="seconds")
    return {"when": when, "machine": machine(), "crawl_settings": args.settings, "runs": rows}


def format_rss_table(series: dict[str, Any]) -> str:
    header = (
        "site pages", "pages fetched", "pages/s", "peak RSS MB", "peak PSS MB", "main process peak RSS MB",
        "workers peak RSS MB",
    )
    rows = [header] + [
        (str(r["site_pages"]), str(r["pages"]), f"{r['pages_per_second']:.1f}", f"{r['peak_rss_mb']:.0f}",
         f"{r['peak_pss_mb']:.0f}", f"{r['peak_main_rss_mb']:.0f}",
         f"{r['peak_rss_by_role_mb'].get(WORKER_MODULE, 0.0):.0f}")
        for r in series["runs"]
    ]
    return "\n".join(_columns(rows))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000, help="articles in the site (default 5000)")
    parser.add_argument("--runs", default=",".join(RUN_NAMES), help="comma-separated: bare,trafilatura,full")
    parser.add_argument("--server", choices=("auto", "nginx", "python"), default="auto")
    parser.add_argument("--rss-series", metavar="N,N,...", help="only the full crawl, at each site size, for peak RSS")
    parser.add_argument("--profile", action="store_true", help="then run the full crawl under py-spy: where CPU goes")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="extra Scrapy setting for both crawls"
    )
    parser.add_argument("--workdir", type=Path, default=WORKDIR, help="sites, stores and logs (default data/bench)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the JSON goes (default bench/results)")
    parser.add_argument("--datasets", type=Path, default=DATASETS, help="saved pages (default ../shared/datasets)")
    args = parser.parse_args(argv)
    args.runs = [name.strip() for name in args.runs.split(",") if name.strip()]
    if unknown := set(args.runs) - set(RUN_NAMES):
        parser.error(f"unknown runs: {', '.join(sorted(unknown))}")
    if malformed := [pair for pair in args.set if "=" not in pair]:
        parser.error(f"--set takes NAME=VALUE, not {malformed[0]!r}")
    args.settings = {**CRAWL_SETTINGS, **dict(pair.split("=", 1) for pair in args.set)}
    return args


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="bench: %(message)s")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    args = parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    args.results.mkdir(parents=True, exist_ok=True)
    try:
        if args.rss_series:
            series = rss_series(args, [int(n) for n in args.rss_series.split(",")])
            _write(args.results / "rss.json", series)
            print(format_rss_table(series))
        else:
            report = measure(args, args.pages, args.runs)
            _write(args.results / "latest.json", report)
            print(format_table(report))
            if "profile" in report:
                print(report["profile"]["text"])
    except RuntimeError as error:  # BenchError, or a server or py-spy that could not start
        logger.error("%s", error)
        return 1
    return 0


def _write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", "utf-8")
    logger.info("Wrote %s", path)
