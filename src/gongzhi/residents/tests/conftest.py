"""Residents fixtures: a few households in the demo worker's community, written through the services."""

import random
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from gongzhi.core.actors import SYSTEM


def valid_id(area: str, birth: date, seq: int, sex: str = "F") -> str:
    from gongzhi.residents.identity import check_digit

    first = f"{area}{birth:%Y%m%d}{seq % 10}{(seq // 10) % 5 * 2 + (1 if sex == 'M' else 0):02d}"
    return first + check_digit(first)


@pytest.fixture
def community(user_named: Callable[[str], Any]) -> Any:
    return user_named("worker").role_assignments.get().division


@pytest.fixture
def registry(community: Any) -> dict[str, Any]:
    """唐素芬 (alone, 独居老人, linked to the 'resident' account) and a family of three, in the worker's community."""
    from gongzhi.people.models import User
    from gongzhi.residents import services
    from gongzhi.residents.models import Relation, SpecialGroup

    place = services.place_of(community, community.children.order_by("path").first())
    home = services.household_create(
        actor=SYSTEM, place=place, household_no="T-1", unit="1", room="302", address="泰山北路18号"
    )
    granny = services.resident_register(
        actor=SYSTEM,
        place=place,
        name="唐素芬",
        id_number=valid_id("510603", date(1941, 5, 12), 3),
        phone="13981234567",
        residence_status="registered",
        household=home,
        relation=Relation.HEAD,
    )
    services.flag_add(
        actor=SYSTEM, resident=granny, group=SpecialGroup.ELDERLY_ALONE, since=date(2024, 3, 1), source="摸底"
    )
    services.account_link(actor=SYSTEM, resident=granny, account=User.objects.get(username="resident"))
    family = services.household_create(actor=SYSTEM, place=services.place_of(community), household_no="T-2")
    head = services.resident_register(
        actor=SYSTEM,
        place=services.place_of(community),
        name="唐建国",
        id_number=valid_id("510603", date(1968, 9, 3), 5, "M"),
        phone="13890001111",
        residence_status="registered",
        household=family,
        relation=Relation.HEAD,
    )
    return {"granny": granny, "head": head, "home": home, "family": family, "place": place}


def import_csv(rows: list[dict[str, str]], *, header: list[str] | None = None, encoding: str = "utf-8-sig") -> bytes:
    import csv
    import io

    from gongzhi.residents.importer import COLUMNS

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    headers = header or [c.header for c in COLUMNS]
    writer.writerow(headers)
    keys = {c.header: c.key for c in COLUMNS}
    for row in rows:
        writer.writerow([row.get(keys.get(h, h), "") for h in headers])
    return buffer.getvalue().encode(encoding)


def person(community_code: str, n: int, **extra: str) -> dict[str, str]:
    rng = random.Random(n)
    return {
        "name": f"测试{n}",
        "id_number": valid_id("510603", date(1950 + n % 60, 1 + n % 12, 1 + n % 28), n),
        "phone": f"139{rng.randint(0, 99_999_999):08d}",
        "community_code": community_code,
        "household_no": f"IMP-{n // 3}",
        "relation": "户主" if n % 3 == 0 else "子女",
        "residence_status": "户籍",
    } | extra
