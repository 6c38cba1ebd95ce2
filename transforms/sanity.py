"""The check after parsing: a page without these fields is quarantined, not loaded."""

from __future__ import annotations

from .records import ArticleRecord

REQUIRED = ("title", "published_on")


def sanity_errors(record: ArticleRecord) -> list[str]:
    """Names of the missing required fields, as "missing title" messages (empty when fine)."""
    errors = [f"missing {name}" for name in REQUIRED if not record.get(name)]
    url = record.get("url")
    return [f"{error} ({url})" if url else error for error in errors]
