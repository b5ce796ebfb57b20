"""Incremental crawls of a site that changes between crawls, with the server's log as the witness.

One copy of the fixture site is served from one SiteServer (so ETags stay the same) and crawled
four times into one store: first, unchanged, after publishing one article, and after a changed
lastmod, a changed feed date and two removed pages. Unit tests of CrawlState follow.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from newsclean.crawlstate import CrawlState, Plan, UrlKind
from newsclean.record import ArticleRecord, content_hash
from newsclean.report import host_reports
from newsclean.siteserver import RecordedRequest, SiteServer
from newsclean.store.sqlite import SQLiteStore
from tests.conftest import FAST_CRAWL, SITES, last_run_stats, run_scrapy, stored_records
from tests.newssite import article_html, article_path

NEW_ARTICLE = article_path(7)
DISCOVERY = ("/robots.txt", "/sitemap_index.xml", "/sitemaps/posts.xml.gz", "/sitemaps/news.xml", "/rss.xml",
             "/atom.xml")
LISTINGS = ("/", "/section/local/", "/tag/harbor/", "/author/sam-rivera/", "/search/")
FEED_PROBES = ("/feed", "/rss", "/feed.xml")


@dataclass
class Crawl:
    requests: list[RecordedRequest]
    records: dict[str, dict[str, Any]]
    stats: dict[str, Any]
    versions: dict[str, int]

    @property
    def article_requests(self) -> list[str]:
        return sorted(r.path for r in self.requests if r.path.startswith("/articles/"))

    def statuses(self, path: str) -> list[int]:
        return [r.status for r in self.requests if r.path == path]

    @property
    def host_report(self) -> dict[str, Any]:
        (report,) = host_reports(self.stats).values()
        return report


def crawl(site: SiteServer, store: Path) -> Crawl:
    site.clear_log()
    run = run_scrapy("crawl", "news", "-a", f"start={site.url('/')}", "-s", f"STORE_URL=sqlite:///{store}", *FAST_CRAWL)
    assert run.returncode == 0, run.stderr[-3000:]
    with sqlite3.connect(store) as db:
        versions = {url.removeprefix(site.base_url): v for url, v in db.execute("SELECT url, version FROM articles")}
    return Crawl(site.requests, stored_records(store), last_run_stats(store), versions)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def publish_article(root: Path) -> None:
    """A new article, listed in the gzip sitemap and linked from the home page."""
    (root / NEW_ARTICLE.lstrip("/")).write_text(article_html(7), encoding="utf-8")
    edit(root / "sitemaps" / "posts.xml", "</urlset>",
         f"  <url><loc>{{{{BASE}}}}{NEW_ARTICLE}</loc><lastmod>2026-11-26T08:00:00+00:00</lastmod></url>\n</urlset>")
    edit(root / "index.html", "</section>\n<section class=\"sections\">",
         f'<p><a href="{NEW_ARTICLE}">Council weighs a plan</a></p></section>\n<section class="sections">')


def change_and_remove(root: Path) -> None:
    """A corrected article with a newer lastmod, a feed date bumped on an unchanged page, two pages gone."""
    edit(root / "articles" / "from-gzip-sitemap.html", "two extra evening crossings", "three extra evening crossings")
    edit(root / "sitemaps" / "posts.xml", "<lastmod>2026-11-20T09:00:00+00:00</lastmod>",
         "<lastmod>2026-11-26T10:00:00+00:00</lastmod>")
    edit(root / "rss.xml", "<pubDate>Mon, 23 Nov 2026 12:00:00 +0000</pubDate>",
         "<pubDate>Thu, 26 Nov 2026 12:00:00 +0000</pubDate>")
    (root / "articles" / "from-link.html").unlink()
    shutil.rmtree(root / "tag" / "harbor")


@dataclass
class History:
    crawls: dict[str, Crawl]
    state: dict[str, dict[str, Any]]
    store: Path


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    workdir = tmp_path_factory.mktemp("incremental")
    root, store = workdir / "site", workdir / "store.db"
    shutil.copytree(SITES / "news", root)
    crawls: dict[str, Crawl] = {}
    with SiteServer(root) as site:
        crawls["first"] = crawl(site, store)
        crawls["unchanged"] = crawl(site, store)
        publish_article(root)
        crawls["published"] = crawl(site, store)
        change_and_remove(root)
        crawls["changed"] = crawl(site, store)
        return History(crawls, _state_rows(store, site.base_url), store)


def _state_rows(store: Path, base: str) -> dict[str, dict[str, Any]]:
    with sqlite3.connect(store) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute("SELECT * FROM crawl_state").fetchall()
    return {row["url"].removeprefix(base): dict(row) for row in rows}


def test_first_crawl_keeps_the_state_of_every_url_it_saw(history: History) -> None:
    assert len(history.crawls["first"].records) == 8
    sitemap = history.state["/sitemaps/posts.xml.gz"]
    assert sitemap["kind"] == "sitemap" and sitemap["etag"] and sitemap["last_modified"] and sitemap["body_hash"]
    article = history.state["/articles/old-from-sitemap.html"]
    assert (article["kind"], article["verdict"], article["discovered_via"]) == ("page", "article", "sitemap")
    assert article["listed_date"] == "2019-03-14T11:00:00+00:00" and article["fetched_at"]
    assert history.state["/section/local/"]["verdict"] == "listing_page"
    assert history.state["/private/secret.html"]["error"] == "robots_txt"


def test_an_unchanged_site_costs_only_304s(history: History) -> None:
    second = history.crawls["unchanged"]
    assert second.article_requests == []
    for path in (*DISCOVERY, *LISTINGS):
        assert 304 in second.statuses(path), path
    conditional = [r for r in second.requests if r.status == 304]
    assert all("If-None-Match" in r.headers for r in conditional)
    assert {r.path for r in second.requests if r.status == 200} == {"/robots.txt"}  # Scrapy's robots.txt middleware
    assert {r.path for r in second.requests if r.status == 404} == set(FEED_PROBES)
    assert set(second.versions.values()) == {1} and len(second.versions) == 8
    assert second.host_report["pages_fetched"] == 0
    assert second.host_report["not_modified"] == len(conditional)


def test_a_published_article_is_the_only_article_fetched(history: History) -> None:
    third = history.crawls["published"]
    assert third.article_requests == [NEW_ARTICLE]
    assert NEW_ARTICLE in third.records and len(third.records) == 9
    assert third.host_report["articles"] == {"new": 1, "updated": 0, "unchanged": 0}
    assert third.statuses("/sitemaps/posts.xml.gz") == [200] and third.statuses("/sitemaps/news.xml") == [304]
    assert third.host_report["skipped_unchanged"] == 3  # the stored articles the changed sitemap lists again


def test_a_newer_lastmod_or_feed_date_fetches_just_that_article(history: History) -> None:
    fourth = history.crawls["changed"]
    assert fourth.article_requests == ["/articles/from-gzip-sitemap.html", "/articles/from-rss.html"]
    assert fourth.statuses("/articles/from-gzip-sitemap.html") == [200]
    assert fourth.statuses("/articles/from-rss.html") == [304]  # the feed date moved, the page did not
    assert fourth.versions["/articles/from-gzip-sitemap.html"] == 2
    assert fourth.versions["/articles/from-rss.html"] == 1
    assert "three extra evening crossings" in fourth.records["/articles/from-gzip-sitemap.html"]["text"]
    assert fourth.host_report["articles"]["updated"] == 1


def test_the_previous_version_is_kept(history: History) -> None:
    store = SQLiteStore(history.store)
    url = history.crawls["changed"].records["/articles/from-gzip-sitemap.html"]["url"]
    ((version, previous),) = store.history(url)
    store.close()
    assert version == 1 and "two extra evening crossings" in previous.text


def test_removed_pages(history: History) -> None:
    fourth = history.crawls["changed"]
    assert fourth.statuses("/tag/harbor/") == [404]  # a listing page is asked again; it is gone
    assert fourth.host_report["errors"]["http_404"] == len(FEED_PROBES) + 1
    assert "/articles/from-link.html" not in [r.path for r in fourth.requests]
    assert "/articles/from-link.html" in fourth.records  # the store is an archive: a removed article stays
    gone = history.state["/tag/harbor/"]
    assert (gone["status"], gone["error"], gone["verdict"]) == (404, "http_404", "tag_page")


def record(url: str, text: str = "Body text. " * 20) -> ArticleRecord:
    return ArticleRecord(id="x", url=url, canonical_url=url, title="T", text=text, content_hash=content_hash(text),
                         fetched_at="2026-11-27T00:00:00+00:00")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    opened = SQLiteStore(tmp_path / "state.db")
    yield opened
    opened.close()


def test_plan_for_a_stored_article_follows_its_listed_date(store: SQLiteStore) -> None:
    url = "https://news.example/a.html"
    first = CrawlState(store, ["news.example"])
    first.seen(url, UrlKind.PAGE, "sitemap", "https://news.example/s.xml", datetime(2026, 11, 20, tzinfo=UTC))
    first.answered(url, UrlKind.PAGE, 200, '"e1"', None, b"<html>", "article")
    first.flush()
    store.upsert(record(url))
    state = CrawlState(store, ["news.example"])
    assert state.plan_page(url, None) is Plan.SKIP
    assert state.plan_page(url, datetime(2026, 11, 20, tzinfo=UTC)) is Plan.SKIP
    assert state.plan_page(url, datetime(2026, 11, 21, tzinfo=UTC)) is Plan.REVALIDATE
    assert state.headers(url, Plan.REVALIDATE) == {"If-None-Match": '"e1"'}
    assert CrawlState(store, ["news.example"], incremental=False).plan_page(url, None) is Plan.FETCH


def test_an_article_fetched_but_not_stored_is_fetched_again(store: SQLiteStore) -> None:
    url = "https://news.example/killed.html"
    before = CrawlState(store, ["news.example"])
    before.answered(url, UrlKind.PAGE, 200, '"e1"', None, b"<html>", "article")
    before.flush()
    after = CrawlState(store, ["news.example"])
    assert after.plan_page(url, None) is Plan.FETCH
    assert [s.url for s in after.pending()] == [url]


def test_which_failures_are_tried_again(store: SQLiteStore) -> None:
    state = CrawlState(store, ["news.example"])
    state.failed("https://news.example/gone.html", UrlKind.PAGE, "http_404", 404)
    state.failed("https://news.example/busy.html", UrlKind.PAGE, "http_503", 503)
    state.failed("https://news.example/slow.html", UrlKind.PAGE, "timeout")
    state.seen("https://news.example/new.html", UrlKind.PAGE, "link", "https://news.example/", None)
    state.flush()
    pending = {s.url.rsplit("/", 1)[1] for s in CrawlState(store, ["news.example"]).pending()}
    assert pending == {"busy.html", "slow.html", "new.html"}


def test_a_listing_page_that_is_gone_is_not_revisited(store: SQLiteStore) -> None:
    url = "https://news.example/tag/harbor/"
    state = CrawlState(store, ["news.example"])
    state.answered(url, UrlKind.PAGE, 200, '"t"', None, b"<html>", "tag_page")
    state.flush()
    assert [s.url for s in CrawlState(store, ["news.example"]).revisits()] == [url]
    state.failed(url, UrlKind.PAGE, "http_404", 404)
    state.flush()
    after = CrawlState(store, ["news.example"])
    assert list(after.revisits()) == [] and list(after.pending()) == []


def test_a_later_date_seen_in_the_same_crawl_does_not_refetch_next_time(store: SQLiteStore) -> None:
    """A sitemap and a feed that disagree on an article's date cost no extra request."""
    url = "https://news.example/b.html"
    state = CrawlState(store, ["news.example"])
    state.seen(url, UrlKind.PAGE, "sitemap", None, datetime(2026, 11, 20, tzinfo=UTC))
    state.answered(url, UrlKind.PAGE, 200, '"e1"', None, b"<html>", "article")
    state.seen(url, UrlKind.PAGE, "feed", None, datetime(2026, 11, 22, tzinfo=UTC))
    state.flush()
    store.upsert(record(url))
    assert CrawlState(store, ["news.example"]).plan_page(url, datetime(2026, 11, 22, tzinfo=UTC)) is Plan.SKIP


def test_state_survives_the_round_trip_and_stays_per_host(store: SQLiteStore) -> None:
    state = CrawlState(store, ["news.example"])
    modified = "Fri, 27 Nov 2026 06:00:00 GMT"
    state.answered("https://news.example/feed.xml", UrlKind.FEED, 200, '"f"', modified, b"<rss/>")
    state.flush()
    feed = "https://news.example/feed.xml"
    assert CrawlState(store, ["news.example"]).get(feed) == state.get(feed)
    assert CrawlState(store, ["other.example"]).known_files == 0
    assert [s.url for s in CrawlState(store, ["news.example"]).revisits()] == ["https://news.example/feed.xml"]


def test_a_removed_article_is_not_asked_for_again_until_listed_later_still(store: SQLiteStore) -> None:
    url = "https://news.example/c.html"
    first, second = datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 11, 24, tzinfo=UTC)
    fetched = CrawlState(store, ["news.example"])
    fetched.seen(url, UrlKind.PAGE, "sitemap", None, first)
    fetched.answered(url, UrlKind.PAGE, 200, '"e1"', None, b"<html>", "article")
    fetched.flush()
    store.upsert(record(url))
    relisted = CrawlState(store, ["news.example"])
    relisted.seen(url, UrlKind.PAGE, "sitemap", None, second)
    assert relisted.plan_page(url, second) is Plan.REVALIDATE
    relisted.failed(url, UrlKind.PAGE, "http_404", 404)
    relisted.flush()
    after = CrawlState(store, ["news.example"])
    assert list(after.pending()) == [] and after.plan_page(url, second) is Plan.SKIP
    assert after.plan_page(url, datetime(2026, 11, 25, tzinfo=UTC)) is Plan.REVALIDATE


def test_a_state_that_keeps_few_pages_in_memory_reads_the_rest_back_from_the_store(store: SQLiteStore) -> None:
    """The crawl state of a site larger than the cache gives the same plans as one that fits."""
    urls = [f"https://news.example/{n}.html" for n in range(6)]
    crawl = CrawlState(store, ["news.example"], cache_size=2)
    for url in urls:
        crawl.seen(url, UrlKind.PAGE, "sitemap", None, datetime(2026, 11, 20, tzinfo=UTC))
        crawl.answered(url, UrlKind.PAGE, 200, f'"{url}"', None, b"<html>", "article")
        crawl.flush()
    assert crawl.get(urls[0]) is not None and crawl.get(urls[0]).etag == f'"{urls[0]}"'  # type: ignore[union-attr]
    for url in urls[:4]:
        store.upsert(record(url))
    again = CrawlState(store, ["news.example"], cache_size=2)
    assert [again.plan_page(url, None) for url in urls] == [Plan.SKIP] * 4 + [Plan.FETCH] * 2
    assert again.plan_page(urls[0], datetime(2026, 11, 21, tzinfo=UTC)) is Plan.REVALIDATE
    assert again.headers(urls[0], Plan.REVALIDATE) == {"If-None-Match": f'"{urls[0]}"'}
    assert sorted(s.url for s in again.pending()) == urls[4:]
