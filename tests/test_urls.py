from __future__ import annotations

import pytest

from newsclean.urls import normalize_url, same_site


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("HTTP://News.Example:80/a.html#comments", "http://news.example/a.html"),
        ("https://news.example/a.html?utm_source=x&utm_medium=y&fbclid=1", "https://news.example/a.html"),
        ("https://news.example/a.html;jsessionid=ABC?id=7", "https://news.example/a.html?id=7"),
        ("https://news.example/list?page=2&PHPSESSID=abc&sid=9", "https://news.example/list?page=2"),
        ("https://news.example/s?b=2&a=1", "https://news.example/s?a=1&b=2"),
    ],
)
def test_normalize_url(raw: str, normalized: str) -> None:
    assert normalize_url(raw) == normalized


def test_same_site_ignores_www_only() -> None:
    assert same_site("https://www.news.example/a", "https://news.example/b")
    assert not same_site("https://news.example/a", "https://other.example/a")
    assert not same_site("http://127.0.0.1/a", "http://127.0.0.2/a")
