"""The benchmark (bench/): its site is fully linked and crawlable, its measurements count the whole process tree."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from bench.measure import run_measured
from bench.profile import format_profile, summarize
from bench.site import SourcePage, build_site, demo_pages, find_sources, rewrite_page

ROOT = Path(__file__).resolve().parent.parent
DEMO_SITE = ROOT / "demo" / "site"
LOCAL = "http://bench.test"


def local_links(root: Path, path: str) -> list[str]:
    """Paths of the links a crawler finds on one page of the built site that stay on the site."""
    url = LOCAL + path
    file = root / ("index.html" if path == "/" else path.lstrip("/"))
    tree = lxml.html.fromstring(file.read_bytes())
    links = (urljoin(url, str(href).strip()).split("#", 1)[0] for href in tree.xpath("//a/@href"))
    return [urlsplit(link).path for link in links if link.startswith(LOCAL + "/")]


def crawl(root: Path) -> set[str]:
    """Every path reachable from / by following links, as the bare crawl does."""
    seen, pending = {"/"}, ["/"]
    while pending:
        for path in local_links(root, pending.pop()):
            if path not in seen:
                seen.add(path)
                pending.append(path)
    return seen


@pytest.fixture(scope="module")
def demo_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench") / "site"
    build_site(root, 40, demo_pages(DEMO_SITE), "demo")
    return root


def test_the_demo_pages_stand_in_when_the_datasets_are_absent(tmp_path: Path) -> None:
    source, pages = find_sources(tmp_path / "no-datasets", DEMO_SITE)
    assert source == "demo"
    assert pages and all(page.url.startswith("https://demo.invalid/news/") for page in pages)


def test_a_link_following_crawl_reaches_every_page_and_nothing_else(demo_built: Path) -> None:
    files = {"/" + p.relative_to(demo_built).as_posix() for p in demo_built.rglob("*.html")} - {"/index.html"} | {"/"}
    assert len([f for f in files if f.startswith("/news/")]) == 40
    assert crawl(demo_built) == files


def test_each_article_links_to_ten_articles_and_three_listing_pages(demo_built: Path) -> None:
    for article in sorted((demo_built / "news").glob("*.html")):
        path = "/news/" + article.name
        links = set(local_links(demo_built, path)) - {path}
        assert len([link for link in links if link.startswith("/news/")]) >= 10, path
        assert "/" in links and any(link.startswith("/section/") for link in links), path


def test_pages_are_reused_under_distinct_urls_with_their_own_canonical(demo_built: Path) -> None:
    sources = len(demo_pages(DEMO_SITE))
    first, again = (demo_built / "news" / f"{n:06d}.html" for n in (0, sources))
    assert first.read_bytes() != again.read_bytes()
    canonicals = {
        lxml.html.fromstring(f.read_bytes()).xpath("//link[@rel='canonical']/@href")[0] for f in (first, again)
    }
    assert len(canonicals) == 1 and canonicals.pop().startswith("https://demo.invalid/news/")


def test_rewriting_keeps_the_page_and_moves_only_its_links() -> None:
    page = textwrap.dedent("""\
        <html><head><base href="https://paper.example/"><link rel="canonical" href="/story">
        <meta property="og:url" content="/story"></head><body>
        <script>var t = '<a href="/in-script">x</a>';</script>
        <a href="/one">One</a><a role="menuitem"href="/two">Two</a>
        <a title="a > b" href="/three">Three</a><a href="#top">Top</a><a href="mailto:x@y.z">Mail</a>
        <p>Body text.</p></body></html>
        """).encode()
    rewritten = rewrite_page(page, "https://paper.example/2026/story", ["/", "/news/000002.html"])
    tree = lxml.html.fromstring(rewritten)
    assert tree.xpath("//a/@href") == ["/", "/news/000002.html", "https://paper.example/three", "#top", "mailto:x@y.z"]
    assert tree.xpath("//link[@rel='canonical']/@href") == ["https://paper.example/story"]
    assert tree.xpath("//meta[@property='og:url']/@content") == ["https://paper.example/story"]
    assert not tree.xpath("//base")
    assert b"'<a href=\"/in-script\">x</a>'" in rewritten
    assert b"<p>Body text.</p>" in rewritten


def test_links_a_page_has_no_anchors_for_are_added_before_the_body_ends() -> None:
    page = b"<html><body><p>Text</p></body></html>"
    rewritten = rewrite_page(page, "https://paper.example/", ["/", "/news/000001.html"])
    assert lxml.html.fromstring(rewritten).xpath("//nav/a/@href") == ["/", "/news/000001.html"]


def test_a_dataset_source_is_read_from_its_gzip_file(tmp_path: Path) -> None:
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(b"<html><body>saved</body></html>"))
    assert SourcePage(path, "https://paper.example/").read() == b"<html><body>saved</body></html>"


def test_the_measurement_sums_cpu_and_memory_over_the_whole_process_tree(tmp_path: Path) -> None:
    child = (
        "import time\n"
        "block = bytearray(120 * 1024 * 1024)\n"
        "block[::4096] = b'x' * len(block[::4096])\n"
        "while time.process_time() < 0.6: pass\n"
        "time.sleep(0.6)\n"
    )
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}], check=True)"
    status, usage = run_measured([sys.executable, "-c", parent], cwd=tmp_path, log_path=tmp_path / "log")
    assert status == 0
    assert usage.peak_processes == 2
    assert usage.peak_rss_mb > 120
    child_program = Path(sys.executable).name
    assert set(usage.peak_rss_by_role_mb) == {"main", child_program}
    assert usage.peak_rss_by_role_mb[child_program] > 120 > usage.peak_rss_by_role_mb["main"]
    assert usage.cpu_seconds >= 0.5
    assert usage.main_cpu_seconds < usage.cpu_seconds


def test_make_bench_measures_three_runs_and_the_bound(tmp_path: Path) -> None:
    command = [
        sys.executable, "-m", "bench", "--pages", "12", "--server", "python", "--workdir", str(tmp_path / "work"),
        "--results", str(tmp_path / "results"), "--datasets", str(tmp_path / "no-datasets"),
    ]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads((tmp_path / "results" / "latest.json").read_text("utf-8"))
    assert set(report["runs"]) == {"bare", "trafilatura", "full"}
    assert report["site"]["source"] == "demo"
    html_files = report["site"]["html_files"]
    assert [report["runs"][name]["pages"] for name in ("bare", "trafilatura", "full")] == [html_files] * 3
    assert report["runs"]["full"]["articles_stored"] > 0
    assert report["two_core_bound_pages_per_second"] > 0 and report["full_to_bound"] > 0
    for line in ("bare crawl (links only)", "trafilatura alone (1 core)", "newsclean crawl (full)", "2-core bound"):
        assert line in completed.stdout


def test_the_profile_gives_each_sample_to_its_process_and_the_reactor_task(tmp_path: Path) -> None:
    main = 'process 10:"python -m scrapy crawl news"'
    worker = 'process 12:"python -m newsclean.workers 5"'
    helper = 'process 11:"python -c from multiprocessing.resource_tracker import main;main(4)"'
    folded = tmp_path / "profile.folded"
    folded.write_text(
        f"{main};run (asyncio/base_events.py:1);NewsSpider._page_requests (spiders/news.py:9);"
        "normalize_url (newsclean/urls.py:17) 30\n"
        f"{main};run (asyncio/base_events.py:1);StorePipeline.process_item (pipelines/store.py:5) 10\n"
        f"{main};{helper};main (multiprocessing/resource_tracker.py:1) 1\n"
        f"{main};{worker};analyse_page (newsclean/page.py:44) 160\n",
        "utf-8",
    )
    profile = summarize(folded)
    assert dict(profile.roles) == {"analysis worker": 160, "reactor": 40, "other": 1}
    assert dict(profile.reactor_tasks) == {"normalize_url on found links": 30, "SQLite store pipeline": 10}
    assert "analysis worker" in format_profile(profile, pages=20)
