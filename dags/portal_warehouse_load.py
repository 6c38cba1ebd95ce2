"""
### portal_warehouse_load: parse and load fetched pages, check them, publish the snapshot

Scheduled on the `portal_raw_pages` asset: runs after every `portal_latest_news` or
`portal_backfill` run (each one lands at least its run record, so `runs` shows every
run, the ones that found nothing too). The steps are the pipeline's fetch -> load ->
check -> publish, the same the CLI runs. Run by hand (no triggering event) it loads
whatever fetched pages are pending, so an operator can always catch up.

1. `load_pending_pages` (pool `duckdb_writer`, 1 slot: DuckDB has one writer): parses
   every pending landing batch and loads it into the warehouse in one transaction per batch.
2. `check_data_quality` (same pool): no duplicate keys, share of quarantined pages,
   share of documents missing a number or date, nothing new on the portal for a long time.
   Thresholds may be changed with `PORTAL_QC_MAX_QUARANTINE_SHARE`,
   `PORTAL_QC_MAX_MISSING_SHARE` and `PORTAL_QC_MAX_DAYS_WITHOUT_NEW` (`Settings.qc_*`).
   While a check fails, the crawler still counts the loaded batches as known: nothing
   is fetched twice.
3. `publish_snapshot` (same pool): publishes the analysts' read-only copy and emits the
   `portal_warehouse` asset event with the load's counts.

**When it fails**:
- `load_pending_pages`: `WarehouseLocked` means another process holds the DuckDB file
  (a `portal-ingest crawl` or an open shell): close it and clear the task. Batches that
  failed stay in `landing/pending/` and are retried by the next run; loading twice
  changes nothing.
- `check_data_quality`: the error lists each failed check with its numbers; the data is
  loaded but **not published**. Look at `quarantine` and `runs` with `portal-ingest sql`,
  fix the parser (then run `portal_reparse`) or the portal access, and clear the task.
- `publish_snapshot`: usually disk space or a reader holding the snapshot; clear the task.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from airflow.sdk import dag, task

from portal_ingest.airflow_assets import RAW_PAGES, WAREHOUSE
from portal_ingest.airflow_tasks import WRITER

DAG_ID = "portal_warehouse_load"


@dag(
    dag_id=DAG_ID,
    schedule=RAW_PAGES,
    start_date=datetime(2024, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    is_paused_upon_creation=False,
    dagrun_timeout=timedelta(hours=6),
    default_args={"owner": "portal-ingest", "retries": 0},
    tags=["portal", "warehouse"],
    doc_md=__doc__,
)
def portal_warehouse_load():
    @task(task_id="load_pending_pages", **WRITER)
    def load_pending_pages(triggering_asset_events=None) -> dict:
        """
        #### load_pending_pages
        Parses and loads every pending landing batch (not only the triggering run's), in
        the single-writer pool. Returns the load counts.

        **When it fails**: `WarehouseLocked`: another process holds the DuckDB file; close
        it and clear this task. Other errors name the batch; it stays pending.
        """
        from portal_ingest import pipeline
        from portal_ingest.airflow_config import settings_for_airflow

        events = list((triggering_asset_events or {}).get(RAW_PAGES, []) or [])
        if events:
            for event in events:
                extra = event.extra or {}
                print(
                    f"triggered by {event.source_dag_id}/{event.source_run_id}: run {extra.get('run_id')} "
                    f"counts {extra.get('counts')}"
                )
        else:
            print("no triggering asset event (manual run): loading whatever is pending")
        summary = pipeline.load_pending(settings_for_airflow()).to_dict()
        print(f"loaded: { {k: v for k, v in summary.items() if not isinstance(v, (list, dict))} }")
        return summary

    @task(task_id="check_data_quality", **WRITER)
    def check_data_quality(loaded: dict) -> dict:
        """
        #### check_data_quality
        Duplicate keys, share of quarantined pages, share of documents missing a number or
        date, long runs of crawls that found nothing. Fails with every failed check and its
        numbers; the snapshot is then not published.

        **When it fails**: read the numbers in the error, inspect `quarantine` / `runs`
        with `portal-ingest sql`, fix the cause (parser: then run `portal_reparse`), clear.
        """
        from portal_ingest import pipeline
        from portal_ingest.airflow_config import settings_for_airflow

        report = pipeline.check_quality(settings_for_airflow()).to_dict()
        print(f"quality checks passed: {report['summary']}")
        return report

    @task(task_id="publish_snapshot", outlets=[WAREHOUSE], **WRITER)
    def publish_snapshot(loaded: dict, report: dict, outlet_events=None) -> dict:
        """
        #### publish_snapshot
        Publishes the analysts' read-only snapshot and emits the `portal_warehouse` asset
        event (extra: the load counts).

        **When it fails**: check disk space and that nothing holds the snapshot file; clear.
        """
        from portal_ingest import pipeline
        from portal_ingest.airflow_config import settings_for_airflow

        published = pipeline.publish_snapshot(settings_for_airflow()).to_dict()
        extra = {
            "load": {k: v for k, v in loaded.items() if isinstance(v, (int, float, str, bool)) or v is None},
            "snapshot": published["snapshot"],
        }
        outlet_events[WAREHOUSE].extra = extra
        print(f"asset event {WAREHOUSE.uri}: {extra}")
        return published

    loaded = load_pending_pages()
    report = check_data_quality(loaded)
    publish_snapshot(loaded, report)


portal_warehouse_load()
