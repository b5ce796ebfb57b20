"""newsclean: a news crawler that keeps only the article."""

from __future__ import annotations

__version__ = "0.1.0"
