"""Audit event types of the Open311 domain."""

from typing import Any

from gongzhi.ledger.services import record_event

KEY_ISSUED = "open311.key_issued"
KEY_REVOKED = "open311.key_revoked"

EVENT_TYPES = (KEY_ISSUED, KEY_REVOKED)


def key_issued(*, actor: Any, key: Any) -> None:
    record_event(
        actor=actor,
        action=KEY_ISSUED,
        target=key,
        scope_path=key.scope_path,
        after={"client": key.client, "prefix": key.prefix, "scope_path": key.scope_path, "demo": key.is_demo},
    )


def key_revoked(*, actor: Any, key: Any) -> None:
    record_event(
        actor=actor,
        action=KEY_REVOKED,
        target=key,
        scope_path=key.scope_path,
        after={"client": key.client, "prefix": key.prefix, "revoked_at": str(key.revoked_at)},
    )
