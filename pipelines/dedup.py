"""Drop a record whose canonical URL this crawl already produced (the same article under two URLs)."""

from __future__ import annotations

from typing import Self

from scrapy.exceptions import DropItem

from newsclean.record import ArticleRecord


class DuplicateArticle(DropItem):
    """The same canonical URL was already scraped in this crawl."""


class DuplicatesPipeline:
    """Keeps the first record per canonical URL. Equal texts on different sites stay two records."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: object) -> Self:
        return cls()

    def process_item(self, item: ArticleRecord) -> ArticleRecord:
        if item.canonical_url in self.seen:
            raise DuplicateArticle(f"{item.url} is {item.canonical_url}, already scraped")
        self.seen.add(item.canonical_url)
        return item
