"""`make demo`: serve the bundled demo site on 127.0.0.1, crawl it into data/demo.db, export data/demo.jsonl."""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsclean.siteserver import SiteServer  # noqa: E402

SITE = ROOT / "demo" / "site"
# The demo site is our own and local: no politeness delays needed.
LOCAL_SITE_SETTINGS = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0")


def scrapy(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, check=True)


@dataclass(frozen=True)
class DemoFiles:
    """Where the demo writes: the store, the JSONL export and the crawl log."""

    folder: Path

    @property
    def database(self) -> Path:
        return self.folder / "demo.db"

    @property
    def export(self) -> Path:
        return self.folder / "demo.jsonl"

    @property
    def log(self) -> Path:
        return self.folder / "demo-crawl.log"

    @property
    def store_url(self) -> str:
        return f"sqlite:///{self.database}"


def crawl(start_url: str, files: DemoFiles) -> None:
    files.folder.mkdir(parents=True, exist_ok=True)
    for stale in files.folder.glob(files.database.name + "*"):
        stale.unlink()
    scrapy("crawl", "news", "-a", f"start={start_url}", "-s", f"STORE_URL={files.store_url}",
           "-s", f"LOG_FILE={files.log}", *LOCAL_SITE_SETTINGS)


def last_run(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        (stats,) = db.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    return dict(json.loads(stats))


def print_summary(stats: dict[str, int], site_url: str, files: DemoFiles) -> None:
    prefix = "newsclean/pages/rejected/"
    skipped = {k.removeprefix(prefix): v for k, v in sorted(stats.items()) if k.startswith(prefix)}
    with sqlite3.connect(files.database) as db:
        titles = [row[0] for row in db.execute("SELECT json_extract(record, '$.title') FROM articles ORDER BY url")]
    print(f"\nnewsclean demo: crawled {site_url}")
    print(f"  pages fetched:    {stats.get('response_received_count', 0)}")
    print(f"  articles stored:  {len(titles)}")
    for title in titles:
        print(f"    - {title}")
    print("  pages skipped by reason:")
    for reason, count in skipped.items():
        print(f"    {reason:<20} {count}")
    print(f"  robots.txt refusals: {stats.get('robotstxt/forbidden', 0)}")
    print(f"  store:   {files.database}")
    print(f"  export:  {files.export}")
    print(f"  log:     {files.log}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path("data"), help="where to write (default: data)")
    files = DemoFiles(parser.parse_args(argv).data_dir)
    with SiteServer(SITE) as site:
        crawl(site.url("/"), files)
        scrapy("export", "-o", str(files.export), "-s", f"STORE_URL={files.store_url}")
        print_summary(last_run(files.database), site.url("/"), files)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
