"""Shared API pieces: limit/offset pages without COUNT(*) (cheap at millions of rows) and one error shape."""

from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from .errors import ServiceError

T = TypeVar("T")
MAX_LIMIT = 200
MAX_OFFSET = 100_000


class Page(Schema, Generic[T]):
    items: list[T]
    limit: int
    offset: int
    next_offset: int | None


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str]


def paginate(queryset: QuerySet[Any], *, limit: int, offset: int) -> dict[str, Any]:
    if not 1 <= limit <= MAX_LIMIT:
        raise ServiceError(_("limit 应在 1 到 %(n)s 之间。") % {"n": MAX_LIMIT}, fields={"limit": _("超出范围")})
    if not 0 <= offset <= MAX_OFFSET:
        raise ServiceError(
            _("offset 应在 0 到 %(n)s 之间；请用筛选条件缩小范围。") % {"n": MAX_OFFSET},
            fields={"offset": _("超出范围")},
        )
    rows = list(queryset[offset : offset + limit + 1])
    has_more = len(rows) > limit
    return {
        "items": rows[:limit],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if has_more else None,
    }


def _location(loc: Any) -> str:
    parts = [str(p) for p in (loc or []) if p not in ("body", "query", "path", "payload", "filters")]
    return ".".join(parts) or "request"


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, code: str, message: str, fields: dict[str, str]) -> HttpResponse:
        return api.create_response(request, {"code": code, "message": message, "fields": fields}, status=status)

    @api.exception_handler(ServiceError)
    def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        body = exc.as_dict()
        return respond(request, exc.status, body["code"], body["message"], body["fields"])

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, str] = {}
        for error in exc.errors:
            fields.setdefault(_location(error.get("loc")), _field_message(error))
        return respond(request, 422, "invalid", _("请求参数有误，请检查标出的字段。"), fields)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(request, 401, "unauthenticated", _("请先登录或提供有效的访问令牌。"), {})

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, "not_found", _("未找到该记录，或您无权查看。"), {})

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, "forbidden", _("您没有执行此操作的权限。"), {})

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, exc.status_code, "http_error", str(exc), {})


def _field_message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    messages = {
        "missing": _("必填"),
        "string_too_long": _("超过 %(n)s 个字符") % {"n": ctx.get("max_length", "")},
        "string_too_short": _("至少 %(n)s 个字符") % {"n": ctx.get("min_length", "")},
        "string_pattern_mismatch": _("格式不正确"),
        "int_parsing": _("应为整数"),
        "int_type": _("应为整数"),
        "decimal_parsing": _("应为数字"),
        "date_from_datetime_parsing": _("日期格式应为 YYYY-MM-DD"),
        "date_parsing": _("日期格式应为 YYYY-MM-DD"),
        "enum": _("取值不在允许范围内"),
        "literal_error": _("取值不在允许范围内"),
        "greater_than_equal": _("不能小于 %(n)s") % {"n": ctx.get("ge", "")},
        "less_than_equal": _("不能大于 %(n)s") % {"n": ctx.get("le", "")},
        "json_invalid": _("JSON 格式不正确"),
        "bool_parsing": _("应为 true 或 false"),
    }
    return messages.get(kind, _("取值无效"))
