"""Score the parser on one held-out batch: `python tests/examples/real/incoming/score.py A`.

A batch (tests/examples/real/incoming/<batch>/) holds real pages whose answers were
written and committed before the parser saw them (see README.md here). This prints
the same per-field shares as the corpus tests (tests/parser/real_corpus.py's
score_articles and score_tasks: the task fields per directive, assignees as a set of
(agency, role), due_on and due_text), and whether the document was found on every
page that names one. Every miss is listed. It only reads and prints; exit status 0
whatever the score (it measures, it is not a test).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT))

from tests.parser.real_corpus import real_pages, score_articles, score_tasks  # noqa: E402
from transforms import parse_article  # noqa: E402

HERE = Path(__file__).resolve().parent


def short(value: object, limit: int = 300) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "..."


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: score.py BATCH   (a folder under tests/examples/real/incoming/)", file=sys.stderr)
        return 2
    batch = argv[0]
    folder = HERE / batch
    pages = sorted(folder.glob("*.html")) if folder.is_dir() else []
    if not pages:
        raise SystemExit(f"score.py: no pages in {folder}")
    for html in pages:
        if not html.with_name(html.stem + ".expected.json").exists():
            raise SystemExit(f"score.py: {html.name} has no {html.stem}.expected.json")
    kind = folder.relative_to(HERE.parent).as_posix()  # real_pages reads folders under tests/examples/real/

    fields = score_articles(parse_article, kind)
    tasks = score_tasks(parse_article, kind)
    named = [page for page in real_pages(kind) if page.expected.get("document") is not None]
    doc_misses = []
    for page in named:
        want = page.expected["document"].get("number")
        got = (parse_article(page.body, page.url).get("document") or {}).get("number")
        if got != want:
            doc_misses.append((page.name, want, got))

    print(f"held-out batch {batch}: {fields.pages} pages\n")
    print(fields.report())
    print(f"\ndocument found (right number) on {len(named) - len(doc_misses)} of {len(named)} pages that name one")
    for name, want, got in doc_misses:
        print(f"  {name}: expected {want}, got {got}")
    print()
    print(tasks.report() if tasks.pages else "task fields: n/a (no directives)")

    print("\nmisses, field by field:")
    for result in (fields, tasks):
        for f in result.fields:
            for name, want, got in result.misses.get(f, []):
                print(f"- {f} | {name}\n    expected {short(want)}\n    got      {short(got)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
