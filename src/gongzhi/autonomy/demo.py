"""Demo data through the services, in the first community of 旌阳街道: a 居民公约 adopted by a 居民会议 vote, filed and
in force, with its points rules; a revision out for comment; points awarded, a deduction under objection, a household
transfer and a redemption catalogue with named funding; the 居务监督委员会 elected, finances, a published finding, an
overdue inquiry and a resident's request; a 道德讲堂 with sign-ups and a 文明家庭 selection in its 公示 period.
Idempotent (nothing is added once the community has a convention)."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from gongzhi.core.actors import SYSTEM
from gongzhi.people.models import User
from gongzhi.residents.models import Household, Resident
from gongzhi.territory.models import Division, Level

from . import services
from .models import Convention, ConventionVersion

TZ = ZoneInfo("Asia/Shanghai")

BODY = """第一条 为推进社区居民自治，弘扬社会主义核心价值观，建设和谐文明社区，\
根据《中华人民共和国城市居民委员会组织法》和《德阳市社区治理条例》，经居民会议讨论通过，制定本公约。
第二条 爱党爱国，遵纪守法，依法理性表达诉求。
第三条 爱护公共设施，不乱贴乱画，不占用消防通道和公共绿地。
第四条 生活垃圾分类投放，不高空抛物，不乱扔杂物。
第五条 邻里互助，尊老爱幼，关心独居老人、留守儿童和残疾人。
第六条 积极参加志愿服务、文明实践和社区协商议事。
第七条 本公约实行积分制，积分细则附后。积分只用于表彰和兑换，扣分不涉及罚款，不影响居民依法享有的公共服务。
第八条 本公约由居民委员会监督执行，居务监督委员会对执行情况进行监督。"""

RULES = (
    ("JF-01", "award", "参加社区志愿服务（每小时）", 1, "以志愿服务记录为准"),
    ("JF-02", "award", "垃圾分类示范户（每季度评定）", 5, "由网格员按季度评定"),
    ("JF-03", "award", "协助调解邻里纠纷", 3, "经人民调解委员会确认"),
    ("JF-04", "award", "参加道德讲堂、文明实践活动", 1, "以签到记录为准"),
    ("KF-01", "deduction", "高空抛物经查实", 5, "经网格员核实并告知本人后扣分"),
    ("KF-02", "deduction", "占用消防通道经劝导不改", 3, "劝导记录附后"),
)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ)


def seed_autonomy() -> int:
    community = Division.objects.filter(parent__code="510603001000", level=Level.COMMUNITY).order_by("path").first()
    worker = User.objects.filter(username="worker").first()
    if community is None or worker is None or Convention.objects.filter(community=community).exists():
        return 0
    if Resident.objects.filter(community=community).count() < 10:
        return 0
    with transaction.atomic():
        _seed(community, worker)
    return 1


def _seed(community: Division, worker: User) -> None:
    supervisor = User.objects.get(username="supervisor")
    street = User.objects.get(username="street_official")
    # ---- the convention, adopted by a 居民会议 vote recorded on site, filed and published
    version = services.convention_create(
        actor=worker, community=community, kind="convention", title=f"{community.name}居民公约", body=BODY
    )
    for code, kind, title, points, text in RULES:
        services.rule_add(actor=worker, version=version, code=code, kind=kind, title=title, points=points, text=text)
    services.comment_open(actor=worker, version=version, working_days=10, today=date(2026, 9, 14))
    granny = Resident.objects.filter(account__username="resident").first()
    if granny is not None:
        grant_user = User.objects.get(username="resident")
        services.comment_add(
            actor=grant_user, version=version, body="建议把关心独居老人写得更具体些。", today=date(2026, 9, 15)
        )
    vote_day = date(2026, 10, 10)
    version = services.version_put_to_vote(
        actor=worker, version=version, closes_at=_at(vote_day, 18), now=_at(vote_day, 9)
    )
    _record_show_of_hands(worker, version, vote_day)
    version = services.version_take_vote_result(actor=worker, version=version, today=vote_day)
    if version.status != ConventionVersion.Status.ADOPTED:
        return
    services.filing_submit(actor=worker, version=version, today=date(2026, 10, 12))
    services.filing_review(
        actor=street,
        version=version,
        accepted=True,
        note="经审查，未发现与法律法规相抵触，予以备案。",
        today=date(2026, 10, 16),
    )
    version = services.version_publish(actor=worker, version=version, today=date(2026, 10, 19))
    # a revision out for comment, so the diff page has something to show
    revision = services.version_draft(
        actor=worker,
        convention=version.convention,
        body=BODY.replace("不高空抛物，不乱扔杂物。", "不高空抛物，不乱扔杂物；文明养犬，出门牵绳，及时清理犬只粪便。"),
        change_note="增加文明养犬条款",
    )
    services.rule_add(actor=worker, version=revision, code="JF-05", kind="award", title="文明养犬示范户", points=3)
    services.comment_open(actor=worker, version=revision, working_days=15, today=date(2026, 11, 16))
    services.convention_create(
        actor=worker,
        community=community,
        kind="charter",
        title=f"{community.name}居民自治章程",
        body="第一章 总则\n第一条 本社区居民依法实行自我管理、自我服务、自我教育、自我监督。\n"
        "第二章 居民会议\n第二条 居民会议由居民委员会召集和主持，每年至少召开一次。",
    )
    # ---- points
    rules = {r.code: r for r in version.rules.all()}
    head = Resident.objects.filter(account__username="household_head").first()
    others = list(
        Resident.objects.filter(community=community, account__isnull=True, household__isnull=False).order_by("id")[:12]
    )
    for r in others[:8]:
        services.points_apply(
            actor=worker,
            rule=rules["JF-01"],
            resident=r,
            note="重阳节敬老志愿服务 2 小时",
            occurred_on=date(2026, 10, 25),
        )
    if granny is not None:
        services.points_apply(
            actor=worker, rule=rules["JF-04"], resident=granny, note="参加道德讲堂", occurred_on=date(2026, 10, 28)
        )
    if head is not None and head.household is not None:
        for _i in range(6):
            services.points_apply(
                actor=worker,
                rule=rules["JF-01"],
                resident=head,
                note="小区秩序维护志愿服务",
                occurred_on=date(2026, 10, 26),
            )
        services.points_apply(
            actor=worker,
            rule=rules["JF-02"],
            household=head.household,
            note="第三季度垃圾分类示范户",
            occurred_on=date(2026, 10, 30),
        )
        deduction = services.points_apply(
            actor=worker,
            rule=rules["KF-02"],
            resident=head,
            note="11 月 3 日电动车停放占用消防通道，劝导未改",
            occurred_on=date(2026, 11, 3),
        )
        services.objection_file(
            actor=User.objects.get(username="household_head"),
            deduction=deduction,
            reason="当天车辆是临时卸货，十分钟后已移走，有邻居可以作证。",
            today=date(2026, 11, 4),
        )
        services.transfer(
            actor=User.objects.get(username="household_head"),
            source=services.account_of_resident(head),
            target=services.account_of_household(head.household),
            amount=2,
            note="转入家庭积分",
        )
    for name, cost, funding, stock in (
        ("大米 5 斤", 10, "旌阳社区慈善基金（2026 年度积分兑换专项）", 40),
        ("社区理发服务一次", 5, "共建单位：德阳市某美发学校志愿捐赠", 30),
        ("洗衣液一瓶", 8, "辖区超市捐赠（捐赠协议已公开）", 25),
    ):
        services.catalogue_save(
            actor=worker, community=community, name=name, cost=cost, funding_source=funding, stock=stock
        )
    # ---- supervision committee
    members = [r for r in others[8:12] if services.supervision_conflict(r, community, on=date(2026, 10, 10)) is None][
        :3
    ]
    if members:
        services.election_record(
            actor=worker,
            community=community,
            body="residents_meeting",
            held_on=date(2026, 10, 10),
            term_start=date(2026, 10, 10),
            term_end=date(2031, 10, 9),
            minutes="居民会议选举产生第一届居务监督委员会，得票均过半数。",
            members=[
                services.Candidate(resident=m, position="chair" if i == 0 else "member", votes=300 - 20 * i)
                for i, m in enumerate(members)
            ],
        )
    for day, direction, amount, purpose, party in (
        (date(2026, 10, 8), "income", "20000.00", "区民政局社区保障资金（第四季度）", "旌阳区民政局"),
        (date(2026, 10, 15), "expense", "3860.00", "重阳节敬老活动物资", "德阳市某超市"),
        (date(2026, 10, 22), "expense", "860.00", "楼道灯更换", "德阳市旌阳区某电器维修部"),
    ):
        services.finance_record(
            actor=worker,
            community=community,
            occurred_on=day,
            direction=direction,
            amount_yuan=Decimal(amount),
            purpose=purpose,
            counterparty=party,
        )
    item = services.item_open(
        actor=supervisor,
        community=community,
        area="finance",
        title="重阳节敬老活动物资采购",
        description="核对采购清单、发票和领取签字",
        today=date(2026, 10, 20),
    )
    services.finding_record(
        actor=supervisor,
        item=item,
        conclusion="no_issue",
        text="采购清单、发票和领取签字一致，金额 3860 元，未发现问题。",
        today=date(2026, 10, 27),
    )
    services.inquiry_ask(
        actor=supervisor,
        community=community,
        question="楼道灯更换 860 元是否经过比价？请提供比价记录。",
        working_days=5,
        today=date(2026, 11, 2),
    )
    answered = services.inquiry_ask(
        actor=supervisor,
        community=community,
        question="社区活动室周末是否开放？",
        working_days=5,
        today=date(2026, 11, 2),
    )
    services.inquiry_answer(
        actor=worker, inquiry=answered, answer="周末 9:00–17:00 开放，由志愿者值守。", today=date(2026, 11, 4)
    )
    services.inquiries_mark_overdue(today=date(2026, 11, 20))
    if granny is not None:
        services.request_file(
            actor=User.objects.get(username="resident"),
            subject="小区电梯维修费用去向",
            details="今年电梯维修两次，希望公开费用和维修记录。",
            today=date(2026, 11, 18),
        )
    # ---- culture and 文明家庭
    activity = services.activity_create(
        actor=worker,
        community=community,
        kind="moral_lecture",
        title="道德讲堂：好家风好家训",
        description="邀请社区“好婆婆”“好邻居”讲述家风故事，现场交流。",
        place="社区党群服务中心二楼多功能室",
        starts_at=_at(date(2026, 12, 5), 15),
        capacity=60,
    )
    from gongzhi.consult import services as consult

    from .selectors import gathering_of

    g = gathering_of(activity)
    for username in ("resident", "household_head"):
        user = User.objects.get(username=username)
        consult.gathering_register(actor=user, gathering=g, now=_at(date(2026, 11, 20), 10))
    selection = services.selection_create(
        actor=worker,
        community=community,
        year=2026,
        title="2026 年度文明家庭评选",
        criteria="爱国守法、家庭和睦、尊老爱幼、邻里互助、热心公益。",
    )
    households = list(Household.objects.filter(community=community).order_by("id")[:3])
    deeds = ("照顾瘫痪婆婆十二年，邻里称道", "全家参加社区志愿服务累计 300 小时", "热心调解楼栋邻里纠纷")
    nominations = []
    for h, deed in zip(households, deeds, strict=False):
        head_of = h.members.filter(relation="head").first()
        nominations.append(
            services.nominate(
                actor=worker,
                selection=selection,
                household=h,
                family_name=f"{head_of.name if head_of else h.household_no}家庭",
                deeds=deed,
            )
        )
    services.selection_close_nominations(actor=worker, selection=selection)
    for n in nominations:
        services.nomination_review(actor=worker, nomination=n, shortlist=True, note="经入户核实，事迹属实")
    services.publicity_start(actor=worker, selection=selection, working_days=7, today=date(2026, 11, 16))


def _record_show_of_hands(worker: User, version: ConventionVersion, day: date) -> None:
    """The 居民会议's show of hands, recorded on site for 60% of the electorate (the rest did not attend)."""
    from gongzhi.consult import services as consult
    from gongzhi.consult.models import Elector

    vote = services.linked_vote(version)
    electors = list(Elector.objects.filter(vote=vote).order_by("id"))
    attending = electors[: max(1, len(electors) * 6 // 10)]
    for i, elector in enumerate(attending):
        choice = "no" if i % 15 == 0 else ("abstain" if i % 23 == 0 else "yes")
        consult.vote_record_on_site(actor=worker, vote=vote, elector=elector, choice=choice, now=_at(day, 10))
    consult.vote_close(actor=SYSTEM, vote=vote, now=_at(day, 18))
