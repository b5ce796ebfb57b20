"""Nothing lost: a record that the item pipelines failed on (a store write that raised) is written to a
dead-letter JSONL file, and the crawl's exit status says so (commands/crawl.py).

Each line is `{"failed_at": ..., "error": "StoreError: ...", "record": {...}}`; `jq -c .record FILE` gives the
plain records back. A record that cannot be written there either is counted as lost and logged in full.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Self

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.exporters import JsonLinesItemExporter

from newsclean.record import utc_now

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

DEAD_LETTERED = "newsclean/records/dead_lettered"
LOST = "newsclean/records/lost"


def records_not_stored(stats: dict[str, Any]) -> tuple[int, int]:
    """(dead-lettered, lost) records of a crawl's stats."""
    return int(stats.get(DEAD_LETTERED, 0)), int(stats.get(LOST, 0))


class DeadLetter:
    """Extension: writes each item that raised in a pipeline (signal item_error) to NEWSCLEAN_DEADLETTER_FILE."""

    def __init__(self, path: Path, stats: StatsCollector) -> None:
        self.path = path
        self.stats = stats
        self._file: IO[bytes] | None = None
        self._exporter: JsonLinesItemExporter | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("NEWSCLEAN_DEADLETTER_FILE")
        if not path:
            raise NotConfigured("NEWSCLEAN_DEADLETTER_FILE is empty: records that fail to be stored are only logged")
        assert crawler.stats is not None
        extension = cls(Path(path), crawler.stats)
        crawler.signals.connect(extension.item_error, signal=signals.item_error)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def item_error(self, item: Any, failure: Failure) -> None:
        error = f"{failure.type.__name__ if failure.type else 'Error'}: {failure.getErrorMessage()}"
        record = ItemAdapter(item).asdict()
        try:
            self._write({"failed_at": utc_now(), "error": error, "record": record})
        except (OSError, TypeError, ValueError) as write_error:
            self.stats.inc_value(LOST)
            logger.critical("Record lost: %s (%s); it could not be written to %s either (%s): %r",
                            record.get("url"), error, self.path, write_error, record)
            return
        self.stats.inc_value(DEAD_LETTERED)
        logger.error("Record not stored (%s); written to %s: %s", error, self.path, record.get("url"))

    def spider_closed(self) -> None:
        if self._exporter is not None and self._file is not None:
            self._exporter.finish_exporting()
            self._file.close()
            self._exporter, self._file = None, None
        dead_lettered, lost = records_not_stored(self.stats.get_stats())
        if dead_lettered or lost:
            logger.error("%d records were not stored: %d are in %s, %d are lost", dead_lettered + lost,
                         dead_lettered, self.path, lost)

    def _write(self, letter: dict[str, Any]) -> None:
        if self._exporter is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("ab")
            # Scrapy annotates the stream as BytesIO; any binary file works.
            self._exporter = JsonLinesItemExporter(self._file, encoding="utf-8", ensure_ascii=False)  # type: ignore[arg-type]
            self._exporter.start_exporting()
        assert self._file is not None
        self._exporter.export_item(letter)
        self._file.flush()
        os.fsync(self._file.fileno())
