"""Pages of the appeals domain: the resident portal (submit, my appeals, public follow-up), the staff queue and inbox,
the dispatcher console, the overdue board, statistics with ECharts and Excel export, staff intake and 12345 import."""

import io
import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongzhi.core.access import allowed, public, signed_in
from gongzhi.core.errors import NotFound, ServiceError
from gongzhi.core.http import client_key
from gongzhi.core.policy import grants_of
from gongzhi.core.spreadsheets import workbook_bytes
from gongzhi.jobs.services import import_submit
from gongzhi.people.models import Unit
from gongzhi.residents.selectors import resident_by_id_number
from gongzhi.territory.models import Division
from gongzhi.territory.selectors import division_by_code

from . import forms, routing_bridge, selectors, services
from .importer import json_to_csv
from .models import OPEN_STATUSES, AppealPhoto, AppealType, Channel, Status
from .permissions import policy

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _home_path(user: Any) -> str:
    """The county a user belongs to (the place picker starts there); the whole city otherwise."""
    for grant in grants_of(user):
        if len(grant.path) >= 6:
            return grant.path[:6]
    return "5106"


def _rows(rows: list[Any]) -> list[tuple[Any, str]]:
    now = timezone.now()
    return [(a, selectors.colour(a, now)) for a in rows]


# ---- resident portal ------------------------------------------------------------------------------------------------


@signed_in
def mine(request: HttpRequest) -> HttpResponse:
    """我的诉求: the resident's own appeals, newest first."""
    return render(request, "appeals/mine.html", {"rows": _rows(selectors.my_appeals(viewer=request.user))})


@signed_in
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    form = forms.AppealForm(request.POST or None, request.FILES or None, under=_home_path(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appeal = services.appeal_submit(
                actor=request.user,
                channel=Channel.PORTAL,
                appeal_type=data["appeal_type"],
                category=data["category"],
                place=data["place"],
                text=data["text"],
                address=data["address"],
                photos=data["photos"],
                contact=services.Contact(str(request.user), data["contact_mobile"]),
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
        except ServiceError as exc:
            exc.to_form(form)
        else:
            messages.success(
                request,
                _("诉求已受理。编号 %(n)s，提取码 %(c)s（请保存，可免登录查询进度）。")
                % {"n": appeal.number, "c": getattr(appeal, "pickup_code", "")},
            )
            return redirect("appeals:detail", appeal.pk)
    import secrets

    return render(request, "appeals/form.html", {"form": form, "title": _("提交诉求"), "key": secrets.token_hex(16)})


@signed_in
@require_http_methods(["GET"])
def similar(request: HttpRequest) -> HttpResponse:
    """共性问题 at intake: while a resident or a worker types, open appeals in the same street with near text. Staff
    with intake rights see numbers and excerpts to link; a resident sees only that similar appeals are being handled
    (category and status, never another resident's words)."""
    text = request.GET.get("text", "")[:2000]
    code = request.GET.get("place", "").strip()
    found_place = division_by_code(code)
    place = found_place if found_place is not None and found_place.is_active else None
    found = routing_bridge.similar_to_text(text, street_path=place.path[:9]) if place and len(text) >= 8 else []
    staff = place is not None and policy.can(request.user, "intake", place)
    return render(request, "appeals/_similar.html", {"found": found, "staff": staff})


@public
def track(request: HttpRequest) -> HttpResponse:
    """免登录查询: number + 提取码 show the status and the public timeline (never the contact)."""
    form = forms.TrackForm(request.GET or None)
    appeal = None
    looked_up = False
    locked = ""
    if form.is_valid():
        looked_up = True
        try:
            appeal = services.appeal_track(
                number=form.cleaned_data["number"], code=form.cleaned_data["code"], client=client_key(request)
            )
        except ServiceError as exc:
            locked = str(exc.message)
    events = selectors.timeline(appeal=appeal, public_only=True) if appeal else []
    context = {"form": form, "appeal": appeal, "events": events, "looked_up": looked_up, "locked": locked}
    return render(request, "appeals/track.html", context, status=429 if locked else 200)


# ---- one appeal -----------------------------------------------------------------------------------------------------


def _units_for(appeal: Any) -> list[Unit]:
    """Units a dispatcher may choose: those seated at or above the place, departments first."""
    paths = [appeal.scope_path[:n] for n in (4, 6, 9, 12)]
    return list(
        Unit.objects.filter(scope_path__in=paths, is_active=True)
        .exclude(kind__in=(Unit.Kind.SUPERVISION_COMMITTEE, Unit.Kind.PROPERTY_PROVIDER))
        .order_by("scope_path", "kind", "name")
    )


@signed_in
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_get(viewer=request.user, pk=pk)
    user = request.user
    staff = policy.can(user, "view", appeal)
    can_dispatch = policy.can(user, "dispatch", appeal)
    suggestions = (
        routing_bridge.suggest_for(appeal)
        if can_dispatch and appeal.status in (Status.RECEIVED, Status.RETURNED)
        else None
    )
    context = {
        "appeal": appeal,
        "colour": selectors.colour(appeal),
        "events": selectors.timeline(appeal=appeal, public_only=not staff),
        "staff": staff,
        "owner": appeal.resident_id == user.pk,
        "can_dispatch": can_dispatch,
        "can_handle": services._acts_for(user, appeal.handling_unit),
        "can_supervise": policy.can(user, "supervise", appeal),
        "can_exclude": policy.can(user, "exclude", appeal),
        "units": _units_for(appeal) if can_dispatch else [],
        "route": services.route_for(appeal) if can_dispatch else None,
        "suggestions": suggestions,
        "suggestions_list": [
            (_("类型"), suggestions.appeal_type),
            (_("分类"), suggestions.category),
            (_("承办单位"), suggestions.unit),
        ]
        if suggestions
        else [],
        "photos": list(appeal.photos.all()),
        "similar": routing_bridge.similar_open(appeal)
        if can_dispatch and appeal.status in (Status.RECEIVED, Status.RETURNED, Status.DISPATCHED)
        else [],
        "Status": Status,
    }
    return render(request, "appeals/detail.html", context)


@signed_in
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    item = AppealPhoto.objects.filter(pk=pk).first()
    if item is None:
        raise NotFound(_("未找到该记录，或您无权查看。"))
    selectors.appeal_get(viewer=request.user, pk=item.appeal_id)
    with item.image.open("rb") as handle:  # at most 5 MB (services.MAX_PHOTO_BYTES)
        return HttpResponse(handle.read(), content_type=item.content_type)


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _unit(request: HttpRequest) -> Unit | None:
    value = request.POST.get("unit")
    if not value:
        return None
    unit = Unit.objects.filter(pk=_int(value)).first()
    if unit is None:
        raise ServiceError(_("承办单位不存在。"), fields={"unit": _("不存在")})
    return unit


def _dispatch(request: HttpRequest, user: Any, appeal: Any) -> Any:
    """派单 from the page; when routing suggested something, the decision (accepted or overridden) is fed back."""
    shown = routing_bridge.suggest_for(appeal) if request.POST.get("suggested") else None
    done = services.appeal_dispatch(
        actor=user,
        appeal=appeal,
        unit=_unit(request),
        matter_code=request.POST.get("matter_code") or None,
        note=request.POST.get("note", ""),
    )
    routing_bridge.feedback(actor=user, appeal=done, suggestions=shown)
    return done


STEPS: dict[str, Callable[[HttpRequest, Any, Any], Any]] = {
    "dispatch": _dispatch,
    "direct": lambda r, u, a: services.appeal_answer_directly(actor=u, appeal=a, reply=r.POST.get("reply", "")),
    "sign": lambda r, u, a: services.appeal_sign(actor=u, appeal=a),
    "progress": lambda r, u, a: services.appeal_progress(actor=u, appeal=a, note=r.POST.get("note", "")),
    "reply": lambda r, u, a: services.appeal_reply(actor=u, appeal=a, reply=r.POST.get("reply", "")),
    "return": lambda r, u, a: services.appeal_return(
        actor=u, appeal=a, reason=r.POST.get("reason", ""), basis=r.POST.get("basis", "")
    ),
    "dispute": lambda r, u, a: services.appeal_dispute(actor=u, appeal=a, reason=r.POST.get("reason", "")),
    "dispute_decide": lambda r, u, a: services.appeal_dispute_decide(
        actor=u, appeal=a, upheld=r.POST.get("upheld") == "1", note=r.POST.get("note", ""), unit=_unit(r)
    ),
    "extension_request": lambda r, u, a: services.appeal_extension_request(
        actor=u, appeal=a, days=_int(r.POST.get("days")), reason=r.POST.get("reason", "")
    ),
    "extension_decide": lambda r, u, a: services.appeal_extension_decide(
        actor=u, appeal=a, approve=r.POST.get("approve") == "1", note=r.POST.get("note", "")
    ),
    "urge": lambda r, u, a: services.appeal_urge(
        actor=u, appeal=a, level=_int(r.POST.get("level"), 1), note=r.POST.get("note", "")
    ),
    "escalate": lambda r, u, a: services.appeal_escalate(
        actor=u, appeal=a, unit=_unit(r) or _missing_unit(), reason=r.POST.get("reason", "")
    ),
    "visit": lambda r, u, a: services.appeal_visit(
        actor=u,
        appeal=a,
        satisfaction=_int(r.POST.get("satisfaction")),
        solved=r.POST.get("solved") == "1",
        note=r.POST.get("note", ""),
    ),
    "redo": lambda r, u, a: services.appeal_redo(actor=u, appeal=a, note=r.POST.get("note", "")),
    "close": lambda r, u, a: services.appeal_close(actor=u, appeal=a, note=r.POST.get("note", "")),
    "reopen": lambda r, u, a: services.appeal_reopen(actor=u, appeal=a, reason=r.POST.get("reason", "")),
    "merge": lambda r, u, a: services.appeal_merge(
        actor=u, appeal=a, into=selectors.appeal_by_number(viewer=u, number=r.POST.get("into", ""))
    ),
    "exclude": lambda r, u, a: services.appeal_exclude(actor=u, appeal=a, reason=r.POST.get("reason", "")),
}


def _missing_unit() -> Unit:
    raise ServiceError(_("请选择承办单位。"), fields={"unit": _("必填")})


@signed_in
@require_POST
def act(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One workflow step from the detail page; the service checks role, unit, scope and status."""
    appeal = selectors.appeal_get(viewer=request.user, pk=pk)
    handler = STEPS.get(step)
    if handler is None:
        raise NotFound(_("未找到该记录，或您无权查看。"))
    try:
        handler(request, request.user, appeal)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        detail_text = "；".join(str(v) for v in exc.fields.values())
        messages.error(request, f"{exc.message}{'（' + detail_text + '）' if detail_text else ''}")
    else:
        messages.success(request, _("已保存。"))
    return redirect("appeals:detail", appeal.pk)


# ---- staff pages ----------------------------------------------------------------------------------------------------


@allowed(policy, "view")
def queue(request: HttpRequest) -> HttpResponse:
    """诉求工作台: open appeals ordered by deadline colour (the earliest deadline first), keyset-paged."""
    mine_only = request.GET.get("mine") == "1"
    status = request.GET.get("status") or None
    rows, cursor = selectors.queue(
        viewer=request.user, status=status, mine=mine_only, after=request.GET.get("after"), limit=30
    )
    return render(
        request,
        "appeals/queue.html",
        {
            "rows": _rows(rows),
            "next": cursor,
            "mine": mine_only,
            "status": status or "",
            "statuses": [(s.value, s.label) for s in Status if s.value in OPEN_STATUSES],
            "can_intake": policy.allows(request.user, "intake"),
            "can_import": policy.allows(request.user, "import"),
        },
    )


@allowed(policy, "handle")
def inbox(request: HttpRequest) -> HttpResponse:
    """我的待办: appeals of the units the user handles for, by deadline."""
    rows, cursor = selectors.queue(viewer=request.user, mine=True, after=request.GET.get("after"), limit=30)
    return render(request, "appeals/inbox.html", {"rows": _rows(rows), "next": cursor})


@allowed(policy, "dispatch")
def dispatch_console(request: HttpRequest) -> HttpResponse:
    rows, cursor = selectors.dispatch_desk(viewer=request.user, after=request.GET.get("after"), limit=30)
    return render(
        request,
        "appeals/dispatch.html",
        {
            "rows": _rows(rows),
            "next": cursor,
            "extensions": selectors.extension_requests(viewer=request.user),
            "routing": routing_bridge.available(),
        },
    )


@allowed(policy, "view_overdue")
def overdue(request: HttpRequest) -> HttpResponse:
    rows, cursor = selectors.overdue_board(viewer=request.user, after=request.GET.get("after"), limit=50)
    return render(request, "appeals/overdue.html", {"rows": _rows(rows), "next": cursor})


def _period(request: HttpRequest) -> tuple[date, date, str]:
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today - timedelta(days=180)
    try:
        end = date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    by = request.GET.get("by", "type")
    return start, end, by if by in ("type", "category", "street", "unit") else "type"


def _labelled(rows: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    if by == "type":
        labels = dict(AppealType.choices)
        return [{**r, "label": str(labels.get(r["key"], r["key"]))} for r in rows]
    if by == "street":
        names = dict(Division.objects.filter(path__in=[r["key"] for r in rows]).values_list("path", "name"))
        return [{**r, "label": names.get(r["key"], r["key"])} for r in rows]
    return [{**r, "label": r["key"] or _("未派单")} for r in rows]


@allowed(policy, "view_stats")
def stats(request: HttpRequest) -> HttpResponse:
    """诉求统计 from the rollups: on-time sign-off, on-time completion, satisfaction, overdue (ECharts)."""
    start, end, by = _period(request)
    rows = _labelled(selectors.stats(viewer=request.user, start=start, end=end, by=by), by)
    chart = {
        "labels": [str(r["label"]) for r in rows],
        "received": [r["received"] for r in rows],
        "overdue": [r["overdue"] for r in rows],
        "ontime": [r["ontime_rate"] or 0 for r in rows],
        "names": {
            "received": _("受理量"),
            "overdue": _("超期"),
            "ontime": _("按时办结率 %"),
        },
    }
    return render(
        request,
        "appeals/stats.html",
        {"rows": rows, "start": start, "end": end, "by": by, "chart": json.dumps(chart, ensure_ascii=False)},
    )


@allowed(policy, "view_stats")
def stats_export(request: HttpRequest) -> HttpResponse:
    start, end, by = _period(request)
    rows = _labelled(selectors.stats(viewer=request.user, start=start, end=end, by=by), by)
    headers = [
        _("分组"),
        _("受理量"),
        _("签收量"),
        _("按时签收率 %"),
        _("答复量"),
        _("按时办结率 %"),
        _("办结量"),
        _("满意度"),
        _("超期"),
        _("不纳入考核"),
    ]
    content = workbook_bytes(
        headers,
        (
            [
                str(r["label"]),
                r["received"],
                r["signed"],
                r["signoff_rate"],
                r["replied"],
                r["ontime_rate"],
                r["closed"],
                r["satisfaction"],
                r["overdue"],
                r["excluded"],
            ]
            for r in rows
        ),
        title="appeals",
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=appeals-{by}-{start}-{end}.xlsx"
    return response


@allowed(policy, "intake")
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """电话受理/代办: staff take an appeal down for a resident, with the resident's consent recorded."""
    roots = policy.roots(request.user, "intake")
    under = min(roots, key=len) if roots else "5106"
    form = forms.StaffIntakeForm(request.POST or None, request.FILES or None, under=under)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            on_behalf_of = None
            if data["channel"] == Channel.PROXY and data["id_number"]:
                on_behalf_of = resident_by_id_number(viewer=request.user, id_number=data["id_number"])
            appeal = services.appeal_submit(
                actor=request.user,
                on_behalf_of=on_behalf_of,
                channel=data["channel"],
                appeal_type=data["appeal_type"],
                category=data["category"],
                place=data["place"],
                text=data["text"],
                address=data["address"],
                photos=data["photos"],
                contact=services.Contact(data["contact_name"], data["contact_mobile"]),
                consent_note=data["consent_note"],
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
        except ServiceError as exc:
            exc.to_form(form)
        else:
            messages.success(
                request,
                _("已代为受理。编号 %(n)s，提取码 %(c)s（请告知居民）。")
                % {"n": appeal.number, "c": getattr(appeal, "pickup_code", "")},
            )
            return redirect("appeals:detail", appeal.pk)
    import secrets

    return render(
        request, "appeals/form.html", {"form": form, "title": _("电话受理/代办"), "key": secrets.token_hex(16)}
    )


@allowed(policy, "import")
@require_http_methods(["GET", "POST"])
def hotline_import(request: HttpRequest) -> HttpResponse:
    """12345 工单导入 (.xlsx/.csv, or .json converted to CSV) on the shared jobs mechanism."""
    form = forms.HotlineImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = upload.name or "tickets.csv"
        try:
            if name.lower().endswith(".json"):
                stream: Any = io.BytesIO(json_to_csv(upload.read()))
                name = name[:-5] + ".csv"
            else:
                stream = upload
            job = import_submit(
                actor=request.user,
                importer_key="appeals.hotline",
                upload=stream,
                filename=name,
                mode=form.cleaned_data["mode"],
            )
        except ServiceError as exc:
            form.add_error("file", str(exc.message))
        else:
            return redirect(reverse("jobs:detail", args=[job.public_id]))
    return render(request, "appeals/import.html", {"form": form})


@allowed(policy, "dispatch")
@require_http_methods(["GET", "POST"])
def common(request: HttpRequest) -> HttpResponse:
    """共性问题: open appeals of the last 30 days in the dispatcher's scope, clustered by topic and community; a
    group can be taken up as one item (its members merged into the earliest, so one reply answers them all)."""
    since = timezone.now() - timedelta(days=30)
    qs = selectors.in_scope(request.user, "dispatch").filter(status__in=selectors.OPEN_VALUES, accepted_at__gte=since)
    groups = routing_bridge.common_problems(qs)
    if request.method == "POST":
        keys = {_int(k) for k in request.POST.getlist("appeal")}
        group = next((g for g in groups if {a.pk for a in g.appeals} == keys), None)
        if group is None or len(group.appeals) < 2:
            messages.error(request, _("该共性问题已变化，请刷新后重试。"))
            return redirect("appeals:common")
        primary, *members = group.appeals
        merged = 0
        for member in members:
            try:
                services.appeal_merge(actor=request.user, appeal=member, into=primary)
                merged += 1
            except ServiceError as exc:
                messages.error(request, f"{member.number}：{exc.message}")
        messages.success(
            request, _("已作为一件共性问题办理：%(n)s 件诉求并入 %(p)s。") % {"n": merged, "p": primary.number}
        )
        return redirect("appeals:detail", primary.pk)
    names = dict(Division.objects.filter(path__in={g.place for g in groups}).values_list("path", "name"))
    return render(
        request,
        "appeals/common.html",
        {"groups": [(g, names.get(g.place, g.place)) for g in groups], "available": routing_bridge.available()},
    )
