"""Deadline-alert callbacks (run by the triggerer, so they live in this installed package)."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("portal_triggers.alerts")


async def run_overran(context: dict[str, Any] | None = None, **kwargs: Any) -> str:
    """A `portal_latest_news` run passed its deadline: log one loud line an operator can grep.

    Airflow passes ``context`` = {"dag_run": {...}, "deadline": {...}}; ``kwargs`` are
    the DAG's callback kwargs (``dag_id``, ``limit``, ``runbook``).
    """
    run = (context or {}).get("dag_run") or {}
    deadline = (context or {}).get("deadline") or {}
    message = (
        f"DEADLINE MISSED: {run.get('dag_id', kwargs.get('dag_id'))} run {run.get('dag_run_id') or run.get('run_id')}"
        f" (state {run.get('state')}, queued {run.get('queued_at')}) is still running past"
        f" {deadline.get('deadline_time')} (limit {kwargs.get('limit', '?')}). {kwargs.get('runbook', '')}"
    ).strip()
    log.error(message)
    return message
