"""Pages of the administrative tree: browse a node, designate a child, import and export Excel."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gongzhi.core.access import allowed
from gongzhi.core.errors import ServiceError
from gongzhi.core.spreadsheets import template
from gongzhi.jobs.forms import ImportForm

from . import selectors, services, spreadsheets
from .forms import DesignateForm
from .models import CHILD_LEVEL, Level
from .permissions import policy

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@allowed(policy, "view")
def browse(request: HttpRequest) -> HttpResponse:
    roots = selectors.viewer_roots(viewer=request.user)
    if len(roots) == 1:
        return redirect("territory:division", code=roots[0].code)
    return render(request, "territory/roots.html", {"roots": roots})


@allowed(policy, "view")
def division_detail(request: HttpRequest, code: str) -> HttpResponse:
    division = selectors.division_get(viewer=request.user, code=code)
    children = Paginator(division.children.order_by("path"), 50).get_page(request.GET.get("page"))
    context = {
        "division": division,
        "ancestors": _ancestors(request, division),
        "children": children,
        "summary": selectors.subtree_summary(division=division),
        "designations": division.designations.select_related("recorded_by", "merged_into")[:20],
        "complexes": division.complexes.prefetch_related("buildings")[:50],
        "can_manage": policy.can(request.user, "manage_divisions", division) and Level(division.level) in CHILD_LEVEL,
        "can_export": policy.can(request.user, "export", division),
    }
    return render(request, "territory/division.html", context)


def _ancestors(request: HttpRequest, division: object) -> list[object]:
    chain = []
    node = getattr(division, "parent", None)
    while node is not None:
        if policy.can(request.user, "view", node):
            chain.append(node)
        node = node.parent
    return list(reversed(chain))


@allowed(policy, "manage_divisions")
@require_http_methods(["GET", "POST"])
def designate(request: HttpRequest, code: str) -> HttpResponse:
    parent = selectors.division_get(viewer=request.user, code=code)
    policy.require(request.user, "manage_divisions", parent, view_action="view")
    form = DesignateForm(request.POST or None, initial={"effective_on": timezone.localdate(), "code": parent.path})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            division = services.division_designate(
                actor=request.user,
                parent=parent,
                code=data["code"],
                name=data["name"],
                kind=data["kind"],
                population=data["population"],
                households=data["households"],
                area_km2=data["area_km2"],
                effective_on=data["effective_on"],
                document=data["document"],
                capacity_note=data["capacity_note"],
            )
        except ServiceError as exc:
            exc.to_form(form)
        else:
            messages.success(request, _("已划定 %(name)s。") % {"name": division.name})
            return redirect("territory:division", code=division.code)
    return render(
        request, "territory/designate.html", {"parent": parent, "form": form}, status=400 if form.errors else 200
    )


@allowed(policy, "import")
@require_http_methods(["GET", "POST"])
def import_divisions(request: HttpRequest) -> HttpResponse:
    """Upload a file; the shared jobs mechanism checks it, runs it in the background and shows progress."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = form.submit(actor=request.user, importer_key=spreadsheets.IMPORTER.key)
        if job is not None:
            return redirect("jobs:detail", public_id=str(job.public_id))
    return render(request, "territory/import.html", {"form": form}, status=400 if form.errors else 200)


@allowed(policy, "import")
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(template(spreadsheets.COLUMNS), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''divisions-template.xlsx"
    return response


@allowed(policy, "export")
def export_divisions(request: HttpRequest, code: str) -> HttpResponse:
    division = selectors.division_get(viewer=request.user, code=code)
    policy.require(request.user, "export", division, view_action="view")
    response = HttpResponse(spreadsheets.divisions_export(viewer=request.user, under=division.path), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''divisions-{division.code}.xlsx"
    return response
