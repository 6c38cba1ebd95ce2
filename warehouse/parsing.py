"""The warehouse's only door to `transforms/`: parse one stored page into an outcome.

Loads and reparses both go through `parse_fetch`, so a fresh crawl and a
reparse of the same pages cannot disagree. Tests swap `Parser` for a fake one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transforms.records import ArticleRecord, ListItem, ListRecord


@dataclass
class Fetch:
    """One stored fetch of a page, as the loader or a reparse sees it."""

    kind: str  # article | list | gone
    url: str
    article_id: str | None
    fetched_at: datetime
    body: bytes
    raw_sha256: str


@dataclass
class ParsedArticle:
    fetch: Fetch
    article_id: str
    record: ArticleRecord
    content_sha256: str


@dataclass
class ParsedListing:
    fetch: Fetch
    items: list[ListItem]


@dataclass
class ParseFailure:
    fetch: Fetch
    error: str


class Parser:
    """The current parser (transforms), looked up at call time so it can be swapped."""

    @property
    def version(self) -> str:
        import transforms

        return str(transforms.PARSER_VERSION)

    def parse_article(self, body: bytes, url: str) -> ArticleRecord:
        import transforms

        return transforms.parse_article(body, url)

    def parse_listing(self, body: bytes, url: str) -> ListRecord:
        import transforms

        return transforms.parse_listing(body, url)

    def content_hash(self, record: ArticleRecord) -> str:
        import transforms

        return transforms.content_hash(record)

    def sanity_errors(self, record: ArticleRecord) -> list[str]:
        import transforms

        return list(transforms.sanity_errors(record))


def _parser_errors(record: ArticleRecord | ListRecord) -> list[str]:
    return [str(w) for w in record.get("warnings") or [] if str(w).startswith("parser error")]


def parse_fetch(parser: Parser, fetch: Fetch) -> ParsedArticle | ParsedListing | ParseFailure | None:
    """Parse one fetch; None for kinds that carry no content (gone, anything unknown)."""
    if fetch.kind not in ("article", "list"):
        return None
    try:
        if fetch.kind == "list":
            listing = parser.parse_listing(fetch.body, fetch.url)
            crashed = _parser_errors(listing)
            if crashed:
                return ParseFailure(fetch, "; ".join(crashed))
            return ParsedListing(fetch, [i for i in listing.get("items") or [] if i.get("article_id")])
        record = parser.parse_article(fetch.body, fetch.url)
        problems = parser.sanity_errors(record)
        if problems:
            # transforms never raises: it reports crashes as warnings; keep them with the error.
            problems = [*_parser_errors(record), *problems]
        article_id = fetch.article_id or record.get("article_id")
        if not article_id:
            problems = ["no article id", *problems]
        if problems:
            return ParseFailure(fetch, "; ".join(problems))
        return ParsedArticle(fetch, str(article_id), record, parser.content_hash(record))
    except Exception as exc:  # any parser crash quarantines the page, never the batch
        message = str(exc).splitlines()[0] if str(exc) else ""
        return ParseFailure(fetch, f"{type(exc).__name__}: {message}".rstrip(": "))
