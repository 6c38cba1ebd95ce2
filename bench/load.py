"""Loader throughput on both backends against a plain `executemany`, same rows, same run;
then what readers wait for after a load (publish on a file, nothing on a lake).

    .venv/bin/python bench/load.py [--articles 10000] [--visibility 10000,100000] [--no-lake]

Generates realistic parsed records (CONTRACT section 1 shape: a document, 2-8
directives, 0-6 citations), skips HTML parsing (the parser has its own cost),
and writes articles + article_versions + directives + citations into a fresh
migrated DuckDB file, a fresh DuckLake (catalog: a throwaway database in the
PostgreSQL at PORTAL_BENCH_PG, default `host=127.0.0.1 user=postgres`; Parquet in
a temp dir), and with executemany. 10,000 articles are ~100,000 rows. Goal: the
loader at least 4x the baseline.

Visibility: after loading N articles, one more article is committed and we time
until a fresh reader sees it: the file needs its snapshot published (a copy that
grows with the warehouse), the lake needs nothing (readers see every commit).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.config import Settings  # noqa: E402
from portal_ingest.lake_setup import ensure_catalog_database  # noqa: E402
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
from warehouse.db import connect, forget_lake, transaction  # noqa: E402
from warehouse.parsing import Fetch, ParsedArticle  # noqa: E402
from warehouse.snapshot import open_reader, publish_snapshot  # noqa: E402

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


PG = os.environ.get("PORTAL_BENCH_PG", "host=127.0.0.1 user=postgres")


@contextmanager
def fresh_lake(tmp: Path, name: str):
    """A throwaway DuckLake: its own catalog database, its own data path."""
    import psycopg2

    dbname = f"portal_lake_bench_{os.getpid()}_{name}"
    spec = f"ducklake:postgres:dbname={dbname} {PG}"
    ensure_catalog_database(spec)
    try:
        yield Settings(duckdb_path=Path(spec), lake_data_path=tmp / f"lake-{name}")
    finally:
        forget_lake(spec)
        params = dict(p.split("=", 1) for p in PG.split())
        admin = psycopg2.connect(dbname="postgres", **params)
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()


def run_ours(target, parsed: list[ParsedArticle]) -> float:
    con = fresh(target) if isinstance(target, Path) else connect(target)
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


def table_counts(target) -> dict[str, int]:
    con = connect(target)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                for t in ("articles", "article_versions", "directives", "citations")}
    finally:
        con.close()


def visibility(settings: Settings, n: int) -> tuple[float, float]:
    """(load s, commit-to-visible s) for a warehouse of `n` articles: load them, commit one
    more, then publish (a no-op on a lake) and wait until a fresh reader counts it."""
    parsed = make_records(n + 1)
    t = time.perf_counter()
    for start in range(0, n, 10_000):  # the loader's way: bounded batches
        con = connect(settings)
        with transaction(con):
            write_articles(con, parsed[start:min(start + 10_000, n)], VERSION)
        con.close()
    loaded = time.perf_counter() - t
    # An analyst's session open on a lake sees each new commit; on a file a reader must
    # open the newly published copy.
    reader = open_reader(settings) if settings.is_lake else None
    con = connect(settings)
    with transaction(con):
        write_articles(con, parsed[n:], VERSION)
    con.close()
    t = time.perf_counter()
    publish_snapshot(settings)
    reader = reader or open_reader(settings)
    seen = reader.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    reader.close()
    visible = time.perf_counter() - t
    assert seen == n + 1, (seen, n + 1)
    return loaded, visible


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--visibility", default="10000,100000", help="warehouse sizes (articles) for the visibility figures; '' skips")
    ap.add_argument("--no-lake", action="store_true", help="file and executemany only (no PostgreSQL)")
    args = ap.parse_args(argv)
    parsed = make_records(args.articles)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ours_path, base_path = tmp / "ours.duckdb", tmp / "baseline.duckdb"
        ours = run_ours(ours_path, parsed)
        counts = table_counts(ours_path)
        total = sum(counts.values())
        print(f"rows: {total} ({', '.join(f'{t} {n}' for t, n in counts.items())})", flush=True)
        print(f"file loader (Arrow staging + ON CONFLICT):    {ours:7.2f} s  {total / ours:10,.0f} rows/s", flush=True)
        if not args.no_lake:
            with fresh_lake(tmp, "load") as lake_settings:
                lake = run_ours(lake_settings, parsed)
                assert table_counts(lake_settings) == counts, "lake and file must hold the same rows"
            print(f"lake loader (Arrow staging + MERGE INTO):     {lake:7.2f} s  {total / lake:10,.0f} rows/s",
                  flush=True)
        base = run_executemany(base_path, parsed)
        assert counts == table_counts(base_path), "both paths must write the same rows"
        print(f"baseline (plain executemany into the file):   {base:7.2f} s  {total / base:10,.0f} rows/s")
        print(f"speed-up of the file loader: {base / ours:.1f}x (goal >= 4x)", flush=True)

        sizes = [int(x) for x in args.visibility.split(",") if x.strip()]
        if sizes:
            print("\nvisibility: one more article committed -> a fresh reader sees it")
            print(f"{'articles':>9}  {'backend':7}  {'load s':>8}  {'publish + visible s':>20}", flush=True)
        for n in sizes:
            file_settings = Settings(duckdb_path=tmp / f"vis-{n}" / "portal.duckdb")
            loaded, visible = visibility(file_settings, n)
            print(f"{n:9,}  {'file':7}  {loaded:8.2f}  {visible:20.2f}", flush=True)
            if not args.no_lake:
                with fresh_lake(tmp, f"vis{n}") as lake_settings:
                    loaded, visible = visibility(lake_settings, n)
                print(f"{n:9,}  {'lake':7}  {loaded:8.2f}  {visible:20.2f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
