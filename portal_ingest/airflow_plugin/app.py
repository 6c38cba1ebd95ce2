"""The Portal page's FastAPI app, mounted by the api-server under ``/portal``.

Behind Airflow's login: every route resolves the caller from the UI's session cookie
(or a bearer token) with Airflow's own `resolve_user_from_token` and asks the auth
manager whether that user may read DAGs; a browser without a session is sent to the
login page, anything else gets 401.

Routes (relative to ``/portal``):
    /                  the page (HTML)
    /overview.json     what the page shows, as JSON
    /raw/{sha256}      a stored raw page, as plain text (never rendered: it is foreign HTML)
    /report            the analysts' report file, when it exists
"""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)

from portal_ingest.airflow_plugin import page
from portal_ingest.airflow_plugin.notes import PORTAL_DAGS

log = logging.getLogger(__name__)
RUNS_PER_DAG = 5
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Foreign HTML and our report are shown from Airflow's origin: keep them in a sandbox
# (no same-origin access to the UI's session), and never sniffed into something else.
RAW_HEADERS = {"Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff"}
REPORT_HEADERS = {"Content-Security-Policy": "sandbox allow-scripts", "X-Content-Type-Options": "nosniff"}


class NotSignedIn(Exception):
    pass


async def _authorize(request: Request) -> None:
    """Raise NotSignedIn without a valid session, 403 without the right to read DAGs."""
    from airflow.api_fastapi.app import get_auth_manager
    from airflow.api_fastapi.auth.managers.base_auth_manager import COOKIE_NAME_JWT_TOKEN
    from airflow.api_fastapi.core_api.security import resolve_user_from_token

    header = request.headers.get("authorization") or ""
    token = header[7:].strip() if header.lower().startswith("bearer ") else request.cookies.get(COOKIE_NAME_JWT_TOKEN)
    try:
        user = await resolve_user_from_token(token)
    except HTTPException as exc:
        raise NotSignedIn(exc.detail) from None
    if not get_auth_manager().is_authorized_dag(method="GET", user=user):
        raise HTTPException(status_code=403, detail="this page needs the right to read DAGs")


def _settings():
    """The warehouse as the DAGs see it: the environment, then the ``portal_duckdb`` variable."""
    from ingest.config import Settings

    overrides: dict[str, Any] = {}
    try:
        from airflow.models import Variable

        path = Variable.get("portal_duckdb", default_var=None)
        if path and str(path).strip():
            overrides["duckdb_path"] = str(path).strip()
    except Exception as exc:  # noqa: BLE001 - no metadata database: the environment decides
        log.debug("variable portal_duckdb not readable: %s", exc)
    return Settings.from_env(**overrides)


def report_path(snapshot: Path) -> Path:
    """The analysts' report beside the snapshot: ``<snapshot without .duckdb>.report.html``."""
    return snapshot.with_name(snapshot.stem + ".report.html")


def _dag_runs() -> dict[str, list[dict[str, Any]]]:
    """The last runs of each portal DAG from Airflow's metadata database, newest first."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    out: dict[str, list[dict[str, Any]]] = {dag_id: [] for dag_id in sorted(PORTAL_DAGS)}
    with create_session() as session:
        for dag_id in out:
            found = session.scalars(
                select(DagRun).where(DagRun.dag_id == dag_id)
                .order_by(DagRun.run_after.desc(), DagRun.id.desc()).limit(RUNS_PER_DAG)
            ).all()
            out[dag_id] = [
                {
                    "dag_id": r.dag_id, "run_id": r.run_id, "state": str(r.state or ""),
                    "run_type": str(r.run_type or ""), "note": r.note,
                    "start_date": r.start_date.isoformat() if r.start_date else None,
                    "end_date": r.end_date.isoformat() if r.end_date else None,
                    "run_after": r.run_after.isoformat() if r.run_after else None,
                }
                for r in found
            ]
    return out


def collect() -> dict[str, Any]:
    """Everything the page shows (runs a few small queries; called off the event loop)."""
    from warehouse.checks import limits_from
    from warehouse.errors import WarehouseError
    from warehouse.overview import overview

    settings = _settings()
    snapshot = Path(settings.snapshot_path).expanduser().resolve()
    data: dict[str, Any] = {
        "warehouse": str(Path(settings.duckdb_path).expanduser().resolve()),
        "snapshot": str(snapshot),
        "report": str(report_path(snapshot)),
        "report_exists": report_path(snapshot).exists(),
    }
    try:
        data["dag_runs"] = _dag_runs()
    except Exception as exc:  # noqa: BLE001 - show the warehouse even when Airflow's DB hiccups
        data["dag_runs_error"] = f"{type(exc).__name__}: {exc}"
        data["dag_runs"] = {}
    try:
        data["overview"] = overview(snapshot, limits_from(settings))
    except (WarehouseError, ValueError) as exc:
        data["overview_error"] = str(exc)
    return data


def create_app() -> FastAPI:
    app = FastAPI(title="Portal", docs_url=None, redoc_url=None, openapi_url=None)

    @app.exception_handler(NotSignedIn)
    async def _not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if "text/html" in (request.headers.get("accept") or ""):
            from airflow.api_fastapi.app import get_auth_manager

            return RedirectResponse(get_auth_manager().get_url_login(next_url=str(request.url)), status_code=303)
        return JSONResponse({"detail": f"not signed in to Airflow ({exc})"}, status_code=401)

    @app.get("/", response_class=HTMLResponse)
    async def portal_page(request: Request) -> HTMLResponse:
        await _authorize(request)
        data = await asyncio.to_thread(collect)
        return HTMLResponse(page.render(data))

    @app.get("/overview.json")
    async def overview_json(request: Request) -> JSONResponse:
        await _authorize(request)
        return JSONResponse(await asyncio.to_thread(collect))

    @app.get("/raw/{sha256}")
    async def raw(sha256: str, request: Request) -> Response:
        await _authorize(request)
        if not _SHA256.match(sha256):
            raise HTTPException(status_code=404, detail="not a sha256")
        from warehouse.errors import WarehouseError
        from warehouse.overview import raw_page

        snapshot = Path(_settings().snapshot_path)
        try:
            found = await asyncio.to_thread(raw_page, snapshot, sha256)
        except WarehouseError as exc:
            raise HTTPException(status_code=404, detail=str(exc)) from None
        if found is None:
            raise HTTPException(status_code=404, detail=f"no stored page with sha256 {sha256} in {snapshot.resolve()}")
        url, body = found
        text = f"<!-- stored page of {url} (sha256 {sha256}), shown as text -->\n" + body.decode("utf-8", "replace")
        return PlainTextResponse(text, headers=RAW_HEADERS)

    @app.get("/report")
    async def report(request: Request) -> Response:
        await _authorize(request)
        settings = _settings()
        path = report_path(Path(settings.snapshot_path).expanduser().resolve())
        if not path.exists():
            warehouse = Path(settings.duckdb_path).expanduser().resolve()
            return PlainTextResponse(page.report_missing_text(path, warehouse), status_code=404)
        body = await asyncio.to_thread(path.read_bytes)
        return Response(body, media_type="text/html; charset=utf-8", headers=REPORT_HEADERS)

    return app
