"""The parts behind tests/test_hostile.py, one at a time: charset decoding, binary detection, the address policy,
the extraction pool's time bound, the compression-bomb limit and the crawler-trap limits."""

from __future__ import annotations

import asyncio
import os
import tracemalloc
import zlib
from ipaddress import ip_address

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from middlewares.network import AddressPolicy, is_public
from middlewares.traps import TrapGuard, TrapLimits, request_trapped
from newsclean.encoding import decode_html, looks_binary
from newsclean.extraction import DEFAULT_CONFIG, Rejection, RejectionReason, extract
from newsclean.record import ArticleRecord
from newsclean.workers import AnalysisPool
from spiders.base import ARTICLE_VERDICT, VERDICT_META_KEY, VIA_META_KEY
from tests.hostile_server import ARTICLES, FRENCH, WINDOWS_1252, article_html, pathological_html

MIB = 1024 * 1024
TEXT = " ".join(FRENCH[2:3] + WINDOWS_1252[:1])


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(TEXT.encode("cp1252"), "text/html; charset=ISO-8859-1", id="charset-in-header"),
        pytest.param(f'<meta charset="windows-1252">{TEXT}'.encode("cp1252"), "text/html", id="charset-in-meta"),
        pytest.param(TEXT.encode("cp1252"), "text/html", id="charset-nowhere"),
        pytest.param(TEXT.encode("cp1252"), "text/html; charset=utf-8", id="windows-1252-labelled-utf-8"),
        pytest.param(TEXT.encode("utf-8"), "text/html; charset=iso-8859-1", id="utf-8-labelled-latin-1"),
        pytest.param(b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "text/html; charset=iso-8859-1", id="bom-wins"),
    ],
)
def test_western_pages_decode_with_their_accents(body: bytes, content_type: str) -> None:
    assert decode_html(body, content_type).endswith(TEXT)


def test_a_utf_8_page_with_one_stray_latin_1_byte_keeps_both() -> None:
    assert decode_html("déjà ".encode() + "été".encode("latin-1"), "text/html; charset=utf-8") == "déjà été"


def test_an_undeclared_cyrillic_page_is_not_read_as_windows_1252() -> None:
    text = "Городской совет в четверг одобрил ремонт моста через реку. Стоимость работ составит два миллиона. " * 3
    assert decode_html(text.encode("cp1251"), "text/html") == text


@pytest.mark.parametrize(
    ("body", "binary"),
    [
        (b"%PDF-1.7\n" + b"x" * 100, True),
        (b"\x89PNG\r\n\x1a\n" + b"x" * 100, True),
        (b"\x00\x00\x00\x18ftypmp42" + b"x" * 100, True),
        (os.urandom(4096), True),
        (ARTICLES["/articles/latin1-nowhere.html"].text.encode("latin-1"), False),
        ("\ufeff<p>UTF-16 text with its byte-order mark</p>".encode("utf-16-le"), False),
    ],
    ids=["pdf", "png", "mp4", "random", "latin-1", "utf-16"],
)
def test_binary_bodies_are_told_from_text(body: bytes, binary: bool) -> None:
    assert looks_binary(body) is binary


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "100.100.100.200", "0.0.0.0", "::1",
     "fd00:ec2::254", "fe80::1", "::ffff:127.0.0.1", "224.0.0.1"],
)
def test_loopback_private_link_local_and_metadata_addresses_are_not_public(address: str) -> None:
    assert not is_public(ip_address(address))
    assert not AddressPolicy().permits("news.example", address)


def test_public_addresses_and_what_the_user_allowed_are_permitted() -> None:
    assert AddressPolicy().permits("news.example", "93.184.216.34")
    assert AddressPolicy().permits("news.example", "2606:2800:220:1::1")
    allowed = AddressPolicy.from_names(["intranet.example", "10.0.0.0/8"])
    assert allowed.permits("intranet.example", "192.168.1.1")
    assert allowed.permits("wiki.example", "10.9.8.7")
    assert not allowed.permits("wiki.example", "192.168.1.1")


def test_a_start_host_allows_itself_not_other_names_for_its_address() -> None:
    policy = AddressPolicy.from_hosts(["127.0.0.1", "News.Example"])
    assert policy.permits("127.0.0.1", "127.0.0.1")
    assert policy.permits("news.example", "10.0.0.5")
    assert not policy.permits("localhost", "127.0.0.1")


def test_a_pathological_page_is_abandoned_for_real_and_its_worker_replaced() -> None:
    pool = AnalysisPool(workers=1, config=DEFAULT_CONFIG, timeout=2)
    pool.start()
    try:
        first_pid = pool.pids[0]
        normal = article_html(ARTICLES["/articles/plain.html"])
        slow = asyncio.run(_analyse_both(pool, pathological_html().decode(), normal))
        replacement_pid = pool.pids[0]
    finally:
        pool.close()
    (slow_outcome, next_outcome) = slow
    assert isinstance(slow_outcome, Rejection) and slow_outcome.reason is RejectionReason.EXTRACTION_TIMEOUT
    assert isinstance(next_outcome, ArticleRecord)
    assert pool.replaced == 1 and replacement_pid != first_pid
    with pytest.raises(ProcessLookupError):
        os.kill(first_pid, 0)


async def _analyse_both(pool: AnalysisPool, slow: str, normal: str) -> tuple[object, object]:
    first = await pool.analyse(slow, "https://n.example/slow.html", None, "link")
    second = await pool.analyse(normal, "https://n.example/2026/ferry.html", None, "link")
    return first.outcome, second.outcome


def test_a_worker_that_died_is_replaced_before_it_is_given_a_page() -> None:
    pool = AnalysisPool(workers=1, config=DEFAULT_CONFIG, timeout=60)
    pool.start()
    try:
        os.kill(pool.pids[0], 9)
        analysis = asyncio.run(pool.analyse(article_html(ARTICLES["/articles/plain.html"]),
                                            "https://n.example/2026/ferry.html", None, "link"))
    finally:
        pool.close()
    assert isinstance(analysis.outcome, ArticleRecord)
    assert pool.replaced == 1


def test_a_gzip_bomb_is_cut_off_at_download_maxsize_without_inflating_it() -> None:
    """Scrapy 2.19's HttpCompressionMiddleware inflates in chunks and stops at DOWNLOAD_MAXSIZE."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = b"".join(compressor.compress(b"\0" * MIB) for _ in range(256)) + compressor.flush()  # 256 MiB inflated
    crawler = get_crawler(settings_dict={"DOWNLOAD_MAXSIZE": 10 * MIB})
    middleware = HttpCompressionMiddleware.from_crawler(crawler)
    response = Response("https://n.example/bomb.html", body=bomb, headers={"Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        with pytest.raises(IgnoreRequest, match="DOWNLOAD_MAXSIZE"):
            middleware.process_response(Request(response.url), response)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(bomb) < MIB and peak < 3 * 10 * MIB


def _guard(**limits: int) -> TrapGuard:
    crawler = get_crawler(settings_dict={})
    crawler.stats.open_spider()  # type: ignore[union-attr]
    return TrapGuard(crawler, TrapLimits(**limits))


def _response(url: str, verdict: str) -> HtmlResponse:
    request = Request(url, meta={VIA_META_KEY: "link", VERDICT_META_KEY: verdict})
    return HtmlResponse(url, body=b"<html></html>", request=request)


def _page(url: str) -> Request:
    return Request(url, meta={VIA_META_KEY: "link"})


def test_query_variants_of_a_path_stop_unless_one_was_an_article() -> None:
    guard = _guard(query_variants=3)
    home = _response("https://n.example/", "listing_page")
    searches = [guard.get_processed_request(_page(f"https://n.example/search?q={n}"), home) for n in range(5)]
    assert sum(request is not None for request in searches) == 3
    story = _response("https://n.example/index.php?id=1", ARTICLE_VERDICT)
    record = extract(article_html(ARTICLES["/articles/plain.html"]), story.url)
    assert isinstance(record, ArticleRecord)
    guard.get_processed_item(record, story)
    stories = [guard.get_processed_request(_page(f"https://n.example/index.php?id={n}"), story) for n in range(2, 12)]
    assert all(request is not None for request in stories)
    assert guard.crawler.stats.get_value("newsclean/traps/query_variants") == 2  # type: ignore[union-attr]


def test_non_article_depth_restarts_at_each_article() -> None:
    guard = _guard(non_article_depth=2)
    response: HtmlResponse | None = None
    depths = []
    for n in range(4):
        request = guard.get_processed_request(_page(f"https://n.example/section/{n}/"), response)
        depths.append(None if request is None else request.meta["newsclean_non_article_depth"])
        if request is not None:
            response = HtmlResponse(request.url, body=b"<html></html>", request=request)
            response.meta[VERDICT_META_KEY] = "listing_page"
    assert depths == [0, 1, 2, None]
    assert response is not None
    response.meta[VERDICT_META_KEY] = ARTICLE_VERDICT
    request = guard.get_processed_request(_page("https://n.example/2026/story.html"), response)
    assert request is not None and request.meta["newsclean_non_article_depth"] == 0


def test_each_host_has_a_page_budget_and_dropped_requests_are_signalled() -> None:
    guard = _guard(host_pages=2)
    trapped: list[tuple[str, str]] = []
    guard.crawler.signals.connect(lambda request, limit: trapped.append((request.url, limit)), request_trapped, weak=False)
    kept = [guard.get_processed_request(_page(f"https://{host}/{n}.html"), None)
            for host in ("a.example", "b.example") for n in range(3)]
    assert [request is not None for request in kept] == [True, True, False, True, True, False]
    assert guard.crawler.stats.get_value("newsclean/traps/host_budget") == 2  # type: ignore[union-attr]
    assert trapped == [("https://a.example/2.html", "host_budget"), ("https://b.example/2.html", "host_budget")]
