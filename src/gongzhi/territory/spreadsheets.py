"""Excel import (a `gongzhi.jobs` importer: progress, all-or-nothing or skip-bad-rows, error report) and export of
the administrative tree."""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core.actors import is_system
from gongzhi.core.errors import ServiceError
from gongzhi.core.spreadsheets import Column, ParsedRow, RowError, workbook_bytes
from gongzhi.jobs.registry import BatchResult, Importer

from . import codes, services
from .models import Division, Kind
from .permissions import policy
from .selectors import division_list


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(_("应为整数")) from None
    if value < 0:
        raise ValueError(_("不能为负数"))
    return value


def _area(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("应为数字")) from None
    if value < 0 or value >= Decimal("10000000"):
        raise ValueError(_("面积超出范围"))
    return value.quantize(Decimal("0.001"))


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(_("日期格式应为 YYYY-MM-DD")) from None


COLUMNS = (
    Column("code", "区划代码", ("code",), max_length=15),
    Column("name", "名称", ("name",), max_length=60),
    Column("kind", "类型", ("kind",), max_length=20, parse=codes.parse_kind),
    Column("parent_code", "上级代码", ("parent_code", "parent"), max_length=15),
    Column("population", "常住人口", ("population",), required=False, parse=_non_negative_int),
    Column("households", "户数", ("households",), required=False, parse=_non_negative_int),
    Column("area_km2", "面积（平方公里）", ("area_km2", "area"), required=False, parse=_area),
    Column("effective_from", "生效日期", ("effective_from",), required=False, parse=_date),
    Column("document", "文件依据", ("document",), required=False, max_length=120),
)


def _authorize(actor: Any) -> None:
    if not is_system(actor):
        policy.require(actor, "import")


def _apply_batch(job: Any, actor: Any, rows: list[ParsedRow]) -> BatchResult:
    """Designate each row through the service. Rows are applied in file order, so a parent created by an earlier
    row (in this batch or a previous one, inside the same job) is found like any other; the jobs runner keeps or
    rolls back the whole file according to the chosen mode."""
    result = BatchResult()
    for row in rows:
        error = row.errors[0] if row.errors else _designate_row(actor, row)
        if row.errors:
            result.errors.extend(row.errors)
        elif error is not None:
            result.errors.append(error)
        else:
            result.created += 1
    return result


def _designate_row(actor: Any, row: ParsedRow) -> RowError | None:
    v = row.values
    parent = Division.objects.filter(code__in=_parent_candidates(v["parent_code"])).first()
    if parent is None:
        return RowError(row.row, _("上级代码"), _("找不到上级区划 %(code)s") % {"code": v["parent_code"]})
    if not is_system(actor) and not policy.can(actor, "manage_divisions", parent):
        return RowError(row.row, _("上级代码"), _("上级 %(code)s 不在您的管理范围内") % {"code": v["parent_code"]})
    try:
        with transaction.atomic():
            services.division_designate(
                actor=actor,
                parent=parent,
                code=v["code"],
                name=v["name"],
                kind=v["kind"],
                population=v["population"],
                households=v["households"],
                area_km2=v["area_km2"],
                effective_on=v["effective_from"],
                document=v["document"] or "",
            )
    except ServiceError as exc:
        column = _("类型") if "kind" in exc.fields else _("上级代码") if "parent" in exc.fields else _("区划代码")
        return RowError(row.row, column, str(exc.message))
    return None


IMPORTER = Importer(
    key="territory.divisions",
    title="行政区划",
    columns=COLUMNS,
    authorize=_authorize,
    apply_batch=_apply_batch,
    batch_size=500,
    max_rows=50_000,
)


def _parent_candidates(text: str) -> list[str]:
    text = text.strip()
    if not text.isdigit():
        return []
    if len(text) in (12, 15):
        return [text]
    return [text + "0" * (12 - len(text))] if len(text) < 12 else []


def divisions_export_rows(*, viewer: Any, under: str | None = None) -> Iterator[list[Any]]:
    qs = division_list(viewer=viewer, under=under, include_inactive=True).select_related(None)
    parents = {}
    for division in qs.values(
        "id",
        "code",
        "name",
        "kind",
        "parent_id",
        "population",
        "households",
        "area_km2",
        "effective_from",
        "is_active",
    ).iterator(chunk_size=2000):
        parents[division["id"]] = division["code"]
        yield [
            division["code"],
            division["name"],
            str(Kind(division["kind"]).label),
            parents.get(division["parent_id"]) or _parent_code(division["parent_id"]),
            division["population"],
            division["households"],
            float(division["area_km2"]) if division["area_km2"] is not None else None,
            division["effective_from"].isoformat() if division["effective_from"] else None,
            _("有效") if division["is_active"] else _("已撤并"),
        ]


def _parent_code(parent_id: int | None) -> str:
    if parent_id is None:
        return ""
    return Division.objects.filter(pk=parent_id).values_list("code", flat=True).first() or ""


def divisions_export(*, viewer: Any, under: str | None = None) -> bytes:
    headers = [c.header for c in COLUMNS[:8]] + [_("状态")]
    return workbook_bytes(headers, divisions_export_rows(viewer=viewer, under=under), title=_("行政区划"))
