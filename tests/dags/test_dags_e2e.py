"""Each DAG end to end with `airflow dags test`, against a replica on a free port and a
fresh DuckDB file, asserting on warehouse rows and on the asset events Airflow stored."""

from __future__ import annotations

import subprocess
import sys

import pytest

from portal_ingest.airflow_assets import RAW_PAGES, WAREHOUSE

pytestmark = pytest.mark.slow

ARTICLES = 30  # two list pages of 20


def warehouse_rows(duckdb_path, sql: str) -> list[tuple]:
    """Read the warehouse file (nothing else has it open once a `dags test` ended)."""
    import duckdb

    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def quarantined(duckdb_path) -> set[str]:
    return {r[0] for r in warehouse_rows(duckdb_path, "SELECT article_id FROM quarantine WHERE article_id IS NOT NULL")}


def test_latest_news_then_warehouse_load(first_runs, tmp_path):
    # Steps 1 and 2 ran once for the session (`first_runs`, 30 articles, seed 3); this
    # test works on its own copy of their Airflow DB and warehouse, and is the only one
    # that changes the shared replica (step 4 publishes).
    replica = first_runs.replica
    af = first_runs.copy(tmp_path)

    # 1. fetch: the whole (small) portal is new; one raw-pages event says what arrived.
    assert af.task_states("portal_latest_news") == {"discover_and_fetch": ["success"], "announce_raw_pages": ["success"]}
    (event,) = af.asset_events(RAW_PAGES.uri)
    extra = event["extra"]
    assert event["dag_id"] == "portal_latest_news"
    assert extra["run_id"] and extra["counts"]["new_articles"] == len(extra["new_ids"]) >= ARTICLES
    assert not first_runs.articles_table_before_load  # the fetch alone loads nothing

    # 2. load by hand (no triggering event in `dags test`): loads what is pending.
    assert all(s == ["success"] for s in af.task_states("portal_warehouse_load").values())
    ids = {r[0] for r in warehouse_rows(af.duckdb, "SELECT article_id FROM articles")}
    assert ids == set(extra["new_ids"]) - quarantined(af.duckdb) and len(ids) >= ARTICLES * 0.8
    assert len(af.asset_events(WAREHOUSE.uri)) == 1
    assert af.duckdb.with_name("portal.snapshot.duckdb").exists()

    # 3. nothing new on the portal: still an event (nothing in it), so the load records
    # the run in `runs` at once, with its kind and the DAG as its origin; the run's note
    # says so and that a load follows.
    af.dags_test("portal_latest_news")
    assert af.task_states("portal_latest_news")["announce_raw_pages"] == ["success"]
    quiet = af.asset_events(RAW_PAGES.uri)[1]["extra"]
    assert len(af.asset_events(RAW_PAGES.uri)) == 2 and quiet["new_ids"] == [] and quiet["changed_ids"] == []
    (note,) = af.db("SELECT n.content FROM dag_run r JOIN dag_run_note n ON n.dag_run_id = r.id "
                    "WHERE r.dag_id = 'portal_latest_news' ORDER BY r.id DESC LIMIT 1")[0]
    assert note.endswith("0 new, 0 changed; load pending"), note
    af.dags_test("portal_warehouse_load")
    snapshot = af.duckdb.with_name("portal.snapshot.duckdb")
    assert warehouse_rows(snapshot, f"SELECT kind, origin FROM runs WHERE run_id = '{quiet['run_id']}'") == [
        ("crawl", "dag:portal_latest_news")]

    # 4. one new article: a second event naming it; the load adds it.
    published = replica.control("publish", n=1)["published"]
    af.dags_test("portal_latest_news")
    events = af.asset_events(RAW_PAGES.uri)
    assert len(events) == 3 and events[2]["extra"]["new_ids"] == [str(i) for i in published]
    af.dags_test("portal_warehouse_load")
    (count,) = warehouse_rows(af.duckdb, "SELECT count(*) FROM articles")[0]
    assert count == len(ids) + 1



def test_backfill_page_range_in_batches(replica_factory, make_airflow_home):
    replica = replica_factory(articles=60, seed=5)
    af = make_airflow_home(replica.base_url)

    proc = af.dags_test("portal_backfill", {"from_page": 2, "to_page": 3, "batch_size": 1})
    # The batch summaries are read in one slice: no lookup of an offset that cannot exist.
    assert "XCom not found" not in proc.stdout + proc.stderr
    states = af.task_states("portal_backfill")
    assert states["plan_page_batches"] == ["success"]
    assert states["fetch_page_batch"] == ["success", "success"]  # one mapped instance per batch
    assert states["announce_raw_pages"] == ["success"]
    (event,) = af.asset_events(RAW_PAGES.uri)
    assert event["extra"]["counts"]["new_articles"] == len(event["extra"]["new_ids"]) >= 30

    af.dags_test("portal_warehouse_load")
    ids = {r[0] for r in warehouse_rows(af.duckdb, "SELECT article_id FROM articles")}
    assert ids == set(event["extra"]["new_ids"]) - quarantined(af.duckdb) and len(ids) >= 30

    # Reparse everything from raw pages (no network): same articles, snapshot republished.
    af.dags_test("portal_reparse", {"all": True})
    assert all(s == ["success"] for s in af.task_states("portal_reparse").values())
    assert {r[0] for r in warehouse_rows(af.duckdb, "SELECT article_id FROM articles")} == ids
    assert len(af.asset_events(WAREHOUSE.uri)) == 2
    notes = dict(af.db("SELECT r.dag_id, n.content FROM dag_run r JOIN dag_run_note n ON n.dag_run_id = r.id"))
    assert notes["portal_backfill"].startswith("2 batches, ") and notes["portal_backfill"].endswith("; load pending")
    assert notes["portal_reparse"].startswith("reparsed ") and notes["portal_reparse"].endswith("snapshot published")

    # A dry run plans and fetches nothing: no event.
    af.dags_test("portal_backfill", {"from_page": 1, "to_page": 3, "dry_run": True})
    states = af.task_states("portal_backfill")
    assert states["fetch_page_batch"] == ["skipped"] and states["announce_raw_pages"] == ["skipped"]
    assert len(af.asset_events(RAW_PAGES.uri)) == 1


def test_backfill_rejects_bad_params(make_airflow_home):
    af = make_airflow_home("http://127.0.0.1:9")  # never contacted
    proc = af.dags_test("portal_backfill", {"from_page": 0, "to_page": "x"}, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "ParamValidationError" in out or "Invalid input for param" in out
    assert not af.db("SELECT 1 FROM task_instance WHERE dag_id = 'portal_backfill' AND state = 'success'")
    # Valid types, impossible range: the plan task fails with a one-line reason.
    proc = af.dags_test("portal_backfill", {"from_page": 5, "to_page": 2}, check=False)
    assert proc.returncode != 0
    assert "from_page <= to_page" in proc.stdout + proc.stderr


def test_airflow_objects_override_env_and_failed_check_fails_loudly(replica_factory, make_airflow_home):
    """`python -m portal_ingest.airflow_setup` creates the pool, the `portal` connection and
    the variables; the connection then wins over PORTAL_BASE_URL. A failing quality check
    fails the load with its numbers, and the snapshot is not published."""
    replica = replica_factory(articles=10, seed=4)
    af = make_airflow_home(replica.base_url)
    proc = subprocess.run(
        [sys.executable, "-m", "portal_ingest.airflow_setup"], env=af.env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "pool duckdb_writer: created" in proc.stdout and "connection portal: created" in proc.stdout
    assert af.db("SELECT slots FROM slot_pool WHERE pool = 'duckdb_writer'") == [(1,)]
    # Only the long path: Airflow warns in every task log about variable values under 5 characters.
    assert {r[0] for r in af.db("SELECT key FROM variable")} == {"portal_duckdb"}

    af.base_url = "http://127.0.0.1:9"  # the environment now points nowhere: the connection wins
    proc = subprocess.run(
        [sys.executable, "-m", "portal_ingest.airflow_setup"], env=af.env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "pool duckdb_writer: unchanged" in proc.stdout  # idempotent
    assert "connection portal: kept (differs from PORTAL_BASE_URL=http://127.0.0.1:9)" in proc.stdout
    af.extra_env = {"PORTAL_QC_MAX_MISSING_SHARE": "0"}
    fetched = af.dags_test("portal_latest_news")
    assert "Skipping masking" not in fetched.stdout + fetched.stderr  # no short value read as a secret
    assert len(af.asset_events(RAW_PAGES.uri)) == 1
    proc = af.dags_test("portal_warehouse_load", check=False)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "DataQualityError" in out and "missing_number_or_date" in out and "lack a number or date" in out
    states = af.task_states("portal_warehouse_load")
    assert states["load_pending_pages"] == ["success"] and states["check_data_quality"] == ["failed"]
    assert states["publish_snapshot"] == ["upstream_failed"]
    assert af.asset_events(WAREHOUSE.uri) == []
    (note,) = af.db("SELECT n.content FROM dag_run r JOIN dag_run_note n ON n.dag_run_id = r.id "
                    "WHERE r.dag_id = 'portal_warehouse_load'")[0]
    assert note.startswith("FAILED at check_data_quality; loaded ") and "missing_number_or_date" in note, note
