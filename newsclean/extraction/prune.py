"""Tree pruning before trafilatura: noise containers by class/id tokens, and small prompt widgets; and the
reverse, article text that trafilatura would take for boilerplate (swallowing wrappers, embeds, collapsible boxes)."""

from __future__ import annotations

import re
from functools import lru_cache
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from itertools import islice

from lxml.etree import Element, XPath, _ElementUnicodeResult
from lxml.html import HtmlElement, defs
from trafilatura.xpaths import OVERALL_DISCARD_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH, TEASER_DISCARD_XPATH

from newsclean.extraction import rules
from newsclean.extraction.blocks import fold, is_blank_line, text_key

PROMPT_ELEMENT_TAGS = ("p", "h2", "h3", "h4", "h5", "h6", "label", "button", "strong")
LONG_PARAGRAPH_WORDS = 20
_LONG_PARAGRAPH_CHARS = 6 * LONG_PARAGRAPH_WORDS


def prune_noise(tree: HtmlElement, link_texts: frozenset[str] = frozenset()) -> None:
    """Remove, in place, what never holds article text, and unmask the article text that is marked up
    like boilerplate. `link_texts`: the folded texts of the page's links (comment threads are looked for
    by their Reply links and buttons only when one of them is a "Reply" link)."""
    _render_streamed_segments(tree)
    for code in _CODE(tree):
        code.drop_tree()
    found = _by_tag(tree, (*rules.WRAPPER_PRONE_TAGS, "ul", "ol"))
    for wrapper in _page_wrappers(tree, [e for tag in rules.WRAPPER_PRONE_TAGS for e in found[tag]]):
        wrapper.tag = "div"
    for note in _story_asides(found["aside"]):
        note.tag = "div"
    for listed in _introduced_link_lists([*found["ul"], *found["ol"]]):
        for link in listed.findall(".//a"):
            link.drop_tag()
    _wrap_loose_prose(tree)
    for figure in _quote_figures(tree):
        figure.tag = "div"
    _join_split_bodies(tree)
    _unname_heading_anchors(tree)
    for element in _noise(tree):
        if _long_paragraphs(element) <= rules.PRUNE_MAX_LONG_PARAGRAPHS:
            _drop(element)
    for widget in _prompt_widgets(tree, link_texts):
        _drop(widget)
    for panel in _toggle_panels(tree):
        _drop(panel)
    for dialog in _dialogs(tree):
        _drop(dialog)
    for card in _hover_cards(tree):
        _drop(card)
    for thread in _comment_threads(tree, with_replies=bool(rules.REPLY_LABELS & link_texts)):
        _drop(thread)
    for section in _comment_sections(tree):
        _drop(section)
    for box in _content_boxes(tree):
        box.set("class", rules.MASKING_CLASS_TOKEN_RE.sub(" ", box.get("class", "")).strip())
    for panel in _COLLAPSED_PANELS(tree):
        if _is_collapsed_panel(panel) or _long_passages(panel):
            _show(panel)
    for box in _faq_boxes(tree):
        for element in _masked_within(box):
            unmask(element)


_CODE = XPath("//script[not(@type = 'application/ld+json')] | //style | //svg")
"""What trafilatura removes anyway (after copying the tree several times); JSON-LD stays for its baseline,
which reads an articleBody there."""
_STREAMED_MOVES_RE = re.compile(r'\$R([CS])\("([^"]+)","([^"]+)"')
_STREAMED_PARTS = XPath("//template[@id] | //div[@hidden][@id]")
_STREAMING_SCRIPTS = XPath("body/script[starts-with(., '$R')] | body/*/script[starts-with(., '$R')]")


def _render_streamed_segments(tree: HtmlElement) -> None:
    """Put the parts of the page that React streamed late where a browser's scripts put them.

    A page rendered by React's streaming server (Next.js and others) sends placeholders where a part is
    still coming (`<template id="B:2">` and a fallback such as "Loading paragraph...", or a bare
    `<template id="P:f">`), and later, at the end of the body, each part in a hidden `<div id="S:2">` and
    a script that moves it in: `$RC("B:2","S:2")` in place of a placeholder and its fallback,
    `$RS("S:20","P:f")` in place of a bare one. trafilatura runs no script: without this the story's
    parts would come out at the end of the page, or be lost. The moves are made in the scripts'
    order, as a browser makes them. The parser drops the comments that bound a fallback, so a fallback
    is taken to be the one short element after its placeholder. The scripts are appended to the body
    (or to a wrapper left open around the page): only its children and theirs are looked at, and only
    those that start with a call to these functions (or their definition)."""
    moves = [
        found.groups()
        for script in _STREAMING_SCRIPTS(tree)
        for found in _STREAMED_MOVES_RE.finditer(script.text or "")
    ]
    if not moves:
        return
    parts = {element.get("id"): element for element in _STREAMED_PARTS(tree)}
    for kind, first, second in moves:
        placeholder_id, segment_id = (first, second) if kind == "C" else (second, first)
        placeholder, segment = parts.get(placeholder_id), parts.get(segment_id)
        if placeholder is None or segment is None or not _can_fill(placeholder, segment):
            continue
        if kind == "C":
            _remove_fallback(placeholder)
        placeholder.text = segment.text
        placeholder.extend(segment)
        placeholder.tag = "div"
        placeholder.attrib.pop("id", None)
        _drop(segment)


def _can_fill(placeholder: HtmlElement, segment: HtmlElement) -> bool:
    """An unfilled placeholder and a segment not yet moved, neither holding the other's place in the tree
    (a page's scripts may name the same part twice, or parts that make no sense)."""
    return (
        placeholder.tag == "template" and segment.tag == "div"
        and placeholder.getparent() is not None and segment.getparent() is not None
        and not any(ancestor is segment for ancestor in placeholder.iterancestors())
    )


def _remove_fallback(placeholder: HtmlElement) -> None:
    fallback = placeholder.getnext()
    if fallback is None or fallback.tag == "template" or fallback.find(".//template") is not None:
        return
    if _at_most_words(fallback.text_content(), rules.STREAM_FALLBACK_MAX_WORDS):
        placeholder.tail = fallback.tail
        fallback.getparent().remove(fallback)


_NOISE_ATTRIBUTE_RE = re.compile(rf"(?:^|\s)(?:{rules.NOISE_TOKEN_RE.pattern})")


def _noise(tree: HtmlElement) -> list[HtmlElement]:
    """Captions, ad placeholder images (by their alt text) and elements with a noise class or id token,
    found in one pass over the page."""
    return [element for element in tree.iter(Element) if _is_noise(element.tag, element.get)]


def _is_noise(tag: str, get: Callable[[str], str | None]) -> bool:
    if tag in rules.NOISE_TAGS:
        return True
    if tag == "img":
        alt = get("alt")
        return alt is not None and rules.PLACEHOLDER_ALT_RE.match(alt) is not None
    names = get("class")
    if names is not None and _has_noise_class(names):
        return True
    name = get("id")
    if name is None:
        return False
    lowered = name.lower()
    return rules.NOISE_TOKEN_RE.match(lowered) is not None or rules.NOISE_PART_RE.search(lowered) is not None


@lru_cache(maxsize=4096)
def _has_noise_class(names: str) -> bool:
    """Cached: a page, and a site's pages, repeat the same class attributes many times."""
    lowered = names.lower()
    return _NOISE_ATTRIBUTE_RE.search(lowered) is not None or rules.NOISE_PART_RE.search(lowered) is not None


_HOVER_CARDS = XPath(
    f"//p//span[.//img][count(.//a) >= {rules.HOVER_CARD_MIN_LINKS}]"
    f"[not(.//span[.//img][count(.//a) >= {rules.HOVER_CARD_MIN_LINKS}])]"
)


def _hover_cards(tree: HtmlElement) -> list[HtmlElement]:
    """Cards that pop up over a name linked in a paragraph: a picture and links to other articles,
    inline in the paragraph's markup (the innermost such span)."""
    return list(_HOVER_CARDS(tree))


_SHORT_LABEL = f"[string-length(normalize-space()) <= {rules.REPLY_LABEL_MAX_CHARS}][not(ancestor::p)]"
_REPLY_CONTROLS = XPath(f"//*[self::a or self::button]{_SHORT_LABEL}")
_REPLY_LABELS = XPath(f"//span[not(*)]{_SHORT_LABEL}")
"""Reply controls that are no link: a plain label that a script makes clickable."""


_AVATARS = XPath("//img[contains(@alt, 'vatar') or contains(@src, 'avatar')]")


def _comment_threads(tree: HtmlElement, with_replies: bool) -> list[HtmlElement]:
    """The readers' comments, found by their "Reply" labels, links or buttons (in several languages; the
    links and buttons looked for `with_replies`) or by their writers' avatars rather than by class
    names: the largest element holding most of either and neither the page's headline nor its first
    sentence-long text (comments follow the article)."""
    controls = [*_REPLY_CONTROLS(tree), *_REPLY_LABELS(tree)] if with_replies else _REPLY_LABELS(tree)
    replies = [control for control in controls if fold(control.text_content()) in rules.REPLY_LABELS]
    threads = _largest_holders(tree, replies) if len(replies) >= rules.COMMENT_THREAD_MIN_MARKERS else []
    avatars = _AVATARS(tree)
    if len(avatars) >= rules.COMMENT_THREAD_MIN_MARKERS:
        page_words = paragraph_words(tree)
        threads.extend(
            thread for thread in _largest_holders(tree, avatars)
            if paragraph_words(thread) < rules.AVATAR_THREAD_MAX_PARAGRAPH_SHARE * page_words
        )
    return threads


def _largest_holders(tree: HtmlElement, markers: list[HtmlElement]) -> list[HtmlElement]:
    holding = Counter(ancestor for marker in markers for ancestor in marker.iterancestors())
    opening = _first_sentence_holder(tree)
    candidates = {
        element for element, count in holding.items()
        if count >= rules.COMMENT_THREAD_SHARE * len(markers) and _may_be_thread(element, opening)
    }
    return _outermost(candidates, candidates)


def _outermost(elements: Iterable[HtmlElement], among: Collection[HtmlElement]) -> list[HtmlElement]:
    """The elements that none of `among` holds, in their order."""
    return [element for element in elements if not any(ancestor in among for ancestor in element.iterancestors())]


_FIRST_SENTENCE = XPath(
    f"(//body//text()[string-length(normalize-space()) > {rules.LOOSE_SENTENCE_MIN_CHARS}]"
    "[not(ancestor::script or ancestor::style or ancestor::noscript)])[1]"
)


def _comment_sections(tree: HtmlElement) -> list[HtmlElement]:
    """The sections opened by a comments heading ("59 Comments on …", "Leave a Reply"), found without
    class names: the heading's parent (see _opens_comments), when it holds neither the page's headline
    nor its first sentence-long text."""
    sections = [
        heading.getparent() for heading in tree.iter(*rules.SUBHEADING_TAGS)
        if rules.is_comments_heading(heading.text_content()) and _opens_comments(heading)
    ]
    if not sections:
        return []
    opening = _first_sentence_holder(tree)
    return [section for section in sections if _may_be_thread(section, opening)]


def _opens_comments(heading: HtmlElement) -> bool:
    """Whether the heading opens its parent (few words before it there), which holds comments (not a
    "Comments are closed" line)."""
    section = heading.getparent()
    if section is None or _words_before(heading, section) > rules.COMMENTS_SECTION_MAX_WORDS_BEFORE:
        return False
    return not _at_most_words(section.text_content(), rules.COMMENTS_SECTION_MIN_WORDS)


def _first_sentence_holder(tree: HtmlElement) -> HtmlElement | None:
    return next((text.getparent() for text in _FIRST_SENTENCE(tree)), None)


def _words_before(element: HtmlElement, parent: HtmlElement) -> int:
    """Words before the element in its parent."""
    texts = [parent.text or ""]
    texts.extend(sibling.text_content() + (sibling.tail or "") for sibling in element.itersiblings(preceding=True))
    return sum(len(text.split()) for text in texts)


def _may_be_thread(element: HtmlElement, opening: HtmlElement | None) -> bool:
    if element.tag in ("body", "html") or element.find(".//h1") is not None:
        return False
    return opening is None or not (opening is element or any(a is element for a in opening.iterancestors()))


_LOOSE_TEXTS = XPath(" | ".join(
    f"//{tag}/text()[string-length(normalize-space()) > {rules.LOOSE_TEXT_MIN_CHARS}]" for tag in ("div", "body")
))
"""Text of a div or the body, or after one of their children: a div or body holding loose text."""
_BLOCK_TAGS = defs.block_tags | {"article", "aside", "details", "figure", "figcaption", "footer", "header", "main",
                                  "nav", "section", "summary"}


def _wrap_loose_prose(tree: HtmlElement) -> None:
    """Prose that is in no paragraph element becomes one: trafilatura, outside its recall focus, leaves it
    out. A run of text and inline elements between the blocks of a div or the body (old markup that
    separates paragraphs with <p> or <br>, text after a heading) is wrapped in a <p>; a div holding text
    alone becomes a <p> when it is one of PROSE_RUN_MIN_PARAGRAPHS prose children of its parent (an
    article written in divs; a lone text div is more often a caption, a bio or a notice), or one of
    SECTION_TEXTS_MIN sentence-long text divs that each follow a section heading (an article written as
    heading-and-text sections; one such box alone is more often a promotion), unless another div or
    paragraph of the page opens the same way (copies for another screen size, shown one at a time)."""
    containers = dict.fromkeys(_holder(text) for text in _LOOSE_TEXTS(tree))
    text_divs: list[HtmlElement] = []
    for container in containers:
        if container is None:
            continue
        if any(child.tag in _BLOCK_TAGS for child in container):
            _wrap_runs(container)
        elif container.tag == "div":
            text_divs.append(container)
    siblings = Counter(div.getparent() for div in text_divs)
    section_texts = {div for div in text_divs if _is_section_text(div)}
    if len(section_texts) < rules.SECTION_TEXTS_MIN:
        section_texts.clear()
    in_runs = [
        div for div in text_divs
        if siblings[div.getparent()] + _sentence_paragraphs(div.getparent()) >= rules.PROSE_RUN_MIN_PARAGRAPHS
        or div in section_texts
    ]
    if in_runs:
        paragraphs = {text_key(paragraph.text_content()) for paragraph in tree.iter("p")}
        openings = {div: text_key(div.text_content()) for div in in_runs}
        repeated = Counter(openings.values())
        for div, opening in openings.items():
            if repeated[opening] == 1 and opening not in paragraphs:
                div.tag = "p"


def _is_section_text(div: HtmlElement) -> bool:
    """A sentence-long text div right after a section heading (itself or in a wrapper of its own), or
    after a bold label alone in its element (a question over its answer)."""
    previous = div.getprevious()
    if previous is None or len(div.text_content()) <= rules.LOOSE_SENTENCE_MIN_CHARS:
        return False
    if _is_bold_label(previous):
        return True
    if previous.tag not in rules.SUBHEADING_TAGS and len(previous) == 1 and not (previous.text or "").strip():
        previous = previous[0]
    return previous.tag in rules.SUBHEADING_TAGS


def _is_bold_label(element: HtmlElement) -> bool:
    """An element holding bold text alone ("<div><strong>Question?</strong></div>"): a heading but for
    its tag."""
    if len(element) != 1 or (element.text or "").strip():
        return False
    return element[0].tag in rules.BOLD_TAGS and not (element[0].tail or "").strip()


def _holder(text: _ElementUnicodeResult) -> HtmlElement | None:
    """The element whose child the text node is (the parent of the element it is the tail of)."""
    owner: HtmlElement = text.getparent()
    return owner.getparent() if text.is_tail else owner


def _sentence_paragraphs(parent: HtmlElement) -> int:
    return sum(
        1 for child in parent if child.tag == "p" and len(child.text_content()) > rules.LOOSE_SENTENCE_MIN_CHARS
    )


def _wrap_runs(container: HtmlElement) -> None:
    """Wrap in a <p> each run of text and inline elements between the container's blocks and blank lines,
    when one of them is sentence-long: none is left out beside the new paragraphs."""
    runs: list[tuple[HtmlElement | None, str, list[HtmlElement], int]] = []
    before: HtmlElement | None = None
    text, inline = container.text or "", list[HtmlElement]()
    for child in [*container, None]:
        if child is not None and child.tag not in _BLOCK_TAGS and not is_blank_line(child, "br"):
            inline.append(child)
            continue
        run_text = text + "".join(element.text_content() + (element.tail or "") for element in inline)
        if run_text.strip():
            runs.append((before, text, inline, len(" ".join(run_text.split()))))
        if child is not None:
            before, text, inline = child, child.tail or "", []
    if all(length <= rules.LOOSE_SENTENCE_MIN_CHARS for *_, length in runs):
        return
    for before, text, inline, _ in runs:
        paragraph = container.makeelement("p")
        paragraph.text = text
        if before is None:
            container.text = None
            container.insert(0, paragraph)
        else:
            before.tail = None
            before.addnext(paragraph)
        paragraph.extend(inline)


def _quote_figures(tree: HtmlElement) -> list[HtmlElement]:
    """Figures holding a quotation (an expert's words set apart): trafilatura deletes every figure but
    those holding a table."""
    return [figure for figure in tree.iter("figure") if figure.find(".//blockquote") is not None]


def _join_split_bodies(tree: HtmlElement) -> None:
    """An article body cut into sibling chunks of the same tag and class with ad rows between them:
    the paragraphs of the later chunks are moved after the first chunk's, into the same container,
    so that trafilatura, which takes one container, takes them all."""
    long_paragraphs = Counter(p.getparent() for p in tree.iter("p") if len(p.text_content()) > _LONG_PARAGRAPH_CHARS)
    for container, count in long_paragraphs.items():
        if container is None or count < rules.SPLIT_BODY_MIN_PARAGRAPHS:
            continue
        chunk, path = container, list[tuple[str, str]]()
        for _ in range(rules.SPLIT_BODY_MAX_DEPTH):
            path.insert(0, _shape(chunk))
            chunk = chunk.getparent()
            if chunk is None or chunk.tag in ("body", "html"):
                break
            if _append_later_chunks(chunk, path[1:], container):
                break


def _append_later_chunks(chunk: HtmlElement, path: list[tuple[str, str]], container: HtmlElement) -> bool:
    """Move into `container` the paragraphs of `chunk`'s later look-alike siblings (found at the same
    `path` inside them), each after an ad-sized element or more (an ad row, or a section heading's
    wrapper: its heading moves along, before them); whether any moved."""
    moved, gap, headings = False, False, list[HtmlElement]()
    sibling = chunk.getnext()
    while sibling is not None:
        following = sibling.getnext()
        if _shape(sibling) == _shape(chunk) and (target := _follow(sibling, path)) is not None:
            if not gap or _long_paragraphs(target) < rules.SPLIT_BODY_MIN_PARAGRAPHS:
                break
            container.extend([*headings, *target])
            sibling.drop_tree()
            moved, gap, headings = True, False, []
        elif _at_most_words(sibling.text_content(), rules.SPLIT_BODY_GAP_MAX_WORDS):
            gap = True
            headings.extend(sibling.iter(*rules.SUBHEADING_TAGS))
        else:
            break
        sibling = following
    return moved


def _shape(element: HtmlElement) -> tuple[str, str]:
    return element.tag, element.get("class", "")


def _follow(element: HtmlElement, path: list[tuple[str, str]]) -> HtmlElement | None:
    """The descendant reached by taking, level by level, the first child of each (tag, class) in `path`."""
    node: HtmlElement | None = element
    for shape in path:
        node = next((child for child in node if _shape(child) == shape), None) if node is not None else None
    return node


_HOLDS_CONTENT = f"[.//table or count(.//p | .//li) >= {rules.CONTENT_BOX_MIN_PARAGRAPHS}]"
_MASKED_BOXES = XPath(
    "//@class[contains(., 'mbed') or contains(., 'accordion')]"
    "/parent::*[self::div or self::section or self::span or self::p]"
    f"{_HOLDS_CONTENT} | //details[@class][.//table or .//p] | //p[contains(@class, 'mbed')]"
)
_ONE_PASSAGE_BOXES = ("details", "p")


def _content_boxes(tree: HtmlElement) -> list[HtmlElement]:
    """Visible embeds, accordions and collapsible boxes holding a table or paragraphs, and paragraphs
    whose class says embed (a styled pull quote or callout, never a social post itself): content that
    trafilatura would discard for a class token such as "embed", "expandable" or an accordion's
    "…-icon-style-arrow" (not a social post, not a shop card)."""
    return [box for box in _MASKED_BOXES(tree) if _is_content_box(box)]


def _is_content_box(box: HtmlElement) -> bool:
    if rules.HIDDEN_CLASS_TOKEN_RE.search(box.get("class", "")):
        return False
    if any(rules.COMMERCE_BOX_RE.search(value) for value in box.attrib.values()):
        return False
    if box.find(".//table") is not None:
        return True
    one_passage = box.tag in _ONE_PASSAGE_BOXES
    minimum = rules.ONE_PASSAGE_BOX_MIN_PARAGRAPHS if one_passage else rules.CONTENT_BOX_MIN_PARAGRAPHS
    return _long_passages(box) >= minimum


_COLLAPSED_PANELS = XPath(
    "//@class[contains(., 'accordion') or contains(., 'collaps')][contains(., 'hidden') or contains(., 'collapsed')]"
    "/parent::*[.//p or .//li or .//table]"
    " | //@style[contains(translate(., ' ', ''), 'display:none')]"
    "/parent::*[contains(@class, 'accordion') or contains(@class, 'collaps')][.//p or .//li or .//table]"
    " | //@aria-hidden[. = 'true']"
    "/parent::*[preceding-sibling::*[1][self::h2 or self::h3 or self::h4 or self::h5 or self::button]]"
)
"""Collapsed accordion panels, and elements hidden from screen readers right after a heading or button
(the answer a reader opens under its question, in an accordion that no class names), in one pass."""


_HIDING_STYLE_RE = re.compile(r"display\s*:\s*none", re.IGNORECASE)


def _is_collapsed_panel(panel: HtmlElement) -> bool:
    """A panel of the first kind; one of the second kind is shown when it holds a long passage."""
    names = panel.get("class", "")
    hidden = "hidden" in names or "collapsed" in names or _HIDING_STYLE_RE.search(panel.get("style", "")) is not None
    return ("accordion" in names or "collaps" in names) and hidden


def _show(panel: HtmlElement) -> None:
    """A collapsed panel (an accordion step the reader opens) shown: trafilatura drops hidden elements."""
    panel.set("class", " ".join(t for t in panel.get("class", "").split() if "hidden" not in t and t != "collapsed"))
    for name in ("hidden", "aria-hidden"):
        panel.attrib.pop(name, None)
    if _HIDING_STYLE_RE.search(panel.get("style", "")):
        del panel.attrib["style"]


_FAQ_BOX_TAGS = ("div", "section", "article", "dl", "ul")


def _faq_boxes(tree: HtmlElement) -> list[HtmlElement]:
    """The outermost containers named as questions and answers ("faq", "FaqSection")."""
    boxes = [element for element in tree.iter(*_FAQ_BOX_TAGS) if _is_faq_named(element)]
    return _outermost(boxes, set(boxes))


def _is_faq_named(element: HtmlElement) -> bool:
    return any("faq" in value.lower() for value in (element.get("class"), element.get("id")) if value)


def _masked_within(box: HtmlElement) -> list[HtmlElement]:
    """What the box holds that trafilatura's discard rules would remove (an answer panel collapsed by a
    style, an "expanded" toggle's class): parts of the answers. Not the box: one named as boilerplate
    ("sidebar-faq") is the site's, not the article's."""
    return list(dict.fromkeys(element for xpath in _MASKING_XPATHS for element in xpath(box)))


def _by_tag(tree: HtmlElement, tags: tuple[str, ...]) -> dict[str, list[HtmlElement]]:
    """The page's elements of these tags, in document order, gathered in one walk for several rules."""
    found: dict[str, list[HtmlElement]] = {tag: [] for tag in tags}
    for element in tree.iter(*tags):
        found[element.tag].append(element)
    return found


def _page_wrappers(tree: HtmlElement, candidates: list[HtmlElement]) -> list[HtmlElement]:
    """Boilerplate elements (aside, nav, header, footer among the candidates) that hold nearly all of
    the page's paragraph text: left unclosed in the markup, they swallowed the article, which must not
    go with them; they become plain divs."""
    sizes = [(element, paragraph_words(element)) for element in candidates]
    large = [(element, words) for element, words in sizes if words >= rules.SWALLOWED_MIN_WORDS]
    if not large:
        return []
    page_words = paragraph_words(tree)
    return [element for element, words in large if words >= rules.SWALLOWED_SHARE * page_words]


def _story_asides(asides: list[HtmlElement]) -> list[HtmlElement]:
    """Asides set among the story's paragraphs (two long paragraphs beside them) that hold a long
    paragraph themselves: a side note of the story, which trafilatura removes with every aside; not a
    sidebar (by its class), nor one already made a div as a page wrapper."""
    return [
        aside for aside in asides
        if aside.tag == "aside" and "sidebar" not in aside.get("class", "").lower()
        and _long_paragraphs(aside)
        and _long_sibling_paragraphs(aside) >= rules.STORY_ASIDE_MIN_SIBLING_PARAGRAPHS
    ]


def _introduced_link_lists(lists: list[HtmlElement]) -> list[HtmlElement]:
    """Lists of links that the paragraph before them introduces with a colon ("These patches were merged
    upstream:"), not as related articles: trafilatura deletes a short list made of links, these are
    the story's (its links are unwrapped; the page's link texts were read before)."""
    return [listed for listed in lists if _is_introduced(listed) and _items_are_links(listed)]


def _is_introduced(listed: HtmlElement) -> bool:
    before = listed.getprevious()
    return before is not None and before.tag == "p" and rules.introduces_list(before.text_content())


def _items_are_links(listed: HtmlElement) -> bool:
    items = list(listed.iterchildren("li"))
    return bool(items) and all(
        len(" ".join(a.text_content() for a in item.iter("a")).strip())
        >= rules.LINKED_ITEM_SHARE * len(item.text_content().strip())
        for item in items
    )


def _long_sibling_paragraphs(element: HtmlElement) -> int:
    parent = element.getparent()
    return 0 if parent is None else _count_long(parent.iterchildren("p"))


_HEADINGS = ("h1", *rules.SUBHEADING_TAGS)
_SLUG_WORD_RE = re.compile(r"[a-z0-9]+")


def _unname_heading_anchors(tree: HtmlElement) -> None:
    """Remove the ids and class tokens that spell out a long heading ("how-to-share-your-screen-on-a-call")
    from the heading's near ancestors: a CMS anchor made from the heading, which trafilatura would take
    for a boilerplate name when a word of the heading is one ("share", "menu", "related")."""
    for heading in tree.iter(*_HEADINGS):
        words = _SLUG_WORD_RE.findall(heading.text_content().lower())
        if len(words) < rules.HEADING_SLUG_MIN_WORDS:
            continue
        slug = "-".join(words)
        for ancestor in islice(heading.iterancestors(), rules.HEADING_ANCHOR_MAX_DEPTH):
            if ancestor.get("id") == slug:
                del ancestor.attrib["id"]
            tokens = ancestor.get("class", "").split()
            if slug in tokens:
                ancestor.set("class", " ".join(token for token in tokens if token != slug))


_MASKING_XPATHS = (*OVERALL_DISCARD_XPATH, *TEASER_DISCARD_XPATH)
_MASKING_ATTRIBUTES = ("class", "id", "style", "role", "aria-hidden")


def masked_article(tree: HtmlElement, page_paragraph_words: int) -> tuple[list[HtmlElement], int]:
    """Containers that trafilatura's discard rules would remove (boilerplate class or id tokens, hidden)
    and that hold long paragraphs, with the paragraph words of the outermost ones, when these hold most
    of the page's paragraph text: the article itself may be so marked up (a listicle's "slides",
    collapsed accordion steps, a "footer" class left open around the body, a "commentOnSelection"
    feature's box)."""
    matched = {element for xpath in _MASKING_XPATHS for element in xpath(tree)} | _comment_named_boxes(tree)
    holding = [element for element in matched if _long_paragraphs(element)]
    masked = sum(paragraph_words(box) for box in _outermost(holding, matched))
    if masked < rules.SWALLOWED_MIN_WORDS or masked < rules.MASKED_ARTICLE_SHARE * page_paragraph_words:
        return [], 0
    return holding, masked


def _comment_named_boxes(tree: HtmlElement) -> set[HtmlElement]:
    """Containers that trafilatura removes as comment sections, when comments are left out, by a class or
    id starting with "comment", and that hold no other such container: a comment thread marks each
    comment too, a page feature ("commentOnSelection") around the article marks one box."""
    named = {element for xpath in REMOVE_COMMENTS_AND_LISTS_XPATH for element in xpath(tree)}
    threads = {ancestor for element in named for ancestor in element.iterancestors() if ancestor in named}
    return {box for box in named - threads if not any(ancestor in threads for ancestor in box.iterancestors())}


def unmask(box: HtmlElement) -> dict[str, str]:
    """Remove the attributes that mark the box as boilerplate; return them, to put back."""
    return {name: box.attrib.pop(name) for name in _MASKING_ATTRIBUTES if name in box.attrib}


UNSEEN_TAGS = (
    "nav", "footer", "menu", "dialog", "button", "label", "input", "select", "option", "textarea", "datalist",
    "noscript", "iframe", "embed", "object", "canvas", "video", "audio", "map",
)


def drop_unseen(tree: HtmlElement) -> None:
    """Remove the menus, footers, form controls and embedded players that trafilatura removes before it
    looks for the article, once, instead of in each of the copies it makes of the tree for each
    extraction. Not fieldsets, forms, figures or asides: its fallback extractors (readability, jusText),
    which read the tree as it was given, find articles set in them."""
    for element in list(tree.iter(*UNSEEN_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()


def paragraph_words(node: HtmlElement) -> int:
    """Words in the <p> elements under the node."""
    return sum(len(p.text_content().split()) for p in node.iter("p"))


def _drop(element: HtmlElement) -> None:
    if element.getparent() is not None:
        element.drop_tree()


_FOLDED_BUTTON_LABELS = frozenset(map(fold, (*rules.CTA_LABELS, *rules.READ_MORE_BUTTON_LABELS)))


def _prompt_widgets(tree: HtmlElement, link_texts: frozenset[str]) -> list[HtmlElement]:
    """Widgets around a short call to action ("Download our app") or a call-to-action button or link
    ("Get a quote"), and the boxes of "Read more" links unless they hold a large share of the page's
    paragraph text (then they are the article: a roundup of linked items); found before any is removed.
    Links are looked at only when one of the page's link texts is such a label."""
    with_links = not link_texts.isdisjoint(_FOLDED_BUTTON_LABELS)
    widgets: list[HtmlElement] = []
    teasers: list[HtmlElement] = []
    for element in tree.iter(*PROMPT_ELEMENT_TAGS, *(("a",) if with_links else ())):
        text = element.text_content()
        label = _button_label(text) if element.tag in ("a", "button") else None
        if label == "more":
            found = teasers
        elif label == "cta" or (element.tag != "a" and _is_prompt_text(text)):
            found = widgets
        else:
            continue
        if (widget := _enclosing_widget(element)) is not None:
            found.append(widget)
    boxes = list(dict.fromkeys(teasers))
    boxed_words = sum(len(box.text_content().split()) for box in boxes)
    if boxes and boxed_words < rules.READ_MORE_BOXES_MAX_SHARE * paragraph_words(tree):
        widgets.extend(boxes)
    return widgets


def _button_label(text: str) -> str | None:
    """"cta" for a call-to-action button's whole label ("Get a quote →"), "more" for a "Read more"."""
    label = text.strip()
    matched = rules.BUTTON_LABEL_RE.match(label) if len(label) <= rules.CTA_LABEL_MAX_CHARS else None
    return matched.lastgroup if matched else None


def _is_prompt_text(text: str) -> bool:
    return _at_most_words(text, rules.PROMPT_TRIGGER_MAX_WORDS) and rules.is_prompt(text)


_SWITCHES = XPath(
    "//input[@type = 'checkbox' or @type = 'radio'][@role = 'switch' or contains(@class, 'toggle') or "
    "contains(@id, 'toggle') or contains(@class, 'switch') or ancestor::label[contains(@class, 'switch')]]"
)
_SWITCH_HOLDER_TAGS = frozenset({"div", "section", "form", "fieldset", "ul"})


def _toggle_panels(tree: HtmlElement) -> list[HtmlElement]:
    """The outermost containers of TOGGLE_PANEL_MIN_CONTROLS on/off switches or more with their labels (a
    settings or tools panel): few words per switch and no more than PRUNE_MAX_LONG_PARAGRAPHS long
    paragraphs, not an article that they sit in. Plain checkboxes are left alone: a checklist or a
    recipe's ingredients have them."""
    switches = _SWITCHES(tree)
    if len(switches) < rules.TOGGLE_PANEL_MIN_CONTROLS:
        return []
    holding = Counter(
        holder for switch in switches for holder in switch.iterancestors() if holder.tag in _SWITCH_HOLDER_TAGS
    )
    panels = [holder for holder, controls in holding.items() if _is_switch_panel(holder, controls)]
    return _outermost(panels, set(panels))


def _is_switch_panel(holder: HtmlElement, controls: int) -> bool:
    if controls < rules.TOGGLE_PANEL_MIN_CONTROLS:
        return False
    dense = _at_most_words(holder.text_content(), controls * rules.TOGGLE_PANEL_MAX_WORDS_PER_CONTROL)
    return dense and _long_paragraphs(holder) <= rules.PRUNE_MAX_LONG_PARAGRAPHS


_DIALOGS = XPath("(//@role[. = 'dialog' or . = 'alertdialog'] | //@aria-modal[. = 'true'])/parent::*")


def _dialogs(tree: HtmlElement) -> list[HtmlElement]:
    """Elements marked as dialogs (a <div role="dialog">, as a <dialog> is) that hold long paragraphs: boxes
    a script opens over the page (a "Republish this story" guide with its copy of the story, a sign-up or
    settings form), not the article, unless one holds most of the page's paragraph text. A dialog of a
    line or two (a popover, a cookie notice) is left to the block rules."""
    dialogs = [dialog for dialog in _DIALOGS(tree) if _long_paragraphs(dialog) >= rules.DIALOG_MIN_LONG_PARAGRAPHS]
    if not dialogs:
        return []
    page_words = paragraph_words(tree)
    return [dialog for dialog in dialogs if paragraph_words(dialog) < rules.DIALOG_MAX_SHARE * page_words]


def _at_most_words(text: str, limit: int) -> bool:
    """len(text.split()) <= limit, without splitting all of a long text."""
    return len(text.split(maxsplit=limit)) <= limit


def _enclosing_widget(element: HtmlElement) -> HtmlElement | None:
    """The largest small container around the element: few words and no more than one real paragraph."""
    widget = None
    node = element.getparent()
    while node is not None and node.tag in rules.WIDGET_TAGS and _is_small(node):
        widget = node
        node = node.getparent()
    return widget


def _is_small(node: HtmlElement) -> bool:
    if not _at_most_words(node.text_content(), rules.WIDGET_MAX_WORDS):
        return False
    return _long_paragraphs(node) <= 1


def _long_passages(node: HtmlElement) -> int:
    """Long paragraphs and list items: a box's prose, whether written as paragraphs or as a list."""
    return _count_long(node.iter("p", "li"))


def _long_paragraphs(node: HtmlElement) -> int:
    return _count_long(node.iter("p"))


def _count_long(elements: Iterable[HtmlElement]) -> int:
    """How many of the elements hold more than LONG_PARAGRAPH_WORDS words."""
    return sum(1 for element in elements if not _at_most_words(element.text_content(), LONG_PARAGRAPH_WORDS))
