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


class LoginFileError(Exception):
    """The passwords file cannot be used; the message says what to do, in one line."""


def write_secret(path: Path, text: str) -> None:
    """Create a file readable by its owner only from the first byte (os.open with
    mode 0600, never write-then-chmod), via a temp file so a crash leaves no half file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _login() -> tuple[str, Path]:
    """The fixed local login: SimpleAuthManager's passwords file, made once."""
    AIRFLOW_HOME.mkdir(parents=True, exist_ok=True)
    path = AIRFLOW_HOME / "passwords.json"
    if not path.exists():
        write_secret(path, json.dumps({USER: secrets.token_urlsafe(12)}))
    try:
        passwords = json.loads(path.read_text(encoding="utf-8"))
        password = passwords[USER]
        if not isinstance(password, str) or not password:
            raise ValueError(f"no password for {USER!r}")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LoginFileError(
            f"{path} is unusable ({type(exc).__name__}: {' '.join(str(exc).split())}); "
            "delete it and a new login is generated"
        ) from None
    return password, path


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
    try:
        password, passwords_file = _login()
    except LoginFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
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
