"""Listener: copy the ``portal_note`` XCom onto the DAG run when the run ends, so the
run itself says in one line what it did (the UI shows a run's note on the run's page
and in the runs list).

There is no Task SDK call that writes a DAG run's note in Airflow 3.3 (the execution
API only reads it), so tasks push the line as an XCom and this listener, running in
the scheduler (or `airflow dags test`) inside the session that ends the run, writes it.
A note written by a person (it has a user id) is never replaced.
"""

from __future__ import annotations

import logging

from airflow.listeners import hookimpl

from portal_ingest.run_notes import SOURCE_XCOM_KEY, XCOM_KEY, clip, complete_fetch_note

log = logging.getLogger(__name__)

PORTAL_DAGS = {"portal_latest_news", "portal_backfill", "portal_warehouse_load", "portal_reparse"}
LOAD_DAG = "portal_warehouse_load"


@hookimpl
def on_dag_run_success(dag_run, msg: str) -> None:
    _write_notes(dag_run, failed=False)


@hookimpl
def on_dag_run_failed(dag_run, msg: str) -> None:
    _write_notes(dag_run, failed=True)


def _write_notes(dag_run, *, failed: bool) -> None:
    if dag_run.dag_id not in PORTAL_DAGS:
        return
    from sqlalchemy.orm import object_session

    session = object_session(dag_run)
    if session is None:
        # `airflow dags test` ends a run held by no session: write in a session of our own.
        from airflow.models.dagrun import DagRun
        from airflow.utils.session import create_session

        with create_session() as own:
            attached = own.get(DagRun, dag_run.id)
            if attached is not None:
                _write_in(own, attached, failed=failed)
        return
    _write_in(session, dag_run, failed=failed)


def _write_in(session, dag_run, *, failed: bool) -> None:
    try:
        note = _latest_xcom(session, dag_run, XCOM_KEY)
        if failed:
            note = _with_failure(session, dag_run, note)
        if note:
            _set_note(dag_run, note)
        if dag_run.dag_id == LOAD_DAG:
            part = _latest_xcom(session, dag_run, SOURCE_XCOM_KEY)
            if failed and not part:
                part = "load FAILED (see portal_warehouse_load " + dag_run.run_id + ")"
            if part:
                _complete_sources(session, dag_run, part)
    except Exception:  # noqa: BLE001 - a note must never fail the scheduler's state change
        log.exception("could not write the note of %s/%s", dag_run.dag_id, dag_run.run_id)


def _latest_xcom(session, dag_run, key: str) -> str | None:
    from airflow.models.xcom import XComModel
    from sqlalchemy import select

    row = session.execute(
        select(XComModel.value).where(XComModel.dag_run_id == dag_run.id, XComModel.key == key)
        .order_by(XComModel.timestamp.desc()).limit(1)
    ).first()
    if row is None:
        return None
    value = XComModel.deserialize_value(row)
    return str(value) if value is not None else None


def _with_failure(session, dag_run, note: str | None) -> str:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.state import TaskInstanceState
    from sqlalchemy import select

    failed = session.scalars(
        select(TaskInstance.task_id).where(
            TaskInstance.dag_id == dag_run.dag_id, TaskInstance.run_id == dag_run.run_id,
            TaskInstance.state == TaskInstanceState.FAILED,  # not the tasks it held back
        )
    ).all()
    where = ", ".join(sorted(set(failed))) or "the run (timeout?)"
    head = f"FAILED at {where}"
    return f"{head}; {note}" if note and not note.startswith("FAILED") else (note or head)


def _set_note(dag_run, text: str) -> None:
    existing = dag_run.dag_run_note
    if existing is not None and existing.user_id:
        return  # a person's note stays
    dag_run.note = clip(text)


def _complete_sources(session, load_run, part: str) -> None:
    from airflow.models.dagrun import DagRun
    from sqlalchemy import select

    for event in getattr(load_run, "consumed_asset_events", None) or []:
        if event.source_dag_id not in PORTAL_DAGS or not event.source_run_id:
            continue
        source = session.scalar(
            select(DagRun).where(DagRun.dag_id == event.source_dag_id, DagRun.run_id == event.source_run_id)
        )
        if source is not None:
            _set_note(source, complete_fetch_note(source.note, part))
