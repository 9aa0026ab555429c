"""暂定期限: a deadline running into a year the working calendar does not know yet is accepted, counted Monday–Friday,
marked everywhere, and recomputed (ledgered, the resident told) when the administrator confirms the year."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.appeals import selectors, services
from gongzhi.appeals.models import Appeal, AppealEvent, Notice, Status
from gongzhi.core.actors import SYSTEM
from gongzhi.ledger.models import AuditEvent
from gongzhi.people.models import RoleAssignment
from gongzhi.workdays import calendar
from gongzhi.workdays import services as workdays
from gongzhi.workdays.reminders import calendar_reminders

from .conftest import World, at, submit

pytestmark = [pytest.mark.django_db, pytest.mark.clause("R14.3")]

MARK = "（暂定，待工作日历确认）"


@pytest.fixture(autouse=True)
def _bundled_until_2026(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled calendar data ends with 2026 (chinesecalendar 1.11); pinned so a data upgrade keeps 2027 missing."""
    monkeypatch.setattr(calendar, "_bundled_years", lambda: range(2004, 2027))


@pytest.fixture
def pin_now(monkeypatch: pytest.MonkeyPatch, deyang: None) -> Callable[[datetime], None]:
    """Services and views read `django.utils.timezone.now`: pin it, so no test depends on the real date. The seeded
    staff appointments start on the day the test database was seeded; backdated, they hold on the pinned day too."""

    def pin(moment: datetime) -> None:
        RoleAssignment.objects.update(starts_on=date(2020, 1, 1))
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return pin


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """Run what the calendar change enqueues after commit (the test backend runs tasks immediately)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def enter_2027(on_commit: Callable[[], Any], *, confirm: bool = True) -> None:
    """元旦 on Friday 1 January; a 调休: Monday 4 January off, Saturday 9 January worked."""
    with on_commit():
        workdays.override_set(actor=SYSTEM, day=date(2027, 1, 1), kind="holiday", name="元旦")
        workdays.override_set(actor=SYSTEM, day=date(2027, 1, 4), kind="holiday", name="元旦调休")
        workdays.override_set(actor=SYSTEM, day=date(2027, 1, 9), kind="workday", name="元旦调休上班")
        if confirm:
            workdays.year_confirm(actor=SYSTEM, year=2027, basis="国办发明电〔2026〕X号（测试）")


def fresh(appeal: Appeal) -> Appeal:
    return Appeal.objects.get(pk=appeal.pk)


def test_the_calendar_counts_a_missing_year_provisionally_only_when_asked() -> None:
    cal = calendar.WorkingCalendar()
    with pytest.raises(calendar.CalendarMissing):
        cal.add_working_days(date(2026, 12, 28), 15)
    found = cal.deadline(date(2026, 12, 28), 15, provisional_ok=True)
    # 29–31 December (2026 data), then Monday–Friday: 1 January counts, 4–8, 11–15, 18.
    assert found == calendar.Deadline(date(2027, 1, 18), True, (2027,))
    assert cal.deadline(date(2026, 12, 1), 15, provisional_ok=True) == calendar.Deadline(date(2026, 12, 22))
    workdays.override_set(actor=SYSTEM, day=date(2027, 1, 1), kind="holiday", name="元旦")
    # an override is used, but an unconfirmed year stays provisional, and strict callers are still refused
    assert calendar.WorkingCalendar().deadline(date(2026, 12, 31), 1, provisional_ok=True).day == date(2027, 1, 4)
    with pytest.raises(calendar.CalendarMissing):
        calendar.WorkingCalendar().add_working_days(date(2026, 12, 31), 1)


def test_intake_into_a_missing_year_is_accepted_provisionally_and_recomputed_on_confirmation(
    world: World, on_commit: Callable[[], Any]
) -> None:
    appeal = submit(world, now=at(2026, 12, 28))
    assert appeal.status == Status.RECEIVED and appeal.deadline_provisional and appeal.due_provisional
    assert timezone.localdate(appeal.due_at) == date(2027, 1, 18)
    intake_notice = appeal.notices.get()
    assert f"2027-01-18{MARK}" in intake_notice.message
    assert appeal.events.get(kind=AppealEvent.Kind.ACCEPTED).data["provisional"] is True
    # the administrator's reminder names the year and the records waiting on it
    [item] = calendar_reminders(date(2026, 12, 28))
    assert "2027" in item.title and "1 条记录" in item.title

    enter_2027(on_commit, confirm=False)  # each override recomputes: still provisional, nobody messaged yet
    entered = fresh(appeal)
    assert entered.deadline_provisional and timezone.localdate(entered.due_at) == date(2027, 1, 19)
    assert entered.notices.count() == 1

    with on_commit():
        workdays.year_confirm(actor=SYSTEM, year=2027, basis="国办发明电〔2026〕X号（测试）")
    final = fresh(appeal)
    # 29–31 December, 5–8, Saturday 9 (调休上班), 11–15, 18, 19 January
    assert timezone.localdate(final.due_at) == date(2027, 1, 19)
    assert not final.deadline_provisional and final.deadline_basis is None
    span = (final.due_at - final.accepted_at).total_seconds()
    assert abs((final.warn_at - final.accepted_at).total_seconds() - 0.8 * span) < 1
    told = final.notices.exclude(pk=intake_notice.pk).get()
    assert "2027-01-19" in told.message and "2027-01-18" in told.message
    step = final.events.filter(kind=AppealEvent.Kind.DEADLINE_RECOMPUTED).last()
    assert step is not None and step.public and step.data["provisional"] is False
    assert AuditEvent.objects.filter(action="appeals.deadline_recomputed", target_id=str(appeal.pk)).exists()
    assert calendar_reminders(date(2026, 12, 28)) == []
    assert services.deadlines_recompute()["checked"] == 0  # nothing provisional is left


def test_a_confirmed_year_with_the_guessed_date_changes_nothing_for_the_resident(
    world: World, on_commit: Callable[[], Any]
) -> None:
    appeal = submit(world, appeal_type="consult", now=at(2026, 12, 30))  # 31 December, then 1 January (guessed)
    assert appeal.due_provisional and timezone.localdate(appeal.due_at) == date(2027, 1, 4)
    with on_commit():
        workdays.override_set(actor=SYSTEM, day=date(2027, 2, 17), kind="holiday", name="春节")
        workdays.year_confirm(actor=SYSTEM, year=2027, basis="测试")
    final = fresh(appeal)  # 1 January is a working day in this (made-up) year: the same date, now final
    assert not final.deadline_provisional and timezone.localdate(final.due_at) == date(2027, 1, 4)
    assert final.notices.count() == 1  # only the intake notice
    assert final.events.filter(kind=AppealEvent.Kind.DEADLINE_RECOMPUTED).count() == 1


def test_extension_across_the_gap_and_sign_off_on_a_guessed_day(world: World, on_commit: Callable[[], Any]) -> None:
    dispatcher, dept = world.user("county_authority"), world.user("dept_official")
    appeal = submit(world, category="ZJ-01", now=at(2026, 12, 1))
    assert not appeal.deadline_provisional and timezone.localdate(appeal.due_at) == date(2026, 12, 22)
    services.appeal_dispatch(actor=dispatcher, appeal=appeal, now=at(2026, 12, 1, 11))
    services.appeal_sign(actor=dept, appeal=appeal, now=at(2026, 12, 1, 12))
    services.appeal_extension_request(actor=dept, appeal=appeal, days=15, reason="需等待检测报告", now=at(2026, 12, 2))
    extended = services.appeal_extension_decide(actor=dispatcher, appeal=appeal, approve=True, now=at(2026, 12, 2))
    # 23–25, 28–31 December, 1 January (guessed), 4–8, 11, 12
    assert extended.due_provisional and timezone.localdate(extended.due_at) == date(2027, 1, 12)
    assert extended.notices.filter(message__contains=f"2027-01-12{MARK}").exists()

    late = submit(world, category="ZJ-01", now=at(2026, 12, 30))
    services.appeal_dispatch(actor=dispatcher, appeal=late, now=at(2026, 12, 31, 15))
    dispatched = fresh(late)
    assert dispatched.signoff_provisional and timezone.localdate(dispatched.signoff_due_at) == date(2027, 1, 1)
    signed = services.appeal_sign(actor=dept, appeal=late, now=at(2027, 1, 5, 9))
    assert signed.signed_on_time is False
    # an extension of a provisional deadline counts from what it was counted from
    services.appeal_extension_request(actor=dept, appeal=late, days=2, reason="需现场复核", now=at(2027, 1, 5, 10))
    services.appeal_extension_decide(actor=dispatcher, appeal=late, approve=True, now=at(2027, 1, 5, 11))
    assert timezone.localdate(fresh(late).due_at) == date(2027, 1, 22)  # 15 + 2: 31 Dec, 1 Jan, 4–8, 11–15, 18–22

    enter_2027(on_commit)
    assert timezone.localdate(fresh(appeal).due_at) == date(2027, 1, 13)  # 1 and 4 January off, Saturday 9 worked
    assert fresh(appeal).notices.filter(message__contains="2027-01-13").exists()
    relaxed = fresh(late)
    assert timezone.localdate(relaxed.signoff_due_at) == date(2027, 1, 5)  # 1 and 4 January are holidays
    assert relaxed.signed_on_time is True and not relaxed.deadline_provisional
    assert timezone.localdate(relaxed.due_at) == date(2027, 1, 25)  # 31 Dec, 5–9, 11–15, 18–22, 25
    assert relaxed.notices.filter(message__contains="2027-01-25").exists()
    assert services._contrib(relaxed)["signed_on_time"] == 1


def test_queue_colour_and_order_hold_with_provisional_deadlines(
    world: World, pin_now: Callable[[datetime], None]
) -> None:
    complaint = submit(world, now=at(2026, 12, 28))  # 2027-01-18, provisional
    consult = submit(world, appeal_type="consult", now=at(2026, 12, 28))  # 2026-12-31, final
    help_ = submit(world, appeal_type="help", now=at(2026, 12, 28))  # 2027-01-06, provisional
    pin_now(at(2027, 1, 5))
    rows, _next = selectors.queue_rows(viewer=world.user("county_authority"))
    assert [r["id"] for r in rows] == [consult.pk, help_.pk, complaint.pk]
    assert [r["due_provisional"] for r in rows] == [False, True, True]
    assert [r["colour"] for r in rows] == [selectors.RED, selectors.YELLOW, selectors.GREEN]
    assert services.sweep(now=at(2027, 1, 5)) == {"yellow": 1, "red": 1, "archived": 0}


def test_http_intake_shows_the_provisional_deadline_until_the_admin_confirms(
    world: World, client_for: Any, pin_now: Callable[[datetime], None], on_commit: Callable[[], Any]
) -> None:
    pin_now(at(2026, 12, 28))
    resident = client_for("resident")
    body = {"appeal_type": "help", "category": "MZ-02", "place": world.community.code, "text": "独居老人需要助餐"}
    created = resident.post("/api/v1/appeals/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    answer = created.json()
    assert answer["due_provisional"] is True and answer["due_at"].startswith("2027-01-06")
    appeal = Appeal.objects.get(number=answer["number"])
    assert resident.get(f"/api/v1/appeals/{appeal.number}").json()["due_provisional"] is True
    assert MARK in resident.get(f"/appeals/{appeal.pk}/").content.decode()
    assert MARK in resident.get("/appeals/").content.decode()
    track = Client().get("/appeals/track/", {"number": appeal.number, "code": answer["pickup_code"]})
    assert MARK in track.content.decode()
    staff = client_for("county_authority")
    [row] = staff.get("/api/v1/appeals/queue").json()["items"]
    assert row["due_provisional"] is True
    assert MARK in staff.get("/appeals/queue/").content.decode()
    assert f"2027-01-06{MARK}" in staff.get("/").content.decode()  # 我的待办: 待派单 with its deadline

    admin = client_for("admin")
    assert "1 条记录的期限为暂定" in admin.get("/").content.decode()
    assert "等待本年度日历确认的记录：1 条" in admin.get("/workdays/?year=2027").content.decode()
    with on_commit():
        for day, kind, name in (("2027-01-01", "holiday", "元旦"), ("2027-01-04", "holiday", "元旦调休")):
            assert admin.post("/workdays/", {"day": day, "kind": kind, "name": name}).status_code == 302
        confirmed = admin.post("/workdays/2027/confirm/", {"basis": "国办发明电〔2026〕X号（测试）"})
    assert confirmed.status_code == 302
    final = fresh(appeal)  # 29–31 December, 5–8 January
    assert not final.deadline_provisional and timezone.localdate(final.due_at) == date(2027, 1, 8)
    assert MARK not in resident.get(f"/appeals/{appeal.pk}/").content.decode()
    assert Notice.objects.filter(appeal=appeal, message__contains="2027-01-08").exists()
    assert "条记录的期限为暂定" not in admin.get("/").content.decode()
