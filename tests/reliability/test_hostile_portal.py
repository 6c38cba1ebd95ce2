"""A hostile portal: each scenario is one named misbehaviour of a small server on
127.0.0.1, and the real `portal-ingest crawl` (a subprocess, with a time limit)
must end, store the healthy articles and say in one line what went wrong.

    drip-article    one article answers its headers, then one byte a second
    drip-list       list page 2 does the same
    endless-chain   every list page links a next page, for ever, showing the same articles
    robots-503      robots.txt answers 503 (RFC 9309: assume complete disallow)
    304-to-get      one article answers 304 Not Modified to a GET without validators
    refused         nothing listens on the portal's port
"""

from __future__ import annotations

import http.server
import json
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from .helpers import (
    article_url,
    cli_cmd,
    free_port,
    list_page,
    one_line_error,
    query,
    run,
    sample_article,
    start,
)

GOOD = ["9301", "9302", "9303"]
BAD = "9309"
STAMP = "09/10/2020 8:12 SA"
DRIP_SECONDS = 300  # the dripping answer would take this long; every test ends far sooner
# Short retries so a scenario costs seconds; the deadlines are the defaults unless a test sets them.
QUICK = {"max_retries": 1, "backoff_s": 0.05, "connect_timeout_s": 1}


def _list_url(n: int) -> str:
    return f"/en-us/Pages/news.aspx?Page={n}"


class HostilePortal:
    """The portal's list/article shapes with one misbehaviour; counts every request."""

    def __init__(self, misbehaviour: str):
        self.misbehaviour = misbehaviour
        self.hits: list[str] = []
        self.stop = threading.Event()
        portal = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):  # noqa: N802
                portal.hits.append(self.path)
                status, body, drip = portal.answer(self.path, dict(self.headers))
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body) if not drip else 100_000))
                self.end_headers()
                try:
                    if drip:
                        for _ in range(DRIP_SECONDS):
                            if portal.stop.wait(1.0):
                                break
                            self.wfile.write(b" ")
                            self.wfile.flush()
                        self.close_connection = True
                    else:
                        self.wfile.write(body)
                except OSError:
                    self.close_connection = True

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(self, path: str, headers: dict) -> tuple[int, bytes, bool]:
        m = self.misbehaviour
        if path == "/robots.txt":
            if m == "robots-503":
                return 503, b"busy", False
            return 200, b"User-agent: *\nDisallow:\n", False
        if path.startswith("/en-us/Pages/news.aspx?Page="):
            n = int(path.rsplit("=", 1)[1])
            items = [(article_url(a), f"Good article {a}", STAMP) for a in GOOD]
            if m in ("drip-article", "304-to-get"):
                items.append((article_url(BAD), "The hostile one", STAMP))
            if m == "endless-chain":
                return 200, list_page(items, _list_url(n + 1)), False
            if m == "drip-list":
                if n == 2:
                    return 200, b"", True
                return 200, list_page(items, _list_url(2)), False
            return (200, list_page(items), False) if n == 1 else (404, b"", False)
        for a in GOOD:
            if path == article_url(a):
                return 200, sample_article(a, f"Good article {a}"), False
        if path == article_url(BAD):
            if m == "drip-article":
                return 200, b"", True
            if m == "304-to-get":
                return 304, b"", False
        return 404, b"not found", False

    def requested(self, *paths: str) -> bool:
        return all(p in self.hits for p in paths)

    def __enter__(self) -> HostilePortal:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def crawl(base_url: str, db: Path, overrides: dict, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    cmd = cli_cmd({**QUICK, **overrides}, "--base-url", base_url, "--duckdb", str(db), "--max-rps", "0",
                  "crawl", *args)
    return run(cmd, timeout=timeout)


def stored_titles(db: Path) -> dict[str, str]:
    return {r[0]: r[1] for r in query(db, "SELECT article_id, title FROM articles")}


def run_errors(db: Path) -> str:
    return " ".join(e for (errs,) in query(db, "SELECT errors FROM runs") for e in errs or [])


def _good_stored(db: Path) -> None:
    titles = stored_titles(db)
    for a in GOOD:
        assert titles.get(a) == f"Good article {a}", f"healthy article {a} lost: {sorted(titles)}"


def test_dripping_article_ends_at_its_deadline(tmp_path):
    db = tmp_path / "portal.duckdb"
    with HostilePortal("drip-article") as portal:
        started = time.monotonic()
        result = crawl(portal.base_url, db, {"request_deadline_s": 3})
        elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert elapsed < 60, f"{elapsed:.0f} s"
    _good_stored(db)
    errors = run_errors(db)
    assert f"article {BAD}: DeadlineExceeded" in errors and "within 3s" in errors, errors
    assert query(db, "SELECT status, failed FROM runs WHERE kind = 'crawl'") == [("partial", 1)]


def test_dripping_list_page_ends_at_its_deadline(tmp_path):
    db = tmp_path / "portal.duckdb"
    with HostilePortal("drip-list") as portal:
        started = time.monotonic()
        result = crawl(portal.base_url, db, {"request_deadline_s": 3})
        elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert elapsed < 60, f"{elapsed:.0f} s"
    _good_stored(db)
    assert "list page 2: DeadlineExceeded" in run_errors(db)


def test_the_run_deadline_ends_a_run_stuck_on_a_drip(tmp_path):
    """No per-request deadline at all: the run's own deadline cuts the drip."""
    db = tmp_path / "portal.duckdb"
    with HostilePortal("drip-article") as portal:
        started = time.monotonic()
        result = crawl(portal.base_url, db, {"request_deadline_s": 0, "run_deadline_s": 5})
        elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert elapsed < 60, f"{elapsed:.0f} s"
    _good_stored(db)
    assert "deadline of 5s passed" in run_errors(db)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_stop_signal_during_a_drip_stops_within_seconds_keeping_what_was_fetched(tmp_path, sig):
    db = tmp_path / "portal.duckdb"
    with HostilePortal("drip-article") as portal:
        cmd = cli_cmd({**QUICK, "request_deadline_s": 0}, "--base-url", portal.base_url, "--duckdb", str(db),
                      "--max-rps", "0", "crawl")
        log = tmp_path / "crawl.log"
        proc = start(cmd, log)
        try:
            deadline = time.monotonic() + 60
            while not portal.requested(*(article_url(a) for a in [*GOOD, BAD])):
                assert time.monotonic() < deadline and proc.poll() is None, log.read_text()[-2000:]
                time.sleep(0.1)
            time.sleep(1.0)  # the healthy ones have arrived; the drip goes on
            proc.send_signal(sig)
            stopped = time.monotonic()
            proc.wait(timeout=30)
            took = time.monotonic() - stopped
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    out = log.read_text()
    assert took < 10, f"{took:.1f} s to stop"
    assert proc.returncode == 130, out[-2000:]
    assert "Traceback" not in out and "error: interrupted" in out, out[-2000:]
    # What was fetched is in the landing area; the next load stores it.
    from ingest.landing import Landing

    landed = {p.article_id for b in Landing(tmp_path / "landing").pending_batches() for p in b.pages()
              if p.kind == "article"}
    assert set(GOOD) <= landed, landed
    from ingest.config import Settings
    from portal_ingest import pipeline

    pipeline.load_pending(Settings(duckdb_path=db))
    _good_stored(db)


def test_endless_next_page_chain_ends_the_first_load(tmp_path):
    db = tmp_path / "portal.duckdb"
    with HostilePortal("endless-chain") as portal:
        started = time.monotonic()
        result = crawl(portal.base_url, db, {})
        elapsed = time.monotonic() - started
        lists = [h for h in portal.hits if "news.aspx" in h]
        assert result.returncode == 0, result.stderr.decode()[-2000:]
        assert elapsed < 60, f"{elapsed:.0f} s"
        _good_stored(db)
        assert len(lists) <= 12, f"{len(lists)} list pages read"
        assert "no new article id" in run_errors(db)
        # The first load is over: no cursor puts the next crawl back into it.
        assert not list((tmp_path / "state").glob("crawl-*.json"))
        again = json.loads(crawl(portal.base_url, db, {}).stdout)
        assert again["fetch"]["pages_read"] == 1, again["fetch"]


def test_endless_chain_of_new_ids_stops_at_the_absolute_maximum(tmp_path):
    """A chain whose every page shows new ids is stopped by Settings.max_list_pages."""
    db = tmp_path / "portal.duckdb"
    with HostilePortal("endless-chain") as portal:
        original = portal.answer

        def fresh_ids(path, headers):
            if "news.aspx" in path:
                n = int(path.rsplit("=", 1)[1])
                return 200, list_page([(article_url(9400 + n), f"Listed {n}", STAMP)], _list_url(n + 1)), False
            return original(path, headers)

        portal.answer = fresh_ids
        result = crawl(portal.base_url, db, {"max_list_pages": 7})
        lists = [h for h in portal.hits if "news.aspx" in h]
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert len(lists) == 7
    assert "Settings.max_list_pages" in run_errors(db)


def test_robots_5xx_means_nothing_is_fetched(tmp_path):
    db = tmp_path / "portal.duckdb"
    with HostilePortal("robots-503") as portal:
        result = crawl(portal.base_url, db, {})
        hits = list(portal.hits)
    line = one_line_error(result)
    assert set(hits) == {"/robots.txt"}, hits
    assert "crawl failed" in line and "robots.txt unreachable, assuming disallow: HTTP 503" in line, line


def test_304_to_a_plain_get_is_a_failure_not_silence(tmp_path):
    db = tmp_path / "portal.duckdb"
    with HostilePortal("304-to-get") as portal:
        result = crawl(portal.base_url, db, {})
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    _good_stored(db)
    assert query(db, "SELECT status, failed, not_modified FROM runs WHERE kind = 'crawl'") == [("partial", 1, 0)]
    assert f"article {BAD}: HTTP 304 to a request without validators" in run_errors(db)


def test_unreachable_portal_line_says_connection_refused(tmp_path):
    db = tmp_path / "portal.duckdb"
    result = crawl(f"http://127.0.0.1:{free_port()}", db, {})
    line = one_line_error(result)
    assert "crawl failed" in line and "connection refused" in line, line
    assert "see the runs table" not in line or "more" in line, line
