"""Peak memory of `scrapy export` on generated stores: does an export stream in constant memory?

    .venv/bin/python -m bench.export_memory                       # stores of 20,000 and 200,000 records
    .venv/bin/python -m bench.export_memory --sizes 200000 --keep /tmp/export-bench

Each store is generated once (the store API creates the schema, rows go in with plain SQL in batches):
news-like articles of 150-600 words, of which 5% are syndicated copies of an earlier story on another
host (a third verbatim, the rest with three words changed). Each export runs as its own process, as a user
runs it; its peak RSS is the kernel's figure for that process (wait4's ru_maxrss), so nothing samples and
nothing is missed. CPU seconds (user + system) are given beside the wall time, which depends on what else
the machine runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from newsclean.record import ArticleRecord, content_hash
from newsclean.store import open_store

ROOT = Path(__file__).resolve().parent.parent
BATCH = 5000
SYNDICATED_SHARE = 0.05
HOSTS = [f"news{number}.example" for number in range(40)]
EXPORTS = {
    "plain": ["-o", "{out}/plain.jsonl.gz"],
    "dolma": ["--format", "dolma", "--shard-size", "50000", "-o", "{out}/dolma.jsonl.zst"],
    "exact": ["--dedup", "exact", "-o", "{out}/exact.jsonl.gz"],
    "near": ["--near-dedup", "0.8", "-o", "{out}/near.jsonl.gz"],
}
INSERT = ("INSERT INTO articles (url, id, canonical_url, hostname, published, language, content_hash, fetched_at,"
          " version, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)")


@dataclass
class Measurement:
    store_records: int
    export: str
    peak_rss_mb: float
    cpu_seconds: float
    wall_seconds: float
    summary: str


class ArticleGenerator:
    """Deterministic news-like records: Zipf-distributed words from a fixed vocabulary."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = np.random.default_rng(seed)
        letters = np.array(list("etaoinshrdlcumwfgypbvkjxqz"))
        lengths = self.rng.integers(2, 11, size=30_000)
        self.vocabulary = np.array(["".join(self.rng.choice(letters, size=n)) for n in lengths])
        ranks = np.arange(1, len(self.vocabulary) + 1)
        self.weights = (1 / ranks) / (1 / ranks).sum()
        self.recent: list[str] = []

    def text(self) -> str:
        words = self.vocabulary[self.rng.choice(len(self.vocabulary), size=int(self.rng.integers(150, 600)),
                                                p=self.weights)]
        paragraphs = np.array_split(words, max(1, len(words) // 60))
        return "\n\n".join(" ".join(paragraph) + "." for paragraph in paragraphs)

    def syndicated(self, original: str) -> str:
        """The same story elsewhere: a third of the copies verbatim, the others with three words changed."""
        if self.rng.random() < 1 / 3:
            return original
        words = original.split(" ")
        for index in self.rng.choice(len(words), size=3, replace=False):
            words[index] = str(self.vocabulary[self.rng.integers(len(self.vocabulary))])
        return " ".join(words)

    def record(self, number: int) -> ArticleRecord:
        if self.recent and self.rng.random() < SYNDICATED_SHARE:
            text = self.syndicated(self.recent[int(self.rng.integers(len(self.recent)))])
        else:
            text = self.text()
            self.recent = [*self.recent[-999:], text]
        host = HOSTS[number % len(HOSTS)]
        url = f"https://{host}/{2020 + number % 7}/story-{number}.html"
        day = f"{2020 + number % 7}-{1 + number % 12:02d}-{1 + number % 28:02d}"
        return ArticleRecord(
            id=hashlib.sha256(url.encode()).hexdigest()[:32], url=url, canonical_url=url, title=f"Story {number}",
            text=text, published=f"{day}T{number % 24:02d}:00:00+00:00", language="en", hostname=host,
            word_count=len(text.split()), content_hash=content_hash(text), fetched_at="2026-11-01T00:00:00+00:00",
            discovered_via="sitemap", extractor={"name": "newsclean", "version": "bench"},
        )


def generate_store(path: Path, size: int) -> None:
    """A SQLite store of `size` generated records (kept if it already has them)."""
    url = f"sqlite:///{path}"
    store = open_store(url)
    count = store.count()
    store.close()
    if count == size:
        return
    path.unlink()
    open_store(url).close()
    generator = ArticleGenerator()
    with sqlite3.connect(path) as db:
        for start in range(0, size, BATCH):
            db.executemany(INSERT, _rows(generator, range(start, min(size, start + BATCH))))
            db.commit()
            print(f"  generated {min(size, start + BATCH):,}/{size:,} records", file=sys.stderr, end="\r")
    print(file=sys.stderr)


def _rows(generator: ArticleGenerator, numbers: range) -> Iterator[tuple[object, ...]]:
    for number in numbers:
        record = generator.record(number)
        yield (record.url, record.id, record.canonical_url, record.hostname, record.published, record.language,
               record.content_hash, record.fetched_at, json.dumps(record.to_dict(), ensure_ascii=False, sort_keys=True))


def measure_export(store: Path, size: int, name: str, args: list[str], out: Path) -> Measurement:
    """Run one export as a child process; its peak RSS comes from wait4()."""
    command = [sys.executable, "-m", "scrapy", "export", *(arg.format(out=out) for arg in args),
               "-s", f"STORE_URL=sqlite:///{store}"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    stderr = process.stderr.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"export failed: {' '.join(command)}\n{stderr[-2000:]}")
    summary = next((line for line in stderr.splitlines() if line.startswith("newsclean: exported")), "")
    cpu = usage.ru_utime + usage.ru_stime
    return Measurement(size, name, usage.ru_maxrss / 1024, cpu, wall, summary.removeprefix("newsclean: "))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="20000,200000", help="store sizes, comma-separated")
    parser.add_argument("--exports", default=",".join(EXPORTS), help=f"which exports, of {', '.join(EXPORTS)}")
    parser.add_argument("--keep", metavar="DIR", help="keep the generated stores in DIR (and reuse them)")
    parser.add_argument("--json", metavar="FILE", help="also write the measurements as JSON")
    options = parser.parse_args(argv)
    workdir = Path(options.keep or tempfile.mkdtemp(prefix="newsclean-export-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for size in (int(value) for value in options.sizes.split(",")):
            store = workdir / f"store-{size}.db"
            generate_store(store, size)
            for name in options.exports.split(","):
                out = Path(tempfile.mkdtemp(dir=workdir))
                results.append(measure_export(store, size, name, EXPORTS[name], out))
                shutil.rmtree(out)
                print(_row(results[-1]), flush=True)
    finally:
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if options.json:
        Path(options.json).write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n", encoding="utf-8")
    return 0


def _row(result: Measurement) -> str:
    return (f"| {result.store_records:>9,} | {result.export:<5} | {result.peak_rss_mb:8.1f} MB "
            f"| {result.cpu_seconds:7.1f} s | {result.wall_seconds:7.1f} s | {result.summary} |")


if __name__ == "__main__":
    sys.exit(main())
