"""The compose init step that creates the DuckLake catalog database (real PostgreSQL)."""

from __future__ import annotations

import os

import pytest
from support.lake import drop_database, lake_spec

from ingest.config import Settings
from portal_ingest import airflow_setup
from portal_ingest.lake_setup import catalog_params, ensure_catalog_database


def test_creates_the_catalog_database_once():
    name = f"portal_lake_test_setup_{os.getpid()}"
    spec = lake_spec(name)
    drop_database(name)
    try:
        assert ensure_catalog_database(spec) == f"catalog database {name} created"
        assert ensure_catalog_database(spec) == f"catalog database {name} exists"
    finally:
        drop_database(name)


def test_catalog_params_refuse_what_is_not_a_postgres_lake():
    assert catalog_params("ducklake:postgres:dbname=x host=h user=u") == {"dbname": "x", "host": "h", "user": "u"}
    for bad in ("/data/portal.duckdb", "ducklake:postgres:host=h", "ducklake:postgres:dbname"):
        with pytest.raises(ValueError):
            catalog_params(bad)


def test_writer_pool_has_more_slots_on_the_lake(monkeypatch):
    assert airflow_setup.pool_slots(Settings()) == 1
    lake = Settings(duckdb_path=lake_spec("x"))
    assert airflow_setup.pool_slots(lake) == airflow_setup.LAKE_POOL_SLOTS > 1
    monkeypatch.setenv("PORTAL_WRITER_SLOTS", "6")
    assert airflow_setup.pool_slots(lake) == 6
