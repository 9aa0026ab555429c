"""Reads of the audit trail, always filtered by the viewer's scope."""

from datetime import date
from typing import Any

from django.db.models import QuerySet

from .models import AuditEvent
from .permissions import policy


def event_list(
    *, viewer: Any, action: str = "", target_type: str = "", since: date | None = None, until: date | None = None
) -> QuerySet[AuditEvent]:
    qs = policy.visible(viewer, "view_events", AuditEvent.objects.select_related("actor"))
    if action:
        qs = qs.filter(action=action)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if since:
        qs = qs.filter(occurred_at__date__gte=since)
    if until:
        qs = qs.filter(occurred_at__date__lte=until)
    return qs.order_by("-id")


def event_types() -> list[str]:
    """Every event type the domains declare in their manifests (for the auditors' filter)."""
    from gongzhi.regulation.registry import manifests

    return sorted({t for m in manifests() for t in m.event_types})
