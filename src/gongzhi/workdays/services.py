"""Writes to the working calendar; every change is audited because it moves every deadline, and announced
(`signals.calendar_changed`) so the domains holding provisional deadlines recompute them."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core.actors import is_system
from gongzhi.core.errors import Conflict, ServiceError
from gongzhi.ledger.services import record_event

from .calendar import year_status
from .models import ConfirmedYear, DayOverride
from .permissions import policy
from .signals import calendar_changed

OVERRIDE_SET = "workdays.override_set"
OVERRIDE_REMOVED = "workdays.override_removed"
YEAR_CONFIRMED = "workdays.year_confirmed"
EVENT_TYPES = (OVERRIDE_SET, OVERRIDE_REMOVED, YEAR_CONFIRMED)


def _changed(actor: Any, year: int) -> None:
    calendar_changed.send(sender=ConfirmedYear, actor=actor, years=(year,))


def _require(actor: Any) -> None:
    if not is_system(actor):
        policy.require(actor, "manage")


@transaction.atomic
def override_set(*, actor: Any, day: date, kind: str, name: str, basis: str = "") -> DayOverride:
    _require(actor)
    if kind not in DayOverride.Kind.values:
        raise ServiceError(_("类型无效。"), fields={"kind": _("请选择休息日或调休上班")})
    name = name.strip()
    if not name or len(name) > 40:
        raise ServiceError(_("请填写名称（不超过 40 个字符）。"), fields={"name": _("必填")})
    previous = DayOverride.objects.filter(day=day).first()
    before = {"kind": previous.kind, "name": previous.name} if previous else None
    override, _created = DayOverride.objects.update_or_create(
        day=day,
        defaults={
            "kind": kind,
            "name": name,
            "basis": basis.strip()[:120],
            "recorded_by": None if is_system(actor) else actor,
        },
    )
    record_event(
        actor=actor,
        action=OVERRIDE_SET,
        target=override,
        before=before,
        after={"day": day.isoformat(), "kind": kind, "name": name, "basis": override.basis},
    )
    _changed(actor, day.year)
    return override


@transaction.atomic
def override_remove(*, actor: Any, override: DayOverride) -> None:
    _require(actor)
    record_event(
        actor=actor,
        action=OVERRIDE_REMOVED,
        target=override,
        before={"day": override.day.isoformat(), "kind": override.kind, "name": override.name},
    )
    year = override.day.year
    override.delete()
    _changed(actor, year)


@transaction.atomic
def year_confirm(*, actor: Any, year: int, basis: str) -> ConfirmedYear:
    """Declare a hand-entered year complete, so deadlines may be counted in it."""
    _require(actor)
    if year_status(year) != "missing":
        raise Conflict(_("%(year)s 年的日历已可用，无需确认。") % {"year": year})
    if not basis.strip():
        raise ServiceError(_("请填写依据（如国务院办公厅通知文号）。"), fields={"basis": _("必填")})
    if not DayOverride.objects.filter(day__year=year).exists():
        raise ServiceError(_("请先录入 %(year)s 年的节假日和调休安排，再确认。") % {"year": year}, code="empty_year")
    confirmed = ConfirmedYear.objects.create(
        year=year, basis=basis.strip()[:120], confirmed_by=None if is_system(actor) else actor
    )
    record_event(actor=actor, action=YEAR_CONFIRMED, target=confirmed, after={"year": year, "basis": confirmed.basis})
    _changed(actor, year)
    return confirmed
