from __future__ import annotations

import duckdb
import pytest

from warehouse import db, lakeddl
from warehouse.errors import SchemaTooNew, WarehouseMissing

# Migrations are what is under test: on the lake, a fresh catalog, not the migrated copy.
pytestmark = pytest.mark.empty_lake


def _raw(settings) -> duckdb.DuckDBPyConnection:
    """The backend with no migration applied by us: the file, or the lake attached."""
    if settings.is_lake:
        return db.open_lake(settings)
    return duckdb.connect(str(settings.duckdb_path))


def test_fresh_file_is_at_latest_version(settings):
    con = db.connect(settings)
    assert db.schema_version(con) == db.latest_version() >= 2
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"raw_pages", "articles", "article_versions", "directives", "citations", "listings", "runs",
            "quarantine", "landing_batches", "v_documents", "v_directives", "v_citation_counts",
            "v_monthly", "v_runs"} <= tables
    con.close()


def test_file_made_by_first_migration_upgrades_to_latest(settings):
    raw = _raw(settings)
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
    raw = _raw(settings)
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
    with pytest.raises(WarehouseMissing, match="no warehouse at|cannot open the lake"):
        db.connect(settings, read_only=True)


def test_every_migration_runs_on_the_lake_rule():
    """The rule every migration follows on a lake: constraints, indexes and list
    defaults removed, everything else kept; a hand-written variant wins."""
    sql = """
    -- a comment, with (parens) and commas
    CREATE TABLE t (
        id VARCHAR PRIMARY KEY,          -- key: dropped
        n INTEGER NOT NULL DEFAULT 0,
        tags VARCHAR[] NOT NULL DEFAULT ['a', 'b'],
        ref VARCHAR REFERENCES other (id),
        c INTEGER CHECK (c > 0),
        s VARCHAR DEFAULT 'x;y',
        UNIQUE (n, s),
        PRIMARY KEY (id)
    );
    CREATE UNIQUE INDEX t_n ON t (n);
    ALTER TABLE t ADD COLUMN errs VARCHAR[] DEFAULT [];
    ALTER TABLE t ADD PRIMARY KEY (id);
    CREATE VIEW v AS SELECT regexp_extract(s, '[-/]([A-Z]+)$', 1) AS code FROM t;
    """
    out = lakeddl.lake_sql(sql)
    assert "PRIMARY" not in out and "UNIQUE" not in out and "REFERENCES" not in out
    assert "CHECK" not in out and "INDEX" not in out and "['a'" not in out
    assert "n INTEGER NOT NULL DEFAULT 0" in out and "s VARCHAR DEFAULT 'x;y'" in out
    assert "ADD COLUMN errs VARCHAR[];" in out and "'[-/]([A-Z]+)$'" in out
    con = duckdb.connect()
    con.execute(out)  # what remains is valid SQL
    assert [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns"
                                      " WHERE table_name = 't' ORDER BY ordinal_position").fetchall()] == \
        ["id", "n", "tags", "ref", "c", "s", "errs"]


def test_a_lake_variant_file_wins(tmp_path):
    path = tmp_path / "0009_x.sql"
    path.write_text("CREATE TABLE a (x INT PRIMARY KEY);")
    assert "PRIMARY" not in lakeddl.migration_sql(path, lake=True)
    assert "PRIMARY" in lakeddl.migration_sql(path, lake=False)
    lakeddl.variant_path(path).write_text("CREATE TABLE a (x BIGINT);")
    assert lakeddl.migration_sql(path, lake=True) == "CREATE TABLE a (x BIGINT);"


def test_migration_names_are_numbered_and_unique():
    versions = [v for v, _, _ in db.migrations()]
    assert versions == sorted(set(versions)) and versions[0] == 1
