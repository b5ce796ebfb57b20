"""Build the benchmark site: N article pages made of real saved pages whose links point at each other.

Layout (every local link is root-relative, so any server on any port can serve the folder):

- ``/index.html``: the home page; links to every section page.
- ``/section/NNNNN.html``: 50 articles each, plus home and the previous and next section.
- ``/news/NNNNNN.html``: article i is saved page ``i mod len(sources)`` (pages are reused to reach N,
  each copy under its own URL). Three of its ``<a href>`` are pointed at home, its section and another
  section, ten at other articles; every other link is made absolute to the page's original site, so a
  crawler still reads it but finds it off-site. ``<base>`` is dropped; ``<link href>`` and ``og:url``
  are made absolute to the original site too, so no two copies share a canonical URL.
"""

from __future__ import annotations

import gzip
import html as html_lib
import json
import logging
import math
import random
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urljoin

logger = logging.getLogger(__name__)

BUILD_VERSION = 3
DATASETS = ("article-extraction-benchmark", "wcxb-dev")
DEMO_ORIGIN = "https://demo.invalid"
ARTICLES_PER_SECTION = 50
ARTICLE_LINKS = 10
STAMP = "site.json"

# Quoted values may hold ">" but not "<", so an unbalanced quote cannot swallow the next tag.
_ATTRIBUTES = rb"""(?:[^>"']|"[^"<]*"|'[^'<]*'|["'])*>"""
A_TAG_RE = re.compile(rb"<a\s" + _ATTRIBUTES, re.IGNORECASE)
LINK_TAG_RE = re.compile(rb"<link\s" + _ATTRIBUTES, re.IGNORECASE)
META_TAG_RE = re.compile(rb"<meta\s" + _ATTRIBUTES, re.IGNORECASE)
BASE_TAG_RE = re.compile(rb"<base\s" + _ATTRIBUTES, re.IGNORECASE)
HREF_RE = re.compile(rb"""([\s"']href\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)""", re.IGNORECASE)
CONTENT_RE = re.compile(rb"""([\s"']content\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)""", re.IGNORECASE)
TITLE_RE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
BODY_END_RE = re.compile(rb"</body\s*>", re.IGNORECASE)
NOT_MARKUP_RE = re.compile(rb"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
KEPT_PREFIXES = (b"#", b"javascript:", b"mailto:", b"tel:", b"data:")


@dataclass(frozen=True)
class SourcePage:
    """A saved page and the URL it was fetched from."""

    path: Path
    url: str

    def read(self) -> bytes:
        """The page's bytes; the demo's ``{{BASE}}`` token becomes the demo's original origin."""
        data = self.path.read_bytes()
        if self.path.suffix == ".gz":
            data = gzip.decompress(data)
        return data.replace(b"{{BASE}}", DEMO_ORIGIN.encode("ascii"))


@dataclass(frozen=True)
class SiteInfo:
    """What was built (kept as site.json in the site's folder)."""

    pages: int
    html_files: int
    source: str
    source_pages: int
    megabytes: float
    version: int = BUILD_VERSION


def find_sources(datasets: Path, demo_site: Path) -> tuple[str, list[SourcePage]]:
    """The article pages of the datasets when present, else the demo site's articles."""
    pages = dataset_pages(datasets)
    if pages:
        return "datasets", pages
    return "demo", demo_pages(demo_site)


def dataset_pages(datasets: Path) -> list[SourcePage]:
    """Every article page of the benchmark datasets (page_type "article" where the dataset has types)."""
    pages = []
    for name in DATASETS:
        truth_file = datasets / name / "ground-truth.json"
        if not truth_file.is_file():
            continue
        truth = json.loads(truth_file.read_text("utf-8"))
        for page_id, entry in sorted(truth.items()):
            path = datasets / name / "html" / f"{page_id}.html.gz"
            if entry.get("page_type", "article") == "article" and entry.get("url") and path.is_file():
                pages.append(SourcePage(path, entry["url"]))
    return pages


def demo_pages(site: Path) -> list[SourcePage]:
    """The demo site's article pages, as if fetched from DEMO_ORIGIN."""
    articles = sorted((site / "news").rglob("*.html"))
    return [SourcePage(path, f"{DEMO_ORIGIN}/{path.relative_to(site).as_posix()}") for path in articles]


def article_path(index: int) -> str:
    return f"/news/{index:06d}.html"


def section_path(index: int) -> str:
    return f"/section/{index:05d}.html"


def section_count(pages: int) -> int:
    return max(1, math.ceil(pages / ARTICLES_PER_SECTION))


def local_links(index: int, pages: int) -> list[str]:
    """Article `index`'s local links: home, its section, another section, then ten other articles."""
    rng = random.Random(index)
    others = [i for i in rng.sample(range(pages), min(pages, ARTICLE_LINKS + 1)) if i != index][:ARTICLE_LINKS]
    sections = ["/", section_path(index // ARTICLES_PER_SECTION), section_path(rng.randrange(section_count(pages)))]
    return sections + [article_path(i) for i in others]


def load_site_info(root: Path) -> SiteInfo | None:
    try:
        info = SiteInfo(**json.loads((root / STAMP).read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    return info if info.version == BUILD_VERSION else None


def build_site(root: Path, pages: int, sources: Sequence[SourcePage], source: str) -> SiteInfo:
    """Build the site in `root` (reused when a complete build of the same size and sources is there)."""
    info = load_site_info(root)
    if info and info.pages == pages and info.source == source and info.source_pages == len(sources):
        logger.info("Reusing the %d-page site in %s", pages, root)
        return info
    if not sources:
        raise ValueError("no source pages to build the site from")
    partial = root.with_name(root.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    written, titles = _write_articles(partial, pages, sources)
    written += _write_sections(partial, pages, [titles[i % len(sources)] for i in range(pages)])
    info = SiteInfo(pages, pages + section_count(pages) + 1, source, len(sources), round(written / 1e6, 1))
    (partial / STAMP).write_text(json.dumps(asdict(info)), "utf-8")
    shutil.rmtree(root, ignore_errors=True)
    partial.rename(root)
    return info


def _write_articles(root: Path, pages: int, sources: Sequence[SourcePage]) -> tuple[int, list[str]]:
    (root / "news").mkdir(parents=True)
    written, titles = 0, []
    for number, source in enumerate(sources):
        html = source.read()
        titles.append(page_title(html) or f"Article {number}")
        for index in range(number, pages, len(sources)):
            written += _write(root, article_path(index), rewrite_page(html, source.url, local_links(index, pages)))
    return written, titles


def _write_sections(root: Path, pages: int, titles: Sequence[str]) -> int:
    (root / "section").mkdir(parents=True)
    count = section_count(pages)
    written = _write(root, "/index.html", _home_page(count))
    for number in range(count):
        first = number * ARTICLES_PER_SECTION
        articles = [(article_path(i), titles[i]) for i in range(first, min(pages, first + ARTICLES_PER_SECTION))]
        written += _write(root, section_path(number), _section_page(number, count, articles))
    return written


def _write(root: Path, path: str, body: bytes) -> int:
    (root / path.lstrip("/")).write_bytes(body)
    return len(body)


def page_title(html: bytes) -> str:
    match = TITLE_RE.search(html)
    return " ".join(html_lib.unescape(match.group(1).decode("utf-8", "replace")).split()) if match else ""


def rewrite_page(html: bytes, origin: str, links: Sequence[str]) -> bytes:
    """The page with `links` put into its <a href> (spread over the page) and every other link made absolute."""
    html = BASE_TAG_RE.sub(b"", html)
    html = LINK_TAG_RE.sub(lambda m: _absolutize(m.group(), HREF_RE, origin), html)
    html = META_TAG_RE.sub(lambda m: _absolutize_og_url(m.group(), origin), html)
    anchors = sum(1 for part in _markup(html) for m in A_TAG_RE.finditer(part) if _followable(m.group()))
    positions = _spread(anchors, len(links))
    rewriter = _AnchorRewriter(origin, dict(zip(positions, links)))
    html = _sub_markup(html, lambda part: A_TAG_RE.sub(rewriter, part))
    return _append_links(html, links[len(positions) :])


def _markup(html: bytes) -> list[bytes]:
    """The stretches of `html` outside scripts, styles and comments."""
    return [html[start:end] for start, end in _markup_spans(html)]


def _markup_spans(html: bytes) -> list[tuple[int, int]]:
    spans, position = [], 0
    for match in NOT_MARKUP_RE.finditer(html):
        spans.append((position, match.start()))
        position = match.end()
    return [*spans, (position, len(html))]


def _sub_markup(html: bytes, replace: Callable[[bytes], bytes]) -> bytes:
    """`html` with `replace` applied to each stretch outside scripts, styles and comments."""
    parts, previous_end = [], 0
    for start, end in _markup_spans(html):
        parts += [html[previous_end:start], replace(html[start:end])]
        previous_end = end
    return b"".join(parts)


class _AnchorRewriter:
    """re.sub callback: the n-th followable anchor gets chosen[n] as href, or its href made absolute."""

    def __init__(self, origin: str, chosen: dict[int, str]) -> None:
        self.origin = origin
        self.chosen = chosen
        self.position = 0

    def __call__(self, match: re.Match[bytes]) -> bytes:
        tag = match.group()
        if not _followable(tag):
            return tag
        local = self.chosen.get(self.position)
        self.position += 1
        if local is None:
            return _absolutize(tag, HREF_RE, self.origin)
        return HREF_RE.sub(lambda m: m.group(1) + b'"' + local.encode("ascii") + b'"', tag, count=1)


def _spread(available: int, wanted: int) -> list[int]:
    """Up to `wanted` distinct positions in range(available), evenly spread."""
    if available <= wanted:
        return list(range(available))
    return [(n * available) // wanted for n in range(wanted)]


def _attribute(tag: bytes, pattern: re.Pattern[bytes]) -> bytes | None:
    match = pattern.search(tag)
    return match.group(2).strip(b"\"'").strip() if match else None


def _followable(tag: bytes) -> bool:
    href = _attribute(tag, HREF_RE)
    return href is not None and href != b"" and not href.lower().startswith(KEPT_PREFIXES)


def _absolutize(tag: bytes, pattern: re.Pattern[bytes], origin: str) -> bytes:
    return pattern.sub(_absolute_value(origin), tag, count=1)


def _absolutize_og_url(tag: bytes, origin: str) -> bytes:
    return _absolutize(tag, CONTENT_RE, origin) if b"og:url" in tag.lower() else tag


def _absolute_value(origin: str) -> Callable[[re.Match[bytes]], bytes]:
    base = origin.encode("utf-8").decode("latin-1")

    def replace(match: re.Match[bytes]) -> bytes:
        quoted: bytes = match.group(2)
        quote = quoted[:1] if quoted[:1] in (b'"', b"'") else b'"'
        value = quoted.strip(b"\"'").strip()
        if not value or value.lower().startswith(KEPT_PREFIXES):
            return match.group()
        try:
            absolute = urljoin(base, value.decode("latin-1")).encode("latin-1")
        except ValueError:
            return match.group()
        return match.group(1) + quote + absolute + quote

    return replace


def _append_links(html: bytes, links: Sequence[str]) -> bytes:
    """Links a page had no anchors for, as a <nav> before </body>."""
    if not links:
        return html
    nav = b"<nav>" + b"".join(f'<a href="{link}">{link}</a> '.encode("ascii") for link in links) + b"</nav>"
    ends = [match.start() for match in BODY_END_RE.finditer(html)]
    at = ends[-1] if ends else len(html)
    return html[:at] + nav + html[at:]


def _home_page(sections: int) -> bytes:
    items = "".join(f'<li><a href="{section_path(n)}">Section {n + 1}</a></li>\n' for n in range(sections))
    return _listing("Benchmark news", "", items)


def _section_page(number: int, count: int, articles: Sequence[tuple[str, str]]) -> bytes:
    previous, following = section_path(max(0, number - 1)), section_path(min(count - 1, number + 1))
    nav = f'<a href="{previous}">Previous</a> <a href="{following}">Next</a>'
    items = "".join(f'<li><a href="{path}">{html_lib.escape(title)}</a></li>\n' for path, title in articles)
    return _listing(f"Section {number + 1} of {count}", nav, items)


def _listing(title: str, nav: str, items: str) -> bytes:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>\n'
        f'<body><header><nav><a href="/">Home</a> {nav}</nav></header>\n'
        f"<main><h1>{title}</h1>\n<ul>\n{items}</ul></main></body></html>\n"
    ).encode()
