"""The benchmark metric against hand-computed cases, and `scrapy eval` end to end on a tiny dataset."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path

import pytest
from scrapy.exceptions import UsageError

from commands.eval import read_floor
from newsclean.evaluation import (
    Dataset,
    DatasetError,
    PageScore,
    Prediction,
    aggregate,
    author_correct,
    compare,
    date_correct,
    shingles,
    title_correct,
    tokenize,
    unmatched_spans,
    without_names,
)
from tests.conftest import run_scrapy

TRUTH = "alpha beta gamma delta epsilon zeta"
# Shingles: 3 true, 4 predicted, 2 shared -> tp 2, fp 2, fn 1 -> shares 0.4 / 0.4 / 0.2.
LEAKY = "alpha beta gamma delta epsilon menu footer"


def test_tokens_are_unicode_word_runs_with_case_kept() -> None:
    assert tokenize("Größe über 東京, l'été — Café!") == ["Größe", "über", "東京", "l", "été", "Café"]
    assert tokenize(None) == []


def test_shingles_are_a_multiset_and_short_texts_make_one() -> None:
    assert shingles("a b c d a b c d")[("a", "b", "c", "d")] == 2
    assert shingles("Hello world") == {("Hello", "world"): 1}
    assert shingles("  ,. ") == {}


def test_identical_texts() -> None:
    score = compare(TRUTH, "alpha, beta — gamma\n\ndelta epsilon zeta.")
    assert (score.tp, score.fp, score.fn, score.exact) == (1.0, 0.0, 0.0, True)
    assert score.precision == score.recall == score.f1 == 1.0


def test_disjoint_texts() -> None:
    score = compare("one two three four", "five six seven eight")
    assert (score.tp, score.fp, score.fn, score.exact) == (0.0, 0.5, 0.5, False)
    assert score.precision == score.recall == score.f1 == 0.0


def test_partial_overlap() -> None:
    score = compare(TRUTH, LEAKY)
    assert (score.tp, score.fp, score.fn) == pytest.approx((0.4, 0.4, 0.2))
    assert score.precision == pytest.approx(0.5)
    assert score.recall == pytest.approx(2 / 3)
    assert score.f1 == pytest.approx(0.8 / 1.4)


def test_repeated_shingles_count_at_most_as_often_as_in_the_truth() -> None:
    score = compare("a b c d a b c d", "a b c d")  # true abcd x2, bcda, cdab, dabc; predicted abcd
    assert (score.tp, score.fp, score.fn) == pytest.approx((0.2, 0.0, 0.8))


def test_texts_under_four_tokens_are_one_shingle() -> None:
    assert compare("Hello world", "Hello world") == PageScore(1.0, 0.0, 0.0, True)
    assert compare("Hello world", "Hello world again friends") == PageScore(0.0, 0.5, 0.5, False)


def test_empty_prediction() -> None:
    assert compare(TRUTH, None) == PageScore(0.0, 0.0, 1.0, False)
    assert compare(TRUTH, "").recall == 0.0


def test_empty_truth() -> None:
    assert compare(None, "one two three four five") == PageScore(0.0, 1.0, 0.0, False)
    assert compare("", "") == PageScore(0.0, 0.0, 0.0, True)
    assert compare("", "").f1 == 1.0


def test_case_differences_are_different_tokens() -> None:
    score = compare("The Cat sat down", "the cat sat down")
    assert (score.tp, score.exact) == (0.0, False)


def test_aggregate_means_precision_and_recall_over_their_own_pages() -> None:
    pages = [compare(TRUTH, LEAKY), compare(TRUTH, ""), compare(TRUTH, TRUTH)]
    scores = aggregate(pages)
    # Precision skips the empty prediction: (0.5 + 1) / 2; recall counts it: (2/3 + 0 + 1) / 3.
    assert scores.precision == pytest.approx(0.75)
    assert scores.recall == pytest.approx(5 / 9)
    assert scores.f1 == pytest.approx(30 / 47)
    assert scores.accuracy == pytest.approx(1 / 3)
    assert scores.pages == 3


def test_aggregate_skips_pages_with_empty_truth_for_recall() -> None:
    scores = aggregate([compare(TRUTH, TRUTH), compare("", "menu footer links here")])
    assert (scores.precision, scores.recall) == (0.5, 1.0)
    assert scores.f1 == pytest.approx(2 / 3)
    assert aggregate([]).f1 == 0.0


def test_unmatched_spans_show_leaked_and_lost_text() -> None:
    assert unmatched_spans(LEAKY, TRUTH) == ["gamma delta epsilon menu footer"]
    assert unmatched_spans(TRUTH, LEAKY) == ["gamma delta epsilon zeta"]
    assert unmatched_spans(TRUTH, TRUTH) == []


def test_metadata_checks() -> None:
    assert title_correct("The  Big\nStory", Prediction("", title="the big story"))
    assert not title_correct("The Big Story", Prediction("", title="The Big Story | Daily News"))
    assert title_correct("We've \"won\"", Prediction("", title="We’ve “won”"))
    assert not title_correct("We've won", Prediction("", title="We have won"))
    assert author_correct("Ana Ruiz and Bo Li", Prediction("", authors=("Bo Li",)))
    assert not author_correct("Ana Ruiz", Prediction("", authors=("Staff",)))
    assert date_correct("2024-05-01", Prediction("", published="2024-05-01T23:10:00+02:00"))
    assert not date_correct("2024-05-01", Prediction("", published=None))


# A tiny dataset in the benchmark's format.

PARAGRAPHS = [
    "The city council approved the new harbour plan on Tuesday after a debate that lasted most of the night.",
    "Supporters said the plan would bring ferries back to the old quay and create about two hundred jobs.",
    "Opponents warned that the cost had doubled since the first estimate and asked for an independent review.",
    "The mayor said construction should begin next spring, once the last permits have been signed.",
]


def article_html(title: str, extra: str = "") -> str:
    body = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    return (
        f"<html lang='en'><head><title>{title}</title><meta property='og:type' content='article'>"
        f"<meta name='author' content='Maria Lopez'>"
        f"<meta property='article:published_time' content='2024-05-01T10:00:00Z'></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{title}</h1><p class='byline'>By Maria Lopez</p>{body}{extra}</article>"
        f"<footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>"
    )


def write_dataset(folder: Path) -> Path:
    pages = {
        "a1": ("article", "Harbour plan approved", article_html("Harbour plan approved")),
        "a2": ("article", "Harbour costs", article_html("Harbour costs", "<p>Subscribe now to read more.</p>")),
        "l1": ("listing", "News", "<html><body><ul><li><a href='/a'>One</a></li></ul></body></html>"),
    }
    (folder / "html").mkdir(parents=True)
    truth = {}
    for page_id, (page_type, title, html) in pages.items():
        (folder / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(html.encode("utf-8")))
        truth[page_id] = {
            "url": f"https://news.example.com/2024/05/01/{page_id}",
            "page_type": page_type, "title": title, "author": "Maria Lopez", "publish_date": "2024-05-01",
            "articleBody": "\n\n".join(PARAGRAPHS) if page_type == "article" else None,
        }
    (folder / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return folder


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "tiny-set")


def write_floor(path: Path, floors: dict[str, object]) -> Path:
    path.write_text(json.dumps(floors), encoding="utf-8")
    return path


def test_dataset_selects_pages_by_type_and_limit(dataset: Path) -> None:
    opened = Dataset.open(dataset)
    assert opened.name == "tiny-set" and opened.has_metadata
    assert opened.select() == ["a1", "a2", "l1"]
    assert opened.select("article", limit=1) == ["a1"]
    assert opened.page("a2").html.startswith("<html")
    with pytest.raises(DatasetError):
        opened.select("forum")


def test_eval_prints_both_systems_and_passes_a_low_floor(dataset: Path, tmp_path: Path) -> None:
    floor = write_floor(tmp_path / "floor.json", {"tiny-set": {"f1": 0.5, "page_type": "article"}})
    run = run_scrapy("eval", str(dataset), "--page-type", "article", "--worst", "1", "--floor", str(floor))
    assert run.returncode == 0, run.stderr
    assert "tiny-set: 2 pages, page_type article" in run.stdout
    for label in ("newsclean", "trafilatura", "precision", "F1", "CPU ms/page", "CPU ratio", "title accuracy"):
        assert label in run.stdout
    assert "Worst 1 pages by newsclean F1:" in run.stdout
    assert "meets the floor" in run.stderr


def test_eval_exits_1_below_the_floor(dataset: Path, tmp_path: Path) -> None:
    floor = write_floor(tmp_path / "floor.json", {"tiny-set": {"f1": 1.01}, "other": {"f1": 0.1}})
    run = run_scrapy("eval", str(dataset), "--page-type", "article", "--limit", "1", "--floor", str(floor))
    assert run.returncode == 1
    assert "is BELOW the floor 1.0100" in run.stderr


def test_floor_file_without_an_entry_sets_no_check(tmp_path: Path) -> None:
    floor = write_floor(tmp_path / "floor.json", {"other": {"f1": 1.01}, "wcxb": {"f1": 0.9, "page_type": "article"}})
    assert read_floor(floor, "tiny-set", None) is None
    assert read_floor(floor, "wcxb", "article") == 0.9
    with pytest.raises(UsageError, match="page-type article"):
        read_floor(floor, "wcxb", None)


def test_a_folder_without_ground_truth_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="ground-truth.json"):
        Dataset.open(tmp_path)


def test_eval_without_names_strips_class_and_id_attributes(dataset: Path, tmp_path: Path) -> None:
    page = replace(Dataset.open(dataset), without_names=True).page("a1")
    assert "class=" not in page.html and "By Maria Lopez" in page.html
    assert "class='byline'" in Dataset.open(dataset).page("a1").html
    run = run_scrapy("eval", str(dataset), "--page-type", "article", "--without-names")
    assert run.returncode == 0, run.stderr
    assert "tiny-set: 2 pages, page_type article, without class and id attributes" in run.stdout
    floor = write_floor(tmp_path / "floor.json", {"tiny-set": {"f1": 0.1, "page_type": "article", "without_names_f1": 1.01}})
    below = run_scrapy("eval", str(dataset), "--page-type", "article", "--without-names", "--floor", str(floor))
    assert below.returncode == 1
    assert "is BELOW the floor 1.0100" in below.stderr


def test_a_floor_entry_without_a_without_names_floor_sets_no_check_without_names(tmp_path: Path) -> None:
    floor = write_floor(tmp_path / "floor.json", {"aeb": {"f1": 0.9, "without_names_f1": 0.8}, "wcxb": {"f1": 0.7}})
    assert read_floor(floor, "aeb", None, without_names=True) == 0.8
    assert read_floor(floor, "aeb", None) == 0.9
    assert read_floor(floor, "wcxb", None, without_names=True) is None


def test_a_page_without_names_keeps_what_a_browser_shows_after_an_early_end_tag() -> None:
    html = (
        "<html><head><title>t</title></head><body><div class='nav'>Home</div></body></html>"
        "<div class='story'><p>The ferry runs at night now.</p></div>"
    )
    stripped = without_names(html)
    assert "The ferry runs at night now." in stripped
    assert "class=" not in stripped
