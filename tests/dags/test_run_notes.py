"""The one-line run notes (`portal_ingest.run_notes`): pure functions of the step summaries."""

from __future__ import annotations

from portal_ingest import run_notes


def test_fetch_then_load_reads_as_the_issue_asks():
    fetched = {"kind": "crawl", "origin": "dag:portal_latest_news", "requests": 302, "new_articles": 1, "changed_articles": 0,
               "failed": 0, "batches": 1}
    note = run_notes.fetch_note(fetched, announced=True)
    assert note == "302 requests, 1 new, 0 changed; load pending"
    loaded = {"new_articles": 1, "changed_articles": 0, "quarantined": 0, "batches": 1}
    checks = {"checks": [{"name": "duplicate_keys", "ok": True, "detail": "no duplicate keys"}]}
    assert run_notes.complete_fetch_note(note, run_notes.load_part(loaded, checks)) == (
        "302 requests, 1 new, 0 changed; loaded 1; checks passed")
    assert run_notes.load_note(loaded, checks, published=True) == (
        "loaded 1 (1 new, 0 changed, 0 quarantined) from 1 batch; checks passed; snapshot published")


def test_nothing_new_and_failures_say_so():
    # A run that found nothing is announced too (the load records it): its load completes the note.
    quiet = {"kind": "crawl", "origin": "dag:portal_latest_news", "requests": 3, "run_id": "crawl-x"}
    note = run_notes.fetch_note(quiet, announced=True)
    assert note == "3 requests, 0 new, 0 changed; load pending"
    assert run_notes.complete_fetch_note(note, run_notes.load_part({}, {"checks": []})) == (
        "3 requests, 0 new, 0 changed; loaded 0; checks passed")
    backfill = {"kind": "backfill", "origin": "dag:portal_backfill", "requests": 61, "new_articles": 40, "failed": 2, "batches": 3}
    assert run_notes.fetch_note(backfill) == "3 batches, 61 requests, 40 new, 0 changed, 2 failed"
    failed = {"checks": [{"name": "quarantine_share", "ok": False, "detail": "9 of 10 pages quarantined"}]}
    assert run_notes.checks_part(failed) == "checks FAILED: quarantine_share: 9 of 10 pages quarantined"


def test_notes_fit_airflow_and_a_second_load_does_not_repeat_itself():
    assert len(run_notes.clip("x" * 5000)) == run_notes.MAX_NOTE
    done = run_notes.complete_fetch_note("1 requests, 1 new, 0 changed; load pending", "loaded 1; checks passed")
    assert run_notes.complete_fetch_note(done, "loaded 1; checks passed") == done
