"""DuckDB extensions, loaded by path from their PyPI packages, never downloaded.

DuckDB's own `INSTALL` fetches from a server this project never reaches. The
version-matched wheels `duckdb-extension-NAME` carry the binaries instead, at
`duckdb_extension_NAME/extensions/v<duckdb version>/NAME.duckdb_extension`.
An extension loads only into the DuckDB version it was built for, so the day
matched packages exist for a newer DuckDB, the pins in pyproject.toml change
together (duckdb and every duckdb-extension-*) and nothing here does.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from warehouse.errors import WarehouseError

# DuckDB derives the entry point from the file name; the postgres package ships
# `postgres.duckdb_extension` whose entry point is `postgres_scanner_...`.
_LOAD_NAME = {"postgres": "postgres_scanner"}


class ExtensionMissing(WarehouseError):
    """The extension's package is not installed for this DuckDB version."""


def extension_file(name: str) -> Path:
    """The packaged binary of extension `name` for the running DuckDB."""
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    version = duckdb.__version__
    if spec is None or not spec.submodule_search_locations:
        raise ExtensionMissing(
            f"DuckDB extension {name!r} is not installed: add duckdb-extension-{name}=={version}"
        )
    root = Path(next(iter(spec.submodule_search_locations)))
    path = root / "extensions" / f"v{version}" / f"{name}.duckdb_extension"
    if not path.is_file():
        raise ExtensionMissing(
            f"DuckDB extension {name!r} has no build for DuckDB {version} at {path}"
        )
    return path


def _loadable(name: str) -> Path:
    path = extension_file(name)
    wanted = _LOAD_NAME.get(name)
    if wanted is None:
        return path
    # Copy once under the name DuckDB expects, in a per-user cache keyed by content.
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    target = cache / "portal-ingest" / "duckdb-extensions" / digest / f"{wanted}.duckdb_extension"
    if not target.is_file():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            target = Path(tempfile.gettempdir()) / f"portal-ingest-ext-{digest}" / target.name
            target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        shutil.copyfile(path, tmp)
        os.replace(tmp, target)
    return target


def load(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """LOAD each extension into `con` from its installed package (idempotent)."""
    try:
        loaded = {
            row[0]
            for row in con.execute(
                "SELECT extension_name FROM duckdb_extensions() WHERE loaded"
            ).fetchall()
        }
    except duckdb.PermissionException:
        # The instance has file access shut (a read-only snapshot, reopened in the
        # same process while another connection holds it): listing extensions scans
        # a directory, but LOAD by name works for what that instance loaded already.
        for name in names:
            try:
                con.execute(f"LOAD {_LOAD_NAME.get(name, name)}")
            except duckdb.Error as exc:
                raise ExtensionMissing(f"cannot load DuckDB extension {name!r} with file access"
                                       f" disabled on this connection: {exc}") from None
        return
    for name in names:
        if _LOAD_NAME.get(name, name) in loaded or name in loaded:
            continue
        path = str(_loadable(name)).replace("'", "''")
        con.execute(f"LOAD '{path}'")
