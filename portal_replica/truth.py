"""Expected answers for the served corpus, one JSON object per article.

Fields follow CONTRACT.md's `parse` output so a test can score the parser field by
field. `published_at` is what the article page itself shows: the sharepoint layout
shows only a date (so null, as the parser must say), the modern layout a full
`<time datetime>`; `listed_at` is the list pages' timestamp in either layout.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from portal_replica.articles import Article
from portal_replica.catalog import Catalog, Entry

DIRECTIVE_PREFIX = 60


def record(article: Article, entry: Entry, url: str, layout: str, related_ids: list[int]) -> dict:
    directives = article.directives
    return {
        "article_id": str(article.article_id),
        "url": url,
        "channel_id": article.channel,
        "title": article.title,
        "published_on": article.published_on.isoformat(),
        "published_at": article.published_at.isoformat() if layout == "modern" else None,
        "listed_at": entry.listed_at.isoformat(),
        "document": dict(article.document) if article.document else None,
        "directive_count": len(directives),
        # Whitespace collapsed (the seed letter has no-break spaces), as parsers give it.
        "directives": [" ".join(d.text.split())[:DIRECTIVE_PREFIX] for d in directives],
        # Each directive as a task (CONTRACT section 1, added 2026-12): assignees, due_on, due_text.
        "tasks": [d.task for d in directives],
        "references": [dict(r) for r in article.references],
        # The "Latest new" box's article ids, in order (CONTRACT `related`).
        "related_ids": [str(i) for i in related_ids],
        "withdrawn": entry.withdrawn,
        "revision": entry.revision,
        "attachment": article.attachment,
        "encoding": "windows-1252" if article.legacy_encoding and layout == "sharepoint" else "utf-8",
        "broken_markup": article.broken_markup and layout == "sharepoint",
    }


def records(catalog: Catalog, url_for, layout: str) -> Iterator[dict]:
    """`url_for(entry)` gives the article's absolute URL in the current layout."""
    for entry in catalog.entries():
        yield record(catalog.article(entry), entry, url_for(entry), layout, catalog.related_ids(entry))


def json_lines(items: Iterable[dict]) -> Iterator[str]:
    for item in items:
        yield json.dumps(item, ensure_ascii=False) + "\n"
