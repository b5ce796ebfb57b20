"""Crawler traps (endless calendars, faceted navigation, pagination without end) cannot make a crawl run forever.

TrapGuard limits the page requests a spider yields; robots.txt, sitemap and feed requests pass untouched:

- NEWSCLEAN_NON_ARTICLE_DEPTH: how many non-article pages in a row a chain of links may go through. An article,
  a sitemap, a feed or a start URL starts the count again, so every article linked from a listing is reached.
- NEWSCLEAN_QUERY_VARIANTS: how many query strings one path may be requested with while none of them has
  been an article (a CMS serving its articles as /index.php?id=N is not limited).
- NEWSCLEAN_HOST_PAGE_BUDGET: how many pages one host (host:port) may be asked for in a crawl.

Session ids and tracking parameters are removed before the news spider's duplicate check (newsclean.urls).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from newsclean.record import ArticleRecord
from spiders.base import ARTICLE_VERDICT, VERDICT_META_KEY, is_page_request

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

DEPTH_META_KEY = "newsclean_non_article_depth"
TRAPS_PREFIX = "newsclean/traps/"
# Signal sent for each page request TrapGuard drops, with `request` and `limit`: a crawl state that keeps the
# URLs a crawl found can forget these, so that the next crawl does not start again from inside a trap.
request_trapped = object()


@dataclass(frozen=True)
class TrapLimits:
    """0 switches a limit off."""

    non_article_depth: int = 10
    query_variants: int = 100
    host_pages: int = 100_000

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls(
            non_article_depth=settings.getint("NEWSCLEAN_NON_ARTICLE_DEPTH", cls.non_article_depth),
            query_variants=settings.getint("NEWSCLEAN_QUERY_VARIANTS", cls.query_variants),
            host_pages=settings.getint("NEWSCLEAN_HOST_PAGE_BUDGET", cls.host_pages),
        )


def non_article_depth(response: Response | None) -> int:
    """How many non-article pages in a row lead to the links of `response`, itself included."""
    request = response.request if response is not None else None
    if request is None or not is_page_request(request) or request.meta.get(VERDICT_META_KEY) == ARTICLE_VERDICT:
        return 0
    depth: int = request.meta.get(DEPTH_META_KEY, 0)
    return depth + 1


class TrapGuard(BaseSpiderMiddleware):
    """Spider middleware: drops page requests past a limit and counts them as `newsclean/traps/<limit>`."""

    def __init__(self, crawler: Crawler, limits: TrapLimits) -> None:
        super().__init__(crawler)
        self.limits = limits
        self.pages_per_host: Counter[str] = Counter()
        self.variants_per_path: Counter[tuple[str, str]] = Counter()
        self.article_paths: set[tuple[str, str]] = set()
        self._reported: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, TrapLimits.from_settings(crawler.settings))

    def get_processed_item(self, item: Any, response: Response | None) -> Any:
        if isinstance(item, ArticleRecord):
            host, path, _ = _parts(item.url)
            self.article_paths.add((host, path))
        return item

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        if not is_page_request(request):
            return request
        depth = non_article_depth(response)
        limit = self._limit_reached(request.url, depth)
        if limit is not None:
            self._drop(request, limit)
            return None
        host, path, query = _parts(request.url)
        self.pages_per_host[host] += 1
        if query:
            self.variants_per_path[host, path] += 1
        request.meta[DEPTH_META_KEY] = depth
        return request

    def _limit_reached(self, url: str, depth: int) -> str | None:
        limits = self.limits
        host, path, query = _parts(url)
        if limits.non_article_depth and depth > limits.non_article_depth:
            return "non_article_depth"
        if limits.host_pages and self.pages_per_host[host] >= limits.host_pages:
            return "host_budget"
        if (
            query
            and limits.query_variants
            and (host, path) not in self.article_paths
            and self.variants_per_path[host, path] >= limits.query_variants
        ):
            return "query_variants"
        return None

    def _drop(self, request: Request, limit: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"{TRAPS_PREFIX}{limit}")
        self.crawler.signals.send_catch_log(request_trapped, request=request, limit=limit, spider=self.crawler.spider)
        host, path, _ = _parts(request.url)
        key = (limit, host if limit == "host_budget" else f"{host}{path}")
        if key not in self._reported:
            self._reported.add(key)
            logger.info("Not following more links (%s limit reached): %s", limit, request.url)


def _parts(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    return parts.netloc.lower(), parts.path, parts.query
