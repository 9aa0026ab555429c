"""Reads of the administrative tree, always through the viewer's scope."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from gongzhi.core import refdata
from gongzhi.core.policy import grants_of
from gongzhi.core.scope import minimal_roots, subtree_q

from .models import Division, Level, ResidentialComplex
from .permissions import policy


def division_by_code(code: str) -> Division | None:
    """The node with this statistical (or grid) code, active or not — a fresh instance from the process cache of
    reference data (`core.refdata`: no query while the tree is unchanged). Not scoped: callers that answer a viewer
    check the node against the viewer's scope themselves."""
    code = (code or "").strip()
    if not code:
        return None
    return refdata.cached_instance("territory", code, Division, lambda: Division.objects.filter(code=code).first())


def division_list(
    *,
    viewer: Any,
    level: str | None = None,
    parent_code: str | None = None,
    under: str | None = None,
    search: str | None = None,
    include_inactive: bool = False,
) -> QuerySet[Division]:
    qs = policy.visible(viewer, "view", Division.objects.select_related("parent"))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if level:
        qs = qs.filter(level=level)
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    if under:
        qs = qs.filter(subtree_q("path", under)) if under.isdigit() else qs.none()
    if search:
        qs = qs.filter(Q(name__contains=search) | Q(code__startswith=search))
    return qs.order_by("path")


def division_get(*, viewer: Any, code: str) -> Division:
    return policy.get(viewer, "view", Division.objects.select_related("parent"), code=code)


def viewer_roots(*, viewer: Any) -> list[Division]:
    """The nodes the viewer's grants sit at, outermost first (for 我的辖区)."""
    paths = minimal_roots(g.path for g in grants_of(viewer))
    return list(Division.objects.filter(path__in=paths).select_related("parent").order_by("path"))


def subtree_summary(*, division: Division) -> dict[str, int]:
    """How many active nodes of each level lie under `division`, and its complexes: two indexed range queries."""
    counts = dict(
        Division.objects.filter(subtree_q("path", division.path), is_active=True)
        .exclude(pk=division.pk)
        .values_list("level")
        .annotate(n=Count("id"))
        .values_list("level", "n")
    )
    summary = {level.value: counts.get(level.value, 0) for level in Level}
    summary["complexes"] = ResidentialComplex.objects.filter(subtree_q("scope_path", division.path)).count()
    return summary


def complex_list(*, viewer: Any, under: str | None = None) -> QuerySet[ResidentialComplex]:
    qs = policy.visible(viewer, "view", ResidentialComplex.objects.select_related("division"))
    if under:
        qs = qs.filter(subtree_q("scope_path", under)) if under.isdigit() else qs.none()
    return qs
