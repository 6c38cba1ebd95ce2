"""Where an interrupted backfill or initial load resumes: one small JSON file per
backfill request (and one per list an initial load reads) in `Settings.state_dir`,
replaced atomically after every landing batch."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class BackfillCursor:
    key: str
    next_page: int
    # Article ids on page 1 when the backfill began: if page 1 differs at the end,
    # items slid down while we crawled and the range's end is read again.
    top_ids: list[str] = field(default_factory=list)
    fetched: int = 0

    @staticmethod
    def key_for(**request) -> str:
        blob = json.dumps(request, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass
class InitialLoadCursor:
    """The first crawl of an empty warehouse (which reads every list page) under
    way: until a run reaches the last page, `crawl` keeps reading every page,
    resuming at `next_page` (the first page not fully in the landing area)."""

    key: str
    next_page: int = 1
    mode: str = "initial"
    started_at: str | None = None
    list_url: str | None = None

    @staticmethod
    def key_for(**request) -> str:
        return BackfillCursor.key_for(mode="initial", **request)


class CursorStore:
    def __init__(self, state_dir: Path, *, prefix: str = "backfill", cls: type = BackfillCursor):
        self.dir = Path(state_dir)
        self.prefix = prefix
        self.cls = cls

    def _path(self, key: str) -> Path:
        return self.dir / f"{self.prefix}-{key}.json"

    def load(self, key: str):
        try:
            data = json.loads(self._path(key).read_text())
            return self.cls(**data)
        except (FileNotFoundError, ValueError, TypeError):
            return None  # no cursor, or a damaged one: start over (stored ids are skipped anyway)

    def save(self, cursor) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self._path(cursor.key)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # two runs may save at once
        tmp.write_text(json.dumps(asdict(cursor)))
        os.replace(tmp, path)

    def clear(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
