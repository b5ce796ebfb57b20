"""The sources file (sources.toml): the sites to crawl, how, and when.

    [sources.harbor-gazette]
    start_urls = ["https://news.example/"]
    feeds = ["https://news.example/rss.xml"]            # optional: used directly
    sitemaps = ["https://news.example/sitemap.xml"]     # optional: used directly
    allowed_hosts = ["news.example", "www.news.example"] # optional; the start URLs' hosts always are
    schedule = "15 * * * *"                             # optional cron expression
    page_budget = 500                                   # optional

    [sources.harbor-gazette.settings]                   # optional Scrapy settings for this source
    DOWNLOAD_DELAY = 1.0
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from croniter import croniter

DEFAULT_SOURCES_FILE = "sources.toml"
URL_LISTS = ("start_urls", "feeds", "sitemaps")
KNOWN_KEYS = frozenset({*URL_LISTS, "allowed_hosts", "schedule", "page_budget", "settings"})


class SourcesError(ValueError):
    """A sources file that cannot be read, or a source in it that is not usable."""


@dataclass(frozen=True)
class Source:
    name: str
    start_urls: tuple[str, ...]
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    schedule: str | None = None
    page_budget: int | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)


def load_sources(path: str | Path) -> dict[str, Source]:
    """Every source of a sources file, by name."""
    try:
        with open(path, "rb") as file:
            document = tomllib.load(file)
    except OSError as error:
        raise SourcesError(f"cannot read the sources file {path}: {error.strerror or error}") from error
    except tomllib.TOMLDecodeError as error:
        raise SourcesError(f"{path}: not valid TOML: {error}") from error
    tables = document.get("sources")
    if not isinstance(tables, dict) or not tables:
        raise SourcesError(f"{path}: no [sources.NAME] table")
    return {name: _source(path, name, table) for name, table in tables.items()}


def load_source(path: str | Path, name: str) -> Source:
    sources = load_sources(path)
    if name not in sources:
        raise SourcesError(f"{path}: no source named {name!r}; known: {', '.join(sorted(sources))}")
    return sources[name]


def _source(path: str | Path, name: str, table: object) -> Source:
    where = f"{path}: source {name!r}"
    if not isinstance(table, dict):
        raise SourcesError(f"{where}: expected a table")
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise SourcesError(f"{where}: unknown keys {', '.join(unknown)}; known: {', '.join(sorted(KNOWN_KEYS))}")
    urls = {key: _url_list(where, key, table.get(key, [])) for key in URL_LISTS}
    if not urls["start_urls"]:
        raise SourcesError(f"{where}: start_urls is required (a list of http(s) URLs)")
    return Source(
        name=name,
        start_urls=urls["start_urls"],
        feeds=urls["feeds"],
        sitemaps=urls["sitemaps"],
        allowed_hosts=_string_list(where, "allowed_hosts", table.get("allowed_hosts", [])),
        schedule=_schedule(where, table.get("schedule")),
        page_budget=_page_budget(where, table.get("page_budget")),
        settings=_settings(where, table.get("settings", {})),
    )


def _string_list(where: str, key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise SourcesError(f"{where}: {key} must be a list of strings")
    return tuple(item.strip() for item in value)


def _url_list(where: str, key: str, value: object) -> tuple[str, ...]:
    urls = _string_list(where, key, value)
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SourcesError(f"{where}: {key}: not an http(s) URL: {url!r}")
    return urls


def _schedule(where: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not croniter.is_valid(value):
        raise SourcesError(f"{where}: schedule {value!r} is not a cron expression (e.g. \"15 * * * *\")")
    return value


def _page_budget(where: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SourcesError(f"{where}: page_budget must be a positive integer, not {value!r}")
    return value


def _settings(where: str, value: object) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(key, str) and key.isupper() for key in value):
        raise SourcesError(f"{where}: settings must be a table of Scrapy settings (UPPER_CASE names)")
    return dict(value)
