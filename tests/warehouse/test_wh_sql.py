from __future__ import annotations

import csv
import io
import json

import pytest
from support.lake import lake_spec
from wh_fakes import T0, article_page, list_page, write_batch

from warehouse.errors import QueryFailed, ReadOnlyQuery, WarehouseMissing
from warehouse.load import load_pending
from warehouse.snapshot import publish_snapshot
from warehouse.sql import format_rows, interactive_shell, run_sql


@pytest.fixture
def published(settings, parser):
    write_batch(settings, [article_page("1", T0), article_page("2", T0, directives=3), list_page(["1", "2"], T0)])
    load_pending(settings, parser=parser)
    publish_snapshot(settings)
    return settings


def test_table_output_is_aligned(published):
    out = run_sql(published, "SELECT article_id, directive_count, doc_number FROM v_documents ORDER BY 1")
    lines = out.splitlines()
    assert lines[0].split() == ["article_id", "directive_count", "doc_number"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[2].split() == ["1", "2", "1/UBND-NC"] and lines[-1] == "(2 rows)"
    # numbers right-aligned under their header, text left-aligned
    header = lines[0]
    assert lines[2].index("2") + 1 == header.index("directive_count") + len("directive_count")
    assert lines[2].index("1/UBND-NC") == header.index("doc_number")


def test_csv_json_markdown(published):
    q = "SELECT article_id, published_on, addressees FROM articles ORDER BY 1"
    rows = list(csv.reader(io.StringIO(run_sql(published, q, fmt="csv"))))
    assert rows[0] == ["article_id", "published_on", "addressees"] and rows[1][:2] == ["1", "2020-10-09"]
    data = json.loads(run_sql(published, q, fmt="json"))
    assert data[0] == {"article_id": "1", "published_on": "2020-10-09", "addressees": ["Department of Health"]}
    md = run_sql(published, q, fmt="markdown").splitlines()
    assert md[0] == "| article_id | published_on | addressees |" and md[1].startswith("| --- |")


def test_parameters_not_string_building(published):
    out = run_sql(published, "SELECT title FROM articles WHERE article_id = ?", fmt="csv", params=["2"])
    assert out.splitlines() == ["title", "To step up work 2"]


def test_timestamps_print_in_portal_time(published):
    out = run_sql(published, "SELECT first_seen_at FROM articles LIMIT 1", fmt="csv")
    assert out.splitlines()[1] == "2026-11-01T08:00:00+07:00"


@pytest.mark.parametrize("query", [
    "DELETE FROM articles",
    "INSERT INTO runs (run_id, kind, started_at, status) VALUES ('x', 'x', now(), 'ok')",
    "CREATE TABLE t (a INT)",
    "ATTACH '/tmp/elsewhere.duckdb' AS w",
    "COPY articles TO '/tmp/out.csv'",
    "SELECT 1; DROP TABLE articles",
])
def test_writes_are_refused_with_one_line(published, query):
    with pytest.raises(ReadOnlyQuery) as info:
        run_sql(published, query)
    assert "\n" not in str(info.value) and "read-only" in str(info.value)
    assert run_sql(published, "SELECT count(*) AS n FROM articles", fmt="csv") == "n\n2"


def test_bad_query_and_missing_snapshot(settings, published):
    with pytest.raises(QueryFailed) as info:
        run_sql(published, "SELECT nope FROM articles")
    assert "\n" not in str(info.value) and "nope" in str(info.value)
    with pytest.raises(QueryFailed, match="unknown format"):
        run_sql(published, "SELECT 1", fmt="xml")
    if published.is_lake:  # a catalog database that does not exist
        missing = published.with_overrides(duckdb_path=lake_spec("portal_lake_test_never_created"))
        with pytest.raises(WarehouseMissing, match="cannot open the lake"):
            run_sql(missing, "SELECT 1")
        return
    published.snapshot_path.unlink()
    with pytest.raises(WarehouseMissing, match="no snapshot at"):
        run_sql(published, "SELECT 1")


def test_interactive_shell(published):
    stdin = io.StringIO("SELECT count(*) AS n\n FROM articles;\n.format csv\nSELECT 7 AS x;\n"
                        "DELETE FROM articles;\nSELECT bad;\n.quit\nSELECT 'never';\n")
    stdout, stderr = io.StringIO(), io.StringIO()
    # Not a terminal: a failed statement makes the exit status 1 (a script must notice).
    assert interactive_shell(published, stdin=stdin, stdout=stdout, stderr=stderr) == 1
    out, err = stdout.getvalue(), stderr.getvalue()
    assert "(1 row)" in out and "x\n7" in out and "never" not in out and "Error" not in out
    assert "Error: refused: DELETE statement" in err and "Error: Binder Error" in err


def test_format_rows_handles_nulls_and_empty():
    assert format_rows(["a"], [], "table").splitlines()[-1] == "(0 rows)"
    assert "NULL" in format_rows(["a"], [(None,)], "table")


class _ScriptedInput:
    """stdin for the shell that runs a callback before handing out a line."""

    def __init__(self, steps):
        self.steps = list(steps)

    def readline(self):
        if not self.steps:
            return ""
        line, before = self.steps.pop(0)
        if before:
            before()
        return line


def test_shell_session_stays_open_across_a_load_and_sees_the_new_snapshot(published, parser):
    def load_more():
        write_batch(published, [article_page("3", T0)], run_id="run-2")
        load_pending(published, parser=parser)
        publish_snapshot(published)

    stdin = _ScriptedInput([("SELECT count(*) AS n FROM articles;\n", None),
                            ("SELECT count(*) AS n FROM articles;\n", load_more)])
    stdout = io.StringIO()
    interactive_shell(published, stdin=stdin, stdout=stdout, fmt="csv")
    assert stdout.getvalue().split() == ["n", "2", "n", "3"]
