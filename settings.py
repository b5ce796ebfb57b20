"""Scrapy settings for newsclean. Every newsclean setting is documented in README.md."""

from __future__ import annotations

from newsclean import __version__

BOT_NAME = "newsclean"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
COMMANDS_MODULE = "commands"

# Politeness.
USER_AGENT = f"newsclean/{__version__} (+https://github.com/newsclean/newsclean; news archiver)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# A page yields at most one record: Scrapy's default of 100 starts 100 asyncio tasks per response.
CONCURRENT_ITEMS = 8
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Limits that suit news pages rather than Scrapy's 1 GB / 180 s.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5

# Nothing listens for remote commands unless the user turns it on.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Safe by default (README "Hostile sites and safety"): http and https only; loopback, private, link-local and
# cloud-metadata addresses only for the start hosts and NEWSCLEAN_ALLOWED_PRIVATE_HOSTS, checked when connecting.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
TWISTED_DNS_RESOLVER = "middlewares.network.GuardedResolver"
DOWNLOADER_MIDDLEWARES = {
    "middlewares.network.NetworkGuard": 560,
    # Scrapy's meta-refresh handling decodes and keeps a copy of every page's whole body (middlewares/refresh.py).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "middlewares.refresh.HeadMetaRefresh": 580,
}
SPIDER_MIDDLEWARES = {"middlewares.traps.TrapGuard": 550, "middlewares.failures.FailureAccounting": 560}

ITEM_PIPELINES = {
    "pipelines.validate.ValidationPipeline": 100,
    "pipelines.dedup.DuplicatesPipeline": 200,
    "pipelines.store.StorePipeline": 300,
}
EXTENSIONS = {
    "extensions.warc.WarcWriter": 490,  # closes its files before CrawlReport records the run's stats
    "extensions.crawl_report.CrawlReport": 500,
    "extensions.deadletter.DeadLetter": 520,
    "extensions.shared_crawl.SharedCrawlWorker": 530,
}

# The frontier (frontier/addon.py): pending requests wait in disk queues, so the crawl process stays the same
# size however large the site; NEWSCLEAN_QUEUE_DIR is where each crawl makes its queue directory ("": the
# system's temp directory). Scale out (README "Running N workers"): with REDIS_URL set, every `scrapy crawl`
# given it shares one frontier in Redis.
ADDONS = {"frontier.addon.Frontier": 0}
NEWSCLEAN_QUEUE_DIR = ""
REDIS_URL = ""
NEWSCLEAN_REDIS_PREFIX = "newsclean:%(spider)s"
NEWSCLEAN_WORKER_IDLE_CLOSE = 30.0

STORE_URL = "sqlite:///data/articles.db"
NEWSCLEAN_EXTRACTION_WORKERS = 0
NEWSCLEAN_EXTRACTION_TIMEOUT = 20.0
NEWSCLEAN_MIN_WORDS = 40
NEWSCLEAN_SITE_KNOWLEDGE = True
NEWSCLEAN_BOILERPLATE_MIN_PAGES = 3
NEWSCLEAN_BOILERPLATE_MIN_SHARE = 0.3
NEWSCLEAN_KNOWLEDGE_SYNC_SECONDS = 60.0
NEWSCLEAN_FEED_PATHS = ["/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml"]
NEWSCLEAN_INCREMENTAL = True
NEWSCLEAN_SOURCES_FILE = "sources.toml"
NEWSCLEAN_SCHEDULE_DIR = "data/schedule"
NEWSCLEAN_SCHEDULE_MAX_CRAWLS = 4
WARC_DIR = ""
NEWSCLEAN_WARC_MAX_SIZE = 1_000_000_000
NEWSCLEAN_ALLOWED_PRIVATE_HOSTS: list[str] = []
NEWSCLEAN_NON_ARTICLE_DEPTH = 10
NEWSCLEAN_QUERY_VARIANTS = 100
NEWSCLEAN_HOST_PAGE_BUDGET = 100_000
NEWSCLEAN_DEADLETTER_FILE = "data/deadletter.jsonl"

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
