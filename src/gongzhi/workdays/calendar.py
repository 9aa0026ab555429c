"""Working days under China's official calendar, 调休 included: the one way deadlines are counted.

Sources, in order: the administrator's overrides (DayOverride), then the bundled `chinesecalendar` data. A year the
bundled data does not cover and the administrator has not confirmed raises `CalendarMissing` — a deadline is never
computed silently from weekends alone (e.g. 12345 rules: 国办发〔2020〕53号, Sichuan 3/7/15 working days).
"""

from datetime import date, timedelta

import chinese_calendar
from django.utils.translation import gettext as _

from gongzhi.core.errors import ServiceError

from .models import ConfirmedYear, DayOverride

MAX_SPAN_DAYS = 3 * 366  # no deadline rule runs longer; guards against runaway loops on bad input


class CalendarMissing(ServiceError):
    """The calendar for a year is unknown: the administrator must enter and confirm it first."""

    status = 409
    default_code = "calendar_missing"


def _bundled_years() -> range:
    years = sorted({d.year for d in chinese_calendar.constants.holidays})
    return range(years[0], years[-1] + 1)


class WorkingCalendar:
    """Answers for a span of dates with two queries; reuse one instance for many dates in one request or task."""

    def __init__(self) -> None:
        self._overrides: dict[date, bool] = {}
        self._loaded: set[int] = set()
        self._confirmed: set[int] = set()
        self._bundled = _bundled_years()

    def _load(self, year: int) -> None:
        if year in self._loaded:
            return
        for override in DayOverride.objects.filter(day__year=year).only("day", "kind"):
            self._overrides[override.day] = override.kind == DayOverride.Kind.WORKDAY
        if ConfirmedYear.objects.filter(year=year).exists():
            self._confirmed.add(year)
        self._loaded.add(year)

    def is_working_day(self, day: date) -> bool:
        self._load(day.year)
        if day in self._overrides:
            return self._overrides[day]
        if day.year in self._bundled:
            return bool(chinese_calendar.is_workday(day))
        if day.year in self._confirmed:
            return day.weekday() < 5
        message = _("%(year)s 年的法定节假日安排尚未录入工作日历，无法计算工作日期限。请系统管理员录入并确认。")
        raise CalendarMissing(
            message % {"year": day.year},
            fields={"calendar": str(day.year)},
        )

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start`, counted from the next day (计算期限从次日起算)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current, counted = start, 0
        while counted < days:
            current += timedelta(days=1)
            if (current - start).days > MAX_SPAN_DAYS:
                raise ValueError("working-day span too long")
            if self.is_working_day(current):
                counted += 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        if (end - start).days > MAX_SPAN_DAYS:
            raise ValueError("working-day span too long")
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count


def is_working_day(day: date) -> bool:
    return WorkingCalendar().is_working_day(day)


def add_working_days(start: date, days: int) -> date:
    return WorkingCalendar().add_working_days(start, days)


def working_days_between(start: date, end: date) -> int:
    return WorkingCalendar().working_days_between(start, end)


def year_status(year: int) -> str:
    """'bundled' (official data shipped), 'confirmed' (entered by hand) or 'missing'."""
    if year in _bundled_years():
        return "bundled"
    if ConfirmedYear.objects.filter(year=year).exists():
        return "confirmed"
    return "missing"
