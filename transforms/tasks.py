"""Each directive as a task: its assignees, `due_on` and `due_text` (CONTRACT section 1, added 2026-12)."""

from __future__ import annotations

from datetime import date

from .assignees import assignees
from .deadlines import due


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def with_tasks(directives: list[dict], addressees: list[str], issued_on: str | None, published_on: str | None) -> list[dict]:
    """The directives with `assignees`, `due_on`, `due_text` added (new dicts; ordinal and text first).

    A date without a year takes the document's year (its issue date, else the
    article's publication date); relative deadlines count from `issued_on` only.
    """
    issued = _day(issued_on)
    anchor = issued or _day(published_on)
    year = anchor.year if anchor else None
    out = []
    for item in directives:
        due_on, due_text = due(item["text"], issued, year)
        out.append({**item, "assignees": assignees(item["text"], addressees),
                    "due_on": due_on.isoformat() if due_on else None, "due_text": due_text})
    return out
