"""The news spider: discovers articles through sitemaps, feeds and internal links, and stores only articles.

Crawls are incremental (see newsclean.crawlstate): a stored article is requested again only when a
sitemap or feed dates it after the version we hold; robots.txt, sitemaps, feeds and listing pages
are asked again with conditional GETs, and a 304 costs nothing more: an unchanged listing page is
not re-read, since it has no new links, and the URLs it led to before are in the crawl state.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import date, datetime
from itertools import islice
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urljoin, urlsplit

from scrapy import Request, signals
from scrapy.exceptions import UsageError
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.python.failure import Failure

from newsclean.crawlstate import ARTICLE_VERDICT, STORE_BATCH, CrawlState, Plan, UrlKind, parse_date
from newsclean.discovery import Entry, SitemapKind, parse_feed, parse_sitemap
from newsclean.extraction import Rejection
from newsclean.page import PageAnalysis
from newsclean.record import ArticleRecord, DiscoveredVia
from newsclean.report import EMPTY_BODY_REASONS, host_key
from newsclean.sharedcrawl import SPIDER_ARGUMENTS, SharedCrawl
from newsclean.sources import DEFAULT_SOURCES_FILE, Source, SourcesError, load_source
from newsclean.store import open_store
from newsclean.urls import hostname, normalize_url
from frontier import shared_crawl
from spiders.base import VIA_META_KEY, AnalysingSpider, failure_reason

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

STATE_URL_KEY = "newsclean_state_url"
KIND_KEY = "newsclean_kind"
Callback = Callable[[Response], Any]


class NewsSpider(AnalysingSpider):
    """scrapy crawl news -a start=URL[,URL...] [-a since=YYYY-MM-DD] [-a max_pages=N]
    scrapy crawl news -a source=NAME (a source of the NEWSCLEAN_SOURCES_FILE file)
    scrapy crawl news -s REDIS_URL=redis://... (a worker joining the shared crawl seeded with the above)"""

    name = "news"
    fallback_sitemap_paths = ("/sitemap.xml",)
    shared: SharedCrawl | None = None
    joined = False

    def __init__(
        self, start: str = "", since: str | None = None, max_pages: str | None = None,
        source: Source | str | None = None, **kwargs: Any,
    ):
        super().__init__(**kwargs)
        if isinstance(source, str) and source:
            source = _load_source(DEFAULT_SOURCES_FILE, source)
        self.source = source or None
        if self.source is not None and start:
            raise UsageError("give either -a source=NAME or -a start=URL[,...], not both")
        self.start_urls = list(self.source.start_urls) if self.source else _split(start)
        if not self.start_urls:
            raise UsageError("give the start URLs: scrapy crawl news -a start=https://example.com/[,...]"
                             " (or a source: scrapy crawl news -a source=NAME)")
        self.feed_urls = list(self.source.feeds) if self.source else []
        self.sitemap_urls = list(self.source.sitemaps) if self.source else []
        self.since = _parse_since(since)
        budget = self.source.page_budget if self.source else None
        self.page_budget = int(max_pages) if max_pages else budget
        self._allow_hosts(self.source.allowed_hosts if self.source else ())
        self.requested: set[str] = set()
        self.page_requests = 0
        self.budget_spent = False
        self.skipped: set[str] = set()
        self.crawl_state = CrawlState(None, ())

    def _allow_hosts(self, extra_hosts: Iterable[str]) -> None:
        """Pages are followed on the start URLs' hosts (host:port) and the extra hosts (any port when
        none is given); feeds and sitemaps given directly may be elsewhere."""
        extra = [host.lower() for host in extra_hosts]
        self.allowed_netlocs = {urlsplit(url).netloc.lower() for url in self.start_urls}
        self.allowed_netlocs |= {host for host in extra if ":" in host}
        self.allowed_hostnames = {host for host in extra if ":" not in host}
        self.page_hostnames = {hostname(f"http://{netloc}/") for netloc in self.allowed_netlocs} | self.allowed_hostnames
        self.state_hostnames = self.page_hostnames | {hostname(url) for url in self.feed_urls + self.sitemap_urls}
        self.allowed_domains = sorted(self.state_hostnames)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        shared = shared_crawl(crawler.settings, cls.name)
        joined = shared is not None and not _crawl_arguments(kwargs)
        if shared is not None:
            kwargs = _seed_or_join(shared, kwargs, crawler.settings.getfloat("NEWSCLEAN_WORKER_IDLE_CLOSE", 30.0))
        name = kwargs.get("source")
        if isinstance(name, str) and name:
            source = _load_source(crawler.settings.get("NEWSCLEAN_SOURCES_FILE", DEFAULT_SOURCES_FILE), name)
            crawler.settings.setdict(dict(source.settings), priority="spider")
            kwargs["source"] = source
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.shared, spider.joined = shared, joined
        crawler.signals.connect(spider.close_state, signal=signals.spider_closed)
        crawler.signals.connect(spider.item_dropped, signal=signals.item_dropped)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        self.crawl_state = self._open_state()
        if not self.joined:
            for request in self._start_requests():
                yield request
        self.crawl_state.flush()

    def _start_requests(self) -> Iterator[Request]:
        feed_paths = self.settings.getlist("NEWSCLEAN_FEED_PATHS")
        for url in self.start_urls:
            yield from self._file_request(urljoin(url, "/robots.txt"), UrlKind.ROBOTS, None)
        for url in self.sitemap_urls:
            yield from self._file_request(url, UrlKind.SITEMAP, None)
        for url in self.feed_urls + [urljoin(start, path) for start in self.start_urls for path in feed_paths]:
            yield from self._file_request(url, UrlKind.FEED, None)
        yield from self._page_requests(((url, None) for url in self.start_urls), "manual", None)
        yield from self._known_requests()

    def _known_requests(self) -> Iterator[Request]:
        """Feeds and listing pages asked again, then pages left over from earlier crawls."""
        for known in self.crawl_state.revisits():
            if known.kind == UrlKind.FEED:
                yield from self._file_request(known.url, UrlKind.FEED, known.found_in)
            else:
                yield from self._page_requests([(known.url, None)], _via(known.discovered_via), known.found_in)
        for known in self.crawl_state.pending():
            listed = parse_date(known.listed_date)
            if not (self.since and listed and listed.date() < self.since):
                self._inc("newsclean/incremental/pending")
                yield from self._page_requests([(known.url, listed)], _via(known.discovered_via), known.found_in)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        url = response.meta[STATE_URL_KEY]
        if response.status == 304:
            yield from self._not_modified(response)
            return
        if response.status == 200:
            sitemaps = list(sitemap_urls_from_robots(response.body, base_url=response.url))
            self._answered(response, UrlKind.ROBOTS)
        else:
            sitemaps = []
            self.crawl_state.failed(url, UrlKind.ROBOTS, f"http_{response.status}", response.status)
        if not sitemaps:
            sitemaps = [urljoin(response.url, path) for path in self.fallback_sitemap_paths]
        requests = [r for sitemap in sitemaps if self._on_site(sitemap)
                    for r in self._file_request(sitemap, UrlKind.SITEMAP, url)]
        self.crawl_state.flush()
        yield from requests

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        if response.status == 304:
            yield from self._not_modified(response)
            return
        url = response.meta[STATE_URL_KEY]
        body = self._sitemap_body(response)
        sitemap = parse_sitemap(body) if body else None
        requests: list[Request] = []
        if sitemap is None or sitemap.kind is SitemapKind.UNKNOWN:
            self._inc("newsclean/discovery/bad_sitemap")
            logger.warning("Not a sitemap: %s", response.url)
        elif sitemap.kind is SitemapKind.INDEX:
            fresh = self._fresh(sitemap.entries, "sitemap")
            requests = [r for entry in fresh for r in self._file_request(entry.url, UrlKind.SITEMAP, url)]
        else:
            requests = list(self._page_requests(self._dated(sitemap.entries, "sitemap"), "sitemap", url))
        self._answered(response, UrlKind.SITEMAP)
        self.crawl_state.flush()
        yield from requests

    def parse_feed(self, response: Response) -> Iterator[Request]:
        if response.status == 304:
            yield from self._not_modified(response)
            return
        entries = parse_feed(response.body, response.url)
        if not entries:
            self._inc("newsclean/discovery/empty_feed")
        url = response.meta[STATE_URL_KEY]
        requests = list(self._page_requests(self._dated(entries, "feed"), "feed", url))
        self._answered(response, UrlKind.FEED)
        self.crawl_state.flush()
        yield from requests

    async def parse_page(self, response: Response) -> AsyncIterator[ArticleRecord | Request]:
        if response.status == 304:
            for request in self._not_modified(response):
                yield request
            return
        analysis = await self.analyse(response)
        url = response.meta[STATE_URL_KEY]
        requests = [r for feed in analysis.feeds if self._on_site(feed)
                    for r in self._file_request(feed, UrlKind.FEED, url)]
        requests += self._page_requests(((link, None) for link in analysis.links), "link", url)
        verdict = ARTICLE_VERDICT if isinstance(analysis.outcome, ArticleRecord) else str(analysis.outcome.reason)
        self._answered(response, UrlKind.PAGE, verdict, final_url=normalize_url(response.url))
        self.crawl_state.flush()
        self._count_page(response.url, analysis)
        if not isinstance(analysis.outcome, Rejection):
            yield analysis.outcome
        for request in requests:
            yield request

    def request_failed(self, failure: Failure) -> None:
        """Count the failure (AnalysingSpider) and note it in the crawl state and the host's report."""
        super().request_failed(failure)
        request = failure.request  # type: ignore[attr-defined]
        assert failure.value is not None
        error = failure_reason(failure.value)
        status = failure.value.response.status if isinstance(failure.value, HttpError) else None
        self.crawl_state.failed(request.meta[STATE_URL_KEY], request.meta[KIND_KEY], error, status)
        self.crawl_state.flush()
        self._host_inc(request.url, f"errors/{error}")

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        if isinstance(item, ArticleRecord):
            self.crawl_state.dropped(item.url, type(exception).__name__)
            self.crawl_state.flush()

    def close_state(self) -> None:
        self.crawl_state.flush()
        if self.crawl_state.store is not None:
            self.crawl_state.store.close()
        if self.shared is not None:
            self.shared.close()

    def _open_state(self) -> CrawlState:
        store_url = self.settings.get("STORE_URL")
        incremental = self.settings.getbool("NEWSCLEAN_INCREMENTAL", True)
        state = CrawlState(open_store(store_url) if store_url else None, self.state_hostnames, incremental)
        logger.info("Crawl state of %s: %d known robots.txt, sitemaps and feeds", ", ".join(state.hostnames),
                    state.known_files)
        return state

    def _file_request(self, url: str, kind: UrlKind, found_in: str | None) -> Iterator[Request]:
        """A request for robots.txt, a sitemap or a feed: once per crawl, conditional when possible."""
        if url in self.requested:
            return
        self.requested.add(url)
        self.crawl_state.seen(url, kind, None, found_in, None)
        plan = self.crawl_state.plan_file(url)
        callbacks: dict[UrlKind, tuple[Callback, int]] = {
            UrlKind.ROBOTS: (self.parse_robots, 20),
            UrlKind.SITEMAP: (self.parse_sitemap, 15),
            UrlKind.FEED: (self.parse_feed, 10),
        }
        callback, priority = callbacks[kind]
        meta: dict[str, Any] = {STATE_URL_KEY: url, KIND_KEY: kind}
        meta.update({"handle_httpstatus_all": True} if kind is UrlKind.ROBOTS else {"handle_httpstatus_list": [304]})
        yield self._request(url, plan, callback, priority, meta)

    def _page_requests(
        self, found: Iterable[tuple[str, datetime | None]], via: DiscoveredVia, found_in: str | None
    ) -> Iterator[Request]:
        on_host = ((normalize_url(url), listed) for url, listed in found if hostname(url) in self.page_hostnames)
        while chunk := list(islice(on_host, STORE_BATCH)):
            batch = [(url, listed) for url, listed in chunk if self._on_site(url)]
            self.crawl_state.prefetch(url for url, _ in batch)
            yield from self._batch_requests(batch, via, found_in)
            if self.budget_spent:
                return

    def _batch_requests(
        self, batch: list[tuple[str, datetime | None]], via: DiscoveredVia, found_in: str | None
    ) -> Iterator[Request]:
        for url, listed in batch:
            if self._known_file(url):
                continue
            self.crawl_state.seen(url, UrlKind.PAGE, via, found_in, listed)
            if url in self.requested:
                continue
            plan = self.crawl_state.plan_page(url, listed)
            if plan is Plan.SKIP:
                self._skip(url)
                continue
            if self.page_budget is not None and self._over_budget():
                self._inc("newsclean/discovery/over_budget")
                self.budget_spent = True
                return
            self.requested.add(url)
            self.page_requests += 1
            meta = {VIA_META_KEY: via, STATE_URL_KEY: url, KIND_KEY: UrlKind.PAGE, "handle_httpstatus_list": [304]}
            yield self._request(url, plan, self.parse_page, 5 if via in ("sitemap", "feed") else 0, meta)

    def _over_budget(self) -> bool:
        """Count one more page request against the page budget, which a shared crawl's workers share."""
        assert self.page_budget is not None
        taken = self.shared.count_page_request() if self.shared else self.page_requests + 1
        return taken > self.page_budget

    def _request(self, url: str, plan: Plan, callback: Callback, priority: int, meta: dict[str, Any]) -> Request:
        if plan is Plan.REVALIDATE:
            self._inc("newsclean/incremental/revalidated")
        return Request(url, callback=callback, errback=self.request_failed, priority=priority, meta=meta,
                       headers=self.crawl_state.headers(url, plan))

    def _not_modified(self, response: Response) -> Iterator[Request]:
        """A 304: the state notes the check; robots.txt and sitemap indexes lead to the sitemaps they listed."""
        url, kind = response.meta[STATE_URL_KEY], response.meta[KIND_KEY]
        self._answered(response, kind)
        self._inc("newsclean/incremental/not_modified")
        self._host_inc(response.url, "not_modified")
        children = self.crawl_state.children(url)
        requests = [r for child in children for r in self._file_request(child.url, UrlKind.SITEMAP, url)]
        self.crawl_state.flush()
        yield from requests

    def _answered(
        self, response: Response, kind: UrlKind, verdict: str | None = None, final_url: str | None = None
    ) -> None:
        self.crawl_state.answered(
            response.meta[STATE_URL_KEY], kind, response.status, _header(response, b"ETag"),
            _header(response, b"Last-Modified"), response.body if response.status == 200 else None, verdict, final_url,
        )

    def _count_page(self, url: str, analysis: PageAnalysis) -> None:
        """Per-host figures of a fetched page: its verdict and the extraction health of article pages."""
        self._host_inc(url, "pages_fetched")
        outcome = analysis.outcome
        if isinstance(outcome, Rejection):
            self._host_inc(url, f"rejected/{outcome.reason}")
            if outcome.reason in EMPTY_BODY_REASONS:
                self._host_inc(url, "health/candidates")
                self._host_inc(url, "health/empty_body")
            return
        self._host_inc(url, "health/candidates")
        if not outcome.published:
            self._host_inc(url, "health/no_date")
        if not outcome.title:
            self._host_inc(url, "health/no_title")

    def _skip(self, url: str) -> None:
        if url not in self.skipped:
            self.skipped.add(url)
            self._inc("newsclean/incremental/skipped_unchanged")
            self._host_inc(url, "skipped_unchanged")

    def _dated(self, entries: Iterable[Entry], via: str) -> Iterator[tuple[str, datetime | None]]:
        return ((entry.url, entry.date) for entry in self._fresh(entries, via))

    def _fresh(self, entries: Iterable[Entry], via: str) -> Iterator[Entry]:
        for entry in entries:
            self._inc(f"newsclean/discovery/{via}_entries")
            if entry.older_than(self.since):
                self._inc("newsclean/discovery/older_than_since")
                continue
            yield entry

    def _known_file(self, url: str) -> bool:
        known = self.crawl_state.get(url)
        return known is not None and known.kind != UrlKind.PAGE

    def _on_site(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        return parts.netloc.lower() in self.allowed_netlocs or (parts.hostname or "") in self.allowed_hostnames

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

    def _host_inc(self, url: str, figure: str) -> None:
        self._inc(host_key(urlsplit(url).netloc.lower(), figure))


def _crawl_arguments(kwargs: dict[str, Any]) -> dict[str, str]:
    return {name: str(kwargs[name]) for name in SPIDER_ARGUMENTS if kwargs.get(name)}


def _seed_or_join(shared: SharedCrawl, kwargs: dict[str, Any], wait: float) -> dict[str, Any]:
    """Seed the shared crawl with this process's arguments, or take the arguments of the crawl it joins."""
    given = _crawl_arguments(kwargs)
    if given:
        shared.seed(given)
        return kwargs
    logger.info("Joining the shared crawl %s (waiting up to %.0f s for one to be seeded)", shared.keys.prefix, wait)
    arguments = shared.wait_for_arguments(wait)
    if arguments is None:
        raise UsageError(f"no crawl to join under {shared.keys.prefix} in Redis: seed one with"
                         " scrapy crawl news -a start=URL -s REDIS_URL=...")
    logger.info("Joined the shared crawl %s: %s", shared.keys.prefix, arguments)
    return {**kwargs, **arguments}


def _split(start: str) -> list[str]:
    return [url.strip() for url in start.split(",") if url.strip()]


def _load_source(path: str, name: str) -> Source:
    try:
        return load_source(path, name)
    except SourcesError as error:
        raise UsageError(str(error)) from error


def _via(value: str | None) -> DiscoveredVia:
    return value if value in ("sitemap", "feed", "link", "manual") else "link"  # type: ignore[return-value]


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _parse_since(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise UsageError(f"-a since={value!r}: expected YYYY-MM-DD") from error
