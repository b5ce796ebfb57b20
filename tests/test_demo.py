"""`make demo`'s runner: the bundled site crawled, stored, exported and summarized."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

SEED_NOISE = ("Date:", "Share post:", "spot_img", "Related articles", "for the first time since March, after...")


def test_demo_crawls_the_bundled_site(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "demo/run.py", "--data-dir", str(tmp_path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    records = [json.loads(line) for line in (tmp_path / "demo.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 9
    assert "articles stored:  9" in run.stdout
    assert "static_page" in run.stdout and "tag_page" in run.stdout
    seed_like = next(r for r in records if r["url"].endswith("/river-cleanup-volunteers.html"))
    for noise in SEED_NOISE:
        assert noise not in seed_like["text"]
    assert not any("/private/" in r["url"] for r in records)
