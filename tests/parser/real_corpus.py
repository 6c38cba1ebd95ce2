"""The real-text corpus (tests/examples/real/): pages of real sites with hand-written answers.

Each `articles/NAME.html` holds article text copied verbatim from a public page
(its address in `NAME.expected.json` as `source`, and in an HTML comment), the
page around it rebuilt in that site's shape. `NAME.expected.json` is the answer
an analyst reads off the text against CONTRACT.md section 1, written by hand
(never from parser output). Shared by test_real_corpus.py and bench/parse.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

REAL = Path(__file__).resolve().parents[1] / "examples" / "real"

ARTICLE_FIELDS = (
    "title",
    "published_on",
    "published_at",
    "document",
    "document.type",
    "document.number",
    "document.issuer",
    "document.issued_on",
    "document.subject",
    "directive_count",
    "directives",
    "references",
)
LIST_FIELDS = ("item_count", "items", "next_page")
# Scored per directive (CONTRACT section 1, added 2026-12): who must act and by when.
TASK_FIELDS = ("assignees", "due_on", "due_text")


@dataclass(frozen=True)
class RealPage:
    name: str
    url: str
    body: bytes
    expected: dict


def real_pages(kind: str = "articles") -> list[RealPage]:
    pages = []
    for html in sorted((REAL / kind).glob("*.html")):
        expected = json.loads(html.with_name(html.stem + ".expected.json").read_text(encoding="utf-8"))
        pages.append(RealPage(html.stem, expected["url"], html.read_bytes(), expected))
    return pages


def article_view(record: dict) -> dict:
    """A parser record, or an expected file, in the scored fields."""
    doc = record.get("document")
    directives = [d["text"] if isinstance(d, dict) else d for d in record.get("directives") or []]
    return {
        "title": record.get("title"),
        "published_on": record.get("published_on"),
        "published_at": record.get("published_at"),
        "document": None if doc is None else {k: doc.get(k) for k in ("type", "number", "issuer", "issued_on", "subject")},
        "document.type": doc and doc.get("type"),
        "document.number": doc and doc.get("number"),
        "document.issuer": doc and doc.get("issuer"),
        "document.issued_on": doc and doc.get("issued_on"),
        "document.subject": doc and doc.get("subject"),
        "directive_count": len(directives),
        "directives": directives,
        "references": [{k: r.get(k) for k in ("number", "type", "issued_on")} for r in record.get("references") or []],
    }


def list_view(record: dict) -> dict:
    items = [{k: i.get(k) for k in ("url", "article_id", "title", "listed_at")} for i in record.get("items") or []]
    return {"item_count": len(items), "items": items, "next_page": record.get("next_page")}


@dataclass
class RealScore:
    fields: tuple[str, ...]
    pages: int = 0
    right: dict[str, int] = field(default_factory=dict)
    misses: dict[str, list[tuple[str, object, object]]] = field(default_factory=dict)

    def add(self, name: str, want: dict, got: dict) -> None:
        self.pages += 1
        for f in self.fields:
            if want[f] == got[f]:
                self.right[f] = self.right.get(f, 0) + 1
            else:
                self.misses.setdefault(f, []).append((name, want[f], got[f]))

    def share(self, f: str) -> float:
        return self.right.get(f, 0) / self.pages if self.pages else 0.0

    def overall(self) -> float:
        total = self.pages * len(self.fields)
        return sum(self.right.values()) / total if total else 0.0

    def report(self) -> str:
        lines = [f"{'field':<20} {'right':>5} / {self.pages:<4} share"]
        lines += [f"{f:<20} {self.right.get(f, 0):>5} / {self.pages:<4} {self.share(f):.2%}" for f in self.fields]
        lines.append(f"{'all fields':<20} {'':>5}   {'':<4} {self.overall():.2%}")
        return "\n".join(lines)

    def examples(self, f: str, limit: int = 5) -> str:
        return "\n".join(
            f"  {name}\n    expected {json.dumps(want, ensure_ascii=False)[:400]}\n    got      {json.dumps(got, ensure_ascii=False)[:400]}"
            for name, want, got in self.misses.get(f, [])[:limit]
        )


def task_view(directive: dict | None) -> dict:
    """One directive's task fields; assignees as a set of (agency, role), order free.

    A directive the parser did not produce (fewer items) is a miss in every field.
    """
    if directive is None:
        return {f: "(no such directive)" for f in TASK_FIELDS}
    return {
        "assignees": sorted({(a["agency"], a["role"]) for a in directive.get("assignees") or []}),
        "due_on": directive.get("due_on"),
        "due_text": directive.get("due_text"),
    }


def task_directives(expected: dict) -> list[dict]:
    """The expected directives that carry task fields (objects with `assignees`)."""
    return [d for d in expected.get("directives") or [] if isinstance(d, dict) and "assignees" in d]


def score_tasks(parse, kind: str = "articles") -> RealScore:
    """Task fields per directive (the share is of directives, not pages), matched by ordinal."""
    result = RealScore(TASK_FIELDS)
    for page in real_pages(kind):
        wanted = task_directives(page.expected)
        if not wanted:
            continue
        got = {d["ordinal"]: d for d in parse(page.body, page.url).get("directives") or []}
        for directive in wanted:
            result.add(f"{page.name} #{directive['ordinal']}", task_view(directive), task_view(got.get(directive["ordinal"])))
    return result


def score_articles(parse, kind: str = "articles") -> RealScore:
    result = RealScore(ARTICLE_FIELDS)
    for page in real_pages(kind):
        result.add(page.name, article_view(page.expected), article_view(parse(page.body, page.url)))
    return result


def score_lists(parse) -> RealScore:
    result = RealScore(LIST_FIELDS)
    for page in real_pages("lists"):
        result.add(page.name, list_view(page.expected), list_view(parse(page.body, page.url)))
    return result
