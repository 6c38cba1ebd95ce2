from __future__ import annotations

import pytest
from wh_fakes import FakeParser

from ingest.config import Settings


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(duckdb_path=tmp_path / "portal.duckdb", lock_timeout_s=2.0)


@pytest.fixture
def parser() -> FakeParser:
    return FakeParser()
