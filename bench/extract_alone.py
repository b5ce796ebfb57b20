"""trafilatura alone, one process, one core: extract every HTML page of the benchmark site.

python -m bench.extract_alone SITE_ROOT BASE_URL  ->  one JSON line: pages, extracted, seconds

The call is the one newsclean makes (bare_extraction, metadata on, comments off) on the decoded page,
without newsclean's own parsing, pruning and cleaning around it.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import trafilatura
from trafilatura.settings import Extractor


def site_pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def extract_all(root: Path, base_url: str) -> dict[str, float]:
    pages = site_pages(root)
    extracted = 0
    started = time.perf_counter()
    for path in pages:
        url = base_url + "/" + path.relative_to(root).as_posix()
        options = Extractor(output_format="python", comments=False, with_metadata=True, url=url)
        document = trafilatura.bare_extraction(path.read_bytes().decode("utf-8", "replace"), options=options)
        extracted += document is not None
    return {"pages": len(pages), "extracted": extracted, "seconds": time.perf_counter() - started}


def main(argv: list[str]) -> int:
    root, base_url = Path(argv[0]), argv[1].rstrip("/")
    print(json.dumps(extract_all(root, base_url)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
