"""docs/reliability.md names only tests that exist (and every reliability test
file is in it)."""

from __future__ import annotations

import ast
import re

from .helpers import ROOT

DOC = ROOT / "docs" / "reliability.md"
NODE = re.compile(r"`((?:tests/)?[\w/]*test_\w+\.py)::(test_\w+)(\[[^`]*\])?`")


def _functions(path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")}


def _resolve(file: str):
    path = ROOT / file if file.startswith("tests/") else ROOT / "tests" / "reliability" / file
    return path


def test_every_test_named_in_the_doc_exists():
    text = DOC.read_text()
    nodes = NODE.findall(text)
    assert len(nodes) >= 30, "the reliability table lost its test ids"
    missing = []
    for file, name, _param in nodes:
        path = _resolve(file)
        if not path.exists() or name not in _functions(path):
            missing.append(f"{file}::{name}")
    # short forms `test_scanner_catches` refer to tests/test_no_secrets.py
    assert not missing, f"docs/reliability.md names tests that do not exist: {missing}"


def test_every_reliability_test_file_is_in_the_doc():
    text = DOC.read_text()
    for path in sorted((ROOT / "tests" / "reliability").glob("test_*.py")):
        if path.name == "test_doc_table.py":
            continue
        assert f"{path.name}::" in text, f"{path.name} has no row in docs/reliability.md"
