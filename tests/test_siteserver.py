"""Tests of the static-site server over real HTTP."""

from __future__ import annotations

import gzip
import http.client
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import pytest

from newsclean.siteserver import SiteServer

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A tiny site with a page, a sitemap and a directory index."""
    (tmp_path / "page.html").write_text('<a href="{{BASE}}/other.html">x</a>', encoding="utf-8")
    (tmp_path / "sitemaps").mkdir()
    (tmp_path / "sitemaps" / "posts.xml").write_text("<urlset><loc>{{BASE}}/a.html</loc></urlset>", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.html").write_text("<p>docs</p>", encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG{{BASE}}")
    return tmp_path


@pytest.fixture
def site(root: Path) -> Iterator[SiteServer]:
    with SiteServer(root) as server:
        yield server


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET a URL; return status, headers and body, also for error statuses."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def test_base_url_and_url(site: SiteServer) -> None:
    assert site.base_url == f"http://127.0.0.1:{site.port}"
    assert site.port != 0
    assert site.url("/page.html") == site.base_url + "/page.html"
    assert site.url("page.html") == site.base_url + "/page.html"


def test_base_token_replaced_in_text_files(site: SiteServer) -> None:
    status, headers, body = fetch(site.url("/page.html"))
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert body.decode() == f'<a href="{site.base_url}/other.html">x</a>'


def test_binary_files_are_served_verbatim(site: SiteServer) -> None:
    status, headers, body = fetch(site.url("/logo.png"))
    assert status == 200
    assert headers["Content-Type"] == "image/png"
    assert body == b"\x89PNG{{BASE}}"


def test_gzip_sibling_served_compressed(site: SiteServer) -> None:
    status, headers, body = fetch(site.url("/sitemaps/posts.xml.gz"))
    assert status == 200
    assert headers["Content-Type"] == "application/x-gzip"
    assert "Content-Encoding" not in headers
    assert gzip.decompress(body).decode() == f"<urlset><loc>{site.base_url}/a.html</loc></urlset>"


def test_plain_sibling_still_served(site: SiteServer) -> None:
    status, headers, _ = fetch(site.url("/sitemaps/posts.xml"))
    assert status == 200
    assert headers["Content-Type"].startswith("application/xml")


def test_directory_index(site: SiteServer) -> None:
    status, _, body = fetch(site.url("/docs/"))
    assert (status, body) == (200, b"<p>docs</p>")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Make urllib surface redirects instead of following them."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def test_directory_without_slash_redirects(site: SiteServer) -> None:
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as caught:
        opener.open(site.url("/docs"), timeout=5)
    assert caught.value.code == 301
    assert caught.value.headers["Location"] == "/docs/"


@pytest.mark.parametrize("path", ["/missing.html", "/nothing.xml.gz", "/../etc/passwd", "/docs/nope/"])
def test_unknown_path_is_404(site: SiteServer, path: str) -> None:
    status, headers, body = fetch(site.url(path))
    assert status == 404
    assert headers["Content-Type"].startswith("text/html")
    assert b"404" in body


def test_etag_and_last_modified_sent(site: SiteServer, root: Path) -> None:
    _, headers, _ = fetch(site.url("/page.html"))
    assert headers["ETag"].startswith('"')
    assert headers["Last-Modified"] == formatdate(int((root / "page.html").stat().st_mtime), usegmt=True)


def test_304_on_if_none_match(site: SiteServer) -> None:
    _, headers, _ = fetch(site.url("/page.html"))
    status, _, body = fetch(site.url("/page.html"), {"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")
    status, _, _ = fetch(site.url("/page.html"), {"If-None-Match": '"something-else"'})
    assert status == 200


def test_304_on_if_modified_since(site: SiteServer, root: Path) -> None:
    mtime = int((root / "page.html").stat().st_mtime)
    status, _, _ = fetch(site.url("/page.html"), {"If-Modified-Since": formatdate(mtime, usegmt=True)})
    assert status == 304
    status, _, _ = fetch(site.url("/page.html"), {"If-Modified-Since": formatdate(mtime - 60, usegmt=True)})
    assert status == 200


def test_if_none_match_takes_precedence(site: SiteServer, root: Path) -> None:
    since = formatdate(int((root / "page.html").stat().st_mtime), usegmt=True)
    status, _, _ = fetch(site.url("/page.html"), {"If-None-Match": '"stale"', "If-Modified-Since": since})
    assert status == 200


def test_request_log(site: SiteServer) -> None:
    fetch(site.url("/page.html?x=1"), {"X-Test": "yes"})
    fetch(site.url("/missing.html"))
    assert site.requested_paths() == ["/page.html?x=1", "/missing.html"]
    first, second = site.requests
    assert (first.method, first.status, first.headers["X-Test"]) == ("GET", 200, "yes")
    assert second.status == 404
    site.clear_log()
    assert site.requests == []


def test_changed_file_served_changed(site: SiteServer, root: Path) -> None:
    _, first_headers, first = fetch(site.url("/page.html"))
    page = root / "page.html"
    page.write_text("<p>changed</p>", encoding="utf-8")
    os.utime(page, (page.stat().st_atime, page.stat().st_mtime + 10))
    status, headers, body = fetch(site.url("/page.html"), {"If-None-Match": first_headers["ETag"]})
    assert (status, body) == (200, b"<p>changed</p>")
    assert headers["ETag"] != first_headers["ETag"]
    assert headers["Last-Modified"] != first_headers["Last-Modified"]


def test_added_and_removed_files(site: SiteServer, root: Path) -> None:
    assert fetch(site.url("/new.html"))[0] == 404
    (root / "new.html").write_text("<p>new</p>", encoding="utf-8")
    assert fetch(site.url("/new.html"))[0] == 200
    (root / "new.html").unlink()
    assert fetch(site.url("/new.html"))[0] == 404


def test_head_request(site: SiteServer) -> None:
    request = urllib.request.Request(site.url("/page.html"), method="HEAD")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
        assert int(response.headers["Content-Length"]) > 0
        assert response.read() == b""
    assert site.requests[-1].method == "HEAD"


def test_cli_serves_until_terminated(root: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "newsclean.siteserver", str(root), "--port", "0"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline().strip()
        assert line.startswith(f"serving {root} at http://127.0.0.1:")
        base_url = line.rsplit(" ", 1)[1]
        assert fetch(base_url + "/docs/")[2] == b"<p>docs</p>"
        process.terminate()
        assert process.wait(timeout=5) == 0
    finally:
        process.kill()
        process.wait()


def test_stop_closes_keep_alive_connections(root: Path) -> None:
    with SiteServer(root) as site:
        connection = http.client.HTTPConnection(site.host, site.port, timeout=5)
        connection.request("GET", "/page.html")
        assert connection.getresponse().read().startswith(b"<a href=")
    with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
        connection.request("GET", "/page.html")
        connection.getresponse()
    connection.close()


def test_restart_reuses_port(root: Path) -> None:
    site = SiteServer(root)
    with site:
        first_url = site.base_url
    with site:
        assert site.base_url == first_url
        assert fetch(site.url("/docs/"))[0] == 200
