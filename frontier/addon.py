"""The add-on that picks where the crawl's frontier (pending requests and seen fingerprints) lives."""

from __future__ import annotations

from scrapy.settings import BaseSettings

from newsclean.sharedcrawl import DEFAULT_PREFIX


class Frontier:
    """Without REDIS_URL, pending requests wait in disk queues (frontier.spill.SpillingScheduler). With
    `-s REDIS_URL=redis://host:port/db`, the queue and duplicate filter live in Redis under
    NEWSCLEAN_REDIS_PREFIX, so that every `scrapy crawl` process given the same URL works on one crawl.
    A SCHEDULER set in the project's or the command line's settings wins over both."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("REDIS_URL"):
            settings.set("SCHEDULER", "frontier.spill.SpillingScheduler", priority="addon")
            return
        prefix = settings.get("NEWSCLEAN_REDIS_PREFIX") or DEFAULT_PREFIX
        settings.set("SCHEDULER", "frontier.scheduler.SharedScheduler", priority="addon")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority="addon")
        settings.set("SCHEDULER_QUEUE_KEY", f"{prefix}:requests", priority="addon")
        settings.set("SCHEDULER_DUPEFILTER_KEY", f"{prefix}:dupefilter", priority="addon")
