"""A crawl that several `scrapy crawl` processes share through Redis.

The frontier itself (the request queue and the duplicate filter) is scrapy-redis's. Beside it, under the same
key prefix, this module keeps what the workers need to cooperate:

- the crawl's arguments (`-a start=...`, `-a source=...`, `since`, `max_pages`), written by the process that
  seeds the crawl, so that a worker started with no arguments joins the same crawl;
- the shared count of page requests, against the crawl's page budget;
- the live workers and their heartbeats, so that the last worker out of a finished crawl clears its keys and
  the next crawl starts afresh;
- when each worker last got a response, so that idle workers stay while any worker is still busy.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass

import redis

logger = logging.getLogger(__name__)

SPIDER_ARGUMENTS = ("start", "source", "since", "max_pages")
DEFAULT_PREFIX = "newsclean:%(spider)s"


@dataclass(frozen=True)
class SharedKeys:
    """The Redis keys of one shared crawl."""

    prefix: str

    @property
    def requests(self) -> str:
        return f"{self.prefix}:requests"

    @property
    def dupefilter(self) -> str:
        return f"{self.prefix}:dupefilter"

    @property
    def arguments(self) -> str:
        return f"{self.prefix}:arguments"

    @property
    def pages(self) -> str:
        return f"{self.prefix}:pages"

    @property
    def workers(self) -> str:
        return f"{self.prefix}:workers"

    @property
    def activity(self) -> str:
        return f"{self.prefix}:activity"

    def all(self) -> list[str]:
        return [self.requests, self.dupefilter, self.arguments, self.pages, self.workers, self.activity]


def crawl_keys(prefix: str, spider_name: str) -> SharedKeys:
    """The keys of `spider_name`'s shared crawl; `%(spider)s` in the prefix stands for the spider's name."""
    return SharedKeys(prefix % {"spider": spider_name})


class SharedCrawl:
    """One shared crawl's state in Redis, as seen by one worker."""

    def __init__(self, server: redis.Redis, keys: SharedKeys, worker: str, heartbeat_ttl: float) -> None:
        self.server = server
        self.keys = keys
        self.worker = worker
        self.heartbeat_ttl = heartbeat_ttl

    @classmethod
    def connect(cls, url: str, keys: SharedKeys, worker: str, heartbeat_ttl: float = 15.0) -> SharedCrawl:
        server = redis.Redis.from_url(url, decode_responses=True, socket_connect_timeout=10)
        server.ping()
        return cls(server, keys, worker, heartbeat_ttl)

    def seed(self, arguments: Mapping[str, str]) -> None:
        """Start a crawl with these spider arguments, or add to the crawl that live workers are running.

        With no live worker, what is left in Redis belongs to a crawl that ended without clearing it (its
        workers were killed): it is cleared, so its duplicate filter does not hide this crawl's pages.
        """
        if not self.live_workers():
            leftovers = self.server.exists(*self.keys.all())
            if leftovers:
                logger.info("Clearing what an interrupted crawl left under %s", self.keys.prefix)
                self.clear()
        self.server.set(self.keys.arguments, json.dumps(dict(arguments), sort_keys=True))
        self.server.hset(self.keys.activity, self.worker, str(time.time()))

    def arguments(self) -> dict[str, str] | None:
        """The spider arguments of the crawl to join, or None when none was seeded."""
        raw = self.server.get(self.keys.arguments)
        return {str(key): str(value) for key, value in json.loads(str(raw)).items()} if raw else None

    def wait_for_arguments(self, timeout: float, poll: float = 1.0) -> dict[str, str] | None:
        """The crawl's arguments, waiting up to `timeout` seconds for a crawl to be seeded.

        Called before the crawl's reactor runs, when a worker has nothing else to do."""
        deadline = time.monotonic() + timeout
        while (arguments := self.arguments()) is None and time.monotonic() < deadline:
            time.sleep(poll)
        return arguments

    def count_page_request(self) -> int:
        """Count one more page request of the crawl, across all workers; returns the new total."""
        return int(self.server.incr(self.keys.pages))

    def pending_requests(self) -> int:
        return int(self.server.zcard(self.keys.requests))

    def heartbeat(self, active_at: float | None = None) -> None:
        """Say this worker is alive, and when it last got a response (seconds since the epoch)."""
        self.server.hset(self.keys.workers, self.worker, str(time.time()))
        if active_at is not None:
            self.server.hset(self.keys.activity, self.worker, str(active_at))

    def last_activity(self) -> float:
        """When any worker of the crawl last got a response (0 before any did)."""
        return max((float(value) for value in self.server.hvals(self.keys.activity)), default=0.0)

    def live_workers(self) -> list[str]:
        """Workers whose last heartbeat is recent, this one included once it has beaten."""
        now = time.time()
        beats = self.server.hgetall(self.keys.workers)
        return [str(worker) for worker, beat in beats.items() if now - float(beat) < self.heartbeat_ttl]

    def leave(self, finished: bool) -> bool:
        """Sign this worker off; the last worker out of a finished crawl clears its keys. True when it did."""
        self.server.hdel(self.keys.workers, self.worker)
        if finished and not self.live_workers() and not self.pending_requests():
            self.clear()
            return True
        return False

    def clear(self) -> None:
        self.server.delete(*self.keys.all())

    def close(self) -> None:
        self.server.close()
