"""A worker of a shared crawl (REDIS_URL): it stays while the crawl has work, and leaves it tidy.

scrapy-redis's own idle limit counts from start-up, so a worker quits the first time the shared queue is
briefly empty. Here a worker closes once it has had nothing to do for NEWSCLEAN_WORKER_IDLE_CLOSE seconds
(default 30) since its last response: other workers may still be fetching pages whose links refill the queue.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.asyncio import AsyncioLoopingCall, create_looping_call

from frontier import shared_crawl
from newsclean.sharedcrawl import SharedCrawl

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.spiders import Spider
    from twisted.internet.task import LoopingCall

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0


class SharedCrawlWorker:
    """Extension: heartbeats of this worker, the idle close, and the last worker's clean-up."""

    def __init__(self, crawler: Crawler, idle_close: float) -> None:
        self.crawler = crawler
        self.idle_close = idle_close
        self.shared: SharedCrawl | None = None
        self.last_activity = time.monotonic()
        self.heartbeats: AsyncioLoopingCall | LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured("REDIS_URL is not set: the crawl is not shared")
        extension = cls(crawler, crawler.settings.getfloat("NEWSCLEAN_WORKER_IDLE_CLOSE", 30.0))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.active, signal=signals.response_received)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.shared = shared_crawl(self.crawler.settings, spider.name)
        assert self.shared is not None
        self.shared.heartbeat()
        self.active()
        self.heartbeats = create_looping_call(self.shared.heartbeat)
        self.heartbeats.start(HEARTBEAT_SECONDS, now=False)
        logger.info("Worker %s of the shared crawl %s", self.shared.worker, self.shared.keys.prefix)

    def active(self) -> None:
        self.last_activity = time.monotonic()

    def spider_idle(self) -> None:
        """Keep the worker while it has been idle for less than NEWSCLEAN_WORKER_IDLE_CLOSE seconds."""
        if time.monotonic() - self.last_activity < self.idle_close:
            raise DontCloseSpider

    def spider_closed(self, reason: str) -> None:
        if self.heartbeats is not None and self.heartbeats.running:
            self.heartbeats.stop()
        if self.shared is None:
            return
        if self.shared.leave(finished=reason == "finished"):
            logger.info("Last worker out: the shared crawl %s is finished and cleared", self.shared.keys.prefix)
        self.shared.close()
