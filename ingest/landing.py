"""The landing area: fetched pages waiting for the single warehouse writer.

Many fetchers (CLI crawl, mapped Airflow tasks) write here in parallel; only
`warehouse.load` reads and retires batches. A batch is one gzip'd JSON-lines
file, written under ``tmp/`` and renamed into ``pending/`` so a reader never
sees half a batch and a SIGKILLed writer leaves only a stray temp file.

Line 1 is the run record ``{"type": "run", ...}`` (counts of this batch's
fetching); every further line is ``{"type": "page", ...}`` (a FetchedPage).
Loaded batches move to ``loaded/`` (kept for audit, safe to delete).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path


@dataclass
class FetchedPage:
    kind: str  # "article" | "list" | "gone" (a known article now answers 404/410)
    url: str  # canonical URL
    article_id: str | None
    fetched_at: str  # ISO 8601 with offset
    http_status: int
    headers: dict[str, str]
    body: bytes
    requested_url: str | None = None
    # Listing page number (kind == "list"), for the audit trail.
    page: int | None = None

    @property
    def content_sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    def to_json(self) -> dict:
        d = asdict(self)
        d["type"] = "page"
        d["body"] = base64.b64encode(self.body).decode("ascii")
        d["content_sha256"] = self.content_sha256
        return d

    @classmethod
    def from_json(cls, d: dict) -> FetchedPage:
        d = dict(d)
        d.pop("type", None)
        d.pop("content_sha256", None)
        d["body"] = base64.b64decode(d["body"])
        return cls(**d)


def new_run_id(kind: str) -> str:
    """``<kind>-<UTC stamp>-<6 hex>``: unique, sortable, readable in logs. The one
    maker of run ids (fetch runs, reparse runs, DAG runs)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{kind.replace(':', '-')}-{stamp}-{uuid.uuid4().hex[:6]}"


# What a run did: one kind per step, whoever ran it (`origin`: "cli" or "dag:<dag_id>").
RUN_KINDS = ("crawl", "backfill", "reparse")


@dataclass
class RunRecord:
    """What one fetching step did. Several batches may share a run_id (mapped tasks);
    the loader adds their counts once per batch."""

    run_id: str
    kind: str  # one of RUN_KINDS
    started_at: str
    finished_at: str | None = None
    status: str = "ok"  # ok | partial | failed
    requests: int = 0
    not_modified: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    origin: str = "cli"  # "cli" or "dag:<dag_id>"

    def to_json(self) -> dict:
        d = asdict(self)
        d["type"] = "run"
        return d

    @classmethod
    def from_json(cls, d: dict) -> RunRecord:
        d = dict(d)
        d.pop("type", None)
        known = set(cls.__dataclass_fields__)
        run = cls(**{k: v for k, v in d.items() if k in known})
        if run.kind.startswith("dag:"):  # batches written before kinds were one per step
            run.origin = run.kind
            run.kind = "backfill" if "backfill" in run.kind else "crawl"
        return run


@dataclass
class Batch:
    batch_id: str
    path: Path
    run: RunRecord

    def pages(self) -> Iterator[FetchedPage]:
        """Stream the pages (memory stays flat however big the batch)."""
        with gzip.open(self.path, "rt", encoding="utf-8") as fh:
            next(fh, None)
            for line in fh:
                if line.strip():
                    yield FetchedPage.from_json(json.loads(line))


class Landing:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.pending = self.root / "pending"
        self.loaded = self.root / "loaded"
        self.tmp = self.root / "tmp"

    def _ensure(self) -> None:
        for d in (self.pending, self.loaded, self.tmp):
            d.mkdir(parents=True, exist_ok=True)

    def write_batch(self, run: RunRecord, pages: list[FetchedPage]) -> Batch:
        """Atomically add one batch to ``pending/``."""
        self._ensure()
        stamp = datetime.utcnow().strftime("%Y%m%dT%H%M%S%f")
        batch_id = f"{stamp}-{uuid.uuid4().hex[:8]}"
        tmp = self.tmp / f"{batch_id}.jsonl.gz"
        with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=5) as fh:
            fh.write(json.dumps(run.to_json()) + "\n")
            for page in pages:
                fh.write(json.dumps(page.to_json()) + "\n")
            fh.flush()
        with open(tmp, "rb") as raw:
            os.fsync(raw.fileno())
        final = self.pending / tmp.name
        os.replace(tmp, final)
        return Batch(batch_id, final, run)

    def pending_batches(self) -> list[Batch]:
        """Pending batches, oldest first. Unreadable files are skipped (reported by the loader)."""
        if not self.pending.exists():
            return []
        out = []
        for path in sorted(self.pending.glob("*.jsonl.gz")):
            out.append(self.read_batch(path))
        return out

    @staticmethod
    def read_batch(path: Path) -> Batch:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            head = json.loads(fh.readline())
        return Batch(path.name.removesuffix(".jsonl.gz"), Path(path), RunRecord.from_json(head))

    def mark_loaded(self, batch: Batch, quarantined: set[str] | frozenset[str] = frozenset()) -> None:
        """Retire a loaded batch to ``loaded/``. ``quarantined``: its article ids whose
        pages did not parse; kept beside it (``<batch>.quarantined``) so the crawler,
        until the next publish, fetches those again rather than counting them known."""
        self._ensure()
        if quarantined:
            note = self.loaded / f"{batch.batch_id}.quarantined"
            note.write_text("".join(f"{i}\n" for i in sorted(quarantined)), encoding="utf-8")
        if batch.path.exists():
            os.replace(batch.path, self.loaded / batch.path.name)

    def quarantined_in(self, batch_id: str) -> set[str]:
        """The article ids `mark_loaded` noted as quarantined in a loaded batch."""
        try:
            text = (self.loaded / f"{batch_id}.quarantined").read_text(encoding="utf-8")
        except FileNotFoundError:
            return set()
        return {line.strip() for line in text.splitlines() if line.strip()}


@dataclass(frozen=True)
class KnownArticle:
    """What the warehouse already knows of an article (from the published snapshot);
    the crawler uses it to skip unchanged articles. Built by `warehouse.known`."""

    article_id: str
    title: str | None  # as last seen in a listing (may be cut with "...")
    listed_at: str | None  # ISO 8601, as last seen in a listing
    last_fetched_at: str | None  # ISO 8601 of the last stored fetch
    withdrawn: bool = False
    # Validators of the last stored fetch (response headers ETag / Last-Modified),
    # for a conditional GET when the article is rechecked; None when unknown.
    etag: str | None = None
    last_modified: str | None = None
    # Its latest fetch did not parse (quarantined): fetch it again when listed.
    quarantined: bool = False
    # Where it was last stored (articles.url), for a periodic recheck of an
    # article no list shows any more; None when unknown.
    url: str | None = None
