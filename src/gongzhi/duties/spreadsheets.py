"""Excel import (all-or-nothing, into a draft version) and export of duty lists and evaluation results."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core.errors import ServiceError
from gongzhi.core.spreadsheets import Column, RowError, read_rows, workbook_bytes
from gongzhi.people.models import Unit

from . import services
from .models import Assessor, Category, DutyItem, DutyListVersion, EvaluationRound

CATEGORY_BY_LABEL = {str(c.label): c.value for c in Category} | {c.value: c.value for c in Category}
ASSESSOR_BY_LABEL = {str(a.label): a.value for a in Assessor} | {a.value: a.value for a in Assessor}


def _category(text: str) -> str:
    try:
        return CATEGORY_BY_LABEL[text.strip()]
    except KeyError:
        raise ValueError(_("类别应为：%(c)s") % {"c": "、".join(str(c.label) for c in Category)}) from None


def _assessor(text: str) -> str:
    try:
        return ASSESSOR_BY_LABEL[text.strip()]
    except KeyError:
        raise ValueError(_("考核方式应为街道统一考核、街道牵头部门参与或不考核")) from None


def _money(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("应为数字")) from None
    if value < 0:
        raise ValueError(_("不能为负数"))
    return value


COLUMNS = (
    Column("category", "类别", ("category",), parse=_category, max_length=20),
    Column("code", "事项编码", ("code",), max_length=32),
    Column("name", "事项名称", ("name",), max_length=120),
    Column("legal_basis", "设定依据", ("legal_basis", "basis"), required=False, max_length=300),
    Column("department_name", "主管部门", ("department",), required=False, max_length=80),
    Column("community_role", "社区的具体职责或协助内容", ("community_role",), required=False, max_length=2000),
    Column("frequency", "工作方式和频次", ("frequency",), required=False, max_length=120),
    Column("ledgers", "需要的台账", ("ledgers",), required=False, max_length=300),
    Column("funds_yuan", "经费（元/年）", ("funds_yuan", "funds"), required=False, parse=_money),
    Column("funds_source", "经费来源和拨付方式", ("funds_source",), required=False),
    Column("staff", "人员", ("staff",), required=False),
    Column("training", "培训", ("training",), required=False),
    Column("equipment", "设备", ("equipment",), required=False),
    Column("information_systems", "信息系统", ("information_systems",), required=False),
    Column("assessor", "考核方式", ("assessor",), required=False, parse=_assessor, max_length=30),
)


@dataclass
class ImportResult:
    created: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)


def items_import(*, actor: Any, version: DutyListVersion, upload: IO[bytes]) -> ImportResult:
    """Every row is checked by the same service that adds items by hand; nothing is written unless all pass."""
    result = ImportResult()
    rows = []
    for row in read_rows(upload, COLUMNS, max_rows=settings.GONGZHI_IMPORT_MAX_ROWS):
        result.rows += 1
        result.errors.extend(row.errors)
        rows.append(row)
    if result.rows == 0:
        raise ServiceError(_("文件中没有数据行。"), code="empty_file")
    if result.errors:
        return result
    departments = {u.name: u for u in Unit.objects.filter(kind=Unit.Kind.DEPARTMENT, scope_path=version.scope_path)}
    try:
        with transaction.atomic():
            for row in rows:
                values = {k: v for k, v in row.values.items() if v is not None}
                department = departments.get(values.get("department_name", ""))
                if department is not None:
                    values["department"] = department
                try:
                    services.list_item_add(actor=actor, version=version, **values)
                except ServiceError as exc:
                    detail = "；".join(f"{k}: {v}" for k, v in exc.fields.items()) or str(exc.message)
                    result.errors.append(RowError(row.row, _("事项"), detail))
                    raise
                result.created += 1
    except ServiceError:
        result.created = 0
    return result


def items_export(*, version: DutyListVersion) -> bytes:
    def rows() -> Iterator[list[Any]]:
        for item in version.items.select_related("department").order_by("category", "code"):
            yield _item_row(item)

    return workbook_bytes([c.header for c in COLUMNS], rows(), title=_("权责清单"))


def _item_row(item: DutyItem) -> list[Any]:
    return [
        item.get_category_display(),
        item.code,
        item.name,
        item.legal_basis,
        item.department.name if item.department else item.department_name,
        item.community_role,
        item.frequency,
        item.ledgers,
        item.funds_yuan,
        item.funds_source,
        item.staff,
        item.training,
        item.equipment,
        item.information_systems,
        item.get_assessor_display(),
    ]


def results_export(*, round: EvaluationRound) -> bytes:
    from .selectors import evaluation_compute

    indicators = list(round.indicators.all())
    headers = [_("名次"), _("部门")] + [f"{i.name}（{i.weight}%）" for i in indicators] + [_("综合得分")]
    published = round.status == EvaluationRound.Status.PUBLISHED

    def rows() -> Iterator[list[Any]]:
        if published:
            for result in round.results.select_related("department"):
                yield (
                    [result.rank or "—", result.department.name]
                    + [result.scores.get(i.key) or "—" for i in indicators]
                    + [result.total if result.total is not None else _("数据不全")]
                )
        else:
            for row in evaluation_compute(round=round):
                yield (
                    [row.rank or "—", row.department.name]
                    + [row.scores.get(i.key) if row.scores.get(i.key) is not None else "—" for i in indicators]
                    + [row.total if row.total is not None else _("数据不全")]
                )

    return workbook_bytes(headers, rows(), title=_("评价结果"))
