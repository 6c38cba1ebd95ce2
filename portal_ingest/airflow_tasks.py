"""What only the DAGs need around the pipeline's steps: retries, the writer pool, run
ids from DAG runs, the raw-pages asset event's ``extra``, merging mapped batches.

Constants are imported at DAG parse time; the functions run inside task bodies.
The steps themselves are `portal_ingest.pipeline`'s, the same the CLI runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from portal_ingest.airflow_assets import DUCKDB_POOL

# Network tasks only: the portal may be slow, rate-limit us or be down for a while.
NETWORK_RETRIES = {
    "retries": 3,
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=15),
}
# Every DuckDB writer: one slot, no blind retries (a lock or a failed check needs a person).
WRITER = {"pool": DUCKDB_POOL, "pool_slots": 1, "retries": 0}
# Ids listed in an asset event's extra; more are counted, not listed.
MAX_IDS_IN_EXTRA = 500
COUNTS = ("requests", "not_modified", "failed", "new_articles", "changed_articles", "gone_articles",
          "rechecked_articles")


class FetchStepFailed(RuntimeError):
    """A fetch step could read nothing from the portal (down, blocked, wrong base URL)."""


def origin(dag_id: str) -> str:
    """The `runs.origin` of a DAG's runs."""
    return f"dag:{dag_id}"


def run_id_for(kind: str, dag_run: Any) -> str | None:
    """``<kind>-<the DAG run's id, cleaned>``: the warehouse's run id of a DAG run."""
    if dag_run is None:
        return None
    return f"{kind}-" + "".join(c if c.isalnum() or c in "-_." else "-" for c in dag_run.run_id)


def raise_if_failed(summary: dict[str, Any]) -> None:
    """Raise `FetchStepFailed` (one line, with the first errors) when a fetch step read
    nothing, so the task fails and is retried; a partial run is not an error."""
    if summary.get("status") == "failed":
        from ingest.run import first_error  # inside: this module is imported at DAG parse time

        why = first_error(summary.get("errors") or [], summary.get("errors_total") or 0) or "no error recorded"
        raise FetchStepFailed(f"run {summary.get('run_id')}: nothing could be read from the portal: {why}")


def print_fetch(summary: dict[str, Any], what: str) -> None:
    print(f"{what} {summary['run_id']} ({summary['status']}): {summary['requests']} requests, "
          f"{summary['not_modified']} not modified, {summary['failed']} failed, "
          f"{summary['new_articles']} new, {summary['changed_articles']} changed")
    for error in summary.get("errors", [])[:20]:
        print(f"  error: {error}")


def merge_fetches(parts: Iterable[dict[str, Any] | None], *, run_id: str | None = None) -> dict[str, Any]:
    """One summary (`FetchReport.to_dict()` shape) for the mapped batches of one DAG run."""
    from portal_ingest.pipeline import FetchReport

    parts = [p for p in parts if p]
    first = parts[0] if parts else {}
    merged = FetchReport(run_id=run_id or first.get("run_id") or "", kind=first.get("kind", "backfill"),
                         origin=first.get("origin", "cli"))
    for name in ("requests", "not_modified", "failed", "retries", "pages_read", "errors_total"):
        setattr(merged, name, sum(int(p.get(name) or 0) for p in parts))
    merged.batches = [b for p in parts for b in p.get("batches") or []]
    for name in ("new_ids", "changed_ids", "gone_ids", "rechecked_ids"):
        setattr(merged, name, sorted({i for p in parts for i in p.get(name) or []}, key=lambda s: (len(s), s)))
    statuses = {p.get("status", "ok") for p in parts}
    merged.status = "failed" if statuses == {"failed"} else ("partial" if statuses - {"ok"} else "ok")
    merged.errors = [e for p in parts for e in p.get("errors") or []][:20]
    out = merged.to_dict()
    out["parts"] = len(parts)
    return out


def asset_extra(summary: dict[str, Any]) -> dict[str, Any]:
    """The ``extra`` of a raw-pages asset event: run id, kind, counts, article ids (capped).
    Emitted after every fetch run, news or not: the load DAG records every run."""
    extra: dict[str, Any] = {
        "run_id": summary.get("run_id"),
        "kind": summary.get("kind"),
        "origin": summary.get("origin"),
        "status": summary.get("status"),
        "counts": {k: summary.get(k, 0) for k in COUNTS},
        "batches": len(summary.get("batches") or []),
    }
    for key in ("new_ids", "changed_ids", "gone_ids"):
        ids = list(summary.get(key) or [])
        extra[key] = ids[:MAX_IDS_IN_EXTRA]
        if len(ids) > MAX_IDS_IN_EXTRA:
            extra[f"{key}_truncated"] = len(ids)
    return extra
