"""A published 旌阳区 duty list built through the services, the way the county would enter it."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from gongzhi.core.actors import SYSTEM
from gongzhi.duties import services
from gongzhi.duties.models import Category, DutyListVersion
from gongzhi.people.models import Unit
from gongzhi.territory.models import Division, Level

TODAY = date(2026, 3, 2)  # a Monday inside the bundled 2026 calendar
JINGYANG = "510603000000"


@dataclass
class World:
    county: Division
    street: Division
    community: Division
    version: DutyListVersion
    housing: Unit  # 旌阳区住房和城乡建设局, dept_official's unit
    civil: Unit
    user: Callable[[str], Any]


ITEMS: list[dict[str, Any]] = [
    {
        "category": Category.PERFORMANCE,
        "code": "LZ-001",
        "name": "召集居民会议",
        "legal_basis": "《中华人民共和国城市居民委员会组织法》第十条",
        "community_role": "每年至少召开一次居民会议",
        "frequency": "每年",
    },
    {
        "category": Category.ASSISTANCE,
        "code": "XZ-001",
        "name": "城乡居民医保参保登记",
        "legal_basis": "《中华人民共和国社会保险法》第二十五条",
        "department": "旌阳区卫生健康局",
        "community_role": "宣传动员、协助登记",
        "funds_yuan": Decimal("3000"),
        "funds_source": "区财政按年拨付",
        "training": "每年一次业务培训",
    },
    {
        "category": Category.NEGATIVE,
        "code": "FM-001",
        "name": "招商引资",
        "department": "旌阳区住房和城乡建设局",
        "community_role": "社区不承担",
    },
    {
        "category": Category.CERTIFICATE,
        "code": "ZM-001",
        "name": "居住情况证明（示例）",
        "legal_basis": "示例依据：本地基层群众性自治组织出具证明事项清单",
        "community_role": "核实后出具",
    },
    {
        "category": Category.PLAQUE,
        "code": "PZ-001",
        "name": "社区党群服务中心",
        "legal_basis": "厅字〔2022〕28号",
    },
]


def build_list(county: Division, *, effective_from: date = date(2026, 1, 1)) -> DutyListVersion:
    version = services.list_version_create(
        actor=SYSTEM, county=county, title="2026年版", effective_from=effective_from, document="旌府发〔2026〕1号"
    )
    for values in ITEMS:
        values = dict(values)
        department = values.pop("department", None)
        if department:
            values["department"] = Unit.objects.get(name=department)
        services.list_item_add(actor=SYSTEM, version=version, **values)
    return services.list_version_publish(actor=SYSTEM, version=version, today=TODAY)


@pytest.fixture(autouse=True)
def _official_language() -> Iterator[None]:
    """A page asked for in English leaves English active in the thread; every duties test starts in Chinese."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def world(deyang: None, user_named: Callable[[str], Any]) -> World:
    county = Division.objects.get(code=JINGYANG)
    community = Division.objects.filter(parent__code="510603001000", level=Level.COMMUNITY).order_by("path").first()
    assert community is not None
    return World(
        county=county,
        street=Division.objects.get(code="510603001000"),
        community=community,
        version=build_list(county),
        housing=Unit.objects.get(name="旌阳区住房和城乡建设局"),
        civil=Unit.objects.get(name="旌阳区民政局"),
        user=user_named,
    )


def application_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "category": Category.ASSISTANCE,
        "code": "ZR-001",
        "name": "老旧小区改造意愿征集",
        "legal_basis": "《城镇老旧小区改造工作方案》（川办发〔2020〕82号）",
        "community_role": "入户征集居民改造意愿并汇总",
        "frequency": "一次性",
        "starts_on": date(2026, 5, 6),
        "ends_on": date(2026, 12, 31),
        "funds_yuan": Decimal("8000"),
        "funds_source": "区住建局专项经费，准入后 10 个工作日内拨付",
        "staff": "住建局派驻联络员 1 名",
    }
    values.update(overrides)
    return values
