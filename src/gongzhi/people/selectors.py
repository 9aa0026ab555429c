"""Reads of accounts and assignments, inside the viewer's scope."""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.errors import NotFound

from .models import LoginThrottle, RoleAssignment, User
from .permissions import policy


def account_list(*, viewer: Any, search: str = "") -> QuerySet[User]:
    """Accounts holding at least one assignment inside the viewer's subtree (a whole account is never half-visible)."""
    assignments = policy.visible(viewer, "view_accounts", RoleAssignment.objects.all())
    qs = User.objects.filter(pk__in=assignments.values("user_id"))
    if search:
        qs = qs.filter(Q(username__icontains=search) | Q(display_name__icontains=search))
    return qs.prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.select_related("division", "unit"))
    ).order_by("username")


def account_get(*, viewer: Any, user_id: int) -> User:
    """An account in scope, or NotFound exactly as for a missing one."""
    account = account_list(viewer=viewer).filter(pk=user_id).first()
    if account is None:
        raise NotFound(_("未找到该记录，或您无权查看。"))
    return account


def assignment_get(*, viewer: Any, assignment_id: int) -> RoleAssignment:
    qs = RoleAssignment.objects.select_related("user", "division")
    return policy.get(viewer, "assign_roles", qs, pk=assignment_id)


def locked_accounts(*, viewer: Any) -> list[tuple[User, LoginThrottle]]:
    """Accounts in the viewer's scope locked right now (for the security administrator's 我的待办)."""
    if not policy.allows(viewer, "manage_security"):
        return []
    throttles = {t.username: t for t in LoginThrottle.objects.filter(locked_until__gt=timezone.now())[:200]}
    if not throttles:
        return []
    users = policy.visible(
        viewer, "manage_security", RoleAssignment.objects.filter(user__username__in=list(throttles))
    ).select_related("user")
    seen: dict[int, tuple[User, LoginThrottle]] = {}
    for assignment in users:
        seen.setdefault(assignment.user_id, (assignment.user, throttles[assignment.user.username.lower()]))
    return list(seen.values())
