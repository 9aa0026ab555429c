"""A community of 旌阳街道 with its demo residents, and a 居民公约 adopted through consult's vote, filed and
in force."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from gongzhi.autonomy import services
from gongzhi.autonomy.models import ConventionVersion, PointsRule
from gongzhi.consult import services as consult
from gongzhi.core.actors import SYSTEM
from gongzhi.residents.demo import link_demo_accounts
from gongzhi.residents.models import Resident
from gongzhi.territory.models import Division, Level

TODAY = date(2026, 3, 2)  # a Monday inside the bundled 2026 calendar
TZ = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


CONVENTION_BODY = """第一条 为加强社区居民自治，弘扬社会主义核心价值观，经居民会议讨论通过，制定本公约。
第二条 爱护公共设施，不乱贴乱画，不占用消防通道。
第三条 垃圾分类投放，不高空抛物。
第四条 邻里互助，尊老爱幼，关心独居老人。
第五条 本公约实行积分制，积分细则附后；积分只用于表彰和兑换，不涉及罚款。"""


@dataclass
class World:
    community: Division
    street: Division
    user: Callable[[str], Any]
    granny: Resident  # 唐素芬, the 'resident' account, lives alone
    head: Resident  # 唐建国, the 'household_head' account
    spouse: Resident  # 刘琴, same household
    version: ConventionVersion  # in force
    award: PointsRule
    deduction: PointsRule


@pytest.fixture(autouse=True)
def _official_language() -> Iterator[None]:
    with translation.override("zh-hans"):
        yield


def adopt(version: ConventionVersion, *, worker: Any, voters: list[Any], yes: bool = True) -> ConventionVersion:
    """Comment period → vote through consult (community, half quorum) → result → filing → publication."""
    services.comment_open(actor=worker, version=version, working_days=3, today=TODAY)
    vote_day = date(2026, 3, 10)
    version = services.version_put_to_vote(
        actor=worker, version=version, closes_at=at(vote_day, 18), now=at(vote_day, 9)
    )
    vote = services.linked_vote(version)
    for voter in voters:
        consult.vote_cast(actor=voter, vote=vote, choice="yes" if yes else "no", now=at(vote_day, 11))
    consult.vote_close(actor=worker, vote=vote, now=at(vote_day, 19))
    version = services.version_take_vote_result(actor=worker, version=version, today=vote_day)
    if version.status != ConventionVersion.Status.ADOPTED:
        return version
    services.filing_submit(actor=worker, version=version, today=vote_day)
    return services.version_publish(actor=worker, version=version, today=date(2026, 3, 11))


@pytest.fixture
def world(deyang: None, user_named: Callable[[str], Any]) -> World:
    link_demo_accounts()
    community = Division.objects.filter(parent__code="510603001000", level=Level.COMMUNITY).order_by("path").first()
    assert community is not None
    worker = user_named("worker")
    granny = Resident.objects.get(account=user_named("resident"))
    head = Resident.objects.get(account=user_named("household_head"))
    spouse = Resident.objects.get(household=head.household, relation="spouse")
    version = services.convention_create(
        actor=worker, community=community, kind="convention", title="旌阳社区居民公约", body=CONVENTION_BODY
    )
    award = services.rule_add(
        actor=worker, version=version, code="JF-01", kind="award", title="参加社区志愿服务每小时", points=1
    )
    deduction = services.rule_add(
        actor=worker,
        version=version,
        code="KF-01",
        kind="deduction",
        title="高空抛物经查实",
        points=5,
        text="经网格员核实并告知本人后扣分",
    )
    version = adopt(version, worker=worker, voters=[user_named("resident"), user_named("household_head")])
    assert version.status == ConventionVersion.Status.IN_FORCE
    return World(
        community=community,
        street=Division.objects.get(code="510603001000"),
        user=user_named,
        granny=granny,
        head=head,
        spouse=spouse,
        version=version,
        award=PointsRule.objects.get(pk=award.pk),
        deduction=PointsRule.objects.get(pk=deduction.pk),
    )


__all__ = ["SYSTEM", "TODAY", "World", "adopt", "at"]
