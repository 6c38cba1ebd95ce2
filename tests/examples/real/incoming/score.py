"""Score the parser on one held-out batch: `python tests/examples/real/incoming/score.py A`.

A batch (tests/examples/real/incoming/<batch>/) holds real pages whose answers were
written and committed before the parser saw them (see README.md here). This prints
the same per-field shares as the corpus test (tests/parser/real_corpus.py's
article_view and RealScore), whether the document was found on every page that
names one, and the task fields of each directive, compared by position:
assignees as a set of (agency, role), due_on and due_text. Every miss is listed.
It only reads and prints; exit status 0 whatever the score (it measures, it is
not a test).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT))

from tests.parser.real_corpus import ARTICLE_FIELDS, RealScore, article_view  # noqa: E402
from transforms import parse_article  # noqa: E402

HERE = Path(__file__).resolve().parent
TASK_FIELDS = ("assignees", "due_on", "due_text")


def load_batch(batch: str) -> list[tuple[str, str, bytes, dict]]:
    folder = HERE / batch
    if not folder.is_dir():
        raise SystemExit(f"score.py: no batch folder {folder}")
    pages = []
    for html in sorted(folder.glob("*.html")):
        answer = html.with_name(html.stem + ".expected.json")
        if not answer.exists():
            raise SystemExit(f"score.py: {html.name} has no {answer.name}")
        expected = json.loads(answer.read_text(encoding="utf-8"))
        pages.append((html.stem, expected["url"], html.read_bytes(), expected))
    if not pages:
        raise SystemExit(f"score.py: batch {batch} has no pages")
    return pages


def task_view(directive: dict | str | None) -> dict:
    """One directive's task fields; a missing directive or a plain string has none."""
    if not isinstance(directive, dict):
        return {"assignees": None, "due_on": None, "due_text": None, "missing": True}
    assignees = directive.get("assignees") or []
    return {
        "assignees": sorted({(a.get("agency"), a.get("role")) for a in assignees}),
        "due_on": directive.get("due_on"),
        "due_text": directive.get("due_text"),
        "missing": False,
    }


class TaskScore:
    """Per expected directive, whether each task field matches the parser's directive at the same position."""

    def __init__(self) -> None:
        self.total = 0
        self.right = {f: 0 for f in TASK_FIELDS}
        self.misses: dict[str, list[tuple[str, int, object, object]]] = {f: [] for f in TASK_FIELDS}

    def add(self, name: str, want: list, got: list) -> None:
        for i, w in enumerate(want):
            self.total += 1
            wv = task_view(w)
            gv = task_view(got[i] if i < len(got) else None)
            for f in TASK_FIELDS:
                if not gv["missing"] and wv[f] == gv[f]:
                    self.right[f] += 1
                else:
                    self.misses[f].append(
                        (name, i + 1, wv[f], "(no such directive)" if gv["missing"] else gv[f])
                    )

    def report(self) -> str:
        lines = [f"{'task field':<20} {'right':>5} / {self.total:<4} share"]
        for f in TASK_FIELDS:
            share = f"{self.right[f] / self.total:.2%}" if self.total else "n/a (no directives)"
            lines.append(f"{f:<20} {self.right[f]:>5} / {self.total:<4} {share}")
        return "\n".join(lines)


def short(value: object, limit: int = 300) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "..."


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(
            "usage: score.py BATCH   (a folder under tests/examples/real/incoming/)",
            file=sys.stderr,
        )
        return 2
    batch = argv[0]
    fields = RealScore(ARTICLE_FIELDS)
    tasks = TaskScore()
    announcing = found = 0
    doc_misses = []
    for name, url, body, expected in load_batch(batch):
        got = parse_article(body, url)
        fields.add(name, article_view(expected), article_view(got))
        tasks.add(name, expected.get("directives") or [], got.get("directives") or [])
        want_doc = expected.get("document")
        if want_doc is not None:
            announcing += 1
            got_doc = got.get("document") or {}
            if got_doc.get("number") == want_doc.get("number"):
                found += 1
            else:
                doc_misses.append((name, want_doc.get("number"), got_doc.get("number")))

    print(f"held-out batch {batch}: {fields.pages} pages\n")
    print(fields.report())
    print(f"\ndocument found (right number) on {found} of {announcing} pages that name one")
    for name, want, got in doc_misses:
        print(f"  {name}: expected {want}, got {got}")
    print()
    print(tasks.report())

    print("\nmisses, field by field:")
    for f in ARTICLE_FIELDS:
        for name, want, got in fields.misses.get(f, []):
            print(f"- {f} | {name}\n    expected {short(want)}\n    got      {short(got)}")
    for f in TASK_FIELDS:
        for name, ordinal, want, got in tasks.misses[f]:
            print(
                f"- directive {ordinal} {f} | {name}\n    expected {short(want)}\n    got      {short(got)}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
