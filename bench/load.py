"""Loader throughput: our bulk path against a plain `executemany`, same rows, same run.

    .venv/bin/python bench/load.py [--articles 10000]

Generates realistic parsed records (CONTRACT section 1 shape: a document, 2-8
directives, 0-6 citations), skips HTML parsing (the parser has its own cost),
and writes articles + article_versions + directives + citations into fresh
migrated DuckDB files. Goal: the loader at least 4x the baseline.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transforms import content_hash  # noqa: E402
from warehouse.apply import (  # noqa: E402
    ARTICLE_COLUMNS,
    CITATION_COLUMNS,
    DIRECTIVE_COLUMNS,
    VERSION_COLUMNS,
    _State,
    article_row,
    child_rows,
    write_articles,
)
from warehouse.db import connect, transaction  # noqa: E402
from warehouse.parsing import Fetch, ParsedArticle  # noqa: E402

ICT = timezone(timedelta(hours=7))
TYPES = ["Official Letter", "Decision", "Plan", "Directive", "Official Telegram", "Notice"]
CODES = ["UBND-NC", "UBND-KGVX", "QD-UBND", "KH-UBND", "CD-UBND"]
CITED = ["22/2020/QD-UBND", "100/2019/ND-CP", "128/NQ-CP", "16/CT-TTg", "18-NQ/TW", "15/2020/ND-CP",
         "202/2025/QH15", "30c/NQ-CP"]
WORDS = ("to continue to direct and perform administrative reform work according to the assigned "
         "functions tasks plans of the provincial people's committee agencies units").split()
VERSION = "bench"


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def make_records(n: int, seed: int = 7) -> list[ParsedArticle]:
    rng = random.Random(seed)
    start = datetime(2020, 1, 1, 8, tzinfo=ICT)
    out = []
    for i in range(n):
        aid = str(1000 + i)
        day = (start + timedelta(hours=6 * i)).date().isoformat()
        record = {
            "kind": "article", "url": f"http://portal/en-us/Pages/Article.aspx?ChannelId=14&articleID={aid}",
            "article_id": aid, "title": sentence(rng, 9), "published_on": day, "published_at": None,
            "document": {"type": rng.choice(TYPES), "number": f"{aid}/{rng.choice(CODES)}",
                         "issuer": "Provincial People's Committee", "issued_on": day, "subject": sentence(rng, 6)},
            "addressees": ["Department of Health", "Heads of provincial departments"][: rng.randint(1, 2)],
            "directives": [{"ordinal": k, "text": sentence(rng, rng.randint(20, 60))}
                           for k in range(1, rng.randint(2, 8) + 1)],
            "references": [{"number": c, "type": None, "issued_on": None, "issuer": None}
                           for c in rng.sample(CITED, rng.randint(0, 6))],
            "related": [], "body_text": " ".join(sentence(rng, 25) for _ in range(8)),
            "parser_version": VERSION, "warnings": [],
        }
        fetch = Fetch("article", record["url"], aid, start + timedelta(hours=6 * i, minutes=5), b"", f"raw{aid}")
        out.append(ParsedArticle(fetch, aid, record, content_hash(record)))
    return out


def fresh(path: Path):
    path.unlink(missing_ok=True)
    return connect(path)


def run_ours(path: Path, parsed: list[ParsedArticle]) -> float:
    con = fresh(path)
    t = time.perf_counter()
    with transaction(con):
        write_articles(con, parsed, VERSION)
    elapsed = time.perf_counter() - t
    con.close()
    return elapsed


def run_executemany(path: Path, parsed: list[ParsedArticle]) -> float:
    con = fresh(path)
    t = time.perf_counter()
    articles, versions, directives, citations = [], [], [], []
    for p in parsed:
        seen = p.fetch.fetched_at
        state = _State(p.content_sha256, 1, seen, seen, seen)
        articles.append(article_row(p, state, p.fetch.url, VERSION))
        versions.append((p.article_id, 1, p.content_sha256, seen, p.fetch.raw_sha256, VERSION,
                         json.dumps(p.record, ensure_ascii=False, sort_keys=True, default=str)))
        d, c = child_rows(p)
        directives += d
        citations += c
    with transaction(con):
        for table, cols, data in (("articles", ARTICLE_COLUMNS, articles), ("article_versions", VERSION_COLUMNS, versions),
                                  ("directives", DIRECTIVE_COLUMNS, directives), ("citations", CITATION_COLUMNS, citations)):
            names = ", ".join(c for c, _ in cols)
            marks = ", ".join("?" for _ in cols)
            con.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", data)
    elapsed = time.perf_counter() - t
    con.close()
    return elapsed


def table_counts(path: Path) -> dict[str, int]:
    con = connect(path)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                for t in ("articles", "article_versions", "directives", "citations")}
    finally:
        con.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    args = ap.parse_args(argv)
    parsed = make_records(args.articles)
    with tempfile.TemporaryDirectory() as tmp:
        ours_path, base_path = Path(tmp) / "ours.duckdb", Path(tmp) / "baseline.duckdb"
        ours = run_ours(ours_path, parsed)
        base = run_executemany(base_path, parsed)
        counts = table_counts(ours_path)
        assert counts == table_counts(base_path), "both paths must write the same rows"
    total = sum(counts.values())
    print(f"rows: {total} ({', '.join(f'{t} {n}' for t, n in counts.items())})")
    print(f"loader (Arrow staging + set-based upsert): {ours:7.2f} s  {total / ours:10,.0f} rows/s")
    print(f"baseline (plain executemany):                 {base:7.2f} s  {total / base:10,.0f} rows/s")
    print(f"speed-up: {base / ours:.1f}x (goal >= 4x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
