"""Site knowledge: what recurs across the pages of one host, learned as a crawl goes.

A short block that appears on many article pages of a host (a share bar, a newsletter prompt,
a "Related articles" heading, a footer line) is boilerplate for that host; a block that opens
another stored article of the host is a teaser. extract() then drops both (SiteProfile).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsclean.extraction import SiteProfile
from newsclean.extraction.blocks import opening_key, stable_hash


@dataclass(frozen=True)
class KnowledgeThresholds:
    """When a recurring block counts as boilerplate: seen on `min_pages` article pages and on at
    least `min_share` of the host's article pages so far. `max_keys` and `max_openings` bound memory per host:
    the openings of the `max_openings` most recent articles are the ones teasers are matched against."""

    min_pages: int = 3
    min_share: float = 0.3
    max_keys: int = 20_000
    max_openings: int = 5_000


@dataclass
class HostSnapshot:
    """Site knowledge of one host as the store keeps it, or what a crawl added to it (counts may then be
    negative, where the crawl forgot rare keys)."""

    hostname: str
    pages: int
    block_pages: dict[str, int] = field(default_factory=dict)
    openings: dict[str, str] = field(default_factory=dict)

    def changes_since(self, earlier: HostSnapshot) -> HostSnapshot:
        """What this snapshot adds to `earlier`, so that crawls sharing a store add up what each learned."""
        keys = self.block_pages.keys() | earlier.block_pages.keys()
        blocks = {key: self.block_pages.get(key, 0) - earlier.block_pages.get(key, 0) for key in keys}
        openings = {opening: url for opening, url in self.openings.items() if earlier.openings.get(opening) != url}
        return HostSnapshot(self.hostname, self.pages - earlier.pages,
                            {key: count for key, count in blocks.items() if count}, openings)


@dataclass
class HostKnowledge:
    """Counts for one host: article pages seen, and on how many of them each block key appeared."""

    pages: int = 0
    block_pages: Counter[str] = field(default_factory=Counter)
    openings: dict[str, str] = field(default_factory=dict)

    def observe(self, keys: Iterable[str], url: str, text: str, thresholds: KnowledgeThresholds) -> None:
        self.pages += 1
        self.block_pages.update(set(keys))
        if opening := opening_key(text):
            self.openings.pop(opening, None)
            self.openings[opening] = url
        if len(self.block_pages) > thresholds.max_keys:
            self._forget_rare()
        if len(self.openings) > 2 * thresholds.max_openings:
            self.keep_recent_openings(thresholds.max_openings)

    def keep_recent_openings(self, count: int) -> None:
        """Forget all but the `count` most recent openings (the store keeps them all)."""
        self.openings = dict(list(self.openings.items())[-count:])

    def _forget_rare(self) -> None:
        """Drop keys seen once: they cannot be boilerplate yet, and they are most of the keys."""
        self.block_pages = Counter({key: count for key, count in self.block_pages.items() if count > 1})

    def profile(self, thresholds: KnowledgeThresholds) -> SiteProfile:
        """Boilerplate keys, and the openings of the most recent articles as stable hashes."""
        needed = max(thresholds.min_pages, thresholds.min_share * self.pages)
        boilerplate = frozenset(key for key, count in self.block_pages.items() if count >= needed)
        recent = list(self.openings.items())[-thresholds.max_openings :]
        openings = {stable_hash(opening): stable_hash(url) for opening, url in recent}
        return SiteProfile(boilerplate=boilerplate, openings=openings)


class SiteKnowledge:
    """Per-host knowledge for one crawl (or loaded from the store), with cached profiles."""

    def __init__(self, thresholds: KnowledgeThresholds | None = None) -> None:
        self.thresholds = thresholds or KnowledgeThresholds()
        self.hosts: dict[str, HostKnowledge] = {}
        self._profiles: dict[str, tuple[int, SiteProfile]] = {}
        self._saved: dict[str, HostSnapshot] = {}

    def observe(self, host: str, keys: Iterable[str], url: str, text: str) -> None:
        """Learn from one article page of `host`: its short block keys and its opening words."""
        self.hosts.setdefault(host, HostKnowledge()).observe(keys, url, text, self.thresholds)

    def profile(self, host: str) -> SiteProfile | None:
        """What extraction should know about `host`, or None before anything was learned.

        Rebuilt when the host's page count has grown by a tenth since the last build, so the
        cost stays small on large crawls while early pages learn fast.
        """
        knowledge = self.hosts.get(host)
        if knowledge is None:
            return None
        built_at, profile = self._profiles.get(host, (-1, SiteProfile()))
        if knowledge.pages > built_at + built_at // 10:
            profile = knowledge.profile(self.thresholds)
            self._profiles[host] = (knowledge.pages, profile)
        return profile

    def restore(self, snapshot: HostSnapshot) -> None:
        """Load what is known about a host in the store (earlier crawls, other workers of this one)."""
        knowledge = HostKnowledge(snapshot.pages, Counter(snapshot.block_pages), dict(snapshot.openings))
        knowledge.keep_recent_openings(self.thresholds.max_openings)
        self.hosts[snapshot.hostname] = knowledge
        self._saved[snapshot.hostname] = HostSnapshot(snapshot.hostname, snapshot.pages, snapshot.block_pages,
                                                      knowledge.openings.copy())
        self._profiles.pop(snapshot.hostname, None)

    def snapshots(self) -> list[HostSnapshot]:
        """What is known, host by host."""
        return [
            HostSnapshot(host, knowledge.pages, dict(knowledge.block_pages), dict(knowledge.openings))
            for host, knowledge in self.hosts.items()
        ]

    def changes(self) -> list[HostSnapshot]:
        """What was learned since the store was last read or written, host by host (for Store.add_site_knowledge)."""
        changes = [snapshot.changes_since(self._saved.get(snapshot.hostname, HostSnapshot(snapshot.hostname, 0)))
                   for snapshot in self.snapshots()]
        return [change for change in changes if change.pages or change.block_pages or change.openings]

    def mark_saved(self) -> None:
        """What is known now is what the store holds."""
        self._saved = {snapshot.hostname: snapshot for snapshot in self.snapshots()}
