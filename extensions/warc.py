"""WARC_DIR: every HTML page a crawl fetches, archived as it was received in rotating WARC files."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Self

import scrapy
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response, TextResponse
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsclean import __version__
from newsclean.inputs import DISCOVERED_VIA_HEADER, HTML_TYPES
from spiders.base import VIA_META_KEY

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

DEFAULT_MAX_SIZE = 1_000_000_000
OPEN_SUFFIX = ".open"
# Scrapy hands over the body already de-chunked and decompressed, so these headers no longer describe it; they
# are kept under the names Common Crawl uses for the same situation.
RENAMED_HEADERS = {"transfer-encoding": "X-Crawler-Transfer-Encoding", "content-length": "X-Crawler-Content-Length"}


class RotatingWarcFiles:
    """newsclean-<start>-<serial>-<pid>.warc.gz files of about `max_size` bytes each.

    A file is written as NAME.warc.gz.open and renamed to NAME.warc.gz once complete.
    """

    def __init__(self, directory: Path, max_size: int, info: dict[str, str]) -> None:
        self.directory = directory
        self.max_size = max_size
        self.info = info
        self.stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self.serial = 0
        self.completed: list[Path] = []
        self._path: Path | None = None
        self._stream: BinaryIO | None = None
        self._writer: WARCWriter | None = None

    @property
    def writer(self) -> WARCWriter:
        if self._writer is None:
            self._open()
        assert self._writer is not None
        return self._writer

    def write(self, record: ArcWarcRecord) -> None:
        self.writer.write_record(record)
        assert self._stream is not None
        if self._stream.tell() >= self.max_size:
            self.close()

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"newsclean-{self.stamp}-{self.serial:05d}-{os.getpid()}.warc.gz"
        self._path = self.directory / name
        self._stream = (self.directory / (name + OPEN_SUFFIX)).open("xb")
        self._writer = WARCWriter(self._stream, gzip=True)
        self.serial += 1
        self._writer.write_record(self._writer.create_warcinfo_record(name, self.info))

    def close(self) -> None:
        """Finish the current file, if any, under its final name."""
        if self._stream is None or self._path is None:
            return
        self._stream.close()
        os.replace(self._path.with_name(self._path.name + OPEN_SUFFIX), self._path)
        self.completed.append(self._path)
        self._stream = self._writer = self._path = None


class WarcWriter:
    """Writes each 2xx HTML response to WARC_DIR (on the response_received signal, before any parsing)."""

    def __init__(self, files: RotatingWarcFiles, stats: StatsCollector) -> None:
        self.files = files
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        directory = settings.get("WARC_DIR")
        if not directory:
            raise NotConfigured("WARC_DIR is not set: no WARC archive is written")
        max_size = settings.getint("NEWSCLEAN_WARC_MAX_SIZE", DEFAULT_MAX_SIZE)
        if max_size < 1:
            raise NotConfigured(f"NEWSCLEAN_WARC_MAX_SIZE must be a positive number of bytes, not {max_size}")
        info = {
            "software": f"newsclean/{__version__} (Scrapy {scrapy.__version__})",
            "format": "WARC File Format 1.0",
            "http-header-user-agent": str(settings.get("USER_AGENT") or ""),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
        }
        assert crawler.stats is not None
        writer = cls(RotatingWarcFiles(Path(directory), max_size, info), crawler.stats)
        crawler.signals.connect(writer.response_received, signal=signals.response_received)
        crawler.signals.connect(writer.spider_closed, signal=signals.spider_closed)
        return writer

    def response_received(self, response: Response, request: Request) -> None:
        if not is_archivable(response):
            return
        via = request.meta.get(VIA_META_KEY)
        self.files.write(response_record(self.files.writer, response, via))
        self.stats.inc_value("newsclean/warc/records")

    def spider_closed(self) -> None:
        self.files.close()
        self.stats.set_value("newsclean/warc/files", len(self.files.completed))
        if self.files.completed:
            logger.info("Archived %d responses in %d WARC files in %s",
                        self.stats.get_value("newsclean/warc/records", 0), len(self.files.completed),
                        self.files.directory)


def is_archivable(response: Response) -> bool:
    """A 2xx HTML response with a body: what the spider analyses as a page."""
    if not isinstance(response, TextResponse) or not 200 <= response.status < 300 or not response.body:
        return False
    content_type = (response.headers.get(b"Content-Type") or b"text/html").decode("latin-1").lower()
    return any(kind in content_type for kind in HTML_TYPES)


def response_record(writer: WARCWriter, response: Response, discovered_via: str | None) -> ArcWarcRecord:
    """A WARC response record of the body as Scrapy delivered it, with headers that describe that body."""
    http_headers = StatusAndHeaders(_status_line(response.status), _headers(response), protocol=_protocol(response))
    warc_headers = {}
    if response.ip_address is not None:
        warc_headers["WARC-IP-Address"] = str(response.ip_address)
    if discovered_via:
        warc_headers[DISCOVERED_VIA_HEADER] = discovered_via
    return writer.create_warc_record(
        response.url, "response", payload=BytesIO(response.body), length=len(response.body),
        http_headers=http_headers, warc_headers_dict=warc_headers,
    )


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _protocol(response: Response) -> str:
    """The HTTP version as WARC readers expect it; HTTP/2 responses are written as HTTP/1.1 messages."""
    return response.protocol if response.protocol in ("HTTP/1.0", "HTTP/1.1") else "HTTP/1.1"


def _headers(response: Response) -> list[tuple[str, str]]:
    """The response headers, with Content-Length set to the stored body's length."""
    length = str(len(response.body))
    headers: list[tuple[str, str]] = []
    for name, values in response.headers.items():
        text = name.decode("latin-1")
        for value in (v.decode("latin-1") for v in values):
            if text.lower() != "content-length" or value != length:
                headers.append((RENAMED_HEADERS.get(text.lower(), text), value))
    headers.append(("Content-Length", length))
    return headers
