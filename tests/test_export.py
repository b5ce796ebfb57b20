"""scrapy export end to end: real stores, real files written and read back, as a user runs it."""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from backports import zstd

from commands._output import jsonl_output, sharded_jsonl_output
from newsclean.export import ExportPlan, ExportSummary, RecordFilter, select_records
from newsclean.record import ArticleRecord, content_hash, record_id
from newsclean.store import open_store
from tests.conftest import ROOT, ScrapyRun, run_scrapy

WIRE_STORY = (
    "The regional transit authority approved a plan on Tuesday to add late-night bus service on six routes, "
    "answering years of complaints from shift workers who said the last buses left too early.\n\n"
    "Under the plan, buses on the six busiest routes will run until 1:30 a.m. on weekdays, two hours later than "
    "now. The authority expects the change to cost about $2.4 million a year, paid for by a state grant and a "
    "small increase in parking fees at its garages.\n\n"
    "\"People who clean our offices and staff our hospitals should be able to get home,\" said board chair Alma "
    "Reyes. Several nurses spoke at the meeting, describing waits of more than an hour for a taxi after the "
    "last bus.\n\n"
    "The new schedules take effect in March. The authority said it would review ridership after six months "
    "and could extend the later hours to more routes if demand is strong."
)
COUNCIL_STORY = (
    "The town council voted five to two on Monday to rebuild the harbor seawall, ending a debate that has "
    "lasted most of the year. Engineers told the council that the old wall, built in the 1950s, is cracked in "
    "a dozen places and could fail in a strong winter storm. Work is expected to begin in April and to take "
    "about eighteen months, with the harbor road closed to traffic during the heaviest phase of construction."
)
GERMAN_STORY = (
    "Der Stadtrat hat am Montag beschlossen, die alte Hafenmauer zu erneuern. Die Arbeiten sollen im April "
    "beginnen und etwa achtzehn Monate dauern. Während der Bauzeit bleibt die Hafenstraße teilweise gesperrt, "
    "teilten die Ingenieure mit, die das Projekt seit dem Frühjahr geplant haben."
)
SHORT_STORY = "Police closed Elm Street for two hours on Sunday after a water main broke near the library."


def article(url: str, text: str, published: str | None, language: str | None = "en", **extra: Any) -> ArticleRecord:
    """A stored record as a crawl would make it."""
    return ArticleRecord(
        id=record_id(url), url=url, canonical_url=url, title=text.split(".")[0][:60], text=text,
        published=published, language=language, hostname=url.split("/")[2], word_count=len(text.split()),
        content_hash=content_hash(text), fetched_at="2026-11-20T12:00:00+00:00", discovered_via="sitemap",
        extractor={"name": "newsclean", "version": "test"}, **extra,
    )


# In store order. The wire story's earliest copy (wire.example) is stored second, so keeping it is not luck.
RECORDS = [
    article("https://a.example/transit-late-buses", "TRANSIT (Wire) - " + WIRE_STORY
            + "\n\nReporting by Jo Park; editing by Sam Lee.", "2026-11-03T10:00:00+00:00"),
    article("https://wire.example/2026/11/03/transit", WIRE_STORY, "2026-11-03T08:00:00+00:00"),
    article("https://b.example/news/late-night-buses", WIRE_STORY.replace("Tuesday", "Tuesday evening")
            .replace("strong.", "strong, officials said."), "2026-11-03T09:15:00+00:00"),
    article("https://a.example/seawall", COUNCIL_STORY, "2026-11-02", modified="2026-11-02T18:00:00+01:00"),
    article("https://www.d.example/seawall-vote", COUNCIL_STORY, "2026-11-04T07:00:00-05:00"),
    article("https://c.example/de/hafenmauer", GERMAN_STORY, "2026-10-30", language="de"),
    article("https://c.example/elm-street", SHORT_STORY, "2026-11-10T09:00:00+00:00"),
    article("https://c.example/undated", COUNCIL_STORY.replace("construction.", "work."), None,
            modified="2026-11-05T10:00:00+00:00"),
]
BY_URL = {record.url: record for record in RECORDS}
WIRE_COPIES = {RECORDS[0].url, RECORDS[1].url, RECORDS[2].url}


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("store") / "store.db"
    store = open_store(f"sqlite:///{path}")
    try:
        for record in RECORDS:
            store.upsert(record)
    finally:
        store.close()
    return f"sqlite:///{path}"


def export(store_url: str, *args: str) -> ScrapyRun:
    return run_scrapy("export", *args, "-s", f"STORE_URL={store_url}")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    opener: dict[str, Callable[[Path], bytes]] = {
        ".gz": lambda p: gzip.decompress(p.read_bytes()),
        ".zst": lambda p: zstd.decompress(p.read_bytes()),
    }
    data = opener.get(path.suffix, Path.read_bytes)(path)
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]


def exported_urls(lines: list[dict[str, Any]]) -> set[str]:
    return {line["url"] if "url" in line else line["metadata"]["url"] for line in lines}


def summary_line(run: ScrapyRun) -> str:
    (line,) = [line for line in run.stderr.splitlines() if line.startswith("newsclean: exported")]
    return line


@pytest.mark.parametrize("name", ["corpus.jsonl", "corpus.jsonl.gz", "corpus.jsonl.zst"])
def test_records_are_written_and_read_back(store_url: str, tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    run = export(store_url, "-o", str(out))
    assert run.returncode == 0, run.stderr
    lines = read_jsonl(out)
    assert [line["url"] for line in lines] == [record.url for record in RECORDS], "store order"
    assert lines == [record.to_dict() for record in RECORDS], "every field as stored"
    assert summary_line(run) == f"newsclean: exported {len(RECORDS)} records to {out}; nothing dropped"
    assert [path.name for path in tmp_path.iterdir()] == [name], "no temporary file left behind"


def test_stdout_gets_plain_jsonl_and_the_summary_goes_to_stderr(store_url: str) -> None:
    run = export(store_url, "-o", "-", "--lang", "de")
    assert run.returncode == 0, run.stderr
    (line,) = [json.loads(text) for text in run.stdout.splitlines()]
    assert line["url"] == "https://c.example/de/hafenmauer"
    assert "exported 1 records to stdout" in run.stderr


@dataclass
class DolmaExport:
    documents: dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def dolma(store_url: str, tmp_path_factory: pytest.TempPathFactory) -> DolmaExport:
    out = tmp_path_factory.mktemp("dolma") / "documents.jsonl.gz"
    run = export(store_url, "-o", str(out), "--format", "dolma", "--source", "newsclean-test")
    assert run.returncode == 0, run.stderr
    return DolmaExport({document["metadata"]["url"]: document for document in read_jsonl(out)})


DOLMA_FIELDS: dict[str, Callable[[ArticleRecord, dict[str, Any]], bool]] = {
    "id": lambda record, doc: doc["id"] == record.id,
    "text": lambda record, doc: doc["text"] == record.text,
    "source": lambda record, doc: doc["source"] == "newsclean-test",
    "added": lambda record, doc: doc["added"] == "2026-11-20T12:00:00+00:00",
    "metadata": lambda record, doc: doc["metadata"] == {k: v for k, v in record.to_dict().items()
                                                       if k not in ("id", "text")},
    "key order": lambda record, doc: list(doc) == ["id", "text", "source", "added", "created", "metadata"],
}


@pytest.mark.parametrize("field", DOLMA_FIELDS)
def test_dolma_document_field(dolma: DolmaExport, field: str) -> None:
    assert set(dolma.documents) == set(BY_URL)
    for url, document in dolma.documents.items():
        assert DOLMA_FIELDS[field](BY_URL[url], document), (field, url)


@pytest.mark.parametrize(("url", "created"), [
    ("https://wire.example/2026/11/03/transit", "2026-11-03T08:00:00+00:00"),
    ("https://www.d.example/seawall-vote", "2026-11-04T07:00:00-05:00"),
    ("https://a.example/seawall", "2026-11-02T00:00:00+00:00"),
    ("https://c.example/undated", "2026-11-05T10:00:00+00:00"),
], ids=["published", "published-with-offset", "date-only", "no-date-takes-modified"])
def test_dolma_created_is_an_iso_timestamp_of_publication(dolma: DolmaExport, url: str, created: str) -> None:
    assert dolma.documents[url]["created"] == created


FILTERS = {
    "since": (RecordFilter(since=date(2026, 11, 4)),
              {"https://www.d.example/seawall-vote", "https://c.example/elm-street"}),
    "until": (RecordFilter(until=date(2026, 11, 2)), {"https://a.example/seawall", "https://c.example/de/hafenmauer"}),
    "since-until-same-day": (RecordFilter(since=date(2026, 11, 3), until=date(2026, 11, 3)), WIRE_COPIES),
    "site": (RecordFilter(sites=("wire.example", "d.example")),
             {"https://wire.example/2026/11/03/transit", "https://www.d.example/seawall-vote"}),
    "lang": (RecordFilter(languages=("DE",)), {"https://c.example/de/hafenmauer"}),
    "min-words": (RecordFilter(min_words=50),
                  WIRE_COPIES | {"https://a.example/seawall", "https://www.d.example/seawall-vote",
                                 "https://c.example/undated"}),
}


@pytest.mark.parametrize("name", FILTERS)
def test_filter(store_url: str, name: str) -> None:
    record_filter, expected = FILTERS[name]
    store = open_store(store_url)
    summary = ExportSummary()
    try:
        selected = select_records(lambda _: store.iter_records(), ExportPlan(record_filter), summary)
        kept = {record.url for record in selected}
    finally:
        store.close()
    assert kept == expected
    assert summary.exported == len(expected) and summary.dropped.total() == len(RECORDS) - len(expected)


def test_filter_options_combine_and_the_summary_counts_each_reason(store_url: str, tmp_path: Path) -> None:
    out = tmp_path / "filtered.jsonl"
    run = export(store_url, "-o", str(out), "--since", "2026-10-30", "--until", "2026-11-10", "--site", "a.example",
                 "--site", "www.d.example", "--site", "c.example", "--lang", "en", "--min-words", "60")
    assert run.returncode == 0, run.stderr
    assert exported_urls(read_jsonl(out)) == {"https://a.example/transit-late-buses", "https://a.example/seawall",
                                              "https://www.d.example/seawall-vote"}
    assert summary_line(run).endswith("; dropped 5: site 2, language 1, min_words 1, no_date 1")


def test_fields_keeps_only_the_named_fields_in_that_order(store_url: str, tmp_path: Path) -> None:
    out = tmp_path / "slim.jsonl"
    run = export(store_url, "-o", str(out), "--fields", "url,published,word_count")
    assert run.returncode == 0, run.stderr
    lines = read_jsonl(out)
    assert [list(line) for line in lines] == [["url", "published", "word_count"]] * len(RECORDS)
    assert lines[1] == {"url": RECORDS[1].url, "published": RECORDS[1].published, "word_count": RECORDS[1].word_count}


def test_fields_with_dolma_selects_metadata(store_url: str, tmp_path: Path) -> None:
    out = tmp_path / "slim.jsonl"
    run = export(store_url, "-o", str(out), "--format", "dolma", "--fields", "url,language")
    assert run.returncode == 0, run.stderr
    document = read_jsonl(out)[5]
    assert document["metadata"] == {"url": "https://c.example/de/hafenmauer", "language": "de"}
    assert document["text"] == GERMAN_STORY


def test_near_dedup_keeps_the_earliest_published_copy_of_a_syndicated_story(store_url: str, tmp_path: Path) -> None:
    out = tmp_path / "dedup.jsonl.gz"
    run = export(store_url, "-o", str(out), "--near-dedup", "0.8")
    assert run.returncode == 0, run.stderr
    urls = exported_urls(read_jsonl(out))
    assert urls & WIRE_COPIES == {"https://wire.example/2026/11/03/transit"}
    assert "https://a.example/seawall" in urls, "the earlier of two identical council stories"
    assert "https://www.d.example/seawall-vote" not in urls
    assert "https://c.example/undated" not in urls, "a one-word edit of the council story"
    assert urls >= {"https://c.example/de/hafenmauer", "https://c.example/elm-street"}
    assert summary_line(run).endswith("; dropped 4: near_duplicate 4 (in 2 groups)")
    assert "%|" not in run.stderr, "no progress bar when stderr is not a terminal"


def test_near_dedup_only_compares_records_the_filters_keep(store_url: str, tmp_path: Path) -> None:
    out = tmp_path / "dedup.jsonl"
    run = export(store_url, "-o", str(out), "--near-dedup", "0.8", "--site", "a.example", "--site", "b.example")
    assert run.returncode == 0, run.stderr
    assert exported_urls(read_jsonl(out)) == {"https://b.example/news/late-night-buses", "https://a.example/seawall"}


def test_records_stored_after_the_near_duplicate_scan_wait_for_the_next_export() -> None:
    def read(label: str) -> list[ArticleRecord]:
        return RECORDS[:-1] if label == "scan" else RECORDS

    summary = ExportSummary()
    exported = list(select_records(read, ExportPlan(near_dedup_threshold=0.8), summary))
    assert RECORDS[-1] not in exported
    assert summary.dropped["stored_during_export"] == 1


def test_exact_dedup_drops_a_text_already_exported(store_url: str, tmp_path: Path) -> None:
    out = tmp_path / "exact.jsonl"
    run = export(store_url, "-o", str(out), "--dedup", "exact")
    assert run.returncode == 0, run.stderr
    urls = exported_urls(read_jsonl(out))
    assert urls == set(BY_URL) - {"https://www.d.example/seawall-vote"}, "only the identical council story"
    assert summary_line(run).endswith("; dropped 1: exact_duplicate 1")


def test_shards_and_manifest(store_url: str, tmp_path: Path) -> None:
    run = export(store_url, "-o", str(tmp_path / "news.jsonl.gz"), "--shard-size", "3", "--format", "dolma")
    assert run.returncode == 0, run.stderr
    names = ["news-00000.jsonl.gz", "news-00001.jsonl.gz", "news-00002.jsonl.gz"]
    assert sorted(path.name for path in tmp_path.iterdir()) == [*names, "news.manifest.json"]
    manifest = json.loads((tmp_path / "news.manifest.json").read_text(encoding="utf-8"))
    assert [shard["path"] for shard in manifest["shards"]] == names
    assert [shard["records"] for shard in manifest["shards"]] == [3, 3, 2]
    for shard in manifest["shards"]:
        data = (tmp_path / shard["path"]).read_bytes()
        assert shard["bytes"] == len(data)
        assert shard["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["records"] == len(RECORDS) and manifest["format"] == "dolma"
    documents = [doc for name in names for doc in read_jsonl(tmp_path / name)]
    assert [doc["metadata"]["url"] for doc in documents] == [record.url for record in RECORDS]


def test_a_smaller_export_replaces_the_shards_of_the_previous_one(store_url: str, tmp_path: Path) -> None:
    target = str(tmp_path / "news.jsonl")
    assert export(store_url, "-o", target, "--shard-size", "2").returncode == 0
    run = export(store_url, "-o", target, "--shard-size", "2", "--lang", "de")
    assert run.returncode == 0, run.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["news-00000.jsonl", "news.manifest.json"]
    assert "1 shards, manifest" in summary_line(run)


@pytest.mark.parametrize(("args", "message"), [
    (("-o", "out.csv"), "the name must end in one of .jsonl.gz, .jsonl.zst, .jsonl"),
    (("-o", "-", "--shard-size", "10"), "--shard-size writes files"),
    (("-o", "out.jsonl", "--since", "November"), "--since November: expected a date"),
    (("-o", "out.jsonl", "--fields", "url,body"), "--fields: unknown body"),
    (("-o", "out.jsonl", "--near-dedup", "80"), "--near-dedup 80.0: a similarity threshold between 0 and 1"),
], ids=["suffix", "shards-to-stdout", "date", "field", "threshold"])
def test_bad_arguments_are_refused_before_anything_is_written(store_url: str, tmp_path: Path, args: tuple[str, ...],
                                                              message: str) -> None:
    run = run_scrapy("export", *(str(tmp_path / a) if a.startswith("out.") else a for a in args),
                     "-s", f"STORE_URL={store_url}")
    assert run.returncode == 2
    assert message in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_export_leaves_the_previous_file_and_no_partial_one(tmp_path: Path) -> None:
    out = tmp_path / "corpus.jsonl.gz"
    out.write_bytes(gzip.compress(b'{"previous": true}\n'))
    with pytest.raises(KeyboardInterrupt), jsonl_output(str(out)) as exporter:
        exporter.export_item({"url": "https://a.example/1"})
        raise KeyboardInterrupt
    assert read_jsonl(out) == [{"previous": True}]
    assert [path.name for path in tmp_path.iterdir()] == ["corpus.jsonl.gz"]


def test_an_interrupted_sharded_export_renames_no_shard(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), sharded_jsonl_output(str(tmp_path / "c.jsonl.zst"), 2) as output:
        for number in range(5):
            output.export_item({"n": number})
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == [], "two complete shards were written, but none under its final name"


def test_progress_bar_on_a_terminal(store_url: str, tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "export", "-o", str(tmp_path / "tty.jsonl"), "--near-dedup", "0.8",
         "-s", f"STORE_URL={store_url}"],
        cwd=ROOT, stderr=terminal, stdout=subprocess.DEVNULL,
    )
    os.close(terminal)
    shown = _read_until_closed(controller)
    assert process.wait(timeout=120) == 0, shown
    assert "scan: 100%|" in shown and "export: 100%|" in shown
    assert f"{len(RECORDS)}/{len(RECORDS)}" in shown


def _read_until_closed(descriptor: int) -> str:
    """Everything written to a pseudo-terminal until its other side is closed (read() then fails with EIO)."""
    chunks = []
    while True:
        try:
            chunk = os.read(descriptor, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(descriptor)
    return b"".join(chunks).decode("utf-8", "replace")
