"""Shared by every test package: puts tests/ on sys.path so `support` imports.

    from support.replica import start_replica

and holds the one fixture two packages share: a migrated Airflow metadata DB.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)


@pytest.fixture(scope="session")
def airflow_db_template(tmp_path_factory) -> Path:
    """`airflow db migrate` once per session (~8 s); tests copy the file into their own
    AIRFLOW_HOME (tests/dags, the DAG rerun of tests/reliability)."""
    from support.airflow_home import AIRFLOW, airflow_env

    home = tmp_path_factory.mktemp("airflow_template")
    proc = subprocess.run(
        [AIRFLOW, "db", "migrate"], env=airflow_env(home), capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return home / "airflow.db"
