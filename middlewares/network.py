"""Safe by default: only http and https, and nothing reached at a loopback, private, link-local or cloud-metadata
address unless its host is one the crawl started from or one allowed in NEWSCLEAN_ALLOWED_PRIVATE_HOSTS.

Two parts. NetworkGuard, a downloader middleware, refuses other schemes and non-public IP-literal hosts before
anything is sent. GuardedResolver, installed with TWISTED_DNS_RESOLVER, checks the address a host name resolves
to each time a connection is opened, so a name that resolves to a public address at first and to 127.0.0.1
later (DNS rebinding) is refused as well.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit
from urllib.request import getproxies

from scrapy import signals
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.reactor import is_reactor_installed
from twisted.internet.error import DNSLookupError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector
    from twisted.internet.base import ReactorBase
    from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

ALLOWED_SCHEMES = frozenset({"http", "https"})
BLOCKED_PREFIX = "newsclean/blocked/"
IPAddress = IPv4Address | IPv6Address


class BlockedRequest(IgnoreRequest):
    """A request newsclean refuses to send: `reason` is `scheme` or `private_address`."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def is_public(address: IPAddress) -> bool:
    """Globally routable unicast: not loopback, private, link-local (169.254.169.254), shared, reserved, multicast."""
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def parse_ip(host: str) -> IPAddress | None:
    try:
        return ip_address(host.strip("[]"))
    except ValueError:
        return None


@dataclass(frozen=True)
class AddressPolicy:
    """Which hosts may be reached at a non-public address: these host names, or addresses in these networks."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPv4Network | IPv6Network, ...] = ()

    @classmethod
    def from_hosts(cls, hosts: Iterable[str]) -> Self:
        """These hosts exactly, as written in URLs: a start URL's 127.0.0.1 does not allow `localhost`."""
        return cls(frozenset(h.strip().lower().strip("[]") for h in hosts if h.strip()))

    @classmethod
    def from_names(cls, names: Iterable[str]) -> Self:
        """Host names, or IP addresses and networks (`10.0.0.0/8`) that any host may resolve to."""
        hosts: set[str] = set()
        networks: list[IPv4Network | IPv6Network] = []
        for name in (n.strip().lower().strip("[]") for n in names):
            try:
                networks.append(ip_network(name, strict=False))
            except ValueError:
                if name:
                    hosts.add(name)
        return cls(frozenset(hosts), tuple(networks))

    def union(self, other: AddressPolicy) -> AddressPolicy:
        networks = self.networks + tuple(n for n in other.networks if n not in self.networks)
        return AddressPolicy(self.hosts | other.hosts, networks)

    def permits(self, host: str, address: str) -> bool:
        """May `host`, which resolved to `address`, be connected to?"""
        if host.lower().strip("[]") in self.hosts:
            return True
        parsed = parse_ip(address)
        if parsed is None:
            return False
        return is_public(parsed) or any(parsed in network for network in self.networks)


def allowed_private_names(settings: BaseSettings) -> list[str]:
    """NEWSCLEAN_ALLOWED_PRIVATE_HOSTS plus the hosts of the proxies named in the environment."""
    proxies = [urlsplit(url).hostname or "" for scheme, url in getproxies().items() if scheme != "no"]
    return [*settings.getlist("NEWSCLEAN_ALLOWED_PRIVATE_HOSTS"), *proxies]


def crawl_hosts(spider: Spider) -> list[str]:
    """The hosts the user started the crawl from (start URLs, allowed_domains)."""
    start_hosts = [urlsplit(url).hostname or "" for url in getattr(spider, "start_urls", ())]
    allowed_domains = getattr(spider, "allowed_domains", None) or []
    return [*start_hosts, *allowed_domains]


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing names that resolve to a non-public address the policy does not allow.

    The answer is checked on every lookup, cached or not, that is when each connection is opened.
    """

    def __init__(self, reactor: ReactorBase, cache_size: int, timeout: float, policy: AddressPolicy) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.policy = policy
        self._blocked: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: ReactorBase) -> Self:
        settings = crawler.settings
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        policy = AddressPolicy.from_names(allowed_private_names(settings))
        return cls(reactor, cache_size, settings.getfloat("DNS_TIMEOUT"), policy)

    def allow(self, policy: AddressPolicy) -> None:
        """Also allow what `policy` allows (a crawl's start hosts)."""
        self.policy = self.policy.union(policy)

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        return super().getHostByName(name, timeout).addCallback(self._check, name)

    def blocked_address(self, name: str) -> str | None:
        """The address `name` was last refused for, unless it has been allowed since."""
        return self._blocked.get(name)

    def _check(self, address: str, name: str) -> str:
        if self.policy.permits(name, address):
            self._blocked.pop(name, None)
            return address
        self._blocked[name] = address
        logger.warning("Refused to connect to %s: it resolves to %s, not a public address", name, address)
        raise DNSLookupError(f"{name} resolves to {address}, not a public address")


def installed_resolver() -> GuardedResolver | None:
    """The reactor's resolver when it is newsclean's."""
    if not is_reactor_installed():
        return None
    from twisted.internet import reactor  # noqa: PLC0415 (importing it earlier would install a reactor)

    resolver = getattr(reactor, "resolver", None)
    return resolver if isinstance(resolver, GuardedResolver) else None


class NetworkGuard:
    """Downloader middleware: refuses schemes other than http(s) and hosts at addresses the policy forbids.

    Counts `newsclean/blocked/scheme` and `newsclean/blocked/private_address`.
    """

    def __init__(self, stats: StatsCollector, allowed: AddressPolicy) -> None:
        self.stats = stats
        self.policy = allowed
        self.resolver: GuardedResolver | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        guard = cls(crawler.stats, AddressPolicy.from_names(allowed_private_names(crawler.settings)))
        crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
        return guard

    def spider_opened(self, spider: Spider) -> None:
        self.policy = self.policy.union(AddressPolicy.from_hosts(crawl_hosts(spider)))
        self.resolver = installed_resolver()
        if self.resolver is None:
            logger.warning("TWISTED_DNS_RESOLVER is not middlewares.network.GuardedResolver: the addresses host "
                           "names resolve to are not checked, only IP literals")
        else:
            self.resolver.allow(self.policy)

    def process_request(self, request: Request) -> None:
        parts = urlparse_cached(request)
        if parts.scheme not in ALLOWED_SCHEMES:
            raise self._block("scheme", f"scheme {parts.scheme!r} is not http or https: {request.url}")
        host = parts.hostname or ""
        if parse_ip(host) is not None and not self.policy.permits(host, host):
            raise self._block("private_address", f"{host} is not a public address: {request.url}")

    def process_exception(self, request: Request, exception: Exception) -> Any:
        """A lookup the resolver refused becomes a BlockedRequest, so it is not retried as a DNS failure."""
        if isinstance(exception, CannotResolveHostError) and self.resolver is not None:
            host = urlparse_cached(request).hostname or ""
            if address := self.resolver.blocked_address(host):
                raise self._block("private_address", f"{host} resolves to {address}, not a public address")
        return None

    def _block(self, reason: str, message: str) -> BlockedRequest:
        self.stats.inc_value(f"{BLOCKED_PREFIX}{reason}")
        logger.info("Blocked: %s", message)
        return BlockedRequest(reason, message)
