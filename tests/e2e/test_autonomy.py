"""Browser journeys of 居民自治 (R5.1, D11, R5.3): a points deduction recorded by the community worker is contested by
the resident and reversed on review; a supervision inquiry answered after its deadline is flagged overdue; the pages
pass axe-core's WCAG 2.1 AA rules."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from kit import signed_in_page, submit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
TZ = ZoneInfo("Asia/Shanghai")


def prepare() -> dict[str, Any]:
    """The demo residents and a 居民公约 with its points rules, adopted by a 居民会议 vote (through consult), filed and
    published — the state a community reaches before points can be recorded."""
    from gongzhi.autonomy import services
    from gongzhi.consult import services as consult
    from gongzhi.people.models import User
    from gongzhi.residents.demo import link_demo_accounts
    from gongzhi.territory.models import Division, Level

    link_demo_accounts()
    community = Division.objects.filter(parent__code="510603001000", level=Level.COMMUNITY).order_by("path").first()
    assert community is not None
    worker = User.objects.get(username="worker")
    version = services.convention_create(
        actor=worker,
        community=community,
        kind="convention",
        title="旌阳社区居民公约",
        body="第一条 爱护公共设施。\n第二条 不高空抛物。\n第三条 本公约实行积分制，积分细则附后。",
    )
    rule = services.rule_add(
        actor=worker, version=version, code="KF-01", kind="deduction", title="高空抛物经查实", points=5
    )
    services.comment_open(actor=worker, version=version, working_days=3, today=date(2026, 3, 2))
    day = date(2026, 3, 10)
    version = services.version_put_to_vote(
        actor=worker,
        version=version,
        closes_at=datetime(2026, 3, 10, 18, tzinfo=TZ),
        now=datetime(2026, 3, 10, 9, tzinfo=TZ),
    )
    vote = services.linked_vote(version)
    for name in ("resident", "household_head"):
        consult.vote_cast(
            actor=User.objects.get(username=name), vote=vote, choice="yes", now=datetime(2026, 3, 10, 11, tzinfo=TZ)
        )
    consult.vote_close(actor=worker, vote=vote, now=datetime(2026, 3, 10, 19, tzinfo=TZ))
    version = services.version_take_vote_result(actor=worker, version=version, today=day)
    services.filing_submit(actor=worker, version=version, today=day)
    version = services.version_publish(actor=worker, version=version, today=date(2026, 3, 11))
    return {"community": community, "version": version, "rule": rule}


def test_a_points_deduction_is_contested_and_reversed(
    deyang_live: None, browser: Any, url: Callable[[str], str]
) -> None:
    from gongzhi.autonomy.models import PointsObjection, PointsTransaction

    world = prepare()
    # 1. The community worker records a deduction under the convention's rule KF-01.
    worker = signed_in_page(browser, url, "worker")
    worker.goto(url("/autonomy/points/admin/?q=唐建国"))
    worker.get_by_label("依据规则").select_option(str(world["rule"].pk))
    worker.get_by_role("radio", name="唐建国（H-DEMO-TANG-2）").check()
    worker.get_by_label("事实经过").fill("3 月 5 日 18 时许高空抛物，网格员现场核实")
    submit(worker, "记录")
    assert "已记录" in worker.locator(".messages").inner_text()
    deduction = PointsTransaction.objects.get(kind="deduction")
    assert deduction.rule_id == world["rule"].pk

    # 2. 唐建国 sees -5 with the rule and the recorder, and objects.
    head = signed_in_page(browser, url, "household_head")
    head.goto(url("/autonomy/points/"))
    assert head.get_by_test_id("balance").inner_text() == "-5"
    assert "KF-01 高空抛物经查实" in head.content() and "社区工作者 张丽" in head.content()
    with head.expect_navigation():
        head.get_by_role("link", name="提出异议").click()
    head.get_by_label("异议理由").fill("当天全家在外地探亲，有车票为证")
    submit(head, "提交")
    assert "异议已提交" in head.locator(".messages").inner_text()
    assert "复核中" in head.content()

    # 3. The worker reviews the objection in time and upholds it: a compensating transaction reverses the deduction.
    objection = PointsObjection.objects.get(deduction=deduction)
    worker.goto(url("/autonomy/points/admin/"))
    with worker.expect_navigation():
        worker.get_by_role("link", name=f"#{deduction.pk} {deduction.basis}").click()
    worker.get_by_label("复核结论").select_option("1")
    worker.get_by_label("复核意见").fill("经核实车票，当天不在家，异议成立")
    submit(worker, "提交复核结论")
    assert "冲正交易" in worker.content()
    objection.refresh_from_db()
    assert objection.status == PointsObjection.Status.UPHELD

    # 4. The resident's balance is back to 0; the deduction stays in the history, marked reversed.
    head.goto(url("/autonomy/points/"))
    assert head.get_by_test_id("balance").inner_text() == "0"
    assert "已冲正" in head.content() and "冲正" in head.content()

    # 5. WCAG 2.1 AA on the points and convention pages.
    from axe_playwright_python.sync_playwright import Axe

    wcag = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    reports = []
    for viewer, path in (
        (head, "/autonomy/points/"),
        (head, "/autonomy/catalogue/"),
        (head, f"/autonomy/versions/{world['version'].pk}/"),
        (worker, "/autonomy/points/admin/?q=唐"),
        (worker, f"/autonomy/points/objections/{objection.pk}/"),
        (worker, f"/autonomy/versions/{world['version'].pk}/diff/"),
        (worker, "/autonomy/conventions/"),
        (worker, "/autonomy/culture/"),
    ):
        viewer.goto(url(path))
        result = Axe().run(viewer, options=wcag)
        if result.violations_count:
            reports.append(f"{path}\n{result.generate_report()}")
    assert reports == [], "\n".join(reports)


def test_a_supervision_inquiry_answered_late_is_flagged(
    deyang_live: None, browser: Any, url: Callable[[str], str]
) -> None:
    from django.utils import timezone

    from gongzhi.autonomy import services
    from gongzhi.autonomy.models import Inquiry
    from gongzhi.workdays.calendar import WorkingCalendar

    prepare()
    # 1. The supervision committee member asks through the workspace, with a reply deadline of 3 working days.
    supervisor = signed_in_page(browser, url, "supervisor")
    supervisor.goto(url("/autonomy/supervision/"))
    supervisor.get_by_text("向居民委员会提出询问").click()
    supervisor.get_by_label("询问内容").fill("十月份公益性岗位补贴发放明细为何没有公开？")
    supervisor.get_by_label("答复期限（工作日）").fill("3")
    submit(supervisor, "提出询问")
    inquiry = Inquiry.objects.get()
    # (provisional when the 3 working days reach a year the working calendar lacks; the same count either way)
    assert inquiry.due_on == WorkingCalendar().deadline(timezone.localdate(), 3, provisional_ok=True).day
    assert "待答复" in supervisor.content()

    # 2. The deadline passes without an answer (the inquiry was asked two weeks earlier); the daily task flags it.
    asked = date(2026, 11, 2)
    Inquiry.objects.filter(pk=inquiry.pk).update(
        asked_on=asked, due_on=WorkingCalendar().add_working_days(asked, 3), due_provisional=False
    )
    assert services.inquiries_mark_overdue() == 1
    supervisor.goto(url("/autonomy/supervision/"))
    assert supervisor.get_by_test_id("overdue").count() == 1

    # 3. The residents' committee answers late: the answer is recorded and the overdue flag stays.
    worker = signed_in_page(browser, url, "worker")
    worker.goto(url(f"/autonomy/supervision/inquiries/{inquiry.pk}/"))
    assert worker.get_by_test_id("overdue").count() == 1
    worker.get_by_label("答复").fill("明细已于今日在居务公开栏补充公开")
    submit(worker, "提交答复")
    assert "已标记逾期" in worker.content()
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.ANSWERED and inquiry.overdue

    # 4. The committee sees the late answer flagged in its workspace; the pages meet WCAG 2.1 AA.
    supervisor.goto(url(f"/autonomy/supervision/inquiries/{inquiry.pk}/"))
    assert "明细已于今日" in supervisor.content() and supervisor.get_by_test_id("overdue").count() == 1
    from axe_playwright_python.sync_playwright import Axe

    wcag = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    reports = []
    for viewer, path in (
        (supervisor, "/autonomy/supervision/"),
        (supervisor, f"/autonomy/supervision/inquiries/{inquiry.pk}/"),
        (worker, "/autonomy/supervision/"),
    ):
        viewer.goto(url(path))
        result = Axe().run(viewer, options=wcag)
        if result.violations_count:
            reports.append(f"{path}\n{result.generate_report()}")
    assert reports == [], "\n".join(reports)
