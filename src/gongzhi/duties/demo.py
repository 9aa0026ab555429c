"""Demo data through the services: 旌阳区's 2026 list in force, an application under review, a refused task and a
violation case that ended in a published 通报. Idempotent; certificate items are marked as examples."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from gongzhi.core.actors import SYSTEM
from gongzhi.people.models import Unit, User
from gongzhi.territory.models import Division, Level

from . import services
from .models import Category, DutyListVersion, Task

COUNTY = "510603000000"
SEED_DAY = date(2026, 11, 2)  # a fixed Monday, so deadlines stay inside the bundled 2026 calendar

ITEMS: tuple[dict[str, Any], ...] = (
    {
        "category": Category.PERFORMANCE,
        "code": "LZ-001",
        "name": "召集和主持居民会议",
        "legal_basis": "《中华人民共和国城市居民委员会组织法》第十条",
        "community_role": "召集和主持居民会议，向居民会议报告工作",
        "frequency": "每年至少一次",
        "ledgers": "会议记录（系统自动生成）",
    },
    {
        "category": Category.PERFORMANCE,
        "code": "LZ-002",
        "name": "社区矛盾纠纷调解",
        "legal_basis": "《中华人民共和国城市居民委员会组织法》第三条第三项；《中华人民共和国人民调解法》第七条",
        "community_role": "人民调解委员会调解民间纠纷",
        "frequency": "随时",
    },
    {
        "category": Category.PERFORMANCE,
        "code": "LZ-003",
        "name": "反映居民意见、要求和建议",
        "legal_basis": "《中华人民共和国城市居民委员会组织法》第三条第六项",
        "community_role": "向街道办事处反映居民的意见、要求和建议",
        "frequency": "随时",
    },
    {
        "category": Category.ASSISTANCE,
        "code": "XZ-001",
        "name": "城乡居民医保参保登记",
        "legal_basis": "《中华人民共和国社会保险法》第二十五条",
        "department_name": "旌阳区医疗保障局",
        "community_role": "宣传动员、协助参保登记",
        "frequency": "每年集中征缴期",
        "funds_yuan": Decimal("3000"),
        "funds_source": "区财政按年随事拨付",
        "training": "征缴期前业务培训一次",
        "information_systems": "四川省医保信息平台账号",
    },
    {
        "category": Category.ASSISTANCE,
        "code": "XZ-002",
        "name": "计划生育服务",
        "legal_basis": "《中华人民共和国城市居民委员会组织法》第三条第五项；《中华人民共和国人口与计划生育法》",
        "department": "旌阳区卫生健康局",
        "community_role": "协助宣传、信息登记和服务转介",
        "frequency": "随时",
        "funds_yuan": Decimal("2000"),
        "funds_source": "区卫生健康局年度工作经费",
        "training": "每年一次",
    },
    {
        "category": Category.ASSISTANCE,
        "code": "XZ-003",
        "name": "最低生活保障申请协助",
        "legal_basis": "《社会救助暂行办法》第十一条",
        "department": "旌阳区民政局",
        "community_role": "协助入户调查、民主评议和公示",
        "frequency": "随申请",
        "funds_yuan": Decimal("5000"),
        "funds_source": "区民政局社会救助工作经费",
        "staff": "街道社会救助专干指导",
    },
    {
        "category": Category.NEGATIVE,
        "code": "FM-001",
        "name": "招商引资",
        "department_name": "旌阳区投资促进局",
        "community_role": "社区不承担招商引资任务",
    },
    {
        "category": Category.NEGATIVE,
        "code": "FM-002",
        "name": "协税护税",
        "department_name": "国家税务总局德阳市旌阳区税务局",
        "community_role": "社区不承担税费征收任务",
    },
    {
        "category": Category.NEGATIVE,
        "code": "FM-003",
        "name": "违法建设查处",
        "department": "旌阳区综合行政执法局",
        "community_role": "社区不承担行政执法；发现线索可报告",
    },
    {
        "category": Category.NEGATIVE,
        "code": "FM-004",
        "name": "建筑施工安全生产监管",
        "department": "旌阳区住房和城乡建设局",
        "community_role": "社区不承担行业监管",
    },
    {
        "category": Category.CERTIFICATE,
        "code": "ZM-001",
        "name": "居住情况证明（示例）",
        "legal_basis": "示例：以本县基层群众性自治组织出具证明事项清单正式文本为准",
        "community_role": "核实后出具",
    },
    {
        "category": Category.PLAQUE,
        "code": "PZ-001",
        "name": "社区党群服务中心",
        "legal_basis": "厅字〔2022〕28号",
    },
    {
        "category": Category.PLAQUE,
        "code": "PZ-002",
        "name": "居民委员会",
        "legal_basis": "《中华人民共和国城市居民委员会组织法》",
    },
    {
        "category": Category.GRID,
        "code": "WG-001",
        "name": "网格巡查（隐患和矛盾纠纷发现报告）",
        "legal_basis": "《德阳市社区治理条例》第十四条；县网格事项准入清单（示例）",
        "community_role": "网格员日常巡查、发现并报告",
        "frequency": "每周",
        "funds_yuan": Decimal("12000"),
        "funds_source": "区财政网格员补贴",
        "equipment": "巡查终端",
    },
)


def seed_duties() -> None:
    county = Division.objects.filter(code=COUNTY).first()
    if county is None or DutyListVersion.objects.filter(county=county).exists():
        return
    with transaction.atomic():
        version = services.list_version_create(
            actor=SYSTEM,
            county=county,
            title="2026年版",
            document="旌阳区社区工作事项清单（示例）",
            effective_from=date(2026, 1, 1),
        )
        for values in ITEMS:
            values = dict(values)
            name = values.pop("department", None)
            if name:
                values["department"] = Unit.objects.filter(name=name).first()
            services.list_item_add(actor=SYSTEM, version=version, **values)
        services.list_version_publish(actor=SYSTEM, version=version, today=SEED_DAY)
        dept = User.objects.filter(username="dept_official").first()
        authority = User.objects.filter(username="county_authority").first()
        community = Division.objects.filter(parent__code="510603001000", level=Level.COMMUNITY).order_by("path").first()
        if dept is None or authority is None or community is None:
            return
        services.application_submit(
            actor=dept,
            today=SEED_DAY,
            category=Category.ASSISTANCE,
            code="ZR-001",
            name="老旧小区改造居民意愿征集",
            legal_basis="《国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见》（国办发〔2020〕23号）",
            community_role="入户征集改造意愿并汇总",
            frequency="一次性",
            starts_on=date(2026, 12, 15),
            ends_on=date(2026, 12, 31),
            funds_yuan=Decimal("8000"),
            funds_source="区住建局专项经费，准入后拨付",
            staff="住建局派驻联络员 1 名",
        )
        services.task_send(
            actor=dept,
            community=community,
            kind=Task.Kind.DATA_REQUEST,
            matter_code="",
            title="报送辖区内建筑工地台账",
            today=SEED_DAY,
        )
        task = services.task_send(
            actor=dept,
            community=community,
            kind=Task.Kind.INSPECTION,
            matter_code="FM-004",
            title="开展辖区建筑工地安全检查并报送照片",
            today=SEED_DAY,
        )
        case = task.violation
        case = services.violation_investigate(
            actor=authority, case=case, findings="区住建局将建筑施工安全监管检查任务派给社区，属实。"
        )
        case = services.violation_order_correction(
            actor=authority, case=case, requirement="撤回任务，由本部门自行开展检查，并书面说明。", today=SEED_DAY
        )
        services.violation_publish_notice(
            actor=authority,
            case=case,
            title="关于旌阳区住房和城乡建设局向社区转嫁监管职责的通报（示例）",
            body="经查，区住建局通过平台向社区派发建筑工地安全检查任务，属于将自身职责交由社区办理，"
            "违反《德阳市社区治理条例》第十条第二款。依据第二十条第二款予以通报批评，责令纠正。",
        )
