"""The custom commands, end to end through subprocess, as a user runs them."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsclean.siteserver import SiteServer
from newsclean.store import open_store
from tests.conftest import FAST_CRAWL, ROOT, run_scrapy, stored_records
from tests.test_siteknowledge import APPEAL, STORIES, learned_knowledge, page

PAGES = ROOT / "tests" / "fixtures" / "pages"
SEED_NOISE = ("Date:", "Share post:", "spot_img", "Related articles", "Popularly known")


@pytest.fixture
def pages_site(tmp_path: Path) -> Iterator[SiteServer]:
    """The extraction fixtures served over HTTP, plus a PNG image."""
    root = tmp_path / "site"
    shutil.copytree(PAGES, root)
    (root / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    with SiteServer(root) as site:
        yield site


def records_from(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_article_prints_a_clean_record_and_stores_it(pages_site: SiteServer, store_path: Path) -> None:
    url = pages_site.url("/seed_obfuscated/page.html")
    run = run_scrapy("article", url, "-s", f"STORE_URL=sqlite:///{store_path}", *FAST_CRAWL)
    assert run.returncode == 0, run.stderr
    (record,) = records_from(run.stdout)
    assert record["url"] == url and record["discovered_via"] == "manual"
    assert record["title"] and str(record["text"]).count("\n\n") >= 5
    for noise in SEED_NOISE:
        assert noise not in str(record["text"])
    assert not str(record["text"]).startswith(str(record["title"]))
    assert set(stored_records(store_path)) == {"/seed_obfuscated/page.html"}


def test_article_reports_each_failure_and_exits_non_zero(pages_site: SiteServer, store_path: Path) -> None:
    good = pages_site.url("/no_classes/page.html")
    missing = pages_site.url("/nowhere.html")
    image = pages_site.url("/photo.png")
    listing = pages_site.url("/listing_page/page.html")
    run = run_scrapy("article", good, missing, image, listing, "-s", f"STORE_URL=sqlite:///{store_path}", *FAST_CRAWL)
    assert run.returncode == 1
    assert [r["url"] for r in records_from(run.stdout)] == [good]
    errors = [line for line in run.stderr.splitlines() if line.startswith("newsclean: ")]
    assert f"newsclean: {missing}: HTTP 404" in errors
    assert f"newsclean: {image}: not an article: not_html" in errors
    assert any(line.startswith(f"newsclean: {listing}: not an article: ") for line in errors)
    assert len(errors) == 3


def test_article_writes_to_a_file(pages_site: SiteServer, store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "one.jsonl"
    url = pages_site.url("/semantic_article/page.html")
    run = run_scrapy("article", url, "-o", str(out), "-s", f"STORE_URL=sqlite:///{store_path}", *FAST_CRAWL)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == ""
    (record,) = records_from(out.read_text(encoding="utf-8"))
    assert record["url"] == url


def test_extract_reads_files_folders_and_jsonl(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    shutil.copy(PAGES / "seed_wordpress" / "page.html", folder / "a.html")
    (folder / "b.html.gz").write_bytes(gzip.compress((PAGES / "no_classes" / "page.html").read_bytes()))
    jsonl = tmp_path / "pages.jsonl"
    lines = [
        {"url": "https://german.example/artikel.html", "html": (PAGES / "german_news" / "page.html").read_text(), "id": "de-1"},
        {"url": "https://news.example/tag/x/", "html": (PAGES / "tag_page" / "page.html").read_text()},
    ]
    jsonl.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run = run_scrapy("extract", str(folder), str(jsonl), "-o", str(out))
    assert run.returncode == 0, run.stderr
    records = records_from(out.read_text(encoding="utf-8"))
    assert len(records) == 3
    assert {r["discovered_via"] for r in records} == {"file"}
    assert records[2]["id"] == "de-1" and records[2]["url"] == "https://german.example/artikel.html"
    assert str(records[0]["url"]).startswith("http"), "a saved page takes its declared canonical URL"
    assert f"{jsonl}:2: rejected: " in run.stderr, "the tag page is rejected with its reason"


def test_extract_says_which_inputs_it_could_not_read(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"url": "https://x.example/"}\nnot json\n', encoding="utf-8")
    run = run_scrapy("extract", str(bad), str(tmp_path / "missing.html"), "-o", str(tmp_path / "out.jsonl"))
    assert run.returncode == 1
    assert f"{bad}:1: expected" in run.stderr
    assert f"{bad}:2: not JSON" in run.stderr
    assert "missing.html: no such file or folder" in run.stderr


def test_export_writes_the_store_as_jsonl(pages_site: SiteServer, store_path: Path, tmp_path: Path) -> None:
    urls = [pages_site.url("/seed_wordpress/page.html"), pages_site.url("/french_news/page.html")]
    assert run_scrapy("article", *urls, "-s", f"STORE_URL=sqlite:///{store_path}", *FAST_CRAWL).returncode == 0
    out = tmp_path / "export.jsonl"
    run = run_scrapy("export", "-o", str(out), "-s", f"STORE_URL=sqlite:///{store_path}")
    assert run.returncode == 0, run.stderr
    assert sorted(r["url"] for r in records_from(out.read_text(encoding="utf-8"))) == sorted(urls)
    assert not list(tmp_path.glob(".export.jsonl.*")), "no temporary file left behind"


def test_extract_applies_what_crawls_learned_about_the_host(tmp_path: Path) -> None:
    urls = list(STORIES)
    store_url = f"sqlite:///{tmp_path / 'store.db'}"
    store = open_store(store_url)
    store.add_site_knowledge(learned_knowledge(urls[:4]).changes())
    store.close()
    saved = tmp_path / "pages.jsonl"
    saved.write_text(json.dumps({"url": urls[5], "html": page(urls[5], teaser_of=urls[0])}) + "\n", encoding="utf-8")

    texts = {}
    for name, options in {"with": (), "without": ("--no-site-knowledge",)}.items():
        out = tmp_path / f"{name}.jsonl"
        run = run_scrapy("extract", str(saved), "-o", str(out), "-s", f"STORE_URL={store_url}", *options)
        assert run.returncode == 0, run.stderr
        (record,) = records_from(out.read_text(encoding="utf-8"))
        texts[name] = str(record["text"])
    assert texts["with"].split("\n\n") == STORIES[urls[5]]
    assert APPEAL in texts["without"] and STORIES[urls[0]][0] in texts["without"]


def test_crawl_without_start_urls_says_what_to_give() -> None:
    run = run_scrapy("crawl", "news")
    assert run.returncode == 1
    assert "give the start URLs" in run.stderr
    assert "Crawler.stats is not set" not in run.stderr
