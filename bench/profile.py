"""Where the full crawl's CPU goes: py-spy samples of every process, summed by role and, for the reactor, by task.

`python -m bench --profile` runs the full crawl once more under ``py-spy record --subprocesses --format raw``
(not timed: py-spy slows it a little) and summarizes the collapsed stacks it wrote. Each sample is given
to the process that was running it (reactor, analysis worker, other) and, in the reactor, to the
task named by its innermost recognised frame (REACTOR_TASKS, first match per frame).
"""

from __future__ import annotations

import re
import shutil
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsclean.workers import WORKER_MODULE

PY_SPY_RATE = 100
PROCESS_RE = re.compile(r'process (\d+):"(.*?)";')
REACTOR_TASKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("decode the page to str (response.text)", ("TextResponse.text", "decode_html", "looks_binary", "to_unicode")),
    ("send the page to a worker (pickle + pipe)", ("Connection.send", "ForkingPickler.dumps", "_ConnectionBase.send")),
    ("receive the worker's answer (unpickle)", ("_ConnectionBase.recv", "Connection._recv")),
    ("normalize_url on found links", ("normalize_url",)),
    ("filter found links, build Requests", ("NewsSpider._page_requests", "NewsSpider._on_site", "Request.__init__")),
    ("crawl state (incremental bookkeeping)", ("CrawlState", "body_hash", "save_crawl_state")),
    ("SQLite store pipeline", ("StorePipeline", "SQLiteStore", "_Transaction")),
    ("other item pipelines", ("ValidationPipeline", "DuplicatesPipeline")),
    ("stats", ("StatsCollector", "inc_value")),
    ("HTTP download (Twisted, http11)", ("http11", "twisted/internet/tcp", "twisted/web", "Downloader")),
    ("scheduler and dupefilter", ("Scheduler", "fingerprint", "DupeFilter", "pqueues")),
    ("Scrapy engine, scraper, spider middlewares", ("ExecutionEngine", "Scraper", "spidermiddlewares", "scrapy/")),
    ("logging", ("logging/__init__",)),
    ("asyncio and Twisted event loops", ("asyncio", "twisted", "selectors")),
)


@dataclass
class Profile:
    """CPU samples by process role, and the reactor's by task and by innermost frame."""

    samples_per_second: int = PY_SPY_RATE
    roles: Counter[str] = field(default_factory=Counter)
    reactor_tasks: Counter[str] = field(default_factory=Counter)
    reactor_frames: Counter[str] = field(default_factory=Counter)
    worker_frames: Counter[str] = field(default_factory=Counter)

    def to_dict(self, top: int = 15) -> dict[str, object]:
        reactor = sum(self.reactor_tasks.values()) or 1
        workers = self.roles["analysis worker"] or 1
        return {
            "cpu_seconds_by_process": {k: round(v / self.samples_per_second, 1) for k, v in self.roles.most_common()},
            "reactor_share_by_task": {k: round(v / reactor, 3) for k, v in self.reactor_tasks.most_common()},
            "reactor_top_frames": {k: round(v / reactor, 3) for k, v in self.reactor_frames.most_common(top)},
            "worker_top_frames": {k: round(v / workers, 3) for k, v in self.worker_frames.most_common(top)},
        }


def py_spy_command(command: Sequence[str], output: Path) -> list[str]:
    """`command` run under py-spy, following its subprocesses, writing collapsed stacks to `output`."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(py_spy).exists():
        raise RuntimeError("py-spy is not installed (it is in requirements-dev.txt)")
    return [
        py_spy, "record", "--format", "raw", "--rate", str(PY_SPY_RATE), "--subprocesses", "--nonblocking",
        "-o", str(output), "--", *command,
    ]


def summarize(folded: Path) -> Profile:
    """Read py-spy's raw output: one line per distinct stack, `process ...;frame;frame COUNT`."""
    profile = Profile()
    with folded.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            processes = list(PROCESS_RE.finditer(stack))
            if processes and count.isdigit():
                _add(profile, _role(processes), stack[processes[-1].end() :].split(";"), int(count))
    return profile


def _role(processes: list[re.Match[str]]) -> str:
    """The sampled process is the last one named: the reactor, or one of its analysis workers."""
    if len(processes) == 1:
        return "reactor"
    return "analysis worker" if WORKER_MODULE in processes[-1].group(2) else "other"


def _add(profile: Profile, role: str, frames: list[str], count: int) -> None:
    profile.roles[role] += count
    if role == "reactor":
        profile.reactor_tasks[_task(frames)] += count
        profile.reactor_frames[frames[-1]] += count
    elif role == "analysis worker":
        profile.worker_frames[frames[-1]] += count


def _task(frames: list[str]) -> str:
    for frame in reversed(frames):
        for task, markers in REACTOR_TASKS:
            if any(marker in frame for marker in markers):
                return task
    return "other"


def format_profile(profile: Profile, pages: int) -> str:
    """The summary as text: CPU ms per page by process, then the reactor's share by task."""
    lines = ["CPU per page by process (py-spy samples):"]
    for role, samples in profile.roles.most_common():
        lines.append(f"  {role:<40} {1000 * samples / profile.samples_per_second / pages:6.1f} ms/page")
    reactor = sum(profile.reactor_tasks.values()) or 1
    lines.append("reactor process, by task:")
    for task, samples in profile.reactor_tasks.most_common():
        lines.append(f"  {task:<44} {samples / reactor:6.1%}")
    return "\n".join(lines)
