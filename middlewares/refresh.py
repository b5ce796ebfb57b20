"""Meta-refresh redirects read from the first bytes of a page.

Scrapy's MetaRefreshMiddleware looks at `response.text[0:4096]`, which decodes the whole body and keeps the
decoded copy on the response for as long as the response lives: in this crawl, until a worker process has
analysed the page. Pages wait for a worker in the reactor process, so those copies were most of its memory
beyond the bodies themselves. This subclass decodes only the first HEAD_BYTES.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse
from scrapy.utils.httpobj import urlparse_cached
from w3lib.encoding import html_to_unicode
from w3lib.html import get_base_url, get_meta_refresh

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.http import Response

HEAD_BYTES = 4096


class HeadMetaRefresh(MetaRefreshMiddleware):
    """MetaRefreshMiddleware (same settings: METAREFRESH_ENABLED, _MAXDELAY, _IGNORE_TAGS) on the page's head."""

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if (
            request.meta.get("dont_redirect", False)
            or request.method == "HEAD"
            or not isinstance(response, HtmlResponse)
            or urlparse_cached(request).scheme not in {"http", "https"}
        ):
            return response
        interval, url = _meta_refresh(response, self._ignore_tags)
        if interval is None or not url:
            return response
        redirected = self._redirect_request_using_get(request, response, url)
        if urlparse_cached(redirected).scheme not in {"http", "https"}:
            return response
        if interval < self._maxdelay:
            return self._redirect(redirected, request, "meta refresh")
        return response


def _meta_refresh(response: HtmlResponse, ignore_tags: list[str]) -> tuple[float, str] | tuple[None, None]:
    header = response.headers.get(b"Content-Type")
    encoding, head = html_to_unicode(header.decode("latin-1") if header else None, response.body[:HEAD_BYTES])
    base_url = get_base_url(head, response.url, encoding)
    return get_meta_refresh(head, base_url, encoding, ignore_tags=ignore_tags)
