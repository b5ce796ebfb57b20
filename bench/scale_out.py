"""`make bench-scale`: one crawl process against workers sharing a Redis frontier, over the same local site.

python -m bench.scale_out [--pages N] [--workers 2]

Three runs of `scrapy crawl news` into a fresh PostgreSQL database each (127.0.0.1:5432):
1. one process, Scrapy's own in-memory frontier;
2. one process, the shared Redis frontier (REDIS_URL): what the frontier costs;
3. N processes sharing the Redis frontier, the extraction workers split between them.

Throughput is articles stored per second between the first and the last article stored (from the
store's fetched_at), so the workers' idle wait at the end does not count.
"""

from __future__ import annotations

import argparse
import json
import logging
import secrets
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import psycopg
import redis

from bench.run import CRAWL_SETTINGS, DATASETS, REPO, RESULTS, WORKDIR, prepare_site, scrapy_command
from bench.server import serve

logger = logging.getLogger("bench.scale_out")

POSTGRES = "postgresql://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/0"
EXTRACTION_WORKERS = 2  # in all, whatever the number of crawl processes


@contextmanager
def fresh_database() -> Iterator[str]:
    name = f"newsclean_bench_{secrets.token_hex(4)}"
    with psycopg.connect(f"{POSTGRES}/test", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES}/test", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def crawl(base_url: str, workers: int, shared: bool, log_dir: Path, name: str) -> dict[str, float]:
    """Run one crawl with `workers` processes; its articles per second and how many it stored."""
    prefix = f"newsclean-bench-{secrets.token_hex(4)}"
    with fresh_database() as store:
        settings = {**CRAWL_SETTINGS, "STORE_URL": store, "NEWSCLEAN_DEADLETTER_FILE": "",
                    "NEWSCLEAN_EXTRACTION_WORKERS": str(max(1, EXTRACTION_WORKERS // workers))}
        if shared:
            settings |= {"REDIS_URL": REDIS, "NEWSCLEAN_REDIS_PREFIX": f"{prefix}:%(spider)s",
                         "NEWSCLEAN_WORKER_IDLE_CLOSE": "5"}
        processes = []
        for index in range(workers):
            arguments = ("-a", f"start={base_url}/") if index == 0 else ()
            log = (log_dir / f"scale-{name}-{index}.log").open("wb")
            command = scrapy_command("crawl", "news", *arguments, settings=settings)
            processes.append(subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT))
        if any(process.wait() != 0 for process in processes):
            raise RuntimeError(f"a crawl process of {name} failed; see {log_dir}/scale-{name}-*.log")
        return _throughput(store)


def _throughput(store: str) -> dict[str, float]:
    with psycopg.connect(store) as db:
        row = db.execute("SELECT count(*), min(fetched_at), max(fetched_at) FROM articles").fetchone()
    assert row is not None
    count, first, last = row
    seconds = (datetime.fromisoformat(last) - datetime.fromisoformat(first)).total_seconds()
    return {"articles": count, "seconds": round(seconds, 1), "articles_per_second": round(count / seconds, 1)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_out", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    redis.Redis.from_url(REDIS).ping()
    WORKDIR.mkdir(parents=True, exist_ok=True)
    root, _info = prepare_site(args.pages, WORKDIR, DATASETS)
    runs = {"one process": (1, False), "one process, Redis frontier": (1, True),
            f"{args.workers} processes, Redis frontier": (args.workers, True)}
    results = {}
    with serve(root, WORKDIR, "auto") as site:
        for number, (name, (workers, shared)) in enumerate(runs.items(), start=1):
            logger.info("Measuring: %s", name)
            results[name] = crawl(site.base_url, workers, shared, WORKDIR, f"run{number}")
    baseline = results["one process"]["articles_per_second"]
    for name, result in results.items():
        result["ratio_to_one_process"] = round(result["articles_per_second"] / baseline, 2)
        print(f"{name:<32} {result['articles']:>6} articles {result['articles_per_second']:>7} /s"
              f"  {result['ratio_to_one_process']:>5}x")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scale-out.json").write_text(json.dumps({"pages": args.pages, "runs": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
