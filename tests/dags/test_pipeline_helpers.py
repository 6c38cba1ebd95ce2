"""The pure parts of `portal_ingest.pipeline` and `portal_ingest.airflow_config`: what
goes into an asset event, when there is one, backfill planning, and how the Airflow
connection and variables override the environment."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from ingest.run import CrawlResult
from portal_ingest import pipeline
from portal_ingest.airflow_config import base_url_from_connection, connection_fields


def test_crawl_summary_counts_and_json():
    result = CrawlResult(run_id="r1", requests=7, new_ids=["12", "3"], changed_ids=["5"], rechecked_ids=["9"],
                         batches=["b1", "b2"])
    summary = pipeline.crawl_summary(result, kind="crawl", elapsed_s=1.234)
    assert summary["new_ids"] == ["3", "12"] and summary["new_articles"] == 2
    assert summary["changed_articles"] == 1 and summary["rechecked_articles"] == 1
    assert summary["article_ids"] == ["3", "5", "9", "12"]
    assert summary["requests"] == 7 and summary["status"] == "ok" and summary["elapsed_s"] == 1.23
    json.dumps(summary)


def test_no_news_no_event():
    quiet = pipeline.crawl_summary(CrawlResult(run_id="r", requests=2, rechecked_ids=["4"]), kind="crawl")
    assert not pipeline.has_news(quiet)
    for field in ("new_ids", "changed_ids", "gone_ids"):
        assert pipeline.has_news(pipeline.crawl_summary(CrawlResult(run_id="r", **{field: ["1"]}), kind="crawl"))


def test_asset_extra_is_small_and_complete():
    ids = [str(i) for i in range(pipeline.MAX_IDS_IN_EXTRA + 10)]
    summary = pipeline.crawl_summary(CrawlResult(run_id="r9", new_ids=ids, batches=["a"]), kind="backfill")
    extra = pipeline.asset_extra(summary)
    assert extra["run_id"] == "r9" and extra["counts"]["new_articles"] == len(ids)
    assert len(extra["new_ids"]) == pipeline.MAX_IDS_IN_EXTRA and extra["new_ids_truncated"] == len(ids)
    assert extra["batches"] == 1
    json.dumps(extra)


def test_merge_summaries():
    a = pipeline.crawl_summary(CrawlResult(run_id="bf", requests=3, new_ids=["1", "2"]), kind="backfill")
    b = pipeline.crawl_summary(CrawlResult(run_id="bf", requests=4, new_ids=["2", "3"], failed=1, status="partial"),
                               kind="backfill")
    merged = pipeline.merge_summaries([a, None, b])
    assert merged["run_id"] == "bf" and merged["requests"] == 7 and merged["new_ids"] == ["1", "2", "3"]
    assert merged["status"] == "partial" and merged["parts"] == 2


def test_plan_backfill_bounded_batches():
    plan = pipeline.plan_backfill(from_page=1, to_page=100, batch_size=5, max_batches=8)
    assert len(plan) <= 8
    assert [p for b in plan for p in b["pages"]] == list(range(1, 101))
    plan = pipeline.plan_backfill(from_page=3, to_page=4, batch_size=1, channel=14)
    assert [b["pages"] for b in plan] == [[3], [4]] and plan[0]["channel"] == 14
    (by_date,) = pipeline.plan_backfill(since="2020-01-01", until="2020-06-30")
    assert by_date["pages"] is None and by_date["since"] == "2020-01-01"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "page range"),
        ({"from_page": 3}, "both"),
        ({"from_page": 5, "to_page": 2}, "from_page <= to_page"),
        ({"since": "2021-01-01", "until": "2020-01-01"}, "after"),
        ({"from_page": 1, "to_page": 2, "channel": 0}, "channel"),
    ],
)
def test_plan_backfill_rejects(kwargs, message):
    with pytest.raises(pipeline.BackfillParamsError, match=message):
        pipeline.plan_backfill(**kwargs)


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


def test_a_fetch_that_read_nothing_fails_the_task():
    summary = pipeline.crawl_summary(
        CrawlResult(run_id="r", status="failed", errors=["list page 1: FetchFailed: http://x/ (HTTP 503)"]),
        kind="crawl",
    )
    with pytest.raises(pipeline.FetchStepFailed, match="nothing could be read.*HTTP 503"):
        pipeline.raise_if_failed(summary)
    pipeline.raise_if_failed(pipeline.crawl_summary(CrawlResult(run_id="r", status="partial"), kind="crawl"))
