"""Article extraction: a pure function from (html, url, optional site knowledge) to a record or a rejection."""

from __future__ import annotations

from newsclean.extraction.core import (
    DEFAULT_CONFIG,
    EXTRACTOR_INFO,
    Extraction,
    ExtractionConfig,
    Rejection,
    SiteProfile,
    analyse_tree,
    extract,
    parse_html,
)
from newsclean.extraction.pagetype import RejectionReason

__all__ = [
    "DEFAULT_CONFIG",
    "EXTRACTOR_INFO",
    "Extraction",
    "ExtractionConfig",
    "Rejection",
    "RejectionReason",
    "SiteProfile",
    "analyse_tree",
    "extract",
    "parse_html",
]
