"""The shape of the records `parse_article` and `parse_listing` return, written down
once (docs/records.md describes each field; the public contract is the
`parse`/`parse-list` output). `transforms/` builds them, `warehouse/` reads them,
tests/parser/test_record.py holds the parser to them.

Dates are ISO `YYYY-MM-DD`, times ISO 8601 with the portal's `+07:00` offset; a value
the page does not give is None, never a guess.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict


class DocumentRecord(TypedDict):
    """The official document an article announces."""

    type: str | None  # Official Letter, Decision, Plan, ... (CONTRACT.md's list)
    number: str | None  # canonical: "2718/UBND-NC", "22/2020/QD-UBND"
    issuer: str | None  # in words: "Provincial People's Committee"
    issued_on: str | None
    subject: str | None


class AssigneeRecord(TypedDict):
    agency: str  # canonical English name from the agency registry
    role: Literal["lead", "coordinate", "report_to", "addressee"]


class DirectiveRecord(TypedDict):
    """One top-level request of the document, list marker removed."""

    ordinal: int  # 1, 2, ... in document order
    text: str
    # Who must act and by when (CONTRACT.md, added 2026-12).
    assignees: NotRequired[list[AssigneeRecord]]
    due_on: NotRequired[str | None]
    due_text: NotRequired[str | None]


class ReferenceRecord(TypedDict):
    """Another document the article cites."""

    number: str
    type: str | None
    issued_on: str | None
    issuer: str | None


class RelatedLink(TypedDict):
    """A link to another article of the portal (the "Latest new" box)."""

    url: str
    title: str | None
    listed_at: str | None


class ArticleRecord(TypedDict):
    """`parse_article(html, url)`: one article page."""

    kind: Literal["article"]
    url: str
    article_id: str | None  # the portal's number, no leading zeros ("2718")
    channel_id: str | None  # the portal's channel (`ChannelId=14`), None when the URL names none
    title: str | None
    published_on: str | None
    published_at: str | None
    document: DocumentRecord | None
    addressees: list[str]
    directives: list[DirectiveRecord]
    references: list[ReferenceRecord]
    related: list[RelatedLink]
    body_text: str
    parser_version: str
    warnings: list[str]


class ListItem(TypedDict):
    """One article on a list page."""

    url: str  # absolute
    article_id: str | None
    title: str | None
    listed_at: str | None


class ListRecord(TypedDict):
    """`parse_listing(html, url)`: one list page (no warnings field, by contract)."""

    kind: Literal["list"]
    url: str
    items: list[ListItem]
    next_page: str | None  # None on the last page


def keys_of(record_type: type) -> list[str]:
    """A record's keys in output order (required and optional)."""
    return list(record_type.__annotations__)
