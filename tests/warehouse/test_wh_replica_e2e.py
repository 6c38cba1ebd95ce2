"""The outside check, in small: crawl a replica three times into a fresh file,
then reparse. Uses the real crawler, parser and replica (slow)."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import duckdb
import pytest

from ingest.config import Settings

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
PARSED = ("articles", "article_versions", "directives", "citations", "listings", "quarantine")


@pytest.fixture
def replica():
    proc = subprocess.Popen([sys.executable, "-m", "portal_replica", "--port", "0", "--articles", "40"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()
    if "replica serving" not in line:
        proc.kill()
        pytest.skip(f"replica did not start: {line!r}")
    yield line.split()[2].rstrip("/")
    proc.terminate()
    proc.wait(timeout=10)


def _control(base: str, what: str) -> None:
    urllib.request.urlopen(f"{base}/__replica__/{what}", timeout=10).read()


def _parsed_rows(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in PARSED}
    finally:
        con.close()


def test_three_crawls_then_reparse(replica, tmp_path):
    pipeline = pytest.importorskip("portal_ingest.pipeline")
    settings = Settings(base_url=replica, duckdb_path=tmp_path / "portal.duckdb", max_rps=0, lock_timeout_s=30)

    pipeline.crawl(settings)
    # An analyst holds the snapshot open across the next loads.
    analyst = duckdb.connect(str(settings.snapshot_path), read_only=True)
    first_count = analyst.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    _control(replica, "edit?id=2718")
    _control(replica, "publish?n=2")
    pipeline.crawl(settings)
    _control(replica, "withdraw?id=2722")
    pipeline.crawl(settings)
    assert analyst.execute("SELECT count(*) FROM articles").fetchall()[0][0] == first_count
    analyst.close()

    con = duckdb.connect(str(settings.snapshot_path), read_only=True)
    dupes = con.execute("SELECT count(*) - count(DISTINCT article_id) FROM articles").fetchall()[0][0]
    versioned = {r[0] for r in con.execute("SELECT article_id FROM articles WHERE version > 1").fetchall()}
    n_articles = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    con.close()
    assert dupes == 0 and n_articles >= first_count + 2
    assert versioned <= {"2718"}  # versions only where the replica edited an article

    before = _parsed_rows(settings.duckdb_path)
    pipeline.reparse(settings, all=True)
    assert _parsed_rows(settings.duckdb_path) == before

    env = {**os.environ, "PORTAL_DUCKDB": str(settings.duckdb_path)}
    refused = subprocess.run([sys.executable, "-m", "portal_ingest.cli", "sql", "DELETE FROM articles"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "read-only" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
