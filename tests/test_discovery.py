"""Sitemaps and feeds: entries and their dates."""

from __future__ import annotations

from datetime import date, datetime, timezone

from newsclean.discovery import Entry, SitemapKind, parse_feed, parse_sitemap

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://n.example/a.html</loc><lastmod>2026-11-02</lastmod></url>
  <url><loc> https://n.example/b.html </loc></url>
</urlset>"""

INDEX = b"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://n.example/posts.xml.gz</loc><lastmod>2026-11-01T10:00:00Z</lastmod></sitemap>
</sitemapindex>"""

NEWS = b"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://n.example/c.html</loc>
    <news:news><news:publication><news:name>N</news:name><news:language>en</news:language></news:publication>
    <news:publication_date>2026-11-20T08:30:00+01:00</news:publication_date><news:title>C</news:title></news:news>
  </url>
</urlset>"""

ENTITY_BOMB = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://n.example/&b;</loc></url></urlset>"""

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>N</title>
<item><title>A</title><link>https://n.example/a.html</link><pubDate>Tue, 03 Nov 2026 09:00:00 GMT</pubDate></item>
<item><title>No link</title></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>N</title>
<entry><title>B</title><link rel="alternate" href="https://n.example/b.html"/><updated>2019-05-01T00:00:00Z</updated></entry>
</feed>"""


def test_urlset_entries_carry_lastmod() -> None:
    sitemap = parse_sitemap(URLSET)
    assert sitemap.kind is SitemapKind.URLSET
    assert sitemap.entries == [
        Entry("https://n.example/a.html", datetime(2026, 11, 2, tzinfo=timezone.utc)),
        Entry("https://n.example/b.html", None),
    ]


def test_sitemap_index_lists_child_sitemaps() -> None:
    sitemap = parse_sitemap(INDEX)
    assert sitemap.kind is SitemapKind.INDEX
    assert [e.url for e in sitemap.entries] == ["https://n.example/posts.xml.gz"]


def test_google_news_sitemap_uses_publication_date() -> None:
    (entry,) = parse_sitemap(NEWS).entries
    assert entry.date is not None and entry.date.isoformat() == "2026-11-20T08:30:00+01:00"


def test_garbage_and_entities_do_not_expand() -> None:
    assert parse_sitemap(b"<html><body>not a sitemap</body></html>").kind is SitemapKind.UNKNOWN
    assert parse_sitemap(b"\x00\x01binary").kind is SitemapKind.UNKNOWN
    for entry in parse_sitemap(ENTITY_BOMB).entries:
        assert "aaaaaaaaaa" not in entry.url


def test_rss_and_atom_entries_with_dates() -> None:
    (rss,) = parse_feed(RSS, "https://n.example/rss.xml")
    assert rss == Entry("https://n.example/a.html", datetime(2026, 11, 3, 9, tzinfo=timezone.utc))
    (atom,) = parse_feed(ATOM, "https://n.example/atom.xml")
    assert atom.url == "https://n.example/b.html"
    assert atom.older_than(date(2026, 1, 1))
    assert not rss.older_than(date(2026, 1, 1))
    assert not Entry("https://n.example/undated").older_than(date(2026, 1, 1))
