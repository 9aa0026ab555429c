"""Excel import and export of the administrative tree, with row-level error reports (all-or-nothing)."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core.actors import is_system
from gongzhi.core.errors import ServiceError
from gongzhi.core.spreadsheets import Column, RowError, read_rows, workbook_bytes

from . import codes, services
from .models import CHILD_LEVEL, Division, Kind, Level
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


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0


def divisions_import(*, actor: Any, upload: IO[bytes]) -> ImportResult:
    """Check every row first; write all of them in one transaction only when none has an error."""
    result = ImportResult()
    planned: dict[str, tuple[str, str]] = {}  # code -> (level, path) of rows earlier in the file
    rows = []
    for row in read_rows(upload, COLUMNS, max_rows=settings.GONGZHI_IMPORT_MAX_ROWS):
        result.rows += 1
        if not row.errors:
            _check_row(actor, row.row, row.values, planned, row.errors)
        result.errors.extend(row.errors)
        rows.append(row)
    if result.rows == 0:
        raise ServiceError(_("文件中没有数据行。"), code="empty_file")
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for row in rows:
                v = row.values
                parent = Division.objects.get(code=v["parent_code"])
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
                result.created += 1
    except ServiceError as exc:
        # A row that passed the checks can still lose a race (a code taken meanwhile); nothing was written.
        failed_row = rows[result.created].row
        result.created = 0
        result.errors.append(RowError(failed_row, _("区划代码"), str(exc.message)))
    return result


def _check_row(
    actor: Any, number: int, v: dict[str, Any], planned: dict[str, tuple[str, str]], errors: list[RowError]
) -> None:
    level = codes.level_for_kind(v["kind"])
    try:
        code = codes.normalize(v["code"], level)
    except ValueError as exc:
        errors.append(RowError(number, _("区划代码"), str(exc)))
        return
    if code in planned or Division.objects.filter(code=code).exists():
        errors.append(RowError(number, _("区划代码"), _("代码 %(code)s 重复或已存在") % {"code": code}))
        return
    parent_text = v["parent_code"]
    parent = Division.objects.filter(code__in=_parent_candidates(parent_text)).first()
    if parent is not None:
        parent_level, parent_path = parent.level, parent.path
        if not is_system(actor) and not policy.can(actor, "manage_divisions", parent):
            errors.append(
                RowError(number, _("上级代码"), _("上级 %(code)s 不在您的管理范围内") % {"code": parent_text})
            )
            return
        v["parent_code"] = parent.code
    else:
        # A parent created by an earlier row of the same file; it was checked (scope included) on its own row.
        found = next((c for c in _parent_candidates(parent_text) if c in planned), None)
        if found is None:
            errors.append(RowError(number, _("上级代码"), _("找不到上级区划 %(code)s") % {"code": parent_text}))
            return
        parent_level, parent_path = planned[found]
        v["parent_code"] = found
    if CHILD_LEVEL.get(Level(parent_level)) != level:
        errors.append(RowError(number, _("类型"), _("该类型不能直接设在上级区划之下")))
        return
    if not code.startswith(parent_path):
        errors.append(RowError(number, _("区划代码"), _("代码前缀与上级代码不符")))
        return
    if level == Level.GRID and codes.grid_kind_for(code) != v["kind"]:
        errors.append(RowError(number, _("类型"), _("网格顺序码 001–899 为综合网格，9xx 为专属网格")))
        return
    planned[code] = (level, codes.path_of(code, level))


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
