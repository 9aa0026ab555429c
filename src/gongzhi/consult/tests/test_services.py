"""Topics, meetings (notice in working days, attendance, deliberation record), owners' votes, major matters with the
legal advisor's opinion, implementation and feedback, and residents' legal questions."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from gongzhi.consult import selectors, services
from gongzhi.consult.models import (
    Decision,
    Gathering,
    LegalOpinion,
    LegalQuestion,
    Meeting,
    MeetingForm,
    Participant,
    StreetAlert,
    Topic,
    Vote,
)
from gongzhi.core.errors import Conflict, Forbidden, ServiceError
from gongzhi.ledger.models import Disclosure
from gongzhi.residents.models import Resident

from .conftest import MONDAY, World, at

pytestmark = pytest.mark.django_db


def accepted_topic(w: World, threshold: int = 3) -> Topic:
    topic = services.topic_raise(
        actor=w.voters[0], community=w.community, title="增设电动自行车充电棚", body="楼道充电有火灾隐患"
    )
    assert topic.status == Topic.Status.COLLECTING and topic.threshold == services.DEFAULT_SUPPORT_THRESHOLD
    Topic.objects.filter(pk=topic.pk).update(threshold=threshold)
    topic.refresh_from_db()
    for voter in w.voters[1 : threshold + 1]:
        topic = services.topic_support(actor=voter, topic=topic)
    assert topic.status == Topic.Status.QUALIFIED
    return services.topic_screen(actor=w.user("worker"), topic=topic, outcome="accept", reason="涉及全体居民安全")


@pytest.mark.clause("R5.2")
def test_topic_threshold_support_once_and_screening(world: World) -> None:
    topic = services.topic_raise(
        actor=world.voters[0], community=world.community, title="修缮健身器材", body="器材老化"
    )
    Topic.objects.filter(pk=topic.pk).update(threshold=2)
    topic = services.topic_support(actor=world.voters[1], topic=topic)
    with pytest.raises(Conflict, match="已经支持过"):
        services.topic_support(actor=world.voters[1], topic=topic)
    with pytest.raises(Conflict, match="尚未达到支持数"):
        services.topic_screen(actor=world.user("worker"), topic=topic, outcome="accept", reason="好")
    topic = services.topic_support(actor=world.voters[2], topic=topic)
    assert topic.status == Topic.Status.QUALIFIED and topic.support_count == 2
    with pytest.raises(ServiceError):
        services.topic_screen(actor=world.user("worker"), topic=topic, outcome="reject", reason="")
    with pytest.raises(Forbidden):
        services.topic_screen(actor=world.voters[3], topic=topic, outcome="reject", reason="无权")
    other = accepted_topic(world)
    merged = services.topic_screen(
        actor=world.user("worker"), topic=topic, outcome="merge", reason="与充电棚议题一并协商", merge_into=other
    )
    assert merged.status == Topic.Status.MERGED and merged.merged_into == other
    # Staff topics skip the support threshold but are still screened.
    staff_topic = services.topic_raise(
        actor=world.user("worker"), community=world.community, title="垃圾分类", body="x"
    )
    assert staff_topic.raised_as_staff and staff_topic.status == Topic.Status.QUALIFIED


@pytest.mark.clause("R5.2")
def test_meeting_notice_in_working_days_attendance_and_record(world: World) -> None:
    topic = accepted_topic(world)
    # 议事会: 3 working days' notice. Noticed Friday 2026-04-03; 4–6 April is 清明 (Sat–Mon), so the earliest day
    # is Thursday 9 April, not Tuesday 7 April.
    assert services.earliest_meeting_day(form=MeetingForm.COUNCIL, noticed_on=date(2026, 4, 3)) == date(2026, 4, 9)
    with pytest.raises(ServiceError, match="提前 3 个工作日"):
        services.meeting_convene(
            actor=world.user("worker"),
            community=world.community,
            form=MeetingForm.COUNCIL,
            title="充电棚议事会",
            notice="定于…召开",
            starts_at=at(8, 19, month=4),
            place="社区党群服务中心",
            topics=[topic],
            noticed_on=date(2026, 4, 3),
        )
    meeting = services.meeting_convene(
        actor=world.user("worker"),
        community=world.community,
        form=MeetingForm.COUNCIL,
        title="充电棚议事会",
        notice="定于 4 月 9 日晚 7 点召开",
        starts_at=at(9, 19, month=4),
        place="社区党群服务中心",
        topics=[topic],
        agenda=["听取物业意见"],
        invitees=world.residents[:6],
        guests=[world.user("legal_advisor")],
        noticed_on=date(2026, 4, 3),
    )
    assert meeting.earliest_on == date(2026, 4, 9)
    assert [a.title for a in meeting.agenda.all()] == [topic.title, "听取物业意见"]
    assert Topic.objects.get(pk=topic.pk).status == Topic.Status.SCHEDULED
    with pytest.raises(Conflict, match="尚未开始"):
        services.gathering_attend(
            actor=world.user("worker"), gathering=meeting.gathering, resident=world.residents[0], now=at(8, 12, month=4)
        )
    for r in world.residents[:5]:
        services.gathering_attend(actor=world.user("worker"), gathering=meeting.gathering, resident=r, now=at(9, 19, 4))
    walk_in = services.gathering_attend(
        actor=world.user("worker"), gathering=meeting.gathering, name="物业公司 冯经理", now=at(9, 19, 4)
    )
    assert walk_in.status == Participant.Status.ATTENDED
    speaker = Participant.objects.get(gathering=meeting.gathering, resident=world.residents[0])
    s1 = services.meeting_record_statement(
        actor=world.user("worker"), meeting=meeting, participant=speaker, text="建议建在 3 栋旁", now=at(9, 19, 4)
    )
    s2 = services.meeting_record_statement(
        actor=world.user("worker"), meeting=meeting, speaker="物业公司 冯经理", text="可以配合", now=at(9, 20, 4)
    )
    assert (s1.seq, s2.seq) == (1, 2) and s1.speaker == world.residents[0].name
    vote = services.vote_open(
        actor=world.user("worker"),
        meeting_or_scope=meeting,
        question="同意在 3 栋旁建充电棚",
        method=Vote.Method.PERSON,
        electorate=Vote.Electorate.MEETING,
        closes_at=at(9, 22, 4),
        now=at(9, 20, 4),
    )
    assert vote.electorate_count == 5  # the attending residents; the walk-in guest is not a resident
    with pytest.raises(Conflict, match="未结束的表决"):
        services.meeting_close(actor=world.user("worker"), meeting=meeting, minutes="纪要", now=at(9, 21, 4))
    elector = vote.electors.get(resident=world.residents[1])
    services.vote_record_on_site(actor=world.user("worker"), vote=vote, elector=elector, choice="yes", now=at(9, 20, 4))
    services.vote_close(actor=world.user("worker"), vote=vote, now=at(9, 21, 4))
    meeting = services.meeting_close(
        actor=world.user("worker"), meeting=meeting, minutes="会议同意建设", now=at(9, 22, 4)
    )
    assert meeting.status == Meeting.Status.CLOSED
    with pytest.raises(Conflict):
        services.meeting_record_statement(actor=world.user("worker"), meeting=meeting, speaker="某", text="迟到发言")


@pytest.mark.clause("R5.2")
def test_gathering_capacity_and_invitation_only(world: World) -> None:
    g = services.gathering_create(
        actor=world.user("social_worker"),
        kind=Gathering.Kind.LEGAL_EDUCATION,
        title="民法典进社区",
        community=world.community,
        starts_at=MONDAY + timedelta(days=7),
        capacity=2,
    )
    services.gathering_register(actor=world.voters[0], gathering=g, now=MONDAY)
    with pytest.raises(Conflict, match="已经报名"):
        services.gathering_register(actor=world.voters[0], gathering=g, now=MONDAY)
    services.gathering_register(actor=world.voters[1], gathering=g, now=MONDAY)
    with pytest.raises(Conflict, match="名额已满"):
        services.gathering_register(actor=world.voters[2], gathering=g, now=MONDAY)
    with pytest.raises(Conflict, match="报名已截止"):
        services.gathering_register(actor=world.voters[3], gathering=g, now=MONDAY + timedelta(days=8))


@pytest.mark.clause("R5.2")
def test_owners_vote_counts_area_and_heads(world: World) -> None:
    worker = world.user("worker")
    # Owners: voter0 owns two units (counts as one head, 180 m²), voters 1–3 one each.
    areas = [("1-101", 0, "90"), ("1-102", 0, "90"), ("1-201", 1, "60"), ("1-202", 2, "60"), ("1-301", 3, "100")]
    for unit, i, area in areas:
        services.owner_share_record(
            actor=worker, complex=world.complex, owner=world.residents[i], unit_label=unit, area=Decimal(area)
        )
    with pytest.raises(Conflict):
        services.owner_share_record(
            actor=worker, complex=world.complex, owner=world.residents[4], unit_label="1-101", area=Decimal("50")
        )
    with pytest.raises(ServiceError, match="无记名"):
        services.vote_open(
            actor=worker,
            meeting_or_scope=world.community,
            question="续聘物业",
            method=Vote.Method.OWNERS,
            electorate=Vote.Electorate.COMPLEX,
            complex=world.complex,
            secret=True,
            closes_at=MONDAY + timedelta(days=10),
            now=MONDAY,
        )
    vote = services.vote_open(
        actor=worker,
        meeting_or_scope=world.community,
        question="利用共有部分建设充电棚并收费",
        method=Vote.Method.OWNERS,
        electorate=Vote.Electorate.COMPLEX,
        complex=world.complex,
        major_278=True,
        closes_at=MONDAY + timedelta(days=10),
        now=MONDAY,
    )
    assert (vote.electorate_count, vote.electorate_area) == (4, Decimal("400.00"))
    # voter0 (180) yes, voter1 (60) yes, voter3 (100) no: heads 3/4 ≥ 2/3, area 340/400 ≥ 2/3 → quorum;
    # yes heads 2/3 < 3/4 and yes area 240/340 < 3/4 → a major matter (items 6–8) fails.
    for i, choice in ((0, "yes"), (1, "yes"), (3, "no")):
        services.vote_cast(actor=world.voters[i], vote=vote, choice=choice, now=MONDAY)
    vote = services.vote_close(actor=worker, vote=vote, now=MONDAY + timedelta(days=10))
    assert (vote.participant_count, vote.participant_area, vote.yes_count, vote.yes_area) == (
        3,
        Decimal("340.00"),
        2,
        Decimal("240.00"),
    )
    assert vote.outcome == Vote.Outcome.FAILED
    result = selectors.vote_result(vote)
    assert result.quorum_met and result.failed


def major_decision(w: World) -> Decision:
    return services.decision_create(
        actor=w.user("worker"),
        community=w.community,
        title="使用公共收益建设充电棚",
        body="由社区公共收益支出 8 万元建设充电棚",
        is_major=True,
    )


@pytest.mark.clause("R6.2")
def test_major_matter_blocked_without_legal_opinion(world: World) -> None:
    decision = major_decision(world)
    with pytest.raises(Conflict, match="法律顾问出具书面法律意见"):
        services.decision_adopt(actor=world.user("worker"), decision=decision)
    with pytest.raises(Forbidden):
        services.legal_opinion_give(actor=world.user("worker"), decision=decision, conclusion="compliant", basis="x")
    with pytest.raises(ServiceError, match="输入有误"):
        services.legal_opinion_give(
            actor=world.user("legal_advisor"), decision=decision, conclusion="conditional", basis="依据"
        )
    services.legal_opinion_give(
        actor=world.user("legal_advisor"),
        decision=decision,
        conclusion=LegalOpinion.Conclusion.CONDITIONAL,
        basis="《民法典》第二百七十八条；须经业主共同决定",
        conditions="须经业主依法表决通过",
    )
    decision = services.decision_adopt(actor=world.user("worker"), decision=decision)
    assert decision.status == Decision.Status.ADOPTED and not StreetAlert.objects.exists()


@pytest.mark.clause("R6.2")
def test_adopting_against_non_compliant_opinion_needs_reason_and_alerts_street(world: World) -> None:
    decision = major_decision(world)
    services.legal_opinion_give(
        actor=world.user("legal_advisor"),
        decision=decision,
        conclusion=LegalOpinion.Conclusion.NON_COMPLIANT,
        basis="公共收益属于业主共有，社区无权直接支配（《民法典》第二百八十二条）",
    )
    with pytest.raises(ServiceError, match="须写明理由"):
        services.decision_adopt(actor=world.user("worker"), decision=decision, override_reason="就是要建")
    decision = services.decision_adopt(
        actor=world.user("worker"),
        decision=decision,
        override_reason="业主大会已于 3 月另行授权，法律意见未考虑该授权文件",
    )
    alert = StreetAlert.objects.get(decision=decision)
    assert alert.street_path == world.community.path[:9]
    street = world.user("street_official")
    assert list(selectors.alert_list(viewer=street, open_only=True)) == [alert]
    services.street_alert_handle(actor=street, alert=alert, response="已约谈社区，要求补充授权材料")
    assert not selectors.alert_list(viewer=street, open_only=True).exists()


@pytest.mark.clause("R5.2")
def test_decision_follows_vote_then_progress_and_feedback_on_the_ledger(world: World) -> None:
    worker = world.user("worker")
    vote = services.vote_open(
        actor=worker,
        meeting_or_scope=world.community,
        question="同意建设充电棚",
        method=Vote.Method.PERSON,
        electorate=Vote.Electorate.COMMUNITY,
        closes_at=MONDAY + timedelta(days=1),
        now=MONDAY,
    )
    decision = services.decision_create(
        actor=worker, community=world.community, title="建设充电棚", body="在 3 栋旁建设", vote=vote
    )
    with pytest.raises(Conflict, match="表决尚未结束"):
        services.decision_adopt(actor=worker, decision=decision)
    for voter in world.voters[:6]:
        services.vote_cast(actor=voter, vote=vote, choice="yes", now=MONDAY)
    services.vote_close(actor=worker, vote=vote, now=MONDAY + timedelta(days=1))
    with pytest.raises(Conflict, match="通过后"):
        services.decision_progress(actor=worker, decision=decision, percent=10, note="x")
    decision = services.decision_adopt(actor=worker, decision=decision)
    services.decision_progress(actor=worker, decision=decision, percent=40, note="完成选址和招标")
    with pytest.raises(ServiceError):
        services.decision_progress(actor=worker, decision=decision, percent=30, note="倒退")
    services.decision_progress(actor=worker, decision=decision, percent=100, note="充电棚投入使用")
    decision = services.decision_publish_feedback(actor=worker, decision=decision, summary="充电棚已建成")
    assert decision.feedback_disclosure is not None
    disclosure = Disclosure.objects.get(pk=decision.feedback_disclosure.pk)
    assert "赞成 6" in disclosure.body and "充电棚投入使用" in disclosure.body
    with pytest.raises(Conflict):
        services.decision_publish_feedback(actor=worker, decision=decision, summary="再次")


@pytest.mark.clause("R6.1")
def test_legal_question_deadline_in_working_days_and_overdue(world: World) -> None:
    resident = world.voters[0]
    q = services.question_ask(
        actor=resident, category="neighbour", question="邻居装修噪音怎么办？", today=date(2026, 9, 29)
    )
    # 5 working days from Tuesday 29 September 2026 skip the 国庆 holiday (1–7 October; 9 and 10 October are 调休
    # working days): 30 Sep, 8 Oct, 9 Oct (Fri), 10 Oct (Sat, 调休), 12 Oct.
    assert q.due_on == date(2026, 10, 12)
    advisor = world.user("legal_advisor")
    assert q in selectors.overdue_questions(viewer=advisor, today=date(2026, 10, 13))
    with pytest.raises(Forbidden):
        services.question_answer(actor=world.user("worker"), question=q, answer="x")
    q = services.question_answer(actor=advisor, question=q, answer="可先协商，再请人民调解", today=date(2026, 10, 14))
    assert q.status == LegalQuestion.Status.ANSWERED and q.is_overdue(date(2026, 10, 14))
    with pytest.raises(Forbidden, match="尚未关联居民"):
        services.question_ask(actor=world.user("worker"), category="other", question="?")
    assert Resident.objects.filter(account=resident).exists()


@pytest.mark.clause("R6.1")
def test_a_question_into_a_missing_year_gets_a_provisional_deadline_recomputed_on_confirmation(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongzhi.core.actors import SYSTEM
    from gongzhi.ledger.models import AuditEvent
    from gongzhi.workdays import calendar
    from gongzhi.workdays import services as workdays
    from gongzhi.workdays.signals import waiting_on

    monkeypatch.setattr(calendar, "_bundled_years", lambda: range(2004, 2027))  # the bundled data ends with 2026
    q = services.question_ask(
        actor=world.voters[0], category="neighbour", question="楼上漏水怎么办？", today=date(2026, 12, 28)
    )
    # 29, 30, 31 December, then Monday–Friday assumed: 1 and 4 January
    assert q.due_provisional and q.due_on == date(2027, 1, 4)
    assert waiting_on(2027) >= 1
    workdays.override_set(actor=SYSTEM, day=date(2027, 1, 1), kind="holiday", name="元旦")
    workdays.year_confirm(actor=SYSTEM, year=2027, basis="测试")
    q.refresh_from_db()
    assert not q.due_provisional and q.due_on == date(2027, 1, 5)
    assert AuditEvent.objects.filter(action="consult.legal_question_due_recomputed", target_id=str(q.pk)).exists()
