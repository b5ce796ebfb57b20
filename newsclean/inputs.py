"""Saved pages to extract from: .html / .html.gz files, JSONL of {url, html, id}, WARC archives, folders of them."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, get_args

from charset_normalizer import from_bytes
from w3lib.encoding import html_to_unicode, resolve_encoding
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from newsclean.record import ArticleRecord, DiscoveredVia

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
WARC_SUFFIXES = (".warc", ".warc.gz")
ALL_SUFFIXES = HTML_SUFFIXES + JSONL_SUFFIXES + WARC_SUFFIXES
HTML_TYPES = ("text/html", "application/xhtml+xml")
DISCOVERED_VIA_HEADER = "WARC-Newsclean-Discovered-Via"


@dataclass(frozen=True)
class SavedPage:
    """One page to extract; `source` says where it came from (file, or file:line)."""

    source: str
    url: str
    html: bytes | str
    id: str | None = None
    fetched_at: str | None = None
    discovered_via: DiscoveredVia | None = None


def with_provenance(record: ArticleRecord, page: SavedPage) -> ArticleRecord:
    """The record with the fetch time and route an archived page carried (a WARC record does), if any."""
    if page.fetched_at:
        record = replace(record, fetched_at=page.fetched_at)
    if page.discovered_via:
        record = replace(record, discovered_via=page.discovered_via)
    return record


@dataclass(frozen=True)
class InputError:
    """An input that could not be read, and why."""

    source: str
    message: str


def iter_saved_pages(paths: Iterable[str]) -> Iterator[SavedPage | InputError]:
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _has_suffix(p, ALL_SUFFIXES))
            for file in files:
                yield from _read_file(file)
        elif path.is_file():
            yield from _read_file(path)
        else:
            yield InputError(name, "no such file or folder")


def _has_suffix(path: Path, suffixes: tuple[str, ...]) -> bool:
    return path.name.lower().endswith(suffixes)


def _read_file(path: Path) -> Iterator[SavedPage | InputError]:
    if _has_suffix(path, JSONL_SUFFIXES):
        yield from _read_jsonl(path)
    elif _has_suffix(path, WARC_SUFFIXES):
        yield from _read_warc(path)
    elif _has_suffix(path, HTML_SUFFIXES):
        try:
            yield SavedPage(str(path), path.resolve().as_uri(), _read_bytes(path))
        except (OSError, EOFError) as error:
            yield InputError(str(path), f"unreadable: {error}")
    else:
        yield InputError(str(path), f"not a supported input (expected one of {', '.join(ALL_SUFFIXES)})")


def _read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.lower().endswith(".gz") else data


def _read_jsonl(path: Path) -> Iterator[SavedPage | InputError]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    yield _jsonl_page(f"{path}:{number}", line)
    except (OSError, EOFError, UnicodeDecodeError) as error:
        yield InputError(str(path), f"unreadable: {error}")


def _jsonl_page(source: str, line: str) -> SavedPage | InputError:
    try:
        data = json.loads(line)
    except ValueError as error:
        return InputError(source, f"not JSON: {error}")
    if not isinstance(data, dict) or not isinstance(data.get("url"), str) or not isinstance(data.get("html"), str):
        return InputError(source, 'expected {"url": "...", "html": "...", "id": "..." (optional)}')
    page_id = data.get("id")
    return SavedPage(source, data["url"], data["html"], str(page_id) if page_id is not None else None)


def _read_warc(path: Path) -> Iterator[SavedPage | InputError]:
    """The HTML responses (2xx) of a WARC file, gzip or not; other records are skipped."""
    try:
        with path.open("rb") as stream:
            yield from _warc_pages(path, stream)
    except (OSError, EOFError, zlib.error, ArchiveLoadFailed) as error:
        yield InputError(str(path), f"unreadable WARC: {error}")


def _warc_pages(path: Path, stream: BinaryIO) -> Iterator[SavedPage]:
    records = ArchiveIterator(stream)
    for record in records:
        if _is_html_response(record):
            page = _warc_page(record)
            yield replace(page, source=f"{path}@{records.get_record_offset()} {page.url}")


def _is_html_response(record: ArcWarcRecord) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    if not record.rec_headers.get_header("WARC-Target-URI"):
        return False
    status = record.http_headers.get_statuscode()
    content_type = (record.http_headers.get_header("Content-Type") or "text/html").lower()
    return status.startswith("2") and any(kind in content_type for kind in HTML_TYPES)


def _warc_page(record: ArcWarcRecord) -> SavedPage:
    """The page in a response record; its source is set by the caller, once the record has been read."""
    url = record.rec_headers.get_header("WARC-Target-URI")
    body = record.content_stream().read()
    content_type = record.http_headers.get_header("Content-Type") or ""
    _encoding, html = html_to_unicode(content_type, body, auto_detect_fun=_auto_detect, default_encoding="ascii")
    via = record.rec_headers.get_header(DISCOVERED_VIA_HEADER)
    return SavedPage(
        source=url,
        url=url,
        html=html,
        fetched_at=_iso_utc(record.rec_headers.get_header("WARC-Date")),
        discovered_via=via if via in get_args(DiscoveredVia) else None,
    )


def _auto_detect(body: bytes) -> str | None:
    """Scrapy's guess for a body that declares no encoding (TextResponse), so a page decodes as in the crawl."""
    for encoding in ("ascii", "utf-8"):
        try:
            body.decode(encoding)
        except UnicodeError:
            continue
        return resolve_encoding(encoding)
    match = from_bytes(body).best()
    return resolve_encoding(match.encoding) if match else None


def _iso_utc(warc_date: str | None) -> str | None:
    """WARC-Date (2026-11-27T06:37:05Z) in the record's fetched_at form (2026-11-27T06:37:05+00:00)."""
    if not warc_date:
        return None
    try:
        moment = datetime.fromisoformat(warc_date.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()
