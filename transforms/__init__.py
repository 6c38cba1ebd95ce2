"""Saved portal pages into the records of CONTRACT.md section 1. Pure: no I/O.

    parse_article(html, url) -> dict      one article page
    parse_listing(html, url) -> dict      one list page
    content_hash(record) -> str           sha256 of the extracted content
    sanity_errors(record) -> list[str]    missing required fields (quarantine when non-empty)
    PARSER_VERSION                        bumped whenever output changes
"""

from __future__ import annotations

from . import article as _article
from . import listing as _listing
from .hashing import content_hash
from .sanity import sanity_errors
from .version import PARSER_VERSION


def parse_article(html: bytes | str | None, url: str | None = None) -> dict:
    """Parse one article page. Never raises: problems are reported in `warnings`."""
    try:
        return _article.parse_article(html, url)
    except Exception as exc:  # last line of defence: the contract says never raise
        record = _article.empty_record(url or "", [f"parser error: {type(exc).__name__}: {exc}"])
        _article.warn_missing(record)
        return record


def parse_listing(html: bytes | str | None, url: str | None = None) -> dict:
    """Parse one list page. Never raises; a page it cannot read has no items."""
    try:
        return _listing.parse_listing(html, url)
    except Exception:  # the list record has no warnings field (contract); an empty page is the answer
        return {"kind": "list", "url": url or "", "items": [], "next_page": None}


__all__ = ["PARSER_VERSION", "content_hash", "parse_article", "parse_listing", "sanity_errors"]
