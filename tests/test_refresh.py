"""Meta-refresh redirects are followed as Scrapy follows them, from the first 4 KB of the page."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from middlewares.refresh import HEAD_BYTES, HeadMetaRefresh

PAGE = "https://news.example/old-story.html"


def respond(head: str, body: str = "", content_type: bytes = b"text/html; charset=utf-8") -> HtmlResponse:
    html = f"<html><head>{head}</head><body>{body}</body></html>".encode()
    return HtmlResponse(PAGE, body=html, headers={"Content-Type": content_type})


def middleware() -> HeadMetaRefresh:
    return HeadMetaRefresh.from_crawler(get_crawler(settings_dict={"METAREFRESH_MAXDELAY": 100}))


def test_a_refresh_in_the_head_redirects_to_its_absolute_url() -> None:
    response = respond('<meta http-equiv="refresh" content="0; url=/2026/new-story.html">', "<p>Moved.</p>" * 5000)
    redirected = middleware().process_response(Request(PAGE), response)
    assert isinstance(redirected, Request)
    assert redirected.url == "https://news.example/2026/new-story.html"


def test_a_page_without_refresh_or_with_a_long_delay_is_kept() -> None:
    for head in ("<title>Story</title>", '<meta http-equiv="refresh" content="600; url=/elsewhere.html">'):
        response = respond(head)
        assert middleware().process_response(Request(PAGE), response) is response


def test_a_refresh_beyond_the_head_bytes_is_not_followed_as_in_scrapy() -> None:
    late = respond("<title>Story</title>", "x" * HEAD_BYTES + '<meta http-equiv="refresh" content="0; url=/late.html">')
    assert middleware().process_response(Request(PAGE), late) is late


def test_the_charset_of_the_page_is_respected() -> None:
    head = '<meta charset="windows-1251"><meta http-equiv="refresh" content="0; url=/новости.html">'
    html = f"<html><head>{head}</head></html>".encode("windows-1251")
    response = HtmlResponse(PAGE, body=html, headers={"Content-Type": b"text/html"})
    redirected = middleware().process_response(Request(PAGE), response)
    assert isinstance(redirected, Request)
    assert redirected.url == "https://news.example/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8.html"
