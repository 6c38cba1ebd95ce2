"""Where an interrupted backfill resumes: one small JSON file per backfill request
in `Settings.state_dir`, replaced atomically after every landing batch."""

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


class CursorStore:
    def __init__(self, state_dir: Path):
        self.dir = Path(state_dir)

    def _path(self, key: str) -> Path:
        return self.dir / f"backfill-{key}.json"

    def load(self, key: str) -> BackfillCursor | None:
        try:
            data = json.loads(self._path(key).read_text())
            return BackfillCursor(**data)
        except (FileNotFoundError, ValueError, TypeError):
            return None  # no cursor, or a damaged one: start over (stored ids are skipped anyway)

    def save(self, cursor: BackfillCursor) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self._path(cursor.key)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(cursor)))
        os.replace(tmp, path)

    def clear(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
