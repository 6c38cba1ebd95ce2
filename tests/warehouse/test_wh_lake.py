"""What the DuckLake backend adds: concurrent loaders, no copy to publish, time travel,
and moving a file warehouse into a lake. Runs on the machine's real PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from support.lake import lake_database, lake_settings
from wh_dump import ALL_TABLES, dump
from wh_fakes import T0, FakeParser, article_page, list_page, write_batch

from ingest.config import Settings
from portal_ingest import cli
from warehouse import checks, db
from warehouse.known import known_articles
from warehouse.load import load_pending
from warehouse.snapshot import publish_snapshot
from warehouse.sql import run_sql
from warehouse.tolake import migrate_to_lake

HERE = Path(__file__).resolve().parent
H = timedelta(hours=1)


@pytest.fixture
def lake(tmp_path) -> Settings:
    with lake_database() as dbname:
        yield lake_settings(dbname, tmp_path, lock_timeout_s=5.0)


LOADER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    sys.path[:0] = [{tests!r}, {here!r}]
    from datetime import timedelta
    from wh_fakes import T0, FakeParser, article_page, list_page, write_batch
    from support.lake import lake_settings
    from warehouse.load import load_pending
    n, dbname, root, go = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
    s = lake_settings(dbname, root, landing_dir=root / f"landing-{{n}}")
    H = timedelta(hours=1)
    for b in range(4):
        ids = [str(1000 + n * 100 + b * 10 + i) for i in range(5)]
        pages = [article_page(i, T0 + b * H) for i in ids]
        pages += [article_page("999", T0 + (n * 10 + b) * H), list_page(ids + ["999"], T0 + (n * 10 + b) * H)]
        write_batch(s, pages, run_id=f"run-{{n}}-{{b}}")
    from warehouse import db
    db.connect(s).close()  # extensions and migrations out of the timed part
    while not go.exists():
        time.sleep(0.01)
    summary = load_pending(s, parser=FakeParser())
    print(summary.batches, summary.new_articles, flush=True)
    """
)


def test_concurrent_loaders_never_lose_or_double_a_row(lake, tmp_path):
    db.connect(lake).close()
    go = tmp_path / "go"
    script = LOADER.format(tests=str(HERE.parent), here=str(HERE))
    procs = [subprocess.Popen([sys.executable, "-c", script, str(n), str(lake.duckdb_path).split("dbname=")[1].split()[0],
                               str(tmp_path), str(go)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in range(3)]
    time.sleep(0.5)
    go.touch()
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [o[1][-2000:] for o in outs]
    assert [o[0].split()[-2] for o in outs] == ["4", "4", "4"], outs  # every process loaded its 4 batches
    con = db.connect(lake)
    try:
        assert db.rows(con, "SELECT count(*), count(DISTINCT article_id) FROM articles") == [(61, 61)]
        assert db.rows(con, "SELECT count(*), count(DISTINCT article_id) FROM listings") == [(61, 61)]
        assert db.rows(con, "SELECT count(*) FROM landing_batches") == [(12,)]
        assert db.rows(con, "SELECT count(*), sum(batches) FROM runs") == [(12, 12)]
        assert db.rows(con, "SELECT version FROM articles WHERE article_id = '999'") == [(1,)]
        assert db.rows(con, "SELECT last_seen_at FROM articles WHERE article_id = '999'") == [(T0 + 23 * H,)]
        assert checks.duplicate_keys(con).ok
    finally:
        con.close()


def test_readers_see_the_lake_without_a_publish(lake):
    write_batch(lake, [article_page("1", T0), list_page(["1"], T0)])
    load_pending(lake, parser=FakeParser())
    assert publish_snapshot(lake) is None  # nothing to copy
    assert not lake.snapshot_path.exists()
    assert run_sql(lake, "SELECT article_id FROM v_documents", fmt="csv") == "article_id\n1"
    assert set(known_articles(lake)) == {"1"}
    write_batch(lake, [article_page("2", T0 + H)], run_id="run-2")
    load_pending(lake, parser=FakeParser())
    assert run_sql(lake, "SELECT count(*) AS n FROM articles", fmt="csv") == "n\n2"  # no publish step
    with pytest.raises(Exception, match="read-only|refused"):
        run_sql(lake, "DELETE FROM articles")
    with pytest.raises(Exception, match="disabled|Permission"):
        run_sql(lake, "SELECT * FROM read_csv('/etc/passwd')")


def test_as_of_answers_what_the_warehouse_said_then(lake, capsys, monkeypatch):
    write_batch(lake, [article_page("1", T0)])
    load_pending(lake, parser=FakeParser())
    time.sleep(1.0)
    between = datetime.now(UTC)
    time.sleep(1.0)
    write_batch(lake, [article_page("2", T0 + H), article_page("3", T0 + H)], run_id="run-2")
    load_pending(lake, parser=FakeParser())
    assert run_sql(lake, "SELECT count(*) AS n FROM articles", fmt="csv") == "n\n3"
    assert run_sql(lake, "SELECT count(*) AS n FROM articles", fmt="csv", as_of=between.isoformat()) == "n\n1"
    monkeypatch.setenv("PORTAL_DUCKDB", str(lake.duckdb_path))
    monkeypatch.setenv("PORTAL_LAKE_DATA_PATH", str(lake.lake_data_path))
    local = between.astimezone(timezone(timedelta(hours=7))).replace(tzinfo=None)
    assert cli.main(["sql", "--as-of", local.isoformat(), "--format", "csv", "SELECT count(*) AS n FROM articles"]) == 0
    assert capsys.readouterr().out.strip() == "n\n1"  # a time without offset is the portal's (+07:00)
    assert cli.main(["sql", "--as-of", "yesterday-ish", "SELECT 1"]) == 2
    assert "--as-of" in capsys.readouterr().err


def test_as_of_on_a_file_is_a_clear_error(tmp_path):
    settings = Settings(duckdb_path=tmp_path / "portal.duckdb")
    write_batch(settings, [article_page("1", T0)])
    load_pending(settings, parser=FakeParser())
    publish_snapshot(settings)
    with pytest.raises(Exception, match="needs a DuckLake"):
        run_sql(settings, "SELECT 1", as_of="2026-01-01T00:00:00+07:00")


def test_migrate_to_lake_copies_every_table_and_version(lake, tmp_path, capsys, monkeypatch):
    file = Settings(duckdb_path=tmp_path / "old" / "portal.duckdb", landing_dir=tmp_path / "old-landing")
    write_batch(file, [article_page("1", T0), article_page("2", T0), list_page(["1", "2"], T0)])
    write_batch(file, [article_page("1", T0 + H, edit=1)], run_id="run-2")
    load_pending(file, parser=FakeParser())
    con = db.connect(file)
    before = dump(con, ALL_TABLES)
    con.close()
    assert len(before["article_versions"]) == 3
    monkeypatch.setenv("PORTAL_DUCKDB", str(lake.duckdb_path))
    monkeypatch.setenv("PORTAL_LAKE_DATA_PATH", str(lake.lake_data_path))
    assert cli.main(["migrate-to-lake", str(file.duckdb_path)]) == 0
    out = capsys.readouterr().out
    assert '"article_versions": 3' in out
    con = db.connect(lake)
    assert dump(con, ALL_TABLES) == before
    con.close()
    with pytest.raises(Exception, match="already holds rows"):
        migrate_to_lake(lake, file.duckdb_path)


def test_an_unreachable_catalog_is_one_clear_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PORTAL_DUCKDB", "ducklake:postgres:dbname=portal_lake_nowhere host=127.0.0.1 port=1 user=postgres")
    monkeypatch.setenv("PORTAL_LAKE_DATA_PATH", str(tmp_path / "lake"))
    assert cli.main(["sql", "SELECT 1"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: WarehouseMissing: cannot open the lake") and "\n" not in err


def test_a_lake_without_data_path_is_refused_for_writing(lake):
    with pytest.raises(Exception, match="PORTAL_LAKE_DATA_PATH"):
        db.connect(Settings(duckdb_path=lake.duckdb_path))
