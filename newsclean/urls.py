"""URL normalization shared by the crawler, the extractor and the store."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

import courlan
from w3lib.url import url_query_cleaner

SESSION_PARAMS = ("phpsessid", "jsessionid", "sid", "sessionid", "session_id", "aspsessionid", "cfid", "cftoken")
_SESSION_PATH_RE = re.compile(r";jsessionid=[^/?#]*", re.IGNORECASE)


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments, tracking and session parameters, sort the query."""
    url = _SESSION_PATH_RE.sub("", urldefrag(url.strip())[0])
    url = courlan.normalize_url(url)
    url = url_query_cleaner(url, _session_params(url), remove=True, unique=False, keep_fragments=False)
    return url


def _session_params(url: str) -> list[str]:
    query = urlsplit(url).query
    names = (part.split("=", 1)[0] for part in query.split("&") if part)
    return [name for name in names if name.lower() in SESSION_PARAMS]


def hostname(url: str) -> str:
    """The URL's host, lower-cased; "" for a URL too malformed to have one ("http://[::1")."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def same_site(first: str, second: str) -> bool:
    """Same host, ignoring a leading "www."."""
    return hostname(first).removeprefix("www.") == hostname(second).removeprefix("www.")
