"""Smaller hardening attacks of issue 18: secret files, `parse` on a list page,
what the crawler knows without a snapshot, two crawls at once."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest

from .helpers import (
    LIST_PATH,
    article_url,
    cli_cmd,
    list_page,
    one_line_error,
    query,
    run,
    run_cli,
    start,
)

# --- secret files ---------------------------------------------------------------------


@pytest.fixture
def airflow_home(tmp_path, monkeypatch):
    from portal_ingest import devstack

    home = tmp_path / ".airflow"
    monkeypatch.setattr(devstack, "AIRFLOW_HOME", home)
    return home


def test_login_file_is_never_readable_by_others(airflow_home, monkeypatch):
    """Created with its final mode: even if the process died right after writing
    (before any chmod), nobody but the owner could read the password."""
    from portal_ingest import devstack

    monkeypatch.setattr(os, "chmod", lambda *a, **k: None)
    monkeypatch.setattr(Path, "chmod", lambda *a, **k: None)
    old = os.umask(0o022)
    try:
        password, path = devstack._login()
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {"admin": password}
    assert devstack._login() == (password, path)  # made once, kept


@pytest.mark.parametrize("content", ['{"admin": "half', "", "[]", '{"someone": "else"}', '{"admin": 7}'])
def test_corrupt_login_file_is_one_line(airflow_home, monkeypatch, capsys, content):
    from portal_ingest import devstack

    airflow_home.mkdir()
    (airflow_home / "passwords.json").write_text(content)
    monkeypatch.setattr(devstack, "_start", lambda *a, **k: pytest.fail("started a process with a bad login file"))
    assert devstack.main() == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "passwords.json" in err[0] and "delete it" in err[0], err


# --- `parse` on a list page --------------------------------------------------------------


LIST_HTML = list_page([(article_url(a), f"Teaser {a}: Official Letter No. {a}/UBND-NC", "09/10/2020 8:12 SA")
                       for a in (9501, 9502, 9503)], "/en-us/Pages/news.aspx?Page=2")


@pytest.mark.parametrize("sample", ["built", "portal"])
def test_parse_on_a_list_page_invents_no_article(tmp_path, sample):
    """`parse` on a list page says so in one line (use parse-list); the Python API
    returns no document, no references and a warning, so a list page fetched as an
    article is quarantined instead of stored as an invented one."""
    import transforms

    from .helpers import SAMPLES

    body = LIST_HTML if sample == "built" else (SAMPLES / "sample-list-page-1.html").read_bytes()
    url = "http://127.0.0.1:8765" + LIST_PATH
    record = transforms.parse_article(body, url)
    assert record["document"] is None and record["references"] == [] and record["directives"] == []
    assert record["title"] is None and record["body_text"] == ""
    assert any(w.startswith("not an article page: a list page") for w in record["warnings"]), record["warnings"]
    assert transforms.sanity_errors(record), "the loader would store it"
    path = tmp_path / "list.html"
    path.write_bytes(body)
    line = one_line_error(run_cli("parse", str(path), "--url", url, timeout=60))
    assert "list page" in line and "parse-list" in line, line
    # parse-list still reads it
    listing = json.loads(run_cli("parse-list", str(path), "--url", url, timeout=60).stdout)
    assert len(listing["items"]) >= 3


def test_parse_still_reads_an_article_with_a_latest_news_box(tmp_path):
    """The article's own "Latest new" box is a list too: not a reason to refuse it."""
    from .helpers import sample_article

    path = tmp_path / "a.html"
    path.write_bytes(sample_article(2718))
    result = run_cli("parse", str(path), "--url", "http://127.0.0.1:8765" + article_url(2718), timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["document"]["number"] == "2718/UBND-NC"


# --- what the crawler knows ----------------------------------------------------------------


def test_missing_snapshot_does_not_make_the_crawler_refetch_everything(replica_factory, tmp_path):
    """A kill during publish or a full disk leaves no snapshot: the crawler reads the
    live file (read-only) instead, and the next crawl fetches nothing again."""
    replica = replica_factory("--articles", "40")
    db = tmp_path / "portal.duckdb"
    base = cli_cmd({}, "--base-url", replica.base_url, "--duckdb", str(db), "--max-rps", "0", "crawl")
    first = run(base, timeout=300)
    assert first.returncode == 0, first.stderr.decode()[-2000:]
    snapshot = tmp_path / "portal.snapshot.duckdb"
    os.chmod(snapshot, 0o644)
    snapshot.unlink()
    again = json.loads(run(base, timeout=300).stdout)
    assert again["fetch"]["new_articles"] == 0 and again["fetch"]["pages_read"] == 1, again["fetch"]
    assert snapshot.exists()


def test_second_crawl_while_one_runs_exits_with_a_clear_line(tmp_path):
    """Two crawls at once would each fetch everything: the second one says who runs."""
    from .test_hostile_portal import HostilePortal

    db = tmp_path / "portal.duckdb"
    with HostilePortal("drip-article") as portal:
        args = ("--base-url", portal.base_url, "--duckdb", str(db), "--max-rps", "0", "crawl")
        log = tmp_path / "first.log"
        first = start(cli_cmd({"request_deadline_s": 15}, *args), log)
        try:
            deadline = time.monotonic() + 60
            while not portal.requested(article_url(9309)):
                assert time.monotonic() < deadline and first.poll() is None, log.read_text()[-2000:]
                time.sleep(0.1)
            started = time.monotonic()
            second = run(cli_cmd({}, *args), timeout=60)
            assert time.monotonic() - started < 20
            line = one_line_error(second)
            assert "another crawl" in line and f"PID {first.pid}" in line, line
        finally:
            first.wait(timeout=120)  # the drip is cut at its deadline, then the first crawl loads
    assert first.returncode == 0, log.read_text()[-2000:]
    assert query(db, "SELECT count(*) FROM runs WHERE kind = 'crawl'") == [(1,)]
