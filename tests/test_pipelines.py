"""Item pipelines through Scrapy's own component construction, without a crawl."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newsclean.record import ArticleRecord, content_hash
from pipelines.dedup import DuplicateArticle, DuplicatesPipeline
from pipelines.store import StorePipeline
from pipelines.validate import InvalidArticle, ValidationPipeline

TEXT = " ".join(["word"] * 60)


def record(url: str = "https://a.example/1", **changes: object) -> ArticleRecord:
    base = ArticleRecord(
        id="1", url=url, canonical_url=url, title="Title", text=TEXT, word_count=60, content_hash=content_hash(TEXT)
    )
    return dataclasses.replace(base, **changes)


def test_validation_names_the_missing_fields() -> None:
    pipeline = build_from_crawler(ValidationPipeline, get_crawler(settings_dict={"NEWSCLEAN_MIN_WORDS": 40}))
    assert pipeline.process_item(record()) is not None
    with pytest.raises(InvalidArticle, match="missing title, text"):
        pipeline.process_item(record(title="", text=""))
    with pytest.raises(InvalidArticle, match="12 words"):
        pipeline.process_item(record(word_count=12))


def test_duplicate_canonical_urls_are_dropped_within_a_crawl() -> None:
    pipeline = build_from_crawler(DuplicatesPipeline, get_crawler())
    pipeline.process_item(record("https://a.example/1"))
    with pytest.raises(DuplicateArticle):
        pipeline.process_item(record("https://a.example/1?amp=1", canonical_url="https://a.example/1"))
    pipeline.process_item(record("https://b.example/1"))


def test_store_pipeline_counts_outcomes(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"STORE_URL": f"sqlite:///{tmp_path}/s.db"})
    pipeline = build_from_crawler(StorePipeline, crawler)
    pipeline.open_spider()
    pipeline.process_item(record())
    pipeline.process_item(record())
    pipeline.close_spider()
    assert pipeline.stats.get_value("newsclean/store/new") == 1
    assert pipeline.stats.get_value("newsclean/store/unchanged") == 1
