"""Page metadata: trafilatura's metadata steps, minus the costly ones a news record does not need.

trafilatura.extract_metadata() also scans the whole tree for category/tag links and a licence, and
always runs htmldate. Here htmldate runs only when the page declares no publication date, and tags
come from the page's declared metadata (meta tags, JSON-LD) only.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher
from html import unescape
from typing import Any
from urllib.parse import urlsplit

from htmldate import find_date
from htmldate.extractors import try_date_expr
from lxml.etree import Element, XPath
from lxml.html import HtmlElement
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import (
    examine_meta,
    examine_title_element,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document
from trafilatura.utils import trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS

from newsclean.extraction.blocks import repair_mojibake

logger = logging.getLogger(__name__)

JSON_LD_XPATH = '//script[@type="application/ld+json"]'
HEADLINE_MAX_WORDS = 40
AUTHOR_MAX_CHARS = 120
HEADLINE_MIN_OVERLAP = 0.5
TITLE_SEPARATOR_RE = re.compile(r"\s+[|–—·•»-]\s+|\s*\|\s*")
# A title part names the site when a name in the host ("artlyst.com", "blog.rust-lang.org") makes up at
# least this share of its letters, and that name is this long at least.
SITE_PART_HOST_SHARE = 0.5
SITE_PART_MIN_LETTERS = 4
DOMAIN_RE = re.compile(r"[^\W\d_][\w-]*\.[^\W\d_]{2,}\b")
WORD_RE = re.compile(r"\w+")


@dataclass
class StructuredData:
    """The parts of JSON-LD the record uses beyond trafilatura's own reading of it."""

    types: set[str] = field(default_factory=set)
    published: str | None = None
    modified: str | None = None


DATE_LINE_MAX_WORDS = 8
DATE_LINE_SEARCH_ELEMENTS = 30
DATE_LINE_SEARCH_ELEMENTS_ABOVE = 8
EARLIEST_DATE = datetime(1995, 1, 1)
_NOT_CODE = "[not(self::script or self::style)]"
_AFTER_HEADLINE = XPath(f"(//h1)[1]/following::*{_NOT_CODE}[position() <= {DATE_LINE_SEARCH_ELEMENTS}]")
_ABOVE_HEADLINE = XPath(f"(//h1)[1]/preceding::*{_NOT_CODE}[position() <= {DATE_LINE_SEARCH_ELEMENTS_ABOVE}]")


def _htmldate(tree: HtmlElement, url: str) -> str | None:
    """htmldate's date of the page; it needs a document rooted at <html> (it removes an <svg> or other
    element it cleans out without checking that the element has a parent)."""
    if tree.tag != "html":
        return None
    found: str | None = find_date(tree, extensive_search=False, original_date=True, outputformat="%Y-%m-%d", url=url)
    return found


def _date_under_headline(tree: HtmlElement) -> str | None:
    """The day of a date line shown just after the headline ("Nov 21, 2018", "Last updated: November 13,
    2025"; an element's text or the text after an icon), else just above it ("Dec 12, 2025 · 5 min
    read" over the title), for pages that declare no date: htmldate without its whole-page text search
    finds none, and with it guesses from any number on the page."""
    for element in [*_AFTER_HEADLINE(tree), *reversed(_ABOVE_HEADLINE(tree))]:
        for text in (element.text, element.tail):
            if text and len(text.split()) <= DATE_LINE_MAX_WORDS and any(char.isdigit() for char in text):
                day: str | None = try_date_expr(text, "%Y-%m-%d", False, EARLIEST_DATE, datetime.now())
                if day:
                    return day
    return None


def page_metadata(tree: HtmlElement, url: str, structured: StructuredData) -> Document:
    """Title, author, canonical URL, site name, date, description, image and tags of a page."""
    document = examine_meta(tree)
    if document.author and " " not in document.author:
        document.author = None
    try:
        document = extract_meta_json(tree, document)
    except Exception as error:  # trafilatura's JSON-LD reader fails on odd but harmless input
        logger.debug("JSON-LD metadata of %s unreadable: %s", url, error)
    document.title = document.title or _undeclared_title(tree)
    document.author = document.author or _extract_author(tree)
    document.url = document.url or extract_url(tree, url)
    document.sitename = (document.sitename or _domain_named_in_title(tree) or "").lstrip("@") or None
    document.date = structured.published or _htmldate(tree, document.url or url) or _date_under_headline(tree)
    document.clean_and_trim()
    document.author = document.author and repair_mojibake(document.author)
    document.description = document.description and repair_mojibake(document.description)
    # unescape: an entity escaped twice by the page ("SQL &#x26; AI") shows as code, not as "&"
    document.title = repair_mojibake(unescape(headline(tree, document.title or "", document.sitename, url)))
    return document


def _extract_author(tree: HtmlElement) -> str | None:
    """trafilatura.metadata.extract_author(), with its XPaths' tests made in one pass over the page (see
    AUTHOR_MARKUP), and its discarded parts (comments, sidebars, dates, figures) looked for around each
    candidate only, not pruned from a copy of the whole page."""
    for candidates in _author_candidates(tree):
        for element in candidates:
            if any(discard(element) for discard in _AUTHOR_DISCARDED_AROUND):
                continue
            discarded = {part for discard in _AUTHOR_DISCARDED_WITHIN for part in discard(element)}
            author = trim(" ".join(_text_outside(element, discarded)))
            if 2 < len(author) < AUTHOR_MAX_CHARS:
                return normalize_authors(None, author)
    return None


@dataclass(frozen=True)
class AuthorMarkup:
    """One of trafilatura's author XPaths (trafilatura.xpaths.AUTHOR_XPATHS, most specific first) as
    plain tests: elements of `tags` (any tag when empty) with an attribute equal to one of `equal` or
    containing one of `containing`, and every element of `named`."""

    tags: frozenset[str]
    equal: tuple[tuple[str, str], ...]
    containing: tuple[tuple[str, str], ...]
    named: frozenset[str] = frozenset()

    def matches(self, element: HtmlElement) -> bool:
        if element.tag in self.named:
            return True
        if self.tags and element.tag not in self.tags:
            return False
        get = element.get
        if any(get(attribute) == value for attribute, value in self.equal):
            return True
        return any(part in (get(attribute) or "") for attribute, part in self.containing)


def _containing(attribute: str, *parts: str) -> tuple[tuple[str, str], ...]:
    return tuple((attribute, part) for part in parts)


AUTHOR_MARKUP = (
    AuthorMarkup(
        frozenset({"a", "address", "div", "link", "p", "span", "strong"}),
        (
            ("rel", "author"), ("id", "author"), ("class", "author"), ("itemprop", "author name"),
            ("data-testid", "AuthorCard"), ("data-testid", "AuthorURL"),
        ),
        _containing("class", "authorname", "author-name", "AuthorName", "authorName"),
        named=frozenset({"author"}),
    ),
    AuthorMarkup(
        frozenset({"a", "div", "h3", "h4", "p", "span"}),
        (("class", "byline"), ("class", "username"), ("class", "byl"), ("class", "BBL")),
        (
            *_containing("itemprop", "author"),
            *_containing("id", "author", "zuozhe", "bianji", "xiaobian"),
            *_containing(
                "class", "author", "channel-name", "zuozhe", "bianji", "xiaobian", "submitted-by", "posted-by",
                "journalist-name",
            ),
        ),
    ),
    AuthorMarkup(
        frozenset(),
        (),
        (
            *_containing("data-component", "Byline"),
            *_containing("itemprop", "author"),
            *_containing("id", "Author", "author"),
            *_containing("class", "Author", "author", "screenname", "writer", "Byline", "byline"),
        ),
    ),
)
"""trafilatura's `rel='me'` test is left out: it compares a child element named "rel", which HTML has not."""


_AUTHOR_MARKUP_HINT_RE = re.compile(
    "|".join(
        re.escape(part)
        for part in ("author", "Author", "byl", "Byl", "BBL", "username", "writer", "screenname", "zuozhe", "bianji",
                     "xiaobian", "channel-name", "submitted-by", "posted-by", "journalist-name")
    )
)
"""A part of every value an AUTHOR_MARKUP test looks for: elements with none in their attributes are skipped."""


def _author_candidates(tree: HtmlElement) -> list[list[HtmlElement]]:
    """The elements each AUTHOR_MARKUP entry matches, in document order, found in one pass over the page
    (a fraction of the time of trafilatura's three XPaths, which test every element each)."""
    found: list[list[HtmlElement]] = [[] for _ in AUTHOR_MARKUP]
    for element in tree.iter(Element):
        if element.tag != "author" and not _AUTHOR_MARKUP_HINT_RE.search(" ".join(element.attrib.values())):
            continue
        for candidates, markup in zip(found, AUTHOR_MARKUP):
            if markup.matches(element):
                candidates.append(element)
    return found


def _text_outside(element: HtmlElement, discarded: set[HtmlElement]) -> Iterator[str]:
    """element.itertext(), less the text of the discarded elements under it (their tails kept)."""
    if element.text and isinstance(element.tag, str):
        yield element.text
    for child in element:
        if child not in discarded:
            yield from _text_outside(child, discarded)
        if child.tail:
            yield child.tail


_REGEXP_NAMESPACES = {"re": "http://exslt.org/regular-expressions"}
_RE_TEST = re.compile(r"re:test\((@[\w:-]+), '([^']*)'\)")
_PATTERN_TOKEN_RE = re.compile(r"\(\?:|[|)^]|\[\w+\]\??|[\w -]\??")


def without_regex_tests(xpath: XPath) -> XPath:
    """The XPath with each re:test(@attribute, pattern) of a pattern made of literals, one-letter
    choices ([Aa]), optional letters, groups and a leading ^ rewritten as contains() and starts-with()
    tests: the same nodes, found without a call into Python per element."""
    return XPath(_RE_TEST.sub(_string_tests, xpath.path), namespaces=_REGEXP_NAMESPACES)


def _string_tests(match: re.Match[str]) -> str:
    attribute, pattern = match.groups()
    tokens = _PATTERN_TOKEN_RE.findall(pattern)
    if "".join(tokens) != pattern:
        return match.group(0)
    literals, end = _alternatives(tokens, 0)
    if end != len(tokens) or any(not text or "^" in text[1:] for text in literals):
        return match.group(0)
    tests = (
        f"starts-with({attribute}, '{text[1:]}')" if text.startswith("^") else f"contains({attribute}, '{text}')"
        for text in dict.fromkeys(literals)
    )
    return f"({' or '.join(tests)})"


def _alternatives(tokens: list[str], position: int) -> tuple[list[str], int]:
    """The strings the tokens from `position` match, up to a closing parenthesis, and where they end."""
    done: list[str] = []
    current = [""]
    while position < len(tokens) and tokens[position] != ")":
        token = tokens[position]
        position += 1
        if token == "|":
            done, current = done + current, [""]
            continue
        if token == "(?:":
            options, position = _alternatives(tokens, position)
            position += 1
        elif token.startswith("["):
            options = list(token[1 : token.index("]")])
        else:
            options = [token.rstrip("?")]
        if token.endswith("?"):
            options = ["", *options]
        current = [head + option for head in current for option in options]
    return done + current, position


_PATH_START_RE = re.compile(r"(^|\|)\s*\.?//")


def on_axis(xpath: XPath, axis: str) -> XPath:
    """A document-wide XPath (each of its paths starting with // or .//) made to look along one axis of
    the element it is evaluated on, such as its ancestors."""
    return XPath(_PATH_START_RE.sub(rf"\1{axis}::", xpath.path.strip()), namespaces=_REGEXP_NAMESPACES)


_AUTHOR_DISCARD_XPATHS = [without_regex_tests(xpath) for xpath in AUTHOR_DISCARD_XPATHS]
_AUTHOR_DISCARDED_AROUND = [on_axis(xpath, "ancestor-or-self") for xpath in _AUTHOR_DISCARD_XPATHS]
_AUTHOR_DISCARDED_WITHIN = [on_axis(xpath, "descendant") for xpath in _AUTHOR_DISCARD_XPATHS]


def _domain_named_in_title(tree: HtmlElement) -> str | None:
    """trafilatura's site name from the <title>: a part of it holding a dot, kept only when the dot is
    a domain's ("latimes.com"), not a version's or a price's ("Rust 1.80 released")."""
    part = extract_sitename(tree)
    return part if part and DOMAIN_RE.search(part) else None


def headline(tree: HtmlElement, title: str, site_name: str | None, url: str) -> str:
    """The visible <h1> that the declared title refers to, else the title, without its site-name part."""
    site_names = {site_name.casefold()} if site_name else set()
    return strip_site_name(_heading_for(tree, title, site_names, "h1") or title, site_name, url)


def _heading_for(tree: HtmlElement, title: str, site_names: set[str], tag: str) -> str | None:
    """The heading of this tag sharing most words with the title, when they share half of them, and
    not one of the (case-folded) site names."""
    title_words = _word_set(title)
    best, best_overlap = None, 0.0
    for heading in tree.iter(tag):
        text = " ".join(heading.text_content().split())
        words = _word_set(text)
        if not 2 <= len(words) <= HEADLINE_MAX_WORDS or text.casefold() in site_names:
            continue
        overlap = len(words & title_words) / min(len(words), len(title_words) or 1)
        if overlap > best_overlap:
            best, best_overlap = text, overlap
    return best if best_overlap >= HEADLINE_MIN_OVERLAP else None


def _short_end_parts(title: str) -> list[str]:
    """The first and last parts of a title cut by separators, each when it holds less than a third of
    its words: where titles name the site ("Story headline, in many words | Site")."""
    parts = [part.strip() for part in TITLE_SEPARATOR_RE.split(title)]
    if len(parts) < 2:
        return []
    total = len(title.split())
    return [part for part in (parts[0], parts[-1]) if 3 * len(part.split()) < total]


def _undeclared_title(tree: HtmlElement) -> str | None:
    """For a page that declares no title: the <h1> or else the <h2> that its <title> refers to (a blog
    whose <h1> is the blog's name and whose post title is an <h2>), else trafilatura's title."""
    page_title, _, _ = examine_title_element(tree)
    if page_title:
        site_names = {part.casefold() for part in _short_end_parts(page_title)}
        for tag in ("h1", "h2"):
            if heading := _heading_for(tree, page_title, site_names, tag):
                return heading
    return extract_title(tree)


def strip_site_name(title: str, site_name: str | None, url: str) -> str:
    """ "Story headline | Site" → "Story headline", when one end of the title names the site: its
    declared name, or a name in the URL's host."""
    separators = list(TITLE_SEPARATOR_RE.finditer(title))
    if not separators:
        return title
    first, last = separators[0], separators[-1]
    host_names = _host_names(url)
    if _names_site(title[last.end() :], site_name, host_names):
        return title[: last.start()].strip()
    if _names_site(title[: first.start()], site_name, host_names):
        return title[first.end() :].strip()
    return title


def _names_site(part: str, site_name: str | None, host_names: list[str]) -> bool:
    words = _word_set(part)
    if not words:
        return False
    if site_name and words <= _word_set(site_name):
        return True
    letters = "".join(WORD_RE.findall(part.casefold()))
    for name in host_names:
        match = SequenceMatcher(None, letters, name).find_longest_match(0, len(letters), 0, len(name))
        if match.size >= SITE_PART_MIN_LETTERS and match.size >= SITE_PART_HOST_SHARE * len(letters):
            return True
    return False


def _host_names(url: str) -> list[str]:
    """The labels of the URL's host that can name a site: "blog.rust-lang.org" → ["blog", "rust", "lang"]."""
    host = urlsplit(url).hostname or ""
    labels = re.split(r"[.-]", host.casefold())[:-1]
    return [label for label in labels if len(label) >= SITE_PART_MIN_LETTERS and label != "www"]


def _word_set(text: str) -> set[str]:
    return set(WORD_RE.findall(text.casefold()))


def structured_data(tree: HtmlElement) -> StructuredData:
    data = StructuredData()
    for script in tree.xpath(JSON_LD_XPATH):
        for node in _json_ld_nodes(script.text_content()):
            _merge_node(data, node)
    return data


def _json_ld_nodes(source: str) -> list[dict[str, Any]]:
    try:
        parsed = json.loads(source)
    except ValueError:
        return []
    pending = parsed if isinstance(parsed, list) else [parsed]
    nodes = []
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            nodes.append(node)
            graph = node.get("@graph")
            pending.extend(graph if isinstance(graph, list) else [])
        elif isinstance(node, list):
            pending.extend(node)
    return nodes


def _merge_node(data: StructuredData, node: dict[str, Any]) -> None:
    declared = node.get("@type")
    types = {declared} if isinstance(declared, str) else set(declared) if isinstance(declared, list) else set()
    folded = {str(t).lower() for t in types}
    data.types |= folded
    if folded & {"webpage", "website", "organization", "breadcrumblist", "person"} and not node.get("headline"):
        return
    data.published = data.published or iso_datetime(node.get("datePublished"))
    data.modified = data.modified or iso_datetime(node.get("dateModified"))


def iso_datetime(value: object) -> str | None:
    """An ISO 8601 string normalized, or None when the value is not one."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).isoformat()
    except ValueError:
        return None
