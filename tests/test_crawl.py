"""The news spider end to end: real Scrapy engine, real HTTP on 127.0.0.1, real SQLite store."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from newsclean.record import content_hash, record_id
from newsclean.siteserver import SiteServer
from tests.conftest import FAST_CRAWL, SITES, ScrapyRun, last_run_stats, run_scrapy, stored_records
from tests.newssite import write_site

ARTICLE_ROUTES = {
    "/articles/from-gzip-sitemap.html": "sitemap",
    "/articles/from-news-sitemap.html": "sitemap",
    "/articles/from-rss.html": "feed",
    "/articles/from-atom.html": "feed",
    "/articles/from-link.html": "link",
    "/articles/old-from-sitemap.html": "sitemap",
    "/articles/old-from-rss.html": "feed",
    "/articles/from-everywhere.html": None,
}
NON_ARTICLES = ("/", "/section/local/", "/tag/harbor/", "/author/sam-rivera/", "/search/", "/about/", "/contact/",
                "/privacy/", "/login/")
DISCOVERY_FILES = ("/robots.txt", "/sitemap_index.xml", "/sitemaps/posts.xml.gz", "/sitemaps/news.xml", "/rss.xml",
                   "/atom.xml")


@dataclass
class Crawl:
    run: ScrapyRun
    records: dict[str, dict[str, Any]]
    stats: dict[str, Any]
    requested: list[str]
    offsite_requested: list[str]
    feed_export: Path


def crawl_site(root: Path, workdir: Path, *args: str) -> Crawl:
    """Crawl a copy of a fixture site whose home page also links to another host (127.0.0.2)."""
    site_root = workdir / "site"
    shutil.copytree(root, site_root)
    offsite_root = workdir / "offsite"
    offsite_root.mkdir()
    (offsite_root / "story.html").write_text("<html><body><p>elsewhere</p></body></html>", encoding="utf-8")
    with SiteServer(site_root) as site, SiteServer(offsite_root, host="127.0.0.2") as offsite:
        home = site_root / "index.html"
        home.write_text(home.read_text(encoding="utf-8").replace(
            "</body>", f'<a href="{offsite.url("/story.html")}">Partner story</a></body>'), encoding="utf-8")
        store, feed = workdir / "store.db", workdir / "feed.jsonl"
        run = run_scrapy("crawl", "news", "-a", f"start={site.url('/')}", "-s", f"STORE_URL=sqlite:///{store}",
                         "-O", str(feed), *FAST_CRAWL, *args)
        assert run.returncode == 0, run.stderr[-3000:]
        return Crawl(run, stored_records(store), last_run_stats(store), site.requested_paths(),
                     offsite.requested_paths(), feed)


@pytest.fixture(scope="module")
def full_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    yield crawl_site(SITES / "news", tmp_path_factory.mktemp("full"))


def test_every_article_is_found_through_its_route(full_crawl: Crawl) -> None:
    assert set(full_crawl.records) == set(ARTICLE_ROUTES)
    for path, route in ARTICLE_ROUTES.items():
        if route:
            assert full_crawl.records[path]["discovered_via"] == route, path


def test_discovery_reads_robots_sitemap_index_gzip_news_and_feeds(full_crawl: Crawl) -> None:
    for path in DISCOVERY_FILES:
        assert path in full_crawl.requested, path
    assert full_crawl.stats["newsclean/discovery/sitemap_entries"] >= 6
    assert full_crawl.stats["newsclean/discovery/feed_entries"] >= 4


def test_each_page_is_requested_once(full_crawl: Crawl) -> None:
    pages = [p for p in full_crawl.requested if p.endswith(".html") or p.endswith("/")]
    assert len(pages) == len(set(pages))


def test_robots_disallowed_page_is_never_requested(full_crawl: Crawl) -> None:
    assert not [p for p in full_crawl.requested if p.startswith("/private/")]
    assert full_crawl.stats["robotstxt/forbidden"] >= 1


def test_the_crawl_stays_on_its_host(full_crawl: Crawl) -> None:
    assert full_crawl.offsite_requested == []


def test_non_article_pages_are_followed_but_not_stored(full_crawl: Crawl) -> None:
    for path in NON_ARTICLES:
        assert path in full_crawl.requested, path
        assert path not in full_crawl.records, path
    rejected = {k.rsplit("/", 1)[1]: v for k, v in full_crawl.stats.items() if k.startswith("newsclean/pages/rejected/")}
    assert rejected == {"listing_page": 2, "tag_page": 1, "author_page": 1, "search_page": 1, "static_page": 3,
                        "login_page": 1}
    assert full_crawl.stats["newsclean/pages/article"] == len(ARTICLE_ROUTES)


def test_records_field_by_field(full_crawl: Crawl) -> None:
    record = full_crawl.records["/articles/from-rss.html"]
    html = (SITES / "news" / "articles" / "from-rss.html").read_text(encoding="utf-8")
    assert record["title"] and record["title"] in html
    assert record["canonical_url"] == record["url"]
    assert record["id"] == record_id(record["canonical_url"])
    assert record["content_hash"] == content_hash(record["text"])
    assert record["word_count"] == len(record["text"].split()) >= 100
    assert record["authors"] and all(name in html for name in record["authors"])
    assert record["published"].startswith("2026-11-23")
    assert record["modified"] and record["language"] == "en"
    assert record["site_name"] == "The Harbor Gazette"
    assert record["hostname"] == "127.0.0.1"
    assert datetime.fromisoformat(record["fetched_at"]).tzinfo is not None
    assert record["extractor"]["name"] == "newsclean"
    paragraphs = record["text"].split("\n\n")
    assert len(paragraphs) >= 3 and all(p.strip() == p and p for p in paragraphs)
    assert not record["text"].startswith(record["title"])


def test_feed_export_holds_the_same_records(full_crawl: Crawl) -> None:
    exported = [json.loads(line) for line in full_crawl.feed_export.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["url"] for r in exported) == sorted(r["url"] for r in full_crawl.records.values())


def test_since_skips_old_sitemap_and_feed_entries(tmp_path: Path) -> None:
    crawl = crawl_site(SITES / "news", tmp_path, "-a", "since=2026-01-01")
    assert "/articles/old-from-sitemap.html" not in crawl.requested
    assert "/articles/old-from-rss.html" not in crawl.requested
    assert "/articles/from-gzip-sitemap.html" in crawl.records
    assert crawl.stats["newsclean/discovery/older_than_since"] >= 2


def test_max_pages_bounds_the_run(tmp_path: Path) -> None:
    crawl = crawl_site(SITES / "news", tmp_path, "-a", "max_pages=3")
    pages = [p for p in crawl.requested if p not in DISCOVERY_FILES and not p.endswith((".xml", ".txt"))
             and p not in ("/feed", "/rss", "/feed.xml")]
    assert len(pages) <= 3
    assert crawl.stats["newsclean/discovery/over_budget"] >= 1


def test_a_crawl_with_a_jobdir_keeps_its_queue_on_disk_and_stores_every_article(tmp_path: Path) -> None:
    """JOBDIR (Scrapy's pause and resume) puts the pending requests in disk queues and gives the spider a
    `state` dict of its own: neither may break the crawl."""
    crawl = crawl_site(SITES / "news", tmp_path, "-s", f"JOBDIR={tmp_path / 'job'}")
    assert set(crawl.records) == set(ARTICLE_ROUTES)
    assert crawl.stats.get("scheduler/enqueued/disk", 0) > 0
    assert " ERROR: " not in crawl.run.stderr, crawl.run.stderr[-3000:]


def test_pending_requests_wait_on_disk_and_their_queue_is_removed_after_the_crawl(tmp_path: Path) -> None:
    queues = tmp_path / "queues"
    queues.mkdir()
    crawl = crawl_site(SITES / "news", tmp_path, "-s", f"NEWSCLEAN_QUEUE_DIR={queues}")
    assert set(crawl.records) == set(ARTICLE_ROUTES)
    assert crawl.stats["scheduler/enqueued/disk"] == crawl.stats["scheduler/enqueued"] > len(ARTICLE_ROUTES)
    assert "scheduler/enqueued/memory" not in crawl.stats
    assert list(queues.iterdir()) == []


def test_a_sitemap_whose_first_hundreds_of_entries_are_on_another_port_still_leads_to_its_articles(
    tmp_path: Path,
) -> None:
    """Sitemap entries are looked up in the crawl state in batches; a batch with nothing on the site must not end
    the sitemap."""
    articles = write_site(tmp_path / "site", 3)
    elsewhere = "".join(f"<url><loc>http://127.0.0.1:9/articles/{n}.html</loc></url>" for n in range(1200))
    ours = "".join(f"<url><loc>{{{{BASE}}}}{path}</loc></url>" for path in articles)
    (tmp_path / "site" / "sitemap.xml").write_text(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{elsewhere}{ours}</urlset>', encoding="utf-8")
    (tmp_path / "site" / "index.html").write_text("<html><body><p>Home</p></body></html>", encoding="utf-8")
    store = tmp_path / "store.db"
    with SiteServer(tmp_path / "site") as site:
        run = run_scrapy("crawl", "news", "-a", f"start={site.url('/')}", "-s", f"STORE_URL=sqlite:///{store}",
                         *FAST_CRAWL)
    assert run.returncode == 0, run.stderr[-3000:]
    assert set(stored_records(store)) == set(articles)
