"""Saved portal pages into records (their shape: `transforms.records`, docs/records.md). Pure: no I/O.

    parse_article(html, url) -> ArticleRecord   one article page
    parse_listing(html, url) -> ListRecord      one list page
    content_hash(record) -> str           sha256 of the extracted content
    sanity_errors(record) -> list[str]    missing required fields (quarantine when non-empty)
    PARSER_VERSION                        bumped whenever output changes
"""

from __future__ import annotations

from . import article as _article
from . import listing as _listing
from .hashing import content_hash
from .records import ArticleRecord, ListRecord
from .sanity import sanity_errors
from .version import PARSER_VERSION


def parse_article(html: bytes | str | None, url: str | None = None) -> ArticleRecord:
    """Parse one article page. Never raises: problems are reported in `warnings`."""
    try:
        return _article.parse_article(html, url)
    except Exception as exc:  # last line of defence: the contract says never raise
        record = _article.empty_record(url or "", [f"parser error: {type(exc).__name__}: {exc}"])
        _article.warn_missing(record)
        return record


def parse_listing(html: bytes | str | None, url: str | None = None) -> ListRecord:
    """Parse one list page. Never raises; a page it cannot read has no items."""
    try:
        return _listing.parse_listing(html, url)
    except Exception:  # the list record has no warnings field (contract); an empty page is the answer
        return {"kind": "list", "url": url or "", "items": [], "next_page": None}


__all__ = ["PARSER_VERSION", "ArticleRecord", "ListRecord", "content_hash", "parse_article", "parse_listing",
           "sanity_errors"]
