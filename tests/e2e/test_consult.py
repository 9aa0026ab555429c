"""Browser journey through 民主协商 (R5.2) and the legal advisor's opinion on a major matter (R6.2): a resident's topic
reaches its support threshold, is accepted, discussed at a 议事会 with attendance and a deliberation record, voted on,
drafted as a 重大事项 that cannot be adopted until the legal advisor's written opinion is recorded, adopted,
implemented, and fed back publicly through the ledger, where the published item verifies. A resident asks the legal
advisor a question (R6.1). The consult pages pass axe-core's WCAG 2.1 AA rules."""

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from kit import signed_in_page, submit

from gongzhi.core.actors import SYSTEM
from gongzhi.people.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VOTERS = ["王建华", "李秀英", "张伟"]


def prepare_residents() -> Any:
    """Three adult residents of the first community of 旌阳街道 with resident accounts (voter0..2)."""
    from gongzhi.core.roles import Role
    from gongzhi.people import services as people
    from gongzhi.residents import fake
    from gongzhi.residents import services as residents
    from gongzhi.residents.models import Relation, ResidenceStatus
    from gongzhi.territory.models import Division, Level

    rng = random.Random(11)
    community = Division.objects.filter(parent__code="510603001000", level=Level.COMMUNITY).order_by("path").first()
    assert community is not None
    place = residents.place_of(community)
    for i, name in enumerate(VOTERS):
        home = residents.household_create(actor=SYSTEM, place=place, household_no=f"E2E-{i}")
        record = residents.resident_register(
            actor=SYSTEM,
            place=place,
            name=name,
            id_number=fake.id_number(rng, date(1965 + i, 3, 1), "M", "510603"),
            residence_status=ResidenceStatus.REGISTERED,
            household=home,
            relation=Relation.HEAD,
        )
        user = people.account_create(
            actor=SYSTEM, username=f"voter{i}", password=DEMO_PASSWORD, display_name=name, division=community
        )
        people.role_assign(actor=SYSTEM, user=user, role=Role.RESIDENT, division=community)
        residents.account_link(actor=SYSTEM, resident=record, account=user)
    return community


@pytest.mark.clause("R5.2")
@pytest.mark.clause("R6.2")
@pytest.mark.clause("R6.1")
def test_topic_to_meeting_vote_opinion_adoption_and_verified_feedback(
    deyang_live: None, browser: Any, url: Callable[[str], str], settings: Any
) -> None:
    from gongzhi.consult.models import Decision, Meeting, Topic, Vote
    from gongzhi.ledger.services import checkpoint_sign

    settings.GONGZHI_TOPIC_SUPPORT_THRESHOLD = 2
    prepare_residents()

    # 1. A resident raises a topic; a neighbour supports it in the browser, a third resident on the API side.
    resident = signed_in_page(browser, url, "voter0")
    resident.goto(url("/consult/"))
    resident.fill("#id_title", "在 3 栋旁增设电动自行车充电棚")
    resident.fill("#id_body", "楼道飞线充电有火灾隐患，建议集中充电。")
    submit(resident, "提出议题")
    topic = Topic.objects.get(title="在 3 栋旁增设电动自行车充电棚")
    assert "征集支持中" in resident.locator("h1").inner_text()
    neighbour = signed_in_page(browser, url, "voter1")
    neighbour.goto(url(f"/consult/topics/{topic.pk}/"))
    submit(neighbour, "支持该议题")
    assert "您已支持该议题" in neighbour.content()
    third = signed_in_page(browser, url, "voter2")
    third.goto(url(f"/consult/topics/{topic.pk}/"))
    submit(third, "支持该议题")
    assert "已达支持数，待审查" in third.locator("h1").inner_text()

    # 2. The committee accepts the topic and gives notice of a 议事会: too short a notice is refused.
    worker = signed_in_page(browser, url, "worker")
    worker.goto(url(f"/consult/topics/{topic.pk}/"))
    worker.select_option("#id_outcome", "accept")
    worker.fill("#id_reason", "涉及消防安全，列入议事会协商。")
    submit(worker, "提交审查结论")
    assert "已立项" in worker.locator("h1").inner_text()
    worker.goto(url("/consult/meetings/"))
    worker.select_option("#id_form", "council")
    worker.fill("#id_title", "充电棚建设议事会")
    worker.fill("#id_notice", "定于下周召开议事会，欢迎居民报名。")
    worker.fill("#id_starts_at", (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT19:00"))
    worker.fill("#id_place", "社区党群服务中心")
    worker.select_option("#id_topics", str(topic.pk))
    submit(worker, "发布通知")
    assert "须提前 3 个工作日通知" in worker.content()
    worker.fill("#id_starts_at", (timezone.localtime() + timedelta(days=14)).strftime("%Y-%m-%dT19:00"))
    worker.select_option("#id_topics", str(topic.pk))
    submit(worker, "发布通知")
    meeting = Meeting.objects.get(title="充电棚建设议事会")
    for name in VOTERS:
        worker.locator("summary", has_text="邀请居民或居民代表").click()
        worker.fill("#id_invite-name", name)
        worker.select_option("#id_invite-role", "invitee")
        submit(worker, "邀请")
    resident.goto(url(f"/consult/meetings/{meeting.pk}/"))
    submit(resident, "报名参加")
    assert "已报名" in resident.content()

    # 3. Time passes: the meeting day arrives. Attendance, the deliberation record, a vote.
    starts = timezone.now() - timedelta(hours=1)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts)
    meeting.gathering.__class__.objects.filter(pk=meeting.gathering_id).update(starts_at=starts)
    worker.goto(url(f"/consult/meetings/{meeting.pk}/"))
    for name in VOTERS:
        worker.locator("summary", has_text="登记出席").click()
        worker.select_option(
            "#id_attend-participant", label=f"{name}（受邀人·{'已报名' if name == VOTERS[0] else '已邀请'}）"
        )
        submit(worker, "登记")
    assert worker.locator("#attended").inner_text() == "3"
    worker.locator("summary", has_text="记录发言").click()
    worker.select_option("#id_statement-participant", label="王建华")
    worker.fill("#id_statement-text", "建议建在 3 栋东侧，收费 0.4 元/小时。")
    submit(worker, "记录")
    assert "建议建在 3 栋东侧" in worker.locator("#record").inner_text()
    worker.locator("summary", has_text="发起表决").click()
    worker.fill("#id_vote-question", "同意在 3 栋东侧建设充电棚")
    worker.select_option("#id_vote-method", "person")
    worker.select_option("#id_vote-electorate", "meeting")
    worker.fill("#id_vote-closes_at", (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    submit(worker, "发起表决")
    vote = Vote.objects.get(question="同意在 3 栋东侧建设充电棚")
    assert vote.electorate_count == 3
    for page, choice in ((resident, "赞成"), (neighbour, "赞成"), (third, "反对")):
        page.goto(url(f"/consult/votes/{vote.pk}/"))
        page.get_by_label(choice, exact=True).check()
        submit(page, "投票")
        assert "您已投票" in page.content()
    worker.goto(url(f"/consult/votes/{vote.pk}/"))
    submit(worker, "结束表决并计票")
    assert "通过" in worker.locator("#outcome").inner_text()
    worker.goto(url(f"/consult/meetings/{meeting.pk}/"))
    worker.fill("#id_minutes", "3 名居民出席，表决通过在 3 栋东侧建设充电棚。")
    submit(worker, "形成纪要并结束会议")
    assert "已形成纪要" in worker.locator("h1").inner_text()

    # 4. A major matter: cannot be adopted until the legal advisor's written opinion is recorded.
    worker.goto(url("/consult/decisions/"))
    worker.fill("#id_title", "使用公共收益建设充电棚")
    worker.fill("#id_body", "使用公共收益 8 万元建设充电棚。")
    worker.check("#id_is_major")
    worker.select_option("#id_vote", str(vote.pk))
    worker.select_option("#id_topic", str(topic.pk))
    submit(worker, "保存")
    decision = Decision.objects.get(title="使用公共收益建设充电棚")
    submit(worker, "确认通过")
    assert "须先由社区法律顾问出具书面法律意见" in worker.content()
    advisor = signed_in_page(browser, url, "legal_advisor")
    advisor.goto(url("/"))
    assert "重大事项法律意见：使用公共收益建设充电棚" in advisor.content()
    advisor.goto(url(f"/consult/decisions/{decision.pk}/"))
    advisor.select_option("#id_conclusion", "conditional")
    advisor.fill("#id_basis", "《民法典》第二百七十八条：利用共有部分经营、使用公共收益属于业主共同决定事项。")
    advisor.fill("#id_conditions", "须经业主依法表决同意，充电设施须通过消防验收。")
    submit(advisor, "出具意见")
    assert "附条件合规" in advisor.content()
    worker.goto(url(f"/consult/decisions/{decision.pk}/"))
    submit(worker, "确认通过")
    assert "已通过" in worker.locator("h1").inner_text()

    # 5. Implementation and public feedback, verified on the ledger page.
    worker.locator("summary", has_text="记录进展").click()
    worker.fill("#id_percent", "100")
    worker.fill("#id_note", "充电棚建成并通过消防验收。")
    submit(worker, "记录")
    worker.fill("#id_summary", "3 栋东侧充电棚已建成投用。")
    submit(worker, "公开反馈")
    checkpoint_sign()
    with worker.expect_navigation():
        worker.get_by_role("link", name="查看居务公开并验证").click()
    assert "协商决定落实反馈" in worker.locator("#disclosure-title").inner_text()
    worker.get_by_role("button", name="验证", exact=True).click()
    worker.wait_for_function(
        "['ok', 'fail', 'pending'].includes(document.getElementById('verify-result').dataset.state)"
    )
    assert worker.locator("#verify-result").inner_text().startswith("验证通过")

    # 6. R6.1: a resident asks the legal advisor, who answers.
    resident.goto(url("/consult/legal/"))
    resident.select_option("#id_category", "neighbour")
    resident.fill("#id_question", "楼上深夜装修怎么办？")
    submit(resident, "提交问题")
    advisor.goto(url("/consult/legal/"))
    with advisor.expect_navigation():
        advisor.get_by_role("link", name="楼上深夜装修怎么办？").click()
    advisor.fill("#id_answer", "可先与邻居协商，协商不成可申请人民调解。")
    submit(advisor, "答复")
    resident.reload()
    assert "人民调解" in resident.content()

    # 7. WCAG 2.1 AA on the consult pages.
    from axe_playwright_python.sync_playwright import Axe

    wcag = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    reports = []
    for viewer, path in (
        (resident, "/consult/"),
        (resident, f"/consult/topics/{topic.pk}/"),
        (resident, f"/consult/votes/{vote.pk}/"),
        (resident, "/consult/legal/"),
        (worker, f"/consult/meetings/{meeting.pk}/"),
        (worker, "/consult/votes/"),
        (worker, "/consult/decisions/"),
        (advisor, f"/consult/decisions/{decision.pk}/"),
    ):
        viewer.goto(url(path))
        result = Axe().run(viewer, options=wcag)
        if result.violations_count:
            reports.append(f"{path}\n{result.generate_report()}")
    assert reports == [], "\n".join(reports)
