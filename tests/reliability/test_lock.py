"""DuckDB lock contention: an analyst holding the live file open makes the
loader wait (a bounded time) and then fail with one clear line, losing and
corrupting nothing; analysts on the published snapshot never block it, and
keep a working session across a load."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .helpers import ROOT, cli_cmd, one_line_error, query, require, run, start_replica, step_cmd

LOCK_WAIT = 3.0  # the loader's lock timeout in these tests (default 30 s)


@pytest.fixture
def loaded(tmp_path):
    """A warehouse with 21 articles, 5 more published on the replica."""
    require("portal_ingest.pipeline", "crawl")
    replica = start_replica(tmp_path, "--articles", "20", "--seed", "6")
    db = tmp_path / "portal.duckdb"
    base = ["--base-url", replica.base_url, "--duckdb", str(db), "--max-rps", "0"]
    try:
        result = run(cli_cmd({}, *base, "crawl"))
        assert result.returncode == 0, result.stderr[-2000:]
        assert query(db, "SELECT count(*) FROM articles")[0][0] == 21
        replica.control("publish", n=5)
        yield replica, db, base
    finally:
        replica.stop()


def _holder(path: Path, mode: str) -> subprocess.Popen:
    """An analyst's process with `path` open (rw or ro) and a query result in hand."""
    code = (
        "import duckdb, sys, time\n"
        "con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro')\n"
        "print(con.execute('SELECT count(*) FROM articles').fetchall()[0][0], flush=True)\n"
        "sys.stdin.readline()\n"  # wait for the test
        "print(con.execute('SELECT count(*) FROM articles').fetchall()[0][0], flush=True)\n"
        "sys.stdin.readline()\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(path), mode], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, cwd=ROOT, start_new_session=True)
    first = proc.stdout.readline().strip()
    assert first.isdigit(), f"analyst could not open {path.name}"
    return proc


def _release(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("mode", ["rw", "ro"])
def test_loader_waits_then_fails_clearly_while_live_file_is_held(loaded, tmp_path, mode):
    replica, db, base = loaded
    analyst = _holder(db, mode)
    try:
        live_sha = _sha(db)
        started = time.monotonic()
        result = run(cli_cmd({"lock_timeout_s": LOCK_WAIT}, *base, "crawl"), timeout=120)
        waited = time.monotonic() - started
        line = one_line_error(result)
        assert "lock" in line.lower(), line
        assert str(analyst.pid) in line, f"the message does not name the process holding the lock: {line}"
        assert waited >= LOCK_WAIT, f"gave up after {waited:.1f}s, before the {LOCK_WAIT}s wait"
        assert waited < LOCK_WAIT + 60
        assert _sha(db) == live_sha, "the live file changed while another process held it"
        pending = list((tmp_path / "landing" / "pending").glob("*.jsonl.gz"))
        assert pending, "the fetched pages were dropped when the load failed"
    finally:
        _release(analyst)
    # Nothing lost, nothing corrupt: the next load takes the pending pages.
    result = run(step_cmd("load_pending", {"duckdb_path": str(db)}))
    assert result.returncode == 0, result.stderr[-2000:]
    assert query(db, "SELECT count(*) FROM articles")[0][0] == 26


def test_analyst_on_the_snapshot_never_blocks_the_loader(loaded, tmp_path):
    replica, db, base = loaded
    snapshot = tmp_path / "portal.snapshot.duckdb"
    analyst = _holder(snapshot, "ro")
    try:
        started = time.monotonic()
        result = run(cli_cmd({"lock_timeout_s": LOCK_WAIT}, *base, "crawl"), timeout=120)
        elapsed = time.monotonic() - started
        assert result.returncode == 0, result.stderr.decode()[-2000:]
        assert elapsed < 30
        assert query(db, "SELECT count(*) FROM articles")[0][0] == 26
        # the analyst's session still works (on the view it opened)
        analyst.stdin.write(b"\n")
        analyst.stdin.flush()
        again = analyst.stdout.readline().strip()
        assert again == b"21", f"the analyst's open session broke across the load: {again!r}"
    finally:
        _release(analyst)
    # new analysts see the new snapshot
    assert query(snapshot, "SELECT count(*) FROM articles")[0][0] == 26


def test_two_loaders_queue_instead_of_failing(loaded, tmp_path):
    """Two loads at once (a CLI crawl and the DAG, say): the second waits for the first."""
    replica, db, base = loaded
    fetched = run(step_cmd("fetch_latest", {"base_url": replica.base_url, "duckdb_path": str(db), "max_rps": 0}))
    assert fetched.returncode == 0, fetched.stderr[-2000:]
    cmds = [step_cmd("load_pending", {"duckdb_path": str(db), "lock_timeout_s": 60}) for _ in range(2)]
    procs = [subprocess.Popen(c, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in cmds]
    outs = [p.communicate(timeout=180) for p in procs]
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err.decode()[-2000:]
    assert query(db, "SELECT count(*) FROM articles")[0][0] == 26
    assert query(db, "SELECT count(*) FROM article_versions")[0][0] == 26
