"""The assets the portal DAGs exchange (constants only: imported at DAG parse time).

- `RAW_PAGES`: fetched pages (at least the run's record) are waiting in the landing
  area. Emitted by `portal_latest_news` and `portal_backfill` after every run, news or
  not; ``extra`` = {run_id, kind, origin, status, counts, new_ids, changed_ids, ...}
  (`portal_ingest.airflow_tasks.asset_extra`).
  `portal_warehouse_load` is scheduled on it.
- `WAREHOUSE`: the warehouse was loaded (or reparsed) and its snapshot published.
- `LIST_PAGE_URI`: list page 1 of the portal, watched by the triggerer
  (the asset itself, with its watcher, is built in `dags/portal_latest_news.py`).
"""

from __future__ import annotations

from airflow.sdk import Asset

RAW_PAGES = Asset(name="portal_raw_pages", uri="portal://raw_pages", group="portal")
WAREHOUSE = Asset(name="portal_warehouse", uri="portal://warehouse", group="portal")
LIST_PAGE_NAME = "portal_list_page_1"
LIST_PAGE_URI = "portal://list_page_1"
DUCKDB_POOL = "duckdb_writer"
