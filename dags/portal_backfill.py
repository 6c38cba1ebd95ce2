"""
### portal_backfill: crawl the portal's history, started from the trigger form

Not scheduled. Trigger it from the UI form (or `airflow dags trigger portal_backfill -c
'{"from_page": 1, "to_page": 20}'`) with **either** a page range of the latest-news list
(`from_page`..`to_page`) **or** a date range (`since`..`until`, YYYY-MM-DD), optionally
one `channel` (ChannelId).

1. `plan_page_batches`: checks the parameters and cuts the page range into at most
   `max_batches` batches of about `batch_size` pages (a date range is one batch that
   pages back until `since`). `dry_run` only logs the plan.
2. `fetch_page_batch` (mapped, one task instance per batch, never one per article): the
   same resumable backfill as `portal-ingest backfill`, over the batch's pages: a cursor
   (a retried instance goes on where it stopped) and, when page 1 moved meanwhile, the
   entries pushed past the batch's last page are fetched too.
3. `announce_raw_pages`: emits the same `portal_raw_pages` asset event as
   `portal_latest_news`, which starts `portal_warehouse_load` (which records the run in
   `runs`, whatever it found).

**When it fails**: bad parameters fail `plan_page_batches` with a one-line reason: trigger
again with a fixed form. A `fetch_page_batch` instance retries 3 times with backoff; if it
still fails, check the portal and clear only that instance: finished batches are kept
and their articles are not fetched again.
"""

from __future__ import annotations

from datetime import UTC, datetime

from airflow.sdk import Param, dag, task

from portal_ingest.airflow_assets import RAW_PAGES
from portal_ingest.airflow_tasks import NETWORK_RETRIES

DAG_ID = "portal_backfill"
FETCH_BATCH_DOC = """
#### fetch_page_batch
One batch of list pages (one mapped instance per batch): reads them and fetches their
new and changed articles into the landing area, respecting `PORTAL_MAX_RPS`. One
instance runs at a time.

**When it fails**: retried 3 times with backoff; then check the portal answers and clear
this instance only: finished batches are kept.
"""
_DATE = {"type": ["null", "string"], "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


@dag(
    dag_id=DAG_ID,
    schedule=None,
    start_date=datetime(2024, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    is_paused_upon_creation=False,
    default_args={"owner": "portal-ingest", "retries": 0},
    params={
        "from_page": Param(None, type=["null", "integer"], minimum=1, title="From page",
                           description="First latest-news list page (1 = newest). Give a page range or a date range."),
        "to_page": Param(None, type=["null", "integer"], minimum=1, title="To page",
                         description="Last list page, inclusive."),
        "since": Param(None, **_DATE, title="Since", description="Oldest listing date to keep (YYYY-MM-DD)."),
        "until": Param(None, **_DATE, title="Until", description="Newest listing date to keep (YYYY-MM-DD)."),
        "channel": Param(None, type=["null", "integer"], minimum=1, title="Channel",
                         description="Only this channel's list (ChannelId); empty = all news."),
        "dry_run": Param(False, type="boolean", title="Dry run", description="Only plan and log the batches."),
        "batch_size": Param(5, type="integer", minimum=1, maximum=100, title="Pages per batch"),
        "max_batches": Param(16, type="integer", minimum=1, maximum=64, title="Most batches (task instances)"),
    },
    tags=["portal", "ingest", "network", "backfill"],
    doc_md=__doc__,
)
def portal_backfill():
    @task(task_id="plan_page_batches", retries=0)
    def plan_page_batches(params=None, dag_run=None) -> list[dict]:
        """
        #### plan_page_batches
        Validates the range and returns the batches to fetch (empty on a dry run).

        **When it fails**: the error says which parameter is wrong; trigger again.
        """
        from airflow.sdk.exceptions import AirflowFailException

        from portal_ingest import pipeline
        from portal_ingest.airflow_tasks import run_id_for

        p = dict(params or {})
        try:
            batches = pipeline.plan_backfill(
                from_page=p.get("from_page"),
                to_page=p.get("to_page"),
                since=p.get("since"),
                until=p.get("until"),
                channel=p.get("channel"),
                batch_size=p.get("batch_size") or pipeline.DEFAULT_BATCH_SIZE,
                max_batches=p.get("max_batches") or pipeline.DEFAULT_MAX_BATCHES,
            )
        except ValueError as exc:
            raise AirflowFailException(f"bad backfill parameters: {exc}") from None
        run_id = run_id_for("backfill", dag_run)
        for batch in batches:
            batch["run_id"] = run_id
            print(f"batch {batch['index']}: pages {batch['pages'] or 'by date'} channel {batch['channel']} "
                  f"since {batch['since']} until {batch['until']}")
        print(f"{len(batches)} batches planned for run {run_id}")
        if p.get("dry_run"):
            print("dry run: nothing fetched")
            return []
        return batches

    # A mapped task does not take its docstring as doc_md: pass it explicitly.
    @task(task_id="fetch_page_batch", max_active_tis_per_dag=1, doc_md=FETCH_BATCH_DOC, **NETWORK_RETRIES)
    def fetch_page_batch(batch: dict) -> dict:
        from portal_ingest import airflow_tasks as at
        from portal_ingest import pipeline
        from portal_ingest.airflow_config import settings_for_airflow

        summary = pipeline.fetch_backfill(
            settings_for_airflow(), batch, run_id=batch.get("run_id"), origin=at.origin(DAG_ID)
        ).to_dict()
        at.print_fetch(summary, f"batch {batch.get('index')} of")
        at.raise_if_failed(summary)  # nothing could be read: fail, and be retried
        return summary

    @task(task_id="announce_raw_pages", outlets=[RAW_PAGES])
    def announce_raw_pages(summaries, outlet_events=None) -> dict:
        """
        #### announce_raw_pages
        Emits the `portal_raw_pages` asset event for the whole backfill (extra: run id,
        counts, article ids), news or not: the load DAG records every run in `runs`.
        Skipped only on a dry run (nothing was fetched, no run).

        **When it fails**: clear it, or run `portal_warehouse_load` by hand.
        """
        from airflow.sdk.exceptions import AirflowSkipException

        from portal_ingest.airflow_tasks import asset_extra, merge_fetches

        parts = [s for s in (summaries or []) if s]
        if not parts:
            raise AirflowSkipException("no batch was fetched (dry run): no run, no asset event")
        summary = merge_fetches(parts)
        extra = asset_extra(summary)
        outlet_events[RAW_PAGES].extra = extra
        print(f"asset event {RAW_PAGES.uri}: {extra['counts']} from {len(parts)} batches")
        return extra

    batches = plan_page_batches()
    announce_raw_pages(fetch_page_batch.expand(batch=batches))


portal_backfill()
