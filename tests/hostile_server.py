"""A hostile web site for tests, standard library only: a small news site whose home page links to everything
a crawler meets on the real web.

Real articles (each must be stored, text token for token): UTF-8, ISO-8859-1 and Windows-1252 pages whose
charset is in the HTTP header only, in `<meta>` only, nowhere, or wrong; malformed markup; a page that answers
503 once; a gzip-encoded page; a page behind a redirect; a page linked with tracking and session parameters.

Junk (nothing may be stored): PDF, image and video; an empty body; binary bytes labelled text/html; pages over
DOWNLOAD_MAXSIZE (declared, and streamed without a length); a gzip bomb; redirect loops; 403/404/410/500; a
server that stalls and one that trickles; a page that takes trafilatura minutes; redirects and refreshes to
another host, to `localhost`, to a cloud-metadata address and to file://.

Traps: an endless calendar (query and path based), endless pagination, faceted navigation, a relative link
that grows the path forever, session ids in every link.
"""

from __future__ import annotations

import gzip
import html
import os
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlencode, urlsplit

MIB = 1024 * 1024
STALL_SECONDS = 90.0
OVER_MAX_SIZE = 11 * MIB
PATHOLOGICAL_PARAGRAPHS = 200_000


@dataclass(frozen=True)
class Article:
    """A real article: its title and paragraphs, and how its bytes and charset are served."""

    title: str
    paragraphs: tuple[str, ...]
    body_encoding: str = "utf-8"
    header_charset: str | None = "utf-8"
    meta_charset: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


FRENCH = (
    "Le conseil municipal a voté jeudi soir la rénovation de l'église Saint-Étienne, fermée depuis l'été dernier "
    "après la chute d'une partie de la voûte au-dessus de la nef.",
    "Les élus ont approuvé à l'unanimité un budget de deux millions, dont une part viendra de la région ; "
    "les travaux débuteront à la fin de l'hiver et dureront dix-huit mois.",
    "« C'est une décision très attendue », a déclaré la maire, Hélène Dubois, à l'issue de la séance. "
    "Les riverains réclamaient ce chantier depuis plus de trois ans.",
    "Pendant la durée des travaux, les concerts de Noël auront lieu à la salle des fêtes, près du lycée "
    "François-Mauriac, où une crèche sera également installée.",
)
WINDOWS_1252 = (
    "La boulangerie du quai a rouvert ses portes mardi : “On n’a jamais vu une file pareille”, s’amuse "
    "Agnès, qui vend désormais la baguette à 1,20 € et le pain de campagne à 3,50 €.",
    "Le nouveau four, installé en octobre, consomme moitié moins d’énergie — un argument que la gérante met "
    "en avant auprès d’une clientèle de plus en plus attentive à l’œuvre de ses artisans.",
    "Les habitués saluent aussi le retour des brioches du dimanche… et des œufs en neige du pâtissier, "
    "absent depuis le printemps pour raisons de santé.",
    "La mairie, propriétaire des murs, a accordé un loyer réduit pendant deux ans afin d’aider le commerce à "
    "se relever après la fermeture forcée de l’été.",
)
ENGLISH = (
    "The harbor authority approved a new schedule for the evening ferry on Tuesday, adding two crossings on "
    "weekdays after a summer in which boats regularly left passengers waiting on the pier.",
    "Commuters had collected more than four hundred signatures asking for a later departure, pointing out that "
    "the last boat left before most shifts at the cannery ended.",
    "The authority's director said the extra crossings would be paid for by a small rise in the price of "
    "monthly passes, which will go up by three dollars in January.",
    "A public meeting on the changes is planned for next month at the library, where residents can also "
    "comment on proposed repairs to the north landing.",
)


ARTICLES: dict[str, Article] = {
    "/articles/plain.html": Article("Evening ferry gets two more crossings", ENGLISH),
    "/articles/latin1-header.html": Article(
        "Saint-Étienne : la rénovation votée", FRENCH, body_encoding="iso-8859-1", header_charset="ISO-8859-1"),
    "/articles/latin1-meta.html": Article(
        "L'église rouvrira après dix-huit mois", FRENCH, body_encoding="iso-8859-1", header_charset=None,
        meta_charset="iso-8859-1"),
    "/articles/latin1-nowhere.html": Article(
        "Les élus votent à l'unanimité", FRENCH, body_encoding="iso-8859-1", header_charset=None),
    "/articles/cp1252-meta.html": Article(
        "La boulangerie du quai a rouvert", WINDOWS_1252, body_encoding="cp1252", header_charset=None,
        meta_charset="windows-1252"),
    "/articles/cp1252-nowhere.html": Article(
        "Le pain de campagne à 3,50 €", WINDOWS_1252, body_encoding="cp1252", header_charset=None),
    "/articles/cp1252-labelled-utf8.html": Article(
        "Un four qui consomme moitié moins", WINDOWS_1252, body_encoding="cp1252", header_charset="utf-8"),
    "/articles/utf8-labelled-latin1.html": Article(
        "Les brioches du dimanche sont de retour", WINDOWS_1252, header_charset="ISO-8859-1"),
    "/articles/malformed.html": Article("Cannery shift ends too late for the ferry", ENGLISH),
    "/articles/flaky.html": Article("Pass prices rise by three dollars", ENGLISH),
    "/articles/tracked.html": Article("Public meeting on the north landing", ENGLISH),
    "/articles/compressed.html": Article("Four hundred signatures for a later boat", ENGLISH),
    "/articles/moved.html": Article("Library hosts the ferry meeting", ENGLISH),
}
TRACKED_LINKS = (
    "/articles/tracked.html?utm_source=newsletter&utm_medium=email&fbclid=IwAR0x",
    "/articles/tracked.html;jsessionid=0123456789ABCDEF",
    "/articles/tracked.html?PHPSESSID=f00dfeed",
    "/articles/tracked.html?gclid=abc&sid=77",
)
JUNK_LINKS = (
    "/junk/report.pdf", "/junk/photo.jpg", "/junk/clip.mp4", "/junk/empty.html", "/junk/binary.html",
    "/junk/huge.html", "/junk/huge-streamed.html", "/junk/bomb.html", "/junk/loop-a.html", "/junk/redirect/1",
    "/junk/missing.html", "/junk/gone.html", "/junk/forbidden.html", "/junk/broken.html", "/junk/slow.html",
    "/junk/trickle.html", "/junk/pathological.html", "/junk/to-outside.html", "/junk/refresh-outside.html",
    "/junk/to-localhost.html", "/junk/to-metadata.html", "/junk/to-file.html",
)
TRAP_LINKS = (
    "/calendar?month=2026-11", "/archive/2026/11/", "/list?page=1", "/shop?color=red", "/loop/",
    "/session/?sid=first",
)
METADATA_URL = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
FACETS = {"color": ("red", "blue", "green"), "size": ("s", "m", "l", "xl"), "brand": ("acme", "globex", "initech"),
          "sort": ("price", "date", "name"), "stock": ("yes", "no")}


@dataclass(frozen=True)
class Hit:
    """One request the server received."""

    path: str
    host: str


def page(title: str, body: str, head: str = "") -> str:
    return (f"<!DOCTYPE html>\n<html><head>{head}<title>{html.escape(title)}</title></head>\n"
            f"<body><header><nav><a href=\"/\">The Harbor Courier</a></nav></header>\n<main>{body}</main>\n"
            f"<footer><p>The Harbor Courier, a fictional test paper.</p></footer></body></html>\n")


def article_html(article: Article) -> str:
    meta = f'<meta charset="{article.meta_charset}">' if article.meta_charset else ""
    head = (f'{meta}<meta property="og:type" content="article"><meta name="author" content="Sam Rivera">'
            '<meta property="article:published_time" content="2026-11-20T08:00:00+00:00">')
    paragraphs = "".join(f"<p>{html.escape(p, quote=False)}</p>\n" for p in article.paragraphs)
    return page(article.title, f"<article><h1>{html.escape(article.title)}</h1>\n{paragraphs}</article>", head)


def malformed_html(article: Article) -> str:
    """No doctype, unclosed and misnested tags, stray end tags, a mangled attribute, an unterminated comment."""
    first, second, third, fourth = (html.escape(p, quote=False) for p in article.paragraphs)
    return (
        "<html><head><title>" + html.escape(article.title) + "</title><meta property='og:type' content=article>"
        "<meta name=author content='Sam Rivera'></head><body><div class=wrap data-x=a\"b'c>"
        "<nav><a href=/>Home</a></nav>"
        f"<article><h1>{html.escape(article.title)}</h2><p>{first}<p>{second}</span>"
        f"<p><b><i>{third}</b></i><p>{fourth}</div></article></td></table><!-- unterminated"
    )


def home_html(outside: str) -> str:
    links = [*ARTICLES, *TRACKED_LINKS, *JUNK_LINKS, *TRAP_LINKS, f"{outside}/story.html", "/old/moved.html",
             "ftp://127.0.0.1/pub/file.txt", "file:///etc/passwd", "javascript:alert(1)"]
    links.remove("/articles/moved.html")
    items = "".join(f'<li><a href="{html.escape(link)}">Link {number}</a></li>\n' for number, link in enumerate(links))
    return page("The Harbor Courier", f"<h1>Latest</h1><ul>\n{items}</ul>")


@cache
def gzip_bomb(inflated: int = 64 * MIB) -> bytes:
    """A gzip body that inflates to `inflated` bytes of spaces, built without holding them in memory."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b" " * MIB
    parts = [compressor.compress(chunk) for _ in range(inflated // MIB)]
    return b"".join(parts) + compressor.flush()


@cache
def pathological_html() -> bytes:
    """A page at which trafilatura works for minutes: a few megabytes of tiny paragraphs."""
    paragraphs = "<p>word word word</p>" * PATHOLOGICAL_PARAGRAPHS
    return f"<html><body><article>{paragraphs}</article></body></html>".encode()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        self.server.site.record(Hit(self.path, self.headers.get("Host", "")))
        route = self.server.site.route(url.path)
        try:
            route(self, parse_qs(url.query))
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def send(self, status: int, body: bytes = b"", content_type: str | None = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, status: int = 302) -> None:
        self.send(status, b"", None, {"Location": location})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], site: HostileSite) -> None:
        self.site = site
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        """Clients hang up on this server all the time; that is the point."""


Route = Callable[[_Handler, dict[str, list[str]]], None]


@dataclass
class HostileSite:
    """Serves the hostile site on `host` (port 0 picks one); `outside` is the base URL of a host the crawl must
    never reach."""

    outside: str
    host: str = "127.0.0.1"
    hits: list[Hit] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: _Server | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://{self.host}:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def record(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)

    def paths(self) -> list[str]:
        with self._lock:
            return [hit.path for hit in self.hits]

    def __enter__(self) -> HostileSite:
        gzip_bomb(), pathological_html()  # built before serving, so that building them cannot time a request out
        self._server = _Server((self.host, 0), self)
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stopping.set()
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    def route(self, path: str) -> Route:
        if path in ARTICLES:
            return self._article
        if path.startswith("/junk/redirect/"):
            return self._endless_redirect
        if path.startswith("/archive/"):
            return self._archive
        if path.startswith("/loop/"):
            return self._loop
        return ROUTES.get(path, _not_found)

    def _article(self, handler: _Handler, query: dict[str, list[str]]) -> None:
        path = urlsplit(handler.path).path
        article = ARTICLES[path]
        if path == "/articles/flaky.html" and self.paths().count(path) == 1:
            handler.send(503, b"Service Unavailable", "text/plain")
            return
        markup = malformed_html(article) if path == "/articles/malformed.html" else article_html(article)
        body = markup.encode(article.body_encoding)
        content_type = f"text/html; charset={article.header_charset}" if article.header_charset else "text/html"
        if path == "/articles/compressed.html":
            handler.send(200, gzip.compress(body), content_type, {"Content-Encoding": "gzip"})
        else:
            handler.send(200, body, content_type)

    def _endless_redirect(self, handler: _Handler, query: dict[str, list[str]]) -> None:
        number = int(urlsplit(handler.path).path.rsplit("/", 1)[1] or 0)
        handler.redirect(f"/junk/redirect/{number + 1}")

    def _archive(self, handler: _Handler, query: dict[str, list[str]]) -> None:
        parts = [p for p in urlsplit(handler.path).path.split("/") if p]
        year, month = (int(parts[1]), int(parts[2])) if len(parts) >= 3 else (2026, 11)
        months = [(year + (month + step - 1) // 12, (month + step - 1) % 12 + 1) for step in (-1, 1)]
        links = "".join(f'<a href="/archive/{y}/{m:02d}/">{y}-{m:02d}</a> ' for y, m in months)
        handler.send(200, page(f"Archive {year}-{month:02d}", f"<h1>Archive</h1><p>No stories.</p>{links}").encode())

    def _loop(self, handler: _Handler, query: dict[str, list[str]]) -> None:
        handler.send(200, page("More", '<p>More stories:</p><a href="more/">more</a>').encode())

    def stall(self, handler: _Handler, query: dict[str, list[str]]) -> None:
        self.stopping.wait(STALL_SECONDS)
        handler.send(200, article_html(ARTICLES["/articles/plain.html"]).encode())

    def trickle(self, handler: _Handler, query: dict[str, list[str]]) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(MIB))
        handler.end_headers()
        while not self.stopping.wait(0.2):
            handler.wfile.write(b" ")
            handler.wfile.flush()

    def to_outside(self, handler: _Handler, query: dict[str, list[str]]) -> None:
        handler.redirect(f"{self.outside}/secret.html")

    def refresh_outside(self, handler: _Handler, query: dict[str, list[str]]) -> None:
        head = f'<meta http-equiv="refresh" content="0; url={self.outside}/refreshed.html">'
        handler.send(200, page("Moved", "<p>This page has moved.</p>", head).encode())

    def to_localhost(self, handler: _Handler, query: dict[str, list[str]]) -> None:
        handler.redirect(f"http://localhost:{self.base_url.rsplit(':', 1)[1]}/articles/plain.html")

    def home(self, handler: _Handler, query: dict[str, list[str]]) -> None:
        handler.send(200, home_html(self.outside).encode())


def _not_found(handler: _Handler, query: dict[str, list[str]]) -> None:
    handler.send(404, page("Not found", "<p>Not found.</p>").encode())


def _status(status: int) -> Route:
    return lambda handler, query: handler.send(status, page(str(status), f"<p>Error {status}.</p>").encode())


def _bytes(content_type: str, body: bytes) -> Route:
    return lambda handler, query: handler.send(200, body, content_type)


def _huge(handler: _Handler, query: dict[str, list[str]]) -> None:
    handler.send(200, b"<p>" + b"x" * OVER_MAX_SIZE + b"</p>")


def _huge_streamed(handler: _Handler, query: dict[str, list[str]]) -> None:
    """No Content-Length: the body ends when the connection closes, after more than DOWNLOAD_MAXSIZE."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.close_connection = True
    for _ in range(OVER_MAX_SIZE // MIB + 1):
        handler.wfile.write(b"<p>" + b"y" * MIB + b"</p>")


def _bomb(handler: _Handler, query: dict[str, list[str]]) -> None:
    handler.send(200, gzip_bomb(), "text/html; charset=utf-8", {"Content-Encoding": "gzip"})


def _calendar(handler: _Handler, query: dict[str, list[str]]) -> None:
    """Every month links to the months around it and to each of its days; every day to the next day."""
    year, month = (int(v) for v in (query.get("month") or ["2026-11"])[0].split("-")[:2])
    day = (query.get("day") or [""])[0]
    neighbours = [(year + (month + step - 1) // 12, (month + step - 1) % 12 + 1) for step in (-12, -1, 1, 12)]
    links = [f"/calendar?month={y}-{m:02d}" for y, m in neighbours]
    links += [f"/calendar?day={year}-{month:02d}-{d:02d}&month={year}-{month:02d}" for d in range(1, 29)]
    if day:
        links.append(f"/calendar?day={day}x&month={year}-{month:02d}")
    body = "<h1>Events</h1>" + "".join(f'<a href="{html.escape(link)}">{n}</a> ' for n, link in enumerate(links))
    handler.send(200, page("Events calendar", body).encode())


def _listing(handler: _Handler, query: dict[str, list[str]]) -> None:
    number = int((query.get("page") or ["1"])[0])
    body = (f'<h1>All stories, page {number}</h1><a href="/articles/plain.html">Evening ferry</a> '
            f'<a href="/list?page={number + 1}">Next page</a>')
    handler.send(200, page(f"All stories {number}", body).encode())


def _shop(handler: _Handler, query: dict[str, list[str]]) -> None:
    chosen = {name: values[0] for name, values in query.items()}
    links = [urlencode({**chosen, name: value}) for name, values in FACETS.items() for value in values]
    body = "<h1>Shop</h1>" + "".join(f'<a href="/shop?{html.escape(link)}">{link}</a> ' for link in links)
    handler.send(200, page("Shop", body).encode())


def _session(handler: _Handler, query: dict[str, list[str]]) -> None:
    sid = os.urandom(8).hex()
    body = f'<h1>Welcome back</h1><a href="/session/?sid={sid}">Continue</a>'
    handler.send(200, page("Session", body).encode())


def _robots(handler: _Handler, query: dict[str, list[str]]) -> None:
    handler.send(200, b"User-agent: *\nAllow: /\n", "text/plain")


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16
ROUTES: dict[str, Route] = {
    "/": lambda handler, query: handler.server.site.home(handler, query),
    "/robots.txt": _robots,
    "/old/moved.html": lambda handler, query: handler.redirect("/articles/moved.html", 301),
    "/junk/report.pdf": _bytes("application/pdf", b"%PDF-1.4\n" + bytes(range(256)) * 64),
    "/junk/photo.jpg": _bytes("image/jpeg", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 64),
    "/junk/clip.mp4": _bytes("video/mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (4 * MIB)),
    "/junk/empty.html": _bytes("text/html; charset=utf-8", b""),
    "/junk/binary.html": _bytes("text/html; charset=utf-8", PNG),
    "/junk/huge.html": _huge,
    "/junk/huge-streamed.html": _huge_streamed,
    "/junk/bomb.html": _bomb,
    "/junk/loop-a.html": lambda handler, query: handler.redirect("/junk/loop-b.html"),
    "/junk/loop-b.html": lambda handler, query: handler.redirect("/junk/loop-a.html"),
    "/junk/missing.html": _status(404),
    "/junk/gone.html": _status(410),
    "/junk/forbidden.html": _status(403),
    "/junk/broken.html": _status(500),
    "/junk/slow.html": lambda handler, query: handler.server.site.stall(handler, query),
    "/junk/trickle.html": lambda handler, query: handler.server.site.trickle(handler, query),
    "/junk/pathological.html": lambda handler, query: handler.send(200, pathological_html()),
    "/junk/to-outside.html": lambda handler, query: handler.server.site.to_outside(handler, query),
    "/junk/refresh-outside.html": lambda handler, query: handler.server.site.refresh_outside(handler, query),
    "/junk/to-localhost.html": lambda handler, query: handler.server.site.to_localhost(handler, query),
    "/junk/to-metadata.html": lambda handler, query: handler.redirect(METADATA_URL),
    "/junk/to-file.html": lambda handler, query: handler.redirect("file:///etc/passwd"),
    "/calendar": _calendar,
    "/list": _listing,
    "/shop": _shop,
    "/session/": _session,
}
