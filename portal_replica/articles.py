"""What one article is, independent of how a layout draws it, and its expected answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

# Portal times are Asia/Ho_Chi_Minh: +07:00 all year, no daylight saving.
PORTAL_TZ = timezone(timedelta(hours=7))

# Directive styles a layout knows how to draw (see layouts.py).
DIRECTIVE_STYLES = ("dash", "numbered", "ul", "br")


@dataclass(frozen=True)
class Directive:
    text: str
    # Sub-items (a), b), ...) belong to the directive, not to the list (CONTRACT).
    subs: tuple[str, ...] = ()
    # Its truth as a task: {"assignees", "due_on", "due_text"} (tasks.truth).
    task: dict | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Block:
    """One piece of the article body: a paragraph, a directive list, or a header line."""

    kind: str  # "p" | "directives" | "header"
    text: str = ""
    style: str = "dash"
    directives: tuple[Directive, ...] = ()


@dataclass(frozen=True)
class RelatedLink:
    """An entry of the "Latest new" box."""

    article_id: int
    channel: int
    title: str  # already cut with "..." where the box cuts it
    listed_at: datetime


@dataclass
class Article:
    article_id: int
    channel: int
    published_at: datetime
    title: str
    blocks: list[Block]
    document: dict | None
    references: list[dict]
    attachment: str | None = None
    revision: int = 0
    # Rendering traits of old pages (sharepoint layout only).
    legacy_encoding: bool = False
    broken_markup: bool = False
    # The seed letter brings its own "Latest new" box, word for word.
    fixed_related: list[RelatedLink] | None = None
    extra: dict = field(default_factory=dict)

    @property
    def published_on(self) -> date:
        return self.published_at.date()

    @property
    def directives(self) -> list[Directive]:
        return [d for b in self.blocks if b.kind == "directives" for d in b.directives]

    def lead(self) -> str:
        """The first body paragraph: the list pages' summary line."""
        for block in self.blocks:
            if block.kind == "p":
                return block.text
        return ""


def cut_title(title: str, limit: int = 97) -> str:
    """Cut at a word boundary and add "...", as the portal's lists and boxes do."""
    if len(title) <= limit:
        return title
    return title[: limit + 1].rsplit(" ", 1)[0].rstrip(",;:") + "..."
