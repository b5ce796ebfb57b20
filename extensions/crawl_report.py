"""At the end of a crawl: log what happened to the pages and keep the run's stats in the store."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured

from newsclean.record import utc_now
from newsclean.store import StoreError, open_store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

REJECTED_PREFIX = "newsclean/pages/rejected/"


def summarize(stats: dict[str, Any]) -> dict[str, Any]:
    """The figures a person looks at after a crawl."""
    return {
        "articles": stats.get("newsclean/pages/article", 0),
        "stored_new": stats.get("newsclean/store/new", 0),
        "stored_updated": stats.get("newsclean/store/updated", 0),
        "stored_unchanged": stats.get("newsclean/store/unchanged", 0),
        "skipped": {k.removeprefix(REJECTED_PREFIX): v for k, v in sorted(stats.items()) if k.startswith(REJECTED_PREFIX)},
        "dropped": {
            k.removeprefix("item_dropped_reasons_count/"): v
            for k, v in sorted(stats.items())
            if k.startswith("item_dropped_reasons_count/")
        },
        "responses": stats.get("response_received_count", 0),
    }


class CrawlReport:
    """Logs the crawl summary and records the run (its full stats) in the store's crawl_runs table."""

    def __init__(self, store_url: str, stats: StatsCollector) -> None:
        self.store_url = store_url
        self.stats = stats
        self.started_at = utc_now()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        store_url = crawler.settings.get("STORE_URL")
        if not store_url:
            raise NotConfigured("STORE_URL is empty: no crawl report is kept")
        assert crawler.stats is not None
        report = cls(store_url, crawler.stats)
        crawler.signals.connect(report.spider_closed, signal=signals.spider_closed)
        return report

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.stats.get_stats()
        logger.info("newsclean summary: %s", summarize(stats))
        try:
            store = open_store(self.store_url)
            try:
                store.record_run(spider.name, self.started_at, utc_now(), reason, stats)
            finally:
                store.close()
        except StoreError as error:
            logger.error("Could not record the crawl run: %s", error)
