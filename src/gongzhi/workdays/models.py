"""工作日历: the official holiday calendar (法定节假日与调休) as published each year, kept by the platform."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.refdata import VersionedModel


class DayOverride(VersionedModel):
    """A day whose status the administrator set: a holiday or an adjusted working day (调休), e.g. from the State
    Council's notice for a year the bundled calendar does not cover yet, or a local decision."""

    refdata_name = "workdays"  # cached per process by `WorkingCalendar` (`core.refdata`)

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("休息日（节假日）")
        WORKDAY = "workday", _("工作日（调休上班）")

    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=40, help_text=_("如：春节、国庆节调休"))
    basis = models.CharField(_("依据"), max_length=120, blank=True, help_text=_("如：国办发明电〔2026〕7号"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ("day",)

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class ConfirmedYear(VersionedModel):
    """A year whose holidays were entered by hand and confirmed complete; without it, such a year is refused."""

    refdata_name = "workdays"

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    basis = models.CharField(_("依据"), max_length=120)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, on_delete=models.PROTECT
    )
    confirmed_at = models.DateTimeField(_("确认时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已确认年份")
        verbose_name_plural = _("已确认年份")
        ordering = ("year",)

    def __str__(self) -> str:
        return str(self.year)
