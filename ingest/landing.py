"""The landing area: fetched pages waiting for the single warehouse writer.

Many fetchers (CLI crawl, mapped Airflow tasks) write here in parallel; only
`warehouse.load` reads and retires batches. A batch is one gzip'd JSON-lines
file, written under ``tmp/`` and renamed into ``pending/`` so a reader never
sees half a batch and a SIGKILLed writer leaves only a stray temp file.

Line 1 is the run record ``{"type": "run", ...}`` (counts of this batch's
fetching); every further line is ``{"type": "page", ...}`` (a FetchedPage).
Loaded batches move to ``loaded/`` (kept for audit, safe to delete). A batch
the loader cannot read moves to ``quarantine/`` with a ``.reason.json`` beside it
(error, the article ids that could be salvaged); the crawler fetches those
articles again and marks the reason ``recovered``.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import socket
import time
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

# Errors a damaged batch file raises while read: truncated or bit-flipped gzip
# (EOFError, BadGzipFile/zlib.error), bad JSON or UTF-8 (ValueError), JSON of the
# wrong shape (TypeError, KeyError, AttributeError).
BATCH_ERRORS = (OSError, EOFError, ValueError, TypeError, KeyError, AttributeError, zlib.error)
# A temp file older than this is a leftover (a killed writer, a full disk):
# writing one batch takes seconds.
STALE_TMP_S = 600.0
_HOST = socket.gethostname().replace(".", "_")


class BadBatch(ValueError):
    """A landing batch file that cannot be read; carries what could be salvaged."""

    def __init__(self, path: Path, cause: BaseException, article_ids: list[str], run_id: str | None):
        self.path = Path(path)
        self.article_ids = article_ids
        self.run_id = run_id
        self.reason = f"{type(cause).__name__}: {' '.join(str(cause).split()) or 'no detail'}"
        super().__init__(f"{self.path.name}: {self.reason}")


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
        d["body"] = base64.b64decode(d["body"], validate=True)
        page = cls(**d)
        page.check()
        return page

    def check(self) -> None:
        """Refuse a page of the wrong shape here, before it reaches a transaction."""
        for name, typ in (("kind", str), ("url", str), ("fetched_at", str), ("http_status", int),
                          ("headers", dict), ("body", bytes)):
            if not isinstance(getattr(self, name), typ) or isinstance(getattr(self, name), bool):
                raise TypeError(f"page field {name!r} is {type(getattr(self, name)).__name__}, not {typ.__name__}")
        datetime.fromisoformat(self.fetched_at)


def new_run_id(kind: str) -> str:
    """``<kind>-<UTC stamp>-<6 hex>``: unique, sortable, readable in logs. The one
    maker of run ids (fetch runs, reparse runs, DAG runs)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{kind.replace(':', '-')}-{stamp}-{uuid.uuid4().hex[:6]}"


# What a run did: one kind per step, whoever ran it (`origin`: "cli" or "dag:<dag_id>").
RUN_KINDS = ("crawl", "backfill", "reparse", "load")  # load: damaged landing batches quarantined


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
        if not isinstance(d, dict) or d.get("type", "run") != "run":
            raise TypeError(f"line 1 is not a run record: {str(d)[:80]}")
        d = dict(d)
        d.pop("type", None)
        known = set(cls.__dataclass_fields__)
        run = cls(**{k: v for k, v in d.items() if k in known})
        if run.kind.startswith("dag:"):  # batches written before kinds were one per step
            run.origin = run.kind
            run.kind = "backfill" if "backfill" in run.kind else "crawl"
        if not isinstance(run.run_id, str) or not isinstance(run.article_ids, list) \
                or not isinstance(run.errors, list):
            raise TypeError("run record fields of the wrong type")
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
                    d = json.loads(line)
                    if not isinstance(d, dict) or d.get("type") != "page":
                        raise TypeError(f"not a page record: {line[:80]!r}")
                    yield FetchedPage.from_json(d)

    def verify(self) -> None:
        """Read the whole file (gzip CRC and length included); raise on damage."""
        for _ in self.pages():
            pass


class Landing:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.pending = self.root / "pending"
        self.loaded = self.root / "loaded"
        self.tmp = self.root / "tmp"
        self.quarantine = self.root / "quarantine"

    def _ensure(self) -> None:
        for d in (self.pending, self.loaded, self.tmp):
            d.mkdir(parents=True, exist_ok=True)

    def clean_tmp(self, *, older_than_s: float = STALE_TMP_S) -> list[str]:
        """Remove temp files no writer will finish: those of a dead process on this
        host, and any older than `older_than_s` (a SIGKILL or a full disk left them)."""
        removed = []
        if not self.tmp.exists():
            return removed
        now = time.time()
        for path in self.tmp.iterdir():
            try:
                stale = now - path.stat().st_mtime > older_than_s or _dead_writer(path.name)
                if stale:
                    path.unlink()
                    removed.append(path.name)
            except FileNotFoundError:
                continue
        return removed

    def write_batch(self, run: RunRecord, pages: list[FetchedPage]) -> Batch:
        """Atomically add one batch to ``pending/``."""
        self._ensure()
        stamp = datetime.utcnow().strftime("%Y%m%dT%H%M%S%f")
        batch_id = f"{stamp}-{uuid.uuid4().hex[:8]}"
        # The writer's host and PID in the temp name let `clean_tmp` tell a leftover.
        tmp = self.tmp / f"{batch_id}.jsonl.gz.{_HOST}.{os.getpid()}.tmp"
        try:
            with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=5) as fh:
                fh.write(json.dumps(run.to_json()) + "\n")
                for page in pages:
                    fh.write(json.dumps(page.to_json()) + "\n")
                fh.flush()
            with open(tmp, "rb") as raw:
                os.fsync(raw.fileno())
            final = self.pending / f"{batch_id}.jsonl.gz"
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)  # a full disk must not leave half a batch behind
            raise
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

    @staticmethod
    def salvage(path: Path, cause: BaseException) -> BadBatch:
        """What a damaged batch still tells: its run id and the article ids in its
        run record, plus those of the pages readable before the damage."""
        ids: list[str] = []
        run_id = None
        try:
            with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
                for n, line in enumerate(fh):
                    try:
                        d = json.loads(line)
                    except ValueError:
                        continue
                    if not isinstance(d, dict):
                        continue
                    if n == 0 and isinstance(d.get("run_id"), str):
                        run_id = d["run_id"]
                        ids += [str(i) for i in d.get("article_ids") or [] if isinstance(i, (str, int))]
                    elif d.get("kind") == "article" and isinstance(d.get("article_id"), (str, int)):
                        ids.append(str(d["article_id"]))
        except BATCH_ERRORS:
            pass  # the rest is lost; keep what was read
        return BadBatch(path, cause, sorted(set(ids), key=lambda s: (len(s), s)), run_id)

    def quarantine_batch(self, bad: BadBatch) -> Path:
        """Move a damaged batch out of pending/, with its reason beside it."""
        self.quarantine.mkdir(parents=True, exist_ok=True)
        target = self.quarantine / bad.path.name
        reason = {"file": bad.path.name, "error": bad.reason, "run_id": bad.run_id,
                  "article_ids": bad.article_ids, "quarantined_at": datetime.now().astimezone().isoformat(),
                  "recovered": False}
        _write_json(self.quarantine / f"{bad.path.name}.reason.json", reason)
        if bad.path.exists():
            os.replace(bad.path, target)
        return target

    def unrecovered(self) -> list[dict]:
        """Reasons of quarantined batches whose articles were not fetched again yet."""
        out = []
        if not self.quarantine.exists():
            return out
        for path in sorted(self.quarantine.glob("*.reason.json")):
            try:
                reason = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            if isinstance(reason, dict) and not reason.get("recovered"):
                reason["_path"] = str(path)
                out.append(reason)
        return out

    def mark_recovered(self, reasons: list[dict]) -> None:
        for reason in reasons:
            path = Path(reason.pop("_path"))
            reason["recovered"] = True
            _write_json(path, reason)

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

    def loaded_articles(self) -> dict[str, KnownArticle]:
        """Articles of the batches already loaded, from their run records (line 1):
        what the crawler may skip when the warehouse itself cannot be read."""
        known: dict[str, KnownArticle] = {}
        if not self.loaded.exists():
            return known
        for path in sorted(self.loaded.glob("*.jsonl.gz")):
            try:
                run = self.read_batch(path).run
            except BATCH_ERRORS:
                continue
            failed = self.quarantined_in(path.name.removesuffix(".jsonl.gz"))
            for article in run.article_ids:
                if str(article) in failed:  # did not parse: worth another fetch
                    known.pop(str(article), None)
                    continue
                known[str(article)] = KnownArticle(str(article), None, None, run.finished_at or run.started_at)
        return known

def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, path)


def _dead_writer(name: str) -> bool:
    """A temp file named by `write_batch` whose writer process on this host is gone."""
    parts = name.split(".")
    if len(parts) < 4 or parts[-1] != "tmp" or parts[-3] != _HOST or not parts[-2].isdigit():
        return False
    try:
        os.kill(int(parts[-2]), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


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
