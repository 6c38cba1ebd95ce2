"""Fixtures for the Airflow tests: one migrated Airflow metadata DB per session, copied
into each test's own AIRFLOW_HOME (a fresh DB for free), and `airflow dags test` runs
as subprocesses against a replica on a free port and a fresh DuckDB file."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
AIRFLOW = str(BIN / "airflow")
DAGS = ROOT / "dags"


def airflow_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW__", "PORTAL_", "AIRFLOW_CONN_", "AIRFLOW_VAR_"))}
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def airflow_db_template(tmp_path_factory) -> Path:
    """`airflow db migrate` once per session (~5-10 s); tests copy the file."""
    home = tmp_path_factory.mktemp("airflow_template")
    proc = subprocess.run(
        [AIRFLOW, "db", "migrate"], env=airflow_env(home), capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return home / "airflow.db"


@dataclass
class AirflowHome:
    home: Path
    duckdb: Path
    base_url: str
    # The replica's corpus ends months ago and its parser coverage is not under test
    # here: the checks' thresholds are relaxed unless a test sets its own.
    extra_env: dict = field(
        default_factory=lambda: {"PORTAL_QC_MAX_DAYS_WITHOUT_NEW": "100000", "PORTAL_QC_MAX_MISSING_SHARE": "1"}
    )

    @property
    def env(self) -> dict[str, str]:
        return airflow_env(
            self.home,
            PORTAL_BASE_URL=self.base_url,
            PORTAL_DUCKDB=str(self.duckdb),
            PORTAL_MAX_RPS="0",
            PORTAL_CONCURRENCY="4",
            **self.extra_env,
        )

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(
            [AIRFLOW, *args], env=self.env, capture_output=True, text=True, timeout=timeout, cwd=self.home
        )

    def dags_test(self, dag_id: str, conf: dict | None = None, *, check: bool = True) -> subprocess.CompletedProcess:
        args = ["dags", "test", dag_id]
        if conf is not None:
            args += ["-c", json.dumps(conf)]
        proc = self.run(*args)
        if check:
            assert proc.returncode == 0, f"{dag_id} failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}"
        return proc

    def db(self, sql: str, *params) -> list[tuple]:
        con = sqlite3.connect(self.home / "airflow.db")
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def asset_events(self, uri: str) -> list[dict]:
        rows = self.db(
            "SELECT e.extra, e.source_dag_id, e.source_run_id FROM asset_event e JOIN asset a ON a.id = e.asset_id "
            "WHERE a.uri = ? ORDER BY e.id",
            uri,
        )
        return [{"extra": json.loads(r[0] or "{}"), "dag_id": r[1], "run_id": r[2]} for r in rows]

    def task_states(self, dag_id: str) -> dict[str, list[str]]:
        """task_id -> states of its instances in the latest run of ``dag_id``."""
        rows = self.db(
            "SELECT task_id, state FROM task_instance WHERE dag_id = ? AND run_id = "
            "(SELECT run_id FROM dag_run WHERE dag_id = ? ORDER BY id DESC LIMIT 1) ORDER BY task_id, map_index",
            dag_id,
            dag_id,
        )
        out: dict[str, list[str]] = {}
        for task_id, state in rows:
            out.setdefault(task_id, []).append(state)
        return out


@pytest.fixture
def make_airflow_home(tmp_path, airflow_db_template):
    def make(base_url: str, name: str = "af") -> AirflowHome:
        home = tmp_path / name
        home.mkdir()
        shutil.copy(airflow_db_template, home / "airflow.db")
        return AirflowHome(home=home, duckdb=tmp_path / f"{name}-wh" / "portal.duckdb", base_url=base_url)

    return make


# -- the replica -------------------------------------------------------------------------
@pytest.fixture
def replica_factory(tmp_path):
    """start(**options) -> a running replica on a free port (`support.replica`), stopped
    after the test. Options are the replica's CLI options (articles, seed, layout, ...)."""
    import contextlib

    from support.replica import start_replica

    with contextlib.ExitStack() as stack:
        yield lambda **options: stack.enter_context(start_replica(tmp_path, **options))
