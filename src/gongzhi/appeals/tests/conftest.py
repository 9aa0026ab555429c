"""A 旌阳区 with a published duty list, the bundled category catalog and a dispatch catalog built through the
services, the way the county would enter them."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from django.utils import timezone, translation

from gongzhi.appeals import services
from gongzhi.appeals.models import HandlerKind
from gongzhi.core.actors import SYSTEM
from gongzhi.duties import services as duty_services
from gongzhi.duties.models import Category as DutyCategory
from gongzhi.people.models import Unit
from gongzhi.territory.models import Division, Level

JINGYANG = "510603000000"


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


MONDAY = at(2026, 3, 2)

DUTY_ITEMS: list[dict[str, Any]] = [
    {
        "category": DutyCategory.PERFORMANCE,
        "code": "LZ-002",
        "name": "社区矛盾纠纷调解",
        "legal_basis": "《中华人民共和国人民调解法》第八条",
    },
    {
        "category": DutyCategory.NEGATIVE,
        "code": "FM-003",
        "name": "违法建设查处",
        "department": "旌阳区综合行政执法局",
    },
]


@dataclass
class World:
    county: Division
    street: Division
    community: Division
    enforcement: Unit  # 旌阳区综合行政执法局
    housing: Unit  # 旌阳区住房和城乡建设局 (dept_official)
    street_office: Unit
    committee: Unit
    user: Callable[[str], Any]


def build_duty_list(county: Division) -> None:
    version = duty_services.list_version_create(
        actor=SYSTEM, county=county, title="2026年版", effective_from=date(2026, 1, 1), document="旌府发〔2026〕1号"
    )
    for values in DUTY_ITEMS:
        values = dict(values)
        department = values.pop("department", None)
        if department:
            values["department"] = Unit.objects.get(name=department)
        duty_services.list_item_add(actor=SYSTEM, version=version, **values)
    duty_services.list_version_publish(actor=SYSTEM, version=version, today=date(2026, 1, 1))


def build_routes(county: Division) -> None:
    from gongzhi.appeals.models import Category

    cat = Category.objects.get
    services.route_save(
        actor=SYSTEM,
        county=county,
        category=cat(code="CS-02"),
        handler_kind=HandlerKind.DEPARTMENT,
        unit=Unit.objects.get(name="旌阳区综合行政执法局"),
        matter_code="FM-003",
    )
    services.route_save(
        actor=SYSTEM,
        county=county,
        category=cat(code="SQ-01"),
        handler_kind=HandlerKind.RESIDENTS_COMMITTEE,
        matter_code="LZ-002",
    )
    services.route_save(
        actor=SYSTEM,
        county=county,
        category=cat(code="ZJ"),
        handler_kind=HandlerKind.DEPARTMENT,
        unit=Unit.objects.get(name="旌阳区住房和城乡建设局"),
    )
    services.route_save(actor=SYSTEM, county=county, category=cat(code="SZ"), handler_kind=HandlerKind.STREET_OFFICE)


def confirm_next_year() -> None:
    """Tests that run at today's date may count deadlines into next year: enter it the way an administrator would."""
    from datetime import date

    from django.utils import timezone

    from gongzhi.workdays import services as workdays
    from gongzhi.workdays.calendar import year_status

    year = timezone.localdate().year + 1
    if year_status(year) == "missing":
        workdays.override_set(actor=SYSTEM, day=date(year, 1, 1), kind="holiday", name="元旦")
        workdays.year_confirm(actor=SYSTEM, year=year, basis="测试录入")


@pytest.fixture(autouse=True)
def _official_language() -> Iterator[None]:
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def world(deyang: None, user_named: Callable[[str], Any], settings: Any, tmp_path: Any) -> World:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.GONGZHI_APPEAL_NOTICE_CHANNEL = "gongzhi.appeals.notify.ConsoleChannel"
    county = Division.objects.get(code=JINGYANG)
    street = Division.objects.get(code="510603001000")
    community = Division.objects.filter(parent=street, level=Level.COMMUNITY).order_by("path").first()
    assert community is not None
    build_duty_list(county)
    services.rules_ensure_default()  # a transactional test flushed the migration's row
    services.catalog_load_default()
    build_routes(county)
    return World(
        county=county,
        street=street,
        community=community,
        enforcement=Unit.objects.get(name="旌阳区综合行政执法局"),
        housing=Unit.objects.get(name="旌阳区住房和城乡建设局"),
        street_office=Unit.objects.get(division=street, kind=Unit.Kind.STREET_OFFICE),
        committee=Unit.objects.get(division=community, kind=Unit.Kind.RESIDENTS_COMMITTEE),
        user=user_named,
    )


def submit(world: World, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "actor": world.user("resident"),
        "channel": "portal",
        "appeal_type": "complaint",
        "category": "CS-02",
        "place": world.community,
        "text": "小区楼顶有人违章搭建彩钢房，影响安全。",
        "now": MONDAY,
    }
    values.update(overrides)
    return services.appeal_submit(**values)
