"""The news spider: discovers articles through sitemaps, feeds and internal links, and stores only articles."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.exceptions import UsageError
from scrapy.http import Response
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import sitemap_urls_from_robots

from newsclean.discovery import Entry, SitemapKind, parse_feed, parse_sitemap
from newsclean.extraction import Rejection
from newsclean.record import ArticleRecord, DiscoveredVia
from newsclean.urls import normalize_url
from spiders.base import VIA_META_KEY, AnalysingSpider

logger = logging.getLogger(__name__)


class NewsSpider(AnalysingSpider):
    """scrapy crawl news -a start=URL[,URL...] [-a since=YYYY-MM-DD] [-a max_pages=N]"""

    name = "news"
    fallback_sitemap_paths = ("/sitemap.xml",)

    def __init__(self, start: str = "", since: str | None = None, max_pages: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.start_urls = [url.strip() for url in start.split(",") if url.strip()]
        if not self.start_urls:
            raise UsageError("give the start URLs: scrapy crawl news -a start=https://example.com/[,...]")
        self.since = _parse_since(since)
        self.page_budget = int(max_pages) if max_pages else None
        self.requested_pages: set[str] = set()
        self.allowed_netlocs = {urlsplit(url).netloc.lower() for url in self.start_urls}
        self.allowed_domains = sorted({urlsplit(url).hostname or "" for url in self.start_urls})

    async def start(self) -> AsyncIterator[Request]:
        feed_paths = self.settings.getlist("NEWSCLEAN_FEED_PATHS")
        for url in self.start_urls:
            yield Request(urljoin(url, "/robots.txt"), callback=self.parse_robots, priority=20)
            for request in self._page_requests([url], "manual"):
                yield request
            for path in feed_paths:
                yield Request(urljoin(url, path), callback=self.parse_feed, priority=10)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        sitemaps = list(sitemap_urls_from_robots(response.text, base_url=response.url)) if response.status == 200 else []
        if not sitemaps:
            sitemaps = [urljoin(response.url, path) for path in self.fallback_sitemap_paths]
        for url in sitemaps:
            if self._on_site(url):
                yield Request(url, callback=self.parse_sitemap, priority=15)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        body = self._sitemap_body(response)
        sitemap = parse_sitemap(body) if body else None
        if sitemap is None or sitemap.kind is SitemapKind.UNKNOWN:
            self._inc("newsclean/discovery/bad_sitemap")
            logger.warning("Not a sitemap: %s", response.url)
            return
        if sitemap.kind is SitemapKind.INDEX:
            for entry in self._fresh(sitemap.entries, "sitemap"):
                yield Request(entry.url, callback=self.parse_sitemap, priority=15)
            return
        yield from self._page_requests((e.url for e in self._fresh(sitemap.entries, "sitemap")), "sitemap")

    def parse_feed(self, response: Response) -> Iterator[Request]:
        entries = parse_feed(response.body, response.url)
        if not entries:
            self._inc("newsclean/discovery/empty_feed")
            return
        yield from self._page_requests((e.url for e in self._fresh(entries, "feed")), "feed")

    async def parse_page(self, response: Response) -> AsyncIterator[ArticleRecord | Request]:
        analysis = await self.analyse(response)
        if not isinstance(analysis.outcome, Rejection):
            yield analysis.outcome
        for url in analysis.feeds:
            if self._on_site(url):
                yield Request(url, callback=self.parse_feed, priority=10)
        for request in self._page_requests(analysis.links, "link"):
            yield request

    def _page_requests(self, urls: Iterable[str], via: DiscoveredVia) -> Iterator[Request]:
        for url in map(normalize_url, urls):
            if url in self.requested_pages or not self._on_site(url):
                continue
            if self.page_budget is not None and len(self.requested_pages) >= self.page_budget:
                self._inc("newsclean/discovery/over_budget")
                return
            self.requested_pages.add(url)
            priority = 5 if via in ("sitemap", "feed") else 0
            yield Request(url, callback=self.parse_page, meta={VIA_META_KEY: via}, priority=priority)

    def _fresh(self, entries: Iterable[Entry], via: str) -> Iterator[Entry]:
        for entry in entries:
            self._inc(f"newsclean/discovery/{via}_entries")
            if entry.older_than(self.since):
                self._inc("newsclean/discovery/older_than_since")
                continue
            yield entry

    def _on_site(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.netloc.lower() in self.allowed_netlocs

    def _sitemap_body(self, response: Response) -> bytes | None:
        body = response.body
        if gzip_magic_number(response):
            max_size = self.settings.getint("DOWNLOAD_MAXSIZE")
            try:
                return gunzip(body, max_size=max_size)
            except (OSError, ValueError):
                logger.warning("Bad or oversized gzip sitemap: %s", response.url)
                return None
        return body

    def _inc(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key)


def _parse_since(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise UsageError(f"-a since={value!r}: expected YYYY-MM-DD") from error
