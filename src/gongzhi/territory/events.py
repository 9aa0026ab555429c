"""Audit event types of the territory domain (one function per event, Saleor-style)."""

from typing import Any

from gongzhi.ledger.services import record_event

from .models import Building, Designation, Division, ResidentialComplex

DIVISION_DESIGNATED = "territory.division_designated"
DIVISION_ADJUSTED = "territory.division_adjusted"
DIVISION_MERGED = "territory.division_merged"
COMPLEX_CREATED = "territory.complex_created"
BUILDING_CREATED = "territory.building_created"
EVENT_TYPES = (DIVISION_DESIGNATED, DIVISION_ADJUSTED, DIVISION_MERGED, COMPLEX_CREATED, BUILDING_CREATED)


def division_snapshot(division: Division) -> dict[str, Any]:
    return {
        "code": division.code,
        "name": division.name,
        "level": division.level,
        "kind": division.kind,
        "parent": division.parent.code if division.parent else None,
        "population": division.population,
        "households": division.households,
        "area_km2": str(division.area_km2) if division.area_km2 is not None else None,
        "is_active": division.is_active,
        "effective_from": division.effective_from.isoformat() if division.effective_from else None,
        "effective_to": division.effective_to.isoformat() if division.effective_to else None,
    }


def division_designated(*, actor: Any, designation: Designation) -> None:
    record_event(
        actor=actor,
        action=DIVISION_DESIGNATED,
        target=designation.division,
        scope_path=designation.scope_path,
        after=division_snapshot(designation.division) | {"document": designation.document},
    )


def division_adjusted(*, actor: Any, designation: Designation, before: dict[str, Any]) -> None:
    record_event(
        actor=actor,
        action=DIVISION_MERGED if designation.action == Designation.Action.MERGE else DIVISION_ADJUSTED,
        target=designation.division,
        scope_path=designation.scope_path,
        before=before,
        after=division_snapshot(designation.division) | {"document": designation.document},
    )


def complex_created(*, actor: Any, complex: ResidentialComplex) -> None:
    record_event(
        actor=actor,
        action=COMPLEX_CREATED,
        target=complex,
        scope_path=complex.scope_path,
        after={"code": complex.code, "name": complex.name, "division": complex.division.code},
    )


def building_created(*, actor: Any, building: Building) -> None:
    record_event(
        actor=actor,
        action=BUILDING_CREATED,
        target=building,
        scope_path=building.scope_path,
        after={"complex": building.complex.code, "number": building.number},
    )
