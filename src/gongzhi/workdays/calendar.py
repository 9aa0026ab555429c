"""Working days under China's official calendar, 调休 included: the one way deadlines are counted.

Sources, in order: the administrator's overrides (DayOverride), then the bundled `chinesecalendar` data. A year the
bundled data does not cover and the administrator has not confirmed is *missing*; for it there are two answers, and
each caller chooses one (never silently from weekends alone; e.g. 12345 rules: 国办发〔2020〕53号, Sichuan 3/7/15
working days):

- strict — `add_working_days` raises `CalendarMissing` (409): for a period the platform grants or must respect (a
  publicity or notice period, a lead time) a guessed end could be too short, so the action waits for the calendar;
- provisional — `deadline(start, days, provisional_ok=True)` counts the missing year's days as Monday–Friday (the
  overrides already entered still apply) and returns a `Deadline` flagged `provisional` (暂定期限): for work the
  platform must accept whatever the calendar (a resident's appeal). The caller stores the flag, shows it, and
  recomputes when `signals.calendar_changed` fires (see docs/operations.md).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, TypeVar

import chinese_calendar
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gongzhi.core import refdata
from gongzhi.core.errors import ServiceError

from .models import ConfirmedYear, DayOverride

MAX_SPAN_DAYS = 3 * 366  # no deadline rule runs longer; guards against runaway loops on bad input


class CalendarMissing(ServiceError):
    """The calendar for a year is unknown: the administrator must enter and confirm it first."""

    status = 409
    default_code = "calendar_missing"


@dataclass(frozen=True)
class Deadline:
    """The end of a working-day period; `provisional` when a day in `missing_years` was counted as Monday–Friday."""

    day: date
    provisional: bool = False
    missing_years: tuple[int, ...] = ()


def _missing_message(year: int) -> str:
    message = _("%(year)s 年的法定节假日安排尚未录入工作日历，无法计算工作日期限。请系统管理员录入并确认。")
    return message % {"year": year}


@cache
def _bundled_years() -> range:
    years = sorted({d.year for d in chinese_calendar.constants.holidays})
    return range(years[0], years[-1] + 1)


@cache
def _bundled_days() -> tuple[frozenset[date], frozenset[date]]:
    """(调休 working days, holidays) of the bundled data, as `chinese_calendar.is_workday` reads them — without its
    per-call check of the supported range, which scans every holiday (~50 µs a day; a deadline counts 15–30 days)."""
    return frozenset(chinese_calendar.constants.workdays), frozenset(chinese_calendar.constants.holidays)


def _bundled_workday(day: date) -> bool:
    workdays, holidays = _bundled_days()
    return day in workdays or (day.weekday() < 5 and day not in holidays)


def _year(year: int) -> tuple[tuple[tuple[date, bool], ...], bool]:
    """(the year's overrides as (day, is a working day), is the year confirmed): two queries, or none when this
    process holds the year under the current token of the calendar (`core.refdata`; every override or confirmation
    moves it in its transaction)."""

    def load() -> tuple[tuple[tuple[date, bool], ...], bool]:
        rows = DayOverride.objects.filter(day__year=year).values_list("day", "kind")
        overrides = tuple((day, kind == DayOverride.Kind.WORKDAY) for day, kind in rows)
        return overrides, ConfirmedYear.objects.filter(year=year).exists()

    found = refdata.cached("workdays", year, load)
    assert found is not None
    return found


class WorkingCalendar:
    """Answers for a span of dates; the year's overrides and confirmation come from the process cache of reference
    data (no query while the calendar is unchanged). Reuse one instance for many dates in one request or task."""

    def __init__(self) -> None:
        self._overrides: dict[date, bool] = {}
        self._loaded: set[int] = set()
        self._confirmed: set[int] = set()
        self._bundled = _bundled_years()

    def _load(self, year: int) -> None:
        if year in self._loaded:
            return
        overrides, confirmed = _year(year)
        self._overrides.update(overrides)
        if confirmed:
            self._confirmed.add(year)
        self._loaded.add(year)

    def is_known(self, day: date) -> bool:
        """Is the day's year bundled or confirmed (an override alone does not make a year known)?"""
        self._load(day.year)
        return day.year in self._bundled or day.year in self._confirmed

    def _working(self, day: date, provisional_ok: bool) -> tuple[bool, bool]:
        """(is a working day, was guessed): a missing year's day is Monday–Friday when `provisional_ok`."""
        self._load(day.year)
        if day in self._overrides:
            return self._overrides[day], not self.is_known(day)
        if day.year in self._bundled:
            return _bundled_workday(day), False
        if day.year in self._confirmed:
            return day.weekday() < 5, False
        if provisional_ok:
            return day.weekday() < 5, True
        raise CalendarMissing(_missing_message(day.year), fields={"calendar": str(day.year)})

    def is_working_day(self, day: date) -> bool:
        return self._working(day, False)[0]

    def deadline(self, start: date, days: int, *, provisional_ok: bool = False) -> Deadline:
        """The date `days` working days after `start`, counted from the next day (计算期限从次日起算); with
        `provisional_ok` a missing year gives a provisional answer instead of `CalendarMissing`."""
        if days < 0:
            raise ValueError("days must not be negative")
        current, counted, missing = start, 0, set()
        while counted < days:
            current += timedelta(days=1)
            if (current - start).days > MAX_SPAN_DAYS:
                raise ValueError("working-day span too long")
            working, guessed = self._working(current, provisional_ok)
            if guessed:
                if not provisional_ok:  # an override alone does not make its year known
                    raise CalendarMissing(_missing_message(current.year), fields={"calendar": str(current.year)})
                missing.add(current.year)
            if working:
                counted += 1
        return Deadline(current, bool(missing), tuple(sorted(missing)))

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (strict: `CalendarMissing` for a missing year)."""
        return self.deadline(start, days).day

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


Row = TypeVar("Row", bound=Any)


def recompute_provisional(
    rows: "QuerySet[Row]",
    *,
    start: Callable[[Row], date],
    days: int,
    record: Callable[[Row, date, Deadline], None],
) -> int:
    """Move the provisional deadlines (`due_on`, `due_provisional`) of `rows` to what the calendar now says, locking
    each row, in one transaction; `record(row, previous_due_on, new)` writes the domain's ledger event for each row that
    changed. Rows still provisional on the same day are left alone. Returns how many changed. (Appeals, whose
    deadlines carry times, warnings and notices, recompute with their own service.)"""
    calendar, changed = WorkingCalendar(), 0
    with transaction.atomic():
        for row in rows.select_for_update().filter(due_provisional=True).order_by("pk"):
            found = calendar.deadline(start(row), days, provisional_ok=True)
            if found.day == row.due_on and found.provisional:
                continue
            previous = row.due_on
            row.due_on, row.due_provisional = found.day, found.provisional
            row.save(update_fields=["due_on", "due_provisional"])
            record(row, previous, found)
            changed += 1
    return changed


def missing_years(today: date) -> list[int]:
    """The years an administrator must enter now: this year if missing, and from November the next year too."""
    years = [today.year, today.year + 1] if today.month >= 11 else [today.year]
    return [y for y in years if year_status(y) == "missing"]


def year_status(year: int) -> str:
    """'bundled' (official data shipped), 'confirmed' (entered by hand) or 'missing'."""
    if year in _bundled_years():
        return "bundled"
    if ConfirmedYear.objects.filter(year=year).exists():
        return "confirmed"
    return "missing"
