"""DuckDB 2.0 traps (see /work/shared/notes/duckdb-2.0.md), each pinned by a test."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from wh_dump import ALL_TABLES, counts, dump
from wh_fakes import T0, article_page, write_batch

from ingest.landing import Landing
from warehouse import db
from warehouse.errors import DuplicateKeysInBatch, TransactionAborted, WarehouseLocked
from warehouse.load import load_pending

WAREHOUSE_SRC = Path(db.__file__).parent
HERE = Path(__file__).parent


def test_swallowed_failure_inside_transaction_is_rolled_back_not_committed(settings):
    con = db.connect(settings)
    with pytest.raises(TransactionAborted, match="rolled back"):
        with db.transaction(con):
            con.execute("INSERT INTO runs (run_id, kind, started_at, status) VALUES ('a', 'x', now(), 'ok')")
            # A lake has no key to violate: a bad value fails the statement there instead.
            failing = ("INSERT INTO runs (run_id, kind, started_at, status) VALUES ('a', 'x', now(), 'ok')"
                       if not settings.is_lake else
                       "INSERT INTO runs (run_id, kind, started_at, status) VALUES ('c', 'x', 'no time'::TIMESTAMPTZ, 'ok')")
            try:
                con.execute(failing)
            except (duckdb.ConstraintException, duckdb.ConversionException):
                pass  # the trap: a plain COMMIT now would "succeed" and drop everything silently
    assert con.execute("SELECT count(*) FROM runs").fetchall() == [(0,)]
    with db.transaction(con):  # the connection is usable again
        con.execute("INSERT INTO runs (run_id, kind, started_at, status) VALUES ('b', 'x', now(), 'ok')")
    assert con.execute("SELECT run_id FROM runs").fetchall() == [("b",)]
    con.close()


def test_exception_inside_transaction_rolls_back(settings):
    con = db.connect(settings)
    with pytest.raises(RuntimeError):
        with db.transaction(con):
            con.execute("INSERT INTO runs (run_id, kind, started_at, status) VALUES ('a', 'x', now(), 'ok')")
            raise RuntimeError("boom")
    assert con.execute("SELECT count(*) FROM runs").fetchall() == [(0,)]
    con.close()


def test_duplicate_keys_in_an_upsert_batch_are_refused(settings):
    con = db.connect(settings)
    db.stage(con, "s_dupes", [("article_id", "VARCHAR"), ("v", "INTEGER")], [("1", 1), ("1", 2), ("2", 3)])
    with pytest.raises(DuplicateKeysInBatch, match=r"s_dupes: .*\('1',\)"):
        db.assert_unique(con, "s_dupes", ["article_id"])
    db.assert_unique(con, "s_dupes", ["article_id", "v"])  # unique on the full key: fine
    con.close()


def test_warehouse_code_never_uses_fetchone():
    offenders = [p.name for p in WAREHOUSE_SRC.glob("*.py") if re.search(r"\.fetchone\(", p.read_text())]
    assert offenders == []


def test_rows_reads_results_completely_so_the_connection_stays_free(settings):
    con = db.connect(settings)
    assert len(db.rows(con, "SELECT * FROM range(100000)")) == 100000
    assert db.scalar(con, "SELECT 42") == 42
    con.close()


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {here!r})
    from ingest.config import Settings
    from wh_fakes import FakeParser
    import warehouse.apply as apply
    real = apply.write_listings
    def die_mid_batch(con, *a, **kw):
        # raw_pages, articles, versions, directives are written: die before COMMIT
        assert con.execute("SELECT count(*) FROM articles").fetchall()[0][0] > {before}
        print("killing", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    apply.write_listings = die_mid_batch
    from warehouse.load import load_pending
    from pathlib import Path
    load_pending(Settings(duckdb_path=Path({path!r})), parser=FakeParser())
    """
)


@pytest.mark.file_only
def test_sigkill_mid_load_leaves_the_file_as_before_the_batch(settings, parser):
    write_batch(settings, [article_page("1", T0)])
    load_pending(settings, parser=parser)
    con = db.connect(settings)
    before_counts, before = counts(con), dump(con, ALL_TABLES)
    con.close()

    write_batch(settings, [article_page(str(i), T0) for i in range(2, 40)], run_id="run-2")
    script = KILLER.format(here=str(HERE), path=str(settings.duckdb_path), before=1)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=Path(db.__file__).parents[1])
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "killing" in proc.stdout

    con = db.connect(settings)
    assert counts(con) == before_counts and dump(con, ALL_TABLES) == before
    con.close()
    assert len(list(Landing(settings.landing).pending.glob("*.jsonl.gz"))) == 1  # still waiting
    summary = load_pending(settings, parser=parser)
    assert summary.new_articles == 38


HOLDER = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); time.sleep(float(sys.argv[2]))"


def _hold_lock(path: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


@pytest.mark.file_only
def test_writer_lock_gives_up_with_a_one_line_message_naming_the_pid(settings):
    db.connect(settings).close()
    holder = _hold_lock(settings.duckdb_path, 30)
    try:
        started = time.monotonic()
        with pytest.raises(WarehouseLocked) as info:
            db.connect(settings, lock_timeout_s=0.6)
        assert 0.5 <= time.monotonic() - started < 5
        message = str(info.value)
        assert "\n" not in message and str(settings.duckdb_path) in message
        assert f"PID {holder.pid}" in message and "gave up after 0.6s" in message
    finally:
        os.kill(holder.pid, signal.SIGTERM)
        holder.wait()


@pytest.mark.file_only
def test_writer_waits_for_the_lock_to_be_released(settings):
    db.connect(settings).close()
    holder = _hold_lock(settings.duckdb_path, 1.0)
    try:
        con = db.connect(settings, lock_timeout_s=20)
        con.close()
    finally:
        holder.wait()
