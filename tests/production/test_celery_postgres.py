"""The production configuration, proven without Docker (issue 8).

docker-compose.yaml runs Airflow on PostgreSQL with the CeleryExecutor and Redis, and
separate api-server, scheduler, dag-processor, triggerer and Celery worker processes.
This test runs that same configuration on this machine's PostgreSQL and Redis: a fresh
database it creates and drops, a Redis database of its own that it flushes at the end,
each Airflow component a subprocess in its own process group. It triggers
`portal_latest_news` against the offline replica and waits until `portal_warehouse_load`
has loaded the articles into the DuckDB warehouse, then stops everything it started.

PostgreSQL and Redis must be running (`.ci/run` starts them); the test fails with a
clear message when they are not. Override where they are with PORTAL_TEST_PG (a libpq
URL of a superuser, default postgresql://postgres@127.0.0.1:5432/postgres) and
PORTAL_TEST_REDIS (default redis://127.0.0.1:6379).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"
PRODUCER = "portal_latest_news"
CONSUMER = "portal_warehouse_load"
PG_URL = os.environ.get("PORTAL_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS", "redis://127.0.0.1:6379")
# Redis databases this test may claim (one per run, so parallel runs never share a broker).
REDIS_DBS = range(5, 16)
REDIS_CLAIM_KEY = "portal_ingest_test:claimed"
REPLICA_ARTICLES = 40
# Bounded waits (seconds); this machine is small and shared. Each check is one HTTP
# request, a log read or a PostgreSQL query: polled every 0.5 s, a step is seen done
# within half a second instead of 2-3 s later.
START_TIMEOUT = 240
PIPELINE_TIMEOUT = 360
QUIESCE_TIMEOUT = 120


# --------------------------------------------------------------------------- services


def _pg_connect(dbname: str | None = None):
    import psycopg2

    url = PG_URL
    if dbname:
        parts = urlsplit(PG_URL)
        url = urlunsplit(parts._replace(path="/" + dbname))
    conn = psycopg2.connect(url, connect_timeout=5)
    conn.autocommit = True
    return conn


def _sqlalchemy_url(dbname: str, driver: str) -> str:
    parts = urlsplit(PG_URL)
    return urlunsplit(parts._replace(scheme=driver, path="/" + dbname))


@pytest.fixture
def postgres_db():
    """A fresh, empty PostgreSQL database, dropped at the end."""
    try:
        conn = _pg_connect()
    except Exception as exc:  # psycopg2.OperationalError and friends
        error = " ".join(str(exc).split())
    else:
        error = None
    if error:
        pytest.fail(
            f"PostgreSQL is not reachable at {PG_URL} ({error}). This test needs a running "
            "PostgreSQL server; `.ci/run` starts one (or set PORTAL_TEST_PG to a superuser URL).",
            pytrace=False,
        )
    name = f"portal_ingest_test_{secrets.token_hex(4)}"
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with conn.cursor() as cur:
            # FORCE (PostgreSQL 13+) ends any connection a stray process still holds.
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


@pytest.fixture
def redis_db():
    """The URL of an otherwise unused Redis database, flushed at the end."""
    import redis

    claimed, error = None, None
    try:
        for db in REDIS_DBS:
            client = redis.Redis.from_url(REDIS_URL, db=db, socket_connect_timeout=5)
            client.ping()
            # Claim atomically; a database that holds anything else is left alone.
            if client.set(REDIS_CLAIM_KEY, str(os.getpid()), nx=True, ex=6 * 3600):
                if client.dbsize() == 1:
                    claimed = (db, client)
                    break
                client.delete(REDIS_CLAIM_KEY)
            client.close()
    except redis.exceptions.ConnectionError as exc:
        error = str(exc)
    if error:
        pytest.fail(
            f"Redis is not reachable at {REDIS_URL} ({error}). This test needs a running "
            "Redis server; `.ci/run` starts one (or set PORTAL_TEST_REDIS).",
            pytrace=False,
        )
    if claimed is None:
        pytest.fail(f"no free Redis database among {list(REDIS_DBS)} at {REDIS_URL} "
                    "(each holds keys; `redis-cli -n N flushdb` frees database N)", pytrace=False)
    db, client = claimed
    try:
        yield f"{REDIS_URL.rstrip('/')}/{db}"
    finally:
        client.flushdb()
        client.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- processes


class Stack:
    """Subprocesses in their own process groups, with their output in log files."""

    def __init__(self, root: Path, env: dict[str, str]):
        self.root = root
        self.env = env
        self.logs = root / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.procs: dict[str, tuple[subprocess.Popen, Path]] = {}

    def run(self, name: str, *cmd: str, timeout: float = 300) -> str:
        log = self.logs / f"{name}.log"
        with log.open("w") as out:
            proc = subprocess.run(
                cmd, env=self.env, cwd=self.root, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, timeout=timeout, start_new_session=True,
            )
        text = log.read_text(errors="replace")
        if proc.returncode != 0:
            pytest.fail(f"`{' '.join(cmd)}` exited {proc.returncode}:\n{_tail(text)}")
        return text

    def start(self, name: str, *cmd: str) -> None:
        log = self.logs / f"{name}.log"
        out = log.open("w")
        proc = subprocess.Popen(
            cmd, env=self.env, cwd=self.root, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        out.close()
        self.procs[name] = (proc, log)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def check_alive(self) -> None:
        for name, (proc, log) in self.procs.items():
            if proc.poll() is not None:
                pytest.fail(
                    f"{name} exited early with code {proc.returncode}:\n"
                    f"{_tail(log.read_text(errors='replace'))}"
                )

    def diagnostics(self) -> str:
        parts = []
        for name in self.procs:
            parts.append(f"--- {name} (last lines)\n{_tail(self.log(name), 25)}")
        task_logs = sorted((self.root / "airflow" / "logs").glob("dag_id=*/**/*.log"),
                           key=lambda p: p.stat().st_mtime)
        for task_log in task_logs[-4:]:
            rel = task_log.relative_to(self.root / "airflow" / "logs")
            parts.append(f"--- task log {rel}\n{_tail(task_log.read_text(errors='replace'), 15)}")
        return "\n".join(parts)

    def stop(self) -> list[str]:
        """SIGTERM every process group, then SIGKILL what is left; return leftovers."""
        for proc, _ in self.procs.values():
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for proc, _ in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        for proc, _ in self.procs.values():
            _signal_group(proc, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
        # A process group outlives its leader when children linger; kill those too.
        leftovers = []
        for name, (proc, _) in self.procs.items():
            deadline = time.monotonic() + 15
            while _group_members(proc.pid) and time.monotonic() < deadline:
                _signal_group(proc, signal.SIGKILL)
                time.sleep(0.5)
            if members := _group_members(proc.pid):
                leftovers.append(f"{name}: {members}")
        return leftovers


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def _group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group, from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # After "(comm)": state, ppid, pgrp, ...
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(stat.parent.name))
    return members


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _wait(what: str, check, timeout: float, stack: Stack, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stack.check_alive()
        result = check()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{stack.diagnostics()}")


# --------------------------------------------------------------------------- replica


def _start_replica(tmp: Path):
    """The offline portal (tests/support/replica.py), on a free port."""
    if str(REPO / "tests") not in sys.path:
        sys.path.insert(0, str(REPO / "tests"))
    from support.replica import start_replica

    return start_replica(tmp, articles=REPLICA_ARTICLES)


# --------------------------------------------------------------------------- the stack


def airflow_env(tmp: Path, db: str, broker: str, dags: Path, api_port: int,
                extra: dict[str, str]) -> dict[str, str]:
    """The docker-compose.yaml configuration, pointed at local services."""
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AIRFLOW", "PORTAL_", "_AIRFLOW"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    queue = f"portal_test_{secrets.token_hex(3)}"
    env.update({
        "AIRFLOW_HOME": str(tmp / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": _sqlalchemy_url(db, "postgresql+psycopg2"),
        "AIRFLOW__CELERY__BROKER_URL": broker,
        "AIRFLOW__CELERY__RESULT_BACKEND": _sqlalchemy_url(db, "db+postgresql"),
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE": queue,
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(64),
        "AIRFLOW__API__SECRET_KEY": secrets.token_hex(16),
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{api_port}",
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "True",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(_free_port()),
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(_free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(_free_port()),
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",
        "AIRFLOW__TRIGGERER__CAPACITY": "50",
        # Two shared cores: the execution API may answer slowly while everything starts.
        "AIRFLOW__WORKERS__EXECUTION_API_TIMEOUT": "30",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


def _dag_runs(db: str) -> list[tuple[str, str, str]]:
    with contextlib.closing(_pg_connect(db)) as conn, conn.cursor() as cur:
        cur.execute("SELECT dag_id, run_id, state FROM dag_run ORDER BY id")
        return cur.fetchall()


def _failed_tasks(db: str) -> list[tuple[str, str, str]]:
    with contextlib.closing(_pg_connect(db)) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT dag_id, task_id, state FROM task_instance "
            "WHERE state IN ('failed', 'upstream_failed')"
        )
        return cur.fetchall()


def _serialized(db: str, dag_ids: tuple[str, ...]) -> bool:
    with contextlib.closing(_pg_connect(db)) as conn, conn.cursor() as cur:
        cur.execute("SELECT DISTINCT dag_id FROM serialized_dag WHERE dag_id = ANY(%s)",
                    (list(dag_ids),))
        return len(cur.fetchall()) == len(dag_ids)


def run_production_stack(tmp: Path, db: str, broker: str, *, dags: Path,
                         setup: list[list[str]], extra_env: dict[str, str],
                         trigger_conf: dict | None = None, workers: int = 1) -> dict:
    """Migrate, set up, start every component, trigger the producer, wait for the consumer.

    Returns timings; raises (pytest.fail) with the components' logs on any failure.
    Everything started here is stopped before it returns.
    """
    api_port = _free_port()
    env = airflow_env(tmp, db, broker, dags, api_port, extra_env)
    stack = Stack(tmp, env)
    af = [sys.executable, "-m", "airflow"]
    timings: dict[str, float] = {}
    t0 = time.monotonic()
    try:
        stack.run("db-migrate", *af, "db", "migrate", timeout=300)
        timings["migrate"] = time.monotonic() - t0
        for i, cmd in enumerate(setup):
            stack.run(f"setup-{i}", *cmd, timeout=180)
        timings["setup"] = time.monotonic() - t0

        # The health checks of docker-compose.yaml. A task calls the execution API as it
        # starts, so the scheduler (nothing is queued before it runs) waits for the
        # api-server to be healthy; the others start meanwhile.
        stack.start("api-server", *af, "api-server", "--host", "127.0.0.1",
                    "--port", str(api_port), "--workers", "1")
        stack.start("dag-processor", *af, "dag-processor")
        stack.start("triggerer", *af, "triggerer")
        worker_names = ["celery-worker"] + [f"celery-worker-{n}" for n in range(2, workers + 1)]
        for name in worker_names:
            stack.start(name, *af, "celery", "worker", "--concurrency", "2",
                        "--queues", env["AIRFLOW__OPERATORS__DEFAULT_QUEUE"],
                        "--celery-hostname", f"{name}-{os.getpid()}@%h",
                        "--without-mingle", "--without-gossip")
        _wait("the api-server's /api/v2/monitor/health",
              lambda: _http_ok(f"http://127.0.0.1:{api_port}/api/v2/monitor/health"),
              START_TIMEOUT, stack)
        stack.start("scheduler", *af, "scheduler")
        health_port = env["AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT"]
        _wait("the scheduler's /health",
              lambda: _http_ok(f"http://127.0.0.1:{health_port}/health"), START_TIMEOUT, stack)
        _wait("the Celery workers to be ready",
              lambda: all(" ready." in stack.log(name) for name in worker_names), START_TIMEOUT, stack)
        _wait(f"the dag-processor to serialize {PRODUCER} and {CONSUMER}",
              lambda: _serialized(db, (PRODUCER, CONSUMER)), START_TIMEOUT, stack)
        timings["started"] = time.monotonic() - t0

        trigger = [*af, "dags", "trigger", PRODUCER]
        if trigger_conf:
            trigger += ["--conf", json.dumps(trigger_conf)]
        stack.run("trigger", *trigger, timeout=180)
        t_trigger = time.monotonic()

        def consumer_done():
            failed = _failed_tasks(db)
            if failed:
                pytest.fail(f"task instances failed: {failed}\n{stack.diagnostics()}")
            runs = _dag_runs(db)
            if any(d == CONSUMER and s == "failed" for d, _, s in runs):
                pytest.fail(f"{CONSUMER} failed: {runs}\n{stack.diagnostics()}")
            return [r for r in runs if r[0] == CONSUMER and r[2] == "success"]

        _wait(f"{CONSUMER} to succeed after {PRODUCER}", consumer_done,
              PIPELINE_TIMEOUT, stack)
        timings["pipeline"] = time.monotonic() - t_trigger
        # The schedule and the AssetWatcher may have started more runs meanwhile; let them
        # finish so nothing is stopped halfway (bounded: they are not what is tested).
        deadline = time.monotonic() + QUIESCE_TIMEOUT
        while time.monotonic() < deadline and any(
            s in ("queued", "running") for _, _, s in _dag_runs(db)
        ):
            stack.check_alive()
            time.sleep(0.5)
        runs = _dag_runs(db)
        return {"timings": timings, "runs": runs, "logs": stack.logs}
    finally:
        leftovers = stack.stop()
        timings["total"] = time.monotonic() - t0
        if leftovers:
            message = f"processes still running after stop: {leftovers}"
            if sys.exc_info()[0] is None:
                pytest.fail(message)
            print(message, file=sys.stderr)  # do not hide the failure in flight


# --------------------------------------------------------------------------- the test


def _article_ids(settings, table: str) -> list[str]:
    from warehouse import db

    con = db.connect(settings, read_only=True)
    try:
        return sorted(str(r[0]) for r in con.execute(f"SELECT article_id FROM {table}").fetchall())
    finally:
        con.close()


def test_celery_on_postgres_loads_the_replica_into_a_lake(tmp_path, postgres_db, redis_db):
    """The production layout on the lake: the catalog a second database of the same
    PostgreSQL (created by the init step, as in compose), two Celery workers sharing
    the data path, the writer pool with several slots."""
    from support.lake import drop_database, lake_spec

    from ingest.config import Settings

    if not any(DAGS.glob("*.py")):
        pytest.fail(f"no DAG files in {DAGS}")
    data = tmp_path / "data"
    data.mkdir()
    catalog = f"portal_lake_test_{os.getpid()}_celery"
    drop_database(catalog)
    lake = Settings(duckdb_path=Path(lake_spec(catalog)), lake_data_path=data / "lake")
    try:
        with _start_replica(tmp_path) as replica:
            base_url = replica.base_url.rstrip("/")
            # One article published today, as on the live portal: the replica's generated
            # corpus is older than the warehouse's freshness check allows.
            replica.control("publish", n=1)
            truth = {str(a["article_id"]) for a in replica.truth()}
            result = run_production_stack(
                tmp_path, postgres_db, redis_db, dags=DAGS, workers=2,
                setup=[[sys.executable, "-m", "portal_ingest.lake_setup"],
                       [sys.executable, "-m", "portal_ingest.airflow_setup"]],
                extra_env={
                    "PORTAL_BASE_URL": base_url,
                    "PORTAL_DUCKDB": str(lake.duckdb_path),
                    "PORTAL_LAKE_DATA_PATH": str(lake.lake_data_path),
                    "PORTAL_LANDING": str(data / "landing"),
                    "PORTAL_MAX_RPS": "0",
                },
            )
        print("timings (s):", {k: round(v, 1) for k, v in result["timings"].items()})
        producer_runs = [r for r in result["runs"] if r[0] == PRODUCER]
        assert any(s == "success" for _, _, s in producer_runs), result["runs"]
        with contextlib.closing(_pg_connect(postgres_db)) as pg, pg.cursor() as cur:
            cur.execute("SELECT slots FROM slot_pool WHERE pool = 'duckdb_writer'")
            assert cur.fetchall() == [(4,)], "the writer pool has several slots on a lake"

        loaded = _article_ids(lake, "articles")
        quarantined = set(_article_ids(lake, "quarantine"))
        assert loaded, "the lake has no articles"
        assert len(loaded) == len(set(loaded)), "an article is stored twice"
        assert set(loaded) | quarantined == truth, (
            f"missing {sorted(truth - set(loaded) - quarantined)}, unexpected {sorted(set(loaded) - truth)}"
        )
        assert len(quarantined) <= len(truth) // 10, f"too many pages quarantined: {quarantined}"
        assert not list(data.glob("*.snapshot.duckdb")), "a lake publishes no copy"
        assert any((data / "landing" / "loaded").iterdir()), "no batch was moved to landing/loaded"
    finally:
        from warehouse.db import forget_lake

        forget_lake(str(lake.duckdb_path))
        drop_database(catalog)
