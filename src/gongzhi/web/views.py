"""Home: the staff workbench (我的待办, 我的辖区, menus) or the resident portal; health check; error pages."""

from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from gongzhi.core.access import public, signed_in
from gongzhi.core.policy import grants_of
from gongzhi.core.roles import STAFF_ROLES, Role
from gongzhi.regulation.registry import manifests
from gongzhi.territory.selectors import subtree_summary, viewer_roots


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    grants = grants_of(user)
    if any(g.role in STAFF_ROLES for g in grants):
        return render(request, "web/workbench.html", _workbench(user))
    return render(
        request,
        "web/portal.html",
        {"places": viewer_roots(viewer=user), "grants": grants, "roles": {g.role: Role(g.role).label for g in grants}},
    )


def _workbench(user: Any) -> dict[str, Any]:
    tasks: list[Any] = []
    for m in manifests():
        if m.tasks is not None:
            tasks.extend(m.tasks(user))
    stats = []
    for m in manifests():
        for stat in m.stats:
            if m.policy.allows(user, "view"):
                stats.append({"title": stat.title, "value": stat.compute(user)})
    territories = [{"division": d, "summary": subtree_summary(division=d)} for d in viewer_roots(viewer=user)]
    roles = sorted({str(Role(g.role).label) for g in grants_of(user)})
    return {"tasks": tasks, "stats": stats, "territories": territories, "roles": roles}


@public
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/error.html", {"status": 403, "message": str(exception or "")}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/error.html", {"status": 404}, status=404)
