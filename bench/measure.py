"""Run a command and measure its whole process tree: wall time, CPU seconds, peak RSS (and PSS).

A thread samples the process and all its descendants every SAMPLE_INTERVAL seconds with psutil.
CPU time is the sum over every process seen of its last sampled user+system time, so a process
loses at most one interval of CPU between its last sample and its exit. Peak RSS is the largest
sum of the tree's RSS at one sample; it counts shared pages once per process, as `ps` does.
PSS (shared pages divided among the processes sharing them) is given beside it, and the peak RSS of each
kind of process in the tree (`peak_rss_by_role_mb`: "main", each child by what it runs, e.g. the analysis
workers as "newsclean.workers", and "grandchild" for the processes the children started).
"""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

logger = logging.getLogger(__name__)

SAMPLE_INTERVAL = 0.2
MB = 1024 * 1024


@dataclass
class TreeUsage:
    """What a process tree used while it ran."""

    wall_seconds: float = 0.0
    cpu_seconds: float = 0.0
    main_cpu_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    peak_pss_mb: float = 0.0
    peak_main_rss_mb: float = 0.0
    peak_rss_by_role_mb: dict[str, float] = field(default_factory=dict)
    peak_processes: int = 0
    server_cpu_seconds: float = 0.0
    other_cpu_seconds: float = 0.0
    rss_series_mb: list[tuple[float, float]] = field(default_factory=list)


class TreeSampler:
    """Samples a process tree (and optionally a server process beside it) until stopped."""

    def __init__(self, root_pid: int, server_pid: int | None = None, interval: float = SAMPLE_INTERVAL) -> None:
        self.root = psutil.Process(root_pid)
        self.server = psutil.Process(server_pid) if server_pid else None
        self.interval = interval
        self.usage = TreeUsage()
        self._cpu: dict[int, float] = {}
        self._roles: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-sampler", daemon=True)
        self._started = time.monotonic()
        self._server_cpu_start = _cpu_of(self.server)
        self._system_busy_start = _system_busy()

    def start(self) -> TreeSampler:
        self._thread.start()
        return self

    def stop(self) -> TreeUsage:
        self._stop.set()
        self._thread.join()
        usage = self.usage
        usage.wall_seconds = time.monotonic() - self._started
        usage.cpu_seconds = sum(self._cpu.values())
        usage.main_cpu_seconds = self._cpu.get(self.root.pid, 0.0)
        usage.server_cpu_seconds = max(0.0, _cpu_of(self.server) - self._server_cpu_start)
        busy = _system_busy() - self._system_busy_start
        usage.other_cpu_seconds = max(0.0, busy - usage.cpu_seconds - usage.server_cpu_seconds)
        return usage

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        """Add one sample of the tree: CPU per process, RSS and PSS summed."""
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return
        rss = pss = 0
        main_rss = 0
        by_role: dict[str, int] = {}
        for process in processes:
            try:
                with process.oneshot():
                    times = process.cpu_times()
                    memory = process.memory_full_info()
            except psutil.Error:
                continue
            self._cpu[process.pid] = times.user + times.system
            rss += memory.rss
            pss += getattr(memory, "pss", memory.rss)
            if process.pid == self.root.pid:
                main_rss = memory.rss
            role = self._role(process)
            by_role[role] = by_role.get(role, 0) + memory.rss
        self._record(rss / MB, pss / MB, main_rss / MB, len(processes))
        for role, role_rss in by_role.items():
            peaks = self.usage.peak_rss_by_role_mb
            peaks[role] = round(max(peaks.get(role, 0.0), role_rss / MB), 1)

    def _role(self, process: psutil.Process) -> str:
        if process.pid not in self._roles:
            self._roles[process.pid] = _role_of(process, self.root.pid)
        return self._roles[process.pid]

    def _record(self, rss: float, pss: float, main_rss: float, processes: int) -> None:
        usage = self.usage
        usage.peak_rss_mb = max(usage.peak_rss_mb, rss)
        usage.peak_pss_mb = max(usage.peak_pss_mb, pss)
        usage.peak_main_rss_mb = max(usage.peak_main_rss_mb, main_rss)
        usage.peak_processes = max(usage.peak_processes, processes)
        usage.rss_series_mb.append((round(time.monotonic() - self._started, 1), round(rss, 1)))


def _role_of(process: psutil.Process, root_pid: int) -> str:
    if process.pid == root_pid:
        return "main"
    try:
        if process.ppid() != root_pid:
            return "grandchild"
        return _program(process.cmdline())
    except psutil.Error:
        return "other"


def _program(command: list[str]) -> str:
    """What a child runs: MODULE for `python -m MODULE`, a multiprocessing helper's name, else the program's."""
    for word, following in zip(command, command[1:]):
        if word == "-m":
            return following
        if word == "-c" and following.startswith("from multiprocessing."):
            return following.split()[1].rsplit(".", 1)[-1]
    return Path(command[0]).name if command else "other"


def _cpu_of(process: psutil.Process | None) -> float:
    if process is None:
        return 0.0
    try:
        times = process.cpu_times()
    except psutil.Error:
        return 0.0
    return float(times.user + times.system)


def _system_busy() -> float:
    """CPU seconds all cores spent running anything since boot (guest time is already in user)."""
    times = psutil.cpu_times()
    return float(times.user + times.nice + times.system + getattr(times, "irq", 0.0) + getattr(times, "softirq", 0.0))


def _end(process: subprocess.Popen[bytes]) -> None:
    """Stop a run that is still going (the benchmark was interrupted)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_measured(
    command: Sequence[str], *, cwd: Path, log_path: Path, server_pid: int | None = None
) -> tuple[int, TreeUsage]:
    """Run `command` (output to log_path), sampling its process tree; its exit status and usage."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            list(command), cwd=cwd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )
        sampler = TreeSampler(process.pid, server_pid).start()
        try:
            returncode = process.wait()
        finally:
            usage = sampler.stop()
            _end(process)
    logger.debug("%s: status %d, %s", command[0], returncode, usage)
    return returncode, usage
