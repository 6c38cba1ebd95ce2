"""One crawl at a time: two crawls started together would each fetch everything
(neither sees the other's pages until they land). The first takes an exclusive
lock file in `Settings.state_dir`; a second one exits at once with a line naming
the running one. The kernel drops the lock when the holder dies, even by SIGKILL.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from ingest.errors import IngestError


class AnotherRunActive(IngestError):
    """A run of the same kind holds the lock; this one did nothing."""


@contextlib.contextmanager
def exclusive_run(state_dir: Path, name: str, what: str) -> Iterator[None]:
    """Hold `state_dir/<name>.lock` for the block, or raise AnotherRunActive."""
    state_dir = Path(state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / f"{name}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(path)
            raise AnotherRunActive(
                str(path), f"another {what} ({holder}) is running on this warehouse; "
                "wait for it to end, or run this one later"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "since": datetime.now(UTC).isoformat(timespec="seconds")})
                 .encode())
        yield
    finally:
        os.close(fd)  # releases the lock


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text() or "{}")
        return f"PID {info['pid']}, since {info['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "PID unknown"
