"""The crawl report: a run row in the store from the start of a crawl, and at its end a summary per host,
logged and kept with the run's full stats in the crawl_runs table."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured

from newsclean.record import ArticleRecord, utc_now
from newsclean.report import format_host, host_key, host_reports
from newsclean.store import StoreError, open_store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

REJECTED_PREFIX = "newsclean/pages/rejected/"


def summarize(stats: dict[str, Any]) -> dict[str, Any]:
    """The figures a person looks at after a crawl, over all hosts."""
    return {
        "articles": stats.get("newsclean/pages/article", 0),
        "stored_new": stats.get("newsclean/store/new", 0),
        "stored_updated": stats.get("newsclean/store/updated", 0),
        "stored_unchanged": stats.get("newsclean/store/unchanged", 0),
        "skipped": {
            k.removeprefix(REJECTED_PREFIX): v for k, v in sorted(stats.items()) if k.startswith(REJECTED_PREFIX)
        },
        "dropped": {
            k.removeprefix("item_dropped_reasons_count/"): v
            for k, v in sorted(stats.items())
            if k.startswith("item_dropped_reasons_count/")
        },
        "responses": stats.get("response_received_count", 0),
    }


class CrawlReport:
    """Records the run in the store's crawl_runs table: unfinished when the crawl opens (so a killed
    crawl shows as such), then its finish reason, full stats and per-host report when it closes."""

    def __init__(self, store_url: str, stats: StatsCollector) -> None:
        self.store_url = store_url
        self.stats = stats
        self.started_at = utc_now()
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        store_url = crawler.settings.get("STORE_URL")
        if not store_url:
            raise NotConfigured("STORE_URL is empty: no crawl report is kept")
        assert crawler.stats is not None
        report = cls(store_url, crawler.stats)
        crawler.signals.connect(report.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(report.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(report.spider_closed, signal=signals.spider_closed)
        return report

    def spider_opened(self, spider: Spider) -> None:
        self.started_at = utc_now()
        try:
            store = open_store(self.store_url)
            try:
                self.run_id = store.start_run(spider.name, _source_name(spider), self.started_at)
            finally:
                store.close()
        except StoreError as error:
            logger.error("Could not record the crawl run: %s", error)

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        if isinstance(item, ArticleRecord):
            self.stats.inc_value(host_key(urlsplit(item.url).netloc.lower(), f"dropped/{type(exception).__name__}"))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.stats.get_stats()
        report = host_reports(stats)
        logger.info("newsclean summary: %s", summarize(stats))
        for host, figures in report.items():
            logger.info("newsclean report: %s", format_host(host, figures))
        try:
            self._finish(spider, reason, stats, report)
        except StoreError as error:
            logger.error("Could not record the crawl run: %s", error)

    def _finish(self, spider: Spider, reason: str, stats: dict[str, Any], report: dict[str, Any]) -> None:
        store = open_store(self.store_url)
        try:
            if self.run_id is None:
                store.record_run(spider.name, self.started_at, utc_now(), reason, stats,
                                 source=_source_name(spider), report=report)
            else:
                store.finish_run(self.run_id, utc_now(), reason, stats, report)
        finally:
            store.close()


def _source_name(spider: Spider) -> str | None:
    source = getattr(spider, "source", None)
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else None
