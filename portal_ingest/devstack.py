"""`make run`: the offline replica plus `airflow standalone` with our DAGs.

Everything lives under the project folder: Airflow's SQLite metadata and logs in
`.airflow/` (git-ignored), the warehouse in `data/`. The login is generated once
and kept in `.airflow/passwords.json`, so it survives restarts. Ctrl-C stops
every process this started (each runs in its own process group, which is
killed as a whole).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AIRFLOW_HOME = ROOT / ".airflow"
UI_URL = "http://localhost:8080"
REPLICA_PORT = 8765
USER = "admin"


def _login() -> tuple[str, Path]:
    """The fixed local login: SimpleAuthManager's passwords file, made once."""
    AIRFLOW_HOME.mkdir(parents=True, exist_ok=True)
    path = AIRFLOW_HOME / "passwords.json"
    if path.exists():
        passwords = json.loads(path.read_text())
    else:
        passwords = {USER: secrets.token_urlsafe(12)}
        path.write_text(json.dumps(passwords))
        path.chmod(0o600)
    return passwords[USER], path


def _environment(passwords_file: Path) -> dict[str, str]:
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env.update(
        {
            "AIRFLOW_HOME": str(AIRFLOW_HOME),
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USER}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords_file),
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
            "AIRFLOW__API__PORT": "8080",
        }
    )
    env.setdefault("PORTAL_DUCKDB", str(ROOT / "data" / "portal.duckdb"))
    # Relative paths would resolve against each task's working directory.
    env["PORTAL_DUCKDB"] = str(Path(env["PORTAL_DUCKDB"]).resolve())
    return env


def _start(cmd: list[str], env: dict, log: Path) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    out = open(log, "ab")
    return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + 25
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    for p in procs:  # whatever is left of each group, children included
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


def _wait_http(url: str, seconds: float, procs: list[subprocess.Popen]) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(1)
    return False


def main() -> int:
    password, passwords_file = _login()
    env = _environment(passwords_file)
    logs = AIRFLOW_HOME / "logs"
    procs: list[subprocess.Popen] = []

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    # Explicitly: a shell starting us in the background may have left SIGINT ignored.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        if not os.environ.get("PORTAL_BASE_URL"):
            env["PORTAL_BASE_URL"] = f"http://127.0.0.1:{REPLICA_PORT}"
            # Our own replica on loopback may be crawled fast (the real portal keeps 1 rps).
            env.setdefault("PORTAL_MAX_RPS", "0")
            print(f"starting the offline portal replica on {env['PORTAL_BASE_URL']} (log .airflow/logs/replica.log)")
            # --live: a new letter every few minutes, so scheduled runs have real work.
            procs.append(
                _start(
                    [sys.executable, "-m", "portal_replica", "--port", str(REPLICA_PORT), "--live", "300"],
                    env,
                    logs / "replica.log",
                )
            )
            if not _wait_http(env["PORTAL_BASE_URL"] + "/robots.txt", 30, procs):
                print("error: the replica did not start; see .airflow/logs/replica.log", file=sys.stderr)
                return 1
        else:
            print(f"portal: {env['PORTAL_BASE_URL']}")
        print("preparing Airflow metadata (.airflow/airflow.db), pools and connections")
        subprocess.run(["airflow", "db", "migrate"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        # --overwrite: this start's environment decides (a variable left from a run
        # against the replica must not lift the rate limit for the real portal).
        subprocess.run(
            [sys.executable, "-m", "portal_ingest.airflow_setup", "--overwrite"], env=env, cwd=ROOT, check=True
        )
        print("starting airflow standalone (log .airflow/logs/standalone.log)")
        procs.append(_start(["airflow", "standalone"], env, logs / "standalone.log"))
        if not _wait_http(UI_URL + "/api/v2/monitor/health", 180, procs):
            print("error: Airflow did not come up; see .airflow/logs/standalone.log", file=sys.stderr)
            return 1
        print(
            "\n"
            f"  Airflow UI   {UI_URL}\n"
            f"  login        {USER} / {password}\n"
            f"  portal       {env['PORTAL_BASE_URL']}\n"
            f"  warehouse    {env['PORTAL_DUCKDB']} (analysts: the .snapshot.duckdb beside it)\n"
            f"  try          .venv/bin/portal-ingest sql \"SELECT doc_type, count(*) AS n FROM articles GROUP BY 1 ORDER BY 2 DESC\"\n"
            "\n  Ctrl-C stops everything.\n",
            flush=True,
        )
        while all(p.poll() is None for p in procs):
            time.sleep(1)
        print("error: a process exited; see .airflow/logs/", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping ...", flush=True)
        return 0
    finally:
        _stop(procs)


if __name__ == "__main__":
    sys.exit(main())
