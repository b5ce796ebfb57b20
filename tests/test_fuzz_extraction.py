"""Extraction is total: any bytes or markup in, a record or a rejection with its reason out, never an exception.

Documents are malformed and adversarial on purpose: unclosed and misnested tags, stray end tags, broken comments,
CDATA and processing instructions, encoding declarations inside text, NUL bytes, lone surrogates, huge entities,
deep nesting, junk JSON-LD, and real articles with such fragments spliced in. The suite runs a bounded,
deterministic number of examples; `make fuzz` runs many more with fresh randomness (NEWSCLEAN_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsclean.extraction import Rejection, RejectionReason, extract
from newsclean.page import analyse_page
from newsclean.record import ArticleRecord, content_hash
from tests.hostile_server import ARTICLES, article_html

URL = "https://fuzz.example/2026/11/story.html"
LONG_RUN = "NEWSCLEAN_FUZZ_EXAMPLES" in os.environ
FUZZ = settings(
    max_examples=int(os.environ.get("NEWSCLEAN_FUZZ_EXAMPLES", "30")),
    deadline=None,
    derandomize=not LONG_RUN,
    database=None if not LONG_RUN else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
TAGS = ("html", "head", "body", "title", "meta", "base", "link", "script", "style", "noscript", "template", "article",
        "main", "section", "div", "p", "span", "a", "b", "i", "h1", "h2", "ul", "li", "table", "tr", "td", "pre",
        "br", "img", "iframe", "svg", "math", "form", "textarea", "select", "xmp", "plaintext", "frameset", "figure")
ATTRIBUTES = ("class", "id", "href", "src", "rel", "type", "lang", "charset", "content", "property", "name",
              "http-equiv", "style", "itemprop", "datetime", "dir")
ODD_TEXT = ("\x00", "\ud800", "\ufffe", "\u202e", "\u200b", "&#0;", "&#x110000;", "&#99999999999;", "&nbsp", "&amp",
            "]]>", "-->", "--!>", "<!--", "<![CDATA[", "<?xml version='1.0' encoding='ebcdic'?>", "<!DOCTYPE x [",
            "javascript:alert(1)", "data:text/html,<p>", "//evil.example/%2e%2e/", "http://[::1", "\r", "\t\f\v")
TEXT = st.one_of(st.text(max_size=40), st.sampled_from(ODD_TEXT), st.just("word " * 30))


@st.composite
def start_tag(draw: st.DrawFn) -> str:
    attributes = draw(st.lists(st.tuples(st.sampled_from(ATTRIBUTES), TEXT), max_size=3))
    quote = draw(st.sampled_from(('"', "'", "")))
    rendered = "".join(f" {name}={quote}{value}{quote}" for name, value in attributes)
    return f"<{draw(st.sampled_from(TAGS))}{rendered}{draw(st.sampled_from(('>', '/>', '', ' ')))}"


FRAGMENT = st.one_of(
    TEXT,
    start_tag(),
    st.sampled_from(TAGS).map(lambda tag: f"</{tag}>"),
    st.just('<script type="application/ld+json">') | st.just("</script>"),
    st.sampled_from(('<template id="B:0">', '<template id="P:0">', '<div hidden id="S:0">',
                     '<script>$RC("B:0","S:0")</script>', '<script>$RS("S:0","P:0")</script>')),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                 lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                 max_leaves=8).map(repr),
)
MARKUP = st.lists(FRAGMENT, max_size=60).map("".join)
NESTED = st.integers(min_value=1, max_value=3000).map(lambda depth: "<div>" * depth + "deep text" + "</span>" * depth)


@st.composite
def spliced_article(draw: st.DrawFn) -> str:
    """A real article with adversarial fragments spliced in at random places, to reach the deep extraction code."""
    page = article_html(ARTICLES[draw(st.sampled_from(sorted(ARTICLES)))])
    for fragment in draw(st.lists(FRAGMENT, min_size=1, max_size=8)):
        position = draw(st.integers(min_value=0, max_value=len(page)))
        page = page[:position] + fragment + page[position:]
    return page


DOCUMENTS = st.one_of(MARKUP, NESTED, spliced_article(), st.binary(max_size=2000),
                      spliced_article().map(lambda page: page.encode("utf-8", errors="surrogatepass")))


def assert_total(outcome: ArticleRecord | Rejection) -> None:
    if isinstance(outcome, Rejection):
        assert isinstance(outcome.reason, RejectionReason)
        return
    assert isinstance(outcome, ArticleRecord)
    assert outcome.url == URL and isinstance(outcome.title, str) and outcome.text.strip()
    assert outcome.content_hash == content_hash(outcome.text) and outcome.word_count > 0


@FUZZ
@given(DOCUMENTS)
def test_extract_gives_a_record_or_a_rejection(document: str | bytes) -> None:
    assert_total(extract(document, URL))


@FUZZ
@given(DOCUMENTS)
def test_analyse_page_gives_an_outcome_and_only_http_links(document: str | bytes) -> None:
    analysis = analyse_page(document, URL)
    assert_total(analysis.outcome)
    assert all(link.startswith(("http://", "https://")) for link in analysis.links)


def test_react_streaming_scripts_that_make_no_sense_give_a_record_or_a_rejection() -> None:
    story = "<p>" + "word " * 30 + "</p>"
    for document in (
        f'<html><body><article><div hidden id="S:0">{story}<template id="B:0"></template></div></article>'
        '<script>$RC("B:0","S:0")</script></body></html>',
        '<html><body><article><template id="P:0"></template></article><script>$RS("S:0","P:0")</script>'
        f'<script>$RS("S:0","P:0")</script><div hidden id="S:0">{story}</div><script>$RC("S:0","S:0")</script></body></html>',
    ):
        assert_total(extract(document, URL))


def test_a_page_parsed_with_an_svg_root_and_no_declared_date_gives_a_record_or_a_rejection() -> None:
    page = article_html(ARTICLES[sorted(ARTICLES)[0]])
    undated = page.replace('property="article:published_time"', 'property="article:section"')
    assert undated != page
    assert_total(extract('<svg class="icon">' + undated, URL))
