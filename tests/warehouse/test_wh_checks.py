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
                                               "days_without_new"}


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
