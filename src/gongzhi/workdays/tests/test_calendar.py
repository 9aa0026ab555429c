"""Working days under the official calendar with 调休; unknown years are refused, never guessed."""

from datetime import date

import pytest

from gongzhi.core.actors import SYSTEM
from gongzhi.core.errors import NotFound, ServiceError
from gongzhi.ledger.models import AuditEvent
from gongzhi.workdays import services
from gongzhi.workdays.calendar import CalendarMissing, WorkingCalendar, add_working_days, working_days_between

pytestmark = pytest.mark.django_db


def test_national_day_2025_and_its_adjusted_sunday() -> None:
    # 2025: 10-01..10-08 off; Sunday 09-28 and Saturday 10-11 are working days (国办发明电〔2024〕12号).
    assert add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert add_working_days(date(2025, 10, 9), 2) == date(2025, 10, 11)
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 8)) == 0


def test_12345_deadlines_count_from_the_next_day() -> None:
    # A complaint registered on Monday 2026-03-02 has 15 working days: three plain weeks.
    assert add_working_days(date(2026, 3, 2), 15) == date(2026, 3, 23)
    assert add_working_days(date(2026, 3, 2), 0) == date(2026, 3, 2)


def test_a_year_without_data_is_refused_until_entered_and_confirmed(user_named) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CalendarMissing, match="2027"):
        add_working_days(date(2026, 12, 28), 5)
    with pytest.raises(ServiceError, match="请先录入"):
        services.year_confirm(actor=SYSTEM, year=2027, basis="国办发明电〔2026〕X号")
    services.override_set(actor=SYSTEM, day=date(2027, 1, 1), kind="holiday", name="元旦")
    services.year_confirm(actor=SYSTEM, year=2027, basis="国办发明电〔2026〕X号")
    # 12-29, 12-30, 12-31 (2026 data), then 2027-01-01 is a holiday, 01-04 and 01-05 are plain weekdays.
    assert add_working_days(date(2026, 12, 28), 5) == date(2027, 1, 5)
    assert AuditEvent.objects.filter(action="workdays.year_confirmed").exists()


def test_overrides_win_over_the_bundled_calendar() -> None:
    services.override_set(actor=SYSTEM, day=date(2026, 6, 1), kind="holiday", name="地方性假日（测试）")
    assert not WorkingCalendar().is_working_day(date(2026, 6, 1))


def test_only_administrators_keep_the_calendar(client_for, user_named) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises((NotFound, ServiceError)):
        services.override_set(actor=user_named("worker"), day=date(2026, 6, 1), kind="holiday", name="x")
    worker = client_for("worker")
    assert worker.get("/workdays/?year=2025").status_code == 200
    assert worker.post("/workdays/", {"day": "2026-06-01", "kind": "holiday", "name": "x"}).status_code == 403
    admin = client_for("admin")
    page = admin.get("/workdays/?year=2025").content.decode()
    assert "2025-10-08" in page and "调休上班" in page
    assert admin.post("/workdays/", {"day": "2026-06-01", "kind": "holiday", "name": "端午（测试）"}).status_code == 302
    missing = admin.get("/workdays/?year=2030").content.decode()
    assert "尚未录入" in missing
    bad = admin.post("/workdays/", {"day": "2026-13-01", "kind": "holiday", "name": "x"})
    assert bad.status_code == 400


def test_a_calendar_change_is_announced_and_the_reminder_names_missing_years(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gongzhi.workdays import calendar
    from gongzhi.workdays.reminders import calendar_reminders
    from gongzhi.workdays.signals import calendar_changed, provisional_waiting

    monkeypatch.setattr(calendar, "_bundled_years", lambda: range(2004, 2027))  # the bundled data ends with 2026
    heard: list[tuple[int, ...]] = []

    def listener(*, years: tuple[int, ...], **_kwargs: object) -> None:
        heard.append(years)

    def counter(*, year: int, **_kwargs: object) -> int:
        return 3 if year == 2027 else 0

    calendar_changed.connect(listener, dispatch_uid="test.listener")
    provisional_waiting.connect(counter, dispatch_uid="test.counter")
    try:
        assert calendar_reminders(date(2026, 10, 30)) == []  # before November the next year is not asked for
        [item] = calendar_reminders(date(2026, 11, 2))
        assert "2027" in item.title and "3 条记录" in item.title and item.url == "/workdays/?year=2027"
        [this_year] = calendar_reminders(date(2027, 2, 1))  # a year already running without its calendar
        assert "2027" in this_year.title and this_year.due == "尽快"
        override = services.override_set(actor=SYSTEM, day=date(2027, 1, 1), kind="holiday", name="元旦")
        services.override_remove(actor=SYSTEM, override=override)
        services.override_set(actor=SYSTEM, day=date(2027, 1, 1), kind="holiday", name="元旦")
        services.year_confirm(actor=SYSTEM, year=2027, basis="测试")
        assert heard == [(2027,), (2027,), (2027,), (2027,)]
        assert calendar_reminders(date(2026, 12, 28)) == []
    finally:
        calendar_changed.disconnect(dispatch_uid="test.listener")
        provisional_waiting.disconnect(dispatch_uid="test.counter")
