"""Residents API: masked lists and records in the caller's scope, lookup by ID number (in the body, never the URL),
and reveal with a stated purpose."""

from datetime import date
from typing import Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from gongzhi.core.api import Page, paginate

from . import selectors, services
from .models import ResidenceStatus, SpecialGroup

router = Router(tags=["residents 居民"])


class ResidentOut(Schema):
    public_id: UUID
    name: str
    id_masked: str
    phone_masked: str
    birth_date: date
    sex: str
    residence_status: ResidenceStatus
    relation: str
    scope_path: str
    household_no: str | None = Field(None, alias="household.household_no")


class ResidentFilters(Schema):
    under: str | None = Field(None, max_length=15, pattern=r"^\d{4,15}$")
    complex: str | None = Field(None, max_length=20)
    group: SpecialGroup | None = None
    q: str | None = Field(None, max_length=40)


class LookupIn(Schema):
    id_number: str = Field(..., min_length=18, max_length=18)


class RevealIn(Schema):
    field: Literal["id_number", "phone", "address", "groups"]
    purpose: str = Field(..., min_length=1, max_length=200)


class RevealOut(Schema):
    field: str
    value: str


@router.get("/residents", response=Page[ResidentOut], summary="Residents in scope (masked) 辖区居民")
def list_residents(
    request: HttpRequest, filters: Query[ResidentFilters], limit: int = 50, offset: int = 0
) -> dict[str, object]:
    qs = selectors.resident_list(
        viewer=request.user, under=filters.under, complex_code=filters.complex, group=filters.group, search=filters.q
    )
    return paginate(qs, limit=limit, offset=offset)


@router.get("/residents/{public_id}", response=ResidentOut, summary="One resident (masked)")
def get_resident(request: HttpRequest, public_id: str) -> object:
    return selectors.resident_get(viewer=request.user, public_id=public_id)


@router.post("/lookup", response=ResidentOut, summary="Exact lookup by ID number 按身份证号查找")
def lookup(request: HttpRequest, payload: LookupIn) -> object:
    return selectors.resident_by_id_number(viewer=request.user, id_number=payload.id_number)


@router.post("/residents/{public_id}/reveal", response=RevealOut, summary="Reveal one field, logged 查看明文")
def reveal(request: HttpRequest, public_id: str, payload: RevealIn, response: HttpResponse) -> dict[str, str]:
    resident = selectors.resident_get(viewer=request.user, public_id=public_id)
    value = services.reveal(actor=request.user, resident=resident, field=payload.field, purpose=payload.purpose)
    response["X-Gongzhi-Disclosure"] = "reveal"
    response["Cache-Control"] = "no-store"
    return {"field": payload.field, "value": value}
