"""`make demo`: serve the bundled demo site on 127.0.0.1, crawl it into data/demo.db, export data/demo.jsonl."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsclean.siteserver import SiteServer  # noqa: E402

SITE = ROOT / "demo" / "site"
DATABASE = ROOT / "data" / "demo.db"
EXPORT = ROOT / "data" / "demo.jsonl"
STORE_URL = "sqlite:///data/demo.db"
LOG = ROOT / "data" / "demo-crawl.log"
# The demo site is our own and local: no politeness delays needed.
LOCAL_SITE_SETTINGS = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0")


def scrapy(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, check=True)


def crawl(start_url: str) -> None:
    LOG.parent.mkdir(parents=True, exist_ok=True)
    for stale in DATABASE.parent.glob(DATABASE.name + "*"):
        stale.unlink()
    scrapy("crawl", "news", "-a", f"start={start_url}", "-s", f"STORE_URL={STORE_URL}",
           "-s", f"LOG_FILE={LOG}", *LOCAL_SITE_SETTINGS)


def last_run() -> dict[str, int]:
    with sqlite3.connect(DATABASE) as db:
        (stats,) = db.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    return dict(json.loads(stats))


def print_summary(stats: dict[str, int], site_url: str) -> None:
    prefix = "newsclean/pages/rejected/"
    skipped = {k.removeprefix(prefix): v for k, v in sorted(stats.items()) if k.startswith(prefix)}
    with sqlite3.connect(DATABASE) as db:
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
    print(f"  store:   {DATABASE.relative_to(ROOT)}")
    print(f"  export:  {EXPORT.relative_to(ROOT)}")
    print(f"  log:     {LOG.relative_to(ROOT)}")


def main() -> int:
    with SiteServer(SITE) as site:
        crawl(site.url("/"))
        scrapy("export", "-o", str(EXPORT), "-s", f"STORE_URL={STORE_URL}")
        print_summary(last_run(), site.url("/"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
