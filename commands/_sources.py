"""What the schedule and report commands share: reading the sources file and each source's store."""

from __future__ import annotations

from scrapy.exceptions import UsageError
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from newsclean.sources import DEFAULT_SOURCES_FILE, Source, SourcesError, load_sources


def read_sources(settings: BaseSettings) -> dict[str, Source]:
    """The sources of NEWSCLEAN_SOURCES_FILE; a UsageError that says what is wrong with it."""
    try:
        return load_sources(settings.get("NEWSCLEAN_SOURCES_FILE", DEFAULT_SOURCES_FILE))
    except SourcesError as error:
        raise UsageError(str(error), print_help=False) from error


def store_url(source: Source | None, settings: BaseSettings) -> str:
    """The STORE_URL a source's crawl writes to: -s on the command line, else the source's, else the project's."""
    cmdline = (settings.getpriority("STORE_URL") or 0) >= SETTINGS_PRIORITIES["cmdline"]
    if source is None or cmdline or "STORE_URL" not in source.settings:
        return str(settings.get("STORE_URL"))
    return str(source.settings["STORE_URL"])
