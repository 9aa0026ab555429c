"""Demo consultations in the first community of 旌阳街道, written through the services: a topic that reached its
threshold and was decided at a 议事会 (vote, conditional legal opinion, adoption, progress, public feedback), a
representatives' secret ballot still open, a major matter adopted against a non-compliant opinion (street alert), one
awaiting the advisor, an owners' art. 278 vote, legal questions (one overdue) and a legal-education event.
Idempotent: does nothing once the community has topics."""

import logging
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.core.actors import SYSTEM
from gongzhi.core.roles import Role
from gongzhi.people import services as people_services
from gongzhi.people.demo import DEMO_PASSWORD
from gongzhi.people.models import User
from gongzhi.residents import services as residents_services
from gongzhi.residents.models import Resident
from gongzhi.territory.models import Division, Level, ResidentialComplex
from gongzhi.workdays.calendar import CalendarMissing

from . import services
from .models import Gathering, LegalOpinion, MeetingForm, Participant, Topic, Vote

logger = logging.getLogger(__name__)

REPRESENTATIVES = 9


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _at(day: Any, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _representatives(community: Division, adults: list[Resident]) -> list[User]:
    """Demo accounts for nine 居民代表, linked to their resident records (password as for every demo account)."""
    reps: list[User] = []
    for i, resident in enumerate(adults[:REPRESENTATIVES], start=1):
        user = _user(f"rep{i}")
        if user is None:
            user = people_services.account_create(
                actor=SYSTEM,
                username=f"rep{i}",
                password=DEMO_PASSWORD,
                display_name=f"居民代表 {resident.name}",
                division=community,
            )
            people_services.role_assign(actor=SYSTEM, user=user, role=Role.RESIDENT, division=community)
            residents_services.account_link(actor=SYSTEM, resident=resident, account=user)
        reps.append(user)
    return reps


def seed_consult() -> int:
    community = Division.objects.filter(parent__code="510603001000", level=Level.COMMUNITY).order_by("path").first()
    worker, advisor, granny, head = (_user(n) for n in ("worker", "legal_advisor", "resident", "household_head"))
    if community is None or worker is None or advisor is None or granny is None or head is None:
        return 0
    if Topic.objects.filter(community=community).exists():
        return 0
    if not Resident.objects.filter(account=granny).exists():
        return 0  # the residents' demo has not run
    try:
        with transaction.atomic():
            return _seed(community, worker, advisor, granny, head)
    except CalendarMissing as exc:
        # Meeting notice periods are never guessed (docs/operations.md): without this year's working calendar the
        # demo's meetings cannot be dated, so the whole consult demo waits (nothing half-written); seed again after
        # the administrator enters the year in 工作日历.
        logger.warning("consult demo skipped: %s", exc.message)
        return 0


def _seed(community: Division, worker: User, advisor: User, granny: User, head: User) -> int:
    now = timezone.now()
    today = timezone.localdate()
    cutoff = today.replace(year=today.year - 18)
    adults = list(
        Resident.objects.filter(community=community, birth_date__lte=cutoff, account__isnull=True).order_by("id")[:80]
    )
    if len(adults) < 40:
        return 0
    reps = _representatives(community, adults)
    rep_residents = adults[:REPRESENTATIVES]

    # 1. A resident's topic reaches its threshold, is accepted and decided at a 议事会.
    topic = services.topic_raise(
        actor=granny,
        community=community,
        title="在 3 栋旁增设电动自行车集中充电棚",
        body="楼道里飞线充电、电动车进楼入户的情况较多，存在火灾隐患。建议在 3 栋旁空地建设集中充电棚，按次计费。",
    )
    for user in [*reps, head][: topic.threshold]:
        services.topic_support(actor=user, topic=topic)
    services.topic_screen(
        actor=worker, topic=topic, outcome="accept", reason="涉及消防安全和全体居民利益，列入本月议事会协商。"
    )
    noticed = today - timedelta(days=30)
    held_on = services.earliest_meeting_day(form=MeetingForm.COUNCIL, noticed_on=noticed) + timedelta(days=1)
    starts = _at(held_on, 19)
    meeting = services.meeting_convene(
        actor=worker,
        community=community,
        form=MeetingForm.COUNCIL,
        title="充电棚建设议事会",
        notice=f"定于 {held_on:%Y年%m月%d日} 晚 7 点在社区党群服务中心二楼召开议事会，"
        "协商 3 栋旁增设电动自行车充电棚事宜，欢迎居民报名参加。",
        starts_at=starts,
        place="社区党群服务中心二楼会议室",
        topics=[Topic.objects.get(pk=topic.pk)],
        agenda=["听取物业服务企业的建设方案", "协商收费标准"],
        representatives=rep_residents,
        invitees=adults[REPRESENTATIVES:30],
        guests=[advisor, _user("property")] if _user("property") else [advisor],
        noticed_on=noticed,
    )
    gathering = meeting.gathering
    for resident in adults[:24]:
        services.gathering_attend(actor=worker, gathering=gathering, resident=resident, now=starts)
    services.gathering_attend(actor=worker, gathering=gathering, name="物业服务中心 冯经理", now=starts)
    participants = {p.resident_id: p for p in gathering.participants.exclude(resident=None)}
    agenda = list(meeting.agenda.all())
    lines = [
        (adults[0], agenda[0], "楼道飞线充电太危险了，我支持建充电棚，最好带自动断电。"),
        (None, agenda[1], "物业可以负责建设和日常维护，初步预算 8 万元，建议从小区公共收益列支。"),
        (adults[3], agenda[2], "收费要便宜，一小时不超过 0.5 元，老年人的三轮车也要能充。"),
        (adults[5], agenda[0], "充电棚离 3 栋窗户太近会不会有噪音？建议往东移 5 米。"),
        (adults[1], agenda[2], "同意往东移，收费按 0.4 元/小时，收入继续归入公共收益。"),
    ]
    for i, (who, item, text) in enumerate(lines):
        services.meeting_record_statement(
            actor=worker,
            meeting=meeting,
            participant=participants.get(who.pk) if who else None,
            speaker="" if who else "物业服务中心 冯经理",
            agenda_item=item,
            text=text,
            now=starts + timedelta(minutes=10 * (i + 1)),
        )
    vote = services.vote_open(
        actor=worker,
        meeting_or_scope=meeting,
        question="同意在 3 栋东侧 5 米处建设电动自行车充电棚，收费 0.4 元/小时",
        method=Vote.Method.PERSON,
        electorate=Vote.Electorate.MEETING,
        quorum=Vote.Quorum.HALF,
        closes_at=starts + timedelta(hours=2),
        now=starts + timedelta(minutes=70),
    )
    for i, elector in enumerate(vote.electors.order_by("id")):
        choice = "no" if i in (4, 11) else ("abstain" if i == 7 else "yes")
        services.vote_record_on_site(
            actor=worker, vote=vote, elector=elector, choice=choice, now=starts + timedelta(minutes=75)
        )
    services.vote_close(actor=worker, vote=vote, now=starts + timedelta(minutes=80))
    services.meeting_close(
        actor=worker,
        meeting=meeting,
        minutes="会议由社区居委会主任主持，24 名居民（含 9 名居民代表）出席，物业服务中心列席。与会人员就选址、"
        "预算和收费充分协商，现场记名表决通过：在 3 栋东侧 5 米处建设充电棚，收费 0.4 元/小时，收入归公共收益。",
        now=starts + timedelta(minutes=90),
    )
    decision = services.decision_create(
        actor=worker,
        community=community,
        title="建设 3 栋东侧电动自行车充电棚",
        body="使用小区公共收益 8 万元，在 3 栋东侧 5 米处建设充电棚（20 个充电位），"
        "收费 0.4 元/小时，收入归入公共收益。",
        is_major=True,
        meeting=meeting,
        vote=vote,
        topic=Topic.objects.get(pk=topic.pk),
    )
    services.legal_opinion_give(
        actor=advisor,
        decision=decision,
        conclusion=LegalOpinion.Conclusion.CONDITIONAL,
        basis="《民法典》第二百七十八条、第二百八十二条：利用共有部分经营、使用公共收益属于业主共同决定事项；"
        "《电动自行车安全技术规范》《高层民用建筑消防安全管理规定》第三十七条。",
        conditions="公共收益的使用须经业主依法表决同意；充电设施须由具备资质的单位安装并通过消防验收。",
    )
    services.decision_adopt(actor=worker, decision=decision, now=starts + timedelta(days=2))
    services.decision_progress(
        actor=worker, decision=decision, percent=40, note="完成选址测量和供电报装，确定施工单位。"
    )
    services.decision_progress(
        actor=worker, decision=decision, percent=100, note="充电棚建成并通过消防验收，已投入使用。"
    )
    services.decision_publish_feedback(
        actor=worker, decision=decision, summary="3 栋东侧充电棚已建成投用，欢迎居民监督收费和维护情况。"
    )

    # 2. Topics waiting: one collecting supports, one raised by staff awaiting screening.
    parking = services.topic_raise(
        actor=head, community=community, title="小区临时停车收费标准调整", body="访客停车收费偏高，建议前 2 小时免费。"
    )
    for user in reps[:4]:
        services.topic_support(actor=user, topic=parking)
    services.topic_raise(
        actor=worker,
        community=community,
        title="垃圾分类投放点撤桶并点",
        body="拟将小区 8 个投放点合并为 4 个定时定点投放点。",
    )

    # 3. A 居民代表会议 voting by secret ballot, still open: its counts stay hidden until it closes.
    noticed = today - timedelta(days=14)
    rep_day = services.earliest_meeting_day(form=MeetingForm.REP_ASSEMBLY, noticed_on=noticed)
    rep_starts = _at(rep_day, 14, 30)
    rep_meeting = services.meeting_convene(
        actor=worker,
        community=community,
        form=MeetingForm.REP_ASSEMBLY,
        title="居民代表会议：社区活动室夜间开放",
        notice="审议社区活动室夜间（19:00–21:30）开放方案，以无记名投票表决。",
        starts_at=rep_starts,
        place="社区党群服务中心一楼",
        representatives=rep_residents,
        open_registration=False,
        noticed_on=noticed,
    )
    for resident in rep_residents:
        services.gathering_attend(actor=worker, gathering=rep_meeting.gathering, resident=resident, now=rep_starts)
    secret = services.vote_open(
        actor=worker,
        meeting_or_scope=rep_meeting,
        question="同意社区活动室每周一至周五 19:00–21:30 开放",
        method=Vote.Method.REPRESENTATIVE,
        electorate=Vote.Electorate.REPRESENTATIVES,
        secret=True,
        quorum=Vote.Quorum.TWO_THIRDS,
        majority=Vote.Majority.SIMPLE,
        closes_at=now + timedelta(days=3),
        now=min(now, rep_starts + timedelta(minutes=30)),
    )
    for i, user in enumerate(reps[:6]):
        services.vote_cast(actor=user, vote=secret, choice="no" if i == 2 else "yes", now=now)

    # 4. A major matter adopted against a non-compliant opinion (alerts the street office), one awaiting the advisor.
    lease = services.decision_create(
        actor=worker,
        community=community,
        title="将社区活动室白天出租给校外培训机构",
        body="活动室工作日白天闲置，拟以每月 3000 元出租给培训机构，收入用于社区活动经费。",
        is_major=True,
    )
    services.legal_opinion_give(
        actor=advisor,
        decision=lease,
        conclusion=LegalOpinion.Conclusion.NON_COMPLIANT,
        basis="社区综合服务设施属于公益性设施，不得出租用于经营（《城乡社区服务体系建设规划》及民政部关于社区综合服务"
        "设施的规定）；居民委员会不得从事经营活动。",
    )
    services.decision_adopt(
        actor=worker,
        decision=lease,
        override_reason="居民代表会议已表决同意，出租仅限工作日白天，不影响居民活动；拟报街道审核后签订协议。",
    )
    services.decision_create(
        actor=worker,
        community=community,
        title="使用社区公益金为老旧小区加装电梯提供补贴",
        body="拟从社区公益金中每台补贴 2 万元，共 5 台。",
        is_major=True,
    )

    # 5. Owners' vote counted by Civil Code art. 278 (area and heads), recorded on site by the owners' committee.
    complex = ResidentialComplex.objects.filter(scope_path__startswith=community.path).order_by("code").first()
    committee = _user("owners_committee")
    if complex is not None and committee is not None:
        owners = adults[30:42]
        for i, owner in enumerate(owners):
            services.owner_share_record(
                actor=committee,
                complex=complex,
                owner=owner,
                unit_label=f"{1 + i // 4}-{1 + i % 4}0{1 + i % 2}",
                area=Decimal("68.50") + Decimal(7 * (i % 5)),
            )
        ov = services.vote_open(
            actor=committee,
            meeting_or_scope=community,
            question="利用小区共有部分设置快递柜并收取场地费",
            description="场地费每年 6000 元，归全体业主共有，用于补充维修资金。",
            method=Vote.Method.OWNERS,
            electorate=Vote.Electorate.COMPLEX,
            complex=complex,
            major_278=True,
            closes_at=now - timedelta(days=3),
            now=now - timedelta(days=10),
        )
        for i, elector in enumerate(ov.electors.order_by("id")[:10]):
            services.vote_record_on_site(
                actor=committee,
                vote=ov,
                elector=elector,
                choice="no" if i == 9 else "yes",
                now=now - timedelta(days=9),
            )
        services.vote_close(actor=committee, vote=ov, now=now - timedelta(days=3))

    # 6. Legal questions (R6.1) and a legal-education event.
    answered = services.question_ask(
        actor=granny,
        category="family",
        question="我想立一份遗嘱，把房子留给孙女，需要办理公证吗？",
        today=today - timedelta(days=12),
    )
    services.question_answer(
        actor=advisor,
        question=answered,
        answer="自书遗嘱、代书遗嘱等都是有效形式，不必须公证（《民法典》第一千一百三十四条起）。建议到社区法律服务点"
        "当面咨询，由我们协助审阅。",
        today=today - timedelta(days=9),
    )
    services.question_ask(
        actor=head,
        category="neighbour",
        question="楼上邻居长期在晚上 11 点后装修，物业不管，我可以怎么办？",
        today=today - timedelta(days=14),
    )
    services.question_ask(actor=granny, category="property", question="物业费涨价需要经过业主同意吗？", today=today)
    event = services.gathering_create(
        actor=advisor,
        kind=Gathering.Kind.LEGAL_EDUCATION,
        title="民法典进社区：遗嘱与继承",
        community=community,
        starts_at=_at(today + timedelta(days=7), 9, 30),
        place="社区党群服务中心一楼",
        capacity=40,
    )
    services.gathering_register(actor=granny, gathering=event)
    services.gathering_register(actor=head, gathering=event)
    return Participant.objects.filter(gathering__community=community).count()
