"""What only the DAGs add around the pipeline's steps (`portal_ingest.airflow_tasks`:
asset event extra, merged batches, failing a fetch that read nothing, run ids) and how
the Airflow connection and variables override the environment (`airflow_config`)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from ingest.run import CrawlResult
from portal_ingest import airflow_tasks as at
from portal_ingest.airflow_config import base_url_from_connection, connection_fields
from portal_ingest.pipeline import FetchReport


def report(**kw) -> dict:
    kind = kw.pop("kind", "crawl")
    return FetchReport.from_result(CrawlResult(**kw), kind=kind, origin="dag:x", elapsed_s=0).to_dict()


def test_asset_extra_is_small_and_complete():
    ids = [str(i) for i in range(at.MAX_IDS_IN_EXTRA + 10)]
    extra = at.asset_extra(report(run_id="r9", new_ids=ids, batches=["a"], kind="backfill"))
    assert extra["run_id"] == "r9" and extra["counts"]["new_articles"] == len(ids)
    assert len(extra["new_ids"]) == at.MAX_IDS_IN_EXTRA and extra["new_ids_truncated"] == len(ids)
    assert extra["batches"] == 1 and extra["kind"] == "backfill" and extra["origin"] == "dag:x"
    json.dumps(extra)


def test_merge_fetches():
    a = report(run_id="bf", requests=3, new_ids=["1", "2"], kind="backfill")
    b = report(run_id="bf", requests=4, new_ids=["2", "3"], failed=1, status="partial", kind="backfill")
    merged = at.merge_fetches([a, None, b])
    assert merged["run_id"] == "bf" and merged["requests"] == 7 and merged["new_ids"] == ["1", "2", "3"]
    assert merged["status"] == "partial" and merged["parts"] == 2 and merged["kind"] == "backfill"


def test_run_id_for_a_dag_run():
    assert at.run_id_for("crawl", SimpleNamespace(run_id="manual__2026-12-01T10:00:00+00:00")) == (
        "crawl-manual__2026-12-01T10-00-00-00-00")
    assert at.run_id_for("crawl", None) is None


def test_a_fetch_that_read_nothing_fails_the_task():
    failed = report(run_id="r", status="failed", errors=["list page 1: FetchFailed: http://x/ (HTTP 503)"])
    with pytest.raises(at.FetchStepFailed, match="nothing could be read.*HTTP 503"):
        at.raise_if_failed(failed)
    at.raise_if_failed(report(run_id="r", status="partial"))


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8765", "https://portal.example.gov.vn", "http://10.0.0.5:8080/mirror/hungyen"],
)
def test_connection_roundtrip(url):
    fields = connection_fields(url)
    assert base_url_from_connection(SimpleNamespace(**fields)) == url


def test_connection_host_may_hold_a_url():
    assert base_url_from_connection(SimpleNamespace(host="http://x:1/", schema=None, port=None, extra=None)) == "http://x:1"
    assert base_url_from_connection(SimpleNamespace(host="", schema=None, port=None, extra=None)) is None


def test_settings_for_airflow_overrides(monkeypatch, tmp_path):
    from airflow.sdk import Connection, Variable
    from airflow.sdk.exceptions import AirflowNotFoundException

    from portal_ingest.airflow_config import settings_for_airflow

    monkeypatch.setenv("PORTAL_BASE_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("PORTAL_DUCKDB", str(tmp_path / "env.duckdb"))
    monkeypatch.setenv("PORTAL_MAX_RPS", "3")
    variables = {"portal_duckdb": str(tmp_path / "var.duckdb"), "portal_concurrency": "2"}
    monkeypatch.setattr(Variable, "get", classmethod(lambda cls, key, default=None, **kw: variables.get(key, default)))

    def no_conn(cls, conn_id):
        raise AirflowNotFoundException(conn_id)

    monkeypatch.setattr(Connection, "get", classmethod(no_conn))
    s = settings_for_airflow()
    assert s.base_url == "http://127.0.0.1:1" and s.max_rps == 3.0
    assert s.duckdb_path == tmp_path / "var.duckdb" and s.concurrency == 2

    conn = SimpleNamespace(host="127.0.0.1", port=8765, schema="http", extra=None)
    monkeypatch.setattr(Connection, "get", classmethod(lambda cls, conn_id: conn))
    assert settings_for_airflow().base_url == "http://127.0.0.1:8765"

    variables["portal_max_rps"] = "fast"
    with pytest.raises(ValueError, match="portal_max_rps"):
        settings_for_airflow()
