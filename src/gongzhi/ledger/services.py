"""The one write path every service calls to leave its audit record (`record_event`)."""

from typing import Any

from django.db import transaction
from django.db.models import Model

from gongzhi.core.context import current_request_id

from .models import AuditEvent

_MASKED_KEYS = frozenset({"password", "secret", "key", "token", "otp", "totp"})


def _scrub(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """Never put credentials into the audit trail; personal data is masked by the services that own it."""
    if values is None:
        return None
    return {k: ("***" if any(m in k.lower() for m in _MASKED_KEYS) else v) for k, v in values.items()}


def record_event(
    *,
    actor: Any,
    action: str,
    target: Model | tuple[str, str],
    scope_path: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    role: str = "",
) -> AuditEvent:
    """Append one audit event in the caller's transaction; the caller's rollback removes it with the write."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the service's transaction")
    if isinstance(target, Model):
        target_type, target_id = target._meta.label_lower, str(target.pk)
    else:
        target_type, target_id = target
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_role=role,
        scope_path=scope_path,
        action=action,
        target_type=target_type,
        target_id=target_id,
        before=_scrub(before),
        after=_scrub(after),
        request_id=current_request_id(),
    )
