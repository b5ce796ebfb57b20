"""A small static-site HTTP server for tests, the demo and benchmarks.

Files are read from disk on every request, so a site can change while the
server runs. Text files get the token ``{{BASE}}`` replaced by the server's
base URL, ``X.gz`` is served as gzip of ``X`` when only ``X`` exists, and
conditional GETs (ETag / Last-Modified) are answered with 304.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import logging
import signal
import socket
import sys
import threading
from dataclasses import dataclass
from email.message import Message
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

logger = logging.getLogger(__name__)

BASE_TOKEN = b"{{BASE}}"
TEXT_SUFFIXES = frozenset({".html", ".htm", ".xml", ".txt", ".rss", ".atom", ".json"})
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".gz": "application/x-gzip",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"
POLL_INTERVAL = 0.05
NOT_FOUND_BODY = (
    b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
    b"<body><h1>404 Not Found</h1></body></html>\n"
)


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server answered."""

    method: str
    path: str
    headers: dict[str, str]
    status: int


@dataclass(frozen=True)
class Resource:
    """The bytes and metadata of one servable file."""

    body: bytes
    content_type: str
    mtime: float

    @property
    def etag(self) -> str:
        """Strong ETag derived from the served bytes."""
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'

    @property
    def last_modified(self) -> str:
        """HTTP date of the file's modification time."""
        return formatdate(int(self.mtime), usegmt=True)


class _Handler(BaseHTTPRequestHandler):
    """Serves files from the owning SiteServer's root."""

    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "newsclean-siteserver"

    def do_GET(self) -> None:
        """Answer a GET request."""
        self._respond(with_body=True)

    def do_HEAD(self) -> None:
        """Answer a HEAD request."""
        self._respond(with_body=False)

    def version_string(self) -> str:
        """The Server header, without the Python version."""
        return self.server_version

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: no per-request logging to stderr."""

    def _respond(self, with_body: bool) -> None:
        site = self.server.site
        url_path = urlsplit(self.path).path
        if _needs_slash(site.root, url_path):
            self._send_redirect(url_path + "/")
            return
        resource = site.load(url_path)
        if resource is None:
            self._send(404, NOT_FOUND_BODY, {"Content-Type": "text/html; charset=utf-8"}, with_body)
        elif _not_modified(self.headers, resource):
            self._send(304, b"", _validators(resource), with_body=False)
        else:
            headers = {"Content-Type": resource.content_type, **_validators(resource)}
            self._send(200, resource.body, headers, with_body)

    def _send_redirect(self, location: str) -> None:
        self._send(301, b"", {"Location": location}, with_body=False)

    def _send(self, status: int, body: bytes, headers: dict[str, str], with_body: bool) -> None:
        self.server.site.record(RecordedRequest(self.command, self.path, dict(self.headers.items()), status))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body and body:
            self.wfile.write(body)


_Request = socket.socket | tuple[bytes, socket.socket]


class _HTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows its SiteServer and logs errors quietly."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], site: SiteServer) -> None:
        self.site = site
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: _Request, client_address: Any) -> None:
        """Track the connection so close_connections() can end it."""
        if isinstance(request, socket.socket):
            with self._connections_lock:
                self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: _Request) -> None:
        """Forget the connection once its handler is done."""
        if isinstance(request, socket.socket):
            with self._connections_lock:
                self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End open keep-alive connections so a stopped server stays silent."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        """Log connection errors at debug level instead of printing them."""
        logger.debug("error while serving %s", client_address, exc_info=True)


class SiteServer:
    """Serve a directory of static files over HTTP in a daemon thread."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = Path(root).resolve()
        self.host = host
        self._port = port
        self._lock = threading.Lock()
        self._log: list[RecordedRequest] = []
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound port; kept after stop() so a restart reuses it."""
        return self._httpd.server_address[1] if self._httpd else self._port

    @property
    def base_url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:8000``."""
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        """Absolute URL of ``path`` on this server."""
        return self.base_url + "/" + path.lstrip("/")

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the recorded requests, oldest first."""
        with self._lock:
            return list(self._log)

    def requested_paths(self) -> list[str]:
        """The paths (with query) of the recorded requests, oldest first."""
        return [request.path for request in self.requests]

    def clear_log(self) -> None:
        """Forget all recorded requests."""
        with self._lock:
            self._log.clear()

    def record(self, request: RecordedRequest) -> None:
        """Append one answered request to the log."""
        with self._lock:
            self._log.append(request)

    def start(self) -> SiteServer:
        """Bind the socket and start serving in a daemon thread."""
        if self._httpd is not None:
            raise RuntimeError("SiteServer already started")
        self._httpd = _HTTPServer((self.host, self._port), self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(POLL_INTERVAL,), name="siteserver", daemon=True
        )
        self._thread.start()
        logger.debug("serving %s at %s", self.root, self.base_url)
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        self._httpd.close_connections()
        if self._thread is not None:
            self._thread.join()
        self._port = self._httpd.server_address[1]
        self._httpd = None
        self._thread = None

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def load(self, url_path: str) -> Resource | None:
        """The resource for a URL path, or None if there is none."""
        file = _resolve(self.root, url_path)
        if file is not None:
            return self._read(file)
        if url_path.endswith(".gz"):
            source = _resolve(self.root, url_path[: -len(".gz")])
            if source is not None:
                plain = self._read(source)
                body = gzip.compress(plain.body, mtime=0)
                return Resource(body, CONTENT_TYPES[".gz"], plain.mtime)
        return None

    def _read(self, file: Path) -> Resource:
        suffix = file.suffix.lower()
        body = file.read_bytes()
        if suffix in TEXT_SUFFIXES:
            body = body.replace(BASE_TOKEN, self.base_url.encode("ascii"))
        content_type = CONTENT_TYPES.get(suffix, DEFAULT_CONTENT_TYPE)
        return Resource(body, content_type, file.stat().st_mtime)


def _resolve(root: Path, url_path: str) -> Path | None:
    """The existing file under ``root`` for a URL path, or None."""
    relative = unquote(url_path).lstrip("/")
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    try:
        candidate = (root / relative).resolve()
    except (OSError, ValueError):
        return None
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def _needs_slash(root: Path, url_path: str) -> bool:
    """True for a directory requested without its trailing slash."""
    if url_path.endswith("/"):
        return False
    try:
        candidate = (root / unquote(url_path).lstrip("/")).resolve()
    except (OSError, ValueError):
        return False
    return candidate.is_relative_to(root) and candidate.is_dir()


def _validators(resource: Resource) -> dict[str, str]:
    return {"ETag": resource.etag, "Last-Modified": resource.last_modified}


def _not_modified(headers: Message, resource: Resource) -> bool:
    """Whether the request's conditional headers match the resource."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        return _etag_matches(if_none_match, resource.etag)
    if_modified_since = headers.get("If-Modified-Since")
    if if_modified_since is not None:
        return _not_modified_since(if_modified_since, resource.mtime)
    return False


def _etag_matches(header: str, etag: str) -> bool:
    """Weak comparison of an If-None-Match header against an ETag."""
    candidates = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in candidates or etag in candidates


def _not_modified_since(header: str, mtime: float) -> bool:
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False
    return since.tzinfo is not None and int(mtime) <= since.timestamp()


def main(argv: list[str] | None = None) -> int:
    """Command line entry point: serve ROOT until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(prog="python -m newsclean.siteserver", description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="directory to serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        parser.error(f"not a directory: {args.root}")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    with SiteServer(args.root, args.host, args.port) as site:
        print(f"serving {args.root} at {site.base_url}", flush=True)
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
