"""Fixtures of the replica's own tests: one shared replica (seed 7, 300 articles)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.replica import start_replica

SEED_TEXT = Path(__file__).resolve().parents[2] / "portal_replica" / "data" / "seed-letter-2718.txt"


@pytest.fixture(scope="module")
def replica(tmp_path_factory):
    with start_replica(tmp_path_factory.mktemp("replica"), articles=300, seed=7) as running:
        yield running


@pytest.fixture
def replica_factory(tmp_path):
    """Start replicas with options; all stopped at the end of the test."""
    started = []

    def factory(**options):
        running = start_replica(tmp_path, **options)
        started.append(running)
        return running

    yield factory
    for running in started:
        running.stop()
