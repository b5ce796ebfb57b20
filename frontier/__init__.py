"""The crawl frontier shared through Redis (scrapy-redis), switched on by the REDIS_URL setting."""

from __future__ import annotations

import os
import socket

import redis
from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings

from newsclean.sharedcrawl import DEFAULT_PREFIX, SharedCrawl, crawl_keys


def shared_crawl(settings: BaseSettings, spider_name: str) -> SharedCrawl | None:
    """This process's handle on the shared crawl of `spider_name`, or None when REDIS_URL is not set."""
    url = settings.get("REDIS_URL")
    if not url:
        return None
    keys = crawl_keys(settings.get("NEWSCLEAN_REDIS_PREFIX") or DEFAULT_PREFIX, spider_name)
    try:
        return SharedCrawl.connect(url, keys, worker=f"{socket.gethostname()}:{os.getpid()}")
    except redis.RedisError as error:
        raise UsageError(f"REDIS_URL={url}: cannot use Redis there ({error})") from error
