"""Start the offline portal replica as a subprocess and talk to it, for any test.

    from support.replica import start_replica   # tests/ is on sys.path under pytest

    with start_replica(tmp_path, articles=300, seed=7, fail_rate=0.2) as replica:
        status, headers, body = replica.get("/en-us/Pages/news.aspx?Page=1")
        replica.control("publish", n=3)
        replica.stats()["total"]

Options are the replica's command-line options with underscores (`fail_rate=0.2` is
`--fail-rate 0.2`; `True` adds a bare flag; `None`/`False` leave it out). The port is
always 0 (a free one, read back from the "replica serving ..." line).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
_SERVING = re.compile(r"replica serving (http://[^/\s]+)/")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


class Replica:
    """A running replica. Use as a context manager, or call stop() yourself."""

    def __init__(self, proc: subprocess.Popen, base_url: str, log_path: Path):
        self.proc = proc
        self.base_url = base_url
        self.port = int(base_url.rsplit(":", 1)[1])
        self.log_path = log_path

    # -- HTTP -------------------------------------------------------------------
    def get(self, path: str, headers: dict | None = None, timeout: float = 30) -> tuple[int, dict, bytes]:
        """GET a path (or absolute URL) without following redirects: (status, headers, body)."""
        url = path if path.startswith("http") else self.base_url + path
        request = urllib.request.Request(url, headers=headers or {})
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def control(self, action: str, **params) -> dict | str:
        """`/__replica__/<action>?k=v` (publish, edit, withdraw, layout, stats, truth)."""
        query = f"?{urlencode(params)}" if params else ""
        status, headers, body = self.get(f"/__replica__/{action}{query}")
        if status != 200:
            raise AssertionError(f"replica control {action} answered {status}: {body[:300]!r}")
        if headers.get("Content-Type", "").startswith("application/json"):
            return json.loads(body)
        return body.decode("utf-8")

    def stats(self) -> dict:
        """Requests served so far: total, by_status, by_route, faults, errors, ..."""
        return self.control("stats")

    def reset_stats(self) -> dict:
        return self.control("stats", reset=1)

    def truth(self) -> list[dict]:
        """The expected answers for the current state, one dict per article."""
        return [json.loads(line) for line in self.control("truth").splitlines() if line.strip()]

    # -- lifecycle --------------------------------------------------------------
    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")

    def stop(self) -> None:
        """Terminate the replica and wait for it (killed after 10 s)."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()

    def __enter__(self) -> Replica:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def replica_command(**options) -> list[str]:
    args = [sys.executable, "-m", "portal_replica", "--port", "0"]
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is None or value is False:
            continue
        args += [flag] if value is True else [flag, str(value)]
    return args


def start_replica(tmp_path: Path | None = None, *, timeout: float = 60, **options) -> Replica:
    """Start `python -m portal_replica --port 0 ...` and wait for its "serving" line.

    stderr goes to `tmp_path/replica-<n>.log` (or a temporary file) so a failing
    test can show it with `replica.log()`.
    """
    folder = Path(tmp_path) if tmp_path is not None else Path(tempfile.mkdtemp(prefix="replica-"))
    log_path = folder / f"replica-{time.monotonic_ns()}.log"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            replica_command(**options), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=log,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    seen = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            seen += chunk
            match = _SERVING.search(seen.decode("utf-8", errors="replace"))
            if match:
                return Replica(proc, match[1], log_path)
            if not chunk and proc.poll() is not None:
                break
        elif proc.poll() is not None:
            break
    replica = Replica(proc, "http://127.0.0.1:0", log_path)
    replica.stop()
    raise AssertionError(f"replica did not start (exit {proc.returncode}): {seen[-500:]!r}\n{replica.log()[-2000:]}")
