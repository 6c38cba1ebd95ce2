"""Warehouse tests run on both backends: the DuckDB file and a DuckLake whose catalog
is a fresh database in the machine's PostgreSQL. A test about the file itself (its
lock, its published copy) is marked `file_only` and runs on the file alone."""

from __future__ import annotations

import pytest
from support.lake import lake_database, lake_settings
from wh_fakes import FakeParser

from ingest.config import Settings

BACKENDS = ("file", "lake")


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("file_only")
        metafunc.parametrize("backend", ["file"] if only else list(BACKENDS), indirect=True)


@pytest.fixture
def backend(request) -> str:
    return request.param


@pytest.fixture
def settings(backend, tmp_path) -> Settings:
    if backend == "file":
        yield Settings(duckdb_path=tmp_path / "portal.duckdb", lock_timeout_s=2.0)
        return
    with lake_database() as dbname:
        yield lake_settings(dbname, tmp_path, lock_timeout_s=2.0)


@pytest.fixture
def parser() -> FakeParser:
    return FakeParser()
