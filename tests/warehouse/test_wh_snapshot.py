from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from wh_fakes import T0, article_page, gone_page, list_page, write_batch

from warehouse import db
from warehouse.known import known_articles
from warehouse.load import load_pending
from warehouse.snapshot import publish_snapshot

H = timedelta(hours=1)


@pytest.mark.file_only
def test_snapshot_is_a_read_only_copy_with_views(settings, parser):
    write_batch(settings, [article_page("1", T0), list_page(["1"], T0)])
    load_pending(settings, parser=parser)
    path = publish_snapshot(settings)
    assert path == settings.snapshot_path and path.exists()
    assert not list(path.parent.glob("*.tmp-*"))
    con = db.connect(path, read_only=True)
    assert con.execute("SELECT article_id FROM v_documents").fetchall() == [("1",)]
    assert db.schema_version(con) == db.latest_version()
    with pytest.raises(Exception, match="read-only"):
        con.execute("DELETE FROM articles")
    con.close()


@pytest.mark.file_only
def test_publish_with_the_writers_open_connection(settings, parser):
    write_batch(settings, [article_page("1", T0)])
    load_pending(settings, parser=parser)
    con = db.connect(settings)
    publish_snapshot(settings, con)
    assert con.execute("SELECT count(*) FROM articles").fetchall() == [(1,)]  # still usable
    con.close()


ANALYST = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import duckdb
    # An analyst holding the snapshot open, querying whenever told to.
    con = duckdb.connect(sys.argv[1], read_only=True)
    for line in sys.stdin:
        if line.strip() == "reopen":
            con.close()
            con = duckdb.connect(sys.argv[1], read_only=True)
        print(con.execute("SELECT count(*) FROM articles").fetchall()[0][0], flush=True)
    """
)


@pytest.mark.file_only
def test_an_open_analyst_session_survives_a_load_and_publish(settings, parser):
    write_batch(settings, [article_page("1", T0)])
    load_pending(settings, parser=parser)
    publish_snapshot(settings)
    analyst = subprocess.Popen([sys.executable, "-c", ANALYST, str(settings.snapshot_path)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        def ask(line="count"):
            analyst.stdin.write(line + "\n")
            analyst.stdin.flush()
            return analyst.stdout.readline().strip()

        assert ask() == "1"
        # The analyst holds the snapshot open: the writer neither waits nor fails.
        write_batch(settings, [article_page("2", T0 + H)], run_id="run-2")
        settings_fast = settings.with_overrides(lock_timeout_s=1.0)
        assert load_pending(settings_fast, parser=parser).new_articles == 1
        publish_snapshot(settings_fast)
        assert ask() == "1"  # the old, consistent view, still working
        assert ask("reopen") == "2"  # a new session sees the new snapshot
    finally:
        analyst.stdin.close()
        analyst.wait(timeout=30)
    assert analyst.returncode == 0


def test_known_articles_empty_without_snapshot(settings):
    assert known_articles(settings) == {}


def test_known_articles_from_the_snapshot(settings, parser):
    write_batch(settings, [article_page("1", T0), article_page("2", T0), list_page(["1", "2", "3"], T0),
                           gone_page("2", T0 + H), article_page("9", T0, raw=b"{broken")])
    load_pending(settings, parser=parser)
    publish_snapshot(settings)
    known = known_articles(settings)
    assert set(known) == {"1", "2", "3", "9"}
    one = known["1"]
    assert one.title == "To step up work 1" and one.listed_at.endswith("+07:00")
    assert one.last_fetched_at == "2026-11-01T08:00:00+07:00" and one.withdrawn is False
    assert known["2"].withdrawn is True and known["2"].last_fetched_at == "2026-11-01T09:00:00+07:00"
    assert known["3"].last_fetched_at is None  # listed, never fetched
    assert known["9"].last_fetched_at is not None  # fetched, quarantined: known, not refetched blindly


def test_known_articles_tell_quarantined_and_url(settings, parser):
    write_batch(settings, [article_page("1", T0), article_page("4", T0), list_page(["1", "3", "4"], T0),
                           article_page("9", T0, raw=b"{broken")])
    write_batch(settings, [article_page("4", T0 + H, raw=b"{broken too")], run_id="run-2")
    load_pending(settings, parser=parser)
    publish_snapshot(settings)
    known = known_articles(settings)
    assert known["1"].quarantined is False and known["3"].quarantined is False
    assert known["9"].quarantined is True  # never parsed
    assert known["4"].quarantined is True  # stored, but its latest fetch did not parse
    assert known["1"].url.endswith("articleID=1") and known["3"].url.endswith("articleID=3")
    # parsed again later: no longer quarantined
    write_batch(settings, [article_page("4", T0 + 2 * H)], run_id="run-3")
    load_pending(settings, parser=parser)
    publish_snapshot(settings)
    assert known_articles(settings)["4"].quarantined is False


@pytest.mark.file_only
def test_snapshot_directory_is_the_warehouse_directory(settings):
    assert Path(settings.snapshot_path).parent == Path(settings.duckdb_path).parent


KILL_PUBLISH = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from ingest.config import Settings
    os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)  # die with the copy written aside
    from warehouse.snapshot import publish_snapshot
    publish_snapshot(Settings(duckdb_path=Path(sys.argv[1])))
    """
)


@pytest.mark.file_only
def test_publish_killed_before_the_rename_leaves_the_old_snapshot(settings, parser):
    write_batch(settings, [article_page("1", T0)])
    load_pending(settings, parser=parser)
    publish_snapshot(settings)
    write_batch(settings, [article_page("2", T0)], run_id="run-2")
    load_pending(settings, parser=parser)
    proc = subprocess.run([sys.executable, "-c", KILL_PUBLISH, str(settings.duckdb_path)],
                          cwd=Path(db.__file__).parents[1], capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr
    con = db.connect(settings.snapshot_path, read_only=True)
    assert con.execute("SELECT count(*) FROM articles").fetchall() == [(1,)]
    con.close()
    assert list(settings.snapshot_path.parent.glob("*.tmp-*"))  # the leftover copy...
    publish_snapshot(settings)
    assert not list(settings.snapshot_path.parent.glob("*.tmp-*"))  # ...is swept by the next publish
    con = db.connect(settings.snapshot_path, read_only=True)
    assert con.execute("SELECT count(*) FROM articles").fetchall() == [(2,)]
    con.close()
