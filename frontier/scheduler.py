"""scrapy-redis's scheduler, fitted to crawls that many workers share."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

from scrapy import Request, Spider
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class SharedScheduler(Scheduler):  # type: ignore[misc]
    """The scrapy-redis scheduler with two changes:

    - a worker that closes leaves the shared queue and duplicate filter as they are, whatever
      SCHEDULER_PERSIST says: other workers are still using them (the last worker out of a finished crawl
      clears them, see extensions.shared_crawl);
    - a worker takes a request only while it holds fewer than CONCURRENT_REQUESTS, counting the pages it
      downloaded that still wait for analysis: otherwise a worker whose downloads are fast drains the shared
      queue into its own backlog and the others idle (and a killed worker would lose its whole backlog);
    - it logs and counts stats without the `spider` arguments and Spider.log() that Scrapy 2.19 deprecates.
    """

    df: Any
    crawler: Crawler
    max_taken: int

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        scheduler: Self = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.max_taken = crawler.settings.getint("CONCURRENT_REQUESTS")
        return scheduler

    def open(self, spider: Spider) -> None:
        self.spider = spider
        queue_key = self.queue_key % {"spider": spider.name}
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=queue_key, serializer=self.serializer
        )
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        if self.flush_on_start:
            self.flush()
        if pending := len(self.queue):
            logger.info("The shared queue %s holds %d requests", queue_key, pending)

    def close(self, reason: str) -> None:
        """Keep the shared frontier."""

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self._inc("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        if self._taken() >= self.max_taken:
            return None
        request: Request | None = self.queue.pop(self.idle_before_close)
        if request is not None:
            self._inc("scheduler/dequeued/redis")
        return request

    def _taken(self) -> int:
        """Requests this worker holds: downloading, or downloaded and waiting for their callback to finish."""
        engine = self.crawler.engine
        assert engine is not None and engine.scraper.slot is not None
        return len(engine.downloader.active) + len(engine.scraper.slot.active)

    def _inc(self, key: str) -> None:
        stats: Any = self.stats
        if stats is not None:
            stats.inc_value(key)
