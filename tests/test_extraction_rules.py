"""Block and page-type rules of the extraction, on small pages built for each behaviour."""

from __future__ import annotations

from newsclean.extraction import Rejection, RejectionReason, extract
from newsclean.record import ArticleRecord

PARAGRAPHS = [
    "The harbour board voted on Tuesday to extend the night ferry to the northern islands for another year.",
    "Ferry operators said the late crossings carried more than forty thousand passengers since the spring trial began.",
    "Island councils had asked for the extension after shops and clinics reported more visitors in the evenings.",
    "The board will review the timetable again next autumn, when the new terminal at the north quay opens.",
]


def _page(body: str, *, head: str = "", title: str = "Night ferry to the islands extended") -> str:
    return (
        f"<html lang='en'><head><title>{title}</title>"
        "<meta property='og:type' content='article'>"
        "<meta property='article:published_time' content='2026-03-02T08:00:00Z'>"
        f"{head}</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def _paragraphs(*extra: str) -> str:
    return "".join(f"<p>{text}</p>" for text in [*PARAGRAPHS, *extra])


def _record(html: str, url: str = "https://islandpost.example/news/2026/03/02/night-ferry-extended") -> ArticleRecord:
    record = extract(html, url)
    assert isinstance(record, ArticleRecord), f"rejected: {record}"
    return record


def test_wire_credits_and_contact_lines_closing_the_story_are_dropped() -> None:
    record = _record(_page(_paragraphs(
        "Reporting by Ann Example; Editing by Bo Sample",
        "ann.example@islandpost.example",
    )))
    assert PARAGRAPHS[-1] in record.text
    assert "Reporting by" not in record.text
    assert "@islandpost.example" not in record.text


def test_a_credit_line_inside_the_story_is_kept() -> None:
    inner = "Reporting by the harbour board showed that the crossings were rarely late during the trial."
    record = _record(_page("".join(f"<p>{t}</p>" for t in [PARAGRAPHS[0], inner, *PARAGRAPHS[1:]])))
    assert inner in record.text


def test_company_boilerplate_closing_a_press_release_is_dropped() -> None:
    boilerplate = "Northwind Ferries is a leading operator of passenger and freight routes across the northern isles."
    record = _record(_page(_paragraphs(boilerplate)))
    assert "leading operator" not in record.text


def test_bullet_separated_spec_lines_are_kept_while_link_rows_go() -> None:
    spec = "Capacity 300 passengers • Speed 28 knots • Crossing 45 minutes"
    links = "<p><a href='/'>Home</a> | <a href='/news'>News</a> | <a href='/sport'>Sport</a> | <a href='/contact'>Contact</a></p>"
    record = _record(_page(_paragraphs(spec, *PARAGRAPHS) + links))
    assert spec in record.text
    assert "Home | News" not in record.text


def test_a_standfirst_heading_repeating_the_description_is_dropped() -> None:
    standfirst = "Late crossings stay for another year after a busy trial season on the northern routes"
    head = f"<meta name='description' content='{standfirst}.'>"
    record = _record(_page(f"<h2>{standfirst}</h2>" + _paragraphs(), head=head))
    assert standfirst not in record.text
    assert record.text.startswith(PARAGRAPHS[0])


def test_a_page_without_url_is_not_taken_for_a_home_page() -> None:
    undeclared = _page(_paragraphs()).replace("<meta property='og:type' content='article'>", "")
    record = extract(undeclared, "")
    assert isinstance(record, ArticleRecord)


def test_an_undated_page_under_a_headline_slug_is_kept_when_its_body_is_not_short() -> None:
    undeclared = (
        "<html lang='en'><head><title>How ferry timetables are planned</title></head><body><main>"
        + "".join(f"<p>{text}</p>" for text in PARAGRAPHS * 2)
        + "</main></body></html>"
    )
    assert isinstance(extract(undeclared, "https://islandpost.example/guides/how-ferry-timetables-are-planned"), ArticleRecord)
    short_path = extract(undeclared, "https://islandpost.example/guides/timetables")
    assert isinstance(short_path, Rejection) and short_path.reason is RejectionReason.NO_ARTICLE_SIGNALS
