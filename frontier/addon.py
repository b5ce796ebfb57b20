"""The add-on that moves the crawl's frontier to Redis when REDIS_URL is set."""

from __future__ import annotations

from scrapy.settings import BaseSettings

from newsclean.sharedcrawl import DEFAULT_PREFIX


class SharedFrontier:
    """With `-s REDIS_URL=redis://host:port/db`, the scheduler's queue and duplicate filter live in Redis under
    NEWSCLEAN_REDIS_PREFIX, so that every `scrapy crawl` process given the same URL works on one crawl."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("REDIS_URL"):
            return
        prefix = settings.get("NEWSCLEAN_REDIS_PREFIX") or DEFAULT_PREFIX
        settings.set("SCHEDULER", "frontier.scheduler.SharedScheduler", priority="addon")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority="addon")
        settings.set("SCHEDULER_QUEUE_KEY", f"{prefix}:requests", priority="addon")
        settings.set("SCHEDULER_DUPEFILTER_KEY", f"{prefix}:dupefilter", priority="addon")
