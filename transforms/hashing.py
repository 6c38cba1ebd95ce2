"""content_hash: what "the article changed" means for the warehouse.

Raw bytes change on every fetch (online-user counters, view counts), and the
"Latest new" box changes whenever anything is published, so neither may start
a new version; only the extracted content does.
"""

from __future__ import annotations

import hashlib
import json

from .records import ArticleRecord

# Not url, channel_id, related, parser_version, warnings: where and how it was read.
HASHED_FIELDS = ("title", "published_on", "published_at", "document", "addressees", "directives", "references", "body_text")


def content_hash(record: ArticleRecord) -> str:
    content = {key: record.get(key) for key in HASHED_FIELDS}
    payload = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
