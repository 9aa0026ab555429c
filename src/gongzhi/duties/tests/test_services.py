from datetime import date
from decimal import Decimal

import pytest

from gongzhi.core.actors import SYSTEM
from gongzhi.core.errors import Conflict, ServiceError
from gongzhi.duties import selectors, services
from gongzhi.duties.certificates import FORBIDDEN_CERTIFICATES
from gongzhi.duties.models import (
    AdmissionApplication,
    Category,
    Certificate,
    CorrectionOrder,
    Task,
    ViolationCase,
)
from gongzhi.workdays.calendar import CalendarMissing

from .conftest import TODAY, World, application_values, build_list


def send(world: World, code: str, kind: str = Task.Kind.WORK_ITEM, who: str = "dept_official") -> Task:
    return services.task_send(
        actor=world.user(who),
        community=world.community,
        kind=kind,
        matter_code=code,
        title=f"任务 {code}",
        today=TODAY,
    )


@pytest.mark.clause("R10.2")
def test_gate_delivers_listed_items_with_their_resources(world: World) -> None:
    task = send(world, "XZ-001")
    assert task.status == Task.Status.DELIVERED
    assert task.list_version == world.version
    assert task.funds_yuan == Decimal("3000.00") and task.funds_source == "区财政按年拨付"
    assert task.training == "每年一次业务培训"
    plaque = send(world, "PZ-001", kind=Task.Kind.PLAQUE, who="street_official")
    assert plaque.status == Task.Status.DELIVERED
    # Inspections of listed work are the street office's: a department alone may not inspect or assess.
    assert send(world, "XZ-001", kind=Task.Kind.INSPECTION, who="street_official").status == Task.Status.DELIVERED
    alone = send(world, "XZ-001", kind=Task.Kind.INSPECTION)
    assert alone.status == Task.Status.REFUSED and "不得单独对社区考核、检查、评比" in alone.reason


@pytest.mark.clause("R10.2")
def test_gate_refuses_off_list_tasks_with_the_reason(world: World) -> None:
    task = send(world, "XX-999", kind=Task.Kind.DATA_REQUEST)
    assert task.status == Task.Status.REFUSED
    assert "不在旌阳区权责清单" in task.reason and "未经准入审批" in task.reason
    assert not ViolationCase.objects.filter(task=task).exists()
    wrong = send(world, "LZ-001", kind=Task.Kind.PLAQUE)
    assert wrong.status == Task.Status.REFUSED and "不能以“挂牌”的形式派发" in wrong.reason
    no_code = send(world, "", kind=Task.Kind.APP_PROMOTION)
    assert no_code.status == Task.Status.REFUSED


@pytest.mark.clause("R10.2")
@pytest.mark.clause("R20.2")
def test_a_negative_list_task_is_refused_and_opens_a_violation_case(world: World) -> None:
    task = send(world, "FM-001")
    assert task.status == Task.Status.VIOLATION and "负面清单" in task.reason
    case = ViolationCase.objects.get(task=task)
    assert case.offender == world.housing and case.source == ViolationCase.Source.GATE
    assert case.scope_path == world.community.path


@pytest.mark.clause("R10.1")
def test_an_expired_list_version_is_never_used_for_a_new_task(world: World) -> None:
    # The list expired the day before: no new task may rest on it, whatever the caller asks.
    world.version.effective_to = date(2026, 2, 28)
    world.version.save(update_fields=["effective_to"])
    decision = selectors.community_may_receive(matter_code="XZ-001", community=world.community, on=TODAY)
    assert not decision.allowed and decision.code == "no_list"
    task = send(world, "XZ-001")
    assert task.status == Task.Status.REFUSED and task.list_version is None
    # A newer version takes over only from its own effective date.
    newer = build_list(world.county, effective_from=date(2026, 3, 1))
    assert selectors.community_may_receive(matter_code="XZ-001", community=world.community, on=TODAY).version == newer
    assert (
        selectors.community_may_receive(matter_code="XZ-001", community=world.community, on=date(2026, 2, 1)).version
        == world.version
    )


@pytest.mark.clause("R10.1")
def test_publishing_a_new_version_closes_the_previous_one(world: World) -> None:
    newer = build_list(world.county, effective_from=date(2026, 7, 1))
    world.version.refresh_from_db()
    assert world.version.effective_to == date(2026, 6, 30)
    assert (
        selectors.community_may_receive(matter_code="LZ-001", community=world.community, on=date(2026, 8, 1)).version
        == newer
    )
    with pytest.raises(Conflict):
        build_list(world.county, effective_from=date(2026, 6, 1))


@pytest.mark.clause("R10.1")
def test_an_application_missing_resources_or_basis_is_refused_with_the_fields_named(world: World) -> None:
    dept = world.user("dept_official")
    with pytest.raises(ServiceError) as caught:
        services.application_submit(
            actor=dept,
            today=TODAY,
            **application_values(legal_basis="", funds_yuan=Decimal("0"), funds_source="", staff=""),
        )
    assert caught.value.code == "incomplete_application"
    assert {"legal_basis", "resources", "funds_yuan"} <= set(caught.value.fields)
    with pytest.raises(ServiceError) as late:
        services.application_submit(actor=dept, today=TODAY, **application_values(starts_on=date(2026, 3, 20)))
    assert late.value.code == "too_late" and "starts_on" in late.value.fields
    with pytest.raises(ServiceError) as negative:
        services.application_submit(actor=dept, today=TODAY, **application_values(code="FM-001"))
    assert "负面清单" in str(negative.value.fields["code"])


@pytest.mark.clause("R10.1")
def test_a_deadline_crossing_into_an_unentered_year_is_refused_clearly(world: World) -> None:
    with pytest.raises(CalendarMissing) as caught:
        services.application_submit(
            actor=world.user("dept_official"),
            today=date(2026, 12, 1),
            **application_values(starts_on=date(2027, 2, 1), ends_on=date(2027, 6, 30)),
        )
    assert caught.value.status == 409 and "2027" in str(caught.value.message)


@pytest.mark.clause("R10.1")
@pytest.mark.clause("R10.2")
def test_admission_lets_the_item_join_the_list_for_its_validity(world: World) -> None:
    application = services.application_submit(actor=world.user("dept_official"), today=TODAY, **application_values())
    assert application.review_due_on == date(2026, 3, 23)  # 15 working days
    assert send(world, "ZR-001").reason.endswith("审批通过前社区有权拒绝。")
    decided = services.application_decide(
        actor=world.user("county_authority"),
        application=application,
        admit=True,
        meeting_reference="旌阳区社区减负联席会议纪要〔2026〕3号",
        meeting_date=date(2026, 3, 10),
    )
    assert decided.status == AdmissionApplication.Status.ADMITTED
    before = selectors.community_may_receive(matter_code="ZR-001", community=world.community, on=date(2026, 5, 5))
    assert not before.allowed
    task = services.task_send(
        actor=world.user("dept_official"),
        community=world.community,
        kind=Task.Kind.WORK_ITEM,
        matter_code="ZR-001",
        title="征集改造意愿",
        today=date(2026, 5, 6),
    )
    assert task.status == Task.Status.DELIVERED and task.staff == "住建局派驻联络员 1 名"
    assert task.funds_yuan == Decimal("8000.00")
    with pytest.raises(ServiceError):
        services.application_exit(
            actor=world.user("county_authority"), application=decided, reason="residents_reject", note=""
        )
    services.application_exit(
        actor=world.user("county_authority"),
        application=decided,
        reason=AdmissionApplication.ExitReason.RESIDENTS_REJECT,
        note="2026年6月居民会议表决不认可",
        today=date(2026, 6, 10),
    )
    after = selectors.community_may_receive(matter_code="ZR-001", community=world.community, on=date(2026, 6, 11))
    assert not after.allowed
    # The community refuses the already delivered task in one step now its basis is gone.
    refused = services.task_refuse(actor=world.user("worker"), task=task, note="", today=date(2026, 6, 11))
    assert refused.status == Task.Status.REFUSED_BY_COMMUNITY


@pytest.mark.clause("R10.1")
def test_a_second_decision_on_one_application_is_a_conflict(world: World) -> None:
    application = services.application_submit(actor=world.user("dept_official"), today=TODAY, **application_values())
    authority = world.user("county_authority")
    services.application_decide(
        actor=authority, application=application, admit=True, meeting_reference="纪要1号", meeting_date=TODAY
    )
    with pytest.raises(Conflict) as caught:
        services.application_decide(
            actor=authority,
            application=application,
            admit=False,
            meeting_reference="纪要2号",
            meeting_date=TODAY,
            refusal_ground="own_duty",
        )
    assert caught.value.code == "already_decided" and "已准入" in str(caught.value.message)


@pytest.mark.clause("R20.2")
def test_an_application_refused_as_own_duty_makes_later_tasks_violations(world: World) -> None:
    application = services.application_submit(
        actor=world.user("dept_official"), today=TODAY, **application_values(code="ZJ-009", name="违法建筑巡查")
    )
    services.application_decide(
        actor=world.user("county_authority"),
        application=application,
        admit=False,
        meeting_reference="纪要4号",
        meeting_date=TODAY,
        refusal_ground=AdmissionApplication.RefusalGround.OWN_DUTY,
    )
    task = send(world, "ZJ-009", kind=Task.Kind.INSPECTION)
    assert task.status == Task.Status.VIOLATION and "自身职责" in task.reason


@pytest.mark.clause("R10.2")
@pytest.mark.clause("R20.2")
def test_a_community_reports_a_task_received_outside_the_platform(world: World) -> None:
    task = services.task_report(
        actor=world.user("worker"),
        community=world.community,
        sender_unit=world.civil,
        kind=Task.Kind.DATA_REQUEST,
        title="微信群要求三天内填报独居老人台账",
        today=TODAY,
    )
    assert task.status == Task.Status.REPORTED and not task.via_platform
    case = ViolationCase.objects.get(task=task)
    assert case.source == ViolationCase.Source.REPORT and case.offender == world.civil
    with pytest.raises(Conflict):
        services.task_refuse(actor=world.user("worker"), task=send(world, "LZ-001"), note="", today=TODAY)


@pytest.mark.clause("D24")
def test_every_forbidden_certificate_is_refused_with_the_reason(world: World) -> None:
    assert len(FORBIDDEN_CERTIFICATES) == 20
    worker = world.user("worker")
    for name in (*FORBIDDEN_CERTIFICATES, "户籍证明"):
        with pytest.raises(ServiceError) as caught:
            services.certificate_issue(
                actor=worker, community=world.community, requested=name, holder_name="张三", purpose="办事", content="x"
            )
        assert caught.value.code == "forbidden_certificate"
        assert "民发〔2020〕20号" in str(caught.value.message) and "不得出具" in str(caught.value.message)
    with pytest.raises(ServiceError) as off_list:
        services.certificate_issue(
            actor=worker, community=world.community, requested="品行证明", holder_name="张三", purpose="x", content="x"
        )
    assert off_list.value.code == "not_on_certificate_list"
    # Nor can the county put one of them on its list.
    draft = services.list_version_create(
        actor=SYSTEM, county=world.county, title="草稿", effective_from=date(2027, 1, 1)
    )
    with pytest.raises(ServiceError) as listed:
        services.list_item_add(
            actor=SYSTEM, version=draft, category=Category.CERTIFICATE, code="ZM-9", name="健在证明", legal_basis="x"
        )
    assert "民发〔2020〕20号" in str(listed.value.fields["name"])


@pytest.mark.clause("D24")
def test_issued_certificates_are_numbered_and_verifiable(world: World) -> None:
    worker = world.user("worker")
    first = services.certificate_issue(
        actor=worker,
        community=world.community,
        requested="ZM-001",
        holder_name="唐建国",
        purpose="申请公共租赁住房",
        content="兹证明唐建国自2019年起居住在本社区。",
        today=TODAY,
    )
    second = services.certificate_issue(
        actor=worker,
        community=world.community,
        requested="居住情况证明（示例）",
        holder_name="李四",
        purpose="x",
        content="y",
        today=TODAY,
    )
    assert first.number == f"{world.community.code}-2026-00001" and second.number.endswith("-00002")
    assert selectors.certificate_verify(code=first.verification_code.lower()) == first
    assert selectors.certificate_verify(code="NOPE") is None
    assert first.holder_masked == "唐**"
    assert Certificate.objects.count() == 2


@pytest.mark.clause("R20.2")
def test_violation_case_from_investigation_to_notice_and_referral(world: World) -> None:
    case = ViolationCase.objects.get(task=send(world, "FM-001"))
    authority = world.user("county_authority")
    with pytest.raises(Conflict):
        services.violation_order_correction(actor=authority, case=case, requirement="x")
    case = services.violation_investigate(actor=authority, case=case, findings="住建局将招商引资任务派给社区，属实。")
    case = services.violation_order_correction(
        actor=authority, case=case, requirement="撤回任务，书面说明", working_days=5, today=TODAY
    )
    assert case.correction is not None and case.correction.deadline == date(2026, 3, 9)
    assert case.correction.target_unit == world.housing
    case = services.violation_publish_notice(
        actor=authority,
        case=case,
        title="关于旌阳区住建局向社区转嫁招商引资任务的通报",
        body="经查属实，予以通报批评。",
    )
    assert case.status == ViolationCase.Status.PUBLISHED
    case = services.violation_refer(actor=authority, case=case, note="拒不纠正，移送区监委", today=TODAY)
    assert case.serious and case.status == ViolationCase.Status.REFERRED
    stats = selectors.violation_stats(viewer=authority)
    assert stats["department"] == [("旌阳区住房和城乡建设局", 1)]
    assert stats["street"] == [(world.street.name, 1)]


@pytest.mark.clause("R20.3")
def test_correction_orders_to_a_residents_committee_with_follow_up(world: World) -> None:
    committee = services.committee_of(world.community)
    street = world.user("street_official")
    order = services.correction_issue(
        actor=street,
        target_unit=committee,
        issuer=CorrectionOrder.Issuer.STREET_OFFICE,
        subject="未按期公开季度财务收支",
        requirement="五个工作日内补充公开",
        working_days=5,
        today=TODAY,
    )
    assert order.deadline == date(2026, 3, 9)
    with pytest.raises(ServiceError):  # a street office cannot use this mechanism on a department
        services.correction_issue(
            actor=street,
            target_unit=world.housing,
            issuer=CorrectionOrder.Issuer.STREET_OFFICE,
            subject="x",
            requirement="y",
            working_days=5,
        )
    meeting = services.correction_issue(
        actor=world.user("worker"),
        target_unit=committee,
        issuer=CorrectionOrder.Issuer.RESIDENTS_MEETING,
        subject="居民会议决定纠正停车收费方案",
        requirement="按居民会议决定重新协商",
        working_days=10,
        basis="2026年第1次居民会议决定",
        today=TODAY,
    )
    assert services.corrections_mark_overdue(today=date(2026, 3, 10)) == 1
    meeting.refresh_from_db()
    assert meeting.status == CorrectionOrder.Status.OPEN
    order.refresh_from_db()
    assert order.status == CorrectionOrder.Status.OVERDUE
    order = services.correction_report(actor=world.user("worker"), order=order, note="已于3月10日补充公开")
    with pytest.raises(Conflict):
        services.correction_report(actor=world.user("worker"), order=order, note="again")
    order = services.correction_verify(actor=street, order=order, accepted=True, note="已核实", today=date(2026, 3, 11))
    assert order.status == CorrectionOrder.Status.VERIFIED
    assert [f.kind for f in order.follow_ups.all()] == ["overdue", "report", "verify"]


@pytest.mark.clause("R19")
def test_indicators_counting_app_activity_checkins_or_photos_are_refused(world: World) -> None:
    authority = world.user("county_authority")
    round = services.evaluation_round_create(
        actor=authority,
        county=world.county,
        title="2026年上半年",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
    )
    for name in ("政务App活跃度", "每日打卡率", "拍照留痕完整率", "签到次数"):
        with pytest.raises(ServiceError) as caught:
            services.indicator_add(
                actor=authority, round=round, key="bad", name=name, source="street_score", weight=Decimal("10")
            )
        assert caught.value.code == "invalid_indicator" and "整治形式主义" in str(caught.value.message)
    services.indicator_add(
        actor=authority, round=round, key="opinion", name="居委会意见", source="committee_opinion", weight=Decimal("60")
    )
    with pytest.raises(ServiceError) as weights:
        services.evaluation_round_open(actor=authority, round=round)
    assert weights.value.code == "weights"


def test_department_officials_see_only_their_own_departments_tasks(world: World) -> None:
    send(world, "LZ-001")
    assert selectors.task_list(viewer=world.user("dept_official")).count() == 1
    assert selectors.task_list(viewer=world.user("worker_gh")).count() == 0
    assert selectors.task_list(viewer=world.user("worker")).count() == 1


@pytest.mark.clause("R10.1")
def test_annual_review_keeps_or_exits_and_expired_admissions_leave_the_list(world: World) -> None:
    authority = world.user("county_authority")
    first = services.application_submit(actor=world.user("dept_official"), today=TODAY, **application_values())
    services.application_decide(
        actor=authority, application=first, admit=True, meeting_reference="纪要5号", meeting_date=TODAY
    )
    kept = services.application_annual_review(actor=authority, application=first, keep=True, note="居民认可", year=2026)
    assert kept.status == AdmissionApplication.Status.ADMITTED and kept.review_year == 2026
    with pytest.raises(ServiceError):
        services.application_annual_review(actor=authority, application=first, keep=True, note=" ", year=2026)
    # Past its validity the daily task lets it exit; it is then off the list.
    assert services.admissions_expire(today=date(2027, 1, 1)) == 1
    first.refresh_from_db()
    assert first.status == AdmissionApplication.Status.EXITED and first.exit_reason == "expired"
    assert services.admissions_expire(today=date(2027, 1, 2)) == 0
    assert not selectors.community_may_receive(
        matter_code="ZR-001", community=world.community, on=date(2026, 12, 1)
    ).allowed
