"""Open311 GeoReport v2 at /open311/v2/ (JSON and XML), plus the admin page for API keys.

Errors use the GeoReport shape — `[{"code": <HTTP status>, "description": "..."}]` (XML: `<errors><error>…`) — with
the matching 4xx status; `error` carries the platform's machine code beside it.
"""

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from gongzhi.appeals.models import Appeal, AppealType, Category
from gongzhi.core.access import allowed, public
from gongzhi.core.errors import ServiceError

from . import selectors, services
from .models import ApiKey
from .permissions import policy

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-22T00:00:00+08:00"


# ---- rendering ------------------------------------------------------------------------------------------------------


def _xml(tag: str, value: Any) -> str:
    if isinstance(value, list):
        item = {"services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute"}
        inner = "".join(_xml(item.get(tag, "item"), v) for v in value)
        return f"<{tag}>{inner}</{tag}>"
    if isinstance(value, dict):
        return f"<{tag}>" + "".join(_xml(k, v) for k, v in value.items()) + f"</{tag}>"
    if value is None:
        return f"<{tag}/>"
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{tag}>{escape(str(value))}</{tag}>"


def _answer(data: Any, fmt: str, *, root: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        body = '<?xml version="1.0" encoding="utf-8"?>' + _xml(root, data)
        return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)
    return JsonResponse(data, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def _error(exc: ServiceError, fmt: str) -> HttpResponse:
    description = str(exc.message)
    if exc.fields:
        description += " " + "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
    status = exc.status if 400 <= exc.status < 500 else 400
    return _answer([{"code": status, "description": description, "error": exc.code}], fmt, root="errors", status=status)


def georeport(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Service errors become GeoReport error answers in the requested format."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except ServiceError as exc:
            return _error(exc, fmt)

    return wrapper


def _w3c(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": f"{category.parent.name} / {category.name}" if category.parent else category.name,
        "metadata": True,
        "type": "realtime",
        "keywords": category.parent.name if category.parent else "",
        "group": category.parent.name if category.parent else category.name,
    }


def _provisional_notice() -> str:
    """expected_datetime is a 暂定期限: the working calendar of its year is not confirmed yet."""
    return _("办理时限为暂定（待工作日历确认）：该年度法定节假日安排尚未确认，暂按周一至周五计算，确认后重新计算。")


def _request(appeal: Appeal) -> dict[str, Any]:
    closed = selectors.is_closed(appeal)
    return {
        "service_request_id": appeal.number,
        "status": "closed" if closed else "open",
        "status_notes": appeal.get_status_display(),
        "service_name": appeal.category.name,
        "service_code": appeal.category.code,
        "description": "",  # never published: see selectors' module doc
        "agency_responsible": appeal.handling_unit.name if appeal.handling_unit else "",
        "service_notice": _provisional_notice() if appeal.due_provisional else "",
        "requested_datetime": _w3c(appeal.accepted_at),
        "updated_datetime": _w3c(selectors.updated_at(appeal)),
        "expected_datetime": _w3c(appeal.due_at),
        "address": appeal.place.name,
        "address_id": appeal.place.code,
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }


def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


# ---- GeoReport endpoints --------------------------------------------------------------------------------------------


@public
@require_http_methods(["GET"])
@georeport
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:root"))
    data = {
        "changeset": CHANGESET,
        "contact": _("德阳市社区治理平台运维（系统管理员签发 Open311 密钥）"),
        "key_service": _("向平台系统管理员申请；嵌入式演示可用 demo-key"),
        "endpoints": [
            {
                "specification": SPEC,
                "url": base.rstrip("/"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return _answer(data, fmt, root="discovery")


@public
@require_http_methods(["GET"])
@georeport
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    selectors.jurisdiction(request.GET.get("jurisdiction_id"))
    return _answer([_service(c) for c in selectors.leaf_categories()], fmt, root="services")


@public
@require_http_methods(["GET"])
@georeport
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    selectors.jurisdiction(request.GET.get("jurisdiction_id"))
    category = selectors.service_get(code)
    data = {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": "appeal_type",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _("不填时由平台按内容建议（R8.1），工作人员可调整"),
                "order": 1,
                "description": _("诉求类型"),
                "values": [{"key": value, "name": str(label)} for value, label in AppealType.choices],
            }
        ],
    }
    return _answer(data, fmt, root="service_definition")


@public
@csrf_exempt
@require_http_methods(["GET", "POST"])
@georeport
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post(request, fmt)
    where = selectors.jurisdiction(request.GET.get("jurisdiction_id"))
    try:
        page_size = int(request.GET.get("page_size") or selectors.DEFAULT_PAGE)
    except ValueError as exc:
        raise ServiceError(_("page_size 应为整数。"), code="bad_page_size") from exc
    rows, after = selectors.request_list(
        selectors.RequestQuery(
            ids=_csv(request.GET.get("service_request_id")),
            service_codes=_csv(request.GET.get("service_code")),
            start=request.GET.get("start_date", ""),
            end=request.GET.get("end_date", ""),
            statuses=_csv(request.GET.get("status")),
            jurisdiction=where,
            page_size=page_size,
            after=request.GET.get("page_after", ""),
        )
    )
    response = _answer([_request(a) for a in rows], fmt, root="service_requests")
    if after:
        query = request.GET.copy()
        query["page_after"] = after
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?{query.urlencode()}>; rel="next"'
    return response


def _post(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    key = services.authenticate(data.get("api_key") or request.headers.get("X-Api-Key"))
    if data.get("media_url"):
        raise ServiceError(
            _("不接受 media_url（平台不抓取外部链接），请以 media 文件字段上传照片。"), code="media_url_unsupported"
        )
    submitted = services.request_submit(
        key=key,
        service_code=data.get("service_code", ""),
        description=data.get("description", ""),
        address_id=data.get("address_id", ""),
        jurisdiction_id=data.get("jurisdiction_id", ""),
        address_string=data.get("address_string", ""),
        lat=data.get("lat", ""),
        long=data.get("long", ""),
        appeal_type=data.get("attribute[appeal_type]", ""),
        first_name=data.get("first_name", ""),
        last_name=data.get("last_name", ""),
        phone=data.get("phone", ""),
        media=request.FILES.getlist("media"),
        idempotency_key=request.headers.get("Idempotency-Key") or data.get("idempotency_key", ""),
    )
    body = [
        {
            "service_request_id": submitted.service_request_id,
            "service_notice": _("已受理。请凭诉求编号和提取码在 /appeals/track/ 查询办理进度。")
            + (_provisional_notice() if submitted.due_provisional else ""),
            "account_id": None,
            "pickup_code": submitted.pickup_code,
        }
    ]
    return _answer(body, fmt, root="service_requests", status=201)


@public
@require_http_methods(["GET"])
@georeport
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    where = selectors.jurisdiction(request.GET.get("jurisdiction_id"))
    return _answer([_request(selectors.request_get(request_id, within=where))], fmt, root="service_requests")


# ---- admin: API keys ------------------------------------------------------------------------------------------------


@allowed(policy, "manage_keys")
@require_http_methods(["GET", "POST"])
def keys(request: HttpRequest) -> HttpResponse:
    issued: str | None = None
    errors: dict[str, str] = {}
    message = ""
    values = {"client": "", "scope": "", "note": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        try:
            _key, issued = services.apikey_issue(actor=request.user, **values)
            values = {"client": "", "scope": "", "note": ""}
        except ServiceError as exc:
            message, errors = str(exc.message), {k: str(v) for k, v in exc.fields.items()}
    rows = policy.visible(request.user, "manage_keys", ApiKey.objects.select_related("issued_by"))[:200]
    return render(
        request,
        "open311/keys.html",
        {"rows": rows, "issued": issued, "errors": errors, "message": message, "values": values},
        status=400 if message else 200,
    )


@allowed(policy, "manage_keys")
@require_POST
def key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    services.apikey_revoke(actor=request.user, key=pk)
    return redirect("open311:keys")


@public
@require_http_methods(["GET"])
def discovery_root(request: HttpRequest) -> HttpResponse:
    """The endpoint's base URL: points at the discovery document."""
    return redirect("open311:discovery", fmt="json")
