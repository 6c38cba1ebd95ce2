"""Search latency: the snapshot's BM25 index against ILIKE over the same text.

    .venv/bin/python bench/search.py [--articles 20000] [--repeat 5]

Builds a warehouse of N replica articles (the replica's own generator, the
records its pages would parse to: title, document, directives, body; no HTTP,
no HTML parsing), publishes the snapshot (which builds the index; its cost is
printed), then runs a set of analyst queries both ways on the snapshot:

- search: `warehouse.search.search` (the `search_documents` macro: BM25 ranking,
  best directive or sentence as snippet, top 20);
- ILIKE: every word of the query as `ILIKE '%word%'` over title, subject, body
  and directives (what one writes without an index: no ranking, no stemming,
  no accent folding), the first 20 rows.

Prints the median and p90 milliseconds of each and the matches each finds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.config import Settings  # noqa: E402
from portal_replica.catalog import Catalog  # noqa: E402
from transforms import content_hash  # noqa: E402
from warehouse import search as fts  # noqa: E402
from warehouse.apply import write_articles  # noqa: E402
from warehouse.db import connect, transaction  # noqa: E402
from warehouse.parsing import Fetch, ParsedArticle  # noqa: E402
from warehouse.snapshot import publish_snapshot  # noqa: E402
from warehouse.sql import open_snapshot  # noqa: E402

ICT = timezone(timedelta(hours=7))
VERSION = "bench"
QUERIES = [
    "flood prevention",
    "administrative reform",
    "Covid-19 vaccination campaign",
    "dengue fever",
    "public investment capital disbursement",
    "drowning children summer",
    "plastic waste",
    "Hung Yen",
]


def records(n: int, seed: int = 7) -> list[ParsedArticle]:
    catalog = Catalog(seed, n)
    out = []
    for entry in catalog.entries():
        art = catalog.article(entry)
        aid = str(art.article_id)
        url = f"http://127.0.0.1:8765/en-us/Pages/Article.aspx?ChannelId={art.channel}&articleID={aid}"
        directives = [{"ordinal": i, "text": " ".join([d.text, *d.subs])} for i, d in enumerate(art.directives, 1)]
        body = "\n".join(b.text if b.kind != "directives" else "\n".join(f"- {d.text}" for d in b.directives)
                         for b in art.blocks)
        doc = dict(art.document) if art.document else None
        record = {
            "kind": "article", "url": url, "article_id": aid, "title": art.title,
            "published_on": art.published_on.isoformat(), "published_at": None, "document": doc,
            "addressees": [], "directives": directives if doc else [], "references": [dict(r) for r in art.references],
            "related": [], "body_text": body, "parser_version": VERSION, "warnings": [],
        }
        fetch = Fetch("article", url, aid, art.published_at + timedelta(minutes=5), b"", f"raw{aid}")
        out.append(ParsedArticle(fetch, aid, record, content_hash(record)))
    return out


def ilike(con, query: str, limit: int = 20) -> list[tuple]:
    words = [w for w in query.split() if w]
    where = " AND ".join("(a.title || ' ' || coalesce(a.subject, '') || ' ' || coalesce(a.body_text, '') || ' '"
                         " || coalesce(d.texts, '')) ILIKE ?" for _ in words)
    return con.execute(
        "SELECT a.article_id, a.doc_number, a.title FROM articles a LEFT JOIN"
        " (SELECT article_id, string_agg(text, ' ') AS texts FROM directives GROUP BY article_id) d"
        f" USING (article_id) WHERE {where} ORDER BY a.issued_on DESC NULLS LAST LIMIT {limit}",
        [f"%{w}%" for w in words]).fetchall()


def ilike_count(con, query: str) -> int:
    return len(ilike(con, query, limit=1_000_000))


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm: first run pays for reading the file
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def p90(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.9 * len(values)) - 1)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    t = time.perf_counter()
    parsed = records(args.articles)
    print(f"generated {len(parsed)} replica articles in {time.perf_counter() - t:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(duckdb_path=Path(tmp) / "portal.duckdb")
        con = connect(settings)
        with transaction(con):
            write_articles(con, parsed, VERSION)
        counts = con.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM directives)").fetchall()[0]
        con.close()
        t = time.perf_counter()
        publish_snapshot(settings)
        publish_s = time.perf_counter() - t
        copy = Path(tmp) / "index-only.duckdb"
        copy.write_bytes(settings.snapshot_path.read_bytes())
        t = time.perf_counter()
        built = fts.build_index(copy)
        index_s = time.perf_counter() - t
        size = settings.snapshot_path.stat().st_size / 2**20
        print(f"warehouse: {counts[0]} articles, {counts[1]} directives; {built['search_documents']} documents indexed")
        print(f"publish (copy + index + report): {publish_s:.1f} s; index alone {index_s:.1f} s;"
              f" snapshot {size:.0f} MB")
        con = open_snapshot(settings)
        print(f"\n{'query':40} {'search ms':>10} {'p90':>6} {'hits':>5}   {'ILIKE ms':>9} {'p90':>6} {'hits':>6}")
        ratios = []
        for q in QUERIES:
            s = timed(lambda q=q: fts.search(con, q, limit=20), args.repeat)
            i = timed(lambda q=q: ilike(con, q), args.repeat)
            s_hits = len(fts.search(con, q, limit=1_000_000)[1])
            i_hits = ilike_count(con, q)
            ratios.append(statistics.median(i) / statistics.median(s))
            print(f"{q:40} {statistics.median(s):10.1f} {p90(s):6.1f} {s_hits:5}   "
                  f"{statistics.median(i):9.1f} {p90(i):6.1f} {i_hits:6}")
        con.close()
    print(f"\nILIKE / search median time: {statistics.median(ratios):.2f}x (search also ranks, stems, folds"
          " accents and picks a snippet; ILIKE finds exact substrings in date order)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
