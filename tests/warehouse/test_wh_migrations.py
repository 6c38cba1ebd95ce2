from __future__ import annotations

import duckdb
import pytest

from warehouse import db
from warehouse.errors import SchemaTooNew, WarehouseMissing


def test_fresh_file_is_at_latest_version(settings):
    con = db.connect(settings)
    assert db.schema_version(con) == db.latest_version() >= 2
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"raw_pages", "articles", "article_versions", "directives", "citations", "listings", "runs",
            "quarantine", "landing_batches", "v_documents", "v_directives", "v_citation_counts",
            "v_monthly", "v_runs"} <= tables
    con.close()


def test_file_made_by_first_migration_upgrades_to_latest(settings):
    raw = duckdb.connect(str(settings.duckdb_path))
    assert db.migrate(raw, upto=1) == [1]
    raw.execute("INSERT INTO runs (run_id, kind, started_at, status) VALUES ('r1', 'crawl', now(), 'ok')")
    raw.close()

    con = db.connect(settings)
    assert db.schema_version(con) == db.latest_version()
    assert con.execute("SELECT run_id, kind FROM v_runs").fetchall() == [("r1", "crawl")]
    applied = [r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()]
    assert applied == [v for v, _, _ in db.migrations()]
    con.close()


def test_reopening_applies_nothing_twice(settings):
    db.connect(settings).close()
    con = db.connect(settings)
    assert db.migrate(con) == []
    con.close()


def test_read_only_open_reads_an_older_file_and_refuses_a_newer_one(settings):
    raw = duckdb.connect(str(settings.duckdb_path))
    db.migrate(raw, upto=1)
    raw.close()
    old = db.connect(settings, read_only=True)  # e.g. a snapshot published before an upgrade
    assert db.schema_version(old) == 1
    old.close()
    con = db.connect(settings)
    con.execute("INSERT INTO schema_version (version, name) VALUES (999, 'future')")
    con.close()
    with pytest.raises(SchemaTooNew, match="999"):
        db.connect(settings)


def test_read_only_open_of_missing_file(settings):
    with pytest.raises(WarehouseMissing, match="no warehouse at"):
        db.connect(settings, read_only=True)


def test_migration_names_are_numbered_and_unique():
    versions = [v for v, _, _ in db.migrations()]
    assert versions == sorted(set(versions)) and versions[0] == 1
