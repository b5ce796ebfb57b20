"""Bytes of a fetched page to text: the right charset when the server or the page lies, and binary detection.

The rules, in order: a byte-order mark wins; a body that is valid UTF-8 is UTF-8 whatever its label says
(a legacy body is practically never valid UTF-8 by accident); a declared legacy charset (HTTP header, then
`<meta>`) is used as declared; otherwise, including a UTF-8 label on bytes that are not UTF-8, the bytes are
read as UTF-8 with each invalid byte read as Windows-1252, which is what Western pages without a usable
declaration are, unless the statistical detector is sure of a non-Latin script (Cyrillic, Greek, CJK, ...).
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

UTF8_CP1252_ERRORS = "newsclean-cp1252"
# Guesses of the detector that are Latin-script single-byte charsets: on short texts it confuses them
# (French in windows-1252 comes back as windows-1250 or -1257), so Windows-1252 is used instead.
_LATIN_GUESS_RE = re.compile(
    r"^(?:cp125[02478]|latin_1|iso8859_(?:[1-49]|1[03456])|mac_(?:roman|latin2|iceland|turkish)|cp8[56]\d)$"
)
BINARY_MAGIC = (
    b"%PDF-", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b",
    b"OggS", b"ID3", b"\x1a\x45\xdf\xa3", b"fLaC", b"7z\xbc\xaf\x27\x1c", b"Rar!", b"\x00\x00\x01\xba",
)
BINARY_SAMPLE = 4096
BINARY_CONTROL_SHARE = 0.05
_TEXT_CONTROLS = frozenset("\t\n\r\f\v")


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    """Decode error handler: read each byte that is not UTF-8 as Windows-1252 (C1 control if undefined)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), error.end


codecs.register_error(UTF8_CP1252_ERRORS, _cp1252_bytes)


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """The text of an HTML page, decoded by the rules in this module's docstring."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom:
        return body[len(bom) :].decode(bom_encoding, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _declared_encoding(body, content_type)
    if declared and declared != "utf-8":
        return body.decode(declared, errors="replace")
    guess = None if declared else _non_latin_guess(body)
    if guess:
        return body.decode(guess, errors="replace")
    return body.decode("utf-8", errors=UTF8_CP1252_ERRORS)


def _declared_encoding(body: bytes, content_type: str | None) -> str | None:
    label = http_content_type_encoding(content_type or "") or html_body_declared_encoding(body)
    encoding = resolve_encoding(label) if label else None
    if encoding is None:
        return None
    return "utf-8" if codecs.lookup(encoding).name == "utf-8" else encoding


def _non_latin_guess(body: bytes) -> str | None:
    match = from_bytes(body[:65536]).best()
    if match is None or _LATIN_GUESS_RE.match(match.encoding) or match.encoding in ("ascii", "utf_8"):
        return None
    return str(match.encoding)


def looks_binary(body: bytes) -> bool:
    """True for bytes that are not text: a known file signature, or many control characters."""
    if read_bom(body)[0]:
        return False
    if body.startswith(BINARY_MAGIC) or body[4:8] == b"ftyp":
        return True
    sample = body[:BINARY_SAMPLE].decode("utf-8", errors=UTF8_CP1252_ERRORS)
    controls = sum(1 for char in sample if (char < " " or "\x7f" <= char < "\xa0") and char not in _TEXT_CONTROLS)
    return bool(sample) and controls / len(sample) > BINARY_CONTROL_SHARE
