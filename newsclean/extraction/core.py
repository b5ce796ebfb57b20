"""extract(): HTML and URL in, an ArticleRecord or a Rejection with its reason out. No Scrapy here."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import cached_property
from typing import NamedTuple
from urllib.parse import urljoin

from newsclean.language import identify_language
import courlan
import trafilatura
from lxml import etree
from lxml.etree import XPath
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction, fromstring
from trafilatura.settings import Document, Extractor
from trafilatura.utils import HTML_PARSER, decode_file, is_dubious_html, repair_faulty_html

from newsclean.extraction import rules
from newsclean.extraction.blocks import (
    Block,
    PageContext,
    block_keys,
    blocks_text,
    body_blocks,
    clean_blocks,
    fold,
    is_cut_off,
    text_key,
    tidy,
)
from newsclean.extraction.metadata import StructuredData, iso_datetime, page_metadata, structured_data
from newsclean.extraction.prune import (
    LONG_PARAGRAPH_WORDS,
    drop_unseen,
    masked_article,
    paragraph_words,
    prune_noise,
    unmask,
)
from newsclean.extraction.pagetype import (
    PageSignals,
    RejectionReason,
    reason_from_body,
    reason_from_markup_or_url,
)
from newsclean.record import ArticleRecord, DiscoveredVia, content_hash, count_words, record_id, utc_now
from newsclean.urls import hostname, normalize_url, same_site

logger = logging.getLogger(__name__)

EXTRACTOR_INFO = {"name": "newsclean", "version": f"0.1.0+trafilatura-{trafilatura.__version__}"}


@dataclass(frozen=True)
class ExtractionConfig:
    """Knobs of the extraction; the defaults suit news articles."""

    min_words: int = 40


@dataclass(frozen=True)
class SiteProfile:
    """What a crawl has learned about one host.

    `boilerplate`: folded text blocks that recur on many of its pages; `openings`: the stable
    hashes (blocks.stable_hash) of the opening words (blocks.opening_key) of its stored articles,
    mapped to the hashes of their URLs, so that a teaser of another article can be recognised.
    """

    boilerplate: frozenset[str] = field(default_factory=frozenset)
    openings: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Extraction:
    """The outcome of a page, and the keys of its short blocks for learning site boilerplate."""

    outcome: ArticleRecord | Rejection
    block_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rejection:
    """A page that produced no record, and why."""

    url: str
    reason: RejectionReason
    detail: str = ""


DEFAULT_CONFIG = ExtractionConfig()
_PARSER = HTML_PARSER.copy()
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)
LANGUAGE_SAMPLE_CHARS = 2000
_META_CONTENT = XPath("//meta[@property=$name or @name=$name]/@content")
_HREF_LINKS = XPath("//a[@href]")
_DOCUMENT_END_TAG_RE = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
_IN_MENUS = "ancestor::nav or ancestor::header or ancestor::footer or ancestor::aside"
_PLAIN_LIST_ITEMS = XPath(f"//body//li[not(.//a)][not({_IN_MENUS})]")


def parse_html(html: str | bytes) -> HtmlElement | None:
    """Parse once; the tree can feed both link discovery and analyse_tree().

    </body> and </html> end tags are left out: a browser puts what follows them in the body all the same
    (some pages close the document before the article), where libxml2 would drop it.

    As trafilatura's load_html() does (decoding, repairs, a bytes retry, the not-HTML check), with
    _PARSER: its settings, but every element an HtmlElement. lxml.html's own lookup runs Python code
    for each element object lxml creates, to give forms and their fields classes that extraction never
    uses; extraction creates many such objects (trafilatura's passes over the tree, XPath results).
    """
    if not html or not html.strip():
        return None
    try:
        text = decode_file(html)
    except (TypeError, ValueError):
        return None
    beginning = text[:50].lower()
    text = repair_faulty_html(_DOCUMENT_END_TAG_RE.sub("", text), beginning)
    try:
        tree: HtmlElement | None = fromstring(text, parser=_PARSER)
    except (ValueError, etree.LxmlError):  # ValueError: a str declaring its encoding, lxml wants bytes
        tree = None
    if tree is None or len(tree) < 1:
        tree = _parse_bytes(text)
    if tree is not None and is_dubious_html(beginning) and len(tree) < 2:
        return None
    return tree


def _parse_bytes(text: str) -> HtmlElement | None:
    try:
        return fromstring(text.encode("utf8", "surrogatepass"), parser=_PARSER)
    except (ValueError, etree.LxmlError):
        return None


def extract(
    html: str | bytes,
    url: str,
    site: SiteProfile | None = None,
    *,
    config: ExtractionConfig = DEFAULT_CONFIG,
    discovered_via: DiscoveredVia = "file",
    record_id_override: str | None = None,
) -> ArticleRecord | Rejection:
    """Extract a clean article from a page, or say why the page is not one."""
    url = url if isinstance(url, str) else ""
    if not html or not html.strip():
        return Rejection(url, RejectionReason.EMPTY_DOCUMENT)
    tree = parse_html(html)
    if tree is None:
        return Rejection(url, RejectionReason.UNPARSABLE)
    return analyse_tree(
        tree, url, site, config=config, discovered_via=discovered_via, record_id_override=record_id_override
    ).outcome


def analyse_tree(
    tree: HtmlElement,
    url: str,
    site: SiteProfile | None = None,
    *,
    config: ExtractionConfig = DEFAULT_CONFIG,
    discovered_via: DiscoveredVia = "file",
    record_id_override: str | None = None,
) -> Extraction:
    """extract() on a parsed tree (pruned in place), also giving the keys of the page's short blocks."""
    structured = structured_data(tree)
    signals = PageSignals(
        url=url, og_type=_meta_content(tree, "og:type"), schema_types=frozenset(structured.types), has_date=False
    )
    if reason := reason_from_markup_or_url(signals):
        return Extraction(Rejection(url, reason))
    metadata = page_metadata(tree, url, structured)
    metadata.author = metadata.author or "; ".join(_author_links(tree)) or None
    signals = replace(signals, has_date=bool(metadata.date))
    links = _page_links(tree, url)
    page = PageContext(
        title=(metadata.title or "").strip(),
        link_texts=links.texts,
        anchor_texts=links.anchor_texts,
        offsite_texts=links.offsite_texts,
        url=url,
        boilerplate=site.boilerplate if site else frozenset(),
        openings=site.openings if site else {},
        description=metadata.description or "",
        authors=tuple(_authors(metadata.author)),
    )
    prune_noise(tree, page.link_texts)
    body, verdict = _best_body(tree, url, page, signals, config)
    if verdict is not None:
        return Extraction(Rejection(url, verdict, f"{body.words} words"))
    record = _record(metadata, structured, tree, body.blocks, url, discovered_via, record_id_override)
    return Extraction(record, block_keys(body.raw))


def _best_body(
    tree: HtmlElement, url: str, page: PageContext, signals: PageSignals, config: ExtractionConfig
) -> tuple[Body, RejectionReason | None]:
    """trafilatura's fast body and its verdict, or a wider extraction's where the fast one falls short:
    full mode where it covers little of the page, the recall focus where it left lists out, and the
    article unmasked where it is marked up as boilerplate."""
    page_words = PageWords.count(tree)
    drop_unseen(tree)
    body = _extract_body(tree, url, page, fast=True)
    verdict = _body_verdict(body, signals, page, config)
    coverage = None if verdict is not None else _coverage(body, page_words)
    wider: Body | None
    if coverage is Coverage.FAIR:
        wider = _with_lists_left_out(tree, url, page, body)
    else:
        full = _extract_body(tree, url, page, fast=False)
        wider = full if _prefer_full(full, body, coverage, config) else None
    if wider is not None:
        body, verdict = wider, _body_verdict(wider, signals, page, config)
    if (unmasked := _masked_article_body(tree, url, page, body, page_words.paragraphs)) is not None:
        body, verdict = unmasked, _body_verdict(unmasked, signals, page, config)
    return _with_headings_restored(body, tree), verdict


@dataclass(frozen=True)
class Body:
    """trafilatura's body blocks as extracted (raw) and, computed when first asked for, after newsclean's
    block rules (blocks): a candidate body that loses never pays for them."""

    raw: list[Block]
    page: PageContext

    @cached_property
    def blocks(self) -> list[Block]:
        return clean_blocks(self.raw, self.page)

    @cached_property
    def raw_words(self) -> int:
        return sum(b.words for b in self.raw)

    @property
    def words(self) -> int:
        return sum(b.words for b in self.blocks)


def _extract_body(tree: HtmlElement, url: str, page: PageContext, fast: bool, recall: bool = False) -> Body:
    """Body blocks from trafilatura; fast skips its fallback extractors (readability, jusText).

    Its body tree comes with every output format; "txt" spares the text rendering that "python" adds.
    """
    options = Extractor(output_format="txt", comments=False, url=url, fast=fast, recall=recall)
    document = trafilatura.bare_extraction(tree, options=options)
    if not isinstance(document, Document) or document.body is None:
        return Body([], page)
    raw = body_blocks(document.body)
    return Body(raw, page)


class Coverage(Enum):
    """How much of the page the fast body holds."""

    LITTLE = "little"
    FAIR = "fair"
    DUMP = "dump"


@dataclass(frozen=True)
class PageWords:
    """The words of the pruned page, counted before its unseen parts are removed: what the fast body is
    measured against. `visible`: all its text but scripts, styles and noscript fallbacks."""

    paragraphs: int
    visible: int

    @classmethod
    def count(cls, tree: HtmlElement) -> PageWords:
        body_element = tree.find("body")
        root = body_element if body_element is not None else tree
        return cls(paragraph_words(tree), len(root.text_content().split()) - _hidden_words(root))


def _coverage(body: Body, page_words: PageWords) -> Coverage:
    """LITTLE: a small share of the page's paragraph or visible words (trafilatura's fast mode latched
    on to a small box); DUMP: about all the visible text while little of it is in paragraphs (the page,
    menus included), or one block holding about all of the body (its fallback's text of the whole
    article element, captions and bylines included). In both, its full mode (readability, jusText)
    does better.
    """
    words = body.raw_words
    if words < rules.FAST_MIN_PARAGRAPH_SHARE * page_words.paragraphs:
        return Coverage.LITTLE
    if _is_one_block_dump(body):
        return Coverage.DUMP
    if words < rules.FAST_MIN_TEXT_SHARE * page_words.visible:
        return Coverage.LITTLE
    dump_like = page_words.paragraphs < rules.PAGE_DUMP_MAX_PARAGRAPH_SHARE * words
    if dump_like and words >= rules.PAGE_DUMP_SHARE * page_words.visible:
        return Coverage.DUMP
    return Coverage.FAIR


def _is_one_block_dump(body: Body) -> bool:
    words = body.raw_words
    if words < rules.ONE_BLOCK_DUMP_MIN_WORDS:
        return False
    return max(block.words for block in body.raw) >= rules.ONE_BLOCK_DUMP_SHARE * words


def _hidden_words(root: HtmlElement) -> int:
    """Words of scripts and styles, which text_content() counts in."""
    return sum(len(element.text_content().split()) for element in root.iter("script", "style", "noscript"))


def _prefer_full(full: Body, fast: Body, coverage: Coverage | None, config: ExtractionConfig) -> bool:
    """Whether the full-mode body replaces the fast one: any gain saves a rejected page (no coverage),
    a large gain a page covered little, and a real body (shorter, not too short) replaces a dump of the page."""
    if coverage is None:
        return full.words > fast.words
    full_words, fast_words = full.raw_words, fast.raw_words
    if coverage is Coverage.DUMP:
        return config.min_words <= full.words and full_words < fast_words
    return full_words > rules.FULL_MODE_MIN_GAIN * fast_words


def _with_lists_left_out(tree: HtmlElement, url: str, page: PageContext, body: Body) -> Body | None:
    """The body extracted with trafilatura's recall focus (which keeps lists that its fast, default focus
    drops where no article container is marked up), when the page's lists hold more words than the body's
    and that body adds enough text between the first and the last block the two share (the same article,
    not teasers around it). It is cut after that last block: what follows the fast body's end is not
    the article's."""
    list_words = sum(b.words for b in body.raw if b.kind == "list")
    if _plain_list_item_words(tree) < list_words + rules.LISTS_LEFT_OUT_MIN_WORDS:
        return None
    wider = _extract_body(tree, url, page, fast=True, recall=True)
    fast_texts = {block.text for block in body.raw}
    shared = [index for index, block in enumerate(wider.raw) if block.text in fast_texts]
    if not shared:
        return None
    gain = sum(block.words for block in wider.raw[shared[0] : shared[-1]] if block.text not in fast_texts)
    if gain < rules.LISTS_MIN_GAIN * body.raw_words:
        return None
    return Body(wider.raw[: shared[-1] + 1], page)


def _with_headings_restored(body: Body, tree: HtmlElement) -> Body:
    """The body with the section headings trafilatura left out put back (its fallback for pages with no
    article container it knows keeps paragraphs only): a heading outside menus and boxes, not a link to
    another page, put before the body block that opens with the paragraph right after it."""
    present = {block.folded for block in body.raw}
    missing = [
        (heading, paragraph)
        for heading in tree.iter(*rules.SUBHEADING_TAGS)
        if fold(heading.text_content()) not in present and (paragraph := _paragraph_after(heading)) is not None
    ]
    if not missing:
        return body
    openings = {text_key(block.text): index for index, block in enumerate(body.raw) if block.kind != "heading"}
    inserts: dict[int, list[Block]] = {}
    for heading, paragraph in missing:
        index = openings.get(text_key(paragraph.text_content()))
        if index is None or _IN_MENU(heading):
            continue
        text = tidy(" ".join(_VISIBLE_TEXT(heading)))
        if text and count_words(text) <= rules.HEADING_MAX_WORDS and fold(text) not in present:
            if not _is_headline_link(heading, text):
                inserts.setdefault(index, []).append(Block("heading", text))
    if not inserts:
        return body
    raw = [restored for index, block in enumerate(body.raw) for restored in (*inserts.get(index, ()), block)]
    return Body(raw, body.page)


_IN_MENU = XPath(f"boolean({_IN_MENUS})")
_VISIBLE_TEXT = XPath(".//text()[not(ancestor::style or ancestor::script or ancestor::noscript)]")
_OFFSITE_LINK_TEXT = XPath(".//a[not(starts-with(@href, '#'))]//text()")
_WRAPPER_LEVELS = 3
_SECTION_OPENERS = frozenset({"p", "ul", "ol", "blockquote"})


def _paragraph_after(heading: HtmlElement, depth: int = 0) -> HtmlElement | None:
    """The paragraph or list that comes right after the heading, with nothing but wrappers and
    subheadings between them."""
    node: HtmlElement | None = heading
    for _ in range(_WRAPPER_LEVELS):
        if node is None or node.getnext() is not None:
            break
        node = node.getparent()
    following = node.getnext() if node is not None else None
    for _ in range(_WRAPPER_LEVELS):
        if following is None or following.tag in _SECTION_OPENERS or len(following) == 0 or (following.text or "").strip():
            break
        following = following[0]
    if following is None:
        return None
    if following.tag in rules.SUBHEADING_TAGS and depth < _WRAPPER_LEVELS:
        return _paragraph_after(following, depth + 1)
    return following if following.tag in _SECTION_OPENERS else None


def _is_headline_link(heading: HtmlElement, text: str) -> bool:
    """A heading that is a link to another page: another article's headline."""
    linked = "".join(_OFFSITE_LINK_TEXT(heading))
    return len(linked.split()) * 2 > count_words(text)


def _plain_list_item_words(tree: HtmlElement) -> int:
    """Words of the page's list items that hold no link and are not in a nav, header, footer or aside
    (not menus)."""
    return sum(len(item.text_content().split()) for item in _PLAIN_LIST_ITEMS(tree))


def _masked_article_body(
    tree: HtmlElement, url: str, page: PageContext, body: Body, page_paragraph_words: int
) -> Body | None:
    """The body extracted with the boilerplate-marked containers that hold most of the page's paragraphs
    unmasked, when the body holds little of them and this one is much longer."""
    words = body.raw_words
    if words >= rules.MASKED_RECOVERY_SHARE * page_paragraph_words:
        return None  # the masked words are at most the page's paragraph words
    boxes, masked_words = masked_article(tree, page_paragraph_words)
    if words >= rules.MASKED_RECOVERY_SHARE * masked_words:
        return None
    masks = [(box, unmask(box)) for box in boxes]
    unmasked = _extract_body(tree, url, page, fast=True)
    if unmasked.raw_words > rules.FULL_MODE_MIN_GAIN * words:
        return unmasked
    for box, attributes in masks:
        box.attrib.update(attributes)
    return None


def _body_verdict(
    body: Body, signals: PageSignals, page: PageContext, config: ExtractionConfig
) -> RejectionReason | None:
    mostly_teasers = _is_mostly_teasers(body.raw, page)
    story_words = _story_words(body.raw, page) if mostly_teasers else 0
    return reason_from_body(signals, body.words, mostly_teasers, config.min_words, story_words)


def _author_links(tree: HtmlElement) -> list[str]:
    """Names linked to an author page (rel=author or an /author/... path): a byline fallback."""
    names: dict[str, None] = {}
    for link in _HREF_LINKS(tree):
        name = " ".join(link.text_content().split())
        is_author = link.get("rel") == "author" or rules.AUTHOR_PATH_RE.search(link.get("href", ""))
        if is_author and 1 < len(name.split()) <= rules.AUTHOR_NAME_MAX_WORDS and name.istitle():
            names.setdefault(name, None)
    return list(names)[: rules.AUTHORS_MAX]


def _is_mostly_teasers(blocks: list[Block], page: PageContext) -> bool:
    """Whether more than half of the body's words are in headline links and cut-off excerpts. The longest
    blocks are looked at first, and only until the answer is settled."""
    total = sum(b.words for b in blocks)
    teasers = others = 0
    for block in sorted(blocks, key=lambda b: b.words, reverse=True):
        words = _teaser_words(block, page)
        teasers, others = teasers + words, others + block.words - words
        if 2 * teasers > total:
            return True
        if 2 * others >= total:
            return False
    return False


def _teaser_words(block: Block, page: PageContext) -> int:
    """The block's words if it is a teaser; of a list that looks like one (its last item cut off), the
    words of those of its items that are."""
    if not _is_teaser_text(block, page):
        return 0
    if block.kind != "list":
        return block.words
    return sum(item.words for item in block.items if _is_teaser_text(item, page))


def _is_teaser_text(block: Block, page: PageContext) -> bool:
    return block.folded in page.link_texts or is_cut_off(block, page)


def _story_words(blocks: list[Block], page: PageContext) -> int:
    """Words of the paragraphs of LONG_PARAGRAPH_WORDS or more that are neither links nor cut off."""
    return sum(
        b.words
        for b in blocks
        if b.kind == "paragraph" and b.words >= LONG_PARAGRAPH_WORDS and not _is_teaser_text(b, page)
    )


class PageLinks(NamedTuple):
    """The folded texts of the page's links that have any: all of them; those leading within the page or
    nowhere (`anchor_texts`: a table of contents); those of several words only ever leading to another site
    without being paid for (`offsite_texts`: no rel "nofollow" or "sponsored"; a source the story cites, not
    another page of its own site)."""

    texts: frozenset[str]
    anchor_texts: frozenset[str]
    offsite_texts: frozenset[str]


def _page_links(tree: HtmlElement, url: str) -> PageLinks:
    """One pass over the page's links, each text folded once."""
    domain = (courlan.extract_domain(url) or hostname(url).removeprefix("www.")) if url.startswith("http") else None
    onsite: set[str] = set()
    offsite: set[str] = set()
    anchors: set[str] = set()
    for link in tree.iter("a"):
        text = link.text_content()
        if not text.strip():
            continue
        href = link.get("href")
        if href is None or href.startswith("#"):
            anchors.add(text)
        several_words = text.count(" ") >= rules.LONG_LINK_MIN_WORDS - 1
        (offsite if domain and several_words and _cites_other_site(link, domain) else onsite).add(text)
    folded = {text: fold(text) for text in onsite | offsite}
    return PageLinks(
        frozenset(folded.values()),
        frozenset(folded[text] for text in anchors),
        frozenset(folded[text] for text in offsite) - {folded[text] for text in onsite},
    )


PAID_RELS = ("nofollow", "sponsored")


def _cites_other_site(link: HtmlElement, domain: str) -> bool:
    href = link.get("href") or ""
    if not href.startswith(("http:", "https:", "//")):
        return False
    rel = link.get("rel") or ""
    if any(word in rel for word in PAID_RELS):
        return False
    host = hostname(href if href[0] != "/" else f"http:{href}")
    return bool(host) and host != domain and not host.endswith(f".{domain}")


def _meta_content(tree: HtmlElement, name: str) -> str | None:
    values = _META_CONTENT(tree, name=name)
    return str(values[0]).strip().lower() if values else None


def _record(
    document: Document,
    structured: StructuredData,
    tree: HtmlElement,
    blocks: list[Block],
    url: str,
    discovered_via: DiscoveredVia,
    record_id_override: str | None,
) -> ArticleRecord:
    text = blocks_text(blocks)
    canonical = _canonical_url(document.url, url)
    if url.startswith("file:") and canonical.startswith(("http://", "https://")):
        url = canonical
    published = structured.published or _published_time(tree, document.date)
    return ArticleRecord(
        id=record_id_override or record_id(canonical),
        url=url,
        canonical_url=canonical,
        title=(document.title or "").strip(),
        text=text,
        authors=_authors(document.author),
        published=published,
        modified=structured.modified or _meta_datetime(tree, "article:modified_time", "og:updated_time"),
        language=_language(tree, text),
        site_name=document.sitename or None,
        hostname=hostname(url) or None,
        description=document.description or None,
        tags=sorted(set((document.tags or []) + (document.categories or []))),
        image=document.image or None,
        word_count=sum(b.words for b in blocks),
        content_hash=content_hash(text),
        fetched_at=utc_now(),
        discovered_via=discovered_via,
        extractor=dict(EXTRACTOR_INFO),
    )


def _canonical_url(declared: str | None, url: str) -> str:
    """The page's canonical URL when it points to the same site, else the fetched URL; normalized."""
    if declared:
        candidate = urljoin(url, declared)
        web_page = candidate.startswith(("http://", "https://"))
        if web_page and (url.startswith("file:") or same_site(candidate, url)):
            return normalize_url(candidate)
    return normalize_url(url)


def _authors(author: str | None) -> list[str]:
    return [name.strip() for name in (author or "").split(";") if name.strip()]


def _published_time(tree: HtmlElement, day: str | None) -> str | None:
    """The publication day htmldate found, with its time of day when a meta tag gives it for that day."""
    declared = _meta_datetime(tree, "article:published_time", "og:published_time", "datePublished")
    if declared and day and declared.startswith(day):
        return declared
    return iso_datetime(day)


def _meta_datetime(tree: HtmlElement, *names: str) -> str | None:
    for name in names:
        values = _META_CONTENT(tree, name=name)
        if values and (parsed := iso_datetime(str(values[0]))):
            return parsed
    return None


def _language(tree: HtmlElement, text: str) -> str | None:
    """The declared language (html lang, og:locale), else one identified from the text."""
    declared = tree.get("lang") or tree.get("xml:lang") or _meta_content(tree, "og:locale")
    if declared:
        return declared.replace("_", "-").split("-")[0].lower() or None
    if not text:
        return None
    return identify_language(text[: LANGUAGE_SAMPLE_CHARS])
