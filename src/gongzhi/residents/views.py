"""Pages: the community worker's resident and household lists, household card, care lists, import and export;
the resident's own data, household and who viewed it. Every response here carries Cache-Control: no-store."""

import json
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gongzhi.core.access import allowed, signed_in
from gongzhi.core.errors import NotFound, ServiceError
from gongzhi.core.spreadsheets import csv_bytes, template, workbook_bytes
from gongzhi.jobs.forms import ImportForm

from . import events, exports, selectors, services
from .forms import (
    FIELD_LABELS,
    ClaimForm,
    ConsentForm,
    CorrectionForm,
    ExportForm,
    FlagForm,
    HandleForm,
    HouseholdEditForm,
    ResidentEditForm,
    RevealForm,
)
from .importer import COLUMNS
from .models import SpecialGroup
from .permissions import policy

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DISCLOSURE = "X-Gongzhi-Disclosure"  # marks the deliberate plaintext answers (reveal, own data, unmasked export)
PAGE = 50


def _filters(request: HttpRequest) -> dict[str, str]:
    keys = ("under", "complex", "group", "q")
    return {k: request.GET.get(k, "").strip()[:40] for k in keys if request.GET.get(k, "").strip()}


def _page(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 2000))
    except ValueError:
        return 1


@allowed(policy, "view")
@never_cache
def resident_list(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    qs = selectors.resident_list(
        viewer=request.user,
        under=f.get("under"),
        complex_code=f.get("complex"),
        group=f.get("group"),
        search=f.get("q"),
    )
    page = _page(request)
    rows = list(qs[(page - 1) * PAGE : page * PAGE + 1])
    context = {
        "residents": rows[:PAGE],
        "page": page,
        "has_next": len(rows) > PAGE,
        "filters": f,
        "query": "&".join(f"{k}={v}" for k, v in f.items()),
        "choices": selectors.filter_choices(viewer=request.user),
        "can_import": policy.allows(request.user, "import"),
        "can_export": policy.allows(request.user, "export"),
        "export_form": ExportForm(),
    }
    return render(request, "residents/list.html", context)


@allowed(policy, "view")
@require_POST
@never_cache
def lookup(request: HttpRequest) -> HttpResponse:
    """Exact lookup by ID number, posted (an ID number never travels in a URL) and answered with a redirect."""
    try:
        resident = selectors.resident_by_id_number(
            viewer=request.user, id_number=request.POST.get("id_number", "")[:18]
        )
    except ServiceError:
        messages.error(request, _("未找到该身份证号对应的居民，或不在您的辖区。"))
        return redirect("residents:list")
    return redirect("residents:detail", public_id=resident.public_id)


@allowed(policy, "view")
@never_cache
def care_list(request: HttpRequest) -> HttpResponse:
    group = request.GET.get("group") or SpecialGroup.ELDERLY_ALONE
    if group not in SpecialGroup.values:
        group = SpecialGroup.ELDERLY_ALONE
    qs = selectors.care_list(viewer=request.user, group=group, under=request.GET.get("under") or None)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "residents/care.html",
        {"page_obj": page, "group": group, "group_label": SpecialGroup(group).label, "groups": SpecialGroup.choices},
    )


@allowed(policy, "view")
@never_cache
def household_list(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    qs = selectors.household_list(viewer=request.user, under=f.get("under"), complex_code=f.get("complex"))
    page = _page(request)
    rows = list(qs[(page - 1) * PAGE : page * PAGE + 1])
    return render(
        request,
        "residents/households.html",
        {
            "households": rows[:PAGE],
            "page": page,
            "has_next": len(rows) > PAGE,
            "filters": f,
            "query": "&".join(f"{k}={v}" for k, v in f.items()),
            "choices": selectors.filter_choices(viewer=request.user),
        },
    )


@allowed(policy, "view")
@never_cache
def household_card(request: HttpRequest, public_id: str) -> HttpResponse:
    household = selectors.household_get(viewer=request.user, public_id=public_id)
    can_manage = policy.can(request.user, "manage", household)
    return render(request, "residents/household.html", {"household": household, "can_manage": can_manage})


@allowed(policy, "view")
@never_cache
def resident_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    resident = selectors.resident_get(viewer=request.user, public_id=public_id)
    return render(
        request,
        "residents/detail.html",
        {
            "resident": resident,
            "flags": selectors.flags_of(resident),
            "can_reveal": policy.can(request.user, "reveal", resident),
            "can_manage": policy.can(request.user, "manage", resident),
            "reveal_form": RevealForm(prefix="reveal"),
            "flag_form": FlagForm(prefix="flag"),
            "accesses": selectors.access_history(resident=resident)[:20],
            "can_consent": policy.can(request.user, "record_consent", resident),
            "consent_form": ConsentForm(prefix="consent"),
            "consents": resident.consents.select_related("agent", "unit")[:20],
        },
    )


@allowed(policy, "view")
@require_POST
@never_cache
def reveal(request: HttpRequest, public_id: str) -> HttpResponse:
    resident = selectors.resident_get(viewer=request.user, public_id=public_id)
    form = RevealForm(request.POST, prefix="reveal")
    if not form.is_valid():
        return render(request, "residents/_reveal.html", {"form": form, "resident": resident}, status=400)
    field = form.cleaned_data["field"]
    try:
        value = services.reveal(
            actor=request.user, resident=resident, field=field, purpose=form.cleaned_data["purpose"]
        )
    except ServiceError as exc:
        form.add_error(None, str(exc.message))
        return render(request, "residents/_reveal.html", {"form": form, "resident": resident}, status=exc.status)
    response = render(
        request,
        "residents/_reveal.html",
        {"form": RevealForm(prefix="reveal"), "resident": resident, "value": value, "label": FIELD_LABELS[field]},
    )
    response[DISCLOSURE] = "reveal"
    return response


@allowed(policy, "manage")
@require_POST
@never_cache
def flag_add(request: HttpRequest, public_id: str) -> HttpResponse:
    resident = selectors.resident_get(viewer=request.user, public_id=public_id)
    form = FlagForm(request.POST, prefix="flag")
    if form.is_valid():
        try:
            services.flag_add(actor=request.user, resident=resident, **form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("已添加标识。"))
    else:
        messages.error(request, _("输入有误，请检查。"))
    return redirect("residents:detail", public_id=resident.public_id)


@allowed(policy, "manage")
@require_http_methods(["GET", "POST"])
@never_cache
def resident_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    resident = selectors.resident_get(viewer=request.user, public_id=public_id)
    policy.require(request.user, "manage", resident)
    initial = {
        "name": resident.name,
        "residence_status": resident.residence_status,
        "relation": resident.relation,
    }
    form = ResidentEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        phone = data["phone"].strip() or None  # empty: keep the number (masked, so it cannot be shown to edit)
        if request.POST.get("clear_phone") == "1":
            phone = ""
        try:
            services.resident_update(
                actor=request.user,
                resident=resident,
                name=data["name"],
                phone=phone,
                residence_status=data["residence_status"],
                relation=data["relation"],
            )
        except ServiceError as exc:
            exc.to_form(form)
        else:
            messages.success(request, _("已保存。"))
            return redirect("residents:detail", public_id=resident.public_id)
    status = 400 if form.errors else 200
    return render(request, "residents/edit.html", {"form": form, "resident": resident}, status=status)


@allowed(policy, "manage")
@require_http_methods(["GET", "POST"])
@never_cache
def household_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    household = selectors.household_get(viewer=request.user, public_id=public_id)
    policy.require(request.user, "manage", household)
    form = HouseholdEditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = form.cleaned_data if any(form.cleaned_data.values()) else {}  # all empty: address unchanged
        try:
            services.household_update(actor=request.user, household=household, **address)
        except ServiceError as exc:
            exc.to_form(form)
        else:
            messages.success(request, _("已保存。"))
            return redirect("residents:household", public_id=household.public_id)
    status = 400 if form.errors else 200
    return render(request, "residents/household_edit.html", {"form": form, "household": household}, status=status)


@allowed(policy, "record_consent")
@require_POST
@never_cache
def consent_add(request: HttpRequest, public_id: str) -> HttpResponse:
    resident = selectors.resident_get(viewer=request.user, public_id=public_id)
    form = ConsentForm(request.POST, prefix="consent")
    if form.is_valid():
        data = dict(form.cleaned_data)
        to = data.pop("to")
        try:
            services.proxy_consent_record(
                actor=request.user,
                resident=resident,
                agent=request.user if to == "me" else None,
                unit=resident.community if to == "unit" else None,
                **data,
            )
        except ServiceError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("已登记代办授权。"))
    else:
        messages.error(request, _("输入有误，请检查。"))
    return redirect("residents:detail", public_id=resident.public_id)


@allowed(policy, "record_consent")
@require_POST
@never_cache
def consent_revoke(request: HttpRequest, public_id: str, consent_id: int) -> HttpResponse:
    resident = selectors.resident_get(viewer=request.user, public_id=public_id)
    consent = get_object_or_404(resident.consents, pk=consent_id)
    try:
        services.proxy_consent_revoke(actor=request.user, consent=consent)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已撤回代办授权。"))
    return redirect("residents:detail", public_id=resident.public_id)


@allowed(policy, "import")
@require_http_methods(["GET", "POST"])
@never_cache
def import_residents(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = form.submit(actor=request.user, importer_key="residents")
        if job is not None:
            return redirect(reverse("jobs:detail", args=[job.public_id]))
    return render(request, "residents/import.html", {"form": form}, status=400 if form.errors else 200)


@allowed(policy, "import")
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(csv_bytes([c.header for c in COLUMNS], []), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(template(COLUMNS), content_type=XLSX)
        fmt = "xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''residents-template.{fmt}"
    return response


@allowed(policy, "export")
@require_POST
@never_cache
def export_residents(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("导出参数有误。"))
        return redirect("residents:list")
    f = _filters(request) | {k: request.POST[k] for k in ("under", "complex", "group") if request.POST.get(k)}
    qs = selectors.resident_list(
        viewer=request.user, under=f.get("under"), complex_code=f.get("complex"), group=f.get("group")
    )
    roots = [f["under"]] if f.get("under") else policy.roots(request.user, "view")
    purpose = form.cleaned_data["purpose"].strip()
    plain = len(purpose) >= 4 and exports.may_export_plaintext(request.user, roots)
    fmt = form.cleaned_data["fmt"]
    data = exports.export(
        viewer=request.user,
        qs=qs,
        plain=plain,
        fmt=fmt,
        scope_path=roots[0] if roots else "",
        filters=f | ({"purpose": purpose} if plain else {}),
    )
    response = HttpResponse(data, content_type=XLSX if fmt == "xlsx" else "text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''residents.{fmt}"
    if plain:
        response[DISCLOSURE] = "export"
    return response


@allowed(policy, "handle_requests")
@never_cache
def request_list(request: HttpRequest) -> HttpResponse:
    return render(request, "residents/requests.html", {"requests": selectors.open_requests(viewer=request.user)[:200]})


@allowed(policy, "handle_requests")
@require_http_methods(["GET", "POST"])
@never_cache
def request_handle(request: HttpRequest, public_id: str) -> HttpResponse:
    subject_request = selectors.request_get(viewer=request.user, public_id=public_id)
    form = HandleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_handle(actor=request.user, request=subject_request, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("已办结。"))
            return redirect("residents:requests")
    return render(
        request,
        "residents/request.html",
        {"req": subject_request, "details": selectors.request_details(subject_request), "form": form},
    )


# The resident's own pages ------------------------------------------------------------------------------------------


@signed_in
@never_cache
def me(request: HttpRequest) -> HttpResponse:
    try:
        resident = selectors.my_record(viewer=request.user)
    except NotFound:
        return redirect("residents:link")  # not linked yet: prove the record is yours, or ask the community
    return render(
        request,
        "residents/me.html",
        {
            "resident": resident,
            "flags": selectors.flags_of(resident),
            "accesses": selectors.access_history(resident=resident)[:100],
            "requests": resident.requests.all()[:50],
            "consents": resident.consents.select_related("agent", "unit")[:50],
            "form": CorrectionForm(),
        },
    )


@signed_in
@require_POST
@never_cache
def my_consent_revoke(request: HttpRequest, consent_id: int) -> HttpResponse:
    resident = selectors.my_record(viewer=request.user)
    consent = get_object_or_404(resident.consents, pk=consent_id)
    try:
        services.proxy_consent_revoke(actor=request.user, consent=consent)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已撤回代办授权。"))
    return redirect("residents:me")


@signed_in
@require_http_methods(["GET", "POST"])
@never_cache
def link_account(request: HttpRequest) -> HttpResponse:
    """关联我的居民信息: the resident proves the record is theirs with the ID number and the mobile on record."""
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_claim(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("已关联您的居民信息。"))
            return redirect("residents:me")
    return render(request, "residents/link.html", {"form": form}, status=400 if form.errors else 200)


@signed_in
@never_cache
def my_household(request: HttpRequest) -> HttpResponse:
    resident = selectors.my_record(viewer=request.user)
    members = resident.household.members.order_by("relation", "birth_date") if resident.household else []
    return render(request, "residents/my_household.html", {"resident": resident, "members": members})


@signed_in
@require_POST
@never_cache
def my_request(request: HttpRequest) -> HttpResponse:
    resident = selectors.my_record(viewer=request.user)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.request_file(actor=request.user, resident=resident, **form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("已提交，社区将在 %(n)s 日内办理。") % {"n": services.REQUEST_DAYS})
    else:
        messages.error(request, _("请填写具体内容。"))
    return redirect("residents:me")


@signed_in
@never_cache
def my_export(request: HttpRequest, fmt: str) -> HttpResponse:
    resident = selectors.my_record(viewer=request.user)
    data = selectors.subject_data(resident=resident)
    events.subject_download(actor=request.user, resident=resident, fmt=fmt)
    if fmt == "json":
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    else:
        response = HttpResponse(_subject_workbook(data), content_type=XLSX)
        fmt = "xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''my-data.{fmt}"
    response[DISCLOSURE] = "subject"
    return response


def _subject_workbook(data: dict[str, Any]) -> bytes:
    rows: list[list[Any]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(value, list):
            for i, v in enumerate(value, start=1):
                walk(f"{prefix}[{i}]", v)
        else:
            rows.append([prefix, "" if value is None else str(value)])

    walk("", data)
    return workbook_bytes([_("项目"), _("内容")], rows, title=_("我的信息"))
