"""The console script: every command answers --help with an example, and bad
input gives one line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from portal_ingest.cli import COMMANDS, EXAMPLES, build_parser

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "portal_ingest.cli"]


def run(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120, cwd=ROOT, **kw)


def test_every_contract_command_exists():
    assert set(COMMANDS) == {"parse", "parse-list", "crawl", "backfill", "reparse", "replica", "sql",
                             "search", "report", "migrate-to-lake"}
    assert set(EXAMPLES) == set(COMMANDS)


@pytest.mark.parametrize("command", ["sql", "search", "report"])
def test_readers_help_shows_only_what_applies(command):
    out = run(command, "--help").stdout
    assert "--duckdb" in out
    for crawl_only in ("--base-url", "--max-rps", "--concurrency"):
        assert crawl_only not in out, f"{command} --help lists {crawl_only}, which does nothing there"
    assert run(command, "--max-rps", "3").returncode == 2


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_help(command):
    result = run(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout
    if command != "replica":  # the replica's own parser prints its options
        assert "Example:" in result.stdout
        assert "--duckdb" in result.stdout


def test_top_level_help_lists_commands():
    result = run("--help")
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout


def test_readme_shows_every_command():
    readme = (ROOT / "README.md").read_text()
    for command in COMMANDS:
        assert f"portal-ingest {command}" in readme, f"README has no example of `portal-ingest {command}`"


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["parse", "/no/such/file.html"], "no such file"),
        (["crawl", "--pages", "x"], "not an integer"),
        (["crawl", "--pages", "0"], "must be >= 1"),
        (["backfill"], "give --from-page"),
        (["backfill", "--from-page", "5", "--to-page", "2"], "A <= B"),
        (["backfill", "--since", "2020-13-01"], "not a date"),
        (["backfill", "--since", "2020-02-01", "--until", "2020-01-01"], "--since must not be after"),
        (["no-such-command"], "invalid choice"),
        (["--max-rps", "-1", "crawl"], "PORTAL_MAX_RPS"),
    ],
)
def test_bad_arguments_give_one_line(args, fragment):
    result = run(*args)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_environment_gives_one_line(tmp_path):
    import os

    env = dict(os.environ, PORTAL_CONCURRENCY="many")
    result = run("crawl", env=env)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == ["error: ValueError: PORTAL_CONCURRENCY must be an integer, got 'many'"]


def test_flags_before_the_command_are_kept():
    args = build_parser().parse_args(["--duckdb", "x.duckdb", "--max-rps", "0", "sql", "SELECT 1"])
    assert args.duckdb == "x.duckdb" and args.max_rps == 0
    args = build_parser().parse_args(["sql", "--duckdb", "y.duckdb", "SELECT 1"])
    assert args.duckdb == "y.duckdb"


def test_debug_shows_the_traceback_behind_the_line(tmp_path):
    import os

    env = dict(os.environ, PORTAL_CONCURRENCY="many")
    line = "error: ValueError: PORTAL_CONCURRENCY must be an integer, got 'many'"
    for how in (["--debug", "crawl"], ["crawl"]):
        result = run(*how, env=dict(env, PORTAL_DEBUG="1") if how == ["crawl"] else env)
        assert result.returncode != 0
        assert "Traceback (most recent call last)" in result.stderr and "_env_int" in result.stderr
        assert result.stderr.strip().splitlines()[-1] == line


def test_outside_the_project_folder_says_which_file_and_how_to_point_at_it(tmp_path):
    """Run from another folder: the error names the absolute file it looked for and
    how to point the CLI at the warehouse (issue 16)."""
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("PORTAL_")}
    proc = subprocess.run([*CLI, "sql", "SELECT 1"], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path, env=env)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert str(tmp_path / "data" / "portal.snapshot.duckdb") in lines[0]
    assert "PORTAL_DUCKDB" in lines[0] and "--duckdb" in lines[0]
