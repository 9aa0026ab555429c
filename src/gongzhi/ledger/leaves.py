"""The bytes of a leaf: canonical JSON (sorted keys, UTF-8, no whitespace), version 1.

An audit-event leaf holds only non-personal fields (index, event id, time, actor id, role, scope, action, target)
and `digest`, HMAC-SHA256 under the ledger key of the canonical {"after", "before"} values: it binds the change
without revealing it. A disclosure leaf holds the published item in full, so anyone can check what they read.
"""

import hmac
import json
from datetime import UTC, datetime
from typing import Any

from . import keys

VERSION = 1


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def canonical(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8 (the same bytes as `json.dumps` with those options; one encoder is reused
    because this runs twice for every event)."""
    return _ENCODER.encode(value).encode("utf-8")


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def change_digest(before: Any, after: Any, key: bytes | None = None) -> str:
    message = canonical({"after": after, "before": before})
    return hmac.digest(key or keys.hmac_key(), message, "sha256").hex()


def event_bytes(
    *,
    index: int,
    event_id: int,
    occurred_at: datetime,
    actor_id: int | None,
    role: str,
    scope_path: str,
    action: str,
    target_type: str,
    target_id: str,
    before: Any,
    after: Any,
    key: bytes | None = None,
) -> bytes:
    return canonical(
        {
            "action": action,
            "actor": actor_id,
            "digest": change_digest(before, after, key),
            "event": event_id,
            "index": index,
            "role": role,
            "scope": scope_path,
            "target": [target_type, target_id],
            "time": timestamp(occurred_at),
            "type": "event",
            "v": VERSION,
        }
    )


def disclosure_bytes(
    *,
    index: int,
    published_at: datetime,
    scope_path: str,
    scope_name: str,
    category: str,
    title: str,
    body: str,
    source_type: str,
    source_id: str,
) -> bytes:
    return canonical(
        {
            "body": body,
            "category": category,
            "index": index,
            "scope": scope_path,
            "scope_name": scope_name,
            "source": [source_type, source_id],
            "time": timestamp(published_at),
            "title": title,
            "type": "disclosure",
            "v": VERSION,
        }
    )
