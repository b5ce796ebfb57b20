"""scrapy article URL [URL ...]: fetch pages, print one clean JSON record per URL, and store them."""

from __future__ import annotations

import argparse
import sys

from scrapy.commands import BaseRunSpiderCommand
from scrapy.exceptions import UsageError

STDOUT_FEED = {"stdout:": {"format": "jsonlines", "encoding": "utf-8"}}


class Command(BaseRunSpiderCommand):
    requires_project = True
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[options] URL [URL ...]"

    def short_desc(self) -> str:
        return "Fetch URLs, print one JSON article record per URL (or write -o FILE), and store them"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("name at least one URL")
        assert self.settings is not None and self.crawler_process is not None
        if not (opts.output or opts.overwrite_output):
            self.settings.set("FEEDS", STDOUT_FEED, priority="cmdline")
        crawler = self._create_crawler("article")
        self.crawler_process.crawl(crawler, urls=args, **opts.spargs)
        self.crawler_process.start()
        failures: dict[str, str] = getattr(crawler.spider, "failures", {})
        for url in args:
            if url in failures:
                print(f"newsclean: {url}: {failures[url]}", file=sys.stderr)
        if failures or self.crawler_process.bootstrap_failed:
            self.exitcode = 1
