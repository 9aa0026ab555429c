"""12345 ticket import and category-catalog import, both on the shared `gongzhi.jobs` mechanism (progress,
all-or-nothing or skip-bad-rows, row-level error report). Tickets are idempotent on the 12345 ticket number: a
re-imported file creates nothing twice. JSON files are converted to CSV at upload (`json_to_csv`) and then run the same
importer."""

import json
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.actors import is_system
from gongzhi.core.errors import Forbidden, ServiceError
from gongzhi.core.spreadsheets import Column, ParsedRow, RowError, csv_bytes
from gongzhi.jobs.registry import BatchResult, Importer

from . import services
from .models import Appeal, AppealType, Channel
from .permissions import policy

TYPE_BY_LABEL = {str(label): value for value, label in AppealType.choices} | {v: v for v in AppealType.values}


def _type(text: str) -> str:
    value = TYPE_BY_LABEL.get(text.strip())
    if value is None:
        raise ValueError(_("诉求类型应为 咨询/求助/投诉/举报/意见建议/表扬/其他"))
    return value


def _moment(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise ValueError(_("时间格式应为 YYYY-MM-DD HH:MM")) from None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


HOTLINE_COLUMNS = (
    Column("ticket", "工单号", ("ticket", "ticket_no", "12345工单号"), max_length=40),
    Column("appeal_type", "诉求类型", ("type", "appeal_type"), max_length=12, parse=_type),
    Column("category", "分类编码", ("category", "category_code"), max_length=32),
    Column("place", "地点代码", ("place", "division_code"), max_length=15),
    Column("text", "诉求内容", ("text", "content"), max_length=5000),
    Column("accepted_at", "受理时间", ("accepted_at",), required=False, max_length=30, parse=_moment),
    Column("contact_name", "联系人", ("contact_name",), required=False, max_length=40),
    Column("contact_mobile", "联系电话", ("contact_mobile", "mobile"), required=False, max_length=20),
    Column("address", "详细位置", ("address",), required=False, max_length=120),
)


def _authorize(actor: Any) -> None:
    if not is_system(actor) and not policy.allows(actor, "import"):
        raise Forbidden(_("您没有执行此操作的权限。"))


def _scope(actor: Any) -> str:
    roots = policy.roots(actor, "import")
    return min(roots, key=len) if roots else ""


def _apply_hotline(job: Any, actor: Any, rows: list[ParsedRow]) -> BatchResult:
    result = BatchResult()
    roots = None if is_system(actor) else policy.roots(actor, "import")
    for row in rows:
        if row.errors:
            result.errors.extend(row.errors)
            continue
        v = row.values
        place = str(v["place"]).strip()
        if roots is not None and not any(place.startswith(r) for r in roots):
            result.errors.append(RowError(row.row, _("地点代码"), _("地点不在您的管理范围内")))
            continue
        if Appeal.objects.filter(external_ref=v["ticket"]).exists():
            result.updated += 1  # already imported: idempotent on the ticket number
            continue
        try:
            with transaction.atomic():
                services.appeal_submit(
                    actor=actor,
                    channel=Channel.HOTLINE_12345,
                    appeal_type=v["appeal_type"],
                    category=v["category"],
                    place=place,
                    text=v["text"],
                    contact=services.Contact(v.get("contact_name") or "", v.get("contact_mobile") or ""),
                    address=v.get("address") or "",
                    external_ref=v["ticket"],
                    now=v.get("accepted_at"),
                )
        except ServiceError as exc:
            field = next(iter(exc.fields), "")
            column = {
                "category": _("分类编码"),
                "place": _("地点代码"),
                "text": _("诉求内容"),
                "contact_mobile": _("联系电话"),
            }.get(field, _("工单号"))
            result.errors.append(RowError(row.row, column, str(exc.message)))
            continue
        result.created += 1
    return result


def _finish(job: Any, actor: Any) -> None:
    from . import events

    events.import_finished(actor=actor, job=job)


HOTLINE_IMPORTER = Importer(
    key="appeals.hotline",
    title="12345 工单",
    columns=HOTLINE_COLUMNS,
    authorize=_authorize,
    apply_batch=_apply_hotline,
    scope_path=_scope,
    batch_size=200,
    max_rows=200_000,
    finish=_finish,
)


CATEGORY_COLUMNS = (
    Column("code", "分类编码", ("code",), max_length=32),
    Column("name", "分类名称", ("name",), max_length=60),
    Column("parent_code", "上级编码", ("parent_code", "parent"), required=False, max_length=32),
)


def _authorize_catalog(actor: Any) -> None:
    if not is_system(actor) and not policy.allows(actor, "manage_catalog"):
        raise Forbidden(_("您没有执行此操作的权限。"))


def _apply_categories(job: Any, actor: Any, rows: list[ParsedRow]) -> BatchResult:
    result = BatchResult()
    for row in rows:
        if row.errors:
            result.errors.extend(row.errors)
            continue
        try:
            with transaction.atomic():
                services.category_save(
                    actor=actor,
                    code=row.values["code"],
                    name=row.values["name"],
                    parent_code=row.values.get("parent_code") or "",
                )
        except ServiceError as exc:
            result.errors.append(RowError(row.row, _("分类编码"), str(exc.message)))
            continue
        result.created += 1
    return result


CATEGORY_IMPORTER = Importer(
    key="appeals.categories",
    title="诉求分类目录",
    columns=CATEGORY_COLUMNS,
    authorize=_authorize_catalog,
    apply_batch=_apply_categories,
    batch_size=500,
    max_rows=10_000,
)


def json_to_csv(data: bytes) -> bytes:
    """A 12345 export in JSON (a list of objects, or {"tickets": [...]}) as CSV with the importer's own headers."""
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ServiceError(_("JSON 文件格式不正确。"), fields={"file": _("无法解析")}) from exc
    items = parsed.get("tickets") if isinstance(parsed, dict) else parsed
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ServiceError(_("JSON 应为工单对象的数组。"), fields={"file": _("格式不正确")})
    keys = [c.key for c in HOTLINE_COLUMNS]
    return csv_bytes(keys, ([str(item.get(k, "") or "") for k in keys] for item in items))
