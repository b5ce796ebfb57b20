"""JSONL output for commands: records through Scrapy's JsonLinesItemExporter, never a half-written file."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from scrapy.exporters import JsonLinesItemExporter


@contextmanager
def jsonl_output(target: str) -> Iterator[JsonLinesItemExporter]:
    """Write to `target` ("-" for stdout) through a temporary file renamed into place at the end."""
    if target == "-":
        yield _exporter(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            exporter = _exporter(stream)
            yield exporter
            exporter.finish_exporting()
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _exporter(stream: BinaryIO) -> JsonLinesItemExporter:
    exporter = JsonLinesItemExporter(stream, encoding="utf-8", ensure_ascii=False)
    exporter.start_exporting()
    return exporter
