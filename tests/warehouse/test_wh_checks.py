from __future__ import annotations

from datetime import timedelta

import pytest
from wh_fakes import T0, article_page, article_record, list_page, write_batch

from warehouse.checks import run_checks
from warehouse.db import connect
from warehouse.errors import DataQualityError
from warehouse.load import load_pending

SOON = T0 + timedelta(days=1)


def test_healthy_load_passes(settings, parser):
    write_batch(settings, [article_page(str(i), T0, published_on="2026-10-31") for i in range(1, 21)]
                + [list_page(["1"], T0)])
    load_pending(settings, parser=parser)
    report = run_checks(settings, now=SOON)
    assert report.ok, report.summary()
    assert {c.name for c in report.checks} == {"duplicate_keys", "quarantine_share", "missing_number_or_date",
                                               "days_without_new", "suspect_articles", "unknown_agencies"}


def test_quarantine_share_over_threshold_fails_with_numbers(settings, parser):
    pages = [article_page(str(i), T0, published_on="2026-10-31") for i in range(1, 10)]
    pages.append(article_page("99", T0, raw=b"{broken"))
    write_batch(settings, pages)
    load_pending(settings, parser=parser)
    with pytest.raises(DataQualityError) as info:
        run_checks(settings, now=SOON)
    assert "1 of 10 pages quarantined in run run-1 (10.0% > 5%)" in str(info.value)
    assert run_checks(settings, now=SOON, max_quarantine_share=0.2).ok
    assert run_checks(settings.with_overrides(qc_max_quarantine_share=0.2), now=SOON).ok


def test_missing_numbers_and_runs_finding_nothing(settings, parser):
    rec = article_record("5", published_on="2026-10-01")
    rec["document"]["number"] = None
    write_batch(settings, [article_page("5", T0, record=rec), article_page("6", T0, published_on="2026-10-01")])
    load_pending(settings, parser=parser)
    # Forty days of runs that found nothing new: the crawler has probably gone blind.
    write_batch(settings, [], run_id="run-2", started=T0 + timedelta(days=20))
    write_batch(settings, [], run_id="run-3", started=T0 + timedelta(days=40))
    load_pending(settings, parser=parser)
    report = run_checks(settings, now=T0 + timedelta(days=40), raise_on_failure=False)
    failed = {c.name: c for c in report.failures}
    assert set(failed) == {"missing_number_or_date", "days_without_new"}
    assert failed["missing_number_or_date"].detail == "1 of 2 documents lack a number or date (50.0% > 40%)"
    assert failed["days_without_new"].value == 40.0
    assert failed["days_without_new"].detail == (
        "40.0 days since the last run that found a new article (> 14 days)")
    assert run_checks(settings, now=T0 + timedelta(days=40), max_missing_share=0.6,
                      max_days_without_new=80).ok


def test_old_articles_alone_do_not_fail(settings, parser):
    """A quiet portal is not a fault: only runs that keep finding nothing are."""
    write_batch(settings, [article_page("7", T0, published_on="2016-01-01")])
    load_pending(settings, parser=parser)
    assert run_checks(settings, now=T0 + timedelta(days=400)).ok


def test_empty_warehouse_passes(settings):
    connect(settings).close()
    assert run_checks(settings).ok


def test_suspect_articles_are_named_per_run_in_the_view_and_fail_over_threshold(settings, parser):
    """Articles whose text names a document number yet got no document, and documents
    without issue date, are listed in v_suspect_articles; the check names those of the
    last run and fails when their share passes the threshold."""
    pages = [article_page(str(i), T0, published_on="2026-10-31") for i in range(1, 7)]
    for ident in ("7", "8"):  # a number in the text, no document found
        rec = article_record(ident, published_on="2026-10-31")
        rec["document"], rec["directives"] = None, []
        rec["body_text"] = f"The Provincial People's Committee issued Official Letter No.{ident}31/UBND-KT on roads."
        pages.append(article_page(ident, T0, record=rec))
    rec = article_record("9", published_on="2026-10-31")
    rec["document"]["issued_on"] = None  # a document without its date
    pages.append(article_page("9", T0, record=rec))
    rec = article_record("10", published_on="2026-10-31")
    rec["document"], rec["directives"] = None, []
    rec["body_text"] = "A meeting on storm No. 5; 4/22 ministries reported."  # no document number: not suspect
    pages.append(article_page("10", T0, record=rec))
    write_batch(settings, pages)
    load_pending(settings, parser=parser)

    with pytest.raises(DataQualityError) as info:
        run_checks(settings, now=SOON, max_missing_share=1.0, max_suspect_share=0.25)
    assert "suspect_articles: 3 of 10 articles suspect (30.0% > 25%)" in str(info.value)
    report = run_checks(settings, now=SOON, max_missing_share=1.0, max_suspect_share=0.25, raise_on_failure=False)
    check = next(c for c in report.checks if c.name == "suspect_articles")
    assert not check.ok and check.value == 0.3
    assert check.detail.startswith("3 of 10 articles suspect (30.0% > 25%)")
    assert "2 name a document number but got no document" in check.detail
    assert "1 documents lack an issue date" in check.detail
    assert "run run-1: 3 suspect: 7 (no document), 8 (no document), 9 (no date)" in check.detail
    assert run_checks(settings, now=SOON, max_missing_share=1.0).ok

    con = connect(settings, read_only=True)
    try:
        listed = con.execute("SELECT article_id, reason, mentioned_number FROM v_suspect_articles ORDER BY 1").fetchall()
    finally:
        con.close()
    assert listed == [
        ("7", "document number in text, no document", "731/UBND-KT"),
        ("8", "document number in text, no document", "831/UBND-KT"),
        ("9", "document without issue date", None),
    ]
