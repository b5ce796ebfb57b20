"""Drop records that miss what every article must have."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy.exceptions import DropItem

from newsclean.record import ArticleRecord

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

REQUIRED_FIELDS = ("url", "canonical_url", "title", "text", "content_hash")


class InvalidArticle(DropItem):
    """A record without a required field or with too few words."""


class ValidationPipeline:
    """Requires the fields in REQUIRED_FIELDS and at least NEWSCLEAN_MIN_WORDS words."""

    def __init__(self, min_words: int) -> None:
        self.min_words = min_words

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(min_words=crawler.settings.getint("NEWSCLEAN_MIN_WORDS", 40))

    def process_item(self, item: ArticleRecord) -> ArticleRecord:
        if not isinstance(item, ArticleRecord):
            raise InvalidArticle(f"not an ArticleRecord: {type(item).__name__}")
        missing = [name for name in REQUIRED_FIELDS if not getattr(item, name)]
        if missing:
            raise InvalidArticle(f"missing {', '.join(missing)}: {item.url}")
        if item.word_count < self.min_words:
            raise InvalidArticle(f"{item.word_count} words, fewer than {self.min_words}: {item.url}")
        return item
