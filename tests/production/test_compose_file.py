"""docker-compose.yaml is valid with the environment of .env.example (issue 8).

`docker compose` is not installed everywhere `make test` runs, and the Compose JSON
schema is not available offline, so this test validates the file itself: it performs
Compose's variable interpolation with the values of `.env.example` (`${VAR}`,
`${VAR:-default}`, `${VAR:?error}`, `$$` ...), then checks the structure against the
Compose specification's keys, and the properties this project relies on: every service
has a health check, dependencies exist, named volumes are declared, every secret comes
from `.env` with no default, the warehouse and the landing area are on one volume that
every worker mounts, and the Airflow services share one configuration. When a `docker
compose` (or `docker-compose`) binary exists it also runs `config -q`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml  # dev dependency (pyproject.toml)

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yaml"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERFILE = ROOT / "Dockerfile"

SECRETS = (
    "AIRFLOW_FERNET_KEY",
    "AIRFLOW_JWT_SECRET",
    "AIRFLOW_API_SECRET_KEY",
    "POSTGRES_PASSWORD",
    "REDIS_PASSWORD",
    "AIRFLOW_ADMIN_PASSWORD",
)
REQUIRED_PORTAL = ("PORTAL_BASE_URL", "PORTAL_DUCKDB", "PORTAL_LANDING")
AIRFLOW_SERVICES = {
    "airflow-init": None,
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
    "airflow-worker": "celery worker",
}
WORKER = "airflow-worker"

# The Compose specification's keys (compose-spec, services/volumes/healthcheck).
TOP_LEVEL_KEYS = {"version", "name", "include", "services", "networks", "volumes", "secrets",
                  "configs", "models"}
SERVICE_KEYS = {
    "annotations", "attach", "blkio_config", "build", "cap_add", "cap_drop", "cgroup",
    "cgroup_parent", "command", "configs", "container_name", "cpu_count", "cpu_percent",
    "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpu_shares", "cpus",
    "cpuset", "credential_spec", "depends_on", "deploy", "develop", "device_cgroup_rules",
    "devices", "dns", "dns_opt", "dns_search", "domainname", "entrypoint", "env_file",
    "environment", "expose", "extends", "external_links", "extra_hosts", "gpus", "group_add",
    "healthcheck", "hostname", "image", "init", "ipc", "isolation", "labels", "label_file",
    "links", "logging", "mac_address", "mem_limit", "mem_reservation", "mem_swappiness",
    "memswap_limit", "models", "network_mode", "networks", "oom_kill_disable",
    "oom_score_adj", "pid", "pids_limit", "platform", "ports", "post_start", "pre_stop",
    "privileged", "profiles", "provider", "pull_policy", "read_only", "restart", "runtime",
    "scale", "secrets", "security_opt", "shm_size", "stdin_open", "stop_grace_period",
    "stop_signal", "storage_opt", "sysctls", "tmpfs", "tty", "ulimits", "use_api_socket",
    "user", "userns_mode", "uts", "volumes", "volumes_from", "working_dir",
}
HEALTHCHECK_KEYS = {"disable", "interval", "retries", "test", "timeout", "start_period",
                    "start_interval"}
DEPENDS_ON_KEYS = {"condition", "restart", "required"}
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}
RESTART = {"no", "always", "on-failure", "unless-stopped"}
DURATION = re.compile(r"^(\d+(\.\d+)?(us|ms|s|m|h))+$")
VOLUME_KEYS = {"name", "driver", "driver_opts", "external", "labels"}


# --------------------------------------------------------------------------- .env and interpolation


def parse_env_file(path: Path) -> dict[str, str]:
    """The subset of the Compose .env syntax: KEY=VALUE, comments, optional quotes."""
    env: dict[str, str] = {}
    for no, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):]
        assert "=" in line, f"{path.name}:{no}: not KEY=VALUE: {raw!r}"
        key, value = line.split("=", 1)
        key, value = key.strip(), value.strip()
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key), f"{path.name}:{no}: bad name {key!r}"
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        env[key] = value
    return env


class InterpolationError(ValueError):
    pass


_NAME = r"[A-Za-z_][A-Za-z0-9_]*"


def interpolate(text: str, env: dict[str, str], used: set[str] | None = None) -> str:
    """Compose variable interpolation of one string (`$$` is a literal `$`)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "$":
            out.append(c)
            i += 1
            continue
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if nxt == "$":
            out.append("$")
            i += 2
            continue
        if nxt == "{":
            # Find the matching brace (defaults may nest `${...}`).
            depth, j = 1, i + 2
            while j < len(text) and depth:
                if text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                j += 1
            if depth:
                raise InterpolationError(f"unterminated ${{ in {text!r}")
            out.append(_expand(text[i + 2:j - 1], env, used))
            i = j
            continue
        m = re.match(_NAME, text[i + 1:])
        if m:
            name = m.group(0)
            if used is not None:
                used.add(name)
            out.append(env.get(name, ""))
            i += 1 + len(name)
            continue
        raise InterpolationError(f"invalid interpolation format in {text!r} (use $$ for a literal $)")
    return "".join(out)


def _expand(expr: str, env: dict[str, str], used: set[str] | None) -> str:
    m = re.fullmatch(rf"({_NAME})(?:(:?[-?+])(.*))?", expr, re.S)
    if not m:
        raise InterpolationError(f"invalid interpolation format ${{{expr}}}")
    name, op, arg = m.group(1), m.group(2), m.group(3) or ""
    if used is not None:
        used.add(name)
    value = env.get(name)
    empty_counts = op is not None and op.startswith(":")
    missing = value is None or (empty_counts and value == "")
    if op is None:
        return value or ""
    kind = op[-1]
    if kind == "-":
        return interpolate(arg, env, used) if missing else value
    if kind == "?":
        if missing:
            raise InterpolationError(f"required variable {name} is missing a value: {arg}")
        return value
    # "+": the alternative when set
    return "" if missing else interpolate(arg, env, used)


def interpolate_tree(node, env: dict[str, str], used: set[str]):
    if isinstance(node, dict):
        return {k: interpolate_tree(v, env, used) for k, v in node.items()}
    if isinstance(node, list):
        return [interpolate_tree(v, env, used) for v in node]
    if isinstance(node, str):
        return interpolate(node, env, used)
    return node


def load_compose(env: dict[str, str]) -> tuple[dict, set[str]]:
    raw = yaml.safe_load(COMPOSE.read_text())  # anchors and `<<` merge keys resolved here
    used: set[str] = set()
    return interpolate_tree(raw, env, used), used


@pytest.fixture(scope="module")
def example_env() -> dict[str, str]:
    assert ENV_EXAMPLE.exists(), ".env.example is missing"
    return parse_env_file(ENV_EXAMPLE)


@pytest.fixture(scope="module")
def compose(example_env) -> dict:
    assert COMPOSE.exists(), "docker-compose.yaml is missing"
    config, _ = load_compose(example_env)
    return config


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def _volume_mounts(service: dict) -> list[tuple[str, str]]:
    mounts = []
    for v in service.get("volumes") or []:
        if isinstance(v, str):
            parts = v.split(":")
            if len(parts) >= 2:
                mounts.append((parts[0], parts[1]))
        else:
            mounts.append((v.get("source", ""), v["target"]))
    return mounts


def _command(service: dict) -> str:
    cmd = service.get("command") or ""
    return " ".join(cmd) if isinstance(cmd, list) else str(cmd)


# --------------------------------------------------------------------------- the tests


def test_interpolation_rules():
    env = {"A": "1", "E": ""}
    assert interpolate("x${A}y$A$$A", env) == "x1y1$A"
    assert interpolate("${B:-d}${E:-d}${E-d}${B-${A}}", env) == "dd1"
    assert interpolate("${A:+alt}${B:+alt}", env) == "alt"
    with pytest.raises(InterpolationError, match="set B"):
        interpolate("${B:?set B}", env)
    with pytest.raises(InterpolationError):
        interpolate("${E:?empty}", env)
    with pytest.raises(InterpolationError):
        interpolate("a $ b", env)


def test_env_example_makes_the_file_valid(example_env):
    config, used = load_compose(example_env)
    assert config["services"]
    undefined = sorted(v for v in used if v not in example_env and not v.startswith("PORTAL_INGEST_"))
    # Variables with a default may be left out of .env.example; say which are used.
    for name in undefined:
        assert re.search(rf"\$\{{{name}:?-", COMPOSE.read_text()), (
            f"{name} is used without a default and is not in .env.example"
        )


@pytest.mark.parametrize("name", SECRETS + REQUIRED_PORTAL)
def test_every_secret_and_portal_setting_is_required(example_env, name):
    assert name in example_env, f"{name} missing from .env.example"
    env = {k: v for k, v in example_env.items() if k != name}
    with pytest.raises(InterpolationError, match=f"set {name} in .env"):
        load_compose(env)
    env[name] = ""
    with pytest.raises(InterpolationError, match=f"set {name} in .env"):
        load_compose(env)


def test_secrets_have_no_default_and_placeholders_are_refused(example_env):
    text = COMPOSE.read_text()
    for name in SECRETS:
        assert not re.search(rf"\$\{{{name}:?[-+]", text), f"{name} has a default in the compose file"
        value = example_env[name]
        assert "CHANGE_ME" in value, f".env.example must hold a CHANGE_ME placeholder for {name}"
    # Placeholders pass `docker compose config` but the stack refuses to start with them.
    assert text.count("*CHANGE_ME*") >= 3, "postgres, redis and airflow-init must refuse CHANGE_ME"


def test_no_literal_secret_in_the_file(compose):
    secretish = re.compile(r"(?i)(passw|secret|fernet|token|_key$)")
    raw = yaml.safe_load(COMPOSE.read_text())
    for name, service in raw["services"].items():
        for key, value in _env(service).items():
            if secretish.search(key) and not key.endswith(("_FILE", "_CMD")):
                assert value.startswith("${"), f"{name}: {key} is not taken from .env"
        for key, value in _env(service).items():
            for m in re.finditer(r"://[^:/@\s]*:([^@\s]+)@", value):
                assert m.group(1).startswith("${"), f"{name}: {key} has a literal password"


def test_structure_follows_the_compose_spec(compose):
    assert set(compose) - TOP_LEVEL_KEYS <= {k for k in compose if k.startswith("x-")}
    assert "version" not in compose, "`version` is obsolete in the Compose specification"
    services = compose["services"]
    declared_volumes = set(compose.get("volumes") or {})
    for vol, spec in (compose.get("volumes") or {}).items():
        assert not set(spec or {}) - VOLUME_KEYS, f"volume {vol}: unknown keys"
    for name, svc in services.items():
        assert re.fullmatch(r"[a-zA-Z0-9][a-zA-Z0-9_.-]*", name)
        unknown = set(svc) - SERVICE_KEYS - {k for k in svc if k.startswith("x-")}
        assert not unknown, f"service {name}: unknown keys {unknown}"
        assert svc.get("image") or svc.get("build"), f"service {name}: no image and no build"
        if "restart" in svc:
            restart = str(svc["restart"])
            assert restart in RESTART or restart.startswith("on-failure:"), f"{name}: restart {restart}"
        for src, target in _volume_mounts(svc):
            assert target.startswith("/"), f"{name}: volume target {target} is not absolute"
            if not src.startswith((".", "/", "~")):
                assert src in declared_volumes, f"{name}: named volume {src} is not declared"
        for port in svc.get("ports") or []:
            assert re.fullmatch(r"(\d+(-\d+)?:)?\d+(-\d+)?(/(tcp|udp))?", str(port)), f"{name}: port {port}"
        deps = svc.get("depends_on") or {}
        if isinstance(deps, list):
            deps = {d: {"condition": "service_started"} for d in deps}
        for dep, spec in deps.items():
            assert dep in services, f"{name} depends on unknown service {dep}"
            assert not set(spec) - DEPENDS_ON_KEYS, f"{name} -> {dep}: unknown keys"
            assert spec.get("condition", "service_started") in CONDITIONS
            if spec.get("condition") == "service_healthy":
                assert services[dep].get("healthcheck"), f"{name} waits for {dep}'s health, it has none"
            if not svc.get("profiles"):
                assert not services[dep].get("profiles"), f"{name} depends on profiled {dep}"
    # No dependency cycle.
    state: dict[str, int] = {}

    def visit(n, path):
        assert state.get(n) != 1, f"dependency cycle: {' -> '.join([*path, n])}"
        if state.get(n) == 2:
            return
        state[n] = 1
        deps = services[n].get("depends_on") or {}
        for d in deps:
            visit(d, [*path, n])
        state[n] = 2

    for n in services:
        visit(n, [])


def test_every_service_has_a_health_check(compose):
    for name, svc in compose["services"].items():
        hc = svc.get("healthcheck")
        assert hc, f"service {name} has no healthcheck"
        assert not set(hc) - HEALTHCHECK_KEYS, f"{name}: unknown healthcheck keys {set(hc) - HEALTHCHECK_KEYS}"
        assert not hc.get("disable"), f"{name}: healthcheck disabled"
        test = hc["test"]
        if isinstance(test, list):
            assert test[0] in {"CMD", "CMD-SHELL"} and len(test) > 1, f"{name}: healthcheck test {test}"
        else:
            assert test.strip(), f"{name}: empty healthcheck"
        for key in ("interval", "timeout", "start_period", "start_interval"):
            if key in hc:
                assert DURATION.fullmatch(str(hc[key])), f"{name}: {key} {hc[key]!r}"
        if "retries" in hc:
            assert int(hc["retries"]) >= 1


def test_the_services_of_the_official_celery_stack(compose):
    services = compose["services"]
    for name in ("postgres", "redis", *AIRFLOW_SERVICES):
        assert name in services, f"service {name} missing"
        assert not services[name].get("profiles"), f"{name} must start by default"
    for name, command in AIRFLOW_SERVICES.items():
        if command:
            assert _command(services[name]) == command, f"{name} runs {_command(services[name])!r}"
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert "replica" in services and services["replica"].get("profiles") == ["replica"]
    replica_cmd = [*services["replica"].get("entrypoint", []), *services["replica"]["command"]]
    assert replica_cmd[:2] == ["portal-ingest", "replica"] and "0.0.0.0" in replica_cmd
    # The API server is the one published port of Airflow; the worker can be scaled.
    assert any(str(p).endswith(":8080") for p in services["airflow-apiserver"]["ports"])
    worker = services[WORKER]
    assert "container_name" not in worker and not worker.get("ports"), "workers must be scalable"
    assert worker["depends_on"]["airflow-apiserver"]["condition"] == "service_healthy"


def test_airflow_init_prepares_everything(compose):
    init = compose["services"]["airflow-init"]
    script = _command(init)
    for step in ("airflow db migrate", "python -m portal_ingest.lake_setup", "python -m portal_ingest.airflow_setup",
                 "airflow users create"):
        assert step in script, f"airflow-init does not run `{step}`"
    assert script.index("db migrate") < script.index("portal_ingest.airflow_setup")
    assert script.index("db migrate") < script.index("portal_ingest.lake_setup")
    for name in AIRFLOW_SERVICES:
        if name == "airflow-init":
            continue
        deps = compose["services"][name]["depends_on"]
        assert deps["airflow-init"]["condition"] == "service_completed_successfully", name


def test_airflow_services_share_one_configuration(compose, example_env):
    services = compose["services"]
    envs = {name: _env(services[name]) for name in AIRFLOW_SERVICES}
    first = envs["airflow-scheduler"]
    for name, env in envs.items():
        for key, value in first.items():
            assert env.get(key) == value, f"{name}: {key} differs from the scheduler's"
    env = first
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    db = urlsplit(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    assert db.scheme.startswith("postgresql") and db.hostname == "postgres"
    assert db.password == example_env["POSTGRES_PASSWORD"]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == example_env["POSTGRES_PASSWORD"]
    assert db.username == services["postgres"]["environment"]["POSTGRES_USER"]
    assert db.path.lstrip("/") == services["postgres"]["environment"]["POSTGRES_DB"]
    backend = urlsplit(env["AIRFLOW__CELERY__RESULT_BACKEND"])
    assert backend.scheme == "db+postgresql" and backend.hostname == "postgres"
    broker = urlsplit(env["AIRFLOW__CELERY__BROKER_URL"])
    assert broker.scheme == "redis" and broker.hostname == "redis"
    assert broker.password == example_env["REDIS_PASSWORD"]
    api = urlsplit(env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"])
    assert api.hostname == "airflow-apiserver" and api.path == "/execution/"
    assert any(str(p).endswith(f":{api.port}") for p in services["airflow-apiserver"]["ports"])
    assert env["AIRFLOW__CORE__FERNET_KEY"] == example_env["AIRFLOW_FERNET_KEY"]
    assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == example_env["AIRFLOW_JWT_SECRET"]
    assert env["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"] == "true"
    for name in REQUIRED_PORTAL:
        assert env[name] == example_env[name]
    # One image for every Airflow service, built from the Dockerfile.
    images = {services[n].get("image") for n in AIRFLOW_SERVICES}
    assert len(images) == 1 and all(services[n].get("build") for n in AIRFLOW_SERVICES)


def test_warehouse_and_landing_are_on_one_shared_volume(compose, example_env):
    services = compose["services"]
    declared = set(compose["volumes"])
    # The lake's Parquet files (or the warehouse file) and the landing area share the volume.
    duckdb = (Path(example_env["PORTAL_LAKE_DATA_PATH"]) if example_env["PORTAL_DUCKDB"].startswith("ducklake:")
              else Path(example_env["PORTAL_DUCKDB"]))
    landing = Path(example_env["PORTAL_LANDING"])
    mounts_by_service = {}
    for name in AIRFLOW_SERVICES:
        for src, target in _volume_mounts(services[name]):
            if duckdb.is_relative_to(target) and landing.is_relative_to(target):
                assert src in declared, f"{name}: the warehouse is not on a named volume"
                mounts_by_service[name] = src
    assert WORKER in mounts_by_service, "the workers do not mount the warehouse volume"
    assert "airflow-init" in mounts_by_service, "airflow-init must prepare the data volume"
    assert len(set(mounts_by_service.values())) == 1, f"different volumes: {mounts_by_service}"


def test_dockerfile_builds_on_the_official_image_from_the_lock():
    text = DOCKERFILE.read_text()
    froms = re.findall(r"(?m)^ARG AIRFLOW_IMAGE=(\S+)", text)
    assert froms and froms[0].startswith("apache/airflow:3.3.2"), froms
    assert re.search(r"uv export --frozen --no-dev", text)
    assert '"apache-airflow==3.3.2"' in text
    assert "COPY --chown=airflow:0 dags /opt/airflow/dags" in text
    # Every package the project installs is copied into the image.
    import tomllib

    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    # A subpackage (portal_ingest.airflow_plugin) comes with its top-level folder.
    for package in sorted({p.split(".")[0] for p in packages}):
        assert re.search(rf"(?m)^COPY .*\b{package} /opt/portal-ingest/{package}$", text), (
            f"the Dockerfile does not copy package {package}"
        )
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    assert ".env" in ignore, ".env must not be sent to the docker build"


def _compose_cli() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run([docker, "compose", "version"], capture_output=True, text=True)
        if probe.returncode == 0:
            return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def test_docker_compose_config_accepts_the_file(tmp_path):
    cli = _compose_cli()
    if cli is None:
        pytest.skip("no `docker compose` / `docker-compose` here; validated above without it")
    proc = subprocess.run(
        [*cli, "--project-directory", str(ROOT), "--env-file", str(ENV_EXAMPLE),
         "-f", str(COMPOSE), "--profile", "replica", "config", "-q"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr


def test_the_lake_catalog_is_a_second_database_of_the_stacks_postgres(compose, example_env):
    from portal_ingest.lake_setup import catalog_params

    env = _env(compose["services"]["airflow-scheduler"])
    params = catalog_params(example_env["PORTAL_DUCKDB"])
    postgres = compose["services"]["postgres"]["environment"]
    assert params["host"] == "postgres" and params["user"] == postgres["POSTGRES_USER"]
    assert params["dbname"] != postgres["POSTGRES_DB"]  # not Airflow's own database
    assert "password" not in params and env["PGPASSWORD"] == example_env["POSTGRES_PASSWORD"]
    assert env["PORTAL_LAKE_DATA_PATH"] == example_env["PORTAL_LAKE_DATA_PATH"]
    assert int(env["PORTAL_WRITER_SLOTS"]) > 1  # several loaders at once on the lake
