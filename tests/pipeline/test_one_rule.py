"""Issue 13: one rule in one place. Each test here failed before the rule was
written once; the portal is a real HTTP server on 127.0.0.1 serving UTF-8 list
pages labelled windows-1252 that link articles by zero-padded ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import duckdb
import pytest

import transforms
from ingest.config import Settings
from ingest.landing import Landing
from portal_ingest import pipeline
from warehouse.errors import DataQualityError

ICT = timezone(timedelta(hours=7))


def as_dict(report):
    return report.to_dict() if hasattr(report, "to_dict") else report


def rows(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# 1. one decoder for list pages -----------------------------------------------------------
def test_crawler_reads_a_list_page_as_the_loader_does(mini_portal, portal_settings):
    from ingest.http import PortalClient
    from ingest.listing import read_list_page

    url = mini_portal.base_url + "/en-us/Pages/news.aspx?Page=1"
    with PortalClient(portal_settings) as client:
        page = read_list_page(client, url, 1)
    loader_view = transforms.parse_listing(page.stored.body, page.url)["items"]
    assert [e.title for e in page.entries] == [i["title"] for i in loader_view]
    assert page.entries[0].title.startswith("Hưng Yên")


# 2. one article id rule ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url, expected",
    [
        ("http://h/en-us/Pages/Article.aspx?ChannelId=14&articleID=02718", "2718"),
        ("http://h/en-us/Pages/Article.aspx?articleid=2718&ChannelId=14", "2718"),
        ("http://h/to-step-up-c02718.html", "2718"),
        ("http://h/news/to-step-up-2718.html", "2718"),
        ("http://h/en-us/Pages/news.aspx?ChannelId=14&Page=2", None),
    ],
)
def test_one_article_id_rule(url, expected):
    import ingest.urls
    from transforms.urls import article_id

    assert article_id(url) == expected
    assert not hasattr(ingest.urls, "article_id"), "a second article-id rule in ingest/urls.py"


def test_parse_list_gives_ids_without_leading_zeros(mini_portal):
    import urllib.request

    url = mini_portal.base_url + "/en-us/Pages/news.aspx?Page=1"
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read()
    items = transforms.parse_listing(body, url)["items"]
    assert [i["article_id"] for i in items] == ["2718", "2731", "2722"]


def test_second_crawl_of_a_mislabelled_zero_padded_portal_costs_two_requests(mini_portal, portal_settings):
    first = as_dict(pipeline.crawl(portal_settings))
    assert first["status"] == "ok", first
    assert sorted(first["fetch"]["new_ids"]) == ["2718", "2722", "2731"]
    stored = {r[0] for r in rows(portal_settings.snapshot_path, "SELECT article_id FROM articles")}
    assert stored == {"2718", "2722", "2731"}
    mini_portal.clear()
    second = as_dict(pipeline.crawl(portal_settings))
    assert len(mini_portal.seen) <= 2, mini_portal.seen
    assert second["fetch"]["new_ids"] == [] and second["fetch"]["changed_ids"] == []


# 3. a failing quality check does not make the crawler refetch ------------------------------------------
def test_failed_check_then_two_runs_fetch_nothing_twice(mini_portal, portal_settings):
    strict = portal_settings.with_overrides(qc_max_missing_share=-1.0)  # every check run fails
    pipeline.fetch_latest(strict)
    pipeline.load_pending(strict)
    with pytest.raises(DataQualityError):
        pipeline.check_quality(strict)
    assert not strict.snapshot_path.exists()  # not published
    fetched = sorted(mini_portal.articles_fetched())
    assert len(fetched) == 3
    for _ in range(2):  # two more scheduled runs, the check still failing
        again = as_dict(pipeline.fetch_latest(strict))
        assert again["new_ids"] == [] and again["changed_ids"] == []
        pipeline.load_pending(strict)
        with pytest.raises(DataQualityError):
            pipeline.check_quality(strict)
    assert sorted(mini_portal.articles_fetched()) == fetched


# 4. one composition: the CLI's crawl checks before it publishes ---------------------------------------
def test_crawl_checks_before_publishing(mini_portal, portal_settings):
    strict = portal_settings.with_overrides(qc_max_missing_share=-1.0)
    report = as_dict(pipeline.crawl(strict))
    assert report["status"] == "failed"
    assert "missing_number_or_date" in report["error"]
    assert report["published"] is None and not strict.snapshot_path.exists()
    assert pipeline.STEPS == ("fetch", "load", "check", "publish")


# 5. a time without an offset is portal time, everywhere ---------------------------------------------
def test_a_time_without_offset_is_portal_time(tmp_path):
    from ingest.landing import FetchedPage, KnownArticle, RunRecord
    from ingest.listing import due_for_recheck
    from warehouse.load import load_pending

    now = datetime.now(UTC)
    # Fetched 7.1 days ago, written as portal wall-clock time without an offset.
    naive_ict = (now - timedelta(days=7.1)).astimezone(ICT).replace(tzinfo=None).isoformat()
    assert due_for_recheck(KnownArticle("1", None, None, naive_ict), now, 7.0)
    fresh = (now - timedelta(days=6.9)).astimezone(ICT).replace(tzinfo=None).isoformat()
    assert not due_for_recheck(KnownArticle("1", None, None, fresh), now, 7.0)

    settings = Settings(duckdb_path=tmp_path / "w.duckdb")
    page = FetchedPage("robots", "http://h/robots.txt", None, "2026-11-01T08:00:00", 200, {}, b"")
    Landing(settings.landing).write_batch(RunRecord("r1", "crawl", "2026-11-01T08:00:00"), [page])
    load_pending(settings)
    expected = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)
    assert rows(settings.duckdb_path, "SELECT fetched_at FROM raw_pages")[0][0] == expected
    assert rows(settings.duckdb_path, "SELECT started_at FROM runs")[0][0] == expected


# 6. runs: one kind per DAG, a row for every run, time zones ---------------------------------------------
def test_every_backfill_batch_of_one_dag_run_has_one_kind(mini_portal, portal_settings):
    by_page = pipeline.plan_backfill(from_page=1, to_page=1)
    by_date = pipeline.plan_backfill(since="2020-01-01", until="2020-12-31")
    for batch in by_page + by_date:
        pipeline.fetch_backfill_batch(portal_settings, batch, run_id="bf-1", origin="dag:portal_backfill")
    kinds = {b.run.kind for b in Landing(portal_settings.landing).pending_batches()}
    origins = {b.run.origin for b in Landing(portal_settings.landing).pending_batches()}
    assert kinds == {"backfill"} and origins == {"dag:portal_backfill"}


def test_runs_times_carry_their_zone(tmp_path):
    from warehouse.db import connect

    con = connect(Settings(duckdb_path=tmp_path / "w.duckdb"))
    try:
        con.execute("INSERT INTO runs (run_id, kind, started_at, status) VALUES ('r', 'crawl', now(), 'ok')")
        types = con.execute(
            "SELECT typeof(started_at), typeof(finished_at), typeof(loaded_at) FROM v_runs").fetchall()
        origin = con.execute("SELECT origin FROM v_runs").fetchall()
    finally:
        con.close()
    assert types == [("TIMESTAMP WITH TIME ZONE",) * 3]
    assert origin == [("cli",)]


def test_a_page_quarantined_while_the_check_fails_is_fetched_again(mini_portal, portal_settings):
    """Held back by a failed check, a loaded page that did not parse is not "known": the
    next run fetches it again (as it would a quarantined article of the snapshot)."""
    strict = portal_settings.with_overrides(qc_max_missing_share=-1.0)
    # A snapshot published before (an empty one): without any, "what we know" is the live
    # file, where the page is a known quarantined article (fetched again as a recheck).
    pipeline.load_pending(strict)
    pipeline.publish_snapshot(strict)
    pipeline.fetch_latest(strict)
    landing = Landing(strict.landing)
    for batch in landing.pending_batches():  # the layout broke: 2731's page no longer parses
        pages = [p for p in batch.pages()]
        for page in pages:
            if page.article_id == "2731":
                page.body = b"<html><body>please enable JavaScript</body></html>"
        batch.path.unlink()
        landing.write_batch(batch.run, pages)
    pipeline.load_pending(strict)
    with pytest.raises(DataQualityError):
        pipeline.check_quality(strict)
    mini_portal.clear()
    again = as_dict(pipeline.fetch_latest(strict))
    assert again["new_ids"] == ["2731"] and len(mini_portal.articles_fetched()) == 1
