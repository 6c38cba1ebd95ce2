"""One-line notes that say what a DAG run did, shown on the run in the Airflow UI.

Tasks compute a note from their step's summary and push it as the XCom ``portal_note``;
the Portal plugin's listener (`portal_ingest.airflow_plugin.notes`) copies the latest
one onto the DAG run when the run ends, and a load run completes the note of the fetch
run whose asset event started it:

    portal_latest_news     302 requests, 1 new, 0 changed; loaded 1; checks passed
    portal_warehouse_load  loaded 1 (1 new, 0 changed, 0 quarantined) from 1 batch; checks passed; snapshot published

Plain functions of JSON-able summaries (the dicts the pipeline steps return): no Airflow.
"""

from __future__ import annotations

from typing import Any

XCOM_KEY = "portal_note"
# A load run's half of the note of the fetch run whose asset event started it.
SOURCE_XCOM_KEY = "portal_note_for_source"
# Airflow keeps at most 1000 characters of a note.
MAX_NOTE = 1000
LOAD_PENDING = "load pending"


def _n(summary: dict[str, Any] | None, key: str) -> int:
    try:
        return int((summary or {}).get(key) or 0)
    except (TypeError, ValueError):
        return 0


def fetch_note(summary: dict[str, Any], *, announced: bool = False) -> str:
    """``302 requests, 1 new, 0 changed`` (+ failures, withdrawals), then ``load pending``
    once the asset event is emitted (every fetch run's is: the load records each run)."""
    parts = [f"{_n(summary, 'requests')} requests", f"{_n(summary, 'new_articles')} new",
             f"{_n(summary, 'changed_articles')} changed"]
    if _n(summary, "gone_articles"):
        parts.append(f"{_n(summary, 'gone_articles')} withdrawn")
    if _n(summary, "failed"):
        parts.append(f"{_n(summary, 'failed')} failed")
    head = ""
    if "backfill" in str(summary.get("kind") or ""):  # a backfill's mapped batches
        batches = summary.get("batches") or 0
        count = batches if isinstance(batches, int) else len(batches)
        head = f"{count} batch{'es' if count != 1 else ''}, "
    line = head + ", ".join(parts)
    if announced:
        line += f"; {LOAD_PENDING}"
    return clip(line)


def loaded_count(loaded: dict[str, Any] | None) -> int:
    return _n(loaded, "new_articles") + _n(loaded, "changed_articles")


def load_part(loaded: dict[str, Any] | None, checks: dict[str, Any] | None) -> str:
    """``loaded 1; checks passed`` (+ quarantined, failed checks): the load's half of a note."""
    line = f"loaded {loaded_count(loaded)}"
    if _n(loaded, "quarantined"):
        line += f", {_n(loaded, 'quarantined')} quarantined"
    if checks is None:
        return line
    return f"{line}; {checks_part(checks)}"


def checks_part(checks: dict[str, Any]) -> str:
    items = checks.get("checks") or checks.get("items") or []
    failed = [c for c in items if not c.get("ok", True)]
    if checks.get("ok") is False or failed:
        return "checks FAILED: " + "; ".join(f"{c.get('name')}: {c.get('detail')}" for c in failed)
    return "checks passed"


def load_note(loaded: dict[str, Any], checks: dict[str, Any] | None, *, published: bool = False) -> str:
    """The note of a `portal_warehouse_load` run."""
    line = (f"loaded {loaded_count(loaded)} ({_n(loaded, 'new_articles')} new, "
            f"{_n(loaded, 'changed_articles')} changed, {_n(loaded, 'quarantined')} quarantined) "
            f"from {_n(loaded, 'batches')} batch{'es' if _n(loaded, 'batches') != 1 else ''}")
    if checks is not None:
        line += f"; {checks_part(checks)}"
    if published:
        line += "; snapshot published"
    return clip(line)


def reparse_note(summary: dict[str, Any], *, published: bool = False) -> str:
    """``reparsed 40 pages (38 articles: 0 new, 2 changed, 0 quarantined) with parser 1.2.0``."""
    line = (f"reparsed {_n(summary, 'pages')} pages ({_n(summary, 'articles')} articles: "
            f"{_n(summary, 'new_articles')} new, {_n(summary, 'changed_articles')} changed, "
            f"{_n(summary, 'quarantined')} quarantined)")
    if summary.get("parser_version"):
        line += f" with parser {summary['parser_version']}"
    if published:
        line += "; snapshot published"
    return clip(line)


def complete_fetch_note(note: str | None, load: str) -> str:
    """A fetch run's note once its load has run: ``...; load pending`` becomes ``...; <load>``."""
    note = (note or "").strip()
    if note.endswith(LOAD_PENDING):
        return clip(note[: -len(LOAD_PENDING)] + load)
    if load in note:
        return clip(note)
    return clip(f"{note}; {load}" if note else load)


def clip(line: str) -> str:
    return line if len(line) <= MAX_NOTE else line[: MAX_NOTE - 1] + "…"
