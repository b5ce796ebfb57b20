"""The one-off spider behind `scrapy article URL ...`: each URL named gives a record or a failure."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any, Self

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest, UsageError
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newsclean.extraction import Rejection
from newsclean.record import ArticleRecord
from spiders.base import VIA_META_KEY, AnalysingSpider

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class ArticleSpider(AnalysingSpider):
    """scrapy crawl article -a urls=URL[,URL...]; follows no links. Failures are kept in `failures`."""

    name = "article"

    def __init__(self, urls: str | Iterable[str] = "", **kwargs: Any):
        super().__init__(**kwargs)
        names = urls.split(",") if isinstance(urls, str) else list(urls)
        self.start_urls = [url.strip() for url in names if url.strip()]
        if not self.start_urls:
            raise UsageError("name at least one URL")
        self.failures: dict[str, str] = {}
        self.requested_by_url: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.item_dropped, signal=signals.item_dropped)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        for url in self.start_urls:
            yield Request(
                url,
                callback=self.parse_page,
                errback=self.fetch_failed,
                meta={VIA_META_KEY: "manual", "requested_url": url},
                dont_filter=True,
            )

    async def parse_page(self, response: Response) -> AsyncIterator[ArticleRecord]:
        analysis = await self.analyse(response)
        requested = response.meta["requested_url"]
        self.requested_by_url[response.url] = requested
        if isinstance(analysis.outcome, Rejection):
            detail = f" ({analysis.outcome.detail})" if analysis.outcome.detail else ""
            self.failures[requested] = f"not an article: {analysis.outcome.reason}{detail}"
            return
        yield analysis.outcome

    def item_dropped(self, item: ArticleRecord, exception: Exception) -> None:
        requested = self.requested_by_url.get(item.url, item.url)
        self.failures[requested] = f"dropped ({type(exception).__name__}): {exception}"

    def fetch_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        self.failures[request.meta["requested_url"]] = _describe(failure)


def _describe(failure: Failure) -> str:
    error = failure.value
    if isinstance(error, HttpError):
        return f"HTTP {error.response.status}"
    if isinstance(error, IgnoreRequest):
        return f"not fetched: {failure.getErrorMessage() or 'forbidden by robots.txt'}"
    return f"fetch failed: {type(error).__name__}: {failure.getErrorMessage()}"
