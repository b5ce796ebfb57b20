"""Saved pages to extract from: .html / .html.gz files, folders of them, and JSONL of {url, html, id}."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")


@dataclass(frozen=True)
class SavedPage:
    """One page to extract; `source` says where it came from (file, or file:line)."""

    source: str
    url: str
    html: bytes | str
    id: str | None = None


@dataclass(frozen=True)
class InputError:
    """An input that could not be read, and why."""

    source: str
    message: str


def iter_saved_pages(paths: Iterable[str]) -> Iterator[SavedPage | InputError]:
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _has_suffix(p, HTML_SUFFIXES + JSONL_SUFFIXES))
            for file in files:
                yield from _read_file(file)
        elif path.is_file():
            yield from _read_file(path)
        else:
            yield InputError(name, "no such file or folder")


def _has_suffix(path: Path, suffixes: tuple[str, ...]) -> bool:
    return path.name.lower().endswith(suffixes)


def _read_file(path: Path) -> Iterator[SavedPage | InputError]:
    if _has_suffix(path, JSONL_SUFFIXES):
        yield from _read_jsonl(path)
    elif _has_suffix(path, HTML_SUFFIXES):
        try:
            yield SavedPage(str(path), path.resolve().as_uri(), _read_bytes(path))
        except (OSError, EOFError) as error:
            yield InputError(str(path), f"unreadable: {error}")
    else:
        yield InputError(str(path), f"not a supported input (expected one of {', '.join(HTML_SUFFIXES + JSONL_SUFFIXES)})")


def _read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.lower().endswith(".gz") else data


def _read_jsonl(path: Path) -> Iterator[SavedPage | InputError]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    yield _jsonl_page(f"{path}:{number}", line)
    except (OSError, EOFError, UnicodeDecodeError) as error:
        yield InputError(str(path), f"unreadable: {error}")


def _jsonl_page(source: str, line: str) -> SavedPage | InputError:
    try:
        data = json.loads(line)
    except ValueError as error:
        return InputError(source, f"not JSON: {error}")
    if not isinstance(data, dict) or not isinstance(data.get("url"), str) or not isinstance(data.get("html"), str):
        return InputError(source, 'expected {"url": "...", "html": "...", "id": "..." (optional)}')
    page_id = data.get("id")
    return SavedPage(source, data["url"], data["html"], str(page_id) if page_id is not None else None)
