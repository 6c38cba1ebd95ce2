"""Settings for code running inside Airflow (task bodies, the triggerer).

The environment is read exactly as the CLI reads it (`ingest.config.Settings.from_env`);
then the Airflow connection ``portal`` and the Variables below may override it:

| Airflow object | overrides | example |
| --- | --- | --- |
| connection ``portal`` (schema, host, port; extra ``{"path": ...}``) | ``PORTAL_BASE_URL`` | ``http://127.0.0.1:8765`` |
| variable ``portal_duckdb`` | ``PORTAL_DUCKDB`` | ``/srv/portal/portal.duckdb`` |
| variable ``portal_max_rps`` | ``PORTAL_MAX_RPS`` | ``1`` |
| variable ``portal_concurrency`` | ``PORTAL_CONCURRENCY`` | ``4`` |

Only call `settings_for_airflow` inside a task body: it talks to the Airflow API
(never at DAG parse time).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from ingest.config import Settings

log = logging.getLogger(__name__)

CONN_ID = "portal"
VARIABLES = {
    # variable name -> Settings field it overrides
    "portal_duckdb": "duckdb_path",
    "portal_max_rps": "max_rps",
    "portal_concurrency": "concurrency",
}
_CASTS = {"max_rps": float, "concurrency": int, "duckdb_path": str}


def base_url_from_connection(conn: Any) -> str | None:
    """``scheme://host:port/path`` from a connection: schema holds the scheme (``http``
    when empty), host the host name (a full URL in host is taken as is), extra ``path``
    an optional path prefix."""
    host = (getattr(conn, "host", None) or "").strip()
    if not host:
        return None
    if "://" in host:
        return host.rstrip("/")
    scheme = (getattr(conn, "schema", None) or "http").strip() or "http"
    port = getattr(conn, "port", None)
    url = f"{scheme}://{host}" + (f":{port}" if port else "")
    extra = getattr(conn, "extra", None)
    if extra:
        try:
            path = (json.loads(extra) or {}).get("path")
        except (ValueError, AttributeError):
            path = None
        if path:
            url += "/" + str(path).strip("/")
    return url


def connection_fields(base_url: str) -> dict[str, Any]:
    """The inverse of `base_url_from_connection`: connection fields for a base URL."""
    parts = urlsplit(base_url)
    fields: dict[str, Any] = {
        "conn_type": "http",
        "host": parts.hostname,
        "port": parts.port,
        "schema": parts.scheme or "http",
        "extra": None,
    }
    if parts.path.strip("/"):
        fields["extra"] = json.dumps({"path": parts.path.strip("/")})
    return fields


def _cast(name: str, field: str, raw: Any) -> Any:
    try:
        return _CASTS[field](raw)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"Airflow variable {name} has a bad value {raw!r}: {exc}") from None


def airflow_overrides() -> dict[str, Any]:
    """Settings fields overridden by the ``portal`` connection and ``portal_*`` variables."""
    from airflow.sdk import Connection, Variable
    from airflow.sdk.exceptions import AirflowNotFoundException

    overrides: dict[str, Any] = {}
    try:
        conn = Connection.get(CONN_ID)
    except AirflowNotFoundException:
        conn = None
    if conn is not None and (url := base_url_from_connection(conn)):
        overrides["base_url"] = url
    for name, field in VARIABLES.items():
        raw = Variable.get(name, default=None)
        if raw is not None and str(raw).strip() != "":
            overrides[field] = _cast(name, field, str(raw).strip())
    return overrides


def settings_for_airflow(**overrides: Any) -> Settings:
    """Environment, then the Airflow connection/variables, then ``overrides`` (non-None)."""
    from ingest.config import Settings

    merged = airflow_overrides()
    merged.update({k: v for k, v in overrides.items() if v is not None})
    settings = Settings.from_env(**merged)
    log.info(
        "portal settings: base_url=%s duckdb=%s max_rps=%s concurrency=%s (overridden: %s)",
        settings.base_url,
        settings.duckdb_path,
        settings.max_rps,
        settings.concurrency,
        ", ".join(sorted(merged)) or "nothing",
    )
    return settings
