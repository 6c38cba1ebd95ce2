"""The "Portal" page of the Airflow UI, and the run notes: an Airflow 3 plugin.

Registered by the installed package through the ``airflow.plugins`` entry point
(pyproject.toml), so every Airflow component of a deployment that installs
portal-ingest loads it; nothing is copied into ``plugins/``.

- ``fastapi_apps``: `portal_ingest.airflow_plugin.app` served by the api-server under
  ``/portal`` (behind Airflow's login: the app checks the UI's own session token);
- ``external_views``: a "Portal" entry in the UI's navigation that shows that app inside
  the UI (``/plugin/portal``);
- ``listeners``: `portal_ingest.airflow_plugin.notes` writes each portal DAG run's note.
"""

from __future__ import annotations

import functools

from airflow.plugins_manager import AirflowPlugin

from portal_ingest.airflow_plugin import notes

URL_PREFIX = "/portal"
# Where the page shows inside the Airflow UI (``<base>/plugin/portal``).
UI_ROUTE = "portal"


@functools.cache
def _app():
    from portal_ingest.airflow_plugin.app import create_app

    return create_app()


class PortalPlugin(AirflowPlugin):
    name = "portal_ingest"
    listeners = [notes]
    external_views = [
        {
            "name": "Portal",
            "href": URL_PREFIX.lstrip("/") + "/",
            "destination": "nav",
            "url_route": UI_ROUTE,
            "nav_top_level": True,
        }
    ]

    @property
    def fastapi_apps(self):  # built on first use: only the api-server serves it
        return [{"app": _app(), "url_prefix": URL_PREFIX, "name": "Portal"}]
