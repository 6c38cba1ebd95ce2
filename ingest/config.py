"""Configuration shared by the CLI, the DAGs and `make run`.

One place reads the environment so every entry point agrees on defaults
(CONTRACT.md "Configuration"). Flags win over the environment; the DAGs may
override either with an Airflow connection or variable before calling here.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from pathlib import Path

# The replica that `make run` starts; tests pass their own free port.
DEFAULT_BASE_URL = "http://127.0.0.1:8765"
DEFAULT_DUCKDB = "data/portal.duckdb"
# The portal's latest-news list (all channels), page 1. Other pages are found by
# following "next" links or by setting the Page parameter.
DEFAULT_LIST_PATH = "/en-us/Pages/news.aspx?Page=1"
USER_AGENT = "portal-ingest/0.1 (+https://github.com/portal-ingest/portal-ingest; offline-archive bot)"


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {raw!r}") from exc


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    base_url: str = DEFAULT_BASE_URL
    duckdb_path: Path = Path(DEFAULT_DUCKDB)
    max_rps: float = 1.0
    concurrency: int = 4
    list_path: str = DEFAULT_LIST_PATH
    # Fetched pages wait here until the single writer loads them.
    landing_dir: Path | None = None
    timeout_s: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    max_retries: int = 5
    user_agent: str = USER_AGENT
    # A known article is refetched when last fetched longer ago than this.
    recheck_days: float = 7.0
    lock_timeout_s: float = 30.0
    # Crawler politeness (ingest/http.py). timeout_s above is the read timeout.
    connect_timeout_s: float = 5.0
    # Retry n waits about backoff_s * 2**n (with jitter), at most backoff_max_s,
    # and never less than the server's Retry-After.
    backoff_s: float = 0.5
    backoff_max_s: float = 30.0
    # A Retry-After longer than this fails the fetch instead of stalling the run.
    retry_after_max_s: float = 300.0
    # Articles per landing batch: a crash loses at most this many fetches.
    landing_batch_size: int = 50
    # Known articles an incremental crawl refetches although no list page it read
    # showed them (due for a recheck, oldest fetch first): how a withdrawn article
    # that left every list is noticed. 0 turns this off.
    recheck_budget: int = 5
    # Data-quality thresholds (warehouse/checks.py), the same for the CLI and the DAGs.
    # A broken layout drives the missing share towards 100%; the replica's baseline is
    # ~18% (texts naming a document without its date), hence 40%. A static archive (or
    # the replica) has no new article for weeks: raise PORTAL_QC_MAX_DAYS_WITHOUT_NEW.
    qc_max_quarantine_share: float = 0.05
    qc_max_missing_share: float = 0.40
    qc_max_days_without_new: float = 14.0
    # Suspects (v_suspect_articles): a document number in the text but no document, or a
    # document without issue date; the replica's baseline is about 20%.
    qc_max_suspect_share: float = 0.35
    # Share of task assignments to bodies the agency registry does not know (kind 'other');
    # the replica's is about 1%, a real portal's grows the registry.
    qc_max_unknown_agency_share: float = 0.5
    # The first load (and a catch-up walk after a quarantined landing batch) reads
    # list pages until the last one; it also stops after this many pages in a row
    # that show no article id it had not seen (an endless next-page chain) ...
    initial_load_stale_pages: int = 10
    # ... and after this many list pages in any case (a backfill without an end
    # page too). `backfill` reads on from there.
    max_list_pages: int = 5000
    # Overall deadlines: one request (connect, headers and body; a server that
    # drips a byte a second never resets it) and one fetching run. 0 = none.
    request_deadline_s: float = 30.0
    run_deadline_s: float = 6 * 3600.0
    # A DuckLake warehouse (PORTAL_DUCKDB = "ducklake:postgres:..."): where its Parquet
    # files live (PORTAL_LAKE_DATA_PATH). Unused for a warehouse file.
    lake_data_path: Path | None = None
    # DuckDB's memory_limit for the loader's connection (PORTAL_DUCKDB_MEMORY_LIMIT):
    # past it DuckDB spills to disk instead of growing.
    memory_limit: str = "512MB"

    @property
    def is_lake(self) -> bool:
        """PORTAL_DUCKDB names a DuckLake catalog, not a file."""
        return str(self.duckdb_path).startswith("ducklake:")

    @property
    def data_dir(self) -> Path:
        """Where the landing area and crawl state live by default: beside the warehouse
        file, or beside a lake's data path."""
        if self.is_lake:
            return self.lake_data_path.parent if self.lake_data_path else Path("data")
        return self.duckdb_path.parent

    @property
    def landing(self) -> Path:
        return self.landing_dir or self.data_dir / "landing"

    @property
    def snapshot_path(self) -> Path:
        """The read-only copy analysts and the crawler open (published after each load)."""
        p = self.duckdb_path
        return p.with_name(p.stem + ".snapshot" + (p.suffix or ".duckdb"))

    @property
    def state_dir(self) -> Path:
        """Resumable crawl state (backfill cursors, the initial load's cursor)."""
        return self.data_dir / "state"

    def with_overrides(self, **kw) -> Settings:
        kw = {k: v for k, v in kw.items() if v is not None}
        if "duckdb_path" in kw:
            kw["duckdb_path"] = Path(kw["duckdb_path"])
        for name in ("landing_dir", "lake_data_path"):
            if name in kw:
                kw[name] = Path(kw[name])
        return replace(self, **kw)

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """Environment first, then non-None keyword overrides (the CLI flags)."""
        base = cls(
            base_url=os.environ.get("PORTAL_BASE_URL") or DEFAULT_BASE_URL,
            duckdb_path=Path(os.environ.get("PORTAL_DUCKDB") or DEFAULT_DUCKDB),
            max_rps=_env_float("PORTAL_MAX_RPS", 1.0),
            concurrency=_env_int("PORTAL_CONCURRENCY", 4),
            list_path=os.environ.get("PORTAL_LIST_PATH") or DEFAULT_LIST_PATH,
            landing_dir=Path(os.environ["PORTAL_LANDING"]) if os.environ.get("PORTAL_LANDING") else None,
            qc_max_quarantine_share=_env_float("PORTAL_QC_MAX_QUARANTINE_SHARE", 0.05),
            qc_max_missing_share=_env_float("PORTAL_QC_MAX_MISSING_SHARE", 0.40),
            qc_max_days_without_new=_env_float("PORTAL_QC_MAX_DAYS_WITHOUT_NEW", 14.0),
            qc_max_suspect_share=_env_float("PORTAL_QC_MAX_SUSPECT_SHARE", 0.35),
            qc_max_unknown_agency_share=_env_float("PORTAL_QC_MAX_UNKNOWN_AGENCY_SHARE", 0.5),
            request_deadline_s=_env_float("PORTAL_REQUEST_DEADLINE_S", cls.request_deadline_s),
            run_deadline_s=_env_float("PORTAL_RUN_DEADLINE_S", cls.run_deadline_s),
            max_list_pages=_env_int("PORTAL_MAX_LIST_PAGES", cls.max_list_pages),
            lake_data_path=(Path(os.environ["PORTAL_LAKE_DATA_PATH"])
                            if os.environ.get("PORTAL_LAKE_DATA_PATH") else None),
            memory_limit=os.environ.get("PORTAL_DUCKDB_MEMORY_LIMIT") or "512MB",
        )
        settings = base.with_overrides(**overrides)
        if not math.isfinite(settings.max_rps) or settings.max_rps < 0:
            raise ValueError("PORTAL_MAX_RPS must be >= 0 (0 = no limit)")
        for name, value in (("PORTAL_REQUEST_DEADLINE_S", settings.request_deadline_s),
                            ("PORTAL_RUN_DEADLINE_S", settings.run_deadline_s)):
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be >= 0 seconds (0 = no deadline)")
        if settings.max_list_pages < 1:
            raise ValueError("PORTAL_MAX_LIST_PAGES must be >= 1")
        if settings.concurrency < 1:
            raise ValueError("PORTAL_CONCURRENCY must be >= 1")
        if not settings.base_url.startswith(("http://", "https://")):
            raise ValueError(f"PORTAL_BASE_URL must be an http(s) URL, got {settings.base_url!r}")
        return settings
