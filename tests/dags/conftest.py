"""Fixtures for the Airflow tests: one migrated Airflow metadata DB per session, copied
into each test's own AIRFLOW_HOME (a fresh DB for free), and `airflow dags test` runs
as subprocesses against a replica on a free port and a fresh DuckDB file."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from support.airflow_home import AIRFLOW, airflow_env


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


@dataclass
class FirstRuns:
    """`portal_latest_news` then `portal_warehouse_load`, once per session, against a
    30-article replica (seed 3): the start every test of a first crawl and load shares.
    `copy(tmp_path)` gives a test its own Airflow home and warehouse folder in that state
    (the Airflow metadata DB and every file beside the warehouse: snapshot, landing, state)."""

    replica: object
    home: Path
    duckdb: Path
    # The runs' environment extras, the Fernet key among them: Airflow encrypted the
    # asset watcher's trigger kwargs with it, and a copy must read them back.
    extra_env: dict
    # Observed between the two runs: did the fetch alone create the `articles` table?
    articles_table_before_load: bool

    def copy(self, tmp_path: Path, name: str = "af") -> AirflowHome:
        home = tmp_path / name
        home.mkdir()
        shutil.copy(self.home / "airflow.db", home / "airflow.db")
        warehouse = tmp_path / f"{name}-wh"
        shutil.copytree(self.duckdb.parent, warehouse)
        return AirflowHome(home=home, duckdb=warehouse / self.duckdb.name, base_url=self.replica.base_url,
                           extra_env=dict(self.extra_env))


@pytest.fixture(scope="session")
def first_runs(tmp_path_factory, airflow_db_template):
    """Each `airflow dags test` costs 15-25 s on two cores: the first crawl and load is run
    once for the tests that start from it, each of which works on its own copy."""
    import contextlib

    import duckdb
    from cryptography.fernet import Fernet
    from support.replica import start_replica

    root = tmp_path_factory.mktemp("first_runs")
    with contextlib.ExitStack() as stack:
        replica = stack.enter_context(start_replica(root, articles=30, seed=3))
        home = root / "af"
        home.mkdir()
        shutil.copy(airflow_db_template, home / "airflow.db")
        af = AirflowHome(home=home, duckdb=root / "af-wh" / "portal.duckdb", base_url=replica.base_url)
        af.extra_env["AIRFLOW__CORE__FERNET_KEY"] = Fernet.generate_key().decode()
        af.dags_test("portal_latest_news")
        before = False
        if af.duckdb.exists():
            con = duckdb.connect(str(af.duckdb), read_only=True)
            try:
                before = bool(con.execute(
                    "SELECT 1 FROM information_schema.tables WHERE table_name = 'articles'").fetchall())
            finally:
                con.close()
        af.dags_test("portal_warehouse_load")
        yield FirstRuns(replica=replica, home=home, duckdb=af.duckdb, extra_env=af.extra_env,
                        articles_table_before_load=before)


# -- the replica -------------------------------------------------------------------------
@pytest.fixture
def replica_factory(tmp_path):
    """start(**options) -> a running replica on a free port (`support.replica`), stopped
    after the test. Options are the replica's CLI options (articles, seed, layout, ...)."""
    import contextlib

    from support.replica import start_replica

    with contextlib.ExitStack() as stack:
        yield lambda **options: stack.enter_context(start_replica(tmp_path, **options))
