"""Saved portal pages into the records of CONTRACT.md section 1. Pure: no I/O.

    parse_article(html, url) -> dict      one article page
    parse_listing(html, url) -> dict      one list page
    content_hash(record) -> str           sha256 of the extracted content
    sanity_errors(record) -> list[str]    missing required fields (quarantine when non-empty)
    PARSER_VERSION                        bumped whenever output changes
"""

from __future__ import annotations

from .hashing import content_hash
from .sanity import sanity_errors
from .version import PARSER_VERSION


def parse_article(html: bytes | str | None, url: str | None = None) -> dict:
    """Parse one article page. Never raises: problems are reported in `warnings`."""
    from .article import _empty, _missing
    from .article import parse_article as parse

    try:
        return parse(html, url)
    except Exception as exc:  # noqa: BLE001 - last line of defence: the contract says never raise
        record = _empty(url or "", [f"parser error: {type(exc).__name__}: {exc}"])
        _missing(record)
        return record


def parse_listing(html: bytes | str | None, url: str | None = None) -> dict:
    """Parse one list page. Never raises: problems are reported in `warnings`."""
    from .listing import parse_listing as parse

    try:
        return parse(html, url)
    except Exception as exc:  # noqa: BLE001
        return {
            "kind": "list",
            "url": url or "",
            "items": [],
            "next_page": None,
            "parser_version": PARSER_VERSION,
            "warnings": [f"parser error: {type(exc).__name__}: {exc}"],
        }


__all__ = ["PARSER_VERSION", "content_hash", "parse_article", "parse_listing", "sanity_errors"]
