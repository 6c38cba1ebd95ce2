"""The "Portal" page in the Airflow UI, seen by a real browser.

Runs `portal_latest_news` then `portal_warehouse_load` with `airflow dags test` against a
replica (the session's `first_runs`, copied), starts a real api-server (the plugin is loaded from the package's
``airflow.plugins`` entry point, nothing is put in plugins/), logs in through Airflow's own
login form with Playwright driving Debian's chromium, opens the Portal entry of the UI and
reads the counts of the runs it made; they must match the warehouse's `runs` table, and
each DAG run's note must say what the run did.

Screenshots of the DAG list, a run and the Portal page are written to
``$PORTAL_UI_SCREENSHOTS`` when that is set (for a person to look at).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
USER, PASSWORD = "admin", "portal-test-pw"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is missing: apt-get install -y chromium (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


def _warehouse_runs(snapshot: Path) -> list[tuple]:
    import duckdb

    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        return con.execute(
            "SELECT run_id, requests, new_articles, changed_articles, quarantined, pages_loaded FROM runs"
        ).fetchall()
    finally:
        con.close()


def test_portal_page_shows_the_runs_it_made(first_runs, browser, tmp_path):
    # A copy of the session's first `portal_latest_news` + `portal_warehouse_load` runs.
    af = first_runs.copy(tmp_path)

    # The run notes: one line each, written by the plugin's listener when the run ended.
    notes = dict(af.db("SELECT r.dag_id, n.content FROM dag_run r JOIN dag_run_note n ON n.dag_run_id = r.id"))
    (run,) = _warehouse_runs(af.duckdb.with_name("portal.snapshot.duckdb"))
    run_id, requests, new, changed, quarantined, loaded = run
    assert notes["portal_latest_news"] == f"{requests} requests, {new} new, {changed} changed; load pending"
    assert re.fullmatch(
        rf"loaded {new + changed} \({new} new, {changed} changed, {quarantined} quarantined\) from 1 batch; "
        r"checks passed; snapshot published", notes["portal_warehouse_load"]), notes

    port = _free_port()
    passwords = tmp_path / "passwords.json"
    passwords.write_text(json.dumps({USER: PASSWORD}))
    env = {
        **af.env,
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USER}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
        "AIRFLOW__API_AUTH__JWT_SECRET": "portal-page-test-" + "x" * 40,
        "AIRFLOW__API__SECRET_KEY": "portal-page-test-secret",
        "AIRFLOW__CORE__LAZY_LOAD_PLUGINS": "False",
    }
    log = (tmp_path / "api-server.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "airflow"), "api-server", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "1"],
        env=env, cwd=af.home, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    shots = os.environ.get("PORTAL_UI_SCREENSHOTS")
    try:
        deadline = time.monotonic() + 180
        while _http_status(f"{base}/api/v2/monitor/health") != 200:
            assert server.poll() is None, (tmp_path / "api-server.log").read_text()[-4000:]
            assert time.monotonic() < deadline, "api-server did not answer in 180 s"
            time.sleep(1)

        # Behind the login: no session, no page.
        assert _http_status(f"{base}/portal/overview.json") == 401

        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{base}/portal/")  # a browser without a session is sent to the login form
        page.wait_for_selector("input[name=username]", timeout=60_000)
        page.fill("input[name=username]", USER)
        page.fill("input[name=password]", PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/portal/?$"), timeout=60_000)

        # The Portal entry of the UI's navigation shows the plugin's page inside the UI.
        page.goto(f"{base}/plugin/portal")
        frame_el = page.wait_for_selector("iframe", timeout=60_000)
        frame = frame_el.content_frame()
        frame.wait_for_selector("#warehouse-runs", timeout=60_000)
        row = frame.locator(f"#warehouse-runs tr[data-run-id='{run_id}']")
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        # kind, by, run, status, started, requests, new, changed, quarantined, loaded, errors
        assert cells[:2] == ["crawl", "dag:portal_latest_news"], cells  # one kind per step, the DAG as origin
        assert cells[5:10] == [str(requests), str(new), str(changed), str(quarantined), str(loaded)], cells
        assert "portal_latest_news" in cells[2] or run_id in cells[2]
        text = frame.locator("body").inner_text()
        assert notes["portal_latest_news"] in text and notes["portal_warehouse_load"] in text
        assert "missing_number_or_date" in frame.locator("#checks").inner_text()

        # The analysts' report: every publish rewrites it beside the snapshot, so the
        # page embeds it (sandboxed) at once.
        assert af.duckdb.with_name("portal.snapshot.report.html").exists()
        frame.wait_for_selector("iframe.report", timeout=60_000)
        served = page.request.get(f"{base}/portal/report")
        assert served.status == 200 and "Hung Yen portal warehouse" in served.text()
        assert "sandbox" in served.headers.get("content-security-policy", "")
        if shots:
            out = Path(shots)
            out.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out / "portal-page.png"), full_page=True)
            page.goto(f"{base}/dags")
            page.wait_for_timeout(4000)
            page.screenshot(path=str(out / "dag-list.png"), full_page=True)
            (latest,) = af.db("SELECT run_id FROM dag_run WHERE dag_id = 'portal_latest_news'")
            page.goto(f"{base}/dags/portal_latest_news/runs/{latest[0]}")
            page.wait_for_timeout(4000)
            page.screenshot(path=str(out / "latest-news-run.png"), full_page=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
