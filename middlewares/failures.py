"""Every failed page fetch is counted with its reason, whatever the spider does with the failure itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from spiders.base import is_page_request

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response


class FailureAccounting(BaseSpiderMiddleware):
    """Spider middleware: a page request whose errback is none or the spider's `request_failed` gets the
    spider's `page_failed` instead (AnalysingSpider), which counts `newsclean/fetch/failed/<reason>` and then
    calls `request_failed`. Requests with another errback keep it."""

    def get_processed_request(self, request: Request, response: Response | None) -> Request:
        spider = self.crawler.spider
        page_failed = getattr(spider, "page_failed", None)
        if page_failed is None or not is_page_request(request):
            return request
        if request.errback is None or request.errback == getattr(spider, "request_failed", None):
            return request.replace(errback=page_failed)
        return request
