"""Demo appeals: the category catalog, a dispatch catalog per county and about 300 Deyang appeals over the last five
months in every stage (received, dispatched, returned, handling, extended, replied, closed with ratings, overdue),
all created through the services with the dates they would have had."""

import logging
import random
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from gongzhi.core.actors import SYSTEM
from gongzhi.core.errors import ServiceError
from gongzhi.people.models import Unit, User
from gongzhi.territory.models import Division, Level

from . import services
from .models import Appeal, Category, HandlerKind

logger = logging.getLogger(__name__)
COUNT = 300
JINGYANG = "510603"

# category → (handler, department name without the county, duty-list matter code for a committee)
ROUTES: dict[str, tuple[str, str, str]] = {
    "CS": (HandlerKind.DEPARTMENT, "综合行政执法局", ""),
    "ZJ": (HandlerKind.DEPARTMENT, "住房和城乡建设局", ""),
    "SZ": (HandlerKind.STREET_OFFICE, "", ""),
    "MZ": (HandlerKind.DEPARTMENT, "民政局", ""),
    "SC": (HandlerKind.DEPARTMENT, "市场监督管理局", ""),
    "YJ": (HandlerKind.DEPARTMENT, "应急管理局", ""),
    "SQ": (HandlerKind.STREET_OFFICE, "", ""),
    "SQ-01": (HandlerKind.RESIDENTS_COMMITTEE, "", "LZ-002"),  # 矛盾纠纷调解 is on 旌阳区's duty list
    "QT": (HandlerKind.STREET_OFFICE, "", ""),
}

TEXTS: dict[str, list[tuple[str, str]]] = {
    "CS-01": [("complaint", "{road}路口每天晚上有流动摊贩占道经营，油烟大，行人只能走机动车道。")],
    "CS-02": [("report", "{estate}{building}楼顶有住户私自搭建彩钢房，已经搭了两层，存在安全隐患。")],
    "CS-03": [("complaint", "{estate}门口的垃圾桶三天没人清运，气味很大，夏天蚊蝇很多。")],
    "CS-04": [
        ("complaint", "{road}旁工地{time}还在施工，噪声很大，严重影响休息。"),
        ("complaint", "{estate}楼下{shop}{time}营业，声音很大，老人孩子睡不着。"),
    ],
    "CS-05": [("help", "{road}一段路灯坏了一个多月，晚上很黑，老人出门不安全。")],
    "ZJ-01": [
        ("complaint", "{estate}物业{building}电梯旁的楼道灯坏了很久，报修多次物业都不处理。"),
        ("complaint", "{estate}物业公司擅自提高停车费，没有公示也没有征求业主意见。"),
    ],
    "ZJ-02": [("consult", "想咨询一下{estate}是否纳入今年老旧小区改造计划，什么时候开始施工？")],
    "ZJ-03": [("report", "{estate}{building}电梯经常突然停运，上周还困过人，维保单位没有整改。")],
    "ZJ-04": [("complaint", "{road}旁建筑工地渣土车不覆盖，路面全是泥，扬尘很大。")],
    "SZ-01": [("help", "{road}人行道地砖破损塌陷，下雨积水，已经有人摔倒。")],
    "SZ-02": [("help", "{estate}外面的下水道堵塞，一下雨就倒灌进一楼。")],
    "SZ-03": [("consult", "{estate}今天突然停水，没有看到通知，请问什么时候恢复供水？")],
    "MZ-01": [("consult", "家里老人因病致贫，想咨询低保申请需要准备哪些材料，在哪里办理。")],
    "MZ-02": [("help", "{estate}有位独居老人行动不便，希望社区能提供助餐或上门服务。")],
    "MZ-03": [("consult", "灵活就业人员的城乡居民医保怎么参保，今年缴费标准是多少？")],
    "SQ-01": [("help", "{estate}{building}楼上住户装修漏水到我家，协商多次没有结果，希望社区调解。")],
    "SQ-02": [("suggestion", "建议社区周末多组织一些亲子活动和老年人健康讲座。")],
    "SQ-03": [("suggestion", "建议在{estate}门口增设一处非机动车充电桩，减少楼道充电隐患。")],
    "SC-01": [("report", "{road}一家{shop}后厨卫生很差，吃完后家人腹泻，怀疑食品不新鲜。")],
    "SC-02": [("complaint", "{road}的{shop}明码标价和结账价格不一致，多收了钱不退。")],
    "YJ-01": [("report", "{estate}{building}消防通道长期被车辆堵塞，楼道里堆满杂物。")],
    "YJ-02": [("help", "{estate}{building}闻到很重的燃气味，担心泄漏，请尽快派人检查。")],
    "QT": [("praise", "感谢社区网格员帮助我家老人办理了高龄津贴，服务很热情。")],
}
ROADS = ("长江西路", "泰山北路", "岷江西路", "黄河路", "庐山南路", "珠江西路", "天山南路", "华山北路", "凯江路")
ESTATES = ("蓝剑花园", "旌湖国际", "凯旋城", "泰山花园", "金沙江小区", "东湖山庄", "岷江名苑", "天元锦城", "阳光家园")
BUILDINGS = ("1栋", "2栋", "3栋", "5栋", "7栋", "8栋", "11栋")
TIMES = ("每天晚上十点以后", "凌晨一两点", "周末一大早", "每天中午")
SHOPS = ("烧烤店", "火锅店", "麻将馆", "汽修店", "小餐馆")
REPLIES = (
    "经现场核查，已责令整改，整改情况已拍照存档，欢迎继续监督。",
    "已联系相关单位现场处置，问题已解决。",
    "已按政策向您说明办理流程和所需材料，可到社区便民服务站办理。",
    "已协调物业公司限期维修，并纳入社区跟踪。",
)


def _text(rng: random.Random, template: str) -> str:
    return template.format(
        road=rng.choice(ROADS),
        estate=rng.choice(ESTATES),
        building=rng.choice(BUILDINGS),
        time=rng.choice(TIMES),
        shop=rng.choice(SHOPS),
    )


def seed_routes() -> None:
    for county in Division.objects.filter(level=Level.COUNTY, is_active=True).order_by("path"):
        for code, (kind, department, matter) in ROUTES.items():
            category = Category.objects.filter(code=code).first()
            if category is None:
                continue
            unit = None
            if kind == HandlerKind.DEPARTMENT:
                unit = Unit.objects.filter(name=f"{county.name}{department}").first()
                if unit is None:
                    continue
            if kind == HandlerKind.RESIDENTS_COMMITTEE and not county.path.startswith(JINGYANG):
                kind, matter = HandlerKind.STREET_OFFICE, ""  # other counties have no demo duty list
            try:
                services.route_save(
                    actor=SYSTEM, county=county, category=category, handler_kind=kind, unit=unit, matter_code=matter
                )
            except ServiceError as exc:
                logger.warning("demo route %s/%s skipped: %s", county.name, code, exc.message)


def _places() -> tuple[list[Division], list[Division]]:
    communities = list(Division.objects.filter(level=Level.COMMUNITY, is_active=True).order_by("path"))
    home = [c for c in communities if c.path.startswith(JINGYANG)]
    return home, communities


def _moment(day: Any, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 19), rng.randint(0, 59))))


def seed_appeals(count: int = COUNT) -> None:
    if Appeal.objects.exists():
        return
    services.rules_ensure_default()
    services.catalog_load_default()
    seed_routes()
    rng = random.Random(20251201)  # noqa: S311 - reproducible demo data, not a secret
    home, everywhere = _places()
    if not everywhere:
        return
    resident = User.objects.filter(username="resident").first()
    first_community = home[0] if home else everywhere[0]
    leaves = [c for c in TEXTS]
    today = timezone.localdate()
    made = 0
    for n in range(count):
        code = rng.choice(leaves)
        appeal_type, template = rng.choice(TEXTS[code])
        place = rng.choice(home) if home and rng.random() < 0.7 else rng.choice(everywhere)
        mine = resident is not None and n % 12 == 0
        if mine:
            place = first_community
        age = rng.randint(0, 150)
        accepted = _moment(today - timedelta(days=age), rng)
        channel = rng.choice(("portal", "portal", "12345", "12345", "12345", "api"))
        try:
            appeal = services.appeal_submit(
                actor=resident if mine else SYSTEM,
                channel="portal" if mine else channel,
                appeal_type=appeal_type,
                category=code,
                place=place,
                text=_text(rng, template),
                contact=services.Contact("", f"139{rng.randint(10_000_000, 99_999_999)}"),
                external_ref=f"12345-DY-{n:06d}" if channel == "12345" and not mine else None,
                now=accepted,
            )
            _advance(appeal, accepted, age, rng)
            made += 1
        except ServiceError as exc:  # not expected (a deadline in a year without calendar is provisional): say so
            logger.warning("demo appeal %s skipped: %s", n, exc.message)
    services.sweep()
    logger.info("demo appeals: %s created", made)


def _advance(appeal: Appeal, accepted: datetime, age: int, rng: random.Random) -> None:
    """Move a new appeal through the workflow as far as its age and a dice roll say, with plausible timestamps."""
    roll = rng.random()
    step = accepted
    now = timezone.now()

    def later(hours: int) -> datetime:
        nonlocal step
        step = min(step + timedelta(hours=hours, minutes=rng.randint(0, 59)), now)
        return step

    if age < 1 and roll < 0.6:
        return  # today's: still on the dispatcher's desk
    if roll < 0.06:
        return  # never dispatched: will turn red on the overdue board
    if appeal.appeal_type == "consult" and roll < 0.25:
        services.appeal_answer_directly(actor=SYSTEM, appeal=appeal, reply=rng.choice(REPLIES), now=later(2))
        services.appeal_visit(actor=SYSTEM, appeal=appeal, satisfaction=5, solved=True, note="", now=later(20))
        return
    try:
        services.appeal_dispatch(actor=SYSTEM, appeal=appeal, now=later(rng.randint(1, 6)))
    except ServiceError:
        return  # no route for this place: left for a dispatcher to choose a unit
    if roll < 0.12:
        services.appeal_return(
            actor=SYSTEM,
            appeal=appeal,
            reason="该事项不属于本单位职责",
            basis="本县派单目录及部门“三定”规定",
            now=later(10),
        )
        return
    if roll < 0.18 or (age < 2 and roll < 0.5):
        return  # dispatched, waiting for the unit to sign
    services.appeal_sign(actor=SYSTEM, appeal=appeal, now=later(rng.choice((3, 8, 20, 30))))
    services.appeal_progress(actor=SYSTEM, appeal=appeal, note="已安排人员现场核实。", now=later(24))
    if roll < 0.2 and age > 5:
        services.appeal_extension_request(
            actor=SYSTEM, appeal=appeal, days=5, reason="需协调多个部门联合处置", now=later(30)
        )
        services.appeal_extension_decide(actor=SYSTEM, appeal=appeal, approve=True, now=later(4))
    if age < 8 and roll < 0.7:
        return  # still being handled
    if roll > 0.93 and age > 20:
        return  # handled too slowly: overdue
    hours = rng.choice((48, 72, 120, 200, 400))
    services.appeal_reply(actor=SYSTEM, appeal=appeal, reply=rng.choice(REPLIES), now=later(hours))
    if age < 10:
        return  # waiting for the 回访
    satisfaction = rng.choice((5, 5, 5, 4, 4, 3, 2, 1))
    solved = satisfaction >= 3 or rng.random() < 0.2
    services.appeal_visit(
        actor=SYSTEM, appeal=appeal, satisfaction=satisfaction, solved=solved, note="", now=later(rng.randint(24, 72))
    )
    if satisfaction <= 2 and rng.random() < 0.5:
        services.appeal_redo(actor=SYSTEM, appeal=appeal, note="回访不满意，要求重新办理", now=later(4))
