"""WARC archives: what a crawl writes with WARC_DIR, and `scrapy extract` reading them back into a store."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from extensions.warc import WarcWriter
from newsclean.siteserver import SiteServer
from tests.conftest import FAST_CRAWL, ROOT, SITES, ScrapyRun, last_run_stats, run_scrapy, stored_records

PAGE = b"<html><head><title>Story</title></head><body><p>" + "Caf\u00e9 news. ".encode() * 50 + b"</p></body></html>"


def warc_records(folder: Path) -> list[ArcWarcRecord]:
    """Every record of every .warc.gz in `folder`, in file order, with its content read."""
    records = []
    for path in sorted(folder.glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                record.body = record.content_stream().read()
                records.append(record)
    return records


def writer_for(folder: Path, **settings: Any) -> WarcWriter:
    crawler = get_crawler(settings_dict={"WARC_DIR": str(folder), **settings})
    return build_from_crawler(WarcWriter, crawler)


def html_response(url: str, body: bytes = PAGE, status: int = 200, **headers: str) -> HtmlResponse:
    request = Request(url, meta={"newsclean_discovered_via": "sitemap"})
    return HtmlResponse(url, status=status, body=body, request=request,
                        headers={"Content-Type": "text/html; charset=utf-8", **headers})


def test_no_warc_dir_no_archive() -> None:
    with pytest.raises(NotConfigured, match="WARC_DIR"):
        build_from_crawler(WarcWriter, get_crawler(settings_dict={"WARC_DIR": ""}))


def test_only_successful_html_responses_are_archived_with_headers_that_fit_the_body(tmp_path: Path) -> None:
    writer = writer_for(tmp_path)
    page = html_response("https://news.example/story.html", **{"Content-Length": "312", "Transfer-Encoding": "chunked"})
    sitemap = TextResponse("https://news.example/sitemap.xml", body=b"<urlset/>",
                           headers={"Content-Type": "application/xml"})
    missing = html_response("https://news.example/gone.html", status=404)
    for response in (page, sitemap, missing):
        writer.response_received(response, response.request)
    writer.spider_closed()

    info, record = warc_records(tmp_path)
    assert info.rec_type == "warcinfo" and b"software: newsclean/" in info.body
    assert record.rec_type == "response"
    assert record.rec_headers.get_header("WARC-Target-URI") == "https://news.example/story.html"
    assert record.rec_headers.get_header("WARC-Newsclean-Discovered-Via") == "sitemap"
    assert record.body == PAGE
    assert record.http_headers.get_statuscode() == "200"
    assert record.http_headers.get_header("Content-Length") == str(len(PAGE))
    assert record.http_headers.get_header("X-Crawler-Content-Length") == "312", "the length as sent, kept aside"
    assert record.http_headers.get_header("Transfer-Encoding") is None, "Scrapy hands over a de-chunked body"
    assert writer.stats.get_value("newsclean/warc/records") == 1


def test_files_rotate_at_the_size_limit_and_none_stays_open(tmp_path: Path) -> None:
    writer = writer_for(tmp_path, NEWSCLEAN_WARC_MAX_SIZE=1)
    for number in range(3):
        response = html_response(f"https://news.example/{number}.html")
        writer.response_received(response, response.request)
    writer.spider_closed()
    names = sorted(path.name for path in tmp_path.iterdir())
    assert [name.split("-")[2] for name in names] == ["00000", "00001", "00002"]
    assert all(name.startswith("newsclean-") and name.endswith(".warc.gz") for name in names)
    responses = [r for r in warc_records(tmp_path) if r.rec_type == "response"]
    assert [r.rec_headers.get_header("WARC-Target-URI") for r in responses] == [
        f"https://news.example/{number}.html" for number in range(3)]
    assert writer.stats.get_value("newsclean/warc/files") == 3


@dataclass
class ArchivedCrawl:
    store: Path
    warc_dir: Path
    stats: dict[str, Any]
    records: dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def archived_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArchivedCrawl]:
    """The fixture news site crawled with WARC_DIR set, WARC files rotating every ~8 kB."""
    workdir = tmp_path_factory.mktemp("archived")
    store, warc_dir = workdir / "crawl.db", workdir / "warc"
    with SiteServer(SITES / "news") as site:
        run = run_scrapy("crawl", "news", "-a", f"start={site.url('/')}", "-s", f"STORE_URL=sqlite:///{store}",
                         "-s", f"WARC_DIR={warc_dir}", "-s", "NEWSCLEAN_WARC_MAX_SIZE=8000", *FAST_CRAWL)
    assert run.returncode == 0, run.stderr[-3000:]
    yield ArchivedCrawl(store, warc_dir, last_run_stats(store), stored_records(store))


def extract_into(store: Path, warc_dir: Path) -> ScrapyRun:
    return run_scrapy("extract", str(warc_dir), "--store", "-s", f"STORE_URL=sqlite:///{store}",
                      "-s", "NEWSCLEAN_EXTRACTION_WORKERS=2")


def test_the_crawl_archives_every_page_it_analysed_and_nothing_else(archived_crawl: ArchivedCrawl) -> None:
    responses = [r for r in warc_records(archived_crawl.warc_dir) if r.rec_type == "response"]
    paths = {urlsplit(r.rec_headers.get_header("WARC-Target-URI")).path for r in responses}
    assert len(responses) == len(paths) == archived_crawl.stats["newsclean/pages/analysed"]
    assert set(archived_crawl.records) <= paths
    assert all(path.endswith((".html", "/")) for path in paths), "no robots.txt, sitemap or feed"
    assert archived_crawl.stats["newsclean/warc/files"] > 1, "rotated"
    assert not list(archived_crawl.warc_dir.glob("*.open"))


def test_extracting_the_archive_into_a_fresh_store_gives_the_crawl_records(archived_crawl: ArchivedCrawl,
                                                                           tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    run = extract_into(fresh, archived_crawl.warc_dir)
    assert run.returncode == 0, run.stderr
    articles = len(archived_crawl.records)
    assert f"newsclean: {articles} records" in run.stderr
    assert f"store: {articles} new, 0 updated, 0 unchanged" in run.stderr
    again = stored_records(fresh)
    assert set(again) == set(archived_crawl.records)
    for path, crawled in archived_crawl.records.items():
        extracted = again[path]
        assert {k: v for k, v in extracted.items() if k != "fetched_at"} == \
               {k: v for k, v in crawled.items() if k != "fetched_at"}, path
        assert extracted["fetched_at"] <= crawled["fetched_at"], "the fetch time from WARC-Date, not the re-run's"


def test_extracting_the_archive_into_the_crawl_store_changes_nothing(archived_crawl: ArchivedCrawl) -> None:
    run = extract_into(archived_crawl.store, archived_crawl.warc_dir)
    assert run.returncode == 0, run.stderr
    assert f"store: 0 new, 0 updated, {len(archived_crawl.records)} unchanged" in run.stderr


def chunked(body: bytes, size: int = 1000) -> bytes:
    pieces = [body[start:start + size] for start in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"


def write_foreign_warc(path: Path, page_url: str, page: bytes) -> None:
    """A WARC as other tools write it: raw transfer (gzip, chunked), a request record, a feed and a 404."""
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "www.echo-de-la-loire.example")], is_http_request=True)
        writer.write_record(writer.create_warc_record(page_url, "request", http_headers=request))
        transferred = chunked(gzip.compress(page))
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
                   ("Transfer-Encoding", "chunked")]
        writer.write_record(writer.create_warc_record(
            page_url, "response", payload=BytesIO(transferred), length=len(transferred),
            http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": "2026-09-21T08:30:00Z"}))
        for url, status, kind, body in (("https://www.echo-de-la-loire.example/rss.xml", "200 OK",
                                         "application/rss+xml", b"<rss/>"),
                                        ("https://www.echo-de-la-loire.example/gone.html", "404 Not Found",
                                         "text/html", page)):
            writer.write_record(writer.create_warc_record(
                url, "response", payload=BytesIO(body), length=len(body),
                http_headers=StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")))


def test_extract_reads_a_warc_written_by_another_tool(tmp_path: Path) -> None:
    case = ROOT / "tests" / "fixtures" / "pages" / "french_news"
    url = json.loads((case / "meta.json").read_text(encoding="utf-8"))["url"]
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    archive = tmp_path / "other.warc"
    write_foreign_warc(archive, url, (case / "page.html").read_bytes())
    run = run_scrapy("extract", str(archive), "-o", str(tmp_path / "out.jsonl"), "-s", "NEWSCLEAN_EXTRACTION_WORKERS=1")
    assert run.returncode == 0, run.stderr
    (record,) = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert record["url"] == url and record["title"] == expected["title"] and record["language"] == "fr"
    for snippet in expected["must_contain"]:
        assert snippet in record["text"]
    assert record["fetched_at"] == "2026-09-21T08:30:00+00:00"
    assert record["discovered_via"] == "file"
