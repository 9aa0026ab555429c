"""Demo units and one account for every role, created through the services, under real Deyang divisions."""

from dataclasses import dataclass

from django.db import transaction

from gongzhi.core.actors import SYSTEM
from gongzhi.core.roles import Role
from gongzhi.territory.models import Division, Level

from . import services
from .models import Unit, User

DEMO_PASSWORD = "Deyang-2025-demo"  # noqa: S105 — printed by the run command; demo data only

DEPARTMENTS = ["民政局", "住房和城乡建设局", "综合行政执法局", "卫生健康局", "市场监督管理局", "应急管理局", "司法局"]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    where: str  # a division code, or "first_community"/"first_grid" of 旌阳街道, "gh_community" of 广汉市
    unit: str = ""


DEMO_ACCOUNTS = (
    DemoAccount("admin", "系统管理员 王强", Role.SYSTEM_ADMIN, "510600000000"),
    DemoAccount("security", "安全管理员 李敏", Role.SECURITY_ADMIN, "510600000000"),
    DemoAccount("auditor", "审计管理员 赵静", Role.AUDITOR, "510600000000"),
    DemoAccount(
        "city_authority", "市社区治理主管部门 周涛", Role.AUTHORITY, "510600000000", "德阳市民政局（社区治理）"
    ),
    DemoAccount(
        "county_authority", "旌阳区社区治理主管部门 陈洁", Role.AUTHORITY, "510603000000", "旌阳区民政局（社区治理）"
    ),
    DemoAccount(
        "dept_official", "旌阳区住建局 刘洋", Role.DEPARTMENT_OFFICIAL, "510603000000", "旌阳区住房和城乡建设局"
    ),
    DemoAccount("street_official", "旌阳街道办事处 黄磊", Role.STREET_OFFICIAL, "510603001000", "旌阳街道办事处"),
    DemoAccount("worker", "社区工作者 张丽", Role.COMMUNITY_WORKER, "first_community"),
    DemoAccount("grid_worker", "网格员 杨帆", Role.GRID_WORKER, "first_grid"),
    DemoAccount("supervisor", "居务监督委员会 吴芳", Role.SUPERVISION_MEMBER, "first_community"),
    DemoAccount("legal_advisor", "社区法律顾问 郑律师", Role.LEGAL_ADVISOR, "first_community"),
    DemoAccount("mediator", "人民调解员 孙大姐", Role.MEDIATOR, "first_community"),
    DemoAccount("social_worker", "社会工作者 何欣", Role.SOCIAL_WORKER, "first_community"),
    DemoAccount("owners_committee", "业委会主任 罗建", Role.OWNERS_COMMITTEE, "first_community"),
    DemoAccount("property", "物业服务人 冯经理", Role.PROPERTY_PROVIDER, "first_community"),
    DemoAccount("resident_unit", "驻社区单位 德阳市第一中学", Role.RESIDENT_UNIT, "first_community"),
    DemoAccount("volunteer", "志愿者 林晓", Role.VOLUNTEER, "first_community"),
    DemoAccount("resident", "居民 唐婆婆", Role.RESIDENT, "first_community"),
    DemoAccount("household_head", "户主 唐建国", Role.HOUSEHOLD_HEAD, "first_community"),
    DemoAccount("worker_gh", "广汉社区工作者 谢婷", Role.COMMUNITY_WORKER, "gh_community"),
)


def _where(key: str) -> Division:
    if key == "first_community":
        return Division.objects.filter(parent__code="510603001000", level=Level.COMMUNITY).order_by(
            "path"
        ).first() or Division.objects.get(code="510603001000")
    if key == "first_grid":
        community = _where("first_community")
        return community.children.order_by("path").first() or community
    if key == "gh_community":
        return Division.objects.filter(path__startswith="510681", level=Level.COMMUNITY).order_by(
            "path"
        ).first() or Division.objects.get(code="510681000000")
    return Division.objects.get(code=key)


def seed_units() -> None:
    if Unit.objects.exists():
        return
    city = Division.objects.get(level=Level.CITY)
    services.unit_create(
        actor=SYSTEM,
        name="德阳市民政局（社区治理）",
        kind=Unit.Kind.AUTHORITY,
        division=city,
        responsibilities="统筹协调、规划指导、督促考核社区治理工作（条例第四条第一款）",
    )
    for county in Division.objects.filter(level=Level.COUNTY).order_by("path"):
        services.unit_create(
            actor=SYSTEM,
            name=f"{county.name}民政局（社区治理）",
            kind=Unit.Kind.AUTHORITY,
            division=county,
            responsibilities="本行政区域社区治理主管部门",
        )
        for department in DEPARTMENTS:
            services.unit_create(
                actor=SYSTEM,
                name=f"{county.name}{department}",
                kind=Unit.Kind.DEPARTMENT,
                division=county,
                responsibilities="按照职责做好社区治理相关工作（条例第四条第二款）",
            )
    for street in Division.objects.filter(level=Level.STREET).order_by("path"):
        name = f"{street.name}办事处" if street.kind == "subdistrict" else f"{street.name}人民政府"
        services.unit_create(actor=SYSTEM, name=name, kind=Unit.Kind.STREET_OFFICE, division=street)
    for community in Division.objects.filter(level=Level.COMMUNITY).order_by("path").iterator():
        suffix = "居民委员会" if community.kind == "community" else "村民委员会"
        services.unit_create(
            actor=SYSTEM, name=f"{community.name}{suffix}", kind=Unit.Kind.RESIDENTS_COMMITTEE, division=community
        )


def seed_people() -> None:
    with transaction.atomic():
        seed_units()
        for account in DEMO_ACCOUNTS:
            if User.objects.filter(username=account.username).exists():
                continue
            division = _where(account.where)
            user = services.account_create(
                actor=SYSTEM,
                username=account.username,
                password=DEMO_PASSWORD,
                display_name=account.display_name,
                division=division,
                check_password=False,
            )
            unit = Unit.objects.filter(name=account.unit).first() if account.unit else None
            services.role_assign(actor=SYSTEM, user=user, role=account.role, division=division, unit=unit)
