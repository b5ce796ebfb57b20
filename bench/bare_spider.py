"""The bare crawl: follow every on-site <a href>, keep nothing. What fetching alone costs the reactor.

scrapy runspider bench/bare_spider.py -a start=URL -a stats_out=PATH [-s ...]
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

logger = logging.getLogger(__name__)


class BareSpider(scrapy.Spider):
    """Parses each page for links (in the reactor process, as any link-following spider does)."""

    name = "bench_bare"

    def __init__(self, start: str = "", stats_out: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not start:
            raise ValueError("give the start URL: -a start=http://127.0.0.1:PORT/")
        self.start_url = start
        self.netloc = urlsplit(start).netloc
        self.stats_out = stats_out
        self.requested: set[str] = {start}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.start_url, callback=self.parse)

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        """response.xpath() would cache its Selector on the response, which points back to it: the cycle
        keeps every page's parse tree until the cyclic GC runs (hundreds of MB). A Selector of our own is
        freed with the page."""
        if not isinstance(response, TextResponse):
            return
        for href in scrapy.Selector(response).xpath("//a/@href").getall():
            url = response.urljoin(href.strip()).split("#", 1)[0]
            if url not in self.requested and urlsplit(url).netloc == self.netloc:
                self.requested.add(url)
                yield scrapy.Request(url, callback=self.parse)

    def closed(self, reason: str) -> None:
        """Write the stats; CoreStats has not set the finish time yet, so the elapsed time is taken here."""
        if self.stats_out:
            assert self.crawler.stats is not None
            stats = dict(self.crawler.stats.get_stats())
            stats.setdefault("elapsed_time_seconds", (datetime.now(UTC) - stats["start_time"]).total_seconds())
            with open(self.stats_out, "w", encoding="utf-8") as out:
                json.dump(stats, out, default=str, sort_keys=True)
