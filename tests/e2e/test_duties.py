"""Browser journey through the duty-list gate (R10.1, R10.2, R20.2): a department applies for admission, the county
approves it, the department sends the task and the community receives it with its resources; an off-list task is
refused at the gate; a negative-list task opens a violation that ends in a published 通报 whose proof verifies; the
duty pages pass axe-core's WCAG 2.1 AA rules."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from kit import signed_in_page, submit

from gongzhi.core.actors import SYSTEM

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def prepare_county() -> tuple[str, date]:
    """旌阳区's published list, an admission lead time of 0 working days (the setting is per county) and the 2027
    calendar entered, so review deadlines late in 2026 can be counted."""
    from gongzhi.duties import services
    from gongzhi.duties.models import Category
    from gongzhi.people.models import Unit
    from gongzhi.territory.models import Division, Level
    from gongzhi.workdays import services as workdays
    from gongzhi.workdays.calendar import year_status

    if year_status(2027) == "missing":
        workdays.override_set(actor=SYSTEM, day=date(2027, 1, 1), kind="holiday", name="元旦")
        workdays.year_confirm(actor=SYSTEM, year=2027, basis="测试录入")
    county = Division.objects.get(code="510603000000")
    version = services.list_version_create(
        actor=SYSTEM, county=county, title="2026年版", effective_from=date(2026, 1, 1)
    )
    services.list_item_add(
        actor=SYSTEM,
        version=version,
        category=Category.PERFORMANCE,
        code="LZ-001",
        name="召集居民会议",
        legal_basis="《中华人民共和国城市居民委员会组织法》第十条",
    )
    services.list_item_add(
        actor=SYSTEM,
        version=version,
        category=Category.NEGATIVE,
        code="FM-004",
        name="建筑施工安全生产监管",
        department=Unit.objects.get(name="旌阳区住房和城乡建设局"),
    )
    services.list_version_publish(actor=SYSTEM, version=version)
    services.admission_settings_set(actor=SYSTEM, county=county, lead_working_days=0, review_working_days=15)
    community = Division.objects.filter(parent__code="510603001000", level=Level.COMMUNITY).order_by("path").first()
    assert community is not None
    from django.utils import timezone

    return community.code, timezone.localdate()


@pytest.mark.clause("R10.1")
@pytest.mark.clause("R10.2")
@pytest.mark.clause("R20.2")
@pytest.mark.clause("R8.3")
def test_admission_gate_and_violation_journey(deyang_live: None, browser: Any, url: Callable[[str], str]) -> None:
    from gongzhi.duties.models import AdmissionApplication, ViolationCase
    from gongzhi.ledger.services import checkpoint_sign

    community, today = prepare_county()

    # 1. The department applies; without resources the form names the missing fields and nothing is stored.
    dept = signed_in_page(browser, url, "dept_official")
    dept.goto(url("/duties/applications/new/"))
    dept.select_option("#id_category", "assistance")
    dept.fill("#id_code", "ZR-001")
    dept.fill("#id_name", "老旧小区改造居民意愿征集")
    dept.fill("#id_community_role", "入户征集改造意愿并汇总")
    dept.fill("#id_starts_on", today.isoformat())
    dept.fill("#id_ends_on", (today + timedelta(days=60)).isoformat())
    submit(dept, "提交申请")
    body = dept.content()
    assert "协助事项必须随附配套资源" in body and "请写明设定依据" in body
    assert not AdmissionApplication.objects.exists()
    dept.fill("#id_legal_basis", "国办发〔2020〕23号")
    dept.fill("#id_funds_yuan", "8000")
    dept.fill("#id_funds_source", "区住建局专项经费，准入后拨付")
    dept.fill("#id_staff", "住建局派驻联络员 1 名")
    submit(dept, "提交申请")
    assert dept.locator("#status").inner_text() == "待审批"
    application = AdmissionApplication.objects.get()

    # 2. The county authority records the joint meeting's decision.
    county = signed_in_page(browser, url, "county_authority")
    county.goto(url(f"/duties/applications/{application.pk}/"))
    county.check("#id_admit_0")
    county.fill("#id_meeting_reference", "旌阳区社区减负联席会议纪要〔2026〕3号")
    county.fill("#id_meeting_date", today.isoformat())
    submit(county, "提交审批结果")
    assert county.locator("#status").inner_text() == "已准入"

    # 3. The department sends the admitted task; the community receives it with its resources.
    def send(code: str, title: str) -> str:
        dept.goto(url("/duties/tasks/new/"))
        dept.fill("#id_community", community)
        dept.select_option("#id_kind", "work_item")
        dept.fill("#id_matter_code", code)
        dept.fill("#id_title", title)
        submit(dept, "派发")
        return str(dept.locator("#status").inner_text())

    assert send("ZR-001", "征集老旧小区改造意愿") == "已送达"
    worker = signed_in_page(browser, url, "worker")
    worker.goto(url("/duties/tasks/"))
    with worker.expect_navigation():
        worker.get_by_role("link", name="征集老旧小区改造意愿").click()
    received = worker.content()
    assert "随附配套资源" in received and "8000" in received and "住建局派驻联络员 1 名" in received

    # 4. An off-list task is refused at the gate, with the reason shown to the sender.
    assert send("XX-404", "报送辖区商铺台账") == "已拒收（清单外未准入）"
    assert "也未经准入审批" in dept.locator("#gate-reason").inner_text()

    # 5. A negative-list task opens a violation case, which ends in a published 通报 that verifies.
    assert send("FM-004", "开展建筑工地安全检查") == "已拒收并立案（违规转嫁）"
    case = ViolationCase.objects.get()
    county.goto(url(f"/duties/violations/{case.pk}/"))
    county.fill("#id_findings", "区住建局将建筑施工安全监管任务派给社区，属实。")
    submit(county, "保存调查结论")
    assert county.locator("#status").inner_text() == "调查中"
    county.fill("#id_title", "关于旌阳区住房和城乡建设局向社区转嫁监管职责的通报")
    submit(county, "发布通报")
    assert county.locator("#status").inner_text() == "已通报批评"
    checkpoint_sign()
    with county.expect_navigation():
        county.locator("#notice-link").click()
    assert "转嫁监管职责的通报" in county.locator("#disclosure-title").inner_text()
    county.get_by_role("button", name="验证", exact=True).click()
    county.wait_for_function(
        "['ok', 'fail', 'pending'].includes(document.getElementById('verify-result').dataset.state)"
    )
    assert county.locator("#verify-result").inner_text().startswith("验证通过")

    # 6. The duty pages meet WCAG 2.1 AA (axe-core), for residents and for the county.
    from axe_playwright_python.sync_playwright import Axe

    wcag = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    anonymous = browser.new_context(locale="zh-CN").new_page()
    reports = []
    for viewer, path in (
        (anonymous, "/duties/"),
        (anonymous, "/duties/certificates/check/?code=NOPE"),
        (county, f"/duties/applications/{application.pk}/"),
        (county, f"/duties/violations/{case.pk}/"),
        (county, f"/duties/tasks/{case.task_id}/"),
        (county, "/duties/evaluations/"),
        (worker, "/duties/certificates/"),
    ):
        viewer.goto(url(path))
        result = Axe().run(viewer, options=wcag)
        if result.violations_count:
            reports.append(f"{path}\n{result.generate_report()}")
    assert reports == [], "\n".join(reports)
