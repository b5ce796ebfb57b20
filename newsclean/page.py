"""analyse_page(): one parse of a fetched page gives its links, its feeds and its extraction outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml.html import HtmlElement

from newsclean.extraction import (
    DEFAULT_CONFIG,
    ExtractionConfig,
    Rejection,
    RejectionReason,
    SiteProfile,
    analyse_tree,
    extract,
    parse_html,
)
from newsclean.inputs import SavedPage
from newsclean.record import ArticleRecord, DiscoveredVia

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml")
SKIPPED_LINK_SCHEMES = ("mailto:", "javascript:", "tel:", "data:", "#")


@dataclass
class PageAnalysis:
    """Everything the crawler needs from one page, computed in a worker process."""

    outcome: ArticleRecord | Rejection
    links: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    block_keys: tuple[str, ...] = ()


def analyse_page(
    html: str | bytes,
    url: str,
    site: SiteProfile | None = None,
    *,
    config: ExtractionConfig = DEFAULT_CONFIG,
    discovered_via: DiscoveredVia = "link",
) -> PageAnalysis:
    tree = parse_html(html)
    if tree is None:
        reason = RejectionReason.EMPTY_DOCUMENT if not html or not html.strip() else RejectionReason.UNPARSABLE
        return PageAnalysis(Rejection(url, reason))
    base = _base_url(tree, url)
    links, feeds = page_links(tree, base), feed_links(tree, base)
    extraction = analyse_tree(tree, url, site, config=config, discovered_via=discovered_via)
    return PageAnalysis(extraction.outcome, links, feeds, extraction.block_keys)


def _base_url(tree: HtmlElement, url: str) -> str:
    bases = tree.xpath("//base/@href")
    return (_absolute(url, str(bases[0]).strip()) or url) if bases else url


def page_links(tree: HtmlElement, base: str) -> list[str]:
    """Absolute http(s) targets of <a href>, without fragments, in page order, each once."""
    seen: dict[str, None] = {}
    for href in tree.xpath("//a[@href]/@href"):
        href = str(href).strip()
        if not href or href.lower().startswith(SKIPPED_LINK_SCHEMES):
            continue
        absolute = _absolute(base, href).split("#", 1)[0]
        if absolute.startswith(("http://", "https://")):
            seen.setdefault(absolute, None)
    return list(seen)


def _absolute(base: str, href: str) -> str:
    """href resolved against base; "" when either is too malformed to join ("http://[::1")."""
    try:
        return urljoin(base, href)
    except ValueError:
        return ""


def feed_links(tree: HtmlElement, base: str) -> list[str]:
    """Feeds the page announces with <link rel="alternate" type="application/rss+xml" ...>."""
    hrefs = tree.xpath("//link[contains(concat(' ', normalize-space(@rel), ' '), ' alternate ')][@href]")
    feeds = (_absolute(base, str(link.get("href")).strip()) for link in hrefs if (link.get("type") or "").lower() in FEED_TYPES)
    return [feed for feed in feeds if feed]


def extract_saved_page(
    page: SavedPage, config: ExtractionConfig = DEFAULT_CONFIG, site: SiteProfile | None = None
) -> ArticleRecord | Rejection:
    """extract() for a page read from a file or JSONL line (discovered_via "file", its own id when given)."""
    return extract(page.html, page.url, site, config=config, discovered_via="file", record_id_override=page.id)
