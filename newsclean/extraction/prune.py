"""Tree pruning before trafilatura: noise containers by class/id tokens, and small prompt widgets."""

from __future__ import annotations

import re

from lxml.etree import XPath
from lxml.html import HtmlElement

from newsclean.extraction import rules

PROMPT_ELEMENT_TAGS = ("p", "h2", "h3", "h4", "h5", "h6", "label", "button", "strong")
LONG_PARAGRAPH_WORDS = 20


def prune_noise(tree: HtmlElement) -> None:
    """Remove, in place, what never holds article text."""
    noise = [element for element in _NOISE_CANDIDATES(tree) if _is_noise(element)]
    for element in noise:
        if _long_paragraphs(element) <= rules.PRUNE_MAX_LONG_PARAGRAPHS:
            _drop(element)
    for widget in _prompt_widgets(tree):
        _drop(widget)
    for card in _hover_cards(tree):
        _drop(card)


_NOISE_CANDIDATES = XPath(
    "//*[@class or @id or " + " or ".join(f"self::{tag}" for tag in rules.NOISE_TAGS) + " or self::img[@alt]]"
)
_NOISE_ATTRIBUTE_RE = re.compile(rf"(?:^|\s)(?:{rules.NOISE_TOKEN_RE.pattern})")


def _is_noise(element: HtmlElement) -> bool:
    """A noise class/id token, a caption, or an ad placeholder image."""
    tag = element.tag
    if tag in rules.NOISE_TAGS:
        return True
    if tag == "img":
        return bool(rules.PLACEHOLDER_ALT_RE.match(element.get("alt", "")))
    if _NOISE_ATTRIBUTE_RE.search(element.get("class", "").lower()):
        return True
    return bool(rules.NOISE_TOKEN_RE.match(element.get("id", "").lower()))


_HOVER_CARDS = XPath(
    f"//p//span[.//img][count(.//a) >= {rules.HOVER_CARD_MIN_LINKS}]"
    f"[not(.//span[.//img][count(.//a) >= {rules.HOVER_CARD_MIN_LINKS}])]"
)


def _hover_cards(tree: HtmlElement) -> list[HtmlElement]:
    """Cards that pop up over a name linked in a paragraph: a picture and links to other articles,
    inline in the paragraph's markup (the innermost such span)."""
    return list(_HOVER_CARDS(tree))


def _drop(element: HtmlElement) -> None:
    if element.getparent() is not None:
        element.drop_tree()


def _prompt_widgets(tree: HtmlElement) -> list[HtmlElement]:
    """Widgets around a short call to action ("Download our app"), found before any is removed."""
    widgets = []
    for element in tree.iter(*PROMPT_ELEMENT_TAGS):
        text = element.text_content()
        if _at_most_words(text, rules.PROMPT_TRIGGER_MAX_WORDS) and rules.is_prompt(text):
            widget = _enclosing_widget(element)
            if widget is not None:
                widgets.append(widget)
    return widgets


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


def _long_paragraphs(node: HtmlElement) -> int:
    return sum(1 for p in node.iter("p") if not _at_most_words(p.text_content(), LONG_PARAGRAPH_WORDS))
