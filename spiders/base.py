"""What every newsclean spider shares: the analysis pool, the screening of bad responses and the counting of
page verdicts and failed fetches."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Self

import scrapy
from scrapy import signals
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    StopDownload,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.task import LoopingCall

from middlewares.network import BlockedRequest
from newsclean.encoding import looks_binary
from newsclean.extraction import ExtractionConfig, Rejection, RejectionReason
from newsclean.page import PageAnalysis
from newsclean.record import ArticleRecord, DiscoveredVia
from newsclean.siteknowledge import KnowledgeThresholds, SiteKnowledge
from newsclean.store import StoreError, open_store
from newsclean.urls import hostname
from newsclean.workers import AnalysisPool, default_worker_count, release_free_memory

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings
    from scrapy.http import Headers, Request, Response
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

HTML_TYPES = (b"text/html", b"application/xhtml+xml")
VIA_META_KEY = "newsclean_discovered_via"
VERDICT_META_KEY = "newsclean_verdict"
MEMORY_RELEASE_SECONDS = 1.0
ARTICLE_VERDICT = "article"
FAILED_PREFIX = "newsclean/fetch/failed/"
# IgnoreRequest carries its reason only in its message; these are the messages of Scrapy 2.19's middlewares.
IGNORED_REASONS = (
    ("robots.txt", "robots_txt"),
    ("offsite", "offsite"),
    ("max redirections", "redirect_loop"),
    ("DOWNLOAD_MAXSIZE", "too_large"),
)


def is_page_request(request: Request) -> bool:
    """Pages are the requests whose response is analysed (robots.txt, sitemaps and feeds are not)."""
    return VIA_META_KEY in request.meta


class AnalysingSpider(scrapy.Spider):
    """A spider whose pages are analysed in worker processes (NEWSCLEAN_EXTRACTION_WORKERS)."""

    pool: AnalysisPool
    memory_release: LoopingCall | None = None
    knowledge: SiteKnowledge | None
    knowledge_synced = 0.0
    replacements_counted = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.pool = AnalysisPool(
            workers=settings.getint("NEWSCLEAN_EXTRACTION_WORKERS") or default_worker_count(),
            config=ExtractionConfig(min_words=settings.getint("NEWSCLEAN_MIN_WORDS", 40)),
            timeout=settings.getfloat("NEWSCLEAN_EXTRACTION_TIMEOUT", 20.0),
        )
        spider.knowledge = site_knowledge(settings)
        crawler.signals.connect(spider.open_pool, signal=signals.spider_opened)
        crawler.signals.connect(spider.close_pool, signal=signals.spider_closed)
        crawler.signals.connect(spider.load_knowledge, signal=signals.spider_opened)
        crawler.signals.connect(spider.save_knowledge, signal=signals.spider_closed)
        crawler.signals.connect(spider.stop_non_html, signal=signals.headers_received)
        return spider

    def open_pool(self) -> None:
        """Start the workers, and release the reactor's free heap memory every second: the bodies and
        results it holds for a moment are freed between longer-lived objects, where the heap cannot shrink."""
        self.pool.start()
        self.memory_release = LoopingCall(release_free_memory)
        self.memory_release.start(MEMORY_RELEASE_SECONDS, now=False)

    def close_pool(self) -> None:
        if self.memory_release is not None and self.memory_release.running:
            self.memory_release.stop()
        self.pool.close()

    def load_knowledge(self) -> None:
        """Site knowledge that earlier crawls kept in the store for this crawl's hosts."""
        store_url = self.settings.get("STORE_URL")
        if self.knowledge is None or not store_url:
            return
        store = open_store(store_url)
        try:
            for snapshot in store.load_site_knowledge({hostname(url) for url in self.start_urls}):
                self.knowledge.restore(snapshot)
            self.knowledge_synced = time.monotonic()
        finally:
            store.close()

    def save_knowledge(self) -> None:
        self.sync_knowledge(read_back=False)

    def sync_knowledge(self, read_back: bool = True) -> None:
        """Add what was learned since the last sync to the store, then read back what other crawls sharing the
        store (the workers of a shared crawl) added. Runs every NEWSCLEAN_KNOWLEDGE_SYNC_SECONDS and at the end."""
        store_url = self.settings.get("STORE_URL")
        self.knowledge_synced = time.monotonic()
        if self.knowledge is None or not store_url or not self.knowledge.hosts:
            return
        store = open_store(store_url)
        try:
            store.add_site_knowledge(self.knowledge.changes())
            self.knowledge.mark_saved()
            if read_back:
                for snapshot in store.load_site_knowledge(set(self.knowledge.hosts)):
                    self.knowledge.restore(snapshot)
        except StoreError as error:
            logger.error("Site knowledge not saved: %s", error)
        finally:
            store.close()

    def stop_non_html(self, headers: Headers, request: Request) -> None:
        """Stop downloading a page once its headers say it is not HTML (a video, a PDF): it is rejected anyway."""
        content_type = headers.get(b"Content-Type")
        if is_page_request(request) and content_type and not _is_html_type(content_type):
            self._inc_stat("newsclean/fetch/stopped_not_html")
            raise StopDownload(fail=False)

    async def analyse(self, response: Response) -> PageAnalysis:
        """Analyse a response, or reject it without a worker when it is not an HTML document. The worker
        decodes the body, so a page waiting for a worker costs the reactor no copy of its text."""
        rejection = screen(response)
        if rejection is not None:
            analysis = PageAnalysis(rejection)
        else:
            via: DiscoveredVia = response.meta.get(VIA_META_KEY, "link")
            host = hostname(response.url)
            profile = self.knowledge.profile(host) if self.knowledge else None
            content_type = response.headers.get(b"Content-Type")
            analysis = await self.pool.analyse(
                response.body, response.url, profile, via, content_type.decode("latin-1") if content_type else None
            )
            self._count_replacements()
            self._learn(host, analysis)
        outcome = analysis.outcome
        response.meta[VERDICT_META_KEY] = outcome.reason.value if isinstance(outcome, Rejection) else ARTICLE_VERDICT
        self.count_verdict(analysis)
        return analysis

    def _learn(self, host: str, analysis: PageAnalysis) -> None:
        """An article page teaches the host's boilerplate (`newsclean/knowledge/pages_learned`)."""
        if self.knowledge is not None and isinstance(analysis.outcome, ArticleRecord):
            self.knowledge.observe(host, analysis.block_keys, analysis.outcome.url, analysis.outcome.text)
            self._inc_stat("newsclean/knowledge/pages_learned")
            if time.monotonic() - self.knowledge_synced >= self.settings.getfloat("NEWSCLEAN_KNOWLEDGE_SYNC_SECONDS", 60):
                self.sync_knowledge()

    def count_verdict(self, analysis: PageAnalysis) -> None:
        self._inc_stat("newsclean/pages/analysed")
        if isinstance(analysis.outcome, Rejection):
            self._inc_stat(f"newsclean/pages/rejected/{analysis.outcome.reason}")
            logger.debug("Not an article (%s): %s", analysis.outcome.reason, analysis.outcome.url)
        else:
            self._inc_stat("newsclean/pages/article")

    def _count_replacements(self) -> None:
        """`newsclean/extraction/workers_replaced`: workers killed for overrunning the timeout, or found dead."""
        if self.pool.replaced > self.replacements_counted:
            self._inc_stat("newsclean/extraction/workers_replaced", self.pool.replaced - self.replacements_counted)
            self.replacements_counted = self.pool.replaced

    def page_failed(self, failure: Failure) -> Any:
        """Errback that middlewares.failures.FailureAccounting gives page requests: counts the failed fetch by
        its reason (`newsclean/fetch/failed/<reason>`: http_404, timeout, too_large, ...), then hands it on to
        `request_failed`."""
        self._inc_stat(f"{FAILED_PREFIX}{failure_reason(failure.value or Exception())}")
        return self.request_failed(failure)

    def request_failed(self, failure: Failure) -> Any:
        """What the spider does with a failed request (spiders override it); here, log it."""
        request = failure.request  # type: ignore[attr-defined]
        logger.info("Not fetched: %s: %s", request.url, failure.getErrorMessage())

    def _inc_stat(self, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key, count)


def site_knowledge(settings: Settings) -> SiteKnowledge | None:
    """Per-host boilerplate learning (NEWSCLEAN_SITE_KNOWLEDGE and its thresholds)."""
    if not settings.getbool("NEWSCLEAN_SITE_KNOWLEDGE", True):
        return None
    return SiteKnowledge(
        KnowledgeThresholds(
            min_pages=settings.getint("NEWSCLEAN_BOILERPLATE_MIN_PAGES", 3),
            min_share=settings.getfloat("NEWSCLEAN_BOILERPLATE_MIN_SHARE", 0.3),
        )
    )


def screen(response: Response) -> Rejection | None:
    """The reason a response is not an HTML document (another type, an empty or a binary body), or None."""
    content_type = response.headers.get(b"Content-Type")
    if content_type and not _is_html_type(content_type):
        return Rejection(response.url, RejectionReason.NOT_HTML)
    if not response.body.strip():
        return Rejection(response.url, RejectionReason.EMPTY_DOCUMENT)
    if looks_binary(response.body):
        return Rejection(response.url, RejectionReason.NOT_HTML, "binary body")
    return None


def _is_html_type(content_type: bytes) -> bool:
    return any(kind in content_type.lower() for kind in HTML_TYPES)


def failure_reason(error: BaseException) -> str:
    """A short reason for a failed fetch, the last part of its stats key."""
    if isinstance(error, HttpError):
        return f"http_{error.response.status}"
    if isinstance(error, BlockedRequest):
        return "blocked"
    if isinstance(error, IgnoreRequest):
        return _ignored_reason(str(error))
    if isinstance(error, DownloadTimeoutError):
        return "timeout"
    if isinstance(error, DownloadCancelledError):  # Scrapy 2.19's HTTP handler cancels only for DOWNLOAD_MAXSIZE
        return "too_large"
    if isinstance(error, CannotResolveHostError):
        return "dns"
    if isinstance(error, DownloadConnectionRefusedError):
        return "connection_refused"
    if isinstance(error, (DownloadFailedError, ResponseDataLossError, OSError)):
        return "connection_error"
    return type(error).__name__.lower()


def _ignored_reason(message: str) -> str:
    return next((reason for marker, reason in IGNORED_REASONS if marker in message), "ignored")
