"""A worker of a shared crawl (REDIS_URL): it stays while the crawl has work, and leaves it tidy.

scrapy-redis's own idle limit counts from start-up, so a worker quits the first time the shared queue is
briefly empty. Here an idle worker closes once no worker of the crawl has got a response for
NEWSCLEAN_WORKER_IDLE_CLOSE seconds (default 30): while any worker is busy, its pages may refill the queue.
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
ACTIVITY_PUBLISH_SECONDS = 1.0  # a busy worker tells the others at most this often


class SharedCrawlWorker:
    """Extension: heartbeats of this worker, the idle close, and the last worker's clean-up."""

    def __init__(self, crawler: Crawler, idle_close: float) -> None:
        self.crawler = crawler
        self.idle_close = idle_close
        self.shared: SharedCrawl | None = None
        self.last_activity = time.time()
        self.published_activity = 0.0
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
        self.active()
        self.heartbeats = create_looping_call(self.heartbeat)
        self.heartbeats.start(HEARTBEAT_SECONDS, now=False)
        logger.info("Worker %s of the shared crawl %s", self.shared.worker, self.shared.keys.prefix)

    def active(self) -> None:
        """A response arrived: this worker, and so the crawl, is busy."""
        self.last_activity = time.time()
        if self.last_activity - self.published_activity >= ACTIVITY_PUBLISH_SECONDS:
            self.heartbeat()

    def heartbeat(self) -> None:
        assert self.shared is not None
        self.shared.heartbeat(active_at=self.last_activity)
        self.published_activity = self.last_activity

    def spider_idle(self) -> None:
        """Keep the worker while some worker of the crawl got a response less than NEWSCLEAN_WORKER_IDLE_CLOSE
        seconds ago."""
        assert self.shared is not None
        latest = max(self.last_activity, self.shared.last_activity())
        if time.time() - latest < self.idle_close:
            raise DontCloseSpider

    def spider_closed(self, reason: str) -> None:
        if self.heartbeats is not None and self.heartbeats.running:
            self.heartbeats.stop()
        if self.shared is None:
            return
        if self.shared.leave(finished=reason == "finished"):
            logger.info("Last worker out: the shared crawl %s is finished and cleared", self.shared.keys.prefix)
        self.shared.close()
