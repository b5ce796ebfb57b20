"""Block and page-type rules of the extraction, on small pages built for each behaviour."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsclean.extraction import Rejection, RejectionReason, extract
from newsclean.extraction.core import parse_html
from newsclean.record import ArticleRecord

FIXTURE_PAGES = Path(__file__).parent / "fixtures" / "pages"

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


def test_a_staff_line_with_its_publication_closing_the_story_is_dropped_but_not_a_sentence() -> None:
    record = _record(_page(_paragraphs("Ann Example, Executive Editor, Island Health Watch")))
    assert record.text.endswith(PARAGRAPHS[-1])
    sentence = "Bo Sample, a former editor, said the crossings were the busiest since the war."
    assert _record(_page(_paragraphs(sentence))).text.endswith(sentence)


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


def test_text_left_loose_after_headings_is_kept_but_lone_button_words_are_not() -> None:
    body = "".join(f"<h2>Crossing {number}</h2>{text}" for number, text in enumerate(PARAGRAPHS, 1))
    record = _record(_page(body + "<h2>Route map</h2>(Up)"))
    for text in PARAGRAPHS:
        assert text in record.text
    assert "(Up)" not in record.text


def test_reading_time_and_written_out_date_lines_above_the_body_are_dropped() -> None:
    for line in ("Tempo de leitura: 1 minuto", "Lesezeit: 4 Minuten", "sexta-feira, 22 de outubro de 2010 às 20:13",
                 "Friday, 22 October 2010 at 20:13"):
        record = _record(_page(f"<p>{line}</p>" + _paragraphs()))
        assert record.text.startswith(PARAGRAPHS[0]), line


def test_a_long_review_credit_above_the_body_is_dropped_but_not_one_inside_the_story() -> None:
    credit = (
        "Reviewed by Ann Example, MD, Editor in Chief, Island Health Watch; Editorial Advisory Board Member, "
        "Island Health Publishing; Contributor"
    )
    inside = "Reviewed by the harbour board in March, the timetable kept the late crossings on weekdays."
    record = _record(_page(f"<p>{credit}</p>" + _paragraphs(inside)))
    assert record.text.startswith(PARAGRAPHS[0])
    assert inside in record.text


def test_tag_lines_and_comma_separated_tag_links_are_dropped() -> None:
    tags = ", ".join(f"<a href='/tag/{tag}'>{tag}</a>" for tag in ("ferries", "islands", "harbour", "timetables"))
    record = _record(_page(_paragraphs() + f"<p>{tags}</p><p>Filed under: Transport | Islands</p>"))
    assert record.text.endswith(PARAGRAPHS[-1])
    listed = "The board named four routes: north, east, the quay, and the islands."
    assert listed in _record(_page(_paragraphs(listed))).text


def test_a_related_heading_closing_the_body_and_inline_related_post_links_are_dropped() -> None:
    record = _record(_page(_paragraphs("Related post: Harbour fees rise in spring") + "<h3>You may also like:</h3>"))
    assert record.text.endswith(PARAGRAPHS[-1])


def test_related_post_links_set_in_square_brackets_are_dropped_but_not_a_bracketed_note() -> None:
    note = "[Read more about the vote in the board's minutes, which list every member's reasons for the extension.] Fares stay."
    record = _record(_page(_paragraphs(
        "[Read more: Harbour fees rise in spring]", "[ Also read The north quay terminal opens in May ]", note,
        *LONG_STORY[:2],
    )))
    assert "Harbour fees" not in record.text
    assert "north quay terminal opens" not in record.text
    assert note in record.text


def test_widget_messages_after_the_story_and_a_closing_source_line_are_dropped() -> None:
    record = _record(_page(_paragraphs(
        "Write to Ann Example at ann.example@islandpost.example",
        "An error has occurred, please try again later.",
        "Thank you",
        "This article has been sent to",
    )))
    assert record.text.endswith(PARAGRAPHS[-1])
    assert _record(_page(_paragraphs("SOURCE: Island News Agency"))).text.endswith(PARAGRAPHS[-1])


def test_author_archive_links_and_long_pitches_at_the_ends_of_the_body_are_dropped() -> None:
    pitch = (
        "If you enjoyed this article, we have a proposition for you: become a member. Members get all of our "
        "reporting, the weekly magazine, no paywalls or content meters, an advertising-minimal experience, and "
        "access to our writers and editors on calls."
    )
    record = _record(_page(_paragraphs("Read more posts by Ann Example", pitch)))
    assert record.text.endswith(PARAGRAPHS[-1])


def test_paragraphs_closed_by_a_linked_label_with_an_ellipsis_are_not_taken_for_excerpts() -> None:
    reviews = [
        f"The {name} ferry crossed in under an hour on every trial run this spring. "
        f"<a href='/reviews/{name.lower()}'>Full {name} Review…</a>"
        for name in ("Northwind", "Seaspray", "Islander")
    ]
    record = _record(_page(_paragraphs() + "".join(f"<p>{review}</p>" for review in reviews)))
    assert "Full Seaspray Review" in record.text
    teasers = "".join(
        f"<p>The {name} ferry crossed in under an hour on every trial run this spring and the...</p>"
        for name in ("Northwind", "Seaspray", "Islander")
    )
    assert "Seaspray" not in _record(_page(_paragraphs() + teasers)).text


def test_lists_and_runs_of_headline_links_are_dropped_but_a_table_of_contents_is_kept() -> None:
    links = (
        ("fees", "Harbour fees rise for the spring season"), ("quay", "North quay terminal opens early"),
        ("vote", "Island councils vote on new budget"), ("storm", "Storm closes the western crossing"),
    )
    related = "<ul>" + "".join(f"<li><a href='/news/{slug}'>{text}</a></li>" for slug, text in links) + "</ul>"
    headings = "".join(f"<h3><a href='/news/{slug}'>{text}</a></h3>" for slug, text in links[:2])
    before, after = ("".join(f"<p>{text}</p>" for text in part) for part in (PARAGRAPHS[:2], PARAGRAPHS[2:]))
    for between in (related, headings):
        record = _record(_page(before + between + after))
        assert "Harbour fees rise" not in record.text
        assert PARAGRAPHS[2] in record.text
    sections = (
        "What the harbour board decided on Tuesday", "How many passengers used the late crossings",
        "Why the island councils asked for more", "What happens when the new terminal opens",
    )
    contents = "".join(f"<li><a href='#section-{number}'>{text}</a></li>" for number, text in enumerate(sections))
    toc = f"<p>{PARAGRAPHS[0]}</p><h2>Contents</h2><ul>{contents}</ul>" + "".join(f"<p>{t}</p>" for t in PARAGRAPHS[1:])
    assert sections[1] in _record(_page(toc)).text


def test_a_list_of_links_the_story_introduces_with_a_colon_is_kept_but_not_one_under_a_related_label() -> None:
    links = (
        ("fees", "Harbour fees rise for the spring season"), ("quay", "North quay terminal opens early"),
        ("vote", "Island councils vote on new budget"),
    )
    listed = "<ul>" + "".join(f"<li><a href='/minutes/{slug}'>{text}</a></li>" for slug, text in links) + "</ul>"
    before, after = ("".join(f"<p>{text}</p>" for text in part) for part in (PARAGRAPHS[:2], PARAGRAPHS[2:]))
    introduced = _record(_page(before + "<p>The board also published the minutes of three earlier votes:</p>" + listed + after))
    assert "North quay terminal opens early" in introduced.text
    related = _record(_page(before + "<p>You may also be interested in these stories:</p>" + listed + after))
    assert "North quay terminal opens early" not in related.text


def test_a_short_list_of_links_the_story_introduces_is_kept_though_trafilatura_drops_link_lists() -> None:
    listed = "<ul><li><a href='/minutes/0302'>Minutes of 2 March</a></li><li><a href='/minutes/0309'>Minutes of 9 March</a></li></ul>"
    before, after = ("".join(f"<p>{text}</p>" for text in part) for part in (PARAGRAPHS[:2], PARAGRAPHS[2:]))
    text = _record(_page(before + "<p>The board published the minutes of both votes:</p>" + listed + after)).text
    assert "Minutes of 2 March\nMinutes of 9 March" in text


def test_an_author_bio_closing_the_body_is_dropped_but_not_a_profile_inside_the_story() -> None:
    bio = "Ann Example is a freelance travel writer and editor who has covered island life for a decade."
    record = _record(_page(_paragraphs(bio)))
    assert record.text.endswith(PARAGRAPHS[-1])
    labelled = "About the author: Cy Person is a photographer based on the northern islands. You can find more of his work on his website."
    assert _record(_page(_paragraphs(labelled))).text.endswith(PARAGRAPHS[-1])
    inner = "Bo Sample is a ferry captain who has crossed to the northern islands every night since the trial began."
    assert inner in _record(_page(_paragraphs(inner))).text


def test_calls_to_action_form_messages_and_affiliate_notes_are_dropped() -> None:
    record = _record(_page(
        "<p>This post contains affiliate links that may earn us a commission at no extra cost to you.</p>"
        + _paragraphs(
            "Get the latest ferry news delivered to your inbox.",
            "Thank you! Your submission has been received!",
            "Book a demo to see how our timetable planner can help your harbour.",
            "Subscribe to get the latest posts sent to your email.",
            "This story is funded by readers like you.",
            "Would you like to receive notifications about new posts?",
            "PIN FOR LATER",
            "Next article: Harbour fees rise again Previous article: Winter timetable published",
            "Is this email not displaying correctly? View it in your browser.",
            "Listen to this article in summarized format",
            "Want more island walks? Follow me on Pinterest to see what I'm pinning.",
            "Until next time, stay safe. Follow on social media: TikTok || Instagram || Newsletter",
            "Read our full Northwind Ferries review",
            "Awesome, you're subscribed!",
            "Advertisement - Page continues below",
            "Enjoyed this piece? We need your help to keep publishing: the Island Post is kept alive by reader donations.",
            "Prices were accurate at the time this article was published but may change over time.",
            "Prevent your screen from going dark as you follow along.",
            "Fill out the form to get a copy of our ferry timetable guide.",
        )
    ))
    assert record.text.startswith(PARAGRAPHS[0])
    assert record.text.endswith(PARAGRAPHS[-1])


def test_lone_buttons_and_a_pagers_position_between_paragraphs_are_dropped() -> None:
    first, second, third, fourth = PARAGRAPHS
    labels = (
        "Follow us", "Get a free quote today.", "View Plans Links to Northwind Ferries", "View on Amazon Links to Amazon.com",
        "Email address",
        "Page 1 of 8", "Seite 2 von 8", "Article reviewed by:", "Prefer to watch?", "» You Might Like: Ten islands to visit by night ferry",
    )
    record = _record(_page("".join(f"<p>{text}</p>" for text in (first, *labels[:5], second, third, *labels[5:], fourth))))
    assert record.text.split("\n\n") == PARAGRAPHS
    for closing_label in ("Other Posts:", "More Resources...", "Related articles and links:", "Explore more"):
        assert _record(_page(_paragraphs(closing_label))).text.split("\n\n") == PARAGRAPHS


def test_a_line_of_byline_date_and_reading_time_parts_above_the_body_is_dropped() -> None:
    for line in (
        "Ann Example • Jun 8, 2023 • 11 Minute Read",
        "August 16, 2019 - Updated July 9, 2025",
        "By Ann Example and Bo Sample Monday, March 2, 2026, 08:00 am PT (04:00 pm GMT)",
        "December 15, 2025 // 8 min read",
        "January 17, 2025 8 min read",
        "Ann Example - March 2, 2026",
    ):
        record = _record(_page(f"<p>{line}</p>" + _paragraphs()))
        assert record.text.startswith(PARAGRAPHS[0]), line
    for sections in ("Ferry timetables • Island life • Harbour board meetings", "Ferry timetables - Island life"):
        assert "Island life" in _record(_page(f"<p>{sections}</p>" + _paragraphs())).text


def test_a_list_of_byline_date_and_reading_time_above_the_body_is_dropped_but_not_a_list_of_topics() -> None:
    byline = "<ul><li>Ann Example</li><li>Jan 23</li><li>11 min read</li></ul>"
    assert _record(_page(byline + _paragraphs())).text.startswith(PARAGRAPHS[0])
    topics = "<ul><li>Ferry timetables</li><li>Island life</li><li>Harbour board</li></ul>"
    assert "Island life" in _record(_page(topics + _paragraphs())).text


def test_a_hover_card_inside_a_paragraph_is_dropped_but_the_linked_name_stays() -> None:
    headlines = "".join(
        f"<a href='/news/{slug}'>{text}</a> "
        for slug, text in (("budget", "Councils clash over the island budget"), ("fees", "Harbour fees rise again"))
    )
    card = (
        "<span><span><img src='/img/mayor.jpg' alt=''><a href='/people/mayor'>Mayor Ann Example</a>"
        f"{headlines}<a href='/people/mayor'>MORE</a></span></span>"
    )
    name = "<a href='/people/mayor'>Mayor Ann Example</a>"
    quoted = f"<p>The late crossings were welcomed by {name}{card} on Monday.</p>"
    record = _record(_page(_paragraphs() + quoted))
    assert "welcomed by Mayor Ann Example on Monday" in record.text
    assert "Councils clash" not in record.text


def test_a_caption_closed_by_a_credit_in_brackets_is_dropped_but_not_a_price_line() -> None:
    caption = "The new ferry at the north quay after its first night crossing (credit: Island Post / Ann Example)"
    record = _record(_page(_paragraphs(caption)))
    assert "first night crossing" not in record.text
    price = "Cost per Credit: In-State | $472 Out-of-State | $472"
    assert price in _record(_page(_paragraphs(price))).text


def test_captions_closed_by_a_photo_by_credit_and_credit_lines_are_dropped_but_not_sentences_about_images() -> None:
    captions = [
        "The new ferry at the north quay after its first night crossing. Photo by: 'Ann Example'.",
        "Passengers boarding at dusk | Photo by Bo Sample",
        "Photo by Cy Person on Unsplash",
        "Image from the island guide's October 2024 review.",
        "Passengers wait for the late ferry at the north quay on Friday. (AP Photo/Di Example, File)",
        "The northern islands seen from the space station last spring. (NASA via AP)",
        "The late ferry leaves the north quay.Di Example/Getty Images",
    ]
    sentences = [
        "Images by the harbour webcam showed the quay crowded until midnight on the first evening.",
        "Ferries emit more nitrous oxide per passenger than the buses that meet them (EPA 2024).",
        "The photo by the harbour master, taken at dusk, now hangs in the terminal's waiting room.",
    ]
    text = _record(_page(_paragraphs(*captions, *sentences))).text
    for caption in captions:
        assert caption not in text
    for sentence in sentences:
        assert sentence in text


def test_time_and_byline_lines_above_the_body_and_closing_dateline_and_more_links_are_dropped() -> None:
    for top in ("<p>5:45 AM PST 11/19/2019 by Ann Example</p>", "<ul><li>Published 18 November 2019</li></ul>"):
        assert _record(_page(top + _paragraphs())).text.startswith(PARAGRAPHS[0]), top
    record = _record(_page(_paragraphs("More island news: https://islandpost.example/news", "Updated at 1:23 p.m.")))
    assert record.text.endswith(PARAGRAPHS[-1])
    live = _record(_page("<p>10 p.m.</p>" + _paragraphs()))
    assert live.text.startswith("10 p.m.")


def test_a_long_row_of_headline_links_between_paragraphs_is_dropped() -> None:
    headlines = " ".join(
        f"<a href='/news/{number}'>{text}</a> [VIDEO]"
        for number, text in enumerate((
            "Harbour board approves the night ferry for another full year of crossings",
            "Island councils report more evening visitors to shops and clinics this spring",
            "New terminal at the north quay will open next autumn after delays",
        ))
    )
    before, after = ("".join(f"<p>{text}</p>" for text in part) for part in (PARAGRAPHS[:2], PARAGRAPHS[2:]))
    record = _record(_page(before + f"<p>{headlines}</p>" + after))
    assert "Harbour board approves" not in record.text


def test_newsletter_and_latest_news_boxes_are_pruned_whatever_the_case_of_their_class() -> None:
    newsletter = (
        "<section class='Newsletter-container'><h3>Island Briefing</h3>"
        "<h4>Get the day's big harbour stories and the ferry timetable every morning.</h4></section>"
    )
    latest = (
        "<ul class='Latest-News-row'><li><h3><a href='/news/fees'>Harbour fees rise for spring</a></h3>"
        "<h4>Operators say costs went up sharply this year</h4></li></ul>"
    )
    record = _record(_page(_paragraphs() + newsletter + latest))
    assert record.text.endswith(PARAGRAPHS[-1])


def test_call_to_action_boxes_are_pruned_by_a_cta_part_of_their_class_or_id_but_not_a_word_holding_it() -> None:
    pitch = "Planning a trip to the islands this summer? Our travel desk books ferries and cottages in one call."
    boxes = (
        f"<div class='post-cta-wrapper'><h3>Plan your island summer</h3><p>{pitch}</p></div>"
        "<div class='et_pb_module et_pb_cta_0'><p>Compare ferry passes and save on every crossing this year.</p></div>"
        "<div id='inline_cta'><p>Join thousands of island travellers who book their crossings with us.</p></div>"
    )
    rest = "".join(f"<p>{text}</p>" for text in PARAGRAPHS[1:])
    record = _record(_page(f"<p>{PARAGRAPHS[0]}</p>{boxes}{rest}"))
    assert PARAGRAPHS[0] in record.text and record.text.endswith(PARAGRAPHS[-1])
    for text in ("Plan your island summer", "Our travel desk", "Compare ferry passes", "Join thousands"):
        assert text not in record.text
    kept = "The harbour board published its spectacle of lights programme for the reopening of the north quay."
    assert kept in _record(_page(_paragraphs() + f"<div class='spectacle-notes'><p>{kept}</p></div>")).text


def test_an_author_box_of_the_simple_author_box_plugin_is_pruned() -> None:
    bio = (
        "Hi there, I started this travel blog back in 2011 when island hopping was not trendy, and I have "
        "written about ferries, harbours and quiet beaches ever since."
    )
    box = f"<div class='saboxplugin-wrap'><div class='saboxplugin-desc'><div><p>{bio}</p></div></div></div>"
    record = _record(_page(_paragraphs() + box))
    assert record.text.endswith(PARAGRAPHS[-1])
    assert "travel blog" not in record.text


def test_a_note_of_several_prompts_between_paragraphs_is_dropped_but_not_a_paragraph_with_one() -> None:
    more = [
        "Passengers on the first late crossing said the boat was full long before it left the quay.",
        "The operator added a second deck crew for the busiest evenings of the summer season.",
        "Shops on the northern islands said they would stay open later on the nights the ferry runs.",
        "The harbour board said it would publish the passenger figures for the trial in the spring.",
    ]
    note = (
        "Did you enjoy reading about the ferry? Please take a moment to leave a star rating below. Also, if "
        "you use Pinterest, feel free to pin it for later, and follow us on Facebook for all the latest news "
        "from the harbour."
    )
    one = (
        "Island councils asked readers to share this story with neighbours who rely on the late boats, since "
        "the board will count the letters it receives before it decides on the timetable for next year."
    )
    body = "".join(f"<p>{text}</p>" for text in [*PARAGRAPHS[:3], note, one, PARAGRAPHS[3], *more])
    record = _record(_page(body))
    assert "star rating" not in record.text
    assert one in record.text and more[-1] in record.text


def test_a_pointer_to_the_sites_editorial_policy_is_dropped_but_not_news_about_a_papers_policy() -> None:
    pointer = "All articles are reviewed by our fact-checkers. Visit our Editorial Policy for more details."
    news = "The Island Post changed its editorial policy on anonymous sources after the sale last year."
    body = "".join(f"<p>{text}</p>" for text in [*PARAGRAPHS[:2], pointer, news, *PARAGRAPHS[2:]])
    record = _record(_page(body))
    assert "Editorial Policy" not in record.text
    assert news in record.text and record.text.endswith(PARAGRAPHS[-1])


def test_a_forms_thank_you_message_is_dropped_but_not_a_sentence_about_thanks() -> None:
    survey = "Thank you for completing the survey!"
    sent = "Your message has been sent! We appreciate you reaching out and we will get back to you soon."
    news = "The harbour board thanked residents for completing the ferry survey in record numbers this spring."
    body = "".join(f"<p>{text}</p>" for text in [PARAGRAPHS[0], survey, *PARAGRAPHS[1:3], news, sent, PARAGRAPHS[3]])
    record = _record(_page(body))
    assert "completing the survey!" not in record.text and "has been sent" not in record.text
    assert news in record.text and record.text.endswith(PARAGRAPHS[-1])


def test_a_small_box_around_a_call_to_action_button_is_pruned_without_class_names() -> None:
    box = (
        "<div><div><h3>Moving to the islands?</h3><p>Compare prices from vetted island movers in minutes and "
        "book the crossing with them.</p></div><div><a href='/quote'>Get a quote →</a></div></div>"
    )
    inline = (
        "Residents who want the late ferry to stay can <a href='/petition'>sign up</a> to the petition at the "
        "town hall before the end of the month."
    )
    body = f"<p>{PARAGRAPHS[0]}</p>{box}<p>{inline}</p>" + "".join(f"<p>{text}</p>" for text in PARAGRAPHS[1:])
    record = _record(_page(body))
    assert "Moving to the islands?" not in record.text and "vetted island movers" not in record.text
    assert "to the petition at the town hall" in record.text
    assert PARAGRAPHS[0] in record.text and record.text.endswith(PARAGRAPHS[-1])


def test_a_read_more_box_is_pruned_without_class_names_but_not_a_roundup_made_of_such_boxes() -> None:
    more = [
        "Passengers on the first late crossing said the boat was full long before it left the quay.",
        "The operator added a second deck crew for the busiest evenings of the summer season.",
        "Shops on the northern islands said they would stay open later on the nights the ferry runs.",
        "The harbour board said it would publish the passenger figures for the trial in the spring.",
    ]
    teaser = (
        "<div><h3>Island passes</h3><p>Our guide compares the season passes of the three ferry lines, with the "
        "prices for families, students and island residents who commute every day.</p>"
        "<a href='/passes'>Learn more »</a></div>"
    )
    story = [f"<p>{text}</p>" for text in [*PARAGRAPHS, *more]]
    record = _record(_page("".join(story[:2]) + teaser + "".join(story[2:])))
    assert "Our guide compares" not in record.text
    assert PARAGRAPHS[0] in record.text and record.text.endswith(more[-1])
    items = [
        ("Driftwood shelf", "A shelf cut from the driftwood we found on the north beach after the winter storms, "
         "sanded smooth and oiled twice, holds books and shells by the window."),
        ("Rope mirror", "An old bathroom mirror framed with harbour rope that a fisherman gave us, glued in tight "
         "rings around the glass and left to dry overnight on the kitchen table."),
        ("Crate bench", "Two fish crates from the market screwed together side by side and topped with a linen "
         "cushion make a sturdy bench for the porch, with room for boots underneath."),
    ]
    roundup = "".join(
        f"<div><h3>{name}</h3><p>{text}</p><a href='/projects/{number}'>Learn more</a></div>"
        for number, (name, text) in enumerate(items)
    )
    intro = "These island craft projects each take an afternoon and use what the tide and the harbour leave behind."
    record = _record(_page(f"<p>{intro}</p>{roundup}", title="Three island craft projects"))
    assert all(text in record.text for _, text in items)


def test_headline_links_tagged_with_bracketed_labels_are_dropped() -> None:
    headlines = " ".join(
        f"<a href='/news/{number}'>{text}</a> [{label}]"
        for number, (text, label) in enumerate((
            ("Storm closes the western crossing", "VIDEO"),
            ("Councils clash over island budget", "INSIGHT"),
            ("Harbour fees rise for spring", "REACTION"),
        ))
    )
    before, after = ("".join(f"<p>{text}</p>" for text in part) for part in (PARAGRAPHS[:2], PARAGRAPHS[2:]))
    record = _record(_page(before + f"<p>DON'T MISS {headlines}</p>" + after))
    assert "western crossing" not in record.text


def test_separator_lines_are_kept_and_bare_promo_labels_dropped_on_pages_with_symbol_links() -> None:
    symbol_link = "<p><a href='/next'>→</a></p>"
    closing = "The ferry operators will publish the winter timetable in the first week of October."
    record = _record(_page(_paragraphs("___", closing) + "<p>More:</p>" + symbol_link))
    assert "\n\n___\n\n" in record.text
    assert record.text.endswith(closing)


AUTHOR_MARKUP_PAGE = (
    "<html><body><div class='AuthorName'>A</div><span id='xauthor'>B</span><p class='x-writer'>C</p>"
    "<div class='authorname'>D</div><div class='author-name'>E</div><span class='Author'>F</span>"
    "<div class='comments-list'>G</div><div class='comments'>H</div><div class='xcomments'>I</div>"
    "<div id='commentsbox'>J</div><div id='my-comments'>K</div><a class='article-support'>L</a>"
    "<div class='Byline'>M</div><div class='bylines'>N</div><div class='autor'>O</div><author>P</author>"
    "<a rel='author' href='/p'>Q</a><span itemprop='author name'>R</span><h3 class='byline'>S</h3>"
    "<section class='BBL'>T</section><div data-testid='AuthorCard'>U</div><li data-component='Byline'>V</li>"
    "<h4 itemprop='creator author'>W</h4><em id='Authors'>X</em><p class='channel-name'>Y</p></body></html>"
)


def test_author_discard_xpaths_without_regex_tests_find_the_same_nodes() -> None:
    """trafilatura's author-discard XPaths rewritten without re:test() select exactly what the originals select."""
    from lxml.html import fromstring
    from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS

    from newsclean.extraction.metadata import without_regex_tests

    page = fromstring(AUTHOR_MARKUP_PAGE)
    for original in AUTHOR_DISCARD_XPATHS:
        rewritten = without_regex_tests(original)
        assert "re:test" not in rewritten.path
        assert rewritten(page) == original(page)


@pytest.mark.parametrize("fixture", ["AUTHOR_MARKUP_PAGE", *sorted(path.name for path in FIXTURE_PAGES.iterdir())])
def test_author_candidates_are_what_trafilaturas_author_xpaths_select(fixture: str) -> None:
    """The one-pass author markup tests find, tier by tier, the elements of trafilatura's own XPaths."""
    from trafilatura.xpaths import AUTHOR_XPATHS

    from newsclean.extraction.metadata import _author_candidates

    html = AUTHOR_MARKUP_PAGE if fixture == "AUTHOR_MARKUP_PAGE" else (FIXTURE_PAGES / fixture / "page.html").read_text(encoding="utf-8")
    page = parse_html(html)
    assert page is not None
    candidates = _author_candidates(page)
    assert candidates == [xpath(page) for xpath in AUTHOR_XPATHS]
    if fixture == "AUTHOR_MARKUP_PAGE":
        assert [len(tier) for tier in candidates] == [7, 7, 13]


def test_an_article_printed_twice_is_kept_once_but_repeated_plan_rows_stay() -> None:
    story = _paragraphs(
        "Passengers on the last crossing last winter often outnumbered the seats, and the operator added a second boat on Fridays.",
        "The islands' two schools said pupils who board on the mainland could now go home at weekends without an overnight stay.",
        "Fishermen on the northern islands use the late ferry to send their catch to the morning market on the mainland.",
        "A return ticket will still cost twelve pounds, and island residents keep their half-price cards for the extension.",
        "The operator has not said whether the crossing will keep running through the storm season in January and February.",
        "Councillors on the southern islands asked for a similar trial of their own, which the board promised to consider.",
    )
    twice = _record(_page(f"<div class='desktop'>{story}</div><div class='mobile'>{story}</div>"))
    assert twice.text.count(PARAGRAPHS[0]) == 1
    assert twice.text.endswith("which the board promised to consider.")
    rows = "".join(
        f"<h3>Day {day}</h3><p>Breakfast: oats with milk and a banana</p><p>Lunch: lentil soup and bread</p>"
        "<p>Dinner: grilled fish with rice and green beans</p>"
        for day in (1, 2, 3, 4, 5, 6, 7, 8)
    )
    plan = _record(_page(_paragraphs() + rows))
    assert plan.text.count("Lunch: lentil soup and bread") == 8


def test_a_block_printed_again_right_after_itself_is_kept_once() -> None:
    heading = "What the islands asked for"
    layouts = f"<h3>{heading}</h3><h3>{heading}</h3><h3>{heading}</h3>"
    record = _record(_page(_paragraphs(*LONG_STORY[:2]) + layouts + _paragraphs(*LONG_STORY[2:4])))
    assert record.text.count(heading) == 1


def test_an_author_is_not_read_from_a_sidebar_and_a_category_inside_the_byline_is_left_out() -> None:
    record = _record(_page(_paragraphs()).replace(
        "<article>",
        "<div class='sidebar'><span class='author'>Popular Columnist</span></div>"
        "<article><div class='byline'>By Ann Example <span class='category'>Transport</span></div>",
    ))
    assert record.authors == ["Ann Example"]


def test_the_official_government_site_banner_is_dropped_without_class_names() -> None:
    banner = (
        "<div><p>An official website of the United States government</p>"
        "<p>Official websites use .gov A .gov website belongs to an official government organization in the United States.</p>"
        "<p>Secure .gov websites use HTTPS A lock or https:// means you've safely connected to the .gov website. "
        "Share sensitive information only on official, secure websites.</p></div>"
    )
    record = _record(_unnamed_page(banner + _paragraphs(*LONG_STORY[:3])))
    assert record.text.split("\n\n") == [*PARAGRAPHS, *LONG_STORY[:3]]


def test_the_wordpress_com_footer_line_is_dropped() -> None:
    record = _record(_unnamed_page(_paragraphs(*LONG_STORY[:3]) + "<p>Blog at WordPress.com. Theme by A. Designer</p>"))
    assert record.text.endswith(LONG_STORY[2])


def test_cookie_consent_dialogs_after_the_story_are_pruned() -> None:
    consent = (
        "<div class='cli-modal' id='cliSettingsPopup'><div class='cli-modal-body'><h4>Privacy overview</h4>"
        "<p>This website uses cookies to improve your experience while you navigate through the website, and some "
        "of them are stored in your browser as they are essential for the working of basic functionalities.</p>"
        "<div class='cli-tab-pane'><p>Necessary cookies are absolutely essential for the website to function "
        "properly and only include cookies that ensure basic functionalities and security features.</p>"
        "<table class='cookielawinfo-row-cat-table'><tr><td>cookielawinfo-checkbox-analytics</td><td>11 months</td>"
        "<td>This cookie records the user consent for the cookies in the Analytics category.</td></tr></table>"
        "</div></div></div>"
    )
    record = _record(_page(_paragraphs() + consent))
    assert record.text.endswith(PARAGRAPHS[-1])
    assert "cookie" not in record.text.lower()


def test_a_picture_credit_late_in_the_story_does_not_cut_the_paragraphs_after_it() -> None:
    later = [
        f"Exhibition {n} runs at the harbour gallery until the end of {month}, with talks by the curators on "
        "Saturday afternoons, a late opening on the first Friday of every month, guided walks along the quay "
        "for school groups, a reading room with the catalogues of earlier shows and a small shop selling prints "
        "by the island's own painters, whose work the gallery has collected since it opened in the old customs house."
        for n, month in enumerate(("May", "June", "July", "August", "September", "October"), 1)
    ]
    credit = "Ivon Hitchens, Day's Rest, 1960. Wax and oil on four panels. University of Sussex. All rights reserved, DACS 2024."
    earlier = [f"The gallery's room {n} shows the painters who worked on the islands between the wars." for n in range(1, 15)]
    html = "".join(f"<p>{text}</p>" for text in [*earlier, credit, *later])
    record = _record(_page(html))
    assert record.text.endswith(later[-1])
    for notice in ("© 2026 Island Post. All rights reserved.", "copyright Island Post 2026 - ISSN: 1234-5678"):
        footer = _record(_page(_paragraphs(notice, "Privacy policy", "Contact us")))
        assert footer.text.endswith(PARAGRAPHS[-1])
    section = "<h2>Copyright complexity in a fragmented market</h2><p>The timetables the board publishes are free to reuse, it said.</p>"
    assert "Copyright complexity" in _record(_page(_paragraphs() + section)).text


def test_a_section_anchored_by_its_heading_slug_is_kept_even_when_the_slug_names_a_widget() -> None:
    section = (
        "<div class='menu-changes-for-the-winter-timetable-on-the-ferry'>"
        "<h2>Menu changes for the winter timetable on the ferry</h2>"
        "<p>The café on the night ferry will serve hot soup and sandwiches from November, the operator said.</p>"
        "<p>Crews will also sell tickets on board for the late crossings, where the quay office is closed.</p></div>"
    )
    record = _record(_page(_paragraphs() + section))
    assert "The café on the night ferry will serve hot soup" in record.text
    assert record.text.endswith("where the quay office is closed.")


@pytest.mark.parametrize("heading", ["Read this next", "Recent posts", "Keep reading", "You might like", "Lesen Sie auch"])
def test_a_related_heading_followed_only_by_teaser_sized_blocks_to_the_end_is_dropped(heading: str) -> None:
    teasers = (
        f"<h3>{heading}</h3><p>Airlines</p><p>Dec 19, 2026</p>"
        "<p>Island carrier adds a second daily flight to the mainland</p>"
        "<p>The new morning departure starts in March and connects with the first train to the city.</p>"
        "<p>Travel</p><p>Dec 18, 2026</p><p>Winter timetable for the harbour buses</p>"
    )
    record = _record(_page(_paragraphs() + teasers))
    assert record.text.endswith(PARAGRAPHS[-1])
    story_end = "<h3>Related</h3><p>" + " ".join(PARAGRAPHS) + "</p>"
    kept = _record(_page(_paragraphs() + story_end))
    assert kept.text.endswith(PARAGRAPHS[-1]) and kept.text.count(PARAGRAPHS[0]) == 2


def test_an_about_the_author_box_closing_the_body_is_dropped() -> None:
    box = (
        "<h3>About the Author</h3><p>Maureen Example, Executive Editor, Island Health Watch</p>"
        "<p>Maureen has edited the health pages since 2019 and writes about ferries, fitness and food.</p>"
    )
    record = _record(_page(_paragraphs() + box))
    assert record.text.endswith(PARAGRAPHS[-1])


def _bare_page(body: str) -> str:
    """A page declared an article, with no date and nothing in its body but `body`."""
    return (
        "<html lang='en'><head><title>Night ferry to the islands extended</title>"
        f"<meta property='og:type' content='article'></head><body>{body}</body></html>"
    )


def _unnamed_page(body: str) -> str:
    """A page whose markup names none of its parts: no article element, no class or id."""
    return _bare_page(f"<h1>Night ferry to the islands extended</h1><div><div>{body}</div></div>")


def test_a_guest_post_set_in_a_blockquote_keeps_its_paragraphs_and_headings() -> None:
    more = [text.replace("board", "council") for text in PARAGRAPHS]
    guest = [*LONG_STORY[:6], "What happens next", *LONG_STORY[6:], *PARAGRAPHS[1:], *more]
    quote = "".join(f"<h3>{text}</h3>" if text == "What happens next" else f"<p>{text}</p>" for text in guest)
    record = _record(_page(f"<p>{PARAGRAPHS[0]}</p><blockquote>{quote}</blockquote>"))
    assert record.text.split("\n\n") == [PARAGRAPHS[0], *guest]


def test_section_headings_of_a_page_without_an_article_container_are_kept_in_place() -> None:
    first, second, third, fourth = PARAGRAPHS
    record = _record(_unnamed_page(
        f"<p>{first}</p><p>{second}</p><h2>What the islands asked for</h2><p>{third}</p>"
        f"<div><h3>Next steps</h3></div><div><p>{fourth}</p></div>"
    ))
    lines = record.text.split("\n\n")
    assert lines.index("What the islands asked for") == lines.index(third) - 1
    assert lines.index("Next steps") == lines.index(fourth) - 1


def test_another_articles_headline_or_a_box_heading_between_paragraphs_is_not_taken_for_a_section() -> None:
    first, second, third, fourth = PARAGRAPHS
    record = _record(_unnamed_page(
        f"<p>{first}</p><h3><a href='/news/2026/03/01/ferry-strike-ends'>Ferry strike ends after two weeks</a></h3>"
        f"<p>{second}</p><h4>Related links</h4><ul><li><a href='/news/terminal'>The new terminal</a></li></ul>"
        f"<p>{third}</p><p>{fourth}</p>"
    ))
    assert fourth in record.text
    assert "Ferry strike ends" not in record.text
    assert "Related links" not in record.text


def test_readers_comments_are_found_by_their_reply_links_when_no_class_names_them() -> None:
    comments = "".join(
        f"<li><div><a href='/profile/{name.lower()}'>{name}</a> <span>March 2, 2026 at {hour}:15 pm</span></div>"
        f"<p>{text}</p><a href='?replytocom={hour}'>Reply</a></li>"
        for name, hour, text in (
            ("Maren", 3, "I took the late ferry every Friday last summer and it was always full by the second stop, so this is welcome news."),
            ("Tobias", 4, "Will the timetable on the island side change too? The last bus from the harbour leaves before the ferry arrives."),
            ("Ines", 5, "Good decision, but the board should publish the passenger numbers for each crossing rather than one total for the year."),
        )
    )
    record = _record(_bare_page(
        f"<div><div><h1>Night ferry to the islands extended</h1>{_paragraphs()}</div>"
        f"<div><h3>3 thoughts on this story</h3><ol>{comments}</ol></div></div>"
    ))
    assert PARAGRAPHS[-1] in record.text
    assert "second stop" not in record.text
    assert "passenger numbers for each crossing" not in record.text


def test_readers_comments_are_found_by_their_avatars_but_an_author_picture_shown_thrice_takes_nothing() -> None:
    comments = "".join(
        f"<div><div><img src='/images/avatar-{name.lower()}.png' alt='Avatar'></div><div>"
        f"<div><a href='/members/{name.lower()}'>{name}</a></div><div>2 days ago</div><p>{text}</p></div></div>"
        for name, text in (
            ("Maren", "I took the late ferry every Friday last summer and it was always full by the second stop, "
                      "so an extra year of it is welcome news for everyone who works in town."),
            ("Tobias", "Will the timetable on the island side change too? The last bus from the harbour leaves "
                       "before the ferry arrives, which makes the late crossing useless for those without a car."),
            ("Ines", "The board should publish the passenger numbers for each crossing rather than one total "
                     "for the year, so that islanders can see which sailings are actually used."),
        )
    )
    story = _paragraphs(*LONGER_STORY)
    record = _record(_bare_page(f"<div><div><h1>Night ferry to the islands extended</h1>{story}</div><div>{comments}</div></div>"))
    assert LONGER_STORY[-1] in record.text
    assert "second stop" not in record.text and "passenger numbers" not in record.text
    picture = "<img src='/images/authors/ann-example-avatar.jpg' alt='Ann Example'>"
    tagline = "Island Post has covered the ferries, the harbour and the councils of the northern islands since 1921."
    authored = _record(_bare_page(
        f"<div><p>{tagline}</p></div><h1>Night ferry to the islands extended</h1><div>{picture}"
        f"<p>{picture} By Ann Example</p>{story}<p>{picture} Ann Example covers the islands.</p></div>"
    ))
    assert LONGER_STORY[-1] in authored.text and PARAGRAPHS[0] in authored.text


def test_a_page_whose_own_text_carries_a_reply_link_keeps_it() -> None:
    posts = "".join(
        f"<div><p>{text}</p><button>Reply</button></div>" for text in PARAGRAPHS
    )
    record = _record(_bare_page(f"<div>{posts}</div>"))
    assert PARAGRAPHS[0] in record.text
    assert PARAGRAPHS[-1] in record.text


TEASER_CARDS = (
    ("Airlines", 19, "The island terminal opens its doors"),
    ("Travel", 18, "Winter timetable for the harbour buses"),
    ("Daily", 17, "A new shuttle for the northern quay"),
)


def _dated_cards(excerpt: str = "", linked: bool = False) -> str:
    """Teaser cards: a section label, a date line, a headline (a link when `linked`) and the excerpt, if any."""
    return "".join(
        f"<p>{label}</p><p>Dec {day}, 2026</p>"
        + (f"<p><a href='/news/{day}'>{headline}</a></p>" if linked else f"<p>{headline}</p>")
        + (f"<p>{excerpt}</p>" if excerpt else "")
        for label, day, headline in TEASER_CARDS
    )


def test_a_related_heading_followed_by_dated_teaser_cards_with_long_excerpts_is_dropped() -> None:
    excerpt = (
        "Long in the shadow of the mainland hubs, the island airport has spent two years and most of its budget on a "
        "new terminal, and the first passengers to use it this winter say the wait was worth it for the view alone."
    )
    record = _record(_page(_paragraphs() + "<h3>Read this next</h3>" + _dated_cards(excerpt)))
    assert record.text.endswith(PARAGRAPHS[-1])
    assert "island terminal" not in record.text


def test_a_mid_body_also_read_box_takes_nothing_of_the_story_that_dated_cards_close() -> None:
    story = [" ".join(LONG_STORY[index : index + 2]) for index in range(0, 8, 2)]
    record = _record(_page(
        _paragraphs()
        + "<h3>Also read:</h3><p><a href='/news/airport'>How the island airport spent its budget</a></p>"
        + "".join(f"<p>{text}</p>" for text in story)
        + _dated_cards(linked=True)
    ))
    assert all(text in record.text for text in story)
    assert "spent its budget" not in record.text


def test_a_templates_lorem_ipsum_placeholder_text_is_dropped() -> None:
    placeholder = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore."
    record = _record(_page(_paragraphs(placeholder)))
    assert PARAGRAPHS[-1] in record.text
    assert "Lorem ipsum" not in record.text


def test_a_templates_lorem_ipsum_heading_and_numbered_list_items_are_dropped_but_not_a_sentence_about_them() -> None:
    about = "Lorem ipsum is the filler text that the harbour board's printers set in the draft timetables."
    placeholders = "<h3>Lorem Ipsum</h3><ul><li>Lorem ipsum 1</li><li>Lorem ipsum 2</li><li>Lorem ipsum 3</li></ul>"
    record = _record(_page(_paragraphs(about) + placeholders))
    assert about in record.text
    assert "Lorem ipsum 2" not in record.text
    assert "Lorem Ipsum" not in record.text


def test_a_forms_status_messages_are_dropped_but_not_a_quoted_apology() -> None:
    messages = [
        "We're sorry. It looks like this option is not available. Please search for an address or a town instead.",
        "Sorry, we couldn't find a match for this location. Please try again.",
    ]
    quoted = "“We’re sorry for the delays this winter,” the harbour master told the island council on Tuesday."
    record = _record(_page(_paragraphs(quoted, *messages, *LONG_STORY[:2])))
    assert quoted in record.text
    assert "Please try again" not in record.text
    assert "option is not available" not in record.text


def test_a_bio_closing_the_body_that_opens_with_the_bylines_name_is_dropped() -> None:
    bio = (
        "Ann Example (@annexample) covers the harbour and the islands for the Island Post. She worked as a "
        "ferry deckhand before starting in journalism in 2011 and holds a degree in maritime history."
    )
    record = _record(_page(_paragraphs(bio), head="<meta name='author' content='Ann Example'>"))
    assert record.authors == ["Ann Example"]
    assert record.text.endswith(PARAGRAPHS[-1])
    quoted = "Ann Example is a name the board chair used twice in Tuesday's meeting, to the reporter's surprise."
    kept = _record(_page(_paragraphs(quoted, *PARAGRAPHS), head="<meta name='author' content='Ann Example'>"))
    assert quoted in kept.text


def test_an_about_the_bylines_name_box_closing_the_body_is_dropped_but_not_an_about_section() -> None:
    bio = (
        "As the Island Post's harbour reporter she has covered the ferries and the islands since 2011, after "
        "working as a deckhand on the northern crossings."
    )
    head = "<meta name='author' content='Ann Example'>"
    record = _record(_page(_paragraphs() + f"<h3>Über Ann Example</h3><p>{bio}</p>", head=head))
    assert record.text.endswith(PARAGRAPHS[-1])
    about_islands = _record(_page(_paragraphs() + f"<h3>About the islands</h3><p>{bio}</p>", head=head))
    assert bio in about_islands.text


def test_comments_after_their_heading_are_dropped_but_a_discussion_section_is_kept() -> None:
    comments = (
        "<h3>2 Comments</h3><p>Maren, March 2, 2026</p>"
        "<p>I took the late ferry every Friday last summer and it was always full by the second stop.</p>"
        "<p>Tobias, March 3, 2026</p><p>Will the island buses wait for the last ferry now, or not?</p>"
    )
    story = _paragraphs(*LONGER_STORY)
    record = _record(_unnamed_page(story + comments))
    assert record.text.endswith(LONGER_STORY[-1])
    assert "second stop" not in record.text
    discussion = "<h2>Discussion</h2><p>" + PARAGRAPHS[0].replace("voted", "decided") + "</p>"
    kept = _record(_unnamed_page(story + discussion))
    assert kept.text.endswith(PARAGRAPHS[0].replace("voted", "decided"))


LONGER_STORY = [
    "Harbour staff counted the passengers on every late crossing during the trial, and the figures went to the board each month.",
    "The busiest nights were Fridays and Saturdays in July, when the last ferry left with every seat taken and cars waiting on the quay.",
    "Several island shops stayed open later to serve the evening visitors, and two cafés on the north island hired extra staff.",
    "The ferry company has said it will keep the same vessel on the route, though it plans a refit in February before the season starts.",
    "Residents of the smaller islands asked for the late crossing to call at their jetties too; the board will study the request.",
]


def _undated_page(under_headline: str, above_headline: str = "") -> str:
    return (
        "<html lang='en'><head><title>Night ferry to the islands extended</title>"
        "<meta property='og:type' content='article'></head><body><article>"
        f"{above_headline}<h1>Night ferry to the islands extended</h1>{under_headline}{_paragraphs()}</article>"
        "<footer><p>Copyright 2024 Island Post</p></footer></body></html>"
    )


def test_a_date_line_under_the_headline_dates_a_page_that_declares_no_date() -> None:
    url = "https://islandpost.example/news/night-ferry-extended"
    assert _record(_undated_page("<div><span>Nov 21, 2018</span></div>"), url).published == "2018-11-21T00:00:00"
    assert _record(_undated_page("<p>Last updated: November 13, 2025</p>"), url).published == "2025-11-13T00:00:00"
    assert _record(_undated_page("<div><svg></svg> Dec 12, 2025</div>"), url).published == "2025-12-12T00:00:00"
    assert _record(_undated_page("<p>By Ann Example</p>"), url).published is None


def test_a_date_line_just_above_the_headline_dates_a_page_when_none_is_under_it() -> None:
    url = "https://islandpost.example/news/night-ferry-extended"
    above = "<div><a href='/authors/ann'>Ann Example</a><span> / </span><span>December 14, 2025</span><span> / </span></div>"
    assert _record(_undated_page("<p>By Ann Example</p>", above), url).published == "2025-12-14T00:00:00"
    both = _undated_page("<p>Nov 21, 2018</p>", above)
    assert _record(both, url).published == "2018-11-21T00:00:00"


def test_an_article_written_with_line_breaks_in_one_element_comes_out_in_paragraphs() -> None:
    lines = [*PARAGRAPHS, *LONGER_STORY, *(p.replace("the ", "that ") for p in LONGER_STORY), "Fares stay the same."]
    body = "<br><br>".join(lines[:6]) + "<h2>What happens next</h2>" + "<br><br>".join(lines[6:])
    record = _record(_bare_page(f"<h1>Night ferry to the islands extended</h1><div class='entry'><div>{body}</div></div>"))
    assert record.text.split("\n\n") == [*lines[:6], "What happens next", *lines[6:]]


LONG_STORY = [*LONGER_STORY, *(p.replace("the ", "that ") for p in LONGER_STORY)]


def test_an_article_swallowed_by_an_unclosed_menu_button_comes_out_in_paragraphs() -> None:
    record = _record(_bare_page(
        "<div><button><span>Menu</span><main><article>"
        f"<h1>Night ferry to the islands extended</h1>{_paragraphs(*LONG_STORY)}</article></main>"
    ))
    assert record.text.split("\n\n") == [*PARAGRAPHS, *LONG_STORY]


def test_an_article_laid_out_in_a_table_comes_out_in_paragraphs() -> None:
    record = _record(_bare_page(
        f"<table><tr><td><h1>Night ferry to the islands extended</h1>{_paragraphs(*LONG_STORY)}"
        "<h3>What happens next</h3><p>The board meets again in April.</p></td></tr></table>"
    ))
    assert record.text.split("\n\n") == [*PARAGRAPHS, *LONG_STORY, "What happens next", "The board meets again in April."]


def test_an_article_cut_into_look_alike_chunks_between_ad_rows_is_kept_whole() -> None:
    def chunk(paragraphs: list[str]) -> str:
        return (
            "<div class='grid grid-layout--adrail'><div class='body article__body'>"
            + "".join(f"<p>{text}</p>" for text in paragraphs)
            + "</div><div class='grid-layout__aside'></div></div>"
        )

    record = _record(_bare_page(
        f"<article><h1>Night ferry to the islands extended</h1>{chunk(LONG_STORY[:5])}"
        f"<div class='row full-bleed-ad'>Advertisement</div>{chunk(LONG_STORY[5:])}</article>"
    ))
    assert record.text.split("\n\n") == LONG_STORY


def test_section_headings_between_look_alike_chunks_stay_before_their_sections() -> None:
    def section(heading: str, paragraphs: list[str]) -> str:
        return (
            f"<div class='section-heading'><h2 class='section-heading'>{heading}</h2></div>"
            "<div class='text-section'><div class='prose'>"
            + "".join(f"<p>{text}</p>" for text in paragraphs)
            + "</div></div>"
        )

    record = _record(_bare_page(
        "<article><h1>Night ferry to the islands extended</h1>"
        f"{section('The vote', LONG_STORY[:4])}{section('What changes', LONG_STORY[4:8])}"
        f"{section('What happens next', LONG_STORY[8:])}</article>"
    ))
    assert record.text.split("\n\n") == [
        "The vote", *LONG_STORY[:4], "What changes", *LONG_STORY[4:8], "What happens next", *LONG_STORY[8:]
    ]


def test_old_markup_with_text_between_headings_lists_and_paragraph_separators_keeps_that_text() -> None:
    first, second, third, fourth = PARAGRAPHS
    story = LONG_STORY
    record = _record(_bare_page(
        "<h1><a href='/'>Island Post</a>: news</h1><h1>Night ferry to the islands extended</h1>"
        f"<h2>The decision</h2>{first} <b>{second}</b><ol><li>Crossings at ten.</li><li>At midnight.</li></ol>"
        f"{third}<p>{fourth}<p>{story[0]}<p>{story[3]}<p>{story[4]}<h2>History</h2>"
        f"<div class='figure'><img src='ferry.jpg'> The night ferry.</div>{story[1]} <a href='/board'>{story[2]}</a>"
        f"<p>{story[5]}<p>{story[6]}<hr>Last updated March 2026."
    ))
    paragraphs = record.text.split("\n\n")
    for paragraph in (f"{first} {second}", third, fourth, story[0], f"{story[1]} {story[2]}", story[6]):
        assert paragraph in paragraphs


def test_an_article_written_in_divs_keeps_its_paragraphs_but_a_lone_text_div_is_no_paragraph() -> None:
    notice = "By signing up you agree to receive recurring messages from Island Post at the number you provided."
    record = _record(_bare_page(
        "<h1>Night ferry to the islands extended</h1>"
        f"<div><div>{'</div><div>'.join(LONG_STORY)}</div></div>"
        f"<div><div>{notice}</div><a href='/signup'>Sign up</a></div>"
    ))
    assert record.text.split("\n\n") == LONG_STORY
    assert "signing up" not in record.text


def test_a_quotation_set_in_a_figure_is_kept() -> None:
    quote = "We waited years for a ferry after nine at night, and now our evening shift can get home safely."
    record = _record(_page(
        _paragraphs()
        + f"<figure class='quote'><blockquote><p>{quote}</p></blockquote><figcaption>Ann Example, nurse</figcaption></figure>"
        + "".join(f"<p>{text}</p>" for text in LONG_STORY[:2])
    ))
    assert record.text.split("\n\n") == [*PARAGRAPHS, quote, *LONG_STORY[:2]]


def _comment(name: str, text: str) -> str:
    return (
        f"<li><article><footer><img src='avatar.png' alt=''><span><a href='/'>{name}</a></span><br>"
        f"<a href='#c'><time datetime='2026-03-02T21:46'>March 2, 2026, 9:46 pm</time></a></footer>"
        f"<div><p>{text}</p></div></article></li>"
    )


def test_readers_comments_opened_by_their_heading_are_dropped_without_class_names_or_reply_links() -> None:
    comments = [
        ("Ann Example", "I have taken the late ferry twice this winter and both times it left the quay right on time."),
        ("Bo Sample", "Good news for the north island, though the smaller jetties still have no evening service at all."),
        ("Cy Person", "Will the fares change when the new terminal opens next autumn, or is the board keeping them?"),
    ]
    record = _record(_unnamed_page(
        _paragraphs(*LONG_STORY[:3])
        + "<div><h3>3 Comments on “Night ferry to the islands extended”</h3><ol>"
        + "".join(_comment(name, text) for name, text in comments)
        + "</ol></div>"
    ))
    assert record.text.split("\n\n") == [*PARAGRAPHS, *LONG_STORY[:3]]


def test_readers_comments_with_plain_reply_labels_are_dropped_without_class_names() -> None:
    comments = [
        ("Ann Example", "I have taken the late ferry twice this winter and both times it left the quay right on time."),
        ("Bo Sample", "Good news for the north island, though the smaller jetties still have no evening service at all."),
        ("Cy Person", "Will the fares change when the new terminal opens next autumn, or is the board keeping them?"),
    ]
    thread = "".join(
        f"<div><div><div>{name}</div><div>6 months ago</div></div><div><p>{text}</p></div>"
        "<div><div>0</div><div><span>Reply</span></div></div></div>"
        for name, text in comments
    )
    record = _record(_unnamed_page(_paragraphs(*LONG_STORY[:3]) + f"<div>{thread}</div>"))
    assert record.text.split("\n\n") == [*PARAGRAPHS, *LONG_STORY[:3]]


def test_a_comments_heading_inside_the_article_takes_nothing_of_the_article_with_it() -> None:
    tagline = "Island Post brings you the news of the northern islands every morning, from the harbour to the hills."
    record = _record(_bare_page(
        f"<div><p>{tagline}</p></div><h1>Night ferry to the islands extended</h1>"
        f"<div><div>{_paragraphs(*LONG_STORY[:3])}<h3>Comments</h3><p>Be the first to comment.</p></div></div>"
    ))
    paragraphs = record.text.split("\n\n")
    assert all(paragraph in paragraphs for paragraph in [*PARAGRAPHS, *LONG_STORY[:3]])


def test_a_rating_widget_after_the_story_is_dropped() -> None:
    record = _record(_page(_paragraphs(
        "How useful was this post? Click on a star to rate it!", "Average rating 5 / 5. Vote count: 1", "No votes so far! Be the first to rate this post."
    )))
    assert record.text.split("\n\n") == PARAGRAPHS


def test_an_affiliate_disclosure_opening_the_story_is_dropped() -> None:
    record = _record(_page("<p>As an Amazon Associate I earn from qualifying purchases.</p>" + _paragraphs()))
    assert record.text.split("\n\n") == PARAGRAPHS


def test_sections_of_a_heading_and_a_text_div_are_kept_but_a_lone_card_so_built_is_not() -> None:
    headings = ["What the board decided", "What passengers said", "What comes next"]
    sections = "".join(
        f"<div><div><h2>{heading}</h2></div><div>{text}</div></div>"
        for heading, text in zip(headings, LONG_STORY, strict=False)
    )
    pitch = (
        "Get the island news in your inbox every morning, with the ferry times, the weather and the "
        "harbour notices, free of charge."
    )
    card = f"<div><h3>Our morning newsletter</h3><div>{pitch}</div><a href='/signup'>Sign up</a></div>"
    record = _record(_unnamed_page(_paragraphs() + sections) + card)
    assert all(text in record.text.split("\n\n") for text in LONG_STORY[:3])
    assert "inbox" not in record.text


def test_answers_in_text_divs_under_bold_questions_are_kept() -> None:
    questions = ["Does the late ferry run in winter?", "Can I bring a car?", "Where do I buy a ticket?"]
    pairs = "".join(
        f"<div><div><strong>{question}</strong></div><div>{answer}</div></div>"
        for question, answer in zip(questions, LONG_STORY, strict=False)
    )
    record = _record(_unnamed_page(_paragraphs() + f"<div>{pairs}</div>"))
    assert all(answer in record.text.split("\n\n") for answer in LONG_STORY[:3])


def test_text_divs_shown_twice_for_two_screen_sizes_are_not_taken_for_paragraphs() -> None:
    points = [
        "The late ferry to the northern islands will keep running for another year after the board vote on Tuesday.",
        "More than forty thousand passengers took the late crossings since the trial began in the spring.",
        "The timetable will be reviewed again next autumn, when the new terminal at the north quay opens.",
    ]
    summary = "<div><div>" + "</div><div>".join(points) + "</div></div>"
    record = _record(_unnamed_page(summary + summary + _paragraphs(*LONG_STORY[:3])))
    assert record.text.split("\n\n") == [*PARAGRAPHS, *LONG_STORY[:3]]


def test_a_short_line_between_loose_paragraphs_is_kept_with_them() -> None:
    short = "The vote was unanimous."
    body = (
        f"{LONG_STORY[0]}<br><div><img src='ferry.jpg'></div><br>{short}<br><br>{LONG_STORY[1]}<br><br>{LONG_STORY[2]}"
    )
    record = _record(_unnamed_page(f"<div>{body}</div>"))
    assert short in record.text.split("\n\n")


def test_mojibake_in_the_page_is_repaired_and_correct_accents_and_quotes_are_left_alone() -> None:
    broken = "The board&acirc;&euro;&trade;s chair said the ferry isn&acirc;&euro;&trade;t a luxury for Ã…land."
    intact = "Café owners on the quay — and the harbour’s “night market” — welcomed the vote."
    record = _record(_page(
        _paragraphs(broken, intact), title="Night ferry extended &acirc;&euro;&ldquo; for another year"
    ))
    assert "The board’s chair said the ferry isn’t a luxury for Åland." in record.text
    assert intact in record.text
    assert record.title == "Night ferry extended – for another year"
    assert "â" not in record.text


def test_steps_in_collapsed_accordion_panels_are_kept() -> None:
    steps = [
        "Step one: book the late crossing online at least a day ahead, as the night boats carry fewer cars.",
        "Step two: arrive at the north quay thirty minutes before sailing, when the car deck opens for boarding.",
    ]
    panels = "".join(
        f"<div class='accordion-item'><h3>Step {number}</h3>"
        f"<div class='accordion-panel {state}' aria-hidden='{str(state == 'hidden').lower()}'><p>{text}</p></div></div>"
        for number, (state, text) in enumerate(zip(("open", "hidden"), steps), start=1)
    )
    text = _record(_page(_paragraphs() + f"<div class='accordion'>{panels}</div>")).text
    for step in steps:
        assert step in text


def test_a_long_paragraph_whose_class_says_embed_is_kept_but_not_a_hidden_one() -> None:
    callout = (
        "With these crossing figures the board can plan the winter timetable, keeping the late boats on the "
        "busiest nights and cutting those that sailed nearly empty."
    )
    hidden = "This hidden copy of the callout is only shown to readers who open the print version of the page."
    body = _paragraphs() + f"<p class='c-block-quote-embed-06'>{callout}</p><p class='quote-embed hide'>{hidden}</p>"
    text = _record(_page(body + _paragraphs(*LONG_STORY[:2]))).text
    assert callout in text
    assert hidden not in text


def test_a_republish_dialog_with_a_copy_of_the_story_is_dropped() -> None:
    guide = [
        "We are happy for our stories to be shared, and encourage you to republish them for your audience as they are.",
        "For the byline, please use the writer's name and ours, and include a link back to the story at the top.",
    ]
    dialog = (
        "<div class='modal' role='dialog' aria-modal='true'><h2>Republish this story</h2>"
        + "".join(f"<p>{text}</p>" for text in guide)
        + f"<div><h1>Night ferry to the islands extended</h1><p>{PARAGRAPHS[0]}</p></div></div>"
    )
    record = _record(_page(_paragraphs(*LONG_STORY[:3]) + dialog))
    assert "republish" not in record.text
    assert record.text.count(PARAGRAPHS[0]) == 1


def test_a_panel_of_tool_switches_is_dropped_but_not_a_checklist() -> None:
    tools = ("Timetable Explorer", "Fare Finder", "Berth Watch", "Tide Tables")
    rows = "".join(
        f"<div class='row'><label class='switch'><input type='checkbox' id='tool{index}-toggle'></label>"
        f"<span>{tool}</span> <em>(<a href='/about/{index}'>What is {tool}?</a>)</em></div>"
        for index, tool in enumerate(tools)
    )
    steps = ("Book the late crossing a day ahead", "Arrive thirty minutes early", "Keep your island card at hand")
    checklist = "<ul>" + "".join(f"<li><input type='checkbox'> {step}</li>" for step in steps) + "</ul>"
    record = _record(_page(_paragraphs() + checklist + f"<div class='tools'>{rows}</div>"))
    assert "Fare Finder" not in record.text
    assert "Arrive thirty minutes early" in record.text


def test_an_answer_in_a_collapse_panel_hidden_by_its_style_is_kept() -> None:
    answer = "Yes: the late ferry runs all winter, though storms cancel a crossing or two in most months of the year."
    accordion = (
        "<div class='chakra-accordion'><div class='chakra-accordion__item'><h3>Does it run in winter?</h3>"
        "<div class='chakra-collapse' style='overflow:hidden;display:none;opacity:0;height:0px'>"
        f"<div class='chakra-accordion__panel'><p>{answer}</p></div></div></div></div>"
    )
    assert answer in _record(_page(_paragraphs() + accordion)).text


def test_criteria_listed_in_an_accordion_whose_style_names_an_icon_are_kept() -> None:
    criteria = [
        "Frequency (40%): how often the crossing runs after eight in the evening, counted over a full week of the summer timetable.",
        "Reliability (35%): the share of all the late crossings that left within five minutes of the time printed on the harbour board.",
    ]
    items = "".join(f"<li>{criterion}</li>" for criterion in criteria)
    accordion = (
        "<div class='kt-accordion-wrap kt-accordion-has-1-panes kt-accodion-icon-style-arrow'>"
        "<div class='kt-accordion-pane'><button>How we scored the routes</button>"
        f"<div class='kt-accordion-panel kt-accordion-panel-hidden'><div class='kt-accordion-panel-inner'><ul>{items}</ul>"
        "</div></div></div></div>"
    )
    text = _record(_page(_paragraphs() + accordion)).text
    for criterion in criteria:
        assert criterion in text


def test_answers_an_faq_box_collapses_or_marks_expanded_are_kept_but_not_such_boxes_elsewhere() -> None:
    collapsed = "The night ferry takes bicycles on the car deck at no charge, though the racks hold twelve at most."
    expanded = "Tickets bought online can be changed until an hour before sailing, at the quay office or by phone."
    outside = "This expanded box repeats the timetable of the day crossings for readers who use the old page."
    faq = (
        "<section class='faq-section'><h2>Frequently asked questions</h2>"
        f"<div class='faq-item'><h3>Can I take my bicycle?</h3><div style='display:none'><p>{collapsed}</p></div></div>"
        f"<div class='faq-item'><h3>Can I change my ticket?</h3><div class='answer is-expanded'><p>{expanded}</p></div>"
        "</div></section>"
    )
    text = _record(_page(_paragraphs() + faq + f"<div class='box-expanded'><p>{outside}</p></div>")).text
    assert collapsed in text
    assert expanded in text
    assert outside not in text


def test_an_answer_hidden_under_its_question_heading_is_shown_but_not_other_hidden_text() -> None:
    answer = "Yes: the night ferry takes bicycles on the car deck at no charge, though the racks on the lower deck hold twelve at most."
    hidden_elsewhere = "This copy of the timetable is read out by the page's audio player and is never shown to readers of the page."
    faq = f"<h3>Can I take my bicycle?</h3><div aria-hidden='true'><p>{answer}</p></div>"
    text = _record(_page(_paragraphs() + faq + f"<div aria-hidden='true'><p>{hidden_elsewhere}</p></div>")).text
    assert answer in text
    assert hidden_elsewhere not in text


def test_paragraphs_a_react_server_streamed_after_the_page_come_out_where_its_scripts_put_them() -> None:
    first, second, third, fourth = PARAGRAPHS
    article = (
        f"<p>{first}</p><template id='B:0'></template><div>Loading paragraph...</div>"
        f"<p>{third}</p><template id='P:1'></template>"
    )
    streamed = (
        f"<div hidden id='S:0'><p>{second}</p></div><script>$RC(\"B:0\",\"S:0\")</script>"
        f"<div hidden id='S:1'><p>{fourth}</p></div><script>$RS(\"S:1\",\"P:1\")</script>"
    )
    html = (
        "<html><head><title>Night ferry to the islands extended</title>"
        "<meta property='og:type' content='article'></head>"
        f"<body><article><h1>Night ferry to the islands extended</h1>{article}</article>"
        f"<footer><p>Island Post, Harbour Street</p></footer>{streamed}</body></html>"
    )
    assert _record(html).text.split("\n\n") == PARAGRAPHS


def test_an_article_in_a_box_named_for_commenting_on_a_selection_is_kept_but_not_the_comment_thread() -> None:
    comments = [
        "Great news for everyone on the islands, I have waited years for a late boat home after work in town.",
        "The last crossing is still too early for the hospital night shift, which ends after eleven most days.",
    ]
    thread = "<div class='comments'>" + "".join(
        f"<div class='comment'><p>{comment}</p></div>" for comment in comments
    ) + "</div>"
    long_story = _paragraphs(*(
        f"{sentence} The harbour board will publish the passenger counts for the late crossings on its website every month."
        for sentence in (
            "Passengers on the first night crossings were mostly hospital staff, students and visitors from town.",
            "The operators added a second deck crew in June, when the evening boats began to fill at weekends.",
            "Fares on the late crossings stay the same as in the daytime, and season tickets remain valid.",
            "Shops on the largest island now open until ten on weekdays, and two cafés near the pier serve dinner.",
            "The clinic on the northern island said fewer patients had to stay overnight in town after appointments.",
        )
    ))
    record = _record(_page(f"<div class='commentOnSelection'>{long_story}</div>{thread}"))
    assert record.text.startswith(PARAGRAPHS[0])
    assert PARAGRAPHS[-1] in record.text
    assert comments[0] not in record.text


def test_a_side_note_set_in_an_aside_among_the_story_paragraphs_is_kept_but_not_a_sidebar() -> None:
    note = (
        "A note on the winter timetable: the late crossings stop in January and February, when storms close "
        "the western route on about one night in three, and start again in March."
    )
    promo = "Our harbour guide lists every ferry, bus and taxi on the islands, with prices and the numbers to call for each."
    long_paragraphs = [f"{one} {two}" for one, two in (PARAGRAPHS[:2], PARAGRAPHS[2:])]
    first, second = (f"<p>{text}</p>" for text in long_paragraphs)
    story = f"{first}<aside><h3>A note on the winter timetable</h3><p>{note}</p></aside>{second}"
    text = _record(_page(story + f"<aside class='post-sidebar'><p>{promo}</p></aside>")).text
    assert note in text
    assert text.index(long_paragraphs[0]) < text.index(note) < text.index(long_paragraphs[1])
    assert promo not in text


def test_the_headline_repeated_after_a_breadcrumb_is_dropped_with_it_but_not_story_above_it() -> None:
    title = "Night ferry to the islands extended"
    head = (
        f"<html lang='en'><head><title>{title}</title><meta property='og:type' content='article'>"
        "<meta property='article:published_time' content='2026-03-02T08:00:00Z'></head><body><article>"
    )
    furniture = "<p>The Island Post Blog</p><p>Home › Guides › Ferries</p>"
    text = _record(f"{head}{furniture}<h2>{title}</h2>{_paragraphs()}</article></body></html>").text
    assert text.split("\n\n") == PARAGRAPHS
    lead = (
        "Late on Tuesday evening the harbour board finally voted, after three years of trials, petitions and "
        "long meetings in the town hall, to keep the night ferry running to the northern islands for at least "
        "another year, and perhaps for good."
    )
    text = _record(f"{head}<p>{lead}</p><h2>{title}</h2>{_paragraphs()}</article></body></html>").text
    assert text.split("\n\n") == [lead, *PARAGRAPHS]


def test_a_one_paragraph_answer_in_a_collapsible_details_box_is_kept() -> None:
    answers = [
        "Yes: the night ferry takes bicycles on the car deck at no charge, though the racks on the lower deck hold twelve at most.",
        "Season tickets bought for the spring trial stay valid on all of the late crossings until the end of the year, the board said.",
    ]
    faq = "".join(
        f"<details class='expandable faq'><summary>Question {number}?</summary><p>{answer}</p></details>"
        for number, answer in enumerate(answers, start=1)
    )
    text = _record(_page(_paragraphs() + f"<h2>Your questions answered</h2>{faq}")).text
    for answer in answers:
        assert answer in text


def test_runs_of_dated_headline_links_are_dropped_without_class_names_but_not_a_dated_timeline() -> None:
    cards = [
        ("/news/2016/01/12/new-terminal-opens", "New terminal opens at the north quay", "January 12, 2016"),
        ("/news/2019/01/14/winter-timetable", "Winter timetable brings fewer sailings", "January 14, 2019"),
        ("/news/2013/06/18/first-night-ferry", "First night ferry leaves the harbour", "June 18, 2013"),
    ]
    box = "".join(f"<div><a href='{href}'><h5>{headline}</h5></a><p>{date}</p></div>" for href, headline, date in cards)
    timeline = "".join(
        f"<h3>{event}</h3><p>{date}</p>"
        for event, date in (("Trial begins", "March 2, 2025"), ("Board reviews trial", "October 9, 2025"),
                            ("Extension approved", "March 2, 2026"))
    )
    text = _record(_page(_paragraphs() + timeline + f"<div>{box}</div>")).text
    assert PARAGRAPHS[-1] in text
    for _, headline, date in cards:
        assert headline not in text and date not in text
    assert "Board reviews trial" in text and "October 9, 2025" in text


TEASERS = [
    ("/news/new-terminal", "New terminal opens at the north quay", "The terminal doubles the waiting room and adds a covered walkway to the ferry berth."),
    ("/news/winter-timetable", "Winter timetable brings fewer sailings", "Two crossings a day are cut from November to March while the larger ferry is refitted."),
    ("/news/harbour-dredging", "Harbour dredging to start in spring", "The channel will be deepened so that the new ferries can berth at low tide."),
]


def test_headline_links_with_excerpts_closing_the_body_are_dropped_but_not_a_body_made_of_them() -> None:
    cards = "".join(f"<div><a href='{href}'><h5>{headline}</h5></a><p>{excerpt}</p></div>" for href, headline, excerpt in TEASERS)
    text = _record(_page(_paragraphs(*LONGER_STORY) + f"<div>{cards}</div>")).text
    assert text.endswith(LONGER_STORY[-1])
    directory = _record(_page(f"<p>{PARAGRAPHS[0]}</p>{cards}")).text
    for _, headline, excerpt in TEASERS:
        assert excerpt in directory
    more = (
        " The harbour board will publish the full plans, the costs and the timetable for the works at its next "
        "meeting in May."
    )
    longer_cards = "".join(
        f"<div><a href='{href}'><h5>{headline}</h5></a><p>{excerpt}{more}</p></div>" for href, headline, excerpt in TEASERS
    )
    assert all(30 < len(f"{excerpt}{more}".split()) <= 60 for _, _, excerpt in TEASERS)
    text = _record(_page(_paragraphs(*LONGER_STORY) + f"<div>{longer_cards}</div>")).text
    assert text.endswith(LONGER_STORY[-1])


def test_a_tag_cloud_is_dropped_but_not_a_sentence_of_linked_words() -> None:
    tags = (
        "ferries", "harbour", "islands", "weather", "council", "budget", "schools", "tourism", "fishing", "culture",
        "roads", "health", "sport", "elections", "events", "jobs", "housing", "farming", "music", "history",
    )
    cloud = "<p>" + "  ".join(f"<a href='/news?tag={tag}'>{tag}</a>" for tag in tags) + "</p>"
    linked = "Ferries, harbour and islands budget: the council schools weather culture. Tourism and fishing too."
    record = _record(_unnamed_page(_paragraphs(linked) + cloud))
    assert "elections" not in record.text
    assert linked in record.text


def test_section_headings_listed_in_a_script_driven_contents_box_are_kept() -> None:
    sections = [("What the board decided", "1. A second late boat"), ("What passengers said", "2. Fares stay the same")]
    contents = "<div>" + "".join(f"<a>{heading}</a><a>{subheading}</a>" for heading, subheading in sections) + "</div>"
    story = "".join(
        f"<h2>{heading}</h2><h3>{subheading}</h3><p>{text}</p>"
        for (heading, subheading), text in zip(sections, LONG_STORY, strict=False)
    )
    record = _record(_page(contents + _paragraphs() + story))
    for heading, subheading in sections:
        assert f"{heading}\n\n{subheading}" in record.text


def test_an_item_of_a_nested_list_comes_out_once() -> None:
    tips = (
        "<ul><li>Book the late crossing a day ahead, as the night boats carry fewer cars."
        "<ul><li>Residents book with their island card.</li><li>Visitors book online or at the quay.</li></ul></li>"
        "<li>Arrive at the north quay thirty minutes before sailing.</li></ul>"
    )
    record = _record(_page(_paragraphs() + tips + _paragraphs(*LONG_STORY[:2])))
    lines = record.text.split("\n")
    assert "Book the late crossing a day ahead, as the night boats carry fewer cars." in lines
    assert record.text.count("Residents book with their island card.") == 1
    assert "Visitors book online or at the quay." in lines


def test_a_category_menu_with_post_counts_is_dropped_but_not_a_list_of_figures() -> None:
    categories = (
        "Community News", "Island Life", "Ferry Times", "Weather Watch", "Sports", "Real Estate", "Travel", "Schools",
        "Business", "Opinion", "Obituaries", "Events",
    )
    menu = "".join(
        f"<li><span></span> <a href='/category/{index}/'>{name}</a> <span>({index * 70 + 3})</span></li>"
        for index, name in enumerate(categories)
    )
    figures = "<ul><li>Passengers: 41,000</li><li>Crossings: 312</li><li>Late sailings: 52</li></ul>"
    record = _record(_page(_paragraphs(*LONG_STORY[:3]) + figures + f"<ul>{menu}</ul>"))
    assert "Weather Watch" not in record.text
    assert "Passengers: 41,000" in record.text


def test_a_list_of_recent_posts_with_their_dates_is_dropped_but_not_a_list_of_dated_events() -> None:
    posts = ("Winter timetable for the island ferries", "New terminal opens at the north quay", "Fares frozen for 2026")
    recent = "".join(
        f"<li><a href='/news/{index}'>{title}</a> - January {index + 10}, 2026</li>" for index, title in enumerate(posts)
    )
    events = "<ul><li>Board vote - March 2, 2026</li><li>Terminal opening - May 1, 2026</li></ul>"
    record = _record(_page(_paragraphs(*LONG_STORY[:3]) + events + f"<ul>{recent}</ul>"))
    assert "Winter timetable" not in record.text
    assert "Board vote - March 2, 2026" in record.text


def test_a_declared_article_beside_a_longer_ticker_of_cut_off_teasers_is_kept_without_it_but_a_teaser_list_is_a_listing() -> None:
    ticker = "".join(
        f"<li><a href='/news/{number}'>Harbour news item {number}: the council met again on Tuesday evening to "
        f"discuss the timetable, the fares, the new terminal and the plans for the winter season that some…</a></li>"
        for number in range(1, 13)
    )
    record = _record(_page(f"<ul>{ticker}</ul>" + _paragraphs(*LONG_STORY)))
    assert LONG_STORY[-1] in record.text
    assert "Harbour news item" not in record.text
    listing = extract(_page(f"<ul>{ticker}</ul>" + _paragraphs()), "https://islandpost.example/news/harbour")
    assert isinstance(listing, Rejection) and listing.reason is RejectionReason.LISTING_PAGE


def test_a_line_opening_with_the_bylines_name_above_the_body_is_dropped_but_not_a_sentence() -> None:
    author = "<meta name='author' content='Ann Example'>"
    for line in (
        "By Ann Example Ann Example The Island Post Biography @annexample ann.example@islandpost.example",
        "ANN EXAMPLE, Island Post Harbour Writer",
        "Cy Person, AP Sports Writer",
        "Cy Person and Di Example, Associated Press",
    ):
        record = _record(_page(f"<p>{line}</p>" + _paragraphs(), head=author))
        assert record.text.startswith(PARAGRAPHS[0]), line
    sentence = "Ann Example, who rode the first night ferry, said the crossing was calm."
    assert _record(_page(f"<p>{sentence}</p>" + _paragraphs(), head=author)).text.startswith(sentence)


def test_a_related_articles_label_left_between_paragraphs_is_dropped_and_the_story_after_it_kept() -> None:
    after = [" ".join(LONGER_STORY[:2]), " ".join(LONGER_STORY[2:])]
    text = _record(_page(_paragraphs() + "<h3>Related articles</h3>" + "".join(f"<p>{t}</p>" for t in after))).text
    assert "Related articles" not in text
    assert after[0] in text and after[1] in text


def test_a_caption_printed_twice_in_a_row_whole_or_cut_short_is_dropped_but_not_a_paragraph_that_repeats_a_sentence() -> None:
    caption = "Passengers board the late ferry at the north quay on Friday, March 6, 2026, in Harbourtown."
    doubled = f"{caption}{caption}Photo: Ann Example"
    echo = f"{PARAGRAPHS[0]} {PARAGRAPHS[0]} The vote followed a year of trial crossings and a petition from the islands."
    text = _record(_page(_paragraphs(doubled, echo))).text
    assert "Passengers board the late ferry" not in text
    assert echo in text
    toggled = f"{caption} less{caption[:70]} ... morePhoto: Ann Example"
    text = _record(_page(_paragraphs(toggled, echo))).text
    assert "Passengers board the late ferry" not in text
    assert echo in text


def test_excerpts_trimmed_to_one_word_count_are_dropped_but_not_sentences_of_one_length() -> None:
    others = [
        "Navigating the new winter timetable can be confusing for islanders who rely on the late crossings to get home.",
        "Harbour dredging will begin in the spring so that the larger ferries can berth at the north quay at any tide.",
        "The island councils have asked the board to study a second evening sailing on the western route next summer.",
    ]
    excerpts = [" ".join(text.split()[:16]) for text in others]
    sentences = [" ".join(text.split()[:15]) + "." for text in others]
    text = _record(_page(_paragraphs(*LONGER_STORY, *excerpts))).text
    assert text.endswith(LONGER_STORY[-1])
    kept = _record(_page(_paragraphs(*LONGER_STORY, *sentences))).text
    assert all(sentence in kept for sentence in sentences)


def _titled_page(title: str, headline: str = "", site_name: str = "") -> str:
    site = f"<meta property='og:site_name' content='{site_name}'>" if site_name else ""
    heading = f"<h1>{headline}</h1>" if headline else ""
    return (
        f"<html lang='en'><head><title>{title}</title><meta property='og:title' content='{title}'>"
        f"<meta property='og:type' content='article'>{site}"
        "<meta property='article:published_time' content='2026-03-02T08:00:00Z'></head>"
        f"<body><article>{heading}{_paragraphs()}</article></body></html>"
    )


@pytest.mark.parametrize(
    ("url", "title", "headline", "site_name", "expected"),
    [
        # the site named by the URL's host, in the <title> or in the <h1>
        ("https://blog.rust-lang.org/2025/12/19/ferry", "Night ferry extended | Rust Blog", "", "", "Night ferry extended"),
        ("https://artlyst.com/reviews/ferry", "Night ferry", "Night ferry extended – Artlyst", "", "Night ferry extended"),
        ("https://www.getdianahr.com/blog/ferry", "DianaHR: Night ferry extended", "", "", "DianaHR: Night ferry extended"),
        ("https://www.getdianahr.com/blog/ferry", "DianaHR - Night ferry extended", "", "", "Night ferry extended"),
        # the declared site name after a bullet
        ("https://coryd.dev/posts/ferry", "Night ferry extended • Ann Example", "", "Ann Example", "Night ferry extended"),
        # a part that only mentions a word of the host is the headline's own
        ("https://blog.rust-lang.org/ferry", "Rust 1.80 released - What is new in Rust", "", "Rust Blog", "Rust 1.80 released - What is new in Rust"),
        # a domain in the title names the site; a version number does not
        ("https://islandpost.example/news/ferry", "Night ferry extended | islandpost.example", "", "", "Night ferry extended"),
        ("https://islandpost.example/news/ferry", "Rust 1.80 released - What is new", "", "", "Rust 1.80 released - What is new"),
        # an entity the page escaped twice
        ("https://islandpost.example/news/ferry", "Ferries &amp;#x26; buses", "", "", "Ferries & buses"),
    ],
)
def test_the_title_leaves_out_the_site_name(url: str, title: str, headline: str, site_name: str, expected: str) -> None:
    assert _record(_titled_page(title, headline, site_name), url).title == expected


def test_a_blog_whose_h1_is_its_name_gets_the_post_title_from_the_h2_its_title_tag_names() -> None:
    page = (
        "<html lang='en'><head><title>Night ferry to the islands extended for another year - Part 1 | Harbour Notes"
        "</title><meta property='article:published_time' content='2026-03-02T08:00:00Z'></head><body>"
        "<header><h1>Harbour Notes</h1></header><article>"
        f"<h2>Night ferry to the islands extended for another year</h2>{_paragraphs()}</article></body></html>"
    )
    assert _record(page).title == "Night ferry to the islands extended for another year"


def test_a_link_that_shows_its_own_address_is_kept_but_a_headline_link_is_not() -> None:
    address = "https://github.com/islandpost/ferry-timetables/tree/main/night"
    headline = "Ferry fares rise again on the southern routes"
    record = _record(_page(_paragraphs(
        "The timetable data the board used is published on the project page here:",
    ) + f"<p><a href='{address}'>{address}</a></p><p>Registration: <a href='{address}/signup'>{address}/signup</a></p>"
      f"<p><a href='/news/fares'>{headline}</a></p>"))
    assert record.text.endswith(f"{address}\n\nRegistration: {address}/signup")
    assert headline not in record.text


def test_a_link_to_another_site_heading_its_write_up_is_kept_but_not_a_related_link_a_paid_link_or_a_pitch() -> None:
    deals = [
        ("https://wire.example.net/harbour-lines-buys-ferrylink", "Harbour Lines acquires Ferrylink",
         "Harbour Lines said the purchase would bring its crossings and the night ferry's booking system under one "
         "roof by the summer."),
        ("https://news.example.org/tidal-to-buy-quayside", "Tidal Group to acquire Quayside Tickets",
         "The ticket seller, founded in a harbour shed ten years ago, now sells most of the bus and ferry passes "
         "of the islands."),
    ]
    roundup = "".join(f"<p><a href='{href}'>{headline}</a></p><p>{write_up}</p>" for href, headline, write_up in deals)
    later = " Both deals still need the approval of the harbour board, which meets again in May."
    related = "<p><a href='/news/fares-rise'>Ferry fares rise again on the southern routes</a></p>"
    paid = "<p><a href='https://shop.example.net/tickets' rel='sponsored nofollow'>Cheap island ferry tickets here</a></p>"
    guide = "<p><a href='https://books.example.net/ferry-guide'>The Island Ferry Guide, second edition</a></p>"
    disclosure = (
        "<p>As an Amazon Associate we earn from qualifying purchases, and we may use affiliate links in our posts "
        "and in our weekly newsletter as well. Thank you for your support!</p>"
    )
    story = f"<p>{PARAGRAPHS[0]}</p>{roundup}{related}<p>{PARAGRAPHS[1]}{later}</p>{paid}<p>{PARAGRAPHS[2]}{later}</p>"
    story += f"{guide}{disclosure}<p>{PARAGRAPHS[3]}</p>"
    text = _record(_page(story)).text
    assert all(f"{headline}\n\n{write_up}" in text for _, headline, write_up in deals)
    for dropped in ("Ferry fares rise again", "Cheap island ferry tickets", "Island Ferry Guide", "Amazon Associate"):
        assert dropped not in text
    assert text.endswith(PARAGRAPHS[3])


def test_a_prompt_to_get_a_named_app_is_dropped() -> None:
    record = _record(_page(_paragraphs("CLICK HERE TO GET THE ISLAND POST APP")))
    assert record.text.endswith(PARAGRAPHS[-1])
