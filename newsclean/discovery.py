"""Sitemaps and feeds as lists of (url, date) entries. Pure parsing, no fetching."""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass
import datetime as dt
from datetime import datetime, timezone
from enum import StrEnum

import feedparser
from lxml import etree

_SITEMAP_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, remove_comments=True, huge_tree=False)


class SitemapKind(StrEnum):
    URLSET = "urlset"
    INDEX = "sitemapindex"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Entry:
    """A URL a sitemap or feed lists, with the newest date it gives for it."""

    url: str
    date: datetime | None = None

    def older_than(self, since: dt.date | None) -> bool:
        return since is not None and self.date is not None and self.date.date() < since


@dataclass(frozen=True)
class Sitemap:
    kind: SitemapKind
    entries: list[Entry]


def parse_sitemap(body: bytes) -> Sitemap:
    """A urlset or sitemap index, including Google News sitemaps (news:publication_date)."""
    try:
        root = etree.fromstring(body, parser=_SITEMAP_PARSER)
    except etree.XMLSyntaxError:
        return Sitemap(SitemapKind.UNKNOWN, [])
    if root is None:
        return Sitemap(SitemapKind.UNKNOWN, [])
    kind = {"urlset": SitemapKind.URLSET, "sitemapindex": SitemapKind.INDEX}.get(etree.QName(root).localname)
    if kind is None:
        return Sitemap(SitemapKind.UNKNOWN, [])
    return Sitemap(kind, [entry for node in root if (entry := _sitemap_entry(node)) is not None])


def _sitemap_entry(node: etree._Element) -> Entry | None:
    if not isinstance(node.tag, str):
        return None
    locations = node.xpath("./*[local-name()='loc']/text()")
    if not locations:
        return None
    dates = node.xpath(".//*[local-name()='lastmod' or local-name()='publication_date']/text()")
    parsed = [d for d in (_parse_w3c_date(str(text)) for text in dates) if d is not None]
    return Entry(str(locations[0]).strip(), max(parsed) if parsed else None)


def _parse_w3c_date(text: str) -> datetime | None:
    text = text.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_feed(body: bytes, url: str) -> list[Entry]:
    """Entries of an RSS or Atom feed: their links and their newest date."""
    parsed = feedparser.parse(body, response_headers={"content-location": url})
    entries = []
    for item in parsed.entries:
        link = item.get("link")
        if link:
            entries.append(Entry(str(link).strip(), _feed_entry_date(item)))
    return entries


def looks_like_feed(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith(b"<?xml") or b"<rss" in head or b"<feed" in head or b"<rdf" in head


def _feed_entry_date(item: feedparser.FeedParserDict) -> datetime | None:
    stamps = [item.get(key) for key in ("updated_parsed", "published_parsed")]
    valid: list[time.struct_time] = [stamp for stamp in stamps if stamp]
    if not valid:
        return None
    return datetime.fromtimestamp(calendar.timegm(max(valid)), tz=timezone.utc)
