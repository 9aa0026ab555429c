"""Browser journey through the appeal loop (R14.3, R10.2): a resident submits on the portal, the county dispatcher
dispatches along the catalog, the department signs and replies, the resident rates it; a department returns an
appeal with its basis; an extension is requested and approved; an appeal accepted before a 调休 weekend turns red on
the overdue board (frozen dates) and is escalated; the appeal pages pass axe-core's WCAG 2.1 AA rules."""

from collections.abc import Callable
from typing import Any

import pytest
from kit import signed_in_page, submit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.clause("R14.3")]


def prepare() -> Any:
    from gongzhi.appeals import services
    from gongzhi.appeals.tests.conftest import build_duty_list, build_routes, confirm_next_year
    from gongzhi.territory.models import Division, Level

    confirm_next_year()
    county = Division.objects.get(code="510603000000")
    build_duty_list(county)
    services.rules_ensure_default()  # the transactional database was flushed
    services.catalog_load_default()
    build_routes(county)
    return Division.objects.filter(parent__code="510603001000", level=Level.COMMUNITY).order_by("path").first()


def test_appeal_journey(
    browser: Any, url: Callable[[str], str], deyang_live: None, settings: Any, tmp_path: Any
) -> None:
    from gongzhi.appeals import services
    from gongzhi.appeals.models import Appeal, Status
    from gongzhi.appeals.tests.conftest import at
    from gongzhi.core.actors import SYSTEM
    from gongzhi.people.models import User

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.GONGZHI_APPEAL_NOTICE_CHANNEL = "gongzhi.appeals.notify.ConsoleChannel"
    community = prepare()

    # 1. The resident submits on the portal and is given a number and a 提取码.
    resident = signed_in_page(browser, url, "resident")
    resident.goto(url("/appeals/new/"))
    resident.select_option("#id_appeal_type", "complaint")
    resident.select_option("#id_category", "ZJ-01")
    resident.select_option("#id_place", community.code)
    resident.fill("#id_text", "小区3栋电梯旁的楼道灯坏了一个月，报修多次物业都不处理。")
    submit(resident, "提交")
    assert "提取码" in resident.content()
    appeal = Appeal.objects.get()
    assert appeal.status == Status.RECEIVED

    # 2. The county dispatcher sends it along the dispatch catalog (物业服务 → 住建局).
    county = signed_in_page(browser, url, "county_authority")
    county.goto(url("/appeals/dispatch/"))
    with county.expect_navigation():
        county.get_by_role("link", name=appeal.number).click()
    submit(county, "派单")
    appeal.refresh_from_db()
    assert appeal.status == Status.DISPATCHED and appeal.handling_unit is not None
    assert appeal.handling_unit.name == "旌阳区住房和城乡建设局"

    # 3. The department finds it in 我的待办, signs it and replies.
    dept = signed_in_page(browser, url, "dept_official")
    dept.goto(url("/appeals/inbox/"))
    with dept.expect_navigation():
        dept.get_by_role("link", name=appeal.number).click()
    submit(dept, "签收")
    dept.fill("#reply", "已责令物业公司于3日内维修，现已修复。")
    submit(dept, "答复居民")
    appeal.refresh_from_db()
    assert appeal.status == Status.REPLIED and appeal.signed_on_time

    # 4. The resident rates it: satisfied and solved closes it.
    resident.goto(url(f"/appeals/{appeal.pk}/"))
    resident.select_option("#satisfaction", "5")
    resident.select_option("#solved", "1")
    submit(resident, "提交评价")
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED and "已办结" in resident.content()

    # 5. A return: the department sends another appeal back with its reason and basis.
    housing = User.objects.get(username="resident")
    second = services.appeal_submit(
        actor=housing,
        channel="portal",
        appeal_type="complaint",
        category="ZJ-01",
        place=community,
        text="物业擅自占用公共绿地建停车位。",
    )
    services.appeal_dispatch(actor=SYSTEM, appeal=second)
    dept.goto(url(f"/appeals/{second.pk}/"))
    dept.fill("#reason-rt", "属于业主共有部分使用争议，由街道指导业委会处理")
    dept.fill("#basis-rt", "《物业管理条例》第五十条；派单目录")
    submit(dept, "退单")
    second.refresh_from_db()
    assert second.status == Status.RETURNED and second.handling_unit is None

    # 6. An extension: requested by the department, approved by the dispatcher, a new deadline.
    third = services.appeal_submit(
        actor=housing,
        channel="portal",
        appeal_type="complaint",
        category="ZJ-03",
        place=community,
        text="5栋电梯经常困人，维保单位不整改。",
    )
    services.appeal_dispatch(actor=SYSTEM, appeal=third)
    services.appeal_sign(actor=SYSTEM, appeal=third)
    old_due = Appeal.objects.get(pk=third.pk).due_at
    dept.goto(url(f"/appeals/{third.pk}/"))
    dept.fill("#days", "5")
    dept.fill("#reason-ex", "需特种设备检测机构出具检测报告")
    submit(dept, "申请延期")
    county.goto(url(f"/appeals/{third.pk}/"))
    county.select_option("#approve", "1")
    submit(county, "提交审批")
    third.refresh_from_db()
    assert third.due_at > old_due and third.notices.filter(message__contains="延期").exists()

    # 7. Overdue with frozen dates across the 调休 weekend: a 咨询 accepted Thursday 17 Sep 2026 is due Monday 21
    #    (Sunday 20 is a working day); the sweep on Tuesday 22 marks it red; the supervisor escalates it.
    late = services.appeal_submit(
        actor=housing,
        channel="portal",
        appeal_type="consult",
        category="ZJ-02",
        place=community,
        text="想咨询本小区是否纳入老旧小区改造计划。",
        now=at(2026, 9, 17),
    )
    services.appeal_dispatch(actor=SYSTEM, appeal=late, now=at(2026, 9, 19))
    assert services.sweep(now=at(2026, 9, 21, 12))["yellow"] == 1
    assert services.sweep(now=at(2026, 9, 22, 9))["red"] == 1
    county.goto(url("/appeals/overdue/"))
    assert late.number in county.content() and "红牌" in county.content()
    county.goto(url(f"/appeals/{late.pk}/"))
    county.select_option("#unit-e", label="德阳市民政局（社区治理）")
    county.fill("#reason-es", "超期未答复，提级由市主管部门督办")
    submit(county, "提级")
    late.refresh_from_db()
    assert late.escalation_level == 1 and late.handling_unit is not None
    assert late.handling_unit.name == "德阳市民政局（社区治理）"
    assert "提级" in county.content()

    # 8. The public follow-up page works with the 提取码 and hides everything without it.
    anonymous = browser.new_context(locale="zh-CN").new_page()
    anonymous.goto(url(f"/appeals/track/?number={appeal.number}&code=WRONG1"))
    assert "编号或提取码不正确" in anonymous.content()

    # 9. The appeal pages meet WCAG 2.1 AA (axe-core).
    from axe_playwright_python.sync_playwright import Axe

    wcag = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    reports = []
    for viewer, path in (
        (anonymous, "/appeals/track/"),
        (resident, "/appeals/new/"),
        (resident, "/appeals/"),
        (resident, f"/appeals/{appeal.pk}/"),
        (county, "/appeals/queue/"),
        (county, "/appeals/dispatch/"),
        (county, f"/appeals/{second.pk}/"),
        (county, "/appeals/stats/?start=2026-01-01&end=2026-12-31&by=unit"),
        (dept, f"/appeals/{third.pk}/"),
    ):
        viewer.goto(url(path))
        result = Axe().run(viewer, options=wcag)
        if result.violations_count:
            reports.append(f"{path}\n{result.generate_report()}")
    assert reports == [], "\n".join(reports)
