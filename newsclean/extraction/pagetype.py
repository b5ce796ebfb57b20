"""Is this page an article? Signals from the URL, og:type, JSON-LD @type and the body itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit


class RejectionReason(StrEnum):
    """Why a page produced no record. The values are the stats keys' last part."""

    NOT_HTML = "not_html"
    EMPTY_DOCUMENT = "empty_document"
    UNPARSABLE = "unparsable"
    EXTRACTION_TIMEOUT = "extraction_timeout"
    NO_MAIN_TEXT = "no_main_text"
    TOO_SHORT = "too_short"
    LISTING_PAGE = "listing_page"
    TAG_PAGE = "tag_page"
    AUTHOR_PAGE = "author_page"
    SEARCH_PAGE = "search_page"
    STATIC_PAGE = "static_page"
    LOGIN_PAGE = "login_page"
    NO_ARTICLE_SIGNALS = "no_article_signals"


ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "reportagenews", "analysisnewsarticle", "opinionnewsarticle",
        "reviewnewsarticle", "backgroundnewsarticle", "askpublicnewsarticle", "blogposting",
        "liveblogposting", "report", "scholarlyarticle", "techarticle", "satiricalarticle",
    }
)
NON_ARTICLE_TYPES = {
    "collectionpage": RejectionReason.LISTING_PAGE,
    "itemlist": RejectionReason.LISTING_PAGE,
    "profilepage": RejectionReason.AUTHOR_PAGE,
    "searchresultspage": RejectionReason.SEARCH_PAGE,
    "aboutpage": RejectionReason.STATIC_PAGE,
    "contactpage": RejectionReason.STATIC_PAGE,
}

# Path patterns of pages that are followed for links but never stored. Section-like
# patterns allow one name segment after them ("/tag/river/"), never an article path
# below them ("/category/city/2026/11/story.html"); page-like patterns are the last segment.
_NAMED = r"(?:/[^/]+)?/?(?:page/\d+/?)?$"
_LAST = r"(?:/|\.html?)?$"
NON_ARTICLE_PATHS: tuple[tuple[RejectionReason, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.IGNORECASE))
    for reason, pattern in (
        (RejectionReason.TAG_PAGE, rf"/(?:tags?|topics?|themen|schlagworte?|etiquetas?|mots-cles){_NAMED}"),
        (RejectionReason.AUTHOR_PAGE, rf"/(?:authors?|autor(?:en)?|auteurs?|writers?|contributors?|profiles?){_NAMED}"),
        (RejectionReason.LISTING_PAGE, rf"/(?:category|categories|section|sections|rubrique|ressort){_NAMED}"),
        (RejectionReason.LISTING_PAGE, r"/(?:archives?|page)(?:/\d+)*/?$"),
        (RejectionReason.SEARCH_PAGE, rf"/(?:search|suche|recherche|buscar|busqueda){_LAST}"),
        (
            RejectionReason.STATIC_PAGE,
            r"/(?:about|about-us|contact|contact-us|privacy|privacy-policy|terms|terms-of-service|imprint|impressum|"
            rf"datenschutz|legal|cookies?|cookie-policy|advertise|jobs|careers|faq|help|mentions-legales){_LAST}",
        ),
        (RejectionReason.LOGIN_PAGE, rf"/(?:login|log-in|signin|sign-in|register|signup|sign-up|account|my-account){_LAST}"),
    )
)
# A page that declares no article type and no date is still stored when its body is long prose,
# or when its URL ends in a headline slug ("/why-rents-rose-in-march") and its body is not short.
UNDECLARED_ARTICLE_MIN_WORDS = 250
SLUG_ARTICLE_MIN_WORDS = 100
HEADLINE_SLUG_RE = re.compile(r"/(?:[^/\-_.]+[-_]){3,}[^/\-_.]+(?:\.[a-z]{2,5})?/?$", re.IGNORECASE)
DECLARED_STORY_MIN_WORDS = 150
SEARCH_QUERY_RE = re.compile(r"(?:^|&)(?:s|q|query|search)=", re.IGNORECASE)


@dataclass(frozen=True)
class PageSignals:
    """What the page says about itself before its body is read."""

    url: str
    og_type: str | None
    schema_types: frozenset[str]
    has_date: bool

    @property
    def declares_article(self) -> bool:
        return self.og_type == "article" or bool(self.schema_types & ARTICLE_TYPES)


def reason_from_markup_or_url(signals: PageSignals) -> RejectionReason | None:
    """A non-article verdict from metadata or URL alone, unless the page declares itself an article."""
    if signals.declares_article:
        return None
    for schema_type in sorted(signals.schema_types):
        if schema_type in NON_ARTICLE_TYPES:
            return NON_ARTICLE_TYPES[schema_type]
    return reason_from_url(signals.url)


def reason_from_url(url: str) -> RejectionReason | None:
    """A verdict from the URL's path; no URL at all gives none."""
    parts = urlsplit(url)
    if not parts.netloc and not parts.path:
        return None
    if parts.path in ("", "/"):
        return RejectionReason.LISTING_PAGE
    if SEARCH_QUERY_RE.search(parts.query):
        return RejectionReason.SEARCH_PAGE
    for reason, pattern in NON_ARTICLE_PATHS:
        if pattern.search(parts.path):
            return reason
    return None


def reason_from_body(
    signals: PageSignals, words: int, mostly_teasers: bool, min_words: int, story_words: int = 0
) -> RejectionReason | None:
    """A verdict from the extracted body: too short, a list of teasers, or nothing that says article.

    `mostly_teasers`: more than half of its words are headline links and cut-off excerpts. `story_words`: the words of its long paragraphs that are not teasers; a page that declares itself an
    article and holds DECLARED_STORY_MIN_WORDS of them is a story beside a teaser box, not a listing."""
    if words == 0:
        return RejectionReason.NO_MAIN_TEXT
    if mostly_teasers and not (signals.declares_article and story_words >= DECLARED_STORY_MIN_WORDS):
        return RejectionReason.LISTING_PAGE
    if words < min_words:
        return RejectionReason.TOO_SHORT
    if not signals.declares_article and not signals.has_date and words < _undeclared_min_words(signals.url):
        return RejectionReason.NO_ARTICLE_SIGNALS
    return None


def _undeclared_min_words(url: str) -> int:
    """The body length that makes an undeclared, undated page an article: lower under a headline slug."""
    path = urlsplit(url).path
    return SLUG_ARTICLE_MIN_WORDS if HEADLINE_SLUG_RE.search(path) else UNDECLARED_ARTICLE_MIN_WORDS
