"""The compliance matrix page for the authority, street offices, auditors and administrators."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from gongzhi.core.access import allowed

from .compliance import matrix
from .permissions import policy


@allowed(policy, "view_compliance")
def compliance(request: HttpRequest) -> HttpResponse:
    rows = matrix()
    if request.GET.get("format") == "json":
        return JsonResponse({"clauses": [r.as_dict() for r in rows]}, json_dumps_params={"ensure_ascii": False})
    counts = {s: sum(1 for r in rows if r.status == s) for s in ("implemented", "partial", "missing")}
    return render(request, "regulation/compliance.html", {"rows": rows, "counts": counts})
