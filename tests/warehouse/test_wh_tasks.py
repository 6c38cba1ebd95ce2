"""Directives as tasks and documents linked in the warehouse (CONTRACT section 2, added 2026-12)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from wh_fakes import T0, FakeParser, article_page, article_record, write_batch

from ingest.landing import FetchedPage
from warehouse import db
from warehouse.checks import run_checks
from warehouse.load import load_pending
from warehouse.reparse import reparse

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"


def _task_record(aid, number, issued, *, refs=(), directives=()):
    rec = article_record(aid, number=number, published_on=issued, refs=())
    rec["references"] = [{"number": n, "type": None, "issued_on": on, "issuer": None} for n, on in refs]
    rec["directives"] = [{"ordinal": i, "text": text, "assignees": who, "due_on": on, "due_text": words}
                         for i, (text, who, on, words) in enumerate(directives, start=1)]
    return rec


def _q(settings, sql, params=None):
    con = db.connect(settings)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_tasks_and_agencies_are_loaded(settings):
    rec = _task_record("10", "10/UBND-KT", "2021-04-05", directives=[
        ("The DOH shall ...", [{"agency": "Department of Health", "role": "lead"},
                               {"agency": "Department of Finance", "role": "coordinate"},
                               {"agency": "Provincial Steering Committee", "role": "report_to"}], "2021-04-30", "before April 30, 2021"),
        ("To report quarterly.", [{"agency": "Heads of provincial departments, agencies and branches", "role": "addressee"}], None, "quarterly"),
    ])
    write_batch(settings, [article_page("10", T0, record=rec)])
    load_pending(settings, parser=FakeParser())
    assert _q(settings, "SELECT ordinal, due_on, due_text FROM directives ORDER BY 1") == [
        (1, date(2021, 4, 30), "before April 30, 2021"), (2, None, "quarterly")]
    tasks = _q(settings, "SELECT agency, role, agency_kind, doc_number, ordinal FROM v_tasks ORDER BY ordinal, agency")
    assert tasks == [
        ("Department of Finance", "coordinate", "department", "10/UBND-KT", 1),
        ("Department of Health", "lead", "department", "10/UBND-KT", 1),
        ("Provincial Steering Committee", "report_to", "other", "10/UBND-KT", 1),
        ("Heads of provincial departments, agencies and branches", "addressee", "group", "10/UBND-KT", 2),
    ]
    # the registry is in the warehouse, with the 2025 names and their dates
    assert _q(settings, "SELECT g.in_use_until, s.name FROM agencies g JOIN agencies s ON s.agency_id = g.merged_into"
                        " WHERE g.name = 'Department of Planning and Investment'") == [(date(2025, 2, 28), "Department of Finance")]
    check = next(c for c in run_checks(settings, now=T0 + timedelta(days=1), raise_on_failure=False).checks
                 if c.name == "unknown_agencies")
    assert check.ok and check.value == 1 / 4 and "Provincial Steering Committee" in check.detail
    assert run_checks(settings, now=T0 + timedelta(days=1), max_unknown_agency_share=0.2, raise_on_failure=False).failures


def test_an_edited_article_replaces_its_tasks_and_drops_unknown_bodies_no_longer_named(settings):
    first = _task_record("11", "11/UBND-KT", "2021-04-05", directives=[
        ("x", [{"agency": "Provincial Steering Committee", "role": "lead"}], None, None)])
    second = _task_record("11", "11/UBND-KT", "2021-04-05", directives=[
        ("y", [{"agency": "Provincial Police", "role": "lead"}], None, None)])
    write_batch(settings, [article_page("11", T0, record=first)])
    write_batch(settings, [article_page("11", T0 + timedelta(hours=1), record=second)], run_id="run-2")
    load_pending(settings, parser=FakeParser())
    assert _q(settings, "SELECT agency, role FROM v_tasks") == [("Provincial Police", "lead")]
    assert _q(settings, "SELECT count(*) FROM agencies WHERE kind = 'other'") == [(0,)]


def test_citation_links_whichever_letter_arrives_first(settings):
    plan = _task_record("21", "45/KH-UBND", "2021-03-17", refs=[("512/QD-UBND", "2021-03-03")])
    telegram = _task_record("22", "07/CD-UBND", "2021-03-20", refs=[("45/KH-UBND", None), ("16/CT-TTg", None)])
    decision = _task_record("20", "512/QD-UBND", "2021-03-03")
    # the same number issued again a year later must not be taken for the cited one
    later = _task_record("30", "45/KH-UBND", "2022-03-01")
    write_batch(settings, [article_page("21", T0, record=plan), article_page("22", T0, record=telegram),
                           article_page("30", T0, record=later)])
    load_pending(settings, parser=FakeParser())
    links = "SELECT citing_number, cited_number, cited_article_id, cited_level FROM v_document_links ORDER BY ALL"
    assert _q(settings, links) == [
        ("07/CD-UBND", "16/CT-TTg", None, "central"),
        ("07/CD-UBND", "45/KH-UBND", "21", "provincial"),
        ("45/KH-UBND", "512/QD-UBND", None, "provincial"),
    ]
    write_batch(settings, [article_page("20", T0 + timedelta(hours=2), record=decision)], run_id="run-2")
    load_pending(settings, parser=FakeParser())  # the cited decision arrives last
    assert ("45/KH-UBND", "512/QD-UBND", "20", "provincial") in _q(settings, links)
    assert _q(settings, "SELECT cited_title FROM v_document_links WHERE cited_article_id = '20'") == [
        ("To step up work 20",)]


@pytest.mark.empty_lake  # migrates an empty lake up to 0005 itself
def test_migration_upgrades_a_warehouse_in_place(settings):
    # the backend with migrations up to 0005 only: the file, or the lake attached
    raw = db.open_lake(settings) if settings.is_lake else duckdb.connect(str(settings.duckdb_path))
    db.migrate(raw, upto=5)
    raw.execute("INSERT INTO directives (article_id, ordinal, text) VALUES ('1', 1, 'old row')")
    raw.execute("INSERT INTO citations (article_id, ordinal, number) VALUES ('1', 1, '22/2020/QD-UBND')")
    raw.close()
    con = db.connect(settings)
    try:
        assert con.execute("SELECT text, due_on, due_text FROM directives").fetchall() == [("old row", None, None)]
        assert con.execute("SELECT number, cited_article_id FROM citations").fetchall() == [("22/2020/QD-UBND", None)]
        assert con.execute("SELECT count(*) FROM v_tasks").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM agencies").fetchall() == [(0,)]
    finally:
        con.close()


def test_reparse_fills_the_task_fields_of_stored_pages(settings):
    """Pages stored by an older parser that had no task fields get them from `reparse`."""
    url = "http://portal.test/to-implement-decision-no-512-qd-ubnd-c4101.html"
    body = (EXAMPLES / "modern-tasks-roles-4101.html").read_bytes()
    write_batch(settings, [FetchedPage("article", url, "4101", T0.isoformat(), 200, {}, body)])
    load_pending(settings)
    con = db.connect(settings)
    con.execute("DELETE FROM directive_assignees")
    con.execute("UPDATE directives SET due_on = NULL, due_text = NULL")
    con.execute("UPDATE articles SET parser_version = '1.0.1'")  # as an older parser left them
    con.close()
    reparse(settings)
    rows = _q(settings, "SELECT ordinal, agency, role, due_on FROM v_tasks ORDER BY ordinal, agency")
    assert (1, "Department of Information and Communications", "lead", date(2021, 4, 30)) in rows
    assert (5, "Hung Yen Digital Transformation Center", "lead", date(2021, 5, 5)) in rows
    assert _q(settings, "SELECT kind FROM agencies WHERE name = 'Hung Yen Digital Transformation Center'") == [("other",)]
