"""Write records into the store named by STORE_URL."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Self
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured

from newsclean.record import ArticleRecord
from newsclean.report import host_key
from newsclean.store import Store, StoreError, open_store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class StorePipeline:
    """Upserts each record (one row per URL) and counts new / updated / unchanged, in all and per host."""

    def __init__(self, store_url: str, stats: StatsCollector) -> None:
        self.store_url = store_url
        self.stats = stats
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        store_url = crawler.settings.get("STORE_URL")
        if not store_url:
            raise NotConfigured("STORE_URL is empty: records are not stored")
        assert crawler.stats is not None
        return cls(store_url, crawler.stats)

    def open_spider(self) -> None:
        self.store = open_store(self.store_url)

    def close_spider(self) -> None:
        if self.store is not None:
            self.store.close()

    def process_item(self, item: ArticleRecord) -> ArticleRecord:
        assert self.store is not None
        try:
            outcome = self.store.upsert(item)
        except StoreError:
            self.stats.inc_value("newsclean/store/failed")
            raise
        self.stats.inc_value(f"newsclean/store/{outcome}")
        self.stats.inc_value(host_key(urlsplit(item.url).netloc.lower(), f"articles/{outcome}"))
        logger.debug("Stored %s (%s)", item.url, outcome)
        return item
