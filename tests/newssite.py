"""Generated news sites for the incremental, crash, schedule and Scrapyd tests.

`write_site(root, count)` writes a small site that SiteServer can serve: robots.txt naming
/sitemap.xml, a home page and a listing page (/section/latest/) that link to every article, and the
articles themselves (og:type article, JSON-LD NewsArticle, a five-paragraph body of their own).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

FIRST_DATE = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
PLACES = ("harbor", "mill district", "north beach", "old town", "ferry landing", "river park", "market square")
TOPICS = ("budget", "school board", "bridge repair", "library", "bus route", "flood barrier", "farmers market")
PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} - The Test Ledger</title>
<link rel="canonical" href="{{{{BASE}}}}{path}">
<meta property="og:type" content="{og_type}">
<meta property="og:site_name" content="The Test Ledger">
{head}</head>
<body>
<header class="site-header"><a class="logo" href="/">The Test Ledger</a>
<nav class="main-nav"><a href="/">Home</a> <a href="/section/latest/">Latest</a></nav></header>
<main>
{main}
</main>
<footer class="site-footer"><p>&copy; 2026 The Test Ledger. A fictional test site.</p></footer>
</body>
</html>
"""
ARTICLE_HEAD = """<meta property="article:published_time" content="{date}">
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "{title}", "datePublished": "{date}",
 "dateModified": "{date}", "author": {{"@type": "Person", "name": "Robin Vale"}},
 "publisher": {{"@type": "Organization", "name": "The Test Ledger"}}}}
</script>
"""


def article_path(number: int) -> str:
    return f"/articles/story-{number:03d}.html"


def article_title(number: int) -> str:
    return f"Council weighs {TOPICS[number % len(TOPICS)]} plan for the {PLACES[number % len(PLACES)]} ({number})"


def article_date(number: int) -> datetime:
    return FIRST_DATE + timedelta(hours=6 * number)


def article_html(number: int) -> str:
    """An article page with a body of its own."""
    title, date = article_title(number), article_date(number).isoformat()
    place, topic = PLACES[number % len(PLACES)], TOPICS[number % len(TOPICS)]
    paragraphs = [
        (f"The town council met on Tuesday evening to discuss the {topic} plan for the {place}, the {number}th item"
         " on an agenda that ran well past ten o'clock and drew a crowd of residents to the old hall."),
        (f"Supporters said the {topic} work would make daily life easier for families near the {place}, while"
         " critics asked who would pay for it and why the estimate had grown since the spring hearing."),
        (f"The staff report lists {number + 3} changes to the earlier draft, including"
         " a longer timeline, a smaller first phase and a promise to publish quarterly progress reports."),
        ("Council members agreed to hold a public workshop next month before any final vote, and the clerk said"
         f" written comments on the {topic} plan can be sent to the town office until the end of the year."),
        ("Residents who spoke on Tuesday included shop owners, two retired teachers and a fisherman from the"
         f" {place}, who said the council should listen to the people who live with the results every day."),
    ]
    body = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    main = (f'<article class="post">\n<h1 class="entry-title">{title}</h1>\n'
            f'<p class="byline">By Robin Vale | <time datetime="{date}">{date[:10]}</time></p>\n'
            f'<div class="entry-content">\n{body}\n</div>\n</article>')
    return PAGE.format(title=title, path=article_path(number), og_type="article",
                       head=ARTICLE_HEAD.format(title=title, date=date), main=main)


def listing_html(title: str, path: str, numbers: list[int]) -> str:
    teasers = "\n".join(
        f'<li><h2><a href="{article_path(n)}">{article_title(n)}</a></h2>'
        f"<p>The council discussed the plan for the {PLACES[n % len(PLACES)]} on Tuesday.</p></li>"
        for n in numbers
    )
    pagination = '<nav class="pagination"><span>Page 1</span></nav>'
    main = f'<h1>{title}</h1>\n<ul class="teasers">\n{teasers}\n</ul>\n{pagination}'
    return PAGE.format(title=title, path=path, og_type="website", head="", main=main)


def sitemap_xml(numbers: list[int], lastmod: dict[int, datetime] | None = None) -> str:
    lastmod = lastmod or {}
    urls = "\n".join(
        f"  <url><loc>{{{{BASE}}}}{article_path(n)}</loc>"
        f"<lastmod>{lastmod.get(n, article_date(n)).isoformat()}</lastmod></url>"
        for n in numbers
    )
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}\n</urlset>\n')


def write_site(root: Path, count: int) -> list[str]:
    """Write a site of `count` articles under root; returns the article paths."""
    numbers = list(range(1, count + 1))
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / "section" / "latest").mkdir(parents=True, exist_ok=True)
    (root / "robots.txt").write_text("User-agent: *\nDisallow:\n\nSitemap: {{BASE}}/sitemap.xml\n", encoding="utf-8")
    (root / "index.html").write_text(listing_html("The Test Ledger", "/", numbers[-5:]), encoding="utf-8")
    latest = listing_html("Latest news", "/section/latest/", numbers)
    (root / "section" / "latest" / "index.html").write_text(latest, encoding="utf-8")
    (root / "sitemap.xml").write_text(sitemap_xml(numbers), encoding="utf-8")
    for number in numbers:
        (root / article_path(number).lstrip("/")).write_text(article_html(number), encoding="utf-8")
    return [article_path(n) for n in numbers]
