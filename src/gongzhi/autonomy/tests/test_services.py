"""居民自治 through the services: conventions (R5.1), the double-entry points ledger (D11), the supervision committee
(R5.3), culture and 文明家庭 (R7.1, R7.2) and corrections from supervision findings (R20.3)."""

import random
from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone

from gongzhi.autonomy import selectors, services
from gongzhi.autonomy.models import (
    ConventionVersion,
    FamilyNomination,
    FamilySelection,
    Finding,
    Inquiry,
    PointsAccount,
    PointsEntry,
    PointsObjection,
    PointsTransaction,
    SupervisionMember,
)
from gongzhi.consult import services as consult
from gongzhi.consult.models import Participant, Vote
from gongzhi.core.actors import SYSTEM
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ServiceError
from gongzhi.core.roles import Role
from gongzhi.duties.models import CorrectionOrder
from gongzhi.ledger.models import AuditEvent, Disclosure
from gongzhi.people.models import RoleAssignment
from gongzhi.residents import fake
from gongzhi.residents import services as residents
from gongzhi.residents.models import Resident
from gongzhi.workdays.calendar import WorkingCalendar

from .conftest import CONVENTION_BODY, TODAY, World, adopt, at

pytestmark = pytest.mark.django_db


def person(
    world: World, name: str, *, household: Any = None, relation: str = "other", born: date = date(1975, 1, 1)
) -> Resident:
    rng = random.Random(name)
    place = residents.place_of(world.community)
    if household is None:
        household = residents.household_create(
            actor=SYSTEM,
            place=place,
            household_no=f"H-T-{abs(hash(name)) % 10**8}",
            address="德阳市旌阳区岷江西路 8 号",
        )
        relation = "head"
    return residents.resident_register(
        actor=SYSTEM,
        place=place,
        name=name,
        id_number=fake.id_number(rng, born, "F", "510603"),
        residence_status="registered",
        household=household,
        relation=relation,
    )


def household_of(resident: Resident) -> Any:
    assert resident.household is not None
    return resident.household


def check_double_entry() -> None:
    """Every transaction's entries sum to zero, and so does the whole ledger."""
    for tx in PointsTransaction.objects.all():
        legs = list(tx.entries.values_list("amount", flat=True))
        assert len(legs) >= 2 and sum(legs) == 0 and 0 not in legs, tx
    assert (PointsEntry.objects.aggregate(t=Sum("amount"))["t"] or 0) == 0


# ---- conventions ---------------------------------------------------------------------------------------------------


@pytest.mark.clause("R5.1")
def test_a_convention_is_adopted_by_vote_filed_and_published_on_the_ledger(world: World) -> None:
    version = world.version
    assert version.status == ConventionVersion.Status.IN_FORCE and version.body_type == "residents_meeting"
    assert "通过" in version.vote_summary and version.filing == ConventionVersion.Filing.SUBMITTED
    disclosure = Disclosure.objects.get(pk=version.disclosure_id or 0)
    assert "KF-01 高空抛物经查实（-5）" in disclosure.body and disclosure.source_id == str(version.pk)
    vote = services.linked_vote(version)
    assert vote.quorum == Vote.Quorum.HALF and vote.subject_id == str(version.pk)
    # the street office records receipt of the filing
    reviewed = services.filing_review(
        actor=world.user("street_official"), version=version, accepted=True, note="无异议"
    )
    assert reviewed.filing == ConventionVersion.Filing.RECEIVED
    ack = services.acknowledge(actor=world.user("resident"), version=version)
    assert services.acknowledge(actor=world.user("resident"), version=version).pk == ack.pk


@pytest.mark.clause("R5.1")
def test_a_revision_is_commented_diffed_and_supersedes_the_old_version(world: World) -> None:
    worker = world.user("worker")
    v2 = services.version_draft(
        actor=worker,
        convention=world.version.convention,
        body=CONVENTION_BODY.replace("不高空抛物。", "不高空抛物，文明养犬。"),
        change_note="增加文明养犬",
    )
    assert [r.code for r in v2.rules.all()] == ["JF-01", "KF-01"]  # the rules travel with the text
    services.rule_add(actor=worker, version=v2, code="JF-02", kind="award", title="文明养犬示范户", points=3)
    diff = selectors.version_diff(world.version, v2)
    assert any(d.kind == "added" and "文明养犬" in d.text for d in diff)
    assert any(d.kind == "removed" and "第三条" in d.text for d in diff)
    assert any(d.kind == "added" and "JF-02" in d.text for d in diff)
    with pytest.raises(Conflict):  # outside the comment period
        services.comment_add(actor=world.user("resident"), version=v2, body="建议写明遛狗牵绳", today=TODAY)
    services.comment_open(actor=worker, version=v2, working_days=3, today=TODAY)
    services.comment_add(actor=world.user("resident"), version=v2, body="建议写明遛狗牵绳", today=TODAY)
    with pytest.raises(Forbidden):  # staff do not comment as residents
        services.comment_add(actor=worker, version=v2, body="…", today=TODAY)
    v2 = ConventionVersion.objects.get(pk=v2.pk)
    with pytest.raises(Conflict):  # the comment period has not ended
        services.version_put_to_vote(
            actor=worker, version=v2, closes_at=at(date(2026, 3, 4), 18), now=at(date(2026, 3, 4), 9)
        )
    v2.status = ConventionVersion.Status.DRAFT  # (reset the state only to reuse the full path helper)
    v2.save(update_fields=["status"])
    adopted = adopt(v2, worker=worker, voters=[world.user("resident"), world.user("household_head")])
    assert adopted.status == ConventionVersion.Status.IN_FORCE
    old = ConventionVersion.objects.get(pk=world.version.pk)
    assert old.status == ConventionVersion.Status.SUPERSEDED
    # a rule of the superseded version is refused, a rule of the new one applies
    with pytest.raises(Conflict) as refused:
        services.points_apply(actor=worker, rule=world.award, resident=world.granny, note="志愿服务 2 小时")
    assert refused.value.code == "rule_not_in_force" and "已被新版本替代" in str(refused.value.message)
    new_rule = adopted.rules.get(code="JF-01")
    services.points_apply(actor=worker, rule=new_rule, resident=world.granny, note="志愿服务 1 小时")


@pytest.mark.clause("R5.1")
def test_a_failed_vote_does_not_adopt_and_a_vote_without_quorum_is_refused(world: World) -> None:
    worker = world.user("worker")
    v2 = services.version_draft(
        actor=worker, convention=world.version.convention, body="第一条 修改稿。", change_note="精简"
    )
    rejected = adopt(v2, worker=worker, voters=[world.user("resident"), world.user("household_head")], yes=False)
    assert rejected.status == ConventionVersion.Status.REJECTED and rejected.adopted_on is None
    with pytest.raises(Conflict):
        services.filing_submit(actor=worker, version=rejected)
    with pytest.raises(Conflict):
        services.version_publish(actor=worker, version=rejected)
    assert ConventionVersion.objects.get(pk=world.version.pk).status == ConventionVersion.Status.IN_FORCE
    v3 = services.version_draft(
        actor=worker, convention=world.version.convention, body="第一条 第三稿。", change_note="再改"
    )
    services.comment_open(actor=worker, version=v3, working_days=3, today=TODAY)
    no_quorum = consult.vote_open(
        actor=worker,
        meeting_or_scope=world.community,
        question="是否通过第三稿",
        method=Vote.Method.PERSON,
        electorate=Vote.Electorate.COMMUNITY,
        closes_at=at(date(2026, 3, 10), 18),
        subject=v3,
        now=at(date(2026, 3, 10), 9),
    )
    with pytest.raises(ServiceError) as refused:
        services.version_link_vote(actor=worker, version=v3, vote=no_quorum, today=date(2026, 3, 10))
    assert "参加人数要求" in str(refused.value.message)


@pytest.mark.clause("R5.1")
def test_a_residents_representatives_meeting_adopts_through_its_representatives(world: World) -> None:
    from gongzhi.consult.models import MeetingForm

    worker = world.user("worker")
    v2 = services.version_draft(
        actor=worker, convention=world.version.convention, body="第一条 代表会议修改稿。", change_note="代表会议"
    )
    services.comment_open(actor=worker, version=v2, working_days=3, today=TODAY)
    day = consult.earliest_meeting_day(form=MeetingForm.REP_ASSEMBLY, noticed_on=TODAY)
    meeting = consult.meeting_convene(
        actor=worker,
        community=world.community,
        form=MeetingForm.REP_ASSEMBLY,
        title="第三届居民代表会议第二次会议",
        notice="审议居民公约修改稿",
        starts_at=at(day, 19),
        place="社区党群服务中心",
        representatives=[world.granny, world.head, world.spouse],
        noticed_on=TODAY,
    )
    with pytest.raises(ServiceError):  # a representatives' vote needs its meeting
        services.version_put_to_vote(
            actor=worker, version=v2, closes_at=at(day, 21), representatives=True, now=at(day, 19)
        )
    v2 = services.version_put_to_vote(
        actor=worker, version=v2, closes_at=at(day, 21), meeting=meeting, representatives=True, now=at(day, 19)
    )
    vote = services.linked_vote(v2)
    assert v2.body_type == "representatives_meeting" and vote.electorate_count == 3
    for name in ("resident", "household_head"):
        consult.vote_cast(actor=world.user(name), vote=vote, choice="yes", now=at(day, 20))
    consult.vote_close(actor=worker, vote=vote, now=at(day, 21))
    v2 = services.version_take_vote_result(actor=worker, version=v2, today=day)
    assert v2.status == ConventionVersion.Status.ADOPTED and v2.vote_summary.startswith("居民代表会议表决")


@pytest.mark.clause("R5.1")
def test_publication_needs_the_filing_and_the_vote_must_be_closed(world: World) -> None:
    worker = world.user("worker")
    v2 = services.version_draft(
        actor=worker, convention=world.version.convention, body="第一条 新稿。", change_note="改"
    )
    services.comment_open(actor=worker, version=v2, working_days=3, today=TODAY)
    v2 = services.version_put_to_vote(
        actor=worker, version=v2, closes_at=at(date(2026, 3, 10), 18), now=at(date(2026, 3, 10), 9)
    )
    with pytest.raises(Conflict) as early:
        services.version_take_vote_result(actor=worker, version=v2)
    assert early.value.code == "vote_open"
    vote = services.linked_vote(v2)
    for name in ("resident", "household_head"):
        consult.vote_cast(actor=world.user(name), vote=vote, choice="yes", now=at(date(2026, 3, 10), 11))
    consult.vote_close(actor=worker, vote=vote, now=at(date(2026, 3, 10), 19))
    v2 = services.version_take_vote_result(actor=worker, version=v2, today=date(2026, 3, 10))
    with pytest.raises(Conflict) as unfiled:
        services.version_publish(actor=worker, version=v2)
    assert unfiled.value.code == "not_filed"
    services.filing_submit(actor=worker, version=v2)
    services.filing_review(
        actor=world.user("street_official"), version=v2, accepted=False, note="第一条与上位法表述不一致"
    )
    with pytest.raises(Conflict):
        services.version_publish(actor=worker, version=v2)


# ---- points --------------------------------------------------------------------------------------------------------


@pytest.mark.clause("D11")
@pytest.mark.clause("R5.1")
def test_double_entry_invariants_and_derived_balances(world: World) -> None:
    worker = world.user("worker")
    services.points_apply(actor=worker, rule=world.award, resident=world.granny, note="志愿服务 1 小时")
    services.points_apply(actor=worker, rule=world.award, resident=world.granny, note="志愿服务 1 小时")
    services.points_apply(actor=worker, rule=world.award, household=household_of(world.head), note="家庭志愿服务")
    services.points_apply(actor=worker, rule=world.deduction, resident=world.head, note="3 月 5 日高空抛物，网格员核实")
    check_double_entry()
    granny = services.account_of_resident(world.granny)
    head = services.account_of_resident(world.head)
    assert services.balance(granny) == 2 and services.balance(head) == -5
    assert services.balance(services.account_of_household(household_of(world.head))) == 1
    for account in PointsAccount.objects.all():  # a balance is exactly the sum of its entries
        assert services.balance(account) == sum(account.entries.values_list("amount", flat=True))
    tx = PointsTransaction.objects.filter(kind="deduction").get()
    assert tx.rule == world.deduction and tx.recorder == worker and "KF-01" in tx.basis
    assert AuditEvent.objects.filter(action="autonomy.points_posted", target_id=str(tx.pk)).exists()
    with pytest.raises(ValueError):  # the posting primitive itself refuses an unbalanced transaction
        services._post(
            actor=worker,
            kind="award",
            community=world.community,
            legs=[services.Leg(granny, 3), services.Leg(head, -2)],
            basis="x",
        )


@pytest.mark.clause("D11")
def test_a_deduction_is_contested_and_reversed_by_a_compensating_transaction(world: World) -> None:
    worker, head_user = world.user("worker"), world.user("household_head")
    deduction = services.points_apply(actor=worker, rule=world.deduction, resident=world.head, note="高空抛物")
    account = services.account_of_resident(world.head)
    assert services.balance(account) == -5
    with pytest.raises(NotFound):  # only the person deducted (or their household) may object
        services.objection_file(actor=world.user("resident"), deduction=deduction, reason="不是他")
    objection = services.objection_file(
        actor=head_user, deduction=deduction, reason="当天不在家，有监控为证", today=TODAY
    )
    assert objection.due_on == WorkingCalendar().add_working_days(TODAY, services.OBJECTION_REVIEW_WORKING_DAYS)
    with pytest.raises(Conflict):
        services.objection_file(actor=head_user, deduction=deduction, reason="再提一次")
    decided = services.objection_decide(actor=worker, objection=objection, upheld=True, decision="监控显示非本户所为")
    assert decided.status == PointsObjection.Status.UPHELD
    reversal = PointsTransaction.objects.get(reverses=deduction)
    assert reversal.kind == "reversal" and sorted(reversal.entries.values_list("amount", flat=True)) == [-5, 5]
    assert services.balance(account) == 0
    assert PointsTransaction.objects.filter(pk=deduction.pk).exists()  # history kept, never edited
    check_double_entry()
    with pytest.raises(Conflict):
        services.objection_decide(actor=worker, objection=objection, upheld=True, decision="again")


@pytest.mark.clause("D11")
@pytest.mark.clause("R5.1")
def test_a_rule_not_in_an_adopted_convention_is_refused(world: World) -> None:
    worker = world.user("worker")
    draft = services.version_draft(
        actor=worker, convention=world.version.convention, body="第一条 草稿。", change_note="草稿"
    )
    draft_rule = services.rule_add(
        actor=worker, version=draft, code="KF-09", kind="deduction", title="乱停车", points=2
    )
    before = services.balance(services.account_of_resident(world.head))
    with pytest.raises(Conflict) as refused:
        services.points_apply(actor=worker, rule=draft_rule, resident=world.head, note="乱停车")
    assert refused.value.code == "rule_not_in_force" and "起草中" in str(refused.value.message)
    assert services.balance(services.account_of_resident(world.head)) == before
    with pytest.raises(Conflict) as closed:  # rules change only through a new version
        services.rule_add(
            actor=worker, version=world.version, code="KF-10", kind="deduction", title="乱扔垃圾", points=1
        )
    assert closed.value.code == "rule_not_in_draft"


@pytest.mark.clause("D11")
@pytest.mark.clause("R5.1")
@pytest.mark.parametrize(
    ("kind", "title", "text", "term"),
    [
        ("deduction", "不按规定分类垃圾", "每次罚款 50 元", "罚款"),
        ("deduction", "拖欠物业费", "停水停电直至缴清", "停水"),
        ("deduction", "多次违规", "取消低保资格", "低保"),
        ("deduction", "违规搭建", "扣 100 元押金", "元"),
        ("fine", "乱停车", "", ""),
    ],
)
def test_a_rule_that_fines_or_restricts_public_services_is_refused(
    world: World, kind: str, title: str, text: str, term: str
) -> None:
    worker = world.user("worker")
    draft = services.version_draft(
        actor=worker, convention=world.version.convention, body="第一条 草稿。", change_note="x"
    )
    with pytest.raises(ServiceError) as refused:
        services.rule_add(actor=worker, version=draft, code="KF-99", kind=kind, title=title, points=5, text=text)
    message = str(refused.value.message)
    assert refused.value.code == "unlawful_rule" and "没有行政处罚权" in message and "行政处罚法" in message
    assert term in message
    assert not draft.rules.filter(code="KF-99").exists()


@pytest.mark.clause("D11")
def test_redemption_transfer_and_expiry(world: World) -> None:
    worker = world.user("worker")
    with pytest.raises(ServiceError):  # the funding source must be named
        services.catalogue_save(
            actor=worker, community=world.community, name="大米 5 斤", cost=5, funding_source="", stock=3
        )
    rice = services.catalogue_save(
        actor=worker, community=world.community, name="大米 5 斤", cost=5, funding_source="旌阳社区慈善基金", stock=1
    )
    for _i in range(6):
        services.points_apply(actor=worker, rule=world.award, resident=world.granny, note="志愿服务 1 小时")
    redemption = services.redeem(actor=world.user("resident"), item=rice)
    account = services.account_of_resident(world.granny)
    assert services.balance(account) == 1 and "慈善基金" in redemption.transaction.basis
    with pytest.raises(Conflict) as gone:
        services.redeem(actor=world.user("resident"), item=rice)
    assert gone.value.code == "out_of_stock"
    rice = services.catalogue_save(
        actor=worker,
        community=world.community,
        name="大米 5 斤",
        cost=5,
        funding_source="旌阳社区慈善基金",
        stock=5,
        item=rice,
    )
    with pytest.raises(Conflict) as poor:
        services.redeem(actor=world.user("resident"), item=rice)
    assert poor.value.code == "insufficient_points" and services.balance(account) == 1
    # transfer within the household only
    services.points_apply(actor=worker, rule=world.award, resident=world.head, note="志愿服务")
    head_account = services.account_of_resident(world.head)
    household_account = services.account_of_household(household_of(world.head))
    services.transfer(actor=world.user("household_head"), source=head_account, target=household_account, amount=1)
    assert services.balance(household_account) == 1 and services.balance(head_account) == 0
    with pytest.raises(Forbidden):
        services.transfer(actor=world.user("household_head"), source=household_account, target=account, amount=1)
    # expiry: points credited more than a year ago and still unspent (oldest points are spent first)
    spouse = services.account_of_resident(world.spouse)
    services.points_apply(
        actor=worker, rule=world.award, resident=world.spouse, note="去年的志愿服务", occurred_on=date(2025, 1, 5)
    )
    services.points_apply(
        actor=worker, rule=world.award, resident=world.spouse, note="今年的志愿服务", occurred_on=date(2026, 3, 1)
    )
    assert services.points_expire(today=date(2026, 3, 20), accounts=[spouse]) == 1
    assert services.balance(spouse) == 1  # the recent point stays; the old one (and only it) expired
    assert services.points_expire(today=date(2026, 3, 20), accounts=[spouse]) == 0
    assert PointsTransaction.objects.filter(kind="expiry").count() == 1
    check_double_entry()


# ---- supervision committee -----------------------------------------------------------------------------------------


def committee_member_with_family(world: World) -> tuple[Resident, Resident]:
    """张丽, the community worker, as a resident with a husband in her household."""
    zhang = person(world, "张丽")
    residents.account_link(actor=SYSTEM, resident=zhang, account=world.user("worker"))
    husband = person(world, "王军", household=zhang.household, relation="spouse")
    return zhang, husband


def elect(world: World, *members: Resident) -> Any:
    start = timezone.localdate()
    return services.election_record(
        actor=world.user("street_official"),
        community=world.community,
        body="residents_meeting",
        held_on=start,
        term_start=start,
        term_end=start.replace(year=start.year + 5) - timedelta(days=1),
        minutes="居民会议选举，应到 120 人，实到 86 人",
        members=[services.Candidate(resident=m) for m in members],
    )


@pytest.mark.clause("R5.3")
def test_a_committee_member_or_their_relative_may_not_serve(world: World) -> None:
    zhang, husband = committee_member_with_family(world)
    with pytest.raises(ServiceError) as member:
        elect(world, world.granny, zhang)
    assert member.value.code == "supervision_conflict" and "居民委员会成员，不得兼任" in str(member.value.message)
    with pytest.raises(ServiceError) as spouse:
        elect(world, world.granny, husband)
    assert "张丽 的近亲属" in str(spouse.value.message) and "王军" in str(spouse.value.message)
    sister = person(world, "张梅")
    elect(world, sister)  # nothing known yet
    services.relative_declare(actor=world.user("worker"), person=zhang, relative=sister, kind="sibling")
    with pytest.raises(ServiceError) as declared:
        services.election_record(
            actor=world.user("street_official"),
            community=world.community,
            body="residents_meeting",
            held_on=timezone.localdate(),
            term_start=timezone.localdate(),
            term_end=date(2031, 3, 31),
            minutes="补选",
            members=[services.Candidate(resident=sister)],
        )
    assert "近亲属" in str(declared.value.message)
    assert not SupervisionMember.objects.filter(resident__in=[zhang, husband]).exists()


@pytest.mark.clause("R5.3")
def test_an_elected_member_gets_the_supervision_role_for_the_term(world: World) -> None:
    election = elect(world, world.granny, world.spouse)
    assert election.members.count() == 2
    grant = RoleAssignment.objects.get(user=world.user("resident"), role=Role.SUPERVISION_MEMBER)
    assert grant.division == world.community and grant.ends_on == election.term_end


@pytest.mark.clause("R5.3")
def test_a_member_who_later_joins_the_committee_is_flagged_in_the_workspace(world: World, client_for: Any) -> None:
    elect(world, world.spouse)
    page = client_for("supervisor").get("/autonomy/supervision/").content.decode()
    assert "刘琴" in page and "任职冲突" not in page
    # 唐建国 (刘琴's husband) is later appointed to the residents' committee
    from gongzhi.people.services import role_assign

    role_assign(actor=SYSTEM, user=world.user("household_head"), role=Role.COMMUNITY_WORKER, division=world.community)
    page = client_for("supervisor").get("/autonomy/supervision/").content.decode()
    assert "任职冲突" in page and "唐建国 的近亲属" in page


@pytest.mark.clause("R5.3")
def test_an_inquiry_answered_late_is_flagged_overdue(world: World) -> None:
    supervisor, worker = world.user("supervisor"), world.user("worker")
    inquiry = services.inquiry_ask(
        actor=supervisor,
        community=world.community,
        question="三月份公益性岗位补贴发放明细为何未公开？",
        working_days=3,
        today=TODAY,
    )
    assert inquiry.due_on == date(2026, 3, 5)
    on_time = services.inquiry_ask(
        actor=supervisor, community=world.community, question="活动室开放时间？", today=TODAY
    )
    assert services.inquiries_mark_overdue(today=date(2026, 3, 5)) == 0
    assert services.inquiries_mark_overdue(today=date(2026, 3, 6)) == 1
    assert services.inquiries_mark_overdue(today=date(2026, 3, 6)) == 0  # idempotent
    late = services.inquiry_answer(
        actor=worker, inquiry=inquiry, answer="已于 3 月 9 日补充公开", today=date(2026, 3, 9)
    )
    assert late.overdue and late.status == Inquiry.Status.ANSWERED
    answered = services.inquiry_answer(actor=worker, inquiry=on_time, answer="每天 9:00–21:00", today=date(2026, 3, 3))
    assert not answered.overdue
    with pytest.raises(Conflict):
        services.inquiry_answer(actor=worker, inquiry=on_time, answer="again")
    with pytest.raises(Forbidden):  # the committee asks, the residents' committee answers
        services.inquiry_answer(actor=supervisor, inquiry=Inquiry.objects.get(pk=on_time.pk), answer="x")


@pytest.mark.clause("R5.3")
@pytest.mark.clause("R20.3")
def test_a_resident_request_becomes_an_item_with_a_published_finding_and_a_correction(world: World) -> None:
    supervisor = world.user("supervisor")
    request = services.request_file(
        actor=world.user("resident"), subject="楼道灯维修费用去向", details="去年收取的维修费未见公开", today=TODAY
    )
    services.request_handle(actor=supervisor, request=request, accept=True, response="已立项监督", area="finance")
    item = request.item if hasattr(request, "item") else None
    from gongzhi.autonomy.models import SupervisionItem

    item = SupervisionItem.objects.get(request=request)
    services.finance_record(
        actor=world.user("worker"),
        community=world.community,
        occurred_on=date(2026, 2, 10),
        direction="expense",
        amount_yuan="860.00",
        purpose="楼道灯更换",
        counterparty="德阳市旌阳区某电器维修部",
    )
    finding = services.finding_record(
        actor=supervisor, item=item, conclusion="issue", text="维修支出 860 元未按月公开，要求补充公开。", today=TODAY
    )
    disclosure = Disclosure.objects.get(pk=finding.disclosure_id or 0)
    assert disclosure.title == "居务监督意见：楼道灯维修费用去向" and "860" in disclosure.body
    order = services.correction_from_finding(
        actor=supervisor,
        finding=finding,
        issuer="residents_meeting",
        requirement="10 个工作日内补充公开",
        working_days=10,
        today=TODAY,
    )
    assert isinstance(order, CorrectionOrder) and order.source_id == str(finding.pk)
    assert order.source_type == "autonomy.finding" and order.target_unit.kind == "residents_committee"
    assert Finding.objects.get(pk=finding.pk).correction_order_id == order.pk
    with pytest.raises(Conflict):
        services.correction_from_finding(
            actor=supervisor, finding=finding, issuer="residents_meeting", requirement="again", working_days=5
        )
    # the supervisor reads the community's finances and audit trail, another community's worker does not
    assert selectors.finance(viewer=supervisor).count() == 1
    assert selectors.finance(viewer=world.user("worker_gh")).count() == 0
    from gongzhi.ledger.selectors import event_list

    assert event_list(viewer=supervisor).filter(action="autonomy.finding_recorded").exists()


# ---- culture and 文明家庭 ------------------------------------------------------------------------------------------


@pytest.mark.clause("R7.1")
@pytest.mark.clause("R7.2")
def test_an_activity_uses_consults_sign_up_and_attendance(world: World) -> None:
    activity = services.activity_create(
        actor=world.user("worker"),
        community=world.community,
        kind="moral_lecture",
        title="道德讲堂：好家风好家训",
        description="邀请身边好人讲述家风故事",
        place="社区党群服务中心二楼",
        starts_at=at(date(2026, 12, 20), 15),
        capacity=2,
    )
    gathering = selectors.gathering_of(activity)
    assert gathering.subject_id == str(activity.pk) and gathering.capacity == 2
    consult.gathering_register(actor=world.user("resident"), gathering=gathering, now=at(date(2026, 12, 1)))
    consult.gathering_attend(
        actor=world.user("worker"), gathering=gathering, resident=world.granny, now=at(date(2026, 12, 20), 15)
    )
    assert gathering.participants.get(resident=world.granny).status == Participant.Status.ATTENDED


@pytest.mark.clause("R7.2")
def test_family_selection_with_publicity_objection_and_result(world: World) -> None:
    worker = world.user("worker")
    selection = services.selection_create(
        actor=worker,
        community=world.community,
        year=2026,
        title="2026 年度文明家庭评选",
        criteria="爱国守法、家庭和睦、邻里互助",
    )
    tang = services.nominate(
        actor=world.user("resident"),
        selection=selection,
        household=household_of(world.head),
        family_name="唐建国家庭",
        deeds="照顾独居老人十年",
    )
    other = person(world, "李华")
    li = services.nominate(
        actor=worker, selection=selection, household=household_of(other), family_name="李华家庭", deeds="垃圾分类示范"
    )
    services.selection_close_nominations(actor=worker, selection=selection)
    services.nomination_review(actor=worker, nomination=tang, shortlist=True, note="事迹属实")
    services.nomination_review(actor=worker, nomination=li, shortlist=True, note="事迹属实")
    selection = services.publicity_start(actor=worker, selection=selection, working_days=5, today=TODAY)
    assert selection.publicity_until == date(2026, 3, 9)
    objection = services.family_object(
        actor=world.user("household_head"),
        nomination=FamilyNomination.objects.get(pk=li.pk),
        reason="曾多次乱扔垃圾",
        today=TODAY,
    )
    with pytest.raises(Conflict):
        services.selection_conclude(actor=worker, selection=selection, today=date(2026, 3, 10))
    services.family_objection_decide(actor=worker, objection=objection, upheld=True, finding="经核实属实")
    with pytest.raises(Conflict):  # the publicity period has not ended
        services.selection_conclude(actor=worker, selection=selection, today=date(2026, 3, 9))
    done = services.selection_conclude(actor=worker, selection=selection, today=date(2026, 3, 10))
    assert done.status == FamilySelection.Status.CONCLUDED
    assert FamilyNomination.objects.get(pk=tang.pk).status == FamilyNomination.Status.SELECTED
    assert FamilyNomination.objects.get(pk=li.pk).status == FamilyNomination.Status.WITHDRAWN
    body = Disclosure.objects.get(pk=done.disclosure_id or 0).body
    assert "唐建国家庭" in body and "李华家庭" not in body


@pytest.mark.clause("D11")
def test_an_objection_into_a_missing_year_gets_a_provisional_review_deadline(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongzhi.workdays import calendar
    from gongzhi.workdays import services as workdays

    monkeypatch.setattr(calendar, "_bundled_years", lambda: range(2004, 2027))  # the bundled data ends with 2026
    worker, head_user = world.user("worker"), world.user("household_head")
    deduction = services.points_apply(actor=worker, rule=world.deduction, resident=world.head, note="高空抛物")
    objection = services.objection_file(
        actor=head_user, deduction=deduction, reason="当天不在家", today=date(2026, 12, 28)
    )
    # 29–31 December, then Monday–Friday assumed: 1, 4–8, 11 January
    assert objection.due_provisional and objection.due_on == date(2027, 1, 11)
    workdays.override_set(actor=SYSTEM, day=date(2027, 1, 1), kind="holiday", name="元旦")
    objection.refresh_from_db()
    assert objection.due_provisional and objection.due_on == date(2027, 1, 12)  # the override counts already
    workdays.year_confirm(actor=SYSTEM, year=2027, basis="测试")
    objection.refresh_from_db()
    assert not objection.due_provisional and objection.due_on == date(2027, 1, 12)
    assert AuditEvent.objects.filter(action="autonomy.points_objection_due_recomputed").count() == 2


@pytest.mark.clause("R5.3")
def test_an_inquiry_into_a_missing_year_is_asked_with_a_provisional_deadline(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongzhi.autonomy.models import Inquiry
    from gongzhi.workdays import calendar
    from gongzhi.workdays import services as workdays
    from gongzhi.workdays.signals import waiting_on

    monkeypatch.setattr(calendar, "_bundled_years", lambda: range(2004, 2027))  # the bundled data ends with 2026
    inquiry = services.inquiry_ask(
        actor=world.user("supervisor"),
        community=world.community,
        question="春节慰问品采购比价记录？",
        working_days=5,
        today=date(2026, 12, 28),
    )
    # 29–31 December, then Monday–Friday assumed: 1 and 4 January
    assert inquiry.due_provisional and inquiry.due_on == date(2027, 1, 4)
    assert waiting_on(2027) == 1
    assert services.inquiries_mark_overdue(today=date(2027, 1, 5)) == 0  # a guessed date flags nobody
    answered = services.inquiry_answer(
        actor=world.user("worker"), inquiry=inquiry, answer="已公开比价记录。", today=date(2027, 1, 5)
    )
    assert answered.overdue  # late against the guessed date …
    workdays.override_set(actor=SYSTEM, day=date(2027, 1, 1), kind="holiday", name="元旦")
    workdays.year_confirm(actor=SYSTEM, year=2027, basis="测试")
    final = Inquiry.objects.get(pk=inquiry.pk)
    assert final.due_on == date(2027, 1, 5) and not final.due_provisional
    assert not final.overdue  # … but on time under the real calendar
    assert AuditEvent.objects.filter(action="autonomy.inquiry_due_recomputed", target_id=str(inquiry.pk)).exists()
