"""The article record: one schema for crawls, one-off fetches and file extraction."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from typing import Any, Literal

DiscoveredVia = Literal["sitemap", "feed", "link", "manual", "file"]


@dataclass
class ArticleRecord:
    """A clean article. `text` holds body paragraphs separated by one blank line."""

    id: str
    url: str
    canonical_url: str
    title: str
    text: str
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    site_name: str | None = None
    hostname: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    word_count: int = 0
    content_hash: str = ""
    fetched_at: str = ""
    discovered_via: DiscoveredVia = "file"
    extractor: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArticleRecord:
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


# Han ideographs and kana: scripts written without spaces, where each character counts as a word.
_UNSPACED_SCRIPT_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def count_words(text: str) -> int:
    """Whitespace-separated words; in Chinese and Japanese, characters."""
    unspaced = len(_UNSPACED_SCRIPT_RE.findall(text))
    if not unspaced:
        return len(text.split())
    return unspaced + len(_UNSPACED_SCRIPT_RE.sub(" ", text).split())


def record_id(canonical_url: str) -> str:
    """A stable id derived from the canonical URL."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:32]


def content_hash(text: str) -> str:
    """Hash of the body text with whitespace folded, so re-wrapping does not change it."""
    folded = " ".join(text.split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
