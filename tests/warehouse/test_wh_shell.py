"""The interactive `portal-ingest sql`, driven through a pseudo-terminal as a person
would: banner, Up arrow recalls the last query, Tab completes names, help, modes,
history kept between sessions."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from wh_fakes import T0, FakeParser, article_page, list_page, write_batch

from ingest.config import Settings
from warehouse.load import load_pending
from warehouse.snapshot import publish_snapshot

ROOT = Path(__file__).resolve().parents[2]
UP = "\x1b[A"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r")


class Terminal:
    """A child process on a pty; `expect` waits for text in what it printed."""

    def __init__(self, args: list[str], env: dict):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
                                     close_fds=True, start_new_session=True)
        os.close(slave)
        self.seen = ""
        self.pos = 0

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def _read(self, timeout: float) -> None:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            try:
                self.seen += ANSI.sub("", os.read(self.master, 65536).decode(errors="replace"))
            except OSError:  # the child closed the terminal
                time.sleep(timeout)

    def expect(self, pattern: str, timeout: float = 30) -> re.Match:
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern, re.S)
        while True:
            found = regex.search(self.seen, self.pos)
            if found:
                self.pos = found.end()
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"no {pattern!r} in the terminal after {timeout}s; it shows:\n"
                                     f"{self.seen[self.pos:][-2000:]}")
            self._read(0.2)

    def close(self) -> int:
        try:
            return self.proc.wait(timeout=30)
        finally:
            os.close(self.master)


@pytest.fixture
def snapshot(tmp_path) -> Settings:
    settings = Settings(duckdb_path=tmp_path / "portal.duckdb")
    write_batch(settings, [article_page("1", T0), article_page("2", T0, directives=3), list_page(["1", "2"], T0)])
    load_pending(settings, parser=FakeParser())
    publish_snapshot(settings)
    return settings


def _start(settings: Settings, tmp_path: Path) -> Terminal:
    inputrc = tmp_path / "inputrc"
    inputrc.write_text("set enable-bracketed-paste off\nset bell-style none\n")
    env = dict(os.environ, TERM="xterm", INPUTRC=str(inputrc), HOME=str(tmp_path),
               PORTAL_SQL_HISTORY=str(tmp_path / "history"), COLUMNS="200", LINES="50")
    term = Terminal([sys.executable, "-m", "portal_ingest.cli", "--duckdb", str(settings.duckdb_path), "sql"], env)
    return term


def test_banner_up_arrow_tab_help_modes(snapshot, tmp_path):
    term = _start(snapshot, tmp_path)
    try:
        term.expect(re.escape(str(snapshot.snapshot_path)))
        term.expect(r"2 articles, 5 directives, 2 citations, 1 runs")
        term.expect(r"Type help")
        term.expect(r"sql> ")

        term.send("SELECT 40 + 2 AS answer;\r")
        term.expect(r"answer\n------\n    42\n\(1 row\)")
        term.expect(r"sql> ")
        # Up recalls the last query; Enter runs it again
        term.send(UP)
        term.expect(r"SELECT 40 \+ 2 AS answer;")
        term.send("\r")
        term.expect(r"answer\n------\n    42\n\(1 row\)")

        # Tab completes a table name (quarantine is the only q... name) and a column name
        term.send("SELECT count(*) AS n FROM quarant\t")
        term.expect(r"FROM quarantine")
        term.send(";\r")
        term.expect(r"n\n-\n0\n\(1 row\)")
        term.send("SELECT doc_numb\t")
        term.expect(r"SELECT doc_number")
        term.send(" FROM articles ORDER BY 1;\r")
        term.expect(r"1/UBND-NC\n2/UBND-NC\n\(2 rows\)")

        term.send("help\r")
        term.expect(r"\.tables .*\.mode MODE")
        term.send(".mode csv\r")
        term.expect("mode csv")
        term.send("SELECT article_id,\r")  # a query over two lines
        term.expect(r"\.\.\.> ")
        term.send("title FROM articles ORDER BY 1;\r")
        term.expect(r"article_id,title\n1,To step up work 1\n2,To step up work 2")
        term.send(".mode line\r")
        term.send(UP + UP + "\r")  # the two-line query comes back as one entry
        term.expect(r"SELECT article_id, title FROM articles ORDER BY 1;")
        term.expect(r"article_id = 1\n     title = To step up work 1")
        term.send("DELETE FROM articles;\r")
        term.expect(r"Error: refused: DELETE")
        term.send("\x04")  # Ctrl-D
        assert term.close() == 0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
    history = (tmp_path / "history").read_text()
    assert "SELECT 40 + 2 AS answer;" in history
    assert "SELECT article_id, title FROM articles ORDER BY 1;" in history


def test_history_survives_the_session(snapshot, tmp_path):
    (tmp_path / "history").write_text("SELECT 'from yesterday' AS x;\n")
    term = _start(snapshot, tmp_path)
    try:
        term.expect(r"sql> ")
        term.send(UP + "\r")
        term.expect(r"from yesterday\n\(1 row\)")
        term.send(".quit\r")
        assert term.close() == 0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
