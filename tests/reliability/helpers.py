"""Shared machinery of the reliability attacks.

Everything here is real: the replica and the crawler/loader run as subprocesses
on 127.0.0.1, the warehouse is a DuckDB file in tmp_path. `HostileServer` is a
small in-process HTTP server that serves the pages a bad day brings (empty
bodies, 6 MiB pages, PDFs, redirect loops, off-host redirects) in the portal's
own list/article shapes, so the real crawler meets them.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Copies of ../shared/portal/ samples, carried in the repository.
SAMPLES = ROOT / "portal_replica" / "data"
CLI = [sys.executable, "-m", "portal_ingest.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a subprocess: no PORTAL_* leaking from the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def cli_args(base_url: str, duckdb: Path, *args: str) -> list[str]:
    return [*CLI, "--base-url", base_url, "--duckdb", str(duckdb), "--max-rps", "0", *args]


def run_cli(*args: str, env: dict | None = None, timeout: float = 300, input: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args], capture_output=True, timeout=timeout, cwd=ROOT,
        env=env or clean_env(), input=input,
    )


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """Assert the contract's error shape (non-zero, one line, no traceback); return the line."""
    err = result.stderr.decode("utf-8", "replace") if isinstance(result.stderr, bytes) else result.stderr
    assert result.returncode != 0, f"exit 0 on bad input; stdout={result.stdout[:300]!r}"
    assert "Traceback" not in err, err
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{err[-2000:]}"
    return lines[0]


def http_get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


# --- the replica -----------------------------------------------------------------


@dataclass
class Replica:
    port: int
    proc: subprocess.Popen
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def control(self, action: str, **params) -> dict:
        """`/__replica__/<action>?k=v`: publish, layout, truth ..."""
        from urllib.parse import urlencode

        url = f"{self.base_url}/__replica__/{action}"
        if params:
            url += "?" + urlencode(params)
        # Control requests must not be hit by fault injection; retry a few times anyway.
        last = None
        for _ in range(20):
            try:
                status, body = http_get(url)
            except OSError as exc:
                last = exc
                time.sleep(0.1)
                continue
            if status == 200:
                try:
                    return json.loads(body or b"{}")
                except ValueError:
                    return {"text": body.decode("utf-8", "replace")}
            last = status
            time.sleep(0.1)
        raise AssertionError(f"replica control {url} failed: {last}")

    def truth(self) -> list[dict]:
        """Every live article of the replica (JSON lines or a JSON list)."""
        from urllib.parse import urlencode  # noqa: F401

        last = None
        for _ in range(20):
            try:
                status, body = http_get(f"{self.base_url}/__replica__/truth", timeout=30)
            except OSError as exc:
                last = exc
                time.sleep(0.1)
                continue
            if status == 200:
                text = body.decode("utf-8")
                text = text.strip()
                if text.startswith("["):
                    return json.loads(text)
                if text.startswith("{") and "\n" not in text:
                    obj = json.loads(text)
                    for key in ("articles", "truth", "items"):
                        if isinstance(obj.get(key), list):
                            return obj[key]
                    return [obj]
                return [json.loads(line) for line in text.splitlines() if line.strip()]
            last = status
            time.sleep(0.1)
        raise AssertionError(f"replica truth failed: {last}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


def start_replica(tmp_path: Path, *args: str, port: int | None = None) -> Replica:
    port = port or free_port()
    log = tmp_path / f"replica-{port}.log"
    out = open(log, "wb")
    proc = subprocess.Popen(
        [*CLI, "replica", "--port", str(port), *args],
        cwd=ROOT, env=clean_env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )
    replica = Replica(port, proc, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"replica exited {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            status, _ = http_get(f"{replica.base_url}/robots.txt", timeout=2)
            if status == 200:
                return replica
        except OSError:
            pass
        time.sleep(0.1)
    replica.stop()
    raise AssertionError(f"replica did not answer within 60 s: {log.read_text()[-2000:]}")


@pytest.fixture
def replica_factory(tmp_path) -> Iterator[Callable[..., Replica]]:
    started: list[Replica] = []

    def factory(*args: str) -> Replica:
        r = start_replica(tmp_path, *args)
        started.append(r)
        return r

    yield factory
    for r in started:
        r.stop()


def require(module: str, attr: str | None = None) -> None:
    """Skip (not fail) while a part of the project has not landed yet."""
    import importlib

    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        pytest.skip(f"{module} not available yet: {exc}")
    if attr and not hasattr(mod, attr):
        pytest.skip(f"{module}.{attr} not available yet")


# --- the warehouse, read from outside -------------------------------------------


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Read the warehouse file read-only and close it at once (so no lock lingers)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def table_dump(db: Path, tables: list[str], drop_columns: set[str] = frozenset()) -> dict[str, list[tuple]]:
    """Each table's rows, sorted, without the columns that legitimately vary."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in tables:
            cols = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table],
            ).fetchall()]
            keep = [c for c in cols if c not in drop_columns]
            rows = con.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in keep)} FROM "{table}"').fetchall()
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


# --- a hostile portal -------------------------------------------------------------


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})


class HostileServer:
    """Serves `routes` (path with query -> Response or callable(handler) -> Response)
    on 127.0.0.1, counting every request it gets."""

    def __init__(self, routes: dict[str, Response | Callable[[], Response]] | None = None):
        self.routes: dict = dict(routes or {})
        self.hits: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                server.hits.append(self.path)
                route = server.routes.get(self.path)
                if route is None:
                    resp = Response(404, b"<html><body>Not found</body></html>")
                else:
                    resp = route() if callable(route) else route
                self.send_response(resp.status)
                headers = dict(resp.headers)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(resp.body)))
                self.end_headers()
                try:
                    self.wfile.write(resp.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_HEAD = do_GET  # noqa: N815

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> HostileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def article_url(article_id: int | str, channel: int = 14) -> str:
    return f"/en-us/Pages/Article.aspx?ChannelId={channel}&articleID={article_id}"


LIST_PATH = "/en-us/Pages/news.aspx?Page=1"


def list_page(items: list[tuple[str, str, str]], next_href: str | None = None) -> bytes:
    """A list page in the portal's sharepoint layout. items: (href, title, 'dd/mm/yyyy h:mm SA')."""
    rows = "\n".join(
        f'      <div class="news-item">\n'
        f'        <a class="title" href="{href.replace("&", "&amp;")}">{title}</a>\n'
        f'        <span class="date">({stamp})</span>\n'
        f'        <p class="sapo">{title}.</p>\n'
        f"      </div>"
        for href, title, stamp in items
    )
    paging = f'<a href="{next_href.replace("&", "&amp;")}">Next &gt;</a>' if next_href else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>Latest news - Hung Yen Portal</title></head>
<body><div id="main"><div class="col-left">
    <h2 class="channel-title">Latest news</h2>
    <div class="news-list">
{rows}
    </div>
    <div class="paging"><span class="current">1</span>{paging}</div>
</div></div>
<div id="footer"><span class="online-users">152 online users</span></div>
</body></html>""".encode()


def sample_article(article_id: int | str = 2718, title: str | None = None) -> bytes:
    """The real 2718 sample, re-numbered (id in its URLs) and optionally re-titled."""
    html = (SAMPLES / "sample-article-2718.html").read_text(encoding="utf-8")
    html = html.replace("articleID=2718", f"articleID={article_id}")
    if title:
        html = html.replace("To step up administrative reform work", title)
    return html.encode("utf-8")


# --- pipeline steps in their own processes ----------------------------------------

DRIVER = [sys.executable, str(Path(__file__).with_name("driver.py"))]


def step_cmd(step: str, settings: dict, **kwargs) -> list[str]:
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in settings.items()}
    return [*DRIVER, "step", json.dumps({"step": step, "settings": settings, "kwargs": kwargs})]


def cli_cmd(overrides: dict, *args: str) -> list[str]:
    return [*DRIVER, "cli", json.dumps(overrides), "--", *args]


def start(cmd: list[str], log: Path) -> subprocess.Popen:
    """A subprocess in its own session (so SIGKILL reaches only it), output to `log`."""
    out = open(log, "ab")
    return subprocess.Popen(cmd, cwd=ROOT, env=clean_env(), stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)


def run(cmd: list[str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, env=clean_env(), capture_output=True, timeout=timeout)


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL one process we started (its whole session: it may have threads, not children)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def last_json(stdout: bytes | str) -> dict:
    text = stdout.decode("utf-8", "replace") if isinstance(stdout, bytes) else stdout
    start_at = text.find("{")
    return json.loads(text[start_at:]) if start_at >= 0 else {}


def truth_ids(replica: Replica) -> set[str]:
    return {str(r["article_id"]) for r in replica.truth() if not r.get("withdrawn")}


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
