"""The outside check of the lake: four loaders at once, one lake, one replica crawl.

A crawl of the replica (a real HTTP server on 127.0.0.1) lands its batches; four
loader processes then run `portal_ingest.pipeline.load_pending` on the same
landing area at the same moment, into one DuckLake whose catalog is a database of
the machine's PostgreSQL. Every article must be stored exactly once (the replica's
truth), every child row once, and the rows must equal a single loader's into a file.
Then the replica publishes more, a second crawl is loaded, and `sql --as-of` a time
between the two loads answers the first count.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support.lake import lake_database, lake_settings
from support.replica import start_replica

from ingest.config import Settings
from portal_ingest import pipeline
from warehouse import db

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
LOADERS = 4
ARTICLES = 60
PAGE_SIZE = 20  # the replica's list page size
# Rows that must each be stored once, by their natural key.
KEYS = {
    "articles": "article_id",
    "article_versions": "article_id, version",
    "directives": "article_id, ordinal",
    "citations": "article_id, ordinal",
    "directive_assignees": "article_id, ordinal, agency_id",
    "listings": "article_id",
    "raw_pages": "url, content_sha256",
    "landing_batches": "batch_id",
}
COMPARED = ("articles", "article_versions", "directives", "citations", "directive_assignees", "listings")

LOADER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from ingest.config import Settings
    from portal_ingest import pipeline
    from warehouse import db
    settings = Settings.from_env()
    db.connect(settings).close()  # extensions loaded and schema checked before the start line
    go = Path(sys.argv[1])
    while not go.exists():
        time.sleep(0.01)
    print(json.dumps(pipeline.load_pending(settings).to_dict(), default=str), flush=True)
    """
)


def _rows(settings: Settings, sql: str) -> list[tuple]:
    con = db.connect(settings)
    try:
        return db.rows(con, sql)
    finally:
        con.close()


def _table(settings: Settings, table: str) -> list[tuple]:
    return _rows(settings, f"SELECT * FROM {table} ORDER BY ALL")


def _load_four_at_once(lake: Settings, tmp_path: Path) -> list[dict]:
    env = {**os.environ, "PORTAL_DUCKDB": str(lake.duckdb_path), "PORTAL_LAKE_DATA_PATH": str(lake.lake_data_path),
           "PORTAL_LANDING": str(lake.landing), "PORTAL_DUCKDB_MEMORY_LIMIT": "256MB"}
    go = tmp_path / "go"
    go.unlink(missing_ok=True)
    procs = [subprocess.Popen([sys.executable, "-c", LOADER.format(root=str(ROOT)), str(go)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(LOADERS)]
    time.sleep(0.5)
    go.touch()
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * LOADERS, [err[-2000:] for _, err in outs]
    return [json.loads(out.strip().splitlines()[-1]) for out, _ in outs]


def test_four_loaders_store_a_replica_crawl_once_and_as_of_sees_the_first(tmp_path):
    with start_replica(tmp_path, articles=ARTICLES, seed=17) as replica, lake_database() as dbname:
        lake = lake_settings(dbname, tmp_path, base_url=replica.base_url, landing_dir=tmp_path / "landing",
                             max_rps=0, landing_batch_size=8, lock_timeout_s=30)
        db.connect(lake).close()  # an empty lake: the crawl knows no article yet
        pages = list(range(1, -(-(ARTICLES + 1) // PAGE_SIZE) + 1))
        fetched = pipeline.fetch_backfill(lake, {"pages": pages})
        assert fetched.failed == 0
        truth = {str(row["article_id"]) for row in replica.truth()}
        landed = sorted(lake.landing.joinpath("pending").glob("*.jsonl.gz"))
        assert len(landed) >= 2 * LOADERS, "too few batches for the loaders to race over"

        # The same batches, loaded by one process into a file: what the lake must hold.
        reference = Settings(duckdb_path=tmp_path / "ref" / "portal.duckdb", landing_dir=tmp_path / "ref" / "landing")
        shutil.copytree(lake.landing / "pending", reference.landing / "pending")
        assert pipeline.load_pending(reference).batches == len(landed)

        summaries = _load_four_at_once(lake, tmp_path)
        # Each batch was loaded by exactly one of them; the others found it done.
        assert sum(s["batches"] for s in summaries) == len(landed), summaries
        assert sum(s["new_articles"] for s in summaries) == len(truth), summaries
        assert not any(s["quarantined_batches"] for s in summaries), [s["quarantined_batches"] for s in summaries]
        assert not list(lake.landing.joinpath("pending").glob("*.jsonl.gz"))

        assert {r[0] for r in _rows(lake, "SELECT article_id FROM articles")} == truth
        for table, key in KEYS.items():
            total, distinct = _rows(lake, f"SELECT count(*), count(DISTINCT ({key})) FROM {table}")[0]
            assert total == distinct, f"{table}: {total - distinct} rows stored twice"
        assert _rows(lake, "SELECT count(*), sum(batches) FROM runs WHERE kind = 'backfill'") == [(1, len(landed))]
        for table in COMPARED:
            assert _table(lake, table) == _table(reference, table), table
        assert _rows(lake, "SELECT count(*) FROM directives")[0][0] > 0
        assert _rows(lake, "SELECT count(*) FROM directive_assignees")[0][0] > 0

        time.sleep(1.0)
        between = datetime.now(UTC)
        time.sleep(1.0)
        replica.control("publish", n=5)
        pipeline.fetch_latest(lake)
        later = _load_four_at_once(lake, tmp_path)
        assert sum(s["new_articles"] for s in later) == 5, later
        now_truth = {str(row["article_id"]) for row in replica.truth()}
        assert len(now_truth) == len(truth) + 5

        def count(*as_of: str) -> int:
            env = {**os.environ, "PORTAL_DUCKDB": str(lake.duckdb_path),
                   "PORTAL_LAKE_DATA_PATH": str(lake.lake_data_path)}
            done = subprocess.run([sys.executable, "-m", "portal_ingest.cli", "sql", *as_of, "--format", "csv",
                                   "SELECT count(*) AS n, count(DISTINCT article_id) AS ids FROM articles"],
                                  cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr[-2000:]
            n, ids = done.stdout.strip().splitlines()[-1].split(",")
            assert n == ids
            return int(n)

        assert count() == len(now_truth)
        assert count("--as-of", between.isoformat()) == len(truth)
