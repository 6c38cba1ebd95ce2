"""Extensions load by path from their PyPI packages, with no network and no INSTALL."""

import duckdb
import pytest

from warehouse import extensions


@pytest.mark.parametrize("name", ["fts", "ducklake", "postgres"])
def test_packaged_extension_loads_offline(name):
    con = duckdb.connect()
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    extensions.load(con, name)
    loaded = {r[0] for r in con.execute("SELECT extension_name FROM duckdb_extensions() WHERE loaded").fetchall()}
    assert {"postgres": "postgres_scanner"}.get(name, name) in loaded


def test_fts_ranks_by_bm25():
    con = duckdb.connect()
    extensions.load(con, "fts")
    con.execute("CREATE TABLE t (id INTEGER, body VARCHAR)")
    con.execute(
        "INSERT INTO t VALUES (1, 'flood prevention and storm response'),"
        " (2, 'administrative reform'), (3, 'floods floods flooding prevention of floods')"
    )
    con.execute("PRAGMA create_fts_index('t', 'id', 'body')")
    ranked = con.execute(
        "SELECT id FROM (SELECT id, fts_main_t.match_bm25(id, 'flood') AS s FROM t) WHERE s IS NOT NULL ORDER BY s DESC"
    ).fetchall()
    assert [r[0] for r in ranked] == [3, 1]


def test_missing_package_is_one_line():
    with pytest.raises(extensions.ExtensionMissing, match="duckdb-extension-nosuch==1.5.5"):
        extensions.extension_file("nosuch")


def test_load_on_a_connection_with_file_access_shut(tmp_path):
    # a second connection to a file whose instance already loaded fts and then shut
    # file access (the read-only snapshot): LOAD by name, no directory scan
    path = str(tmp_path / "x.duckdb")
    first = duckdb.connect(path)
    extensions.load(first, "fts")
    first.execute("SET enable_external_access = false")
    second = duckdb.connect(path)
    extensions.load(second, "fts")
    assert second.execute("SELECT stem('floods', 'english')").fetchall() == [("flood",)]
    first.close()
    second.close()
