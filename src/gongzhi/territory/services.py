"""Writes to the administrative tree: designation, adjustment and merger (R3.2), complexes and buildings."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.actors import is_system
from gongzhi.core.errors import Conflict, ServiceError
from gongzhi.core.tasks import enqueue_on_commit

from . import codes, events
from .models import CHILD_LEVEL, Building, Designation, Division, Kind, Level, ResidentialComplex
from .permissions import policy


def _authorize(actor: Any, action: str, node: Division | None) -> None:
    if is_system(actor):
        return
    if node is None:
        raise ServiceError(_("只有系统可以创建根节点。"), code="forbidden", status=403)
    policy.require(actor, action, node, view_action="view")


@transaction.atomic
def division_designate(
    *,
    actor: Any,
    parent: Division | None,
    code: str,
    name: str,
    kind: str,
    effective_on: date | None = None,
    population: int | None = None,
    households: int | None = None,
    area_km2: Decimal | None = None,
    document: str = "",
    reason: str = "",
    capacity_note: str = "",
    defer_rollup: bool = False,
) -> Division:
    """划定: create a node under `parent` with its designation record (R3.2).

    `defer_rollup` skips the parent's figure roll-up task, for bulk loads that roll up once at the end.
    """
    _authorize(actor, "manage_divisions", parent)
    try:
        level = codes.level_for_kind(kind)
        normalized = codes.normalize(code, level)
    except ValueError as exc:
        raise ServiceError(str(exc), fields={"code": str(exc)}) from exc
    if parent is None and level != Level.CITY:
        raise ServiceError(_("只有市级节点可以没有上级。"), fields={"parent": _("请选择上级区划")})
    if parent is not None:
        if not parent.is_active:
            raise ServiceError(_("上级区划已撤并，不能在其下划定。"), fields={"parent": _("上级区划已失效")})
        if CHILD_LEVEL.get(Level(parent.level)) != level:
            raise ServiceError(
                _("%(kind)s不能直接设在%(parent)s之下。") % {"kind": Kind(kind).label, "parent": parent.name},
                fields={"kind": _("层级不符")},
            )
        if not normalized.startswith(parent.path):
            raise ServiceError(
                _("代码 %(code)s 不在上级 %(parent)s（%(pcode)s）之下。")
                % {"code": normalized, "parent": parent.name, "pcode": parent.code},
                fields={"code": _("代码前缀与上级不符")},
            )
    if level == Level.GRID and codes.grid_kind_for(normalized) != kind:
        raise ServiceError(
            _("网格顺序码 001–899 为综合网格，9xx 为专属网格。"), fields={"kind": _("网格类型与编码不符")}
        )
    division = Division(
        code=normalized,
        path=codes.path_of(normalized, level),
        name=name.strip(),
        level=level,
        kind=kind,
        parent=parent,
        population=population,
        households=households,
        area_km2=area_km2,
        effective_from=effective_on or timezone.localdate(),
    )
    try:
        division.full_clean()
    except ValidationError as exc:
        if "code" in exc.message_dict or "path" in exc.message_dict:
            raise Conflict(
                _("区划代码 %(code)s 已存在。") % {"code": normalized}, fields={"code": _("已存在")}
            ) from exc
        raise ServiceError.from_validation(exc) from exc
    try:
        with transaction.atomic():
            division.save()
    except IntegrityError as exc:
        raise Conflict(_("区划代码 %(code)s 已存在。") % {"code": normalized}, fields={"code": _("已存在")}) from exc
    designation = Designation.objects.create(
        division=division,
        scope_path=division.path,
        action=Designation.Action.DESIGNATE,
        effective_on=division.effective_from or timezone.localdate(),
        document=document,
        reason=reason,
        population=population,
        households=households,
        area_km2=area_km2,
        capacity_note=capacity_note,
        recorded_by=None if is_system(actor) else actor,
    )
    events.division_designated(actor=actor, designation=designation)
    if parent is not None and not defer_rollup:
        from .tasks import division_rollup

        enqueue_on_commit(division_rollup, parent.pk)
    return division


@transaction.atomic
def division_adjust(
    *,
    actor: Any,
    division: Division,
    effective_on: date,
    name: str | None = None,
    population: int | None = None,
    households: int | None = None,
    area_km2: Decimal | None = None,
    document: str = "",
    reason: str = "",
    capacity_note: str = "",
) -> Designation:
    """调整 or 更名: change a node's name or basis figures, keeping the previous values in the record."""
    _authorize(actor, "manage_divisions", division)
    division = Division.objects.select_for_update(of=("self",)).select_related("parent").get(pk=division.pk)
    if not division.is_active:
        raise Conflict(_("该区划已撤并，不能再调整。"))
    before = events.division_snapshot(division)
    renamed = name is not None and name.strip() and name.strip() != division.name
    if renamed and name is not None:
        division.name = name.strip()
    for field, value in (("population", population), ("households", households), ("area_km2", area_km2)):
        if value is not None:
            setattr(division, field, value)
    try:
        division.full_clean()
    except ValidationError as exc:
        raise ServiceError.from_validation(exc) from exc
    division.save()
    designation = Designation.objects.create(
        division=division,
        scope_path=division.path,
        action=Designation.Action.RENAME if renamed else Designation.Action.ADJUST,
        effective_on=effective_on,
        document=document,
        reason=reason,
        population=division.population,
        households=division.households,
        area_km2=division.area_km2,
        capacity_note=capacity_note,
        previous=before,
        recorded_by=None if is_system(actor) else actor,
    )
    events.division_adjusted(actor=actor, designation=designation, before=before)
    if division.parent_id is not None:
        from .tasks import division_rollup

        enqueue_on_commit(division_rollup, division.parent_id)
    return designation


@transaction.atomic
def division_merge(
    *, actor: Any, division: Division, into: Division, effective_on: date, document: str, reason: str = ""
) -> Designation:
    """撤并: retire `division` into a sibling; records keep their history under the old code."""
    _authorize(actor, "manage_divisions", division)
    _authorize(actor, "manage_divisions", into)
    division = Division.objects.select_for_update().get(pk=division.pk)
    if not division.is_active:
        raise Conflict(_("该区划已撤并。"))
    if into.pk == division.pk or into.level != division.level or into.parent_id != division.parent_id:
        raise ServiceError(_("只能并入同一上级下的同级区划。"), fields={"into": _("请选择同级区划")})
    if division.children.filter(is_active=True).exists():
        raise ServiceError(
            _("请先调整或撤并“%(name)s”下的有效下级区划（如网格），再撤并它。") % {"name": division.name},
            code="has_children",
        )
    if not document.strip():
        raise ServiceError(_("撤并需要填写文件依据（文号）。"), fields={"document": _("必填")})
    before = events.division_snapshot(division)
    division.is_active = False
    division.effective_to = effective_on
    division.save(update_fields=["is_active", "effective_to"])
    designation = Designation.objects.create(
        division=division,
        scope_path=division.path,
        action=Designation.Action.MERGE,
        effective_on=effective_on,
        document=document,
        reason=reason,
        population=division.population,
        households=division.households,
        area_km2=division.area_km2,
        merged_into=into,
        previous=before,
        recorded_by=None if is_system(actor) else actor,
    )
    events.division_adjusted(actor=actor, designation=designation, before=before)
    return designation


def division_rollup_figures(*, division_id: int) -> None:
    """Street, county and city figures are the sum of their active children's (idempotent; runs as a task).

    Area is summed only where children carry one; a node keeps its own area when none of its children do.
    """
    from django.db.models import Sum

    with transaction.atomic():
        division = Division.objects.select_for_update().filter(pk=division_id).first()
        if division is None or division.level in (Level.COMMUNITY, Level.GRID):
            return
        totals = division.children.filter(is_active=True).aggregate(
            p=Sum("population"), h=Sum("households"), a=Sum("area_km2")
        )
        figures = (totals["p"], totals["h"], totals["a"] if totals["a"] is not None else division.area_km2)
        changed = (division.population, division.households, division.area_km2) != figures
        if changed:
            division.population, division.households, division.area_km2 = figures
            division.save(update_fields=["population", "households", "area_km2"])
        parent_id = division.parent_id
    if changed and parent_id is not None:
        division_rollup_figures(division_id=parent_id)


@transaction.atomic
def complex_create(
    *,
    actor: Any,
    division: Division,
    name: str,
    address: str = "",
    households: int | None = None,
    built_year: int | None = None,
    has_property_service: bool = True,
) -> ResidentialComplex:
    """小区 under a community (or one of its grids)."""
    _authorize(actor, "manage_complexes", division)
    if division.level not in (Level.COMMUNITY, Level.GRID):
        raise ServiceError(_("小区只能登记在社区/行政村或网格之下。"), fields={"division": _("请选择社区或网格")})
    community_code = division.code[:12]
    sequence = ResidentialComplex.objects.filter(code__startswith=community_code + "X").count() + 1
    complex = ResidentialComplex(
        code=f"{community_code}X{sequence:03d}",
        name=name.strip(),
        division=division,
        scope_path=division.path,
        address=address,
        households=households,
        built_year=built_year,
        has_property_service=has_property_service,
    )
    try:
        complex.full_clean()
    except ValidationError as exc:
        raise ServiceError.from_validation(exc) from exc
    complex.save()
    events.complex_created(actor=actor, complex=complex)
    return complex


@transaction.atomic
def building_create(
    *,
    actor: Any,
    complex: ResidentialComplex,
    number: str,
    units: int = 1,
    floors: int = 6,
    households: int | None = None,
) -> Building:
    _authorize(actor, "manage_complexes", complex.division)
    building = Building(
        complex=complex,
        scope_path=complex.scope_path,
        number=number.strip(),
        units=units,
        floors=floors,
        households=households,
    )
    try:
        building.full_clean()
    except ValidationError as exc:
        raise ServiceError.from_validation(exc) from exc
    building.save()
    events.building_created(actor=actor, building=building)
    return building
