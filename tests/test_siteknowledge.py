"""Site knowledge: what recurs on a host's pages is learned and then removed from its later pages."""

from __future__ import annotations

from newsclean.extraction import Rejection, SiteProfile, extract
from newsclean.extraction.blocks import fold
from newsclean.page import analyse_page
from newsclean.record import ArticleRecord
from newsclean.siteknowledge import KnowledgeThresholds, SiteKnowledge

HOST = "courier.example"
APPEAL = "The Courier is funded by its readers, and every contribution keeps local reporting alive."
STORIES = {
    f"https://{HOST}/2026/11/story-{n}.html": [
        f"Story {n} opens with the council's decision on item {n}, taken after a long debate in the town hall on Monday evening.",
        f"Residents of ward {n} had asked for the change for years, and several of them spoke at the meeting before the vote.",
        f"The measure for ward {n} takes effect in spring, once the budget for the coming year has been approved in full.",
    ]
    for n in range(1, 7)
}


def page(url: str, teaser_of: str) -> str:
    """An obfuscated article page: its paragraphs, the appeal, and a teaser of another story."""
    body = "".join(f'<div class="c-9f2"><p class="css-1x8">{p}</p></div>' for p in STORIES[url])
    teaser = STORIES[teaser_of][0]
    return (
        f'<html lang="en"><head><title>Story</title><meta property="og:type" content="article"></head><body>'
        f'<div class="css-a1"><div class="css-b2"><h1 class="css-h">Council story</h1>{body}'
        f'<div class="c-77"><p class="css-1x8">{APPEAL}</p></div>'
        f'<div class="c-88"><p class="css-1x8">{teaser}</p></div>'
        f"</div></div></body></html>"
    )


def learned_knowledge(urls: list[str]) -> SiteKnowledge:
    knowledge = SiteKnowledge(KnowledgeThresholds(min_pages=3, min_share=0.3))
    others = list(STORIES)
    for index, url in enumerate(urls):
        analysis = analyse_page(page(url, others[index - 1]), url)
        assert isinstance(analysis.outcome, ArticleRecord)
        knowledge.observe(HOST, analysis.block_keys, url, analysis.outcome.text)
    return knowledge


def test_single_page_rules_alone_keep_the_appeal_and_the_teaser() -> None:
    urls = list(STORIES)
    record = extract(page(urls[5], teaser_of=urls[0]), urls[5])
    assert isinstance(record, ArticleRecord)
    assert APPEAL in record.text and STORIES[urls[0]][0] in record.text


def test_later_pages_come_out_clean_once_the_host_is_known() -> None:
    urls = list(STORIES)
    knowledge = learned_knowledge(urls[:4])
    record = extract(page(urls[5], teaser_of=urls[0]), urls[5], knowledge.profile(HOST))
    assert isinstance(record, ArticleRecord)
    assert APPEAL not in record.text
    assert STORIES[urls[0]][0] not in record.text
    assert record.text.split("\n\n") == STORIES[urls[5]]


def test_an_article_keeps_its_own_opening() -> None:
    urls = list(STORIES)
    knowledge = learned_knowledge(urls[:4])
    record = extract(page(urls[1], teaser_of=urls[2]), urls[1], knowledge.profile(HOST))
    assert isinstance(record, ArticleRecord)
    assert record.text.startswith(STORIES[urls[1]][0])


def test_knowledge_never_deletes_a_whole_body() -> None:
    url = list(STORIES)[0]
    profile = SiteProfile(boilerplate=frozenset(fold(p) for p in STORIES[url] + [APPEAL]))
    outcome = extract(page(url, teaser_of=url), url, profile)
    assert not isinstance(outcome, Rejection)
    assert STORIES[url][0] in outcome.text


def test_a_block_needs_enough_pages_to_count() -> None:
    profile = learned_knowledge(list(STORIES)[:2]).profile(HOST)
    assert profile is not None and not profile.boilerplate


def test_a_host_keeps_the_openings_of_its_most_recent_articles() -> None:
    """Teasers are matched against recent articles; memory stays bounded however many a host has."""
    knowledge = SiteKnowledge(KnowledgeThresholds(max_openings=2))
    urls = list(STORIES)
    for url in urls:
        knowledge.observe(HOST, [], url, " ".join(STORIES[url]))
    openings = knowledge.hosts[HOST].openings
    assert 2 <= len(openings) <= 4
    assert list(openings.values())[-2:] == urls[-2:]
    profile = knowledge.profile(HOST)
    assert profile is not None and len(profile.openings) == 2
