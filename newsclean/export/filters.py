"""Which stored records an export keeps: published dates, sites, languages, length."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from newsclean.record import ArticleRecord


@dataclass(frozen=True)
class RecordFilter:
    """Every condition given must hold; `reason()` names the first that does not."""

    since: date | None = None
    until: date | None = None
    sites: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    min_words: int = 0

    def reason(self, record: ArticleRecord) -> str | None:
        """None when the record passes, else the drop reason: no_date, date_range, site, language or min_words."""
        if self.since or self.until:
            published = published_date(record.published)
            if published is None:
                return "no_date"
            if (self.since and published < self.since) or (self.until and published > self.until):
                return "date_range"
        if self.sites and not any(on_site(record_host(record), site) for site in self.sites):
            return "site"
        if self.languages and language_code(record.language) not in {language_code(x) for x in self.languages}:
            return "language"
        if record.word_count < self.min_words:
            return "min_words"
        return None


def parse_datetime(value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time as an aware datetime (UTC when it names no offset), else None."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def published_date(value: str | None) -> date | None:
    """The calendar date of publication as the page states it (in its own time zone)."""
    moment = parse_datetime(value)
    return moment.date() if moment else None


def record_host(record: ArticleRecord) -> str:
    return record.hostname or urlsplit(record.url).hostname or ""


def on_site(host: str, site: str) -> bool:
    """`host` is `site` or one of its subdomains; a leading "www." is ignored on both."""
    host, site = host.lower().removeprefix("www."), site.lower().strip().removeprefix("www.")
    return bool(site) and (host == site or host.endswith("." + site))


def language_code(language: str | None) -> str:
    """"en-GB" and "EN" are both "en"."""
    return (language or "").replace("_", "-").split("-")[0].lower()
