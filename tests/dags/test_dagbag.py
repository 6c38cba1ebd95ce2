"""The DAG files import cleanly, define the four DAGs as designed, and touch neither
the metadata database, nor Airflow connections/variables, nor the network while parsed."""

from __future__ import annotations

import copy
import socket
from pathlib import Path

import pytest

DAGS = Path(__file__).resolve().parents[2] / "dags"

DAG_IDS = {"portal_latest_news", "portal_warehouse_load", "portal_backfill", "portal_reparse"}


class ParseTimeAccess(AssertionError):
    pass


@pytest.fixture(scope="module")
def dagbag():
    mp = pytest.MonkeyPatch()

    def forbid(what):
        def _raise(*args, **kwargs):
            raise ParseTimeAccess(f"{what} at DAG parse time")

        return _raise

    import sqlalchemy.engine
    import sqlalchemy.orm
    from airflow.sdk import Connection, Variable

    mp.setattr(sqlalchemy.engine.Engine, "connect", forbid("database connection"))
    mp.setattr(sqlalchemy.orm.Session, "execute", forbid("database query"))
    mp.setattr(Variable, "get", forbid("Variable.get"))
    mp.setattr(Connection, "get", forbid("Connection.get"))
    mp.setattr(socket.socket, "connect", forbid("network connection"))
    try:
        from airflow.dag_processing.dagbag import DagBag

        bag = DagBag(dag_folder=str(DAGS))
    finally:
        mp.undo()
    return bag


def test_no_import_errors_and_four_dags(dagbag):
    assert dagbag.import_errors == {}
    assert DAG_IDS <= set(dagbag.dags)


@pytest.mark.parametrize("dag_id", sorted(DAG_IDS))
def test_operator_experience(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    assert dag.doc_md and "When it fails" in dag.doc_md
    assert dag.tags and "portal" in dag.tags
    assert dag.catchup is False
    assert dag.start_date.utcoffset().total_seconds() == 0
    assert dag.max_active_runs == 1
    assert dag.is_paused_upon_creation is False
    for t in dag.tasks:
        assert t.doc_md and "When it fails" in t.doc_md, f"{dag_id}.{t.task_id} lacks doc_md"


def test_retries_only_on_network_tasks(dagbag):
    network = {("portal_latest_news", "discover_and_fetch"), ("portal_backfill", "fetch_page_batch")}
    for dag_id in DAG_IDS:
        for t in dagbag.dags[dag_id].tasks:
            if (dag_id, t.task_id) in network:
                assert t.retries >= 2 and t.retry_exponential_backoff, t.task_id
            else:
                assert t.retries == 0, f"{dag_id}.{t.task_id} retries"


def test_writers_in_the_duckdb_pool(dagbag):
    for dag_id, task_ids in {
        "portal_warehouse_load": {"load_pending_pages", "check_data_quality", "publish_snapshot"},
        "portal_reparse": {"reparse_raw_pages", "publish_snapshot"},
    }.items():
        for t in dagbag.dags[dag_id].tasks:
            if t.task_id in task_ids:
                assert t.pool == "duckdb_writer"


def test_schedules_and_assets(dagbag):
    from airflow.sdk import AssetOrTimeSchedule, CronTriggerTimetable

    from portal_ingest.airflow_assets import RAW_PAGES, WAREHOUSE
    from portal_triggers.new_article import NewArticleTrigger

    latest = dagbag.dags["portal_latest_news"]
    assert isinstance(latest.timetable, AssetOrTimeSchedule)
    assert isinstance(latest.timetable.timetable, CronTriggerTimetable)
    (asset,) = latest.timetable.asset_condition.objects
    assert isinstance(asset.watchers[0].trigger, NewArticleTrigger)
    assert latest.deadline, "deadline alert on overrunning runs"
    assert latest.get_task("announce_raw_pages").outlets == [RAW_PAGES]

    load = dagbag.dags["portal_warehouse_load"]
    assert load.timetable.asset_condition == RAW_PAGES
    assert load.get_task("publish_snapshot").outlets == [WAREHOUSE]

    for dag_id in ("portal_backfill", "portal_reparse"):
        assert dagbag.dags[dag_id].timetable.can_be_scheduled is False
    assert dagbag.dags["portal_backfill"].get_task("announce_raw_pages").outlets == [RAW_PAGES]


def test_dags_serialize(dagbag):
    """What the dag processor stores: the watcher's trigger, the deadline, the Params."""
    from airflow.serialization.serialized_objects import DagSerialization

    for dag_id in DAG_IDS:
        data = DagSerialization.to_dict(dagbag.dags[dag_id])
        assert data["dag"]["dag_id"] == dag_id


def _validated(dagbag, dag_id, conf):
    params = copy.deepcopy(dagbag.dags[dag_id].params)
    params.update(conf)
    return params.validate()


@pytest.mark.parametrize(
    "conf",
    [
        {"from_page": 0, "to_page": 3},
        {"from_page": "one", "to_page": 3},
        {"since": "2020-13-45"},
        {"since": "yesterday"},
        {"channel": -1, "from_page": 1, "to_page": 1},
        {"dry_run": "yes"},
        {"batch_size": 0},
        {"max_batches": 1000},
    ],
)
def test_backfill_rejects_invalid_params(dagbag, conf):
    from airflow.sdk.exceptions import ParamValidationError

    with pytest.raises(ParamValidationError):
        _validated(dagbag, "portal_backfill", conf)


def test_backfill_accepts_valid_params(dagbag):
    got = _validated(dagbag, "portal_backfill", {"from_page": 2, "to_page": 9, "channel": 14, "dry_run": True})
    assert got["from_page"] == 2 and got["to_page"] == 9 and got["dry_run"] is True
    got = _validated(dagbag, "portal_backfill", {"since": "2020-01-01", "until": "2020-12-31"})
    assert got["since"] == "2020-01-01"


def test_reparse_params(dagbag):
    from airflow.sdk.exceptions import ParamValidationError

    assert _validated(dagbag, "portal_reparse", {})["all"] is False
    assert _validated(dagbag, "portal_reparse", {"all": True})["all"] is True
    with pytest.raises(ParamValidationError):
        _validated(dagbag, "portal_reparse", {"all": "everything"})


@pytest.mark.parametrize("dag_id", ["portal_latest_news", "portal_backfill"])
def test_a_fetch_that_found_nothing_is_still_announced(dagbag, dag_id):
    """The load DAG records every fetch run in `runs` (and publishes it), so a run that
    found nothing must still reach it: no skip, an event whose extra says so."""
    from types import SimpleNamespace

    from portal_ingest.airflow_assets import RAW_PAGES

    nothing = {"run_id": "r-quiet", "kind": "crawl", "origin": f"dag:{dag_id}", "status": "ok", "requests": 2,
               "not_modified": 0, "failed": 0, "new_ids": [], "changed_ids": [], "gone_ids": [],
               "rechecked_ids": [], "batches": ["b1"], "errors": []}
    events = {RAW_PAGES: SimpleNamespace(extra=None)}
    task = dagbag.dags[dag_id].get_task("announce_raw_pages")
    arg = nothing if dag_id == "portal_latest_news" else [nothing]
    task.python_callable(arg, outlet_events=events)
    assert events[RAW_PAGES].extra["run_id"] == "r-quiet"
    assert events[RAW_PAGES].extra["counts"]["new_articles"] == 0
