from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from wh_dump import ALL_TABLES, counts, dump
from wh_fakes import T0, article_page, gone_page, list_page, write_batch

from ingest.landing import Landing
from warehouse.db import connect
from warehouse.load import load_pending

H = timedelta(hours=1)


def _rows(settings, sql, params=None):
    con = connect(settings)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_first_load_builds_every_table(settings, parser):
    write_batch(settings, [article_page("1", T0), article_page("2", T0, directives=3),
                           list_page(["1", "2"], T0)])
    summary = load_pending(settings, parser=parser)
    assert (summary.batches, summary.pages, summary.new_articles, summary.changed_articles) == (1, 3, 2, 0)
    assert summary.article_ids == ["1", "2"] and summary.run_ids == ["run-1"]
    con = connect(settings)
    c = counts(con)
    assert c["articles"] == 2 and c["article_versions"] == 2 and c["directives"] == 5
    assert c["citations"] == 2 and c["listings"] == 2 and c["raw_pages"] == 3 and c["landing_batches"] == 1
    art = con.execute("SELECT article_id, version, doc_number, doc_type, published_on, channel_id,"
                      " addressees, first_seen_at = last_changed_at FROM articles ORDER BY 1").fetchall()
    assert art[0][:6] == ("1", 1, "1/UBND-NC", "Official Letter", T0.date().replace(2020, 10, 9), "14")
    assert art[0][6] == ["Department of Health"] and art[0][7] is True
    # Bodies are stored compressed, and decompress to the fetched bytes.
    import zlib
    body, size = con.execute("SELECT body, body_size FROM raw_pages WHERE article_id = '1'").fetchall()[0]
    assert len(zlib.decompress(body)) == size
    con.close()
    assert list(Landing(settings.landing).pending.glob("*")) == []


def test_same_batch_twice_changes_nothing(settings, parser):
    batch = write_batch(settings, [article_page("1", T0), list_page(["1"], T0)])
    saved = batch.path.with_suffix(".keep")
    shutil.copy(batch.path, saved)
    load_pending(settings, parser=parser)
    con = connect(settings)
    before = dump(con, ALL_TABLES)
    con.close()
    shutil.copy(saved, batch.path)  # the same batch reappears in pending/
    summary = load_pending(settings, parser=parser)
    assert summary.batches == 0 and summary.skipped_batches == 1
    con = connect(settings)
    assert dump(con, ALL_TABLES) == before
    con.close()


def test_same_page_in_another_batch_changes_nothing(settings, parser):
    page = article_page("1", T0)
    write_batch(settings, [page])
    load_pending(settings, parser=parser)
    con = connect(settings)
    before = dump(con)
    con.close()
    write_batch(settings, [page], run_id="run-2")
    summary = load_pending(settings, parser=parser)
    assert (summary.new_articles, summary.changed_articles, summary.unchanged) == (0, 0, 1)
    con = connect(settings)
    assert dump(con) == before
    con.close()


def test_changed_content_makes_a_version_not_a_row(settings, parser):
    write_batch(settings, [article_page("1", T0)])
    load_pending(settings, parser=parser)
    write_batch(settings, [article_page("1", T0 + H)], run_id="run-2")  # new bytes, same content
    s2 = load_pending(settings, parser=parser)
    assert (s2.changed_articles, s2.unchanged) == (0, 1)
    write_batch(settings, [article_page("1", T0 + 2 * H, edit=1, directives=1)], run_id="run-3")
    s3 = load_pending(settings, parser=parser)
    assert (s3.changed_articles, s3.article_ids) == (1, ["1"])
    assert _rows(settings, "SELECT count(*), max(version) FROM articles") == [(1, 2)]
    assert _rows(settings, "SELECT version, seen_at = ? FROM article_versions ORDER BY 1", [T0 + 2 * H]) == [
        (1, False), (2, True)]
    assert _rows(settings, "SELECT text FROM directives") == [("Directive 1 of 1 v1",)]
    first, changed, seen = _rows(settings, "SELECT first_seen_at, last_changed_at, last_seen_at FROM articles")[0]
    assert (first, changed, seen) == (T0, T0 + 2 * H, T0 + 2 * H)


def test_unchanged_refetch_only_moves_last_seen(settings, parser):
    write_batch(settings, [article_page("1", T0)])
    load_pending(settings, parser=parser)
    write_batch(settings, [article_page("1", T0 + H)], run_id="run-2")
    load_pending(settings, parser=parser)
    assert _rows(settings, "SELECT version, last_changed_at, last_seen_at FROM articles") == [(1, T0, T0 + H)]
    assert _rows(settings, "SELECT count(*) FROM raw_pages") == [(2,)]


def test_two_fetches_of_one_article_in_one_batch(settings, parser):
    write_batch(settings, [article_page("1", T0 + H, edit=1), article_page("1", T0)])
    summary = load_pending(settings, parser=parser)
    assert summary.new_articles == 1
    assert _rows(settings, "SELECT version, content_sha256 = (SELECT content_sha256 FROM article_versions"
                           " WHERE version = 2) FROM articles") == [(2, True)]


def test_quarantine_then_cleared_when_the_page_parses(settings, parser):
    write_batch(settings, [article_page("7", T0, raw=b'{"explode": true}'), article_page("1", T0)])
    summary = load_pending(settings, parser=parser)
    assert summary.quarantined == 1 and summary.new_articles == 1
    q = _rows(settings, "SELECT article_id, kind, error, parser_version FROM quarantine")
    assert q == [("7", "article", "ValueError: cannot find the article body", "1.0.0")]
    write_batch(settings, [article_page("8", T0, raw=b'{"title": ""}')], run_id="run-2")
    load_pending(settings, parser=parser)
    assert _rows(settings, "SELECT error FROM quarantine WHERE article_id = '8'") == [
        ("missing title; missing published_on",)]
    write_batch(settings, [article_page("7", T0 + H)], run_id="run-3")
    load_pending(settings, parser=parser)
    assert _rows(settings, "SELECT article_id FROM quarantine") == [("8",)]
    assert _rows(settings, "SELECT version FROM articles WHERE article_id = '7'") == [(1,)]


def test_gone_article_is_withdrawn_not_deleted_and_can_return(settings, parser):
    write_batch(settings, [article_page("1", T0), article_page("2", T0)])
    load_pending(settings, parser=parser)
    write_batch(settings, [gone_page("1", T0 + H)], run_id="run-2")
    assert load_pending(settings, parser=parser).withdrawn == 1
    assert _rows(settings, "SELECT article_id, withdrawn_at FROM articles ORDER BY 1") == [
        ("1", T0 + H), ("2", None)]
    assert _rows(settings, "SELECT withdrawn FROM v_documents WHERE article_id = '1'") == [(True,)]
    write_batch(settings, [article_page("1", T0 + 2 * H)], run_id="run-3")
    load_pending(settings, parser=parser)
    assert _rows(settings, "SELECT withdrawn_at FROM articles WHERE article_id = '1'") == [(None,)]


def test_listing_keeps_first_and_last_seen(settings, parser):
    write_batch(settings, [list_page(["1", "2"], T0)])
    load_pending(settings, parser=parser)
    write_batch(settings, [list_page(["2", "3"], T0 + H, page=1)], run_id="run-2")
    load_pending(settings, parser=parser)
    assert _rows(settings, "SELECT article_id, first_seen_at, last_seen_at FROM listings ORDER BY 1") == [
        ("1", T0, T0), ("2", T0, T0 + H), ("3", T0 + H, T0 + H)]


def test_batches_of_one_run_add_their_counts_once(settings, parser):
    write_batch(settings, [article_page("1", T0)], run_id="r", not_modified=2, failed=1, errors=["timeout a"])
    write_batch(settings, [article_page("2", T0), article_page("9", T0, raw=b"{oops")], run_id="r",
                status="partial", errors=["timeout b"])
    summary = load_pending(settings, parser=parser)
    assert summary.batches == 2 and summary.run_ids == ["r"]
    run = _rows(settings, "SELECT requests, not_modified, new_articles, failed, quarantined, pages_loaded,"
                          " batches, status, errors FROM runs")
    assert run == [(3, 2, 2, 2, 1, 3, 2, "partial", ["timeout a", "timeout b"])]


def test_unreadable_pending_file_is_reported_not_fatal(settings, parser):
    write_batch(settings, [article_page("1", T0)])
    (Landing(settings.landing).pending / "zzz-broken.jsonl.gz").write_bytes(b"not gzip")
    summary = load_pending(settings, parser=parser)
    assert summary.batches == 1 and summary.unreadable and "zzz-broken" in summary.unreadable[0]


@pytest.mark.empty_lake  # nothing may be created, not even the lake's data folder
def test_nothing_pending_does_not_create_the_file(settings, parser):
    assert load_pending(settings, parser=parser).batches == 0
    assert not (settings.lake_data_path if settings.is_lake else settings.duckdb_path).exists()


def test_unknown_page_kinds_are_stored_not_parsed_and_naive_stamps_are_portal_time(settings, parser):
    from ingest.landing import FetchedPage

    odd = FetchedPage("robots", "http://portal.test/robots.txt", None, "2026-11-01T08:00:00", 200, {}, b"User-agent: *")
    write_batch(settings, [odd, article_page("1", T0)])
    summary = load_pending(settings, parser=parser)
    assert (summary.pages, summary.new_articles, summary.quarantined) == (2, 1, 0)
    assert _rows(settings, "SELECT kind, fetched_at = ? FROM raw_pages WHERE article_id IS NULL", [T0]) == [
        ("robots", True)]


def test_a_page_failing_again_updates_its_quarantine_row(settings, parser):
    write_batch(settings, [article_page("7", T0, raw=b"{broken")])
    load_pending(settings, parser=parser)
    write_batch(settings, [article_page("7", T0 + H, raw=b'{"explode": true}')], run_id="run-2")
    load_pending(settings, parser=parser)
    write_batch(settings, [article_page("7", T0 - H, raw=b"{stale")], run_id="run-3")  # an older fetch, late
    load_pending(settings, parser=parser)
    assert _rows(settings, "SELECT error, seen_at FROM quarantine") == [
        ("ValueError: cannot find the article body", T0 + H)]
