"""JSONL output for commands through Scrapy's JsonLinesItemExporter, never a half-written file.

Every file is written under a temporary name in its folder and renamed at the end; .gz and .zst targets are
compressed. Sharded output renames the shards, then writes the manifest, only once every shard is complete:
an interrupted export leaves no partial file under a final name, and the files of an earlier export as they were.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO

from scrapy.exporters import JsonLinesItemExporter

from newsclean.record import utc_now

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd

JSONL_SUFFIXES = (".jsonl.gz", ".jsonl.zst", ".jsonl")
GZIP_LEVEL = 6  # gzip's own default: Python's 9 is three times slower for a few percent


def jsonl_suffix(name: str) -> str | None:
    """The JSONL suffix (.jsonl, .jsonl.gz or .jsonl.zst) `name` ends with, if any."""
    return next((suffix for suffix in JSONL_SUFFIXES if name.endswith(suffix)), None)


@contextmanager
def jsonl_output(target: str, fields: list[str] | None = None) -> Iterator[JsonLinesItemExporter]:
    """Write to `target` ("-" for stdout, uncompressed) through a temporary file renamed into place at the end."""
    if target == "-":
        exporter = _exporter(sys.stdout.buffer, fields)
        yield exporter
        exporter.finish_exporting()
        sys.stdout.buffer.flush()
        return
    part = PartFile(Path(target), fields)
    try:
        yield part.exporter
        part.commit()
    finally:
        part.discard()


class PartFile:
    """A JSONL file written under a temporary name beside its final path, compressed as the final name says."""

    def __init__(self, final: Path, fields: list[str] | None) -> None:
        final.parent.mkdir(parents=True, exist_ok=True)
        handle, name = _mkstemp(final)
        self.final = final
        self.path = Path(name)
        self._raw = os.fdopen(handle, "wb")
        self._stream = _compressor(self._raw, final.name)
        self.exporter = _exporter(self._stream, fields)
        self.records = 0
        self._closed = False

    def export_item(self, item: Any) -> None:
        self.exporter.export_item(item)
        self.records += 1

    def close(self) -> None:
        """Finish the file (compression trailer included); it keeps its temporary name."""
        if self._closed:
            return
        self._closed = True
        self.exporter.finish_exporting()
        try:
            if self._stream is not self._raw:
                self._stream.close()
        finally:
            self._raw.close()

    def commit(self) -> None:
        self.close()
        os.replace(self.path, self.final)

    def discard(self) -> None:
        """Delete the temporary file, if it was not committed."""
        with suppress(Exception):
            self.close()
        self.path.unlink(missing_ok=True)


def _compressor(raw: BinaryIO, name: str) -> BinaryIO:
    if name.endswith(".gz"):
        compressed = gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=GZIP_LEVEL, mtime=0)
        return compressed  # type: ignore[return-value]
    if name.endswith(".zst"):
        return zstd.ZstdFile(raw, mode="wb")  # type: ignore[return-value]
    return raw


def _exporter(stream: BinaryIO, fields: list[str] | None) -> JsonLinesItemExporter:
    # Scrapy annotates the file as BytesIO; any binary stream works.
    exporter = JsonLinesItemExporter(stream, encoding="utf-8", ensure_ascii=False,  # type: ignore[arg-type]
                                     fields_to_export=fields)
    exporter.start_exporting()
    return exporter


class ShardedOutput:
    """OUT-00000.jsonl.gz, OUT-00001.jsonl.gz, ... of `shard_size` records each, and OUT.manifest.json.

    Use it through `sharded_jsonl_output()`; entries put in `metadata` are added to the manifest.
    """

    def __init__(self, target: Path, shard_size: int, fields: list[str] | None) -> None:
        if shard_size < 1:
            raise ValueError(f"a shard holds at least one record, not {shard_size}")
        self.suffix = jsonl_suffix(target.name) or ".jsonl"
        self.stem = target.name.removesuffix(self.suffix)
        self.folder = target.parent
        self.shard_size = shard_size
        self.fields = fields
        self.metadata: dict[str, Any] = {}
        self.parts: list[PartFile] = []

    @property
    def manifest_path(self) -> Path:
        return self.folder / f"{self.stem}.manifest.json"

    def shard_path(self, number: int) -> Path:
        return self.folder / f"{self.stem}-{number:05d}{self.suffix}"

    def export_item(self, item: Any) -> None:
        if not self.parts or self.parts[-1].records >= self.shard_size:
            if self.parts:
                self.parts[-1].close()
            self.parts.append(PartFile(self.shard_path(len(self.parts)), self.fields))
        self.parts[-1].export_item(item)

    def commit(self) -> None:
        """Rename every shard into place, write the manifest, then delete shards only an older manifest listed."""
        stale = self._previous_shards()
        entries = []
        for part in self.parts:
            part.close()
            size, digest = _measure(part.path)
            entries.append({"path": part.final.name, "records": part.records, "bytes": size, "sha256": digest})
        for part in self.parts:
            part.commit()
        _write_atomically(self.manifest_path, self._manifest(entries))
        for name in stale - {entry["path"] for entry in entries}:
            (self.folder / name).unlink(missing_ok=True)

    def discard(self) -> None:
        for part in self.parts:
            part.discard()

    def _manifest(self, shards: list[dict[str, Any]]) -> bytes:
        manifest = {
            "created": utc_now(),
            "records": sum(shard["records"] for shard in shards),
            "bytes": sum(shard["bytes"] for shard in shards),
            "shards": shards,
            **self.metadata,
        }
        return json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"

    def _previous_shards(self) -> set[str]:
        """Shard names listed by the manifest an earlier export left here (bare names only)."""
        try:
            previous = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            names = {str(entry["path"]) for entry in previous["shards"]}
        except (OSError, ValueError, TypeError, KeyError):
            return set()
        return {name for name in names if Path(name).name == name and name.startswith(self.stem + "-")}


@contextmanager
def sharded_jsonl_output(target: str, shard_size: int, fields: list[str] | None = None) -> Iterator[ShardedOutput]:
    """Numbered shards of `shard_size` records and a manifest (records, bytes, sha256 per shard)."""
    output = ShardedOutput(Path(target), shard_size, fields)
    try:
        yield output
        output.commit()
    finally:
        output.discard()


def _mkstemp(final: Path) -> tuple[int, str]:
    """A temporary file beside `final`, with the permissions a new file gets (mkstemp's are owner-only)."""
    handle, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".part")
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(handle, 0o666 & ~umask)
    return handle, name


def _write_atomically(path: Path, data: bytes) -> None:
    handle, name = _mkstemp(path)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(name, path)
    finally:
        Path(name).unlink(missing_ok=True)


def _measure(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return path.stat().st_size, digest.hexdigest()
