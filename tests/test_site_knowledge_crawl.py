"""Site knowledge in a crawl: a class-obfuscated site whose boilerplate single-page rules miss."""

from __future__ import annotations

from pathlib import Path

from newsclean.siteserver import SiteServer
from tests.conftest import FAST_CRAWL, run_scrapy, stored_records

APPEAL = "The Harbour Ledger is kept free by its readers, and every contribution pays for local reporting."


def opening(n: int) -> str:
    return (f"Story {n} begins with the harbour board's decision on berth {n}, taken late on Monday after a long "
            f"debate about the cost of dredging the channel.")


def article(n: int, teaser_of: int) -> str:
    paragraphs = [
        opening(n),
        f"Fishermen who use berth {n} said the change would let larger boats unload at low tide for the first time.",
        f"The board expects the work on berth {n} to finish before the summer season, when ferry traffic doubles.",
        f"A public meeting about berth {n} will be held at the harbour office, and written comments are welcome.",
    ]
    body = "".join(f'<div class="c-{n}a{i}"><p class="css-9x{i}">{p}</p></div>' for i, p in enumerate(paragraphs))
    return (
        f'<html lang="en"><head><title>Berth {n} | The Harbour Ledger</title>'
        f'<meta property="og:type" content="article"></head><body><div class="css-1f2"><div class="css-77a">'
        f'<h1 class="css-h1">Berth {n}</h1>{body}'
        f'<div class="c-5e1"><p class="css-0p">{APPEAL}</p></div>'
        f'<div class="c-5e2"><p class="css-0q">{opening(teaser_of)}</p></div>'
        f"</div></div></body></html>"
    )


def publish(root: Path, numbers: range) -> None:
    """Articles 1-8 tease each other; later ones tease one of the first eight."""
    (root / "news").mkdir(parents=True, exist_ok=True)
    for n in numbers:
        teaser_of = n % 8 + 1 if n <= 8 else n - 8
        (root / "news" / f"berth-{n}.html").write_text(article(n, teaser_of), encoding="utf-8")
    links = "".join(f'<li><a href="/news/{p.name}">{p.stem}</a></li>' for p in sorted((root / "news").iterdir()))
    (root / "index.html").write_text(f"<html><body><ul>{links}</ul></body></html>", encoding="utf-8")


def test_later_pages_of_a_host_come_out_clean(tmp_path: Path) -> None:
    root, store = tmp_path / "site", tmp_path / "store.db"
    publish(root, range(1, 9))
    with SiteServer(root) as site:
        crawl = ("crawl", "news", "-a", f"start={site.url('/')}", "-s", f"STORE_URL=sqlite:///{store}", *FAST_CRAWL)
        first = run_scrapy(*crawl)
        assert first.returncode == 0, first.stderr[-2000:]
        early = stored_records(store)
        assert len(early) == 8
        assert any(APPEAL in r["text"] for r in early.values()), "single-page rules alone keep the appeal"
        publish(root, range(9, 13))
        second = run_scrapy(*crawl)
        assert second.returncode == 0, second.stderr[-2000:]
    later = {path: r for path, r in stored_records(store).items() if path not in early}
    assert set(later) == {f"/news/berth-{n}.html" for n in range(9, 13)}
    for path, record in later.items():
        assert APPEAL not in record["text"], path
        paragraphs = record["text"].split("\n\n")
        assert len(paragraphs) == 4, f"{path}: the teaser of another story or the appeal stayed"
        assert paragraphs[0].startswith(f"Story {path.split('-')[1].split('.')[0]} begins"), path
