"""The working-calendar page: the year's holidays and 调休 days, and the administrator's entries."""

import calendar as pycalendar
from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongzhi.core.access import allowed
from gongzhi.core.errors import ServiceError

from . import services
from .calendar import CalendarMissing, WorkingCalendar, year_status
from .forms import ConfirmForm, OverrideForm
from .models import DayOverride
from .permissions import policy
from .signals import waiting_on


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year", "")
    year = int(text) if text.isdigit() else timezone.localdate().year
    return min(max(year, 2004), 2100)


def _off_days(year: int) -> list[dict[str, object]]:
    """Every day of the year that differs from the plain Monday–Friday week, with its month."""
    cal = WorkingCalendar()
    rows = []
    for month in range(1, 13):
        for day_number in range(1, pycalendar.monthrange(year, month)[1] + 1):
            day = date(year, month, day_number)
            working = cal.is_working_day(day)
            if working != (day.weekday() < 5):
                rows.append({"day": day, "working": working})
    return rows


@allowed(policy, "view")
@require_http_methods(["GET", "POST"])
def year_view(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    form = OverrideForm(request.POST or None)
    if request.method == "POST":
        policy.require(request.user, "manage")
        if form.is_valid():
            try:
                services.override_set(actor=request.user, **form.cleaned_data)
            except ServiceError as exc:
                exc.to_form(form)
            else:
                messages.success(request, _("已保存。"))
                return redirect(f"{request.path}?year={form.cleaned_data['day'].year}")
    status = year_status(year)
    try:
        days = _off_days(year)
    except CalendarMissing:
        days = []
    context = {
        "year": year,
        "status": status,
        "waiting": waiting_on(year) if status == "missing" else 0,
        "days": days,
        "overrides": DayOverride.objects.filter(day__year=year).select_related("recorded_by"),
        "form": form,
        "confirm_form": ConfirmForm(),
        "can_manage": policy.allows(request.user, "manage"),
    }
    return render(request, "workdays/year.html", context, status=400 if form.errors else 200)


@allowed(policy, "manage")
@require_POST
def override_remove(request: HttpRequest, override_id: int) -> HttpResponse:
    override = DayOverride.objects.filter(pk=override_id).first()
    if override is None:
        messages.error(request, _("该记录不存在。"))
        return redirect("workdays:year")
    year = override.day.year
    services.override_remove(actor=request.user, override=override)
    messages.success(request, _("已删除。"))
    return redirect(f"/workdays/?year={year}")


@allowed(policy, "manage")
@require_POST
def year_confirm(request: HttpRequest, year: int) -> HttpResponse:
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.year_confirm(actor=request.user, year=year, basis=form.cleaned_data["basis"])
        except ServiceError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("%(year)s 年日历已确认。") % {"year": year})
    else:
        messages.error(request, _("请填写依据（文号）。"))
    return redirect(f"/workdays/?year={year}")
