"""The replica's generated corpus as (url, html bytes, truth) triples, and field scoring.

Shared by test_corpus_score.py and bench/parse.py. Pages are fetched over real HTTP
from `python -m portal_replica` (tests/support/replica.py), the way the crawler sees
them; truth is the replica's `--dump-truth` record for the same article.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from support.replica import start_replica  # noqa: E402

FIELDS = (
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
    # directives as tasks (CONTRACT section 1, added 2026-12): per page, every directive's value
    "assignees",
    "due_on",
    "due_text",
)


@dataclass(frozen=True)
class CorpusPage:
    url: str
    body: bytes
    truth: dict


@contextmanager
def replica_pages(articles: int, seed: int, layout: str, workers: int = 4) -> Iterator[list[CorpusPage]]:
    """Every live article page of a fresh replica (articles + the seed letter)."""
    with start_replica(articles=articles, seed=seed, layout=layout) as replica:
        truth = [row for row in replica.truth() if not row.get("withdrawn")]

        def fetch(row: dict) -> CorpusPage:
            status, _, body = replica.get(row["url"])
            assert status == 200, f"{row['url']} answered {status}"
            return CorpusPage(row["url"], body, row)

        with ThreadPoolExecutor(workers) as pool:
            yield list(pool.map(fetch, truth))


def observed(record: dict) -> dict:
    """The parser's record in the truth's terms."""
    doc = record.get("document")
    return {
        "title": record.get("title"),
        "published_on": record.get("published_on"),
        "published_at": record.get("published_at"),
        "document": doc,
        "document.type": doc and doc.get("type"),
        "document.number": doc and doc.get("number"),
        "document.issuer": doc and doc.get("issuer"),
        "document.issued_on": doc and doc.get("issued_on"),
        "document.subject": doc and doc.get("subject"),
        "directive_count": len(record.get("directives") or []),
        "directives": [" ".join(d["text"][:60].split()) for d in record.get("directives") or []],
        "references": [{k: r.get(k) for k in ("number", "type", "issued_on")} for r in record.get("references") or []],
        "assignees": [d.get("assignees") for d in record.get("directives") or []],
        "due_on": [d.get("due_on") for d in record.get("directives") or []],
        "due_text": [d.get("due_text") for d in record.get("directives") or []],
    }


def expected(truth: dict) -> dict:
    doc = truth.get("document")
    return {
        "title": truth.get("title"),
        "published_on": truth.get("published_on"),
        "published_at": truth.get("published_at"),
        "document": doc,
        "document.type": doc and doc.get("type"),
        "document.number": doc and doc.get("number"),
        "document.issuer": doc and doc.get("issuer"),
        "document.issued_on": doc and doc.get("issued_on"),
        "document.subject": doc and doc.get("subject"),
        "directive_count": truth.get("directive_count"),
        # whitespace compared modulo nbsp/runs: the parser normalises it by design
        "directives": [" ".join(d[:60].split()) for d in truth.get("directives") or []],
        "references": [{k: r.get(k) for k in ("number", "type", "issued_on")} for r in truth.get("references") or []],
        "assignees": [t["assignees"] for t in truth.get("tasks") or []],
        "due_on": [t["due_on"] for t in truth.get("tasks") or []],
        "due_text": [t["due_text"] for t in truth.get("tasks") or []],
    }


@dataclass
class Score:
    pages: int
    right: dict[str, int]
    misses: dict[str, list[tuple[str, object, object]]]

    def share(self, field: str) -> float:
        return self.right[field] / self.pages if self.pages else 0.0

    def report(self) -> str:
        lines = [f"{'field':<20} {'right':>7} / {self.pages:<6} share"]
        lines += [f"{f:<20} {self.right[f]:>7} / {self.pages:<6} {self.share(f):.2%}" for f in FIELDS]
        return "\n".join(lines)

    def examples(self, field: str, limit: int = 3) -> str:
        return "\n".join(
            f"  {url}\n    expected {json.dumps(want, ensure_ascii=False)[:300]}\n    got      {json.dumps(got, ensure_ascii=False)[:300]}"
            for url, want, got in self.misses[field][:limit]
        )


def score(pairs: list[tuple[CorpusPage, dict]]) -> Score:
    result = Score(len(pairs), dict.fromkeys(FIELDS, 0), {f: [] for f in FIELDS})
    for page, record in pairs:
        want, got = expected(page.truth), observed(record)
        for field in FIELDS:
            if want[field] == got[field]:
                result.right[field] += 1
            else:
                result.misses[field].append((page.url, want[field], got[field]))
    return result
