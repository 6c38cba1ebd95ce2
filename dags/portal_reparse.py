"""
### portal_reparse: rebuild the parsed tables from stored raw pages (no network)

Not scheduled. Trigger it after a parser change (new `parser_version`): it re-parses
the stored raw pages with the current parser and rewrites `articles`, `directives`,
`citations`, ... (an article whose extracted content changed gets a new version).

Parameter `all`: false (default) = only rows parsed by an older parser version;
true = every stored page.

1. `reparse_raw_pages` (pool `duckdb_writer`): the rebuild, one writer.
2. `publish_snapshot` (same pool): publishes the analysts' snapshot and emits the
   `portal_warehouse` asset event.

**When it fails**: `WarehouseLocked`: another process holds the DuckDB file; close it and
clear the task. A parser error on a page sends that page to `quarantine`, it does not
fail the run. Re-running is safe: the rebuild is idempotent.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from airflow.sdk import Param, dag, task

from portal_ingest.airflow_assets import WAREHOUSE
from portal_ingest.airflow_tasks import WRITER

DAG_ID = "portal_reparse"


@dag(
    dag_id=DAG_ID,
    schedule=None,
    start_date=datetime(2024, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    is_paused_upon_creation=False,
    dagrun_timeout=timedelta(hours=6),
    default_args={"owner": "portal-ingest", "retries": 0},
    params={
        "all": Param(
            False,
            type="boolean",
            title="All pages",
            description="Re-parse every stored page, not only those parsed by an older parser version.",
        ),
    },
    tags=["portal", "warehouse"],
    doc_md=__doc__,
)
def portal_reparse():
    @task(task_id="reparse_raw_pages", **WRITER)
    def reparse_raw_pages(params=None, dag_run=None) -> dict:
        """
        #### reparse_raw_pages
        Re-parses stored raw pages with the current parser (all, or older parser versions
        only) and rewrites the parsed tables. Returns the counts.

        **When it fails**: `WarehouseLocked`: close the other DuckDB user and clear.
        """
        from portal_ingest import airflow_tasks as at
        from portal_ingest import pipeline
        from portal_ingest.airflow_config import settings_for_airflow

        everything = bool((params or {}).get("all"))
        summary = pipeline.reparse(settings_for_airflow(), all=everything, publish=False,
                                   run_id=at.run_id_for("reparse", dag_run), origin=at.origin(DAG_ID)).to_dict()
        print(f"reparse (all={everything}): { {k: v for k, v in summary.items() if not isinstance(v, (list, dict))} }")
        return summary

    @task(task_id="publish_snapshot", outlets=[WAREHOUSE], **WRITER)
    def publish_snapshot(reparsed: dict, outlet_events=None) -> dict:
        """
        #### publish_snapshot
        Publishes the analysts' snapshot and emits the `portal_warehouse` asset event.

        **When it fails**: check disk space and that nothing holds the snapshot; clear.
        """
        from portal_ingest import pipeline
        from portal_ingest.airflow_config import settings_for_airflow

        published = pipeline.publish_snapshot(settings_for_airflow()).to_dict()
        outlet_events[WAREHOUSE].extra = {
            "reparse": {k: v for k, v in reparsed.items() if isinstance(v, (int, float, str, bool)) or v is None},
            "snapshot": published["snapshot"],
        }
        return published

    publish_snapshot(reparse_raw_pages())


portal_reparse()
