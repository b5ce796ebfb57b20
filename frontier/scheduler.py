"""scrapy-redis's scheduler, fitted to crawls that many workers share."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, Spider
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler

logger = logging.getLogger(__name__)


class SharedScheduler(Scheduler):  # type: ignore[misc]
    """The scrapy-redis scheduler with two changes:

    - a worker that closes leaves the shared queue and duplicate filter as they are, whatever
      SCHEDULER_PERSIST says: other workers are still using them (the last worker out of a finished crawl
      clears them, see extensions.shared_crawl);
    - it logs and counts stats without the `spider` arguments and Spider.log() that Scrapy 2.19 deprecates.
    """

    df: Any

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
        request: Request | None = self.queue.pop(self.idle_before_close)
        if request is not None:
            self._inc("scheduler/dequeued/redis")
        return request

    def _inc(self, key: str) -> None:
        stats: Any = self.stats
        if stats is not None:
            stats.inc_value(key)
