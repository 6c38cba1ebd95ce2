"""Malformed command-line arguments, environment and DAG Params: one clear line,
a non-zero exit, never a traceback, and nothing written."""

from __future__ import annotations

import pytest

from .helpers import clean_env, free_port, one_line_error, run_cli

DEAD = f"http://127.0.0.1:{free_port()}"  # nothing listens there
QUICK = {"max_retries": 0, "backoff_s": 0.01, "connect_timeout_s": 0.5}


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--base-url", "file:///etc/passwd", "crawl"], "PORTAL_BASE_URL"),
        (["--base-url", "ftp://127.0.0.1/", "crawl"], "PORTAL_BASE_URL"),
        (["--base-url", "javascript:alert(1)", "crawl"], "PORTAL_BASE_URL"),
        (["--concurrency", "0", "crawl"], "PORTAL_CONCURRENCY"),
        (["--concurrency", "many", "crawl"], "invalid int value"),
        (["--max-rps", "fast", "crawl"], "invalid float value"),
        (["--max-rps", "nan", "crawl"], "PORTAL_MAX_RPS"),
        (["crawl", "--pages", "-3"], "must be >= 1"),
        (["crawl", "--since", "yesterday"], "not a date"),
        (["crawl", "--unknown-flag"], "unrecognized arguments"),
        (["backfill", "--from-page", "1"], "--from-page and --to-page"),
        (["backfill", "--from-page", "1", "--to-page", "3", "--since", "2020-01-01"], "give --from-page"),
        (["backfill", "--since", "2020-02-30"], "not a date"),
        (["backfill", "--from-page", "0", "--to-page", "3"], "must be >= 1"),
        (["backfill", "--from-page", "1", "--to-page", "2", "--channel", "x"], "not an integer"),
        (["parse"], "required"),
        (["parse", "/"], "no such file"),
        (["sql", "--format", "xml", "SELECT 1"], "invalid choice"),
        (["reparse", "--all", "extra"], "unrecognized arguments"),
    ],
)
def test_bad_argument(tmp_path, args, fragment):
    from .helpers import cli_cmd, run

    db = tmp_path / "portal.duckdb"
    # (quick retries: an argument that slips through must not cost a long crawl of a dead port)
    result = run(cli_cmd(QUICK, "--base-url", DEAD, "--duckdb", str(db), *args), timeout=60)
    line = one_line_error(result)
    assert fragment in line, line
    assert not db.exists(), "a rejected command created the warehouse"


@pytest.mark.parametrize(
    "env, fragment",
    [
        ({"PORTAL_MAX_RPS": "-1"}, "PORTAL_MAX_RPS"),
        ({"PORTAL_MAX_RPS": "one"}, "PORTAL_MAX_RPS"),
        ({"PORTAL_CONCURRENCY": "2.5"}, "PORTAL_CONCURRENCY"),
        ({"PORTAL_BASE_URL": "127.0.0.1:8765"}, "PORTAL_BASE_URL"),
    ],
)
def test_bad_environment(tmp_path, env, fragment):
    db = tmp_path / "portal.duckdb"
    result = run_cli("--duckdb", str(db), "crawl", env=clean_env(**env), timeout=60)
    line = one_line_error(result)
    assert fragment in line, line


def test_unreachable_portal_is_one_line(tmp_path):
    """Nothing listening on the portal's port: one line, no traceback, no partial warehouse rows.
    (The CLI with two quick retries instead of five backed-off ones, to keep the suite fast.)"""
    from .helpers import cli_cmd, run

    db = tmp_path / "portal.duckdb"
    result = run(cli_cmd({"max_retries": 1, "backoff_s": 0.05, "connect_timeout_s": 1},
                         "--base-url", DEAD, "--duckdb", str(db), "--max-rps", "0", "crawl", "--pages", "1"),
                 timeout=240)
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err[-3000:]
    if result.returncode == 0:
        import json

        summary = json.loads(result.stdout)
        assert summary["status"] in ("failed", "partial"), summary
    else:
        one_line_error(result)


def test_duckdb_path_in_missing_directory_is_one_line(tmp_path):
    db = tmp_path / "no" / "such" / "dir"
    db.parent.parent.mkdir()
    (db.parent).write_text("a file where a directory should be")
    result = run_cli("--duckdb", str(db / "portal.duckdb"), "reparse", env=clean_env(), timeout=60)
    one_line_error(result)


# --- Params of the DAGs ---------------------------------------------------------------


@pytest.fixture(scope="module")
def dags():
    pytest.importorskip("airflow")
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "dags"
    if not any(root.glob("*.py")):
        pytest.skip("no DAG files yet")
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(root))
    assert not bag.import_errors, bag.import_errors
    return bag.dags


BAD_BACKFILL_CONF = [
    {"from_page": 0, "to_page": 3},
    {"from_page": "one", "to_page": 3},
    {"from_page": -5, "to_page": 3},
    {"since": "2020-13-01"},
    {"since": "not a date"},
    {"channel": "fourteen", "from_page": 1, "to_page": 2},
    {"dry_run": "maybe", "from_page": 1, "to_page": 2},
]


def _validate(dag, conf: dict):
    import copy

    params = copy.deepcopy(dag.params)
    for key, value in conf.items():
        params[key] = value
    params.validate()


@pytest.mark.slow
@pytest.mark.parametrize("conf", BAD_BACKFILL_CONF, ids=[str(sorted(c.items())) for c in BAD_BACKFILL_CONF])
def test_backfill_params_rejected(dags, conf):
    from airflow.sdk.definitions.param import ParamValidationError

    dag = dags.get("portal_backfill")
    if dag is None:
        pytest.skip("portal_backfill not written yet")
    unknown = set(conf) - set(dag.params)
    if unknown:
        pytest.skip(f"portal_backfill has no Param {sorted(unknown)}")
    with pytest.raises((ParamValidationError, ValueError)):
        _validate(dag, conf)


@pytest.mark.slow
def test_backfill_impossible_range_fails_before_any_fetch():
    """from_page > to_page passes a per-field schema; the DAG's first step must refuse it."""
    import portal_ingest.pipeline as pipeline

    with pytest.raises(ValueError, match="from_page"):
        pipeline.plan_backfill(from_page=9, to_page=3)
    with pytest.raises(ValueError):
        pipeline.plan_backfill(since="2020-05-01", until="2020-01-01")
    with pytest.raises(ValueError):
        pipeline.plan_backfill()


@pytest.mark.slow
def test_reparse_params_rejected(dags):
    from airflow.sdk.definitions.param import ParamValidationError

    dag = dags.get("portal_reparse")
    if dag is None:
        pytest.skip("portal_reparse not written yet")
    key = next((k for k in dag.params if "all" in k.lower()), None)
    if key is None:
        pytest.skip("portal_reparse has no all/older Param")
    with pytest.raises((ParamValidationError, ValueError)):
        _validate(dag, {key: "sometimes"})
