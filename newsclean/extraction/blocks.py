"""Body blocks: trafilatura's output tree as a list of text blocks, and the rules that drop noise blocks."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby
from operator import itemgetter

import ftfy
from lxml.etree import _Element

from newsclean.extraction import rules
from newsclean.record import count_words

_PUNCT_RE = re.compile(r"[\W_]+", re.UNICODE)
# A Latin-1 letter followed by what a UTF-8 continuation byte reads as in Latin-1 or Windows-1252:
# the mark of UTF-8 text decoded with the wrong charset ("isnâ€™t", "Ã©tÃ©"), cheap to look for.
_MOJIBAKE_HINT_RE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)


@dataclass(frozen=True)
class Block:
    """One paragraph-level unit of the body."""

    kind: str
    text: str

    @cached_property
    def folded(self) -> str:
        """The text as fold() compares it, computed once: several rules look at it."""
        return fold(self.text)

    @cached_property
    def words(self) -> int:
        return count_words(self.text)

    @cached_property
    def items(self) -> list[Block]:
        """A list's items (its text holds one a line); any other block is its own one item."""
        return [Block("item", line) for line in self.text.split("\n")] if self.kind == "list" else [self]


@dataclass(frozen=True)
class PageContext:
    """What the block rules know about the page beyond the body itself.

    `link_texts`: folded texts of its links; `anchor_texts`: those of links within the page or with no
    address at all (a table of contents, its jumps made by a script); `offsite_texts`: those of links that
    only lead to other sites (a source the story cites).
    """

    title: str
    link_texts: frozenset[str]
    url: str = ""
    boilerplate: frozenset[str] = frozenset()
    openings: Mapping[int, int] = field(default_factory=dict)
    description: str = ""
    anchor_texts: frozenset[str] = frozenset()
    offsite_texts: frozenset[str] = frozenset()
    authors: tuple[str, ...] = ()

    @cached_property
    def short_link_words(self) -> frozenset[str]:
        """The words of link texts of a few words (tags, categories, menu entries)."""
        return frozenset(
            word for text in self.link_texts if text.count(" ") < rules.LONG_LINK_MIN_WORDS - 1 for word in text.split()
        )

    @cached_property
    def long_link_texts(self) -> tuple[str, ...]:
        """Link texts of several words, specific enough to be looked for inside a block."""
        return tuple(text for text in self.link_texts if text.count(" ") >= rules.LONG_LINK_MIN_WORDS - 1)


def fold(text: str) -> str:
    """Comparison key: case-folded, accents kept, punctuation and spacing removed."""
    return _PUNCT_RE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def tidy(text: str) -> str:
    """Mojibake repaired, spacing collapsed."""
    return " ".join(repair_mojibake(text).split())


def repair_mojibake(text: str) -> str:
    """The text with UTF-8 read as the wrong charset decoded right (by ftfy, which leaves text that is
    not mojibake as it is); nothing else about it changed: quotes stay curly, spacing stays."""
    return ftfy.fix_encoding(text) if _MOJIBAKE_HINT_RE.search(text) else text


def body_blocks(body: _Element) -> list[Block]:
    """Flatten trafilatura's body tree (p, head, list, quote, table, ...) into blocks.

    Text loose in the body, before or after its elements (trafilatura leaves a paragraph that follows
    a heading in the heading's tail), becomes a paragraph of its own, unless it is a lone word
    (a button or widget label such as "(Up)" or "Submit").
    """
    blocks = _loose_text(body.text)
    for element in body:
        blocks.extend(_element_blocks(element))
        blocks.extend(_loose_text(element.tail))
    return blocks


def _element_blocks(element: _Element) -> list[Block]:
    """An element's block, or, for a long paragraph, quote, table or list that holds headings, lists or
    paragraphs of its own or blank-line breaks (a whole article that trafilatura kept as one element,
    laid out in a table, or a guest post set in a blockquote), its parts. A div (the page's own
    container, which the body of a fallback extractor keeps) gives the blocks of what it holds."""
    if element.tag == "div":
        return body_blocks(element)
    text = _list_text(element) if element.tag == "list" else tidy(" ".join(element.itertext()))
    if element.tag in _SPLIT_TAGS and count_words(text) >= rules.SPLIT_PARAGRAPH_MIN_WORDS:
        if any(_splits_paragraph(descendant) for descendant in element.iterdescendants()):
            return _parts(element)
    return [Block(kind=_kind(element.tag), text=text)] if text else []


def _splits_paragraph(child: _Element) -> bool:
    return child.tag in _NESTED_BLOCK_TAGS or is_blank_line(child)


def is_blank_line(element: _Element, break_tag: str = "lb") -> bool:
    """One of two line breaks in a row with nothing but spacing between them: the break between two
    paragraphs. `break_tag`: "lb" in trafilatura's body, "br" in HTML."""
    if element.tag != break_tag:
        return False
    following, preceding = element.getnext(), element.getprevious()
    return (following is not None and following.tag == break_tag and not (element.tail or "").strip()) or (
        preceding is not None and preceding.tag == break_tag and not (preceding.tail or "").strip()
    )


def _parts(element: _Element) -> list[Block]:
    """The blocks of an element split at its nested blocks, table cells, list items and blank lines."""
    blocks: list[Block] = []
    pending: list[str] = [element.text or ""]
    for child in element:
        if _splits_paragraph(child) or child.tag in _LAYOUT_TAGS:
            blocks.extend(_loose_paragraph(pending))
            if child.tag in _NESTED_BLOCK_TAGS:
                blocks.extend(_element_blocks(child))
            elif child.tag in _LAYOUT_TAGS:
                blocks.extend(_parts(child))
            pending = [child.tail or ""]
        else:
            pending.extend((" ".join(child.itertext()), child.tail or ""))
    blocks.extend(_loose_paragraph(pending))
    return blocks


def _loose_paragraph(parts: list[str]) -> list[Block]:
    text = tidy(" ".join(parts))
    return [Block(kind="paragraph", text=text)] if text else []


_NESTED_BLOCK_TAGS = frozenset({"head", "list", "p", "quote", "table"})
_SPLIT_TAGS = frozenset({"p", "list", "quote", "table"})
_LAYOUT_TAGS = frozenset({"row", "cell", "item"})


def _loose_text(text: str | None) -> list[Block]:
    if not text or text.isspace():
        return []
    block = Block(kind="paragraph", text=tidy(text))
    return [block] if block.words >= rules.LOOSE_TEXT_MIN_WORDS else []


def _list_text(element: _Element) -> str:
    """A list's items one a line, nested lists' items included, each item's text without theirs."""
    items = (tidy(" ".join(_text_outside_lists(item))) for item in element.iter("item"))
    return "\n".join(item for item in items if item)


def _text_outside_lists(element: _Element) -> Iterator[str]:
    """element.itertext(), less the text of the lists nested in it (their tails kept)."""
    if element.text:
        yield element.text
    for child in element:
        if child.tag != "list":
            yield from _text_outside_lists(child)
        if child.tail:
            yield child.tail


def _kind(tag: str) -> str:
    return {"head": "heading", "list": "list", "quote": "quote", "table": "table"}.get(tag, "paragraph")


def clean_blocks(blocks: Sequence[Block], page: PageContext) -> list[Block]:
    """Apply every block rule in order; each rule returns the blocks it keeps."""
    kept = list(blocks)
    for rule in BLOCK_RULES:
        kept = rule(kept, page)
    return kept


def drop_site_boilerplate(blocks: list[Block], page: PageContext) -> list[Block]:
    """Blocks this host repeats on many pages, and teasers opening another of its articles.

    Learned across a crawl (see newsclean.siteknowledge). The body's first paragraph is never taken
    for a teaser, and when the blocks to drop would be most of the body (a page that repeats
    another article), nothing is dropped.
    """
    if not page.boilerplate and not page.openings:
        return blocks
    lead = next((i for i, b in enumerate(blocks) if b.kind == "paragraph"), 0)
    kept = [b for i, b in enumerate(blocks) if not _is_site_boilerplate(b, page, as_teaser=i != lead)]
    if sum(b.words for b in kept) < rules.SITE_RULES_MIN_KEPT_SHARE * sum(b.words for b in blocks):
        return blocks
    return kept


def _is_site_boilerplate(block: Block, page: PageContext, as_teaser: bool = True) -> bool:
    if block.words > rules.BOILERPLATE_MAX_WORDS:
        return False
    key = opening_key(block.text)
    opens = page.openings.get(stable_hash(key)) if key else None
    if opens is not None:
        return as_teaser and opens != stable_hash(page.url)
    return block.folded in page.boilerplate


def opening_key(text: str) -> str:
    """The first words of a text, folded: how a teaser excerpt is matched to the article it opens."""
    words = fold(text).split()
    return " ".join(words[: rules.OPENING_WORDS]) if len(words) >= rules.OPENING_MIN_WORDS else ""


TEXT_KEY_CHARS = 80


def text_key(text: str) -> str:
    """A text's opening characters, spacing left out: the same in the page's markup and in trafilatura's
    text of it, to find one in the other."""
    return "".join(text.split())[:TEXT_KEY_CHARS]


def stable_hash(text: str) -> int:
    """A 64-bit hash that is the same in every process (unlike hash())."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def block_keys(blocks: Sequence[Block]) -> tuple[str, ...]:
    """Folded texts of the short blocks of a page, each once: what site boilerplate is learned from."""
    keys = dict.fromkeys(b.folded for b in blocks if b.words <= rules.BOILERPLATE_MAX_WORDS)
    return tuple(key for key in keys if key)


def drop_repeated_runs(blocks: list[Block], page: PageContext) -> list[Block]:
    """Runs of blocks that each repeat an earlier block, long and prose enough to be the article printed
    twice (desktop and mobile templates), not repeated lines or table rows; and a block printed again
    right after itself (a heading or a contents list in one copy per screen size)."""
    seen: set[str] = set()
    repeats = []
    for block in blocks:
        repeats.append(block.text in seen)
        seen.add(block.text)
    kept: list[Block] = []
    for repeated, group in groupby(zip(blocks, repeats), key=itemgetter(1)):
        run = [block for block, _ in group]
        if not repeated or not _is_prose_run(run):
            kept.extend(run)
    return [b for i, b in enumerate(kept) if not (i and b.text == kept[i - 1].text)]


def _is_prose_run(run: list[Block]) -> bool:
    """Enough words, and sentences among them: not the rows of a table or plan that repeat by design."""
    sentences = sum(1 for b in run if b.words >= rules.PROSE_MIN_WORDS and b.text.rstrip().endswith(rules.SENTENCE_ENDS))
    words = sum(b.words for b in run)
    return sentences >= rules.REPEATED_RUN_MIN_SENTENCES and words >= rules.REPEATED_RUN_MIN_WORDS


def drop_title_repeat(blocks: list[Block], page: PageContext) -> list[Block]:
    """The headline repeated near the top of the body, and what little comes before it there (a site
    name, a breadcrumb trail, a "Blog" label, another article's teaser): the story starts after it."""
    title = fold(page.title)
    if not title:
        return blocks
    at = next((i for i, b in enumerate(blocks[: rules.TITLE_REPEAT_MAX_INDEX + 1]) if b.folded == title), None)
    if at is None:
        return blocks
    before = blocks[:at]
    if sum(b.words for b in before) <= rules.ABOVE_TITLE_MAX_WORDS:
        before = []
    end = at + 1
    while end < len(blocks) and blocks[end].folded == title:
        end += 1
    return [*before, *blocks[end:]]


def drop_standfirst_heading(blocks: list[Block], page: PageContext) -> list[Block]:
    """A heading opening the body that repeats the page's description: the standfirst, not the story."""
    description = fold(page.description)
    if not blocks or not description or blocks[0].kind != "heading":
        return blocks
    first = blocks[0].folded
    shorter, longer = sorted((first, description), key=len)
    if shorter and longer.startswith(shorter) and len(shorter) >= rules.STANDFIRST_MIN_MATCH * len(longer):
        return blocks[1:]
    return blocks


def drop_labels_and_placeholders(blocks: list[Block], page: PageContext) -> list[Block]:
    """Empty widget labels ("Date:", "Share post:"), ad placeholder tokens ("spot_img") and a form's or
    widget's status messages, short blocks opening with an apology ("We're sorry. This option is not
    available...")."""
    return [b for b in blocks if not _is_widget_text(b)]


def _is_widget_text(block: Block) -> bool:
    text = block.text
    if rules.LABEL_RE.match(text) or rules.PLACEHOLDER_RE.match(text):
        return True
    return block.words <= rules.STATUS_MESSAGE_MAX_WORDS and bool(rules.STATUS_MESSAGE_RE.match(text))


def drop_tag_lines(blocks: list[Block], page: PageContext) -> list[Block]:
    """ "Tags: ...", "Filed under: ..." lines, and tag clouds: paragraphs of words nearly each of which is
    in a short link of the page, with no sentence among them."""
    return [
        b for b in blocks
        if not (b.words <= rules.TAG_LINE_MAX_WORDS and rules.TAG_LINE_RE.match(b.text)) and not _is_tag_cloud(b, page)
    ]


def _is_tag_cloud(block: Block, page: PageContext) -> bool:
    if block.kind != "paragraph" or block.words < rules.TAG_CLOUD_MIN_WORDS or rules.SENTENCE_SPLIT_RE.search(block.text):
        return False
    words = block.folded.split()
    return sum(word in page.short_link_words for word in words) >= rules.TAG_CLOUD_LINKED_SHARE * len(words)


def drop_inline_related_links(blocks: list[Block], page: PageContext) -> list[Block]:
    """ "Read more: <headline>" lines between paragraphs."""
    return [
        b for b in blocks
        if not (b.words <= rules.RELATED_INLINE_MAX_WORDS and rules.RELATED_INLINE_RE.match(b.text))
    ]


def drop_link_blocks(blocks: list[Block], page: PageContext) -> list[Block]:
    """Short blocks that are links to other pages, bare or behind a label ("DON'T MISS ..."); not a link to
    another site over the paragraph it heads (a roundup's item)."""
    return [
        b for i, b in enumerate(blocks)
        if not (b.words <= rules.LINK_BLOCK_MAX_WORDS and _is_link_block(b, page) and not _heads_write_up(blocks, i, page))
    ]


def _heads_write_up(blocks: list[Block], index: int, page: PageContext) -> bool:
    """A link of several words to another site, right above a paragraph of prose (not a reader prompt such
    as an affiliate disclosure)."""
    block = blocks[index]
    if block.words < rules.LONG_LINK_MIN_WORDS or block.folded not in page.offsite_texts or index + 1 == len(blocks):
        return False
    following = blocks[index + 1]
    return (
        following.kind == "paragraph"
        and following.words >= rules.WRITE_UP_MIN_WORDS
        and not _is_link_only(following, page)
        and not rules.is_prompt(following.text)
    )


def drop_link_lists(blocks: list[Block], page: PageContext) -> list[Block]:
    """Lists whose every item is a headline link to another page or an excerpt cut off with an ellipsis
    (a news ticker), and runs of linked headings; not a table of contents (see PageContext.anchor_texts),
    nor a list the story introduces ("Many patches were sent for review:")."""
    linked = [
        (_is_link_list(b, page) and not (i and _introduces_list(blocks[i - 1])))
        or (b.kind == "heading" and _is_short_link(b, page))
        for i, b in enumerate(blocks)
    ]
    run = [
        linked[i] and (blocks[i].kind == "list" or (i > 0 and linked[i - 1]) or (i + 1 < len(blocks) and linked[i + 1]))
        for i in range(len(blocks))
    ]
    return [b for b, drop in zip(blocks, run, strict=True) if not drop]


def _introduces_list(block: Block) -> bool:
    return block.kind == "paragraph" and rules.introduces_list(block.text)


def _is_link_list(block: Block, page: PageContext) -> bool:
    return block.kind == "list" and len(block.items) >= 2 and all(
        _is_list_teaser(item, page) or _is_counted_link(item, page) or _is_dated_link(item, page)
        for item in block.items
    )


def _is_counted_link(item: Block, page: PageContext) -> bool:
    """A link and the count of what it leads to: a category or archive menu ("Sports (1379)")."""
    counted = rules.COUNTED_LINK_RE.match(item.text)
    return counted is not None and fold(counted.group(1)) in page.link_texts


def _is_dated_link(item: Block, page: PageContext) -> bool:
    """A link and the date of what it leads to ("A Mindful Approach - January 13, 2020")."""
    dated = rules.DATED_LINK_RE.match(item.text)
    return dated is not None and _is_date_part(dated.group(2)) and fold(dated.group(1)) in page.link_texts


def _is_list_teaser(item: Block, page: PageContext) -> bool:
    return _is_short_link(item, page) or (item.words <= rules.TEASER_MAX_WORDS and is_cut_off(item, page))


def _is_short_link(block: Block, page: PageContext) -> bool:
    if block.words > rules.LINK_BLOCK_MAX_WORDS or block.folded in page.anchor_texts:
        return False
    return _is_link_only(block, page)


def _is_link_block(block: Block, page: PageContext) -> bool:
    """A link paragraph, or a label and a link ("DON'T MISS ..."); a linked heading needs the label. A
    link that shows its own address is a reference the story points to, not another page's headline."""
    if rules.BARE_URL_RE.match(block.text):
        return False
    label = rules.PROMO_LABEL_RE.match(block.text)
    if label:
        rest = Block(block.kind, block.text[label.end() :])
        return not rest.folded or _is_link_only(rest, page)
    return block.kind == "paragraph" and not _is_linked_sentence(block) and _is_link_only(block, page)


def _is_linked_sentence(block: Block) -> bool:
    """A whole sentence of prose that happens to be a link ("Visit their website to learn more.")."""
    return block.words >= rules.LINKED_SENTENCE_MIN_WORDS and bool(rules.PROSE_END_RE.search(block.text))


def drop_credits(blocks: list[Block], page: PageContext) -> list[Block]:
    """Photo credits, captions that end with one, and captions printed twice in a row (a gallery's short
    and long caption run together: "A ferry at dusk.A ferry at dusk. Photo: ...")."""
    return [b for b in blocks if not (_is_credit(b) or _is_doubled_caption(b))]


def _is_doubled_caption(block: Block) -> bool:
    """The block is one line of REPEATED_CAPTION_MIN_WORDS words or more printed twice in a row, the
    second copy whole or cut short (a caption's long and short forms, a "less"/"more" toggle between
    them), with at most a credit's few words after it."""
    text = block.text
    if block.words > 2 * rules.CREDIT_MAX_WORDS or "\n" in text:
        return False
    again = text.find(text[: rules.REPEATED_CAPTION_PREFIX_CHARS], 1)
    if again < 0:
        return False
    first, second = fold(text[:again]).split(), fold(text[again:]).split()
    shared = next(
        (index for index, (word, again_word) in enumerate(zip(first, second)) if word != again_word),
        min(len(first), len(second)),
    )
    return (
        shared >= rules.REPEATED_CAPTION_MIN_WORDS
        and shared >= rules.REPEATED_CAPTION_MIN_SHARE * len(first)
        and len(second) - shared <= rules.CREDIT_TAIL_MAX_WORDS
    )


def _is_credit(block: Block) -> bool:
    if block.words > rules.CREDIT_MAX_WORDS:
        return False
    text = block.text
    if rules.CREDIT_START_RE.match(text):
        return True
    end = text[-rules.CREDIT_END_MAX_CHARS :]
    if rules.CREDIT_END_RE.search(end):
        return True
    return ("/" in end or ")" in end[-3:]) and bool(rules.AGENCY_CREDIT_RE.search(end))


def drop_reader_prompts(blocks: list[Block], page: PageContext) -> list[Block]:
    """Short newsletter, follow and app prompts; at the ends of the body, also longer pitches."""
    edge = {*range(rules.TAIL_BLOCKS), *range(len(blocks) - rules.TAIL_BLOCKS, len(blocks))}
    return [b for i, b in enumerate(blocks) if not _is_prompt(b, at_edge=i in edge)]


def _is_prompt(block: Block, at_edge: bool) -> bool:
    """A short prompt, a longer pitch at the ends of the body, or, anywhere, a block of a few sentences
    made of several prompts (a recipe blog's "leave a star rating ... follow me on Pinterest" note)."""
    max_words = rules.EDGE_PROMPT_MAX_WORDS if at_edge else rules.PROMPT_MAX_WORDS
    if block.words <= max_words:
        return rules.is_prompt(block.text)
    return block.words <= rules.DENSE_PROMPT_MAX_WORDS and rules.prompt_count(block.text) >= rules.DENSE_PROMPT_MIN_PROMPTS


def drop_page_furniture(blocks: list[Block], page: PageContext) -> list[Block]:
    """Copyright and cookie blocks and link rows; a copyright or cookie block in the last third of the
    body takes the little that follows it too (a page footer), not several paragraphs (a picture
    credit "© ..." inside the story)."""
    kept: list[Block] = []
    for index, block in enumerate(blocks):
        if _is_furniture(block):
            if _closes_body(blocks, index, rules.FOOTER_MAX_WORDS):
                break
            continue
        if not _is_link_row(block, page):
            kept.append(block)
    return kept


def _is_furniture(block: Block) -> bool:
    return block.words <= rules.FURNITURE_MAX_WORDS and rules.is_furniture(block.text)


def _is_link_row(block: Block, page: PageContext) -> bool:
    """Pipe- or bullet-separated items, most of them links ("Home | News | Contact"), unlike a spec line;
    or comma-separated items nearly all links (a tag or keyword row)."""
    if block.words > rules.FURNITURE_MAX_WORDS:
        return False
    if rules.LINK_ROW_RE.match(block.text):
        items = rules.LINK_ROW_SEPARATOR_RE.split(block.text)
        return _linked_share(items, page) >= rules.LINK_ROW_LINKED_SHARE
    items = [item for item in block.text.split(rules.LINK_LIST_SEPARATOR) if item.strip()]
    return len(items) >= rules.LINK_LIST_MIN_ITEMS and _linked_share(items, page) >= rules.LINK_LIST_LINKED_SHARE


def _linked_share(items: list[str], page: PageContext) -> float:
    return sum(fold(item) in page.link_texts for item in items) / len(items)


def drop_author_box(blocks: list[Block], page: PageContext) -> list[Block]:
    """An "About the author" heading in the body's last third, with the short bio after it; or a bio
    there that opens with the byline's name ("Ann Example is a reporter who...")."""
    for index, block in enumerate(blocks):
        starts_box = rules.ABOUT_AUTHOR_HEADING_RE.match(block.text) or _is_about_author(block, page)
        starts_box = starts_box or _is_author_bio(block, page)
        if starts_box and _closes_body(blocks, index, rules.AUTHOR_BOX_MAX_WORDS):
            return blocks[:index]
    return blocks


def _is_about_author(block: Block, page: PageContext) -> bool:
    """A heading "About <the byline's name>" ("Über Ann Example")."""
    about = rules.ABOUT_NAME_PREFIX_RE.match(block.text) if block.kind == "heading" else None
    return about is not None and fold(block.text[about.end() :]) in {fold(name) for name in page.authors}


def _is_author_bio(block: Block, page: PageContext) -> bool:
    if block.kind != "paragraph" or block.words > rules.AUTHOR_BIO_MAX_WORDS:
        return False
    return any(block.text.startswith(name) for name in page.authors if len(name.split()) > 1)


def _closes_body(blocks: list[Block], index: int, max_words: int) -> bool:
    """Whether the block at `index` is in the body's last third with at most `max_words` words after it:
    where a footer or an author box starts, not a block inside the story."""
    return index >= len(blocks) * 2 // 3 and sum(b.words for b in blocks[index + 1 :]) <= max_words


def drop_comments(blocks: list[Block], page: PageContext) -> list[Block]:
    """The readers' comments, from their heading ("12 Comments", "Leave a Reply") after the story on."""
    words_before = 0
    for index, block in enumerate(blocks):
        if words_before >= rules.COMMENTS_MIN_WORDS_BEFORE and rules.is_comments_heading(block.text):
            return blocks[:index]
        words_before += block.words
    return blocks


def drop_tail_credits(blocks: list[Block], page: PageContext) -> list[Block]:
    """Credit, contact, author-bio, date and company-boilerplate lines among the last blocks of the body."""
    tail_start = max(0, len(blocks) - rules.TAIL_BLOCKS)
    tail = blocks[tail_start:]
    return blocks[:tail_start] + [b for b in tail if not (_is_tail_credit(b) or _is_date_line(b))]


def _is_date_line(block: Block) -> bool:
    """ "Updated at 1:23 p.m.", "Published 18 November 2019"."""
    if block.words > rules.BYLINE_MAX_WORDS or "\n" in block.text:
        return False
    return bool(rules.DATELINE_RE.match(block.text))


def _is_tail_credit(block: Block) -> bool:
    if block.words > rules.TAIL_CREDIT_MAX_WORDS:
        return False
    text = block.text
    return bool(
        rules.TAIL_CREDIT_RE.search(text)
        or rules.CONTACT_ONLY_RE.match(text)
        or rules.AUTHOR_BIO_RE.match(text)
        or rules.STAFF_LINE_RE.match(text)
    )


def drop_top_metadata_lines(blocks: list[Block], page: PageContext) -> list[Block]:
    """Byline, date line, review credit and reading time among the first blocks of the body."""
    head = blocks[: rules.TOP_OF_BODY_BLOCKS]
    kept_head = [
        b for b in head
        if not (_is_metadata_line(b) or _is_kicker(b, page) or _is_author_line(b, page) or _is_review_credit(b))
    ]
    return kept_head + blocks[rules.TOP_OF_BODY_BLOCKS :]


def _is_metadata_line(block: Block) -> bool:
    """A byline, date or reading time, or a line or list of such parts and a name ("A. Writer • Jun 8,
    2023", a list of "A. Writer", "Jan 23", "11 min read"); a heading only when it is a dateline
    ("Published 18 November 2019")."""
    if block.words > rules.BYLINE_MAX_WORDS:
        return False
    if block.kind not in ("paragraph", "list"):
        return _is_date_line(block)
    if _is_metadata_part(block.text):
        return True
    parts = [part.strip() for part in rules.METADATA_PART_SEPARATOR_RE.split(block.text) if part.strip()]
    return len(parts) > 1 and any(map(_is_metadata_part, parts)) and all(
        _is_metadata_part(part) or _is_name_part(part) for part in parts
    )


def _is_author_line(block: Block, page: PageContext) -> bool:
    """A line that opens with the byline's full name, after "By" or not, and is no sentence ("By Ann
    Example Ann Example The Island Post @annexample", "Ann Example, Island Post Harbour Writer"), or a
    name and a staff role or news agency ("A. Writer, AP Sports Writer", "A. Writer, Associated Press"),
    or "By" and names followed by the date ("By Ann Example Monday, November 18, 2019, 04:05 pm PT")."""
    if block.words > rules.AUTHOR_LINE_MAX_WORDS:
        return False
    if rules.DATED_BYLINE_RE.match(block.text):
        return True
    if rules.SENTENCE_END_RE.search(block.text):
        return False
    if rules.STAFF_LINE_RE.match(block.text):
        return True
    text = fold(rules.BYLINE_PREFIX_RE.sub("", block.text, count=1))
    return any(text.startswith(fold(name)) for name in page.authors if len(name.split()) > 1)


def _is_review_credit(block: Block) -> bool:
    """ "Reviewed by Ann Example, MD, Editor in Chief, ..." """
    return block.words <= rules.REVIEW_CREDIT_MAX_WORDS and bool(rules.REVIEW_CREDIT_RE.match(block.text))


def _is_metadata_part(text: str) -> bool:
    return bool(rules.BYLINE_RE.match(text)) or _is_date_part(text)


def _is_date_part(text: str) -> bool:
    if rules.DATELINE_RE.match(text) or rules.READ_TIME_RE.match(text):
        return True
    return bool(rules.DATE_ONLY_RE.match(text) and rules.DATE_CORE_RE.search(text))


def _is_name_part(text: str) -> bool:
    return count_words(text) <= rules.METADATA_NAME_MAX_WORDS and not rules.SENTENCE_END_RE.search(text)


def _is_kicker(block: Block, page: PageContext) -> bool:
    """A section label or link above the body ("Business"): a few words, no sentence."""
    if block.words > rules.KICKER_MAX_WORDS or block.kind != "paragraph":
        return False
    return _is_link_only(block, page) or not rules.SENTENCE_END_RE.search(block.text)


def drop_related_sections(blocks: list[Block], page: PageContext) -> list[Block]:
    """A "Related articles" heading and the teasers (links, cut-off excerpts) that follow it, if any, or
    that closes the body with nothing after it but teaser cards: teaser-sized blocks (headlines, dates,
    section labels, one-line excerpts), or excerpts with date lines among them."""
    kept: list[Block] = []
    index = 0
    while index < len(blocks):
        if rules.RELATED_HEADING_RE.match(blocks[index].text):
            end = _teasers_end(blocks, index + 1, page)
            index = len(blocks) if _are_teaser_cards(blocks[end:]) else end
            continue
        kept.append(blocks[index])
        index += 1
    return kept


def _are_teaser_cards(blocks: list[Block]) -> bool:
    """Teaser-sized blocks only, or dated cards: TEASER_CARD_MIN_DATES date lines or more, and no more
    longer blocks (excerpts) than date lines (the story going on past a mid-body "Also read" box and
    closed by such cards is not one)."""
    longer = sum(1 for b in blocks if b.words > rules.TEASER_BLOCK_MAX_WORDS)
    if not longer:
        return True
    dates = sum(1 for b in blocks if b.words <= rules.BYLINE_MAX_WORDS and _is_date_part(b.text))
    return dates >= max(rules.TEASER_CARD_MIN_DATES, longer)


def _teasers_end(blocks: list[Block], start: int, page: PageContext) -> int:
    end = start
    while end < len(blocks) and _is_teaser(blocks[end], page):
        end += 1
    return end


def _without(blocks: list[Block], drop: set[int]) -> list[Block]:
    """The blocks but those at the indexes in `drop`."""
    return [b for i, b in enumerate(blocks) if i not in drop]


def drop_teaser_pairs(blocks: list[Block], page: PageContext) -> list[Block]:
    """A headline link followed by an excerpt cut off with an ellipsis, anywhere in the body."""
    drop: set[int] = set()
    for index in range(1, len(blocks)):
        headline, excerpt = blocks[index - 1], blocks[index]
        if is_cut_off(excerpt, page) and _is_link_only(headline, page):
            drop.update((index - 1, index))
    return _without(blocks, drop)


def drop_teaser_card_runs(blocks: list[Block], page: PageContext) -> list[Block]:
    """Runs of teaser cards that no class name gives away: a headline link followed by its date line,
    TEASER_CARD_MIN_DATES times or more in a row; and as many headline links each followed by a short
    excerpt closing the body after the story."""
    drop: set[int] = set(range(_closing_teasers_start(blocks, page), len(blocks)))
    index = 0
    while index < len(blocks):
        end = index
        while end + 1 < len(blocks) and _is_dated_headline(blocks[end], blocks[end + 1], page):
            end += 2
        if (end - index) // 2 >= rules.TEASER_CARD_MIN_DATES:
            drop.update(range(index, end))
        index = max(end, index + 1)
    return _without(blocks, drop)


def _closing_teasers_start(blocks: list[Block], page: PageContext) -> int:
    """Where the headline-and-excerpt pairs that close the body begin; len(blocks) where none do, or
    too few, or where they are not shorter than what comes before them (a page made of such entries)."""
    start = len(blocks)
    while start >= 2 and _is_headline_and_excerpt(blocks[start - 2], blocks[start - 1], page):
        start -= 2
    pairs_words = sum(b.words for b in blocks[start:])
    if (len(blocks) - start) // 2 < rules.TEASER_CARD_MIN_DATES or sum(b.words for b in blocks[:start]) <= pairs_words:
        return len(blocks)
    return start


def _is_headline_and_excerpt(headline: Block, excerpt: Block, page: PageContext) -> bool:
    return (
        rules.TEASER_HEADLINE_MIN_WORDS <= headline.words <= rules.LINK_BLOCK_MAX_WORDS
        and _is_link_only(headline, page)
        and rules.EXCERPT_MIN_WORDS <= excerpt.words <= rules.TEASER_MAX_WORDS
        and not _is_link_only(excerpt, page)
    )


def _is_dated_headline(headline: Block, date: Block, page: PageContext) -> bool:
    return (
        date.words <= rules.BYLINE_MAX_WORDS
        and _is_date_part(date.text)
        and headline.words <= rules.LINK_BLOCK_MAX_WORDS
        and _is_link_only(headline, page)
    )


def drop_excerpt_runs(blocks: list[Block], page: PageContext) -> list[Block]:
    """Two or more consecutive short blocks cut off with an ellipsis: excerpts of other articles."""
    cut = [
        rules.EXCERPT_MIN_WORDS <= b.words <= rules.TEASER_MAX_WORDS and is_cut_off(b, page)
        for b in blocks
    ]
    in_run = [
        cut[i] and ((i > 0 and cut[i - 1]) or (i + 1 < len(cut) and cut[i + 1])) for i in range(len(blocks))
    ]
    return [b for b, drop in zip(blocks, in_run, strict=True) if not drop]


def drop_trimmed_excerpts(blocks: list[Block], page: PageContext) -> list[Block]:
    """Runs of TRIMMED_EXCERPT_MIN_RUN blocks or more of one same length that all stop mid-sentence:
    excerpts of other articles that a template cut to a number of words, with no ellipsis to show it."""
    drop: set[int] = set()
    index = 0
    while index < len(blocks):
        end = index
        while end < len(blocks) and _is_trimmed_like(blocks[end], blocks[index]):
            end += 1
        if end - index >= rules.TRIMMED_EXCERPT_MIN_RUN:
            drop.update(range(index, end))
        index = max(end, index + 1)
    return _without(blocks, drop)


def _is_trimmed_like(block: Block, first: Block) -> bool:
    return (
        block.words == first.words >= rules.TRIMMED_EXCERPT_MIN_WORDS
        and not rules.SENTENCE_END_RE.search(block.text)
    )


def _is_teaser(block: Block, page: PageContext) -> bool:
    if block.words > rules.TEASER_MAX_WORDS:
        return False
    return _is_link_only(block, page) or is_cut_off(block, page)


def is_cut_off(block: Block, page: PageContext) -> bool:
    """Text cut off with an ellipsis ("... the biggest...", "... Continue reading…"), unlike prose
    closed by a link with a label of its own ("Full WorkFit Review…")."""
    if not rules.ELLIPSIS_END_RE.search(block.text):
        return False
    sentences = rules.SENTENCE_SPLIT_RE.split(block.text)
    last = fold(sentences[-1])
    return len(sentences) < 2 or last not in page.link_texts or bool(rules.READ_MORE_RE.match(last))


def _is_link_only(block: Block, page: PageContext) -> bool:
    """The whole block is the text of a link, or links made of several words cover nearly all of it
    (bracketed labels such as "[VIDEO]" after the links not counted)."""
    folded = block.folded
    if not folded:
        return False
    if folded in page.link_texts:
        return True
    linked = sum(len(text.split()) for text in page.long_link_texts if text in folded)
    labels = len(rules.LINK_LABEL_RE.findall(block.text)) if "[" in block.text else 0
    return linked >= rules.LINK_ONLY_SHARE * (len(folded.split()) - labels)


def drop_trailing_headings(blocks: list[Block], page: PageContext) -> list[Block]:
    """Headings left at the body's end once what they introduced is gone (a comments box's title)."""
    end = len(blocks)
    while end and blocks[end - 1].kind == "heading":
        end -= 1
    return blocks[:end]


BLOCK_RULES: tuple[Callable[[list[Block], PageContext], list[Block]], ...] = (
    drop_repeated_runs,
    drop_title_repeat,
    drop_standfirst_heading,
    drop_site_boilerplate,
    drop_labels_and_placeholders,
    drop_tag_lines,
    drop_related_sections,
    drop_teaser_pairs,
    drop_teaser_card_runs,
    drop_excerpt_runs,
    drop_trimmed_excerpts,
    drop_inline_related_links,
    drop_link_blocks,
    drop_link_lists,
    drop_credits,
    drop_reader_prompts,
    drop_page_furniture,
    drop_author_box,
    drop_comments,
    drop_tail_credits,
    drop_top_metadata_lines,
    drop_title_repeat,
    drop_trailing_headings,
)


def blocks_text(blocks: Sequence[Block]) -> str:
    return "\n\n".join(b.text for b in blocks)
