"""Crawl state: what a crawl knows about every URL it has seen, and what it decides from it.

Scrapy-free. A crawl reads the state of its hosts from the store as it needs it, asks
`plan_page()` / `plan_file()` whether to request a URL (plainly, conditionally, or not at all),
and writes back what it saw and fetched with `flush()`: one transaction per response, so the
state of a page and the links found on it are committed together or not at all.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from itertools import islice
from typing import TYPE_CHECKING, Any

from newsclean.record import utc_now
from newsclean.urls import hostname

if TYPE_CHECKING:
    from newsclean.store import Store

# Pages whose links lead to new articles: every crawl asks them again (conditionally).
REVISITED_VERDICTS = frozenset({"listing_page", "tag_page", "author_page", "search_page"})
ARTICLE_VERDICT = "article"
# Errors (spiders.base.failure_reason) after which a URL is not worth another try in the next crawl,
# besides HTTP 4xx answers; timeouts, connection errors and 5xx answers are tried again.
FINAL_ERRORS = frozenset({"robots_txt", "offsite", "blocked", "ignored", "redirect_loop", "too_large"})
FINAL_STATUSES = frozenset(range(400, 500)) - {408, 429}
# Page states kept in memory; the others are read back from the store when the crawl comes across them again.
CACHE_SIZE = 5000
STORE_BATCH = 500  # URLs asked of the store at a time


class UrlKind(StrEnum):
    PAGE = "page"
    SITEMAP = "sitemap"
    FEED = "feed"
    ROBOTS = "robots"


class Plan(StrEnum):
    """What to do with a URL a crawl comes across."""

    FETCH = "fetch"  # a plain GET: never fetched, or its last answer is unusable
    REVALIDATE = "revalidate"  # a conditional GET (If-None-Match / If-Modified-Since)
    SKIP = "skip"  # a stored article that no sitemap or feed says has changed


@dataclass
class UrlState:
    """One URL's row in the crawl_state table. Dates are ISO 8601 strings in UTC."""

    url: str
    kind: str
    hostname: str
    first_seen: str
    discovered_via: str | None = None
    found_in: str | None = None
    listed_date: str | None = None  # newest sitemap lastmod / feed date it was listed with
    version_date: str | None = None  # the listed date of the version last fetched
    checked_at: str | None = None  # last request that got an answer or an error
    fetched_at: str | None = None  # last 200
    status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    verdict: str | None = None  # "article", a rejection reason, or "dropped:<reason>"
    error: str | None = None
    final_url: str | None = None

    def validators(self) -> dict[str, str]:
        """Conditional-GET headers from the last answer's ETag and Last-Modified."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    @property
    def answered_ok(self) -> bool:
        return self.status in (200, 304) and self.error is None

    @property
    def retry_pending(self) -> bool:
        """Seen but never answered, or its last request failed for a reason that may pass."""
        if self.checked_at is None:
            return True
        return self.error is not None and not final_failure(self.error, self.status)


def final_failure(error: str, status: int | None) -> bool:
    """A failure that asking again soon would not change (a 4xx answer, robots.txt, offsite...)."""
    return error in FINAL_ERRORS or status in FINAL_STATUSES


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def parse_date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def later(first: str | None, second: str | None) -> str | None:
    """The later of two ISO dates (either may be None)."""
    if first is None or second is None:
        return first or second
    return first if datetime.fromisoformat(first) >= datetime.fromisoformat(second) else second


class CrawlState:
    """The state of one crawl's hosts, with the changes buffered until flush().

    With a store, the state lives there: the states of sitemaps, feeds and robots.txt files are kept in memory
    (a site has few), those of pages are read back from the store as needed, in batches (`prefetch()`), and
    at most `cache_size` of them are kept, so a crawl's memory does not grow with the site.
    """

    def __init__(
        self, store: Store | None, hostnames: Collection[str], incremental: bool = True, cache_size: int = CACHE_SIZE,
    ) -> None:
        self.store = store
        self.hostnames = sorted(set(hostnames))
        self.incremental = incremental and store is not None
        self.cache_size = cache_size if store is not None else None
        self._pages: OrderedDict[str, UrlState | None] = OrderedDict()
        self._stored: OrderedDict[str, str | None] = OrderedDict()
        self._files: dict[str, UrlState] = {}
        self._dirty: dict[str, UrlState] = {}
        self._answered: set[str] = set()
        self._by_final: OrderedDict[str, str] = OrderedDict()
        if store is not None:
            file_kinds = [str(kind) for kind in UrlKind if kind is not UrlKind.PAGE]
            self._files = {state.url: state for state in store.load_crawl_state(self.hostnames, file_kinds)}

    @property
    def known_files(self) -> int:
        return len(self._files)

    def get(self, url: str) -> UrlState | None:
        if url in self._dirty:
            return self._dirty[url]
        if url in self._files:
            return self._files[url]
        if url not in self._pages:
            self.prefetch([url])
        self._pages.move_to_end(url)
        return self._pages[url]

    def prefetch(self, urls: Iterable[str]) -> None:
        """Read the states of these URLs, and whether each is a stored article, from the store in one go."""
        missing = [url for url in dict.fromkeys(urls) if url not in self._pages and url not in self._files]
        if not missing:
            return
        found = {state.url: state for state in self.store.crawl_states(missing)} if self.store is not None else {}
        for url in missing:
            self._remember(self._pages, url, found.get(url))
        self._load_stored([*missing, *(state.final_url for state in found.values() if state.final_url)])

    def _load_stored(self, urls: list[str]) -> None:
        missing = [url for url in urls if url not in self._stored]
        stored = self.store.stored_dates(missing) if self.store is not None and missing else {}
        for url in missing:
            self._remember(self._stored, url, stored.get(url))

    def _stored_at(self, url: str) -> str | None:
        """When the stored article of this URL was fetched; None when none is stored."""
        if url not in self._stored:
            self._load_stored([url])
        return self._stored.get(url)

    def _remember(self, cache: OrderedDict[str, Any], key: str, value: Any) -> None:
        cache[key] = value
        cache.move_to_end(key)
        while self.cache_size is not None and len(cache) > self.cache_size:
            cache.popitem(last=False)

    def plan_page(self, url: str, listed: datetime | None) -> Plan:
        """Whether a page found now (with the date a sitemap or feed gave it, if any) is requested."""
        state = self.get(url)
        if not self.incremental:
            return Plan.FETCH
        if self._is_stored(url, state):
            return Plan.REVALIDATE if self._changed_since_fetch(url, state, listed) else Plan.SKIP
        if state is None or state.checked_at is None or state.verdict == ARTICLE_VERDICT:
            return Plan.FETCH
        return Plan.REVALIDATE if state.answered_ok and state.validators() else Plan.FETCH

    def plan_file(self, url: str) -> Plan:
        """robots.txt, sitemaps and feeds: conditional when the last answer gave validators."""
        state = self.get(url)
        if self.incremental and state is not None and state.answered_ok and state.validators():
            return Plan.REVALIDATE
        return Plan.FETCH

    def headers(self, url: str, plan: Plan) -> dict[str, str]:
        state = self.get(url)
        return state.validators() if plan is Plan.REVALIDATE and state is not None else {}

    def _is_stored(self, url: str, state: UrlState | None) -> bool:
        if self._stored_at(url) is not None:
            return True
        return state is not None and state.final_url is not None and self._stored_at(state.final_url) is not None

    def _changed_since_fetch(self, url: str, state: UrlState | None, listed: datetime | None) -> bool:
        if listed is None:
            return False
        baseline = (state.version_date or state.fetched_at) if state is not None else None
        baseline = baseline or self._stored_at(url)
        return baseline is None or listed > datetime.fromisoformat(baseline)

    def seen(self, url: str, kind: UrlKind, via: str | None, found_in: str | None, listed: datetime | None) -> None:
        """Remember a URL found on a page, in a sitemap or in a feed (new URLs and newer dates only)."""
        listed_iso = listed.isoformat() if listed else None
        state = self.get(url)
        if state is None:
            state = UrlState(url, str(kind), hostname(url), utc_now(), via, found_in, listed_iso)
        elif later(state.listed_date, listed_iso) != state.listed_date or _merged_kind(state.kind, kind) != state.kind:
            newest = later(state.listed_date, listed_iso)
            state = replace(state, listed_date=newest, kind=_merged_kind(state.kind, kind))
            if url in self._answered:
                state.version_date = later(state.version_date, state.listed_date)
        else:
            return
        self._put(state)

    def answered(
        self, url: str, kind: UrlKind, status: int, etag: str | None, last_modified: str | None,
        body: bytes | None = None, verdict: str | None = None, final_url: str | None = None,
    ) -> None:
        """Record an HTTP answer: 200 with its body (and the page's verdict) or 304."""
        now = utc_now()
        state = self.get(url) or UrlState(url, str(kind), hostname(url), now)
        state = replace(state, kind=_merged_kind(state.kind, kind), checked_at=now, status=status, error=None,
                        version_date=later(state.version_date, state.listed_date),
                        etag=etag or state.etag, last_modified=last_modified or state.last_modified)
        if status == 200:
            state = replace(state, fetched_at=now, body_hash=body_hash(body or b""), verdict=verdict or state.verdict,
                            final_url=final_url if final_url != url else None)
        self._answered.add(url)
        self._put(state)

    def failed(self, url: str, kind: UrlKind, error: str, status: int | None = None) -> None:
        """Record a failed request. A final failure settles the listed date, as an answer would: a removed
        article is asked for again only when a sitemap or feed dates it later still."""
        state = self.get(url) or UrlState(url, str(kind), hostname(url), utc_now())
        state = replace(state, checked_at=utc_now(), status=status, error=error)
        if final_failure(error, status):
            state.version_date = later(state.version_date, state.listed_date)
        self._put(state)

    def dropped(self, url: str, reason: str) -> None:
        """A page whose record a pipeline dropped: not an article to fetch again plainly."""
        state = self.get(self._by_final.get(url, url))
        if state is not None:
            self._put(replace(state, verdict=f"dropped:{reason}"))

    def flush(self) -> None:
        """Write the buffered changes in one transaction."""
        if self.store is not None and self._dirty:
            self.store.save_crawl_state(list(self._dirty.values()))
        self._dirty.clear()

    def revisits(self) -> Iterator[UrlState]:
        """Listing pages and feeds known to answer: asked again (conditionally) at the start of a crawl."""
        if not self.incremental:
            return
        for state in self._known():
            if not state.answered_ok:
                continue
            if state.kind == UrlKind.FEED or (state.kind == UrlKind.PAGE and state.verdict in REVISITED_VERDICTS):
                yield state

    def pending(self) -> Iterator[UrlState]:
        """Pages left over from earlier crawls: seen but never fetched, failed for a passing reason,
        fetched as articles yet not stored (a crash), or stored but listed since with a newer date."""
        if not self.incremental:
            return
        for state in self._known([str(UrlKind.PAGE)]):
            if state.kind != UrlKind.PAGE:
                continue
            if self._is_stored(state.url, state):
                if self._changed_since_fetch(state.url, state, parse_date(state.listed_date)):
                    yield state
            elif state.retry_pending or state.verdict == ARTICLE_VERDICT:
                yield state

    def _known(self, kinds: Collection[str] = ()) -> Iterator[UrlState]:
        """The states the store holds for this crawl's hosts, as this crawl has changed them so far."""
        assert self.store is not None
        states = self.store.load_crawl_state(self.hostnames, kinds)
        while batch := list(islice(states, STORE_BATCH)):
            self._load_stored([url for state in batch for url in (state.url, state.final_url) if url])
            for state in batch:
                yield self._dirty.get(state.url) or self._files.get(state.url) or state

    def children(self, container: str) -> list[UrlState]:
        """The sitemaps that robots.txt or a sitemap index listed when it was last read."""
        return [s for s in self._files.values() if s.found_in == container and s.kind == UrlKind.SITEMAP]

    def _put(self, state: UrlState) -> None:
        self._dirty[state.url] = state
        if state.kind == UrlKind.PAGE:
            self._remember(self._pages, state.url, state)
        else:
            self._files[state.url] = state
        if state.final_url:
            self._remember(self._by_final, state.final_url, state.url)


def _merged_kind(known: str, found: UrlKind) -> str:
    """A URL known as a sitemap or feed stays one when a page also links to it."""
    return str(found) if known == UrlKind.PAGE else known
