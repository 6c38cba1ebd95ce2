"""
### portal_latest_news: fetch new and changed articles from the portal's latest-news list

Runs every 30 minutes (cron in `PORTAL_LATEST_SCHEDULE`, UTC) **and** as soon as the
triggerer sees a new article id on list page 1 (asset `portal_list_page_1`, polled
every `PORTAL_WATCH_INTERVAL` seconds, default 60).

1. `discover_and_fetch`: reads the latest-news list pages, compares them with what the
   warehouse knows (the published snapshot plus pages waiting in the landing area) and
   fetches new and changed articles into the landing area. Network only; no DuckDB write.
2. `announce_raw_pages`: emits the `portal_raw_pages` asset event, whose `extra` says
   what arrived (run id, counts, article ids); that event starts `portal_warehouse_load`,
   which records the run in `runs` (a run that found nothing too) and publishes.

Configuration: `PORTAL_BASE_URL`, `PORTAL_MAX_RPS`, `PORTAL_CONCURRENCY`, `PORTAL_DUCKDB`
(as for the CLI); the Airflow connection `portal` and the variables `portal_max_rps`,
`portal_concurrency`, `portal_duckdb` override them.

**When it fails**: `discover_and_fetch` retries 3 times with growing waits (the portal
may be slow or down). If it still fails, read its log: `FetchFailed`/`RobotsDisallowed`
name the URL; check the portal (or the `portal` connection) answers, then clear the
task. Nothing is half-written: fetched pages are in the landing area, and the next run
does not refetch them. A deadline alert is logged by the triggerer when a run is still
going 20 minutes after it was queued.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta

from airflow.sdk import (
    Asset,
    AssetOrTimeSchedule,
    AssetWatcher,
    AsyncCallback,
    CronTriggerTimetable,
    DeadlineAlert,
    DeadlineReference,
    Param,
    dag,
    task,
)

from portal_ingest.airflow_assets import LIST_PAGE_NAME, LIST_PAGE_URI, RAW_PAGES
from portal_ingest.airflow_tasks import NETWORK_RETRIES
from portal_triggers.new_article import NewArticleTrigger

DAG_ID = "portal_latest_news"
SCHEDULE = os.environ.get("PORTAL_LATEST_SCHEDULE") or "*/30 * * * *"
WATCH_INTERVAL_S = float(os.environ.get("PORTAL_WATCH_INTERVAL") or 60)
OVERRUN = timedelta(minutes=float(os.environ.get("PORTAL_LATEST_DEADLINE_MINUTES") or 20))

LIST_PAGE_1 = Asset(
    name=LIST_PAGE_NAME,
    uri=LIST_PAGE_URI,
    group="portal",
    watchers=[
        AssetWatcher(name="portal_new_article_on_page_1", trigger=NewArticleTrigger(poll_interval=WATCH_INTERVAL_S))
    ],
)



def _in_airflow_dags_test() -> bool:
    """`airflow dags test` runs a deserialized copy of the DAG whose deadline alerts never
    got their database ids, and Airflow 3.3.2 then fails the finished run
    (`DagRun.update_state` looks the alerts up by id: "'dict' object has no attribute 'hex'").
    The alert is left out in that process only; the scheduler's DAG keeps it."""
    words = [a for a in sys.argv[1:] if not a.startswith("-")]
    return words[:2] == ["dags", "test"]


OVERRUN_ALERT = DeadlineAlert(
    reference=DeadlineReference.DAGRUN_QUEUED_AT,
    interval=OVERRUN,
    callback=AsyncCallback(
        "portal_triggers.alerts.run_overran",
        kwargs={
            "dag_id": DAG_ID,
            "limit": str(OVERRUN),
            "runbook": "See the DAG docs: check the portal answers and the discover_and_fetch log.",
        },
    ),
)

@dag(
    dag_id=DAG_ID,
    schedule=AssetOrTimeSchedule(
        timetable=CronTriggerTimetable(SCHEDULE, timezone="UTC"),
        assets=[LIST_PAGE_1],
    ),
    start_date=datetime(2024, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    is_paused_upon_creation=False,
    dagrun_timeout=timedelta(hours=2),
    default_args={"owner": "portal-ingest", "retries": 0},
    params={
        "pages": Param(
            None,
            type=["null", "integer"],
            minimum=1,
            maximum=200,
            title="List pages",
            description="Read at most this many latest-news pages (empty = until only known articles are listed).",
        ),
    },
    deadline=None if _in_airflow_dags_test() else OVERRUN_ALERT,
    tags=["portal", "ingest", "network"],
    doc_md=__doc__,
)
def portal_latest_news():
    @task(task_id="discover_and_fetch", **NETWORK_RETRIES)
    def discover_and_fetch(params=None, dag_run=None) -> dict:
        """
        #### discover_and_fetch
        Reads the latest-news list and fetches new and changed articles into the landing
        area (no DuckDB write). Returns the run summary (counts, article ids) as XCom.

        **When it fails**: retried 3 times with backoff. Then check the portal answers at
        the base URL printed first in the log (connection `portal` / `PORTAL_BASE_URL`)
        and clear the task; already fetched pages are kept and not fetched again.
        """
        from portal_ingest import airflow_tasks as at
        from portal_ingest import pipeline
        from portal_ingest.airflow_config import settings_for_airflow

        summary = pipeline.fetch_latest(
            settings_for_airflow(), pages=(params or {}).get("pages"),
            run_id=at.run_id_for("crawl", dag_run), origin=at.origin(DAG_ID),
        ).to_dict()
        at.print_fetch(summary, "run")
        at.raise_if_failed(summary)  # nothing could be read: fail, and be retried
        return summary

    @task(task_id="announce_raw_pages", outlets=[RAW_PAGES])
    def announce_raw_pages(summary: dict, outlet_events=None) -> dict:
        """
        #### announce_raw_pages
        Emits the `portal_raw_pages` asset event (extra: run id, counts, article ids), which
        starts `portal_warehouse_load`: every run, news or not, so `runs` records each one.

        **When it fails**: nothing was fetched twice; clear it, or run `portal_warehouse_load`
        by hand: it loads whatever is pending.
        """
        from portal_ingest.airflow_tasks import asset_extra

        extra = asset_extra(summary)
        outlet_events[RAW_PAGES].extra = extra
        print(f"asset event {RAW_PAGES.uri}: {extra['counts']}; new {extra['new_ids'][:20]} changed {extra['changed_ids'][:20]}")
        return extra

    announce_raw_pages(discover_and_fetch())


portal_latest_news()
