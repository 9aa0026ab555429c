"""R19: three residents' committees give opinions, two street offices score; the result equals a table by hand."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from gongzhi.core.actors import SYSTEM
from gongzhi.core.errors import Conflict, ServiceError
from gongzhi.core.roles import Role
from gongzhi.duties import selectors, services
from gongzhi.duties.models import EvaluationResult, EvaluationRound, Indicator, Task
from gongzhi.people import services as people
from gongzhi.people.models import Unit, User
from gongzhi.territory.models import Division, Level

from .conftest import World


def staff(username: str, role: str, division: Division, unit: Unit | None = None) -> User:
    user = people.account_create(
        actor=SYSTEM, username=username, password="x", display_name=username, division=division, check_password=False
    )
    people.role_assign(actor=SYSTEM, user=user, role=role, division=division, unit=unit)
    return user


# Hand-computed (weights 40 / 40 / 20; platform indicator = 100 − 10 × refused tasks − 25 × violation cases):
#                  opinions (3 RCs)      streets (2)        platform     total
# 民政局            90, 95, 88 → 91.00    90, 80 → 85.00     100          (40×91 + 40×85 + 20×100) / 100 = 90.40
# 住房和城乡建设局  80, 70, 90 → 80.00    85, 75 → 80.00     100−10−25=65 (3200 + 3200 + 1300) / 100 = 77.00
# 卫生健康局        70, 75, 71 → 72.00    60 (one street)    100          (2880 + 2400 + 2000) / 100 = 72.80
# the other four departments: no opinion, no street score → no total (listed as incomplete)
EXPECTED = [
    ("旌阳区民政局", {"opinion": "91.00", "street": "85.00", "platform": "100.00"}, "90.40", 1),
    ("旌阳区住房和城乡建设局", {"opinion": "80.00", "street": "80.00", "platform": "65.00"}, "77.00", 2),
    ("旌阳区卫生健康局", {"opinion": "72.00", "street": "60.00", "platform": "100.00"}, "72.80", 3),
]
OPINIONS: dict[str, tuple[int, ...]] = {
    "旌阳区民政局": (90, 95, 88),
    "旌阳区住房和城乡建设局": (80, 70, 90),
    "旌阳区卫生健康局": (70, 75, 71),
}
STREET_SCORES: dict[str, tuple[int, ...]] = {
    "旌阳区民政局": (90, 80),
    "旌阳区住房和城乡建设局": (85, 75),
    "旌阳区卫生健康局": (60,),
}


@pytest.mark.clause("R19")
def test_an_evaluation_round_equals_the_hand_computed_table(world: World, client_for: Any) -> None:
    today = timezone.localdate()
    authority = world.user("county_authority")
    dept = world.user("dept_official")
    # Platform data for 住建局 in the period: one off-list task refused, one negative-list task (a violation).
    for code in ("XX-404", "FM-001"):
        services.task_send(
            actor=dept, community=world.community, kind=Task.Kind.WORK_ITEM, matter_code=code, title=code
        )
    round = services.evaluation_round_create(
        actor=authority,
        county=world.county,
        title="2026年度职能部门服务社区评价",
        period_start=today - timedelta(days=30),
        period_end=today + timedelta(days=30),
    )
    opinion = services.indicator_add(
        actor=authority, round=round, key="opinion", name="居委会意见", source="committee_opinion", weight=Decimal("40")
    )
    street = services.indicator_add(
        actor=authority, round=round, key="street", name="街道评分", source="street_score", weight=Decimal("40")
    )
    services.indicator_add(
        actor=authority,
        round=round,
        key="platform",
        name="派发合规（闸口拒收与违规案件）",
        source=Indicator.Source.GATE_COMPLIANCE,
        weight=Decimal("20"),
    )
    with pytest.raises(Conflict):
        services.rating_submit(
            actor=world.user("worker"), round=round, indicator=opinion, department=world.civil, score=Decimal("1")
        )
    round = services.evaluation_round_open(actor=authority, round=round)

    communities = list(Division.objects.filter(path__startswith="510603", level=Level.COMMUNITY).order_by("path")[:3])
    workers = [
        world.user("worker"),
        *(staff(f"eval_worker_{i}", Role.COMMUNITY_WORKER, c) for i, c in enumerate(communities[1:])),
    ]
    streets = list(Division.objects.filter(path__startswith="510603", level=Level.STREET).order_by("path")[:2])
    officials = [
        world.user("street_official"),
        staff("eval_street_2", Role.STREET_OFFICIAL, streets[1], Unit.objects.get(division=streets[1])),
    ]
    for name, scores in OPINIONS.items():
        department = Unit.objects.get(name=name)
        for worker, score in zip(workers, scores, strict=True):
            services.rating_submit(
                actor=worker, round=round, indicator=opinion, department=department, score=Decimal(score)
            )
    for name, scores in STREET_SCORES.items():
        department = Unit.objects.get(name=name)
        for official, score in zip(officials, scores, strict=False):
            services.rating_submit(
                actor=official, round=round, indicator=street, department=department, score=Decimal(score)
            )
    # A committee changes its opinion: the latest counts, never twice.
    services.rating_submit(actor=workers[0], round=round, indicator=opinion, department=world.civil, score=Decimal(90))
    # A community worker cannot fill in a street score, nor score the platform indicator.
    with pytest.raises(ServiceError):
        services.rating_submit(
            actor=workers[0], round=round, indicator=street, department=world.civil, score=Decimal(1)
        )

    round = services.evaluation_publish(actor=authority, round=round)
    assert round.status == EvaluationRound.Status.PUBLISHED
    results = list(EvaluationResult.objects.filter(round=round).select_related("department"))
    got = [(r.department.name, r.scores, str(r.total), r.rank) for r in results if r.total is not None]
    assert got == EXPECTED
    incomplete = [r for r in results if r.total is None]
    assert len(incomplete) == 4 and all(r.rank is None for r in incomplete)
    assert selectors.evaluation_compute(round=round)[0].total == Decimal("90.40")

    export = client_for("county_authority").get(f"/duties/evaluations/{round.pk}/export.xlsx")
    assert export.status_code == 200 and export.content[:2] == b"PK"
