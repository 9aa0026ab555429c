from datetime import date

import pytest

from gongzhi.core.actors import SYSTEM
from gongzhi.core.errors import Conflict, NotFound, ServiceError
from gongzhi.ledger.models import AuditEvent
from gongzhi.territory import services
from gongzhi.territory.models import Designation, Division, Kind

pytestmark = pytest.mark.django_db


def street() -> Division:
    return Division.objects.get(code="510603001000")


@pytest.mark.clause("R3.2")
def test_designation_records_basis_figures_and_audits(deyang: None, user_named) -> None:  # type: ignore[no-untyped-def]
    authority = user_named("county_authority")
    community = services.division_designate(
        actor=authority,
        parent=street(),
        code="510603001050",
        name="新城社区",
        kind=Kind.COMMUNITY,
        population=6200,
        households=2300,
        effective_on=date(2026, 1, 1),
        document="旌府函〔2026〕1号",
        capacity_note="按 300–500 户一网格配置",
    )
    assert community.path == "510603001050"
    record = Designation.objects.get(division=community)
    assert (record.action, record.population, record.households) == ("designate", 6200, 2300)
    event = AuditEvent.objects.filter(target_id=str(community.pk), action="territory.division_designated").get()
    assert event.actor == authority and event.scope_path == community.path
    assert event.after is not None and event.after["name"] == "新城社区"


@pytest.mark.clause("R3.2")
def test_adjustment_and_merger_keep_history(deyang: None, user_named) -> None:  # type: ignore[no-untyped-def]
    authority = user_named("county_authority")
    a, b = Division.objects.filter(parent=street(), level="community").order_by("path")[:2]
    services.division_adjust(
        actor=authority,
        division=a,
        effective_on=date(2026, 2, 1),
        name="新名社区",
        population=5000,
        document="旌府函〔2026〕2号",
    )
    a.refresh_from_db()
    assert a.name == "新名社区"
    rename = a.designations.get(action="rename")
    assert rename.previous is not None and rename.previous["name"] != "新名社区" and rename.population == 5000
    with pytest.raises(ServiceError) as has_children:
        services.division_merge(actor=authority, division=a, into=b, effective_on=date(2026, 3, 1), document="文")
    assert has_children.value.code == "has_children"
    empty = services.division_designate(
        actor=authority, parent=street(), code="510603001060", name="空社区", kind=Kind.COMMUNITY
    )
    services.division_merge(
        actor=authority, division=empty, into=b, effective_on=date(2026, 3, 1), document="旌府函〔2026〕3号"
    )
    empty.refresh_from_db()
    assert not empty.is_active and empty.effective_to == date(2026, 3, 1)
    assert empty.designations.get(action="merge").merged_into == b
    assert empty.designations.count() == 2  # designation and merger, both kept


@pytest.mark.clause("R21")
def test_villages_and_grids_follow_the_code_scheme(deyang: None) -> None:
    town = (
        Division.objects.get(code="510603100000")
        if Division.objects.filter(code="510603100000").exists()
        else Division.objects.filter(kind=Kind.TOWN).first()
    )
    assert town is not None
    village = services.division_designate(
        actor=SYSTEM, parent=town, code=town.path + "299", name="测试村", kind=Kind.VILLAGE
    )
    grid = services.division_designate(
        actor=SYSTEM, parent=village, code=village.code + "001", name="测试村第1网格", kind=Kind.GRID_COMPREHENSIVE
    )
    assert grid.path.startswith(village.path) and len(grid.code) == 15
    with pytest.raises(ServiceError, match="专属网格"):
        services.division_designate(
            actor=SYSTEM, parent=village, code=village.code + "901", name="错", kind=Kind.GRID_COMPREHENSIVE
        )


@pytest.mark.parametrize(
    ("code", "kind", "message"),
    [
        ("51060300105X", Kind.COMMUNITY, "只能包含数字"),
        ("5106030010", Kind.COMMUNITY, "12 位"),
        ("510681001099", Kind.COMMUNITY, "不在上级"),
        ("510603001000", Kind.COMMUNITY, "全为 0"),
        ("510603001099001", Kind.GRID_COMPREHENSIVE, "不能直接设在"),
    ],
)
def test_bad_codes_are_refused_with_a_reason_and_write_nothing(
    deyang: None, code: str, kind: str, message: str
) -> None:
    before = (Division.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ServiceError, match=message):
        services.division_designate(actor=SYSTEM, parent=street(), code=code, name="x", kind=kind)
    assert (Division.objects.count(), AuditEvent.objects.count()) == before


def test_duplicate_code_is_a_conflict(deyang: None) -> None:
    existing = Division.objects.filter(parent=street()).first()
    assert existing is not None
    with pytest.raises(Conflict):
        services.division_designate(actor=SYSTEM, parent=street(), code=existing.code, name="重复", kind=existing.kind)


@pytest.mark.clause("R2.2")
def test_out_of_scope_authority_cannot_designate(deyang: None, user_named) -> None:  # type: ignore[no-untyped-def]
    guanghan = Division.objects.filter(path__startswith="510681", level="street").first()
    assert guanghan is not None
    with pytest.raises(NotFound):
        services.division_designate(
            actor=user_named("county_authority"),
            parent=guanghan,
            code=guanghan.path + "077",
            name="越权社区",
            kind=Kind.COMMUNITY,
        )
    with pytest.raises(ServiceError):
        services.division_designate(
            actor=user_named("worker"), parent=street(), code="510603001077", name="越权", kind=Kind.COMMUNITY
        )


def test_rollup_sums_children(deyang: None) -> None:
    s = street()
    total = sum(c.population or 0 for c in s.children.filter(is_active=True))
    services.division_rollup_figures(division_id=s.pk)
    s.refresh_from_db()
    assert s.population == total
