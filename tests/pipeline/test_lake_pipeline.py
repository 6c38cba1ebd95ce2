"""The one composition (fetch -> load -> check -> publish) on a DuckLake warehouse:
nothing is copied at publish (the report says so), the crawler knows what the lake
holds, and search and the report are made by the publish step. Real PostgreSQL."""

from __future__ import annotations

import pytest
from support.lake import lake_database, lake_settings

from portal_ingest import pipeline
from warehouse import search
from warehouse.errors import DataQualityError
from warehouse.snapshot import LAKE_NOTHING_TO_PUBLISH, open_reader


@pytest.fixture
def lake(tmp_path, mini_portal, portal_settings):
    with lake_database() as dbname:
        spec = lake_settings(dbname, tmp_path)
        yield portal_settings.with_overrides(duckdb_path=spec.duckdb_path, lake_data_path=spec.lake_data_path)


def test_crawl_on_the_lake_publishes_nothing_and_knows_what_it_loaded(mini_portal, lake):
    first = pipeline.crawl(lake).to_dict()
    assert first["status"] == "ok", first
    published = first["published"]
    assert published["snapshot"] is None and published["published"] is False
    assert published["note"] == LAKE_NOTHING_TO_PUBLISH
    assert not lake.snapshot_path.exists()
    con = open_reader(lake)
    try:
        stored = {r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()}
        origins = con.execute("SELECT DISTINCT origin FROM runs").fetchall()
    finally:
        con.close()
    assert stored == {"2718", "2722", "2731"} and origins == [("cli",)]
    # search reads the index the publish step built beside the data path
    con = search.open_for_search(lake)
    try:
        _, hits = search.search(con, "2718")
    finally:
        con.close()
    assert hits and hits[0][0] == "2718"
    mini_portal.clear()
    second = pipeline.crawl(lake).to_dict()
    assert len(mini_portal.seen) <= 2, mini_portal.seen
    assert second["fetch"]["new_ids"] == [] and second["fetch"]["changed_ids"] == []


def test_a_failed_check_on_the_lake_stops_before_the_publish_step(lake):
    strict = lake.with_overrides(qc_max_missing_share=-1.0)
    report = pipeline.crawl(strict).to_dict()
    assert report["status"] == "failed" and "missing_number_or_date" in report["error"]
    assert report["published"] is None
    assert not search.lake_index_path(strict).exists()
    with pytest.raises(DataQualityError):
        pipeline.check_quality(strict)
