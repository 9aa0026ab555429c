"""Reads of the duties domain, through the viewer's scope; `community_may_receive` is the gate other domains ask."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, QuerySet

from gongzhi.core.policy import grants_of
from gongzhi.core.roles import Role
from gongzhi.people.models import Unit
from gongzhi.territory.models import Division, Level

from . import gate
from .gate import Decision
from .models import (
    AdmissionApplication,
    Category,
    Certificate,
    CorrectionOrder,
    DutyItem,
    DutyListVersion,
    EvaluationRound,
    Indicator,
    Rating,
    Task,
    ViolationCase,
)
from .permissions import policy

CENT = Decimal("0.01")


def community_may_receive(
    *, matter_code: str, community: Division, on: date, kind: str = Task.Kind.WORK_ITEM, sender_kind: str = ""
) -> Decision:
    """May a matter with this list code be dispatched to this community on this day? The same decision the task
    gate takes (docs/duties.md); it writes nothing, so a caller that goes ahead must still send through the gate."""
    return gate.decide(matter_code=matter_code, community=community, on=on, kind=kind, sender_kind=sender_kind)


def list_in_force(*, county: Division, on: date) -> tuple[DutyListVersion | None, list[DutyItem]]:
    """Public: the version in force and every item residents may see (admitted items included)."""
    version = gate.version_in_force(county=county, on=on)
    items = list(version.items.select_related("department")) if version else []
    items += gate.admitted_items(county=county, on=on)
    order = list(Category.values)
    items.sort(key=lambda i: (order.index(i.category), i.code))
    return version, items


def counties() -> QuerySet[Division]:
    return Division.objects.filter(level=Level.COUNTY, is_active=True).order_by("path")


def version_list(*, viewer: Any, county: Division | None = None) -> QuerySet[DutyListVersion]:
    qs = policy.visible(viewer, "view", DutyListVersion.objects.select_related("county"))
    if county is not None:
        qs = qs.filter(county=county)
    return qs


def version_get(*, viewer: Any, pk: int) -> DutyListVersion:
    return policy.get(viewer, "view", DutyListVersion.objects.select_related("county"), pk=pk)


def application_list(*, viewer: Any, status: str | None = None) -> QuerySet[AdmissionApplication]:
    qs = policy.visible(
        viewer, "view_applications", AdmissionApplication.objects.select_related("department", "county", "decided_by")
    )
    own_units = _department_units(viewer)
    if own_units is not None:
        qs = qs.filter(department_id__in=own_units)
    if status:
        qs = qs.filter(status=status)
    return qs


def application_get(*, viewer: Any, pk: int) -> AdmissionApplication:
    return policy.get(viewer, "view_applications", application_list(viewer=viewer), pk=pk)


def _department_units(viewer: Any) -> set[int] | None:
    """A department official sees only their own department's applications and tasks; None means no such limit."""
    grants = list(grants_of(viewer))
    if grants and all(g.role == Role.DEPARTMENT_OFFICIAL for g in grants):
        return {g.unit_id for g in grants if g.unit_id}
    return None


def task_list(*, viewer: Any, status: str | None = None) -> QuerySet[Task]:
    qs = policy.visible(viewer, "view_tasks", Task.objects.select_related("community", "sender_unit", "item"))
    own_units = _department_units(viewer)
    if own_units is not None:
        qs = qs.filter(sender_unit_id__in=own_units)
    if status:
        qs = qs.filter(status=status)
    return qs


def task_get(*, viewer: Any, pk: int) -> Task:
    return policy.get(viewer, "view_tasks", task_list(viewer=viewer), pk=pk)


def certificate_list(*, viewer: Any) -> QuerySet[Certificate]:
    return policy.visible(viewer, "view_certificates", Certificate.objects.select_related("item", "community"))


def certificate_verify(*, code: str) -> Certificate | None:
    """Public: the certificate bearing this verification code, or None."""
    code = code.strip().upper()
    if not code or len(code) > 16 or not code.isalnum():
        return None
    return Certificate.objects.select_related("item", "community").filter(verification_code=code).first()


def certificate_items(*, community: Division, on: date) -> list[DutyItem]:
    version = gate.version_in_force(county=gate.county_of(community), on=on)
    return list(version.items.filter(category=Category.CERTIFICATE)) if version else []


def violation_list(*, viewer: Any) -> QuerySet[ViolationCase]:
    qs = policy.visible(
        viewer, "view_violations", ViolationCase.objects.select_related("offender", "community", "task", "correction")
    )
    own_units = _department_units(viewer)
    if own_units is not None:
        qs = qs.filter(offender_id__in=own_units)
    return qs


def violation_get(*, viewer: Any, pk: int) -> ViolationCase:
    return policy.get(viewer, "view_violations", violation_list(viewer=viewer), pk=pk)


def violation_stats(*, viewer: Any) -> dict[str, list[tuple[str, int]]]:
    """Cases per offending department (or street office) and per street where they happened (R20.2)."""
    qs = violation_list(viewer=viewer).exclude(status=ViolationCase.Status.DISMISSED)
    by_offender = [
        (row["offender__name"], row["n"])
        for row in qs.values("offender__name").annotate(n=Count("id")).order_by("-n", "offender__name")
    ]
    per_street: dict[str, int] = defaultdict(int)
    for path in qs.values_list("scope_path", flat=True):
        per_street[path[:9]] += 1
    names = dict(Division.objects.filter(path__in=per_street, level=Level.STREET).values_list("path", "name"))
    by_street = sorted(((names.get(p, p), n) for p, n in per_street.items()), key=lambda r: (-r[1], r[0]))
    return {"department": by_offender, "street": by_street}


def correction_list(*, viewer: Any) -> QuerySet[CorrectionOrder]:
    return policy.visible(viewer, "view_corrections", CorrectionOrder.objects.select_related("target_unit"))


def correction_get(*, viewer: Any, pk: int) -> CorrectionOrder:
    return policy.get(viewer, "view_corrections", correction_list(viewer=viewer), pk=pk)


def evaluation_list(*, viewer: Any) -> QuerySet[EvaluationRound]:
    return policy.visible(viewer, "view_evaluation", EvaluationRound.objects.select_related("county"))


def evaluation_get(*, viewer: Any, pk: int) -> EvaluationRound:
    return policy.get(viewer, "view_evaluation", evaluation_list(viewer=viewer), pk=pk)


@dataclass
class ResultRow:
    department: Unit
    scores: dict[str, Decimal | None] = field(default_factory=dict)
    total: Decimal | None = None  # None: an opinion or street score is missing, so no total is given
    rank: int | None = None


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def indicator_score(*, indicator: Indicator, department: Unit, round: EvaluationRound) -> Decimal | None:
    """One department's score on one indicator, 0–100; None when nobody rated it (it then carries no weight)."""
    if indicator.source in (Indicator.Source.COMMITTEE_OPINION, Indicator.Source.STREET_SCORE):
        scores = list(Rating.objects.filter(indicator=indicator, department=department).values_list("score", flat=True))
        return _quantize(sum(scores, Decimal("0")) / len(scores)) if scores else None
    tasks = Task.objects.filter(
        sender_unit=department,
        created_at__date__gte=round.period_start,
        created_at__date__lte=round.period_end,
    )
    if indicator.source == Indicator.Source.GATE_COMPLIANCE:
        refused = tasks.filter(status=Task.Status.REFUSED).count()
        violations = (
            ViolationCase.objects.filter(
                offender=department, opened_on__gte=round.period_start, opened_on__lte=round.period_end
            )
            .exclude(status=ViolationCase.Status.DISMISSED)
            .count()
        )
        return _quantize(max(Decimal("0"), Decimal("100") - 10 * refused - 25 * violations))
    delivered = [
        t
        for t in tasks.filter(status=Task.Status.DELIVERED).select_related("item")
        if t.item and t.item.category in (Category.ASSISTANCE, Category.GRID)
    ]
    if not delivered:
        return Decimal("100.00")
    with_resources = sum(1 for t in delivered if t.has_resources)
    return _quantize(Decimal(100 * with_resources) / len(delivered))


def evaluation_compute(*, round: EvaluationRound) -> list[ResultRow]:
    """Σ weight × score / Σ weight per department; a department lacking an opinion or street score gets no total
    (it is listed as incomplete rather than scored on platform data alone). Ranks go by total."""
    indicators = list(round.indicators.all())
    departments = Unit.objects.filter(kind=Unit.Kind.DEPARTMENT, scope_path=round.scope_path, is_active=True).order_by(
        "name"
    )
    rows = []
    for department in departments:
        row = ResultRow(department=department)
        weighted, weights, complete = Decimal("0"), Decimal("0"), True
        for indicator in indicators:
            score = indicator_score(indicator=indicator, department=department, round=round)
            row.scores[indicator.key] = score
            if score is None:
                complete = False
                continue
            weighted += indicator.weight * score
            weights += indicator.weight
        row.total = _quantize(weighted / weights) if complete and weights else None
        rows.append(row)
    scored = sorted((r for r in rows if r.total is not None), key=lambda r: (-(r.total or 0), r.department.name))
    for position, row in enumerate(scored, start=1):
        row.rank = position
    return scored + [r for r in rows if r.total is None]
