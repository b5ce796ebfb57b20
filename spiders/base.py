"""What every newsclean spider shares: the analysis pool and the counting of page verdicts."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

import scrapy
from scrapy import signals
from scrapy.http import Response, TextResponse

from newsclean.extraction import ExtractionConfig, Rejection, RejectionReason
from newsclean.page import PageAnalysis
from newsclean.record import DiscoveredVia
from newsclean.workers import AnalysisPool, default_worker_count

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

HTML_TYPES = (b"text/html", b"application/xhtml+xml")
VIA_META_KEY = "newsclean_discovered_via"


class AnalysingSpider(scrapy.Spider):
    """A spider whose pages are analysed in worker processes (NEWSCLEAN_EXTRACTION_WORKERS)."""

    pool: AnalysisPool

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.pool = AnalysisPool(
            workers=settings.getint("NEWSCLEAN_EXTRACTION_WORKERS") or default_worker_count(),
            config=ExtractionConfig(min_words=settings.getint("NEWSCLEAN_MIN_WORDS", 40)),
            timeout=settings.getfloat("NEWSCLEAN_EXTRACTION_TIMEOUT", 20.0),
        )
        crawler.signals.connect(spider.open_pool, signal=signals.spider_opened)
        crawler.signals.connect(spider.close_pool, signal=signals.spider_closed)
        return spider

    def open_pool(self) -> None:
        self.pool.start()

    def close_pool(self) -> None:
        self.pool.close()

    async def analyse(self, response: Response) -> PageAnalysis:
        """Analyse a response, or reject it without a worker when it is not HTML."""
        if isinstance(response, TextResponse) and _is_html(response):
            via: DiscoveredVia = response.meta.get(VIA_META_KEY, "link")
            analysis = await self.pool.analyse(response.text, response.url, None, via)
        else:
            analysis = PageAnalysis(Rejection(response.url, RejectionReason.NOT_HTML))
        self.count_verdict(analysis)
        return analysis

    def count_verdict(self, analysis: PageAnalysis) -> None:
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("newsclean/pages/analysed")
        if isinstance(analysis.outcome, Rejection):
            stats.inc_value(f"newsclean/pages/rejected/{analysis.outcome.reason}")
            logger.debug("Not an article (%s): %s", analysis.outcome.reason, analysis.outcome.url)
        else:
            stats.inc_value("newsclean/pages/article")


def _is_html(response: TextResponse) -> bool:
    content_type = (response.headers.get(b"Content-Type") or b"text/html").lower()
    return any(kind in content_type for kind in HTML_TYPES)
