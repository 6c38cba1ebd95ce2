"""Data-quality checks the load DAG runs after each load (before publishing).

Each check yields numbers and a threshold; `run_checks` raises
DataQualityError naming every failed check with its numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from ingest.config import Settings
from warehouse.db import connect, rows
from warehouse.errors import DataQualityError

# Logical keys; the primary keys enforce most of them, the check proves it on the file.
KEYS = {
    "articles": ["article_id"],
    "article_versions": ["article_id", "version"],
    "directives": ["article_id", "ordinal"],
    "citations": ["article_id", "ordinal"],
    "listings": ["article_id"],
    "raw_pages": ["url", "content_sha256"],
    "quarantine": ["url"],
    "runs": ["run_id"],
}


@dataclass
class CheckResult:
    name: str
    ok: bool
    value: float | int | None
    threshold: float | int | None
    detail: str


@dataclass
class QualityReport:
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failures(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.ok]

    def summary(self) -> str:
        return "; ".join(f"{c.name}: {c.detail}" for c in self.failures) or "all checks passed"


def run_checks(
    settings: Settings,
    *,
    max_quarantine_share: float | None = None,
    max_missing_share: float | None = None,
    max_days_without_new: float | None = None,
    now: datetime | None = None,
    raise_on_failure: bool = True,
) -> QualityReport:
    """Check the live warehouse; raise DataQualityError (with the numbers) when one fails.
    Thresholds: the keyword arguments, else `Settings.qc_*` (PORTAL_QC_* in the environment)."""
    given = {"max_quarantine_share": max_quarantine_share, "max_missing_share": max_missing_share,
             "max_days_without_new": max_days_without_new}
    limits = {name: float(value if value is not None else getattr(settings, f"qc_{name}"))
              for name, value in given.items()}
    now = now or datetime.now(UTC)
    con = connect(settings, read_only=True)
    try:
        report = QualityReport([
            duplicate_keys(con),
            quarantine_share(con, limits["max_quarantine_share"]),
            missing_number_or_date(con, limits["max_missing_share"]),
            days_without_new(con, limits["max_days_without_new"], now),
        ])
    finally:
        con.close()
    if raise_on_failure and not report.ok:
        raise DataQualityError(f"data-quality checks failed: {report.summary()}")
    return report


def duplicate_keys(con) -> CheckResult:
    found = {}
    for table, key in KEYS.items():
        cols = ", ".join(key)
        n = rows(con, f"SELECT count(*) FROM (SELECT {cols} FROM {table} GROUP BY ALL HAVING count(*) > 1)")[0][0]
        if n:
            found[table] = n
    detail = ", ".join(f"{t} has {n} duplicated keys" for t, n in found.items()) or "no duplicate keys"
    return CheckResult("duplicate_keys", not found, sum(found.values()), 0, detail)


def quarantine_share(con, threshold: float) -> CheckResult:
    """Share of pages quarantined by the most recent load (not reparse)."""
    last = rows(
        con,
        "SELECT run_id, quarantined, pages_loaded FROM runs WHERE kind <> 'reparse' AND pages_loaded > 0"
        " ORDER BY loaded_at DESC NULLS LAST, started_at DESC LIMIT 1",
    )
    if not last:
        return CheckResult("quarantine_share", True, None, threshold, "no load yet")
    run_id, quarantined, pages = last[0]
    share = quarantined / pages
    return CheckResult(
        "quarantine_share", share <= threshold, share, threshold,
        f"{quarantined} of {pages} pages quarantined in run {run_id} ({share:.1%} > {threshold:.0%})"
        if share > threshold else f"{quarantined} of {pages} pages quarantined ({share:.1%})",
    )


def missing_number_or_date(con, threshold: float) -> CheckResult:
    """Share of documents (articles with a document type) lacking their number or date."""
    total, missing = rows(
        con,
        "SELECT count(*), count(*) FILTER (WHERE doc_number IS NULL OR issued_on IS NULL)"
        " FROM articles WHERE doc_type IS NOT NULL",
    )[0]
    if not total:
        return CheckResult("missing_number_or_date", True, None, threshold, "no documents yet")
    share = missing / total
    bad = share > threshold
    return CheckResult(
        "missing_number_or_date", not bad, share, threshold,
        f"{missing} of {total} documents lack a number or date ({share:.1%}"
        + (f" > {threshold:.0%})" if bad else ")"),
    )


def days_without_new(con, threshold_days: float, now: datetime) -> CheckResult:
    """How long our ingestion runs have gone on finding nothing new on the portal.

    Measured between runs, not against the articles' own dates: a quiet portal is
    normal, but weeks of runs that find nothing usually mean the crawler went
    blind (the list moved, a layout changed).
    """
    first_run, last_run, last_found = rows(
        con,
        "SELECT min(started_at), max(started_at), max(started_at) FILTER (WHERE new_articles > 0)"
        " FROM runs WHERE kind <> 'reparse'",
    )[0]
    if last_run is None:
        return CheckResult("days_without_new", True, None, threshold_days, "no ingestion runs yet")
    since = last_found or first_run
    days = (last_run - since).total_seconds() / 86400
    bad = days > threshold_days
    what = "since the last run that found a new article" if last_found else "of runs without any new article"
    return CheckResult(
        "days_without_new", not bad, round(days, 1), threshold_days,
        f"{days:.1f} days {what}" + (f" (> {threshold_days:g} days)" if bad else ""),
    )
