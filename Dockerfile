# portal-ingest on the official Airflow image (issue 8).
#
#   docker compose build        (docker-compose.yaml builds this for every Airflow service)
#
# Dependencies come from uv.lock, exactly as `make` installs them for development:
# `uv export --frozen` turns the lock into a pinned requirements file, pip installs it
# into the image's Python with the image's own constraints switched off (the lock is
# the constraint), then the project itself goes in without touching the dependencies.
# The DAGs are baked into the image, so every worker runs the same code.

# Python 3.12: pyproject.toml requires >=3.11,<3.13.
ARG AIRFLOW_IMAGE=apache/airflow:3.3.2-python3.12

FROM ${AIRFLOW_IMAGE} AS requirements
WORKDIR /tmp/lock
COPY pyproject.toml uv.lock ./
RUN pip install --no-cache-dir "uv==0.13.8" \
 && python -m uv export --frozen --no-dev --no-emit-project --no-hashes \
        --format requirements-txt --output-file requirements.txt

FROM ${AIRFLOW_IMAGE}
COPY --from=requirements /tmp/lock/requirements.txt /tmp/requirements.txt
# apache-airflow is pinned to the image's version so pip can never move it.
RUN PIP_CONSTRAINT="" pip install --no-cache-dir \
        "apache-airflow==3.3.2" -r /tmp/requirements.txt

COPY --chown=airflow:0 pyproject.toml README.md /opt/portal-ingest/
COPY --chown=airflow:0 ingest /opt/portal-ingest/ingest
COPY --chown=airflow:0 transforms /opt/portal-ingest/transforms
COPY --chown=airflow:0 warehouse /opt/portal-ingest/warehouse
COPY --chown=airflow:0 portal_ingest /opt/portal-ingest/portal_ingest
COPY --chown=airflow:0 portal_replica /opt/portal-ingest/portal_replica
COPY --chown=airflow:0 portal_triggers /opt/portal-ingest/portal_triggers
RUN PIP_CONSTRAINT="" pip install --no-cache-dir --no-deps /opt/portal-ingest \
 && python -c "import portal_ingest, portal_triggers, warehouse, transforms, ingest"

# The AssetWatcher trigger is the installed package portal_triggers (the triggerer cannot
# import from the DAG folder), so plugins/ is not needed in the image.
COPY --chown=airflow:0 dags /opt/airflow/dags

# The warehouse, the snapshot and the landing area live on one volume mounted here
# (docker-compose.yaml: volume portal-data); created so the volume starts owned by airflow.
USER root
RUN mkdir -p /opt/portal/data/landing && chown -R airflow:0 /opt/portal/data \
 && chmod -R g+rwX /opt/portal/data
USER airflow
ENV PORTAL_DUCKDB=/opt/portal/data/portal.duckdb \
    PORTAL_LANDING=/opt/portal/data/landing
