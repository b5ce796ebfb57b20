"""scrapy crawl SPIDER: Scrapy's command, with exit status 1 when records were not stored (dead-lettered or lost)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from extensions.deadletter import records_not_stored

if TYPE_CHECKING:
    import argparse

    from scrapy.crawler import Crawler


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)
            return
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        dead_lettered, lost = records_not_stored(_stats(crawler))
        if dead_lettered or lost:
            print(f"newsclean: {dead_lettered + lost} records were not stored ({dead_lettered} dead-lettered to "
                  f"{self.settings['NEWSCLEAN_DEADLETTER_FILE'] if self.settings else '?'}, {lost} lost)",
                  file=sys.stderr)
        if self.crawler_process.bootstrap_failed or dead_lettered or lost:
            self.exitcode = 1


def _stats(crawler: Crawler) -> dict[str, Any]:
    """The crawl's stats; none when it failed before starting (a bad spider argument, an unreachable Redis)."""
    try:
        return crawler.stats.get_stats()
    except RuntimeError:  # Crawler.stats is set only when the crawl starts
        return {}
