"""The same load executed three times (an Airflow retry after a crash between
COMMIT and retiring the batch, a cleared task, an operator re-running the DAG):
the warehouse is identical after each, table by table, row by row.

Two levels: the steps `portal_warehouse_load`'s tasks call (load_pending without
publishing, check_quality, publish_snapshot), each in its own process; and the
DAG itself through `airflow dags test`, three times over the same landing input.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import ROOT, query, require, run, start_replica, step_cmd, table_dump

# The replica's corpus ends months ago and the parser is not under test here.
QC = {"qc_max_days_without_new": 1e6, "qc_max_missing_share": 1.0}


def _tables(db: Path) -> list[str]:
    return sorted(r[0] for r in query(db, "SELECT table_name FROM information_schema.tables "
                                          "WHERE table_type = 'BASE TABLE'"))


def _landing_input(tmp_path: Path, db: Path) -> tuple[Path, list[Path]]:
    """Fetch once from a replica; keep a copy of the pending batches (the DAG run's input)."""
    replica = start_replica(tmp_path, "--articles", "40", "--seed", "8")
    try:
        fetched = run(step_cmd("fetch_latest", {"base_url": replica.base_url, "duckdb_path": str(db), "max_rps": 0}))
        assert fetched.returncode == 0, fetched.stderr[-2000:]
    finally:
        replica.stop()
    pending = tmp_path / "landing" / "pending"
    saved = tmp_path / "saved-input"
    shutil.copytree(pending, saved)
    batches = sorted(saved.glob("*.jsonl.gz"))
    assert batches
    return pending, batches


def _restore(pending: Path, batches: list[Path]) -> None:
    pending.mkdir(parents=True, exist_ok=True)
    for b in batches:
        shutil.copy2(b, pending / b.name)


def test_load_steps_run_three_times_give_identical_warehouse(tmp_path):
    require("portal_ingest.pipeline", "load_pending")
    db = tmp_path / "portal.duckdb"
    pending, batches = _landing_input(tmp_path, db)
    settings = {"duckdb_path": str(db), **QC}
    dumps, snapshots = [], []
    for attempt in range(3):
        _restore(pending, batches)  # the retry sees the same input again
        for step, kwargs in (("load_pending", {}), ("check_quality", {}), ("publish_snapshot", {})):
            result = run(step_cmd(step, settings, **kwargs))
            assert result.returncode == 0, f"attempt {attempt + 1}, {step}: {result.stderr.decode()[-2000:]}"
        dumps.append(table_dump(db, _tables(db)))
        snapshots.append(table_dump(tmp_path / "portal.snapshot.duckdb", _tables(db)))
        assert not list(pending.glob("*.jsonl.gz")), "batches left pending after a successful load"
    assert sum(len(v) for v in dumps[0].values()) > 0
    assert dumps[0]["articles"], "nothing loaded"
    for table in dumps[0]:
        assert dumps[1][table] == dumps[0][table], f"{table} changed on the 2nd run of the same load"
        assert dumps[2][table] == dumps[0][table], f"{table} changed on the 3rd run of the same load"
        assert snapshots[2][table] == dumps[0][table], f"snapshot's {table} differs from the warehouse"


@pytest.mark.slow
def test_warehouse_load_dag_rerun_gives_identical_warehouse(tmp_path, airflow_db_template):
    pytest.importorskip("airflow")
    require("portal_ingest.pipeline", "load_pending")
    if not (ROOT / "dags" / "portal_warehouse_load.py").exists():
        pytest.skip("portal_warehouse_load not written yet")
    db = tmp_path / "portal.duckdb"
    pending, batches = _landing_input(tmp_path, db)
    home = tmp_path / "airflow"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW__", "PORTAL_", "AIRFLOW_CONN_", "AIRFLOW_VAR_"))}
    env.update({
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "PYTHONPATH": str(ROOT),
        "PORTAL_DUCKDB": str(db),
        "PORTAL_BASE_URL": "http://127.0.0.1:9",
        "PORTAL_QC_MAX_DAYS_WITHOUT_NEW": "1000000",
        "PORTAL_QC_MAX_MISSING_SHARE": "1",
    })
    airflow = str(Path(sys.executable).parent / "airflow")
    shutil.copy(airflow_db_template, home / "airflow.db")  # `airflow db migrate`, done once per session
    # 1st run: the task steps (as a first attempt); 2nd: the whole DAG through Airflow.
    _restore(pending, batches)
    settings = {"duckdb_path": str(db), **QC}
    for step, kwargs in (("load_pending", {}), ("check_quality", {}), ("publish_snapshot", {})):
        result = run(step_cmd(step, settings, **kwargs))
        assert result.returncode == 0, result.stderr.decode()[-2000:]
    first = table_dump(db, _tables(db))
    assert first["articles"]
    _restore(pending, batches)
    proc = subprocess.run([airflow, "dags", "test", "portal_warehouse_load"], env=env, capture_output=True,
                          text=True, timeout=300, cwd=home)
    assert proc.returncode == 0, f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    again = table_dump(db, _tables(db))
    for table in first:
        assert again[table] == first[table], f"{table} changed when the DAG ran the same load again"
    assert not list(pending.glob("*.jsonl.gz"))
