"""Extraction over real-world-like pages, each with its expected record beside it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsclean.extraction import Rejection, extract
from newsclean.record import ArticleRecord

PAGES = Path(__file__).parent / "fixtures" / "pages"
CASES = sorted(p for p in PAGES.iterdir() if (p / "expected.json").is_file())


def load_case(folder: Path) -> tuple[str, str, dict[str, Any]]:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    return (folder / "page.html").read_text(encoding="utf-8"), meta["url"], expected


@pytest.mark.parametrize("folder", [c for c in CASES if load_case(c)[2]["kind"] == "article"], ids=lambda p: p.name)
def test_article_pages_give_clean_records(folder: Path) -> None:
    html, url, expected = load_case(folder)
    record = extract(html, url)
    assert isinstance(record, ArticleRecord), f"rejected: {record}"
    assert record.title == expected["title"]
    for snippet in expected["must_contain"]:
        assert snippet in record.text, f"lost: {snippet!r}"
    for snippet in expected["must_not_contain"]:
        assert snippet not in record.text, f"leaked: {snippet!r}"
    assert len(record.text.split("\n\n")) == expected["paragraphs"]
    assert not record.text.startswith(record.title)
    for field in ("authors", "language"):
        if field in expected:
            assert getattr(record, field) == expected[field]
    if "published" in expected:
        assert record.published is not None and record.published.startswith(expected["published"])


@pytest.mark.parametrize("folder", [c for c in CASES if load_case(c)[2]["kind"] == "not_article"], ids=lambda p: p.name)
def test_non_article_pages_are_rejected_with_a_reason(folder: Path) -> None:
    html, url, expected = load_case(folder)
    outcome = extract(html, url)
    assert isinstance(outcome, Rejection), f"stored a {expected['page_type']} page as an article"
    assert outcome.reason


def test_fixture_expectations_are_well_formed() -> None:
    for folder in CASES:
        _html, _url, expected = load_case(folder)
        assert list(expected) == sorted(expected), f"{folder.name}: keys not sorted"
        assert all(value not in ("", [], None) for value in expected.values()), f"{folder.name}: empty value"
        if expected["kind"] == "article":
            assert {"title", "must_contain", "must_not_contain", "paragraphs"} <= expected.keys()
