"""Territory API: the tree inside the caller's scope, node details with history, designation of children."""

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from gongzhi.core.api import Page, paginate

from . import selectors, services
from .models import Kind, Level

router = Router(tags=["territory 区划"])


class DivisionOut(Schema):
    code: str
    name: str
    level: Level
    kind: Kind
    parent_code: str | None = Field(None, alias="parent.code")
    population: int | None
    households: int | None
    area_km2: Decimal | None
    effective_from: date | None
    effective_to: date | None
    is_active: bool


class DesignationOut(Schema):
    action: str
    effective_on: date
    document: str
    reason: str
    population: int | None
    households: int | None
    area_km2: Decimal | None


class DivisionDetailOut(DivisionOut):
    designations: list[DesignationOut]


class DivisionFilters(Schema):
    level: Level | None = None
    parent: str | None = Field(None, max_length=15, pattern=r"^\d{4,15}$")
    under: str | None = Field(None, max_length=15, pattern=r"^\d{4,15}$", description="subtree by path/code prefix")
    q: str | None = Field(None, max_length=60)
    include_inactive: bool = False


class DesignateIn(Schema):
    code: str = Field(..., min_length=4, max_length=15, pattern=r"^\d+$")
    name: str = Field(..., min_length=1, max_length=60)
    kind: Kind
    effective_on: date | None = None
    population: int | None = Field(None, ge=0, le=10_000_000)
    households: int | None = Field(None, ge=0, le=5_000_000)
    area_km2: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=3)
    document: str = Field("", max_length=120)
    reason: str = Field("", max_length=2000)
    capacity_note: str = Field("", max_length=500)


@router.get("/divisions", response=Page[DivisionOut], summary="List divisions in scope 列出辖区内区划")
def list_divisions(
    request: HttpRequest, filters: Query[DivisionFilters], limit: int = 50, offset: int = 0
) -> dict[str, object]:
    qs = selectors.division_list(
        viewer=request.user,
        level=filters.level,
        parent_code=filters.parent,
        under=filters.under,
        search=filters.q,
        include_inactive=filters.include_inactive,
    )
    return paginate(qs, limit=limit, offset=offset)


@router.get("/divisions/{code}", response=DivisionDetailOut, summary="One division with its designation history")
def get_division(request: HttpRequest, code: str) -> dict[str, object]:
    division = selectors.division_get(viewer=request.user, code=code)
    return {
        **DivisionOut.from_orm(division).dict(),
        "designations": [DesignationOut.from_orm(d).dict() for d in division.designations.all()[:100]],
    }


@router.post("/divisions/{code}/children", response={201: DivisionOut}, summary="Designate a child 划定下级")
def designate_child(request: HttpRequest, code: str, payload: DesignateIn) -> tuple[int, object]:
    parent = selectors.division_get(viewer=request.user, code=code)
    division = services.division_designate(actor=request.user, parent=parent, **payload.dict())
    return 201, division
