"""Appeal services: intake, deadlines in working days with 调休, the workflow, the duty-list gate, rollups."""

import io
from datetime import date, timedelta
from typing import Any, cast

import pytest
from django.utils import timezone
from PIL import Image

from gongzhi.appeals import selectors, services
from gongzhi.appeals.models import Appeal, AppealEvent, AppealPhoto, AppealStat, IdempotencyKey, Status
from gongzhi.core.actors import SYSTEM
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ServiceError
from gongzhi.ledger.models import AuditEvent
from gongzhi.people.models import Unit
from gongzhi.territory.models import Division

from .conftest import MONDAY, World, at, submit

pytestmark = [pytest.mark.django_db, pytest.mark.clause("R14.3")]


def png(size: tuple[int, int] = (32, 24)) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    out.seek(0)
    return out


def totals(**filters: Any) -> dict[str, int]:
    rows = AppealStat.objects.filter(**filters)
    result: dict[str, int] = {}
    for row in rows:
        for key, value in row.figures().items():
            result[key] = result.get(key, 0) + value
    return result


# ---- intake -------------------------------------------------------------------------------------------------------


def test_intake_numbers_hashes_the_pickup_code_and_times_the_deadline(world: World) -> None:
    appeal = submit(world)
    assert appeal.number == f"DY2026{appeal.pk:08d}"
    assert appeal.pickup_code not in appeal.pickup_hash
    assert selectors.appeal_track(number=appeal.number, code=appeal.pickup_code) == appeal
    assert selectors.appeal_track(number=appeal.number, code="WRONG1") is None
    # 投诉 15 working days from Monday 2 March 2026, counted from the next day: Monday 23 March.
    assert timezone.localdate(appeal.due_at) == date(2026, 3, 23)
    assert appeal.status == Status.RECEIVED and appeal.resident == world.user("resident")
    assert AuditEvent.objects.filter(action="appeals.accepted", target_id=str(appeal.pk)).exists()
    assert totals(day=date(2026, 3, 2))["received"] == 1


def test_deadlines_count_working_days_across_a_tiaoxiu_weekend(world: World) -> None:
    # 咨询: 3 working days from Thursday 17 Sep 2026. Sunday 20 Sep is a 调休 working day, so: Fri 18, Sun 20,
    # Mon 21 (a weekend-only count would give Tue 22).
    appeal = submit(world, appeal_type="consult", now=at(2026, 9, 17))
    assert timezone.localdate(appeal.due_at) == date(2026, 9, 21)
    # Sign-off within 1 working day of a Saturday dispatch is the 调休 Sunday.
    dispatched = services.appeal_dispatch(
        actor=world.user("county_authority"), appeal=appeal, unit=world.enforcement, now=at(2026, 9, 19)
    )
    assert timezone.localdate(dispatched.signoff_due_at) == date(2026, 9, 20)
    # The yellow warning sits at 80 % of the time between acceptance and the deadline.
    span = (appeal.due_at - appeal.accepted_at).total_seconds()
    assert abs((appeal.warn_at - appeal.accepted_at).total_seconds() - 0.8 * span) < 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "长" * 100_000}, "text"),
        ({"category": "NOPE"}, "category"),
        ({"appeal_type": "rant"}, "appeal_type"),
        ({"place": "110101001001"}, "place"),
        ({"place": "510603000000"}, "place"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(world: World, overrides: dict[str, Any], field: str) -> None:
    if overrides.get("place") == "110101001001":
        overrides = {"place": Division(code="110101001001", path="110101001001", level="community", is_active=True)}
    with pytest.raises(ServiceError) as caught:
        submit(world, **overrides)
    assert field in caught.value.fields
    assert caught.value.status == 400
    assert not Appeal.objects.exists() and not AppealStat.objects.exists()


def test_script_tags_are_kept_as_text(world: World) -> None:
    appeal = submit(world, text="<script>alert(1)</script>路灯坏了")
    assert appeal.text.startswith("<script>")  # stored as typed; templates and JSON escape it (see test_http)


def test_photos_must_be_real_images_within_the_size_cap(world: World) -> None:
    appeal = submit(world, photos=[png()])
    photo = AppealPhoto.objects.get(appeal=appeal)
    assert photo.content_type == "image/png" and (photo.width, photo.height) == (32, 24)
    with pytest.raises(ServiceError) as not_image:
        submit(world, photos=[io.BytesIO(b"%PDF-1.4 not an image")])
    assert not_image.value.code == "photo_invalid"
    with pytest.raises(ServiceError) as too_big:
        submit(world, photos=[io.BytesIO(b"\xff\xd8\xff" + b"0" * (services.MAX_PHOTO_BYTES + 1))])
    assert too_big.value.code == "photo_too_large"
    assert Appeal.objects.count() == 1


def test_same_idempotency_key_answers_the_original_and_creates_nothing(world: World) -> None:
    first = submit(world, idempotency_key="k-1")
    again = submit(world, idempotency_key="k-1")
    assert again.pk == first.pk and again.pickup_code == first.pickup_code and again.replayed
    assert Appeal.objects.count() == 1 and IdempotencyKey.objects.count() == 1
    assert AppealEvent.objects.count() == 1 and totals()["received"] == 1
    with pytest.raises(Conflict):
        submit(world, idempotency_key="k-1", text="另一件事")
    assert Appeal.objects.count() == 1


def test_a_retry_with_photos_writes_no_second_file(world: World, settings: Any) -> None:
    from pathlib import Path

    first = submit(world, idempotency_key="k-photo", photos=[png()])
    again = submit(world, idempotency_key="k-photo", photos=[png()])
    assert again.pk == first.pk and again.replayed
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert len(stored) == 1 and AppealPhoto.objects.count() == 1


def test_intake_reads_no_reference_table_while_it_is_unchanged(world: World) -> None:
    """Place, category, deadline rules and the working calendar come from the process cache of reference data: one
    read of the version tokens per intake, and the writes (core.refdata)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submit(world, category="CS-02", place=world.community.code, idempotency_key="warm")
    with CaptureQueriesContext(connection) as queries:
        submit(world, category="CS-02", place=world.community.code, idempotency_key="hot")
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    read = " ".join(reads)
    for table in ("appeals_category", "territory_division", "appeals_deadlineruleset", "workdays_"):
        assert f'FROM "{table}' not in read, table
    assert sum("core_refversion" in sql for sql in reads) == 1


def test_staff_intake_on_behalf_needs_consent_and_keeps_only_the_masked_mobile(world: World) -> None:
    worker = world.user("worker")
    with pytest.raises(ServiceError) as caught:
        submit(world, actor=worker, channel="phone", contact=services.Contact("唐婆婆", "13812345678"))
    assert "consent_note" in caught.value.fields
    appeal = submit(
        world,
        actor=worker,
        channel="phone",
        contact=services.Contact("唐婆婆", "13812345678"),
        consent_note="电话中口头同意代为登记（录音 0302-1）",
    )
    assert appeal.contact_mobile_masked == "138****5678" and appeal.intake_by == worker
    assert b"13812345678" not in bytes(appeal.contact_mobile_cipher)
    assert services.mobile_of(appeal) == "13812345678"
    other = Division.objects.filter(path__startswith="510681", level="community").first()
    with pytest.raises(ServiceError) as outside:
        submit(
            world,
            actor=worker,
            channel="phone",
            place=other,
            contact=services.Contact("", "13812345678"),
            consent_note="同意",
        )
    assert outside.value.code == "place_outside"
    with pytest.raises(Forbidden):
        submit(world, channel="phone", consent_note="x", contact=services.Contact("", "13812345678"))


# ---- workflow -----------------------------------------------------------------------------------------------------


def test_full_loop_dispatch_sign_reply_visit_with_rollups(world: World) -> None:
    dispatcher, dept = world.user("county_authority"), world.user("dept_official")
    appeal = submit(world, category="ZJ-01", text="物业不履行维修义务")
    appeal = services.appeal_dispatch(actor=dispatcher, appeal=appeal, now=MONDAY)  # route: ZJ → 住建局
    assert appeal.handling_unit == world.housing and appeal.status == Status.DISPATCHED
    with pytest.raises(Forbidden):
        services.appeal_sign(actor=world.user("worker"), appeal=appeal, now=MONDAY)
    services.appeal_sign(actor=dept, appeal=appeal, now=at(2026, 3, 3, 9))
    with pytest.raises(Conflict):  # a second sign-off (a concurrent click) is refused cleanly
        services.appeal_sign(actor=dept, appeal=appeal, now=at(2026, 3, 3, 9))
    services.appeal_progress(actor=dept, appeal=appeal, note="已约谈物业公司", now=at(2026, 3, 4))
    services.appeal_reply(actor=dept, appeal=appeal, reply="物业已于3月5日完成维修", now=at(2026, 3, 5))
    with pytest.raises(NotFound):
        services.appeal_visit(actor=world.user("household_head"), appeal=appeal, satisfaction=5, solved=True)
    closed = services.appeal_visit(actor=world.user("resident"), appeal=appeal, satisfaction=5, solved=True)
    assert closed.status == Status.CLOSED and closed.signed_on_time and closed.replied_on_time
    kinds = list(closed.events.values_list("kind", flat=True))
    assert kinds == ["accepted", "dispatched", "signed", "progress", "replied", "visited"]
    figures = totals(unit=world.housing)
    assert figures["received"] == 1 and figures["signed_on_time"] == 1 and figures["replied_on_time"] == 1
    assert figures["closed"] == 1 and figures["satisfaction_sum"] == 5 and figures["satisfaction_count"] == 1
    assert totals(unit_key=0) == {} or totals(unit_key=0).get("received", 0) == 0  # moved with the dispatch


def test_return_dispute_reassign_and_direct_answer(world: World) -> None:
    dispatcher, dept = world.user("county_authority"), world.user("dept_official")
    appeal = submit(world, category="ZJ-01")
    services.appeal_dispatch(actor=dispatcher, appeal=appeal, now=MONDAY)
    returned = services.appeal_return(
        actor=dept, appeal=appeal, reason="属于小区业委会自治事项", basis="《物业管理条例》第十一条"
    )
    assert returned.status == Status.RETURNED and returned.handling_unit is None
    event = returned.events.get(kind="returned")
    assert event.data["basis"] == "《物业管理条例》第十一条" and not event.public
    services.appeal_dispatch(actor=dispatcher, appeal=appeal, unit=world.housing)
    disputed = services.appeal_dispute(actor=dept, appeal=appeal, reason="应由街道办理")
    assert disputed.status == Status.DISPUTED
    moved = services.appeal_dispute_decide(
        actor=dispatcher, appeal=appeal, upheld=True, note="异议成立", unit=world.street_office
    )
    assert moved.status == Status.DISPATCHED and moved.handling_unit == world.street_office
    assert totals(unit=world.housing).get("dispatched", 0) == 0
    assert totals(unit=world.street_office)["dispatched"] == 1
    consult = submit(world, appeal_type="consult", category="MZ-03", text="医保怎么参保？")
    answered = services.appeal_answer_directly(actor=dispatcher, appeal=consult, reply="携带户口簿到社区办理")
    assert answered.status == Status.REPLIED and answered.handling_unit is None


def test_extension_moves_the_deadline_and_tells_the_resident(world: World) -> None:
    dispatcher, dept = world.user("county_authority"), world.user("dept_official")
    appeal = submit(world, category="ZJ-01")
    services.appeal_dispatch(actor=dispatcher, appeal=appeal, now=MONDAY)
    services.appeal_sign(actor=dept, appeal=appeal, now=MONDAY)
    services.appeal_extension_request(actor=dept, appeal=appeal, days=5, reason="需等待检测报告")
    with pytest.raises(Conflict):
        services.appeal_extension_request(actor=dept, appeal=appeal, days=5, reason="再来一次")
    extended = services.appeal_extension_decide(actor=dispatcher, appeal=appeal, approve=True, now=MONDAY)
    assert timezone.localdate(extended.due_at) == date(2026, 3, 30)  # 23 March + 5 working days
    assert extended.notices.filter(message__contains="2026-03-30").exists()


def test_sweep_turns_yellow_then_red_and_counts_overdue(world: World) -> None:
    dispatcher = world.user("county_authority")
    appeal = submit(world, appeal_type="consult", category="ZJ-01")  # due Thursday 5 March
    services.appeal_dispatch(actor=dispatcher, appeal=appeal, now=MONDAY)
    assert selectors.colour(Appeal.objects.get(pk=appeal.pk), MONDAY) == selectors.GREEN
    assert services.sweep(now=at(2026, 3, 5, 8)) == {"yellow": 1, "red": 0, "archived": 0}
    assert selectors.colour(Appeal.objects.get(pk=appeal.pk), at(2026, 3, 5, 8)) == selectors.YELLOW
    assert services.sweep(now=at(2026, 3, 6, 9)) == {"yellow": 0, "red": 1, "archived": 0}
    red = Appeal.objects.get(pk=appeal.pk)
    assert red.overdue and red.urge_level == 2 and selectors.colour(red, at(2026, 3, 6, 9)) == selectors.RED
    assert totals()["overdue"] == 1
    assert services.sweep(now=at(2026, 3, 6, 10)) == {"yellow": 0, "red": 0, "archived": 0}  # idempotent
    city_authority = Unit.objects.get(name="德阳市民政局（社区治理）")
    with pytest.raises(ServiceError):  # a county department is not above the county department handling it
        services.appeal_escalate(actor=dispatcher, appeal=appeal, unit=world.enforcement, reason="提级")
    escalated = services.appeal_escalate(
        actor=dispatcher, appeal=appeal, unit=city_authority, reason="超期未办，提级由市主管部门督办"
    )
    assert escalated.escalation_level == 1 and escalated.status == Status.DISPATCHED


def test_dissatisfied_visit_redo_reopen_merge_and_exclude(world: World) -> None:
    dispatcher, dept = world.user("county_authority"), world.user("dept_official")
    appeal = submit(world, category="ZJ-01")
    services.appeal_dispatch(actor=dispatcher, appeal=appeal, now=MONDAY)
    services.appeal_sign(actor=dept, appeal=appeal, now=MONDAY)
    services.appeal_reply(actor=dept, appeal=appeal, reply="已处理", now=MONDAY)
    unhappy = services.appeal_visit(actor=world.user("resident"), appeal=appeal, satisfaction=2, solved=False)
    assert unhappy.status == Status.DISSATISFIED and totals()["satisfaction_count"] == 1
    redo = services.appeal_redo(actor=dispatcher, appeal=appeal, note="回访不满意，重办")
    assert redo.status == Status.HANDLING and redo.redo_count == 1 and totals()["satisfaction_count"] == 0
    services.appeal_reply(actor=dept, appeal=appeal, reply="已彻底修好")
    services.appeal_visit(actor=world.user("resident"), appeal=appeal, satisfaction=4, solved=True)
    reopened = services.appeal_reopen(actor=dispatcher, appeal=appeal, reason="问题复发")
    assert reopened.status == Status.HANDLING and reopened.reopen_count == 1
    primary, duplicate = submit(world, category="SZ-01"), submit(world, category="SZ-01")
    merged = services.appeal_merge(actor=dispatcher, appeal=duplicate, into=primary)
    assert merged.status == Status.MERGED and merged.merged_into == primary
    before = totals()
    excluded = services.appeal_exclude(actor=dispatcher, appeal=appeal, reason="重复恶意投诉，经核实不合理")
    assert excluded.excluded_from_scoring
    after = totals()
    assert after["excluded"] == before.get("excluded", 0) + 1 and after["received"] == before["received"]
    assert after["signed"] == before["signed"] - 1
    with pytest.raises(Forbidden):
        services.appeal_exclude(actor=world.user("street_official"), appeal=primary, reason="x")


@pytest.mark.clause("R10.2")
def test_a_department_matter_off_the_community_list_is_never_dispatched_to_the_community(world: World) -> None:
    """国办函〔2025〕66号: 违法建设查处 (FM-003, 负面清单) belongs to 综合行政执法局; the community is refused."""
    dispatcher = world.user("county_authority")
    appeal = submit(world, category="CS-02")
    with pytest.raises(Conflict) as caught:
        services.appeal_dispatch(actor=dispatcher, appeal=appeal, unit=world.committee)
    assert caught.value.code == "duty_list_refused"
    fresh = Appeal.objects.get(pk=appeal.pk)
    assert fresh.status == Status.RECEIVED and fresh.handling_unit is None
    assert fresh.events.filter(kind="dispatch_refused").exists()  # the refusal is on the record
    with pytest.raises(Conflict):  # without a matter code the community is refused as well
        services.appeal_dispatch(actor=dispatcher, appeal=appeal, unit=world.committee, matter_code="")
    # A matter on the community's list (LZ-002 矛盾纠纷调解) goes through, by the catalog's route.
    dispute = submit(world, category="SQ-01", text="楼上楼下漏水纠纷")
    sent = services.appeal_dispatch(actor=dispatcher, appeal=dispute)
    assert sent.handling_unit == world.committee and sent.matter_code == "LZ-002"
    services.appeal_sign(actor=world.user("worker"), appeal=sent)


def test_the_route_catalog_uses_the_duty_list_codes(world: World) -> None:
    from gongzhi.appeals.models import Category, HandlerKind

    with pytest.raises(ServiceError) as caught:
        services.route_save(
            actor=SYSTEM,
            county=world.county,
            category=Category.objects.get(code="SQ-02"),
            handler_kind=HandlerKind.RESIDENTS_COMMITTEE,
            matter_code="NOT-ON-LIST",
        )
    assert "matter_code" in caught.value.fields


def test_dispatch_outside_the_dispatchers_scope_is_not_found(world: World) -> None:
    appeal = submit(world)
    with pytest.raises(NotFound):
        services.appeal_dispatch(actor=world.user("worker_gh"), appeal=appeal, unit=world.enforcement)


def test_hotline_import_is_idempotent_on_the_ticket_number(world: World) -> None:
    from gongzhi.appeals.importer import HOTLINE_IMPORTER
    from gongzhi.core.spreadsheets import ParsedRow

    rows = [
        ParsedRow(
            2,
            {
                "ticket": "12345-20260302-0001",
                "appeal_type": "complaint",
                "category": "CS-04",
                "place": world.community.code,
                "text": "夜间施工噪声",
                "accepted_at": MONDAY,
                "contact_name": "",
                "contact_mobile": "13900001111",
                "address": "",
            },
        ),
        ParsedRow(
            3,
            {
                "ticket": "12345-20260302-0002",
                "appeal_type": "complaint",
                "category": "NOPE",
                "place": world.community.code,
                "text": "x",
                "accepted_at": None,
                "contact_name": "",
                "contact_mobile": "",
                "address": "",
            },
        ),
    ]
    actor = world.user("county_authority")
    first = HOTLINE_IMPORTER.apply_batch(cast(Any, None), actor, rows)
    assert first.created == 1 and len(first.errors) == 1
    again = HOTLINE_IMPORTER.apply_batch(cast(Any, None), actor, rows[:1])
    assert again.created == 0 and again.updated == 1
    assert Appeal.objects.filter(external_ref="12345-20260302-0001").count() == 1


@pytest.mark.clause("R12.3")
def test_proxy_intake_needs_the_residents_standing_consent(world: World, client_for: Any) -> None:
    """代办 goes through the one consent mechanism (residents' 代办授权): without it the appeal is refused and nothing
    is written; with it the appeal names the consent and reaches the resident's own list."""
    from datetime import timedelta

    from gongzhi.people.models import User
    from gongzhi.residents import services as residents
    from gongzhi.residents.models import ProxyConsent, ProxyPurpose, Relation
    from gongzhi.residents.tests.conftest import valid_id

    place = residents.place_of(world.community)
    home = residents.household_create(actor=SYSTEM, place=place, household_no="DB-1")
    id_number = valid_id("510603", date(1946, 2, 11), 7)
    person = residents.resident_register(
        actor=SYSTEM,
        place=place,
        name="代办测试",
        id_number=id_number,
        phone="13981230000",
        residence_status="registered",
        household=home,
        relation=Relation.HEAD,
    )
    account = User.objects.get(username="household_head")
    residents.account_link(actor=SYSTEM, resident=person, account=account)
    staff = world.user("county_authority")
    proxy = {
        "actor": staff,
        "channel": "proxy",
        "contact": services.Contact("代办测试", "13981230000"),
        "text": "老人行动不便，请社区协助申请居家适老化改造。",
        "appeal_type": "help",
        "category": "CS-05",
    }
    before = Appeal.objects.count()
    with pytest.raises(ServiceError) as missing:
        submit(world, **proxy)
    assert "id_number" in missing.value.fields
    with pytest.raises(Forbidden):
        submit(world, on_behalf_of=person, **proxy)
    assert Appeal.objects.count() == before

    consent = residents.proxy_consent_record(
        actor=SYSTEM,
        resident=person,
        purpose=ProxyPurpose.APPEALS,
        matters="代为提交诉求",
        method=ProxyConsent.Method.WRITTEN,
        evidence="授权书 2026-018",
        given_on=date(2026, 1, 5),  # covers the test's Monday (2026-03-02) and today's page post
        expires_on=date(2026, 12, 31),
        agent=staff,
    )
    appeal = submit(world, on_behalf_of=person, **proxy)
    assert f"#{consent.pk}" in appeal.consent_note and appeal.resident_id == account.pk

    # Through the page, today: the ID number finds the resident; it is never echoed back.
    today = timezone.localdate()
    residents.proxy_consent_record(
        actor=SYSTEM,
        resident=person,
        purpose=ProxyPurpose.APPEALS,
        matters="代为提交诉求",
        method=ProxyConsent.Method.IN_PERSON,
        evidence="当面确认",
        given_on=today,
        expires_on=today + timedelta(days=300),
        agent=staff,
    )
    page = client_for("county_authority").post(
        "/appeals/intake/",
        {
            "channel": "proxy",
            "id_number": id_number,
            "contact_name": "代办测试",
            "contact_mobile": "13981230000",
            "appeal_type": "help",
            "category": "CS-05",
            "place": world.community.code,
            "text": "楼道扶手松动，老人上下楼不安全，请协调维修。",
        },
    )
    assert page.status_code == 302
    assert Appeal.objects.filter(resident=account).count() == 2


def test_the_notice_task_commits_or_rolls_back_with_the_appeal(world: World) -> None:
    """With the database queue (production's default) the resident's notice task is written in the intake's own
    transaction (a transactional outbox: no second commit, nothing lost between commit and enqueue); a rolled-back
    intake leaves no task behind."""
    from django.db import transaction
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        with pytest.raises(RuntimeError), transaction.atomic():
            submit(world, contact=services.Contact(name="张三", mobile="13912345678"))
            assert DBTaskResult.objects.filter(task_path__endswith="deliver_notice").count() == 1
            raise RuntimeError("the caller's transaction fails after the intake")
        assert not DBTaskResult.objects.exists() and not Appeal.objects.exists()
        appeal = submit(world, contact=services.Contact(name="张三", mobile="13912345678"))
        task = DBTaskResult.objects.get(task_path__endswith="deliver_notice")
        assert task.args_kwargs["args"] == [appeal.notices.get().pk]


def test_photo_files_of_a_rolled_back_intake_are_swept(world: World) -> None:
    """The intake writes photo files inside its transaction; if that transaction rolls back the files would stay on
    disk: the daily sweep deletes files no photo row names, once they are older than the grace period."""
    from datetime import timedelta

    from django.core.files.storage import default_storage
    from django.db import transaction

    kept = AppealPhoto.objects.get(appeal=submit(world, photos=[png()]))
    before = set(default_storage.listdir(kept.image.name.rsplit("/", 1)[0] + "/")[1])
    with pytest.raises(RuntimeError), transaction.atomic():
        submit(world, photos=[png((40, 30))], text="路面塌陷，请尽快处理。")
        raise RuntimeError("the caller's transaction fails")
    folder = kept.image.name.rsplit("/", 1)[0] + "/"
    orphans = set(default_storage.listdir(folder)[1]) - before
    assert len(orphans) == 1 and AppealPhoto.objects.count() == 1
    assert services.photo_orphans_sweep() == 0  # younger than the grace period: might be an intake in flight
    later = timezone.now() + timedelta(hours=2)
    assert services.photo_orphans_sweep(now=later) == 1
    assert default_storage.exists(kept.image.name)
    assert not set(default_storage.listdir(folder)[1]) & orphans


def test_queue_rows_match_the_orm_queue_for_every_viewer_status_and_page(world: World) -> None:
    """`queue_rows` (the API's hot path: one subtree compiled once per shape, `HotQuery`) lists exactly the appeals,
    order and next-page cursor of `queue` (model instances, composed by the ORM on every call) — for a street, a county
    and a department official, with and without a status, across pages."""
    dispatcher = world.user("county_authority")
    for i, category in enumerate(("CS-02", "ZJ-01", "CS-02", "ZJ-01", "CS-02", "ZJ-01", "CS-02")):
        appeal = submit(world, category=category, text=f"第{i}件：楼道灯坏了", now=MONDAY + timedelta(minutes=i))
        if i % 2:
            services.appeal_dispatch(actor=dispatcher, appeal=appeal, now=MONDAY)  # ZJ → 住建局 (dept_official)
    seen = 0
    for name in ("street_official", "county_authority", "dept_official"):
        viewer = world.user(name)
        for status in (None, "received", "dispatched"):
            after: str | None = None
            while True:
                rows, after_rows = selectors.queue_rows(viewer=viewer, status=status, after=after, limit=2)
                models, after_models = selectors.queue(viewer=viewer, status=status, after=after, limit=2)
                assert [r["number"] for r in rows] == [m.number for m in models], (name, status, after)
                assert [r["due_at"] for r in rows] == [m.due_at for m in models]
                assert [r["category"] for r in rows] == [m.category.code for m in models]
                assert after_rows == after_models
                seen += len(rows)
                if after_rows is None:
                    break
                after = after_rows
    assert seen >= 7 + 7 + 3  # street and county see all seven (twice over statuses), the department its three


def test_a_department_official_without_a_unit_has_an_empty_queue(world: World) -> None:
    """All grants department-level but none naming a unit: the department filter is `IN ()`, which matches nothing —
    an empty queue on both paths, not an error."""
    from gongzhi.core.roles import Role
    from gongzhi.people import services as people
    from gongzhi.people.models import User

    submit(world)
    orphan = User.objects.create_user(username="dept_no_unit", password="x" * 12)
    people.role_assign(actor=SYSTEM, user=orphan, role=Role.DEPARTMENT_OFFICIAL, division=world.county)
    assert selectors.queue(viewer=orphan)[0] == []
    assert selectors.queue_rows(viewer=orphan) == ([], None)
    assert selectors.queue_rows(viewer=orphan, status="received", limit=50) == ([], None)
