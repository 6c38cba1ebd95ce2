"""Typed errors of the warehouse. The CLI prints `str(error)` as its one-line message."""

from __future__ import annotations


class WarehouseError(Exception):
    """Base class of every warehouse error."""


class WarehouseLocked(WarehouseError):
    """Another process held DuckDB's single-writer lock for longer than we may wait."""


class WarehouseMissing(WarehouseError):
    """The warehouse or snapshot file to open does not exist yet."""


class SchemaTooNew(WarehouseError):
    """The file was migrated by a newer version of this code than the one running."""


class MigrationFailed(WarehouseError):
    """A migration script failed; the file is left at the previous schema version."""


class TransactionAborted(WarehouseError):
    """A statement failed inside a transaction; it was rolled back instead of committed."""


class CommitConflict(WarehouseError):
    """A DuckLake commit lost to another writer's; nothing was written, run it again."""


class DuplicateKeysInBatch(WarehouseError):
    """An upsert batch held the same key twice (DuckDB would silently keep one of them)."""


class ReadOnlyQuery(WarehouseError):
    """A query through `portal-ingest sql` tried to write; only reads are allowed."""


class QueryFailed(WarehouseError):
    """An analyst query failed (syntax, unknown column, ...)."""


class DataQualityError(WarehouseError):
    """A data-quality check failed after a load; the message carries the numbers."""
