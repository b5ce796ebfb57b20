"""Scrapy's scheduler with its pending requests on disk even without JOBDIR."""

from __future__ import annotations

import shutil
import tempfile
from typing import TYPE_CHECKING, Any

from scrapy.core.scheduler import Scheduler

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.dupefilters import BaseDupeFilter
    from twisted.internet.defer import Deferred


class SpillingScheduler(Scheduler):
    """A crawl's frontier grows with the site (a 20,000-page site keeps ten thousand requests pending), and in
    memory every pending request costs about 2 KB of the crawl process. Without JOBDIR this scheduler keeps
    them in Scrapy's disk queues, in a directory of its own under NEWSCLEAN_QUEUE_DIR (the system's temporary
    directory when empty) that is removed when the crawl closes. The duplicate filter stays in memory, so
    nothing carries over to the next run: an incremental crawl finds its leftovers in the store's crawl state.
    With JOBDIR set it is Scrapy's scheduler, pausing and resuming as Scrapy documents."""

    def __init__(self, dupefilter: BaseDupeFilter, jobdir: str | None = None, **kwargs: Any) -> None:
        crawler: Crawler | None = kwargs.get("crawler")
        root = crawler.settings.get("NEWSCLEAN_QUEUE_DIR") if crawler is not None else None
        self.spill_dir = None if jobdir else tempfile.mkdtemp(prefix="newsclean-queue-", dir=root or None)
        super().__init__(dupefilter, jobdir or self.spill_dir, **kwargs)

    def close(self, reason: str) -> Deferred[None] | None:
        try:
            return super().close(reason)
        finally:
            if self.spill_dir is not None:
                shutil.rmtree(self.spill_dir, ignore_errors=True)
