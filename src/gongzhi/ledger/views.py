"""Ledger pages: the public checkpoint and key, public disclosures (居务公开) with in-browser verification, and the
auditors' view of the audit trail in their scope with Excel export."""

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from gongzhi.core.access import allowed, public
from gongzhi.core.spreadsheets import workbook_bytes

from . import keys, selectors
from .models import Checkpoint, Disclosure
from .permissions import policy

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AUDIT_PAGE = 50
EXPORT_MAX_ROWS = 100_000


def _text(body: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(body, content_type="text/plain; charset=utf-8", status=status)
    response["Access-Control-Allow-Origin"] = "*"  # anyone's monitor or verifier may read it
    return response


@public
def latest_checkpoint(request: HttpRequest) -> HttpResponse:
    latest = Checkpoint.objects.order_by("-tree_size").first()
    if latest is None:
        return _text("no checkpoint has been signed yet\n", status=404)
    return _text(latest.signed_note)


@public
def verifier_key(request: HttpRequest) -> HttpResponse:
    return _text(keys.verifier_text() + "\n")


@public
def disclosure_list(request: HttpRequest) -> HttpResponse:
    qs = Disclosure.objects.select_related("leaf")
    category = request.GET.get("category", "")
    if category in Disclosure.Category.values:
        qs = qs.filter(category=category)
    page = Paginator(qs.order_by("-published_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/disclosure_list.html",
        {"page": page, "categories": Disclosure.Category.choices, "category": category},
    )


@public
def disclosure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = get_object_or_404(Disclosure.objects.select_related("leaf"), pk=pk)
    return render(
        request,
        "ledger/disclosure_detail.html",
        {"d": disclosure, "verifier_key": keys.verifier_text(), "origin": keys.origin()},
    )


def _date(value: str | None) -> date | None:
    try:
        return parse_date(value or "")
    except ValueError:
        return None


def _filters(request: HttpRequest) -> dict[str, Any]:
    return {
        "action": request.GET.get("action", "").strip()[:80],
        "target_type": request.GET.get("target_type", "").strip()[:80],
        "since": _date(request.GET.get("since")),
        "until": _date(request.GET.get("until")),
    }


@allowed(policy, "view_events")
def audit_events(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    qs = selectors.event_list(viewer=request.user, **filters).select_related("leaf")
    before = request.GET.get("before", "")
    if before.isdigit():
        qs = qs.filter(id__lt=int(before))
    rows = list(qs[: AUDIT_PAGE + 1])
    more = len(rows) > AUDIT_PAGE
    rows = rows[:AUDIT_PAGE]
    query = request.GET.copy()
    query.pop("before", None)
    if more:
        query["before"] = str(rows[-1].pk)
    return render(
        request,
        "ledger/audit_events.html",
        {
            "events": rows,
            "filters": filters,
            "next_query": query.urlencode() if more else "",
            "can_export": policy.allows(request.user, "export_events"),
            "action_choices": selectors.event_types(),
        },
    )


@allowed(policy, "export_events")
def audit_export(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    qs = selectors.event_list(viewer=request.user, **filters).select_related("leaf")
    if list(qs.values_list("pk", flat=True)[EXPORT_MAX_ROWS : EXPORT_MAX_ROWS + 1]):
        # A file never silently stops at the cap: the auditor narrows the filters and exports in parts.
        messages.error(
            request,
            _("符合条件的记录超过 %(n)s 条，一次最多导出 %(n)s 条。请缩小日期范围或增加筛选条件后分批导出。")
            % {"n": f"{EXPORT_MAX_ROWS:,}"},
        )
        return redirect(f"{reverse('ledger:audit')}?{request.GET.urlencode()}")
    headers = [_("编号"), _("时间"), _("操作人"), _("角色"), _("节点路径"), _("事件类型"), _("对象类型"), _("对象编号")]
    headers += [_("请求号"), _("账本叶子序号")]

    def rows() -> Iterator[tuple[Any, ...]]:
        for e in qs[:EXPORT_MAX_ROWS].iterator(chunk_size=2000):
            leaf = getattr(e, "leaf", None)
            yield (
                e.pk,
                e.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                str(e.actor) if e.actor else _("系统"),
                e.actor_role,
                e.scope_path,
                e.action,
                e.target_type,
                e.target_id,
                e.request_id,
                leaf.index if leaf else "",
            )

    body = workbook_bytes(headers, rows(), title=_("审计事件"))
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''audit-events.xlsx"
    return response
