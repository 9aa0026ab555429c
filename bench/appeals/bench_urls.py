"""The project's URLs plus /bench/bare: one indexed list-20 query on the appeals table, the same filter and order as
the staff queue of a street (street_path equality, open statuses, deadline first: the partial index
appeal_open_street), answered as JSON — the baseline a real view is held to."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path

from gongzhi.config.urls import handler403, handler404  # noqa: F401
from gongzhi.config.urls import urlpatterns as project

OPEN = ("received", "dispatched", "disputed", "returned", "handling")


def bare(request: HttpRequest) -> JsonResponse:
    street = request.GET.get("street", "")[:9]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, number, due_at FROM appeals_appeal WHERE street_path = %s AND status = ANY(%s) "
            "ORDER BY due_at, id LIMIT 20",
            [street, list(OPEN)],
        )
        rows = [{"id": r[0], "number": r[1], "due_at": r[2].isoformat()} for r in cur.fetchall()]
    return JsonResponse({"items": rows})


bare.gongzhi_access = "public"  # type: ignore[attr-defined]
urlpatterns = [path("bench/bare", bare), *project]
