"""Warehouse tests run on both backends: the DuckDB file and a DuckLake whose catalog
is a fresh database in the machine's PostgreSQL. A test about the file itself (its
lock, its published copy) is marked `file_only` and runs on the file alone.

Migrating an empty lake costs 3-5 s on two cores (each DDL statement is a catalog
transaction in PostgreSQL), paid by every lake test that loads something. So the lake
is migrated once per session, in a template catalog, and each test gets a copy
(`CREATE DATABASE ... TEMPLATE`, a fraction of a second) pointed at its own data path.
The migrations themselves stay covered on an empty lake: a test that needs the catalog
empty (test_wh_migrations, an upgrade in place, "nothing is created") is marked
`empty_lake` and gets a fresh database as before.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import pytest
from support.lake import (
    PG_HOST,
    PG_USER,
    create_database,
    drop_database,
    lake_database,
    lake_settings,
)
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


@pytest.fixture(scope="session")
def migrated_lake_template(tmp_path_factory):
    """(catalog database, its data path): an empty lake at the latest schema version."""
    from warehouse import db

    root = tmp_path_factory.mktemp("lake_template")
    name = create_database("portal_lake_template")
    try:
        settings = lake_settings(name, root)
        db.connect(settings).close()
        db.forget_lake(str(settings.duckdb_path))  # no session may hold the template while it is copied
        yield name, settings.lake_data_path
    finally:
        drop_database(name)


@contextmanager
def migrated_lake_copy(template: tuple[str, Path], root: Path):
    """A copy of the template catalog whose data path is `root/lake` (as lake_settings says)."""
    source, source_data = template
    name = create_database(template=source)
    try:
        data = root / "lake"
        shutil.copytree(source_data, data)  # the schema and table folders DuckLake made
        catalog = psycopg2.connect(host=PG_HOST, port=5432, user=PG_USER, dbname=name, connect_timeout=5)
        try:
            with catalog, catalog.cursor() as cur:
                cur.execute("UPDATE ducklake_metadata SET value = %s WHERE key = 'data_path'", (f"{data}/",))
                assert cur.rowcount == 1, "the DuckLake catalog has no data_path row"
        finally:
            catalog.close()
        yield name
    finally:
        drop_database(name)


@pytest.fixture
def settings(request, backend, tmp_path) -> Settings:
    if backend == "file":
        yield Settings(duckdb_path=tmp_path / "portal.duckdb", lock_timeout_s=2.0)
        return
    if request.node.get_closest_marker("empty_lake"):
        with lake_database() as dbname:
            yield lake_settings(dbname, tmp_path, lock_timeout_s=2.0)
        return
    with migrated_lake_copy(request.getfixturevalue("migrated_lake_template"), tmp_path) as dbname:
        yield lake_settings(dbname, tmp_path, lock_timeout_s=2.0)


@pytest.fixture
def parser() -> FakeParser:
    return FakeParser()
