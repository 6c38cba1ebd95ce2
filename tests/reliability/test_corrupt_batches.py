"""Damaged landing batches: one bad file in landing/pending/ must not stop loading.

A real fetch of the replica (120 generated articles + the seed letter) lands
batches of 10 articles; the oldest batch (the deepest list pages) is then damaged
in one of four ways. The loader moves it to landing/quarantine/ with its reason in
the `landing_quarantine` table and in a `runs` row of kind 'load', loads every
other batch and publishes the snapshot; the articles the bad batch held are fetched
again, so after `crawl` twice every article of the replica is stored.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from .helpers import clean_env, cli_args, query, run_cli, truth_ids

ARTICLES = 120


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _bit_flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for at in (len(data) // 2, len(data) // 2 + 97, len(data) - 12):
        data[at] ^= 0x10
    path.write_bytes(bytes(data))


def _bad_first_line(path: Path) -> None:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = fh.readlines()
    lines[0] = '"run"\n'  # valid JSON, not a run record (was a TypeError that crashed the fetch step)
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.writelines(lines)


def _wrong_shape(path: Path) -> None:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = fh.readlines()
    page = json.loads(lines[-1])
    page["http_status"] = "two hundred"
    page["headers"] = ["not", "a", "dict"]
    lines[-1] = json.dumps(page) + "\n"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.writelines(lines)


DAMAGE = {"truncated-gzip": _truncate, "bit-flip": _bit_flip, "bad-first-line": _bad_first_line,
          "wrong-json-shape": _wrong_shape}


@pytest.fixture(scope="module")
def replica(tmp_path_factory):
    from .helpers import start_replica

    r = start_replica(tmp_path_factory.mktemp("replica"), "--articles", str(ARTICLES))
    yield r
    r.stop()


def _fetch_only(replica, db: Path) -> list[Path]:
    """The fetch step alone (the loader killed before it ran): batches of 10 articles."""
    from ingest.config import Settings
    from portal_ingest import pipeline

    settings = Settings(base_url=replica.base_url, duckdb_path=db, max_rps=0, landing_batch_size=10)
    summary = pipeline.fetch_latest(settings)
    assert summary.status == "ok", summary.errors
    pending = sorted((db.parent / "landing" / "pending").glob("*.jsonl.gz"))
    assert len(pending) >= 10
    return pending


def _crawl(replica, db: Path):
    return run_cli(*cli_args(replica.base_url, db, "crawl")[3:], env=clean_env(), timeout=300)


def _check_quarantined(db: Path, bad: Path) -> None:
    landing = db.parent / "landing"
    assert (landing / "quarantine" / bad.name).exists(), "the damaged batch is not in landing/quarantine/"
    reason = json.loads((landing / "quarantine" / f"{bad.name}.reason.json").read_text())
    assert reason["error"]
    rows = query(db, "SELECT batch_file, error, load_run_id FROM landing_quarantine")
    assert [r[0] for r in rows] == [bad.name]
    errors = query(db, "SELECT status, errors FROM runs WHERE run_id = ?", [rows[0][2]])
    assert errors and errors[0][0] == "partial" and bad.name in " ".join(errors[0][1])
    assert not list((landing / "pending").glob("*.jsonl.gz")), "batches left pending"


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_batch_is_quarantined_and_its_articles_fetched_again(replica, tmp_path, damage):
    db = tmp_path / "portal.duckdb"
    pending = _fetch_only(replica, db)
    bad = pending[-1]  # the oldest articles: the deepest list pages
    DAMAGE[damage](bad)
    first = _crawl(replica, db)
    err = first.stderr.decode()
    assert first.returncode == 0 and "Traceback" not in err, err[-2000:]
    assert bad.name in err, "the load's log does not name the quarantined batch"
    assert json.loads(first.stdout)["load"]["quarantined_batches"]
    _check_quarantined(db, bad)
    second = _crawl(replica, db)
    assert second.returncode == 0, second.stderr.decode()[-2000:]
    stored = {r[0] for r in query(db, "SELECT article_id FROM articles")}
    assert truth_ids(replica) <= stored, sorted(truth_ids(replica) - stored)
    assert (tmp_path / "portal.snapshot.duckdb").exists()


def test_batch_quarantined_by_the_load_dag_is_fetched_by_the_next_incremental_crawl(replica, tmp_path):
    """The load step alone quarantines the batch (as the Airflow load DAG does) and
    publishes a snapshot without its articles; the next crawl is incremental (page 1
    is known), yet reads on until it has fetched them."""
    from ingest.config import Settings
    from portal_ingest import pipeline

    db = tmp_path / "portal.duckdb"
    pending = _fetch_only(replica, db)
    bad = pending[-1]
    _truncate(bad)
    loaded = pipeline.load_pending(Settings(base_url=replica.base_url, duckdb_path=db))
    assert loaded.quarantined_batches and bad.name in loaded.quarantined_batches[0]
    _check_quarantined(db, bad)
    missing = truth_ids(replica) - {r[0] for r in query(db, "SELECT article_id FROM articles")}
    assert missing, "the damaged batch held no article"
    result = _crawl(replica, db)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    stored = {r[0] for r in query(db, "SELECT article_id FROM articles")}
    assert truth_ids(replica) <= stored, sorted(truth_ids(replica) - stored)
    reason = json.loads((db.parent / "landing" / "quarantine" / f"{bad.name}.reason.json").read_text())
    assert reason["recovered"] is True
    # Recovered: the crawl after it is incremental again (one list page).
    again = json.loads(_crawl(replica, db).stdout)
    assert again["fetch"]["pages_read"] == 1, again["fetch"]


def test_stale_landing_temp_file_is_cleaned(tmp_path):
    """A temp file left by a writer killed mid-batch (or a full disk) is removed by
    the next load; a fresh one of a live writer is left alone."""
    import os
    import time

    from ingest.config import Settings
    from ingest.landing import Landing
    from portal_ingest import pipeline

    landing = Landing(tmp_path / "landing")
    landing.tmp.mkdir(parents=True)
    old = landing.tmp / "20200101T000000000000-deadbeef.jsonl.gz"
    old.write_bytes(b"half a batch")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    live = landing.tmp / "20200101T000000000001-cafe.jsonl.gz.x.1.tmp"
    live.write_bytes(b"being written")
    pipeline.load_pending(Settings(duckdb_path=tmp_path / "portal.duckdb"))
    assert not old.exists()
    assert live.exists()
