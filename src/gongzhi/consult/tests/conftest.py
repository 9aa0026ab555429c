"""A community of 旌阳街道 with residents, households, owners and linked voter accounts, built through services."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gongzhi.core.actors import SYSTEM
from gongzhi.core.roles import Role
from gongzhi.people import services as people_services
from gongzhi.people.models import User
from gongzhi.residents import fake
from gongzhi.residents import services as residents_services
from gongzhi.residents.models import Household, Relation, ResidenceStatus, Resident
from gongzhi.territory.models import Division, Level, ResidentialComplex

TZ = ZoneInfo("Asia/Shanghai")
# Monday 2026-03-02: inside the bundled 2026 calendar.
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)


def at(day: int, hour: int = 9, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=TZ)


@dataclass
class World:
    community: Division
    other_community: Division
    complex: ResidentialComplex
    user: Callable[[str], Any]
    voters: list[User] = field(default_factory=list)  # adult residents with accounts and the resident role
    residents: list[Resident] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    minor: Resident | None = None
    outsider: User | None = None  # a resident of another community


def make_voter(
    community: Division, username: str, name: str, birth: date, household: Household, relation: str, rng: random.Random
) -> tuple[User, Resident]:
    place = residents_services.place_of(community)
    resident = residents_services.resident_register(
        actor=SYSTEM,
        place=place,
        name=name,
        id_number=fake.id_number(rng, birth, "F" if len(name) % 2 else "M", "510603"),
        residence_status=ResidenceStatus.REGISTERED,
        household=household,
        relation=relation,
    )
    user = people_services.account_create(
        actor=SYSTEM, username=username, password="x", display_name=name, division=community, check_password=False
    )
    people_services.role_assign(actor=SYSTEM, user=user, role=Role.RESIDENT, division=community)
    residents_services.account_link(actor=SYSTEM, resident=resident, account=user)
    return user, resident


NAMES = ["王建华", "李秀英", "张伟", "刘芳", "陈明", "杨丽", "赵强", "黄敏", "周杰", "吴静"]


@pytest.fixture
def world(deyang: None) -> World:
    rng = random.Random(278)
    community = Division.objects.filter(parent__code="510603001000", level=Level.COMMUNITY).order_by("path").first()
    assert community is not None
    other = Division.objects.filter(parent__code="510603001000", level=Level.COMMUNITY).order_by("path")[1]
    complex = ResidentialComplex.objects.filter(scope_path__startswith=community.path).order_by("code").first()
    assert complex is not None
    place = residents_services.place_of(community)
    w = World(community=community, other_community=other, complex=complex, user=lambda n: User.objects.get(username=n))
    # 5 households of 2 adults each = 10 voters; household 1 also has a minor.
    for h in range(5):
        household = residents_services.household_create(actor=SYSTEM, place=place, household_no=f"T-{h:03d}")
        w.households.append(household)
        for k in range(2):
            i = h * 2 + k
            user, resident = make_voter(
                community,
                f"voter{i}",
                NAMES[i],
                date(1960 + i, 1 + i, 10),
                household,
                Relation.HEAD if k == 0 else Relation.SPOUSE,
                rng,
            )
            w.voters.append(user)
            w.residents.append(resident)
    w.minor = residents_services.resident_register(
        actor=SYSTEM,
        place=place,
        name="王小明",
        id_number=fake.id_number(rng, date(2015, 6, 1), "M", "510603"),
        residence_status=ResidenceStatus.REGISTERED,
        household=w.households[0],
        relation=Relation.CHILD,
    )
    other_home = residents_services.household_create(
        actor=SYSTEM, place=residents_services.place_of(other), household_no="O-001"
    )
    w.outsider, _ = make_voter(other, "outsider", "外社区居民", date(1980, 1, 1), other_home, Relation.HEAD, rng)
    return w
