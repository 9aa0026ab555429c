"""Bookkeeping shared by every domain: when each periodic task was last enqueued, and the version tokens of the
reference data cached per process (`core.refdata`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicRun(models.Model):
    """定时任务状态: the scheduler enqueues a periodic task when its interval has passed since `last_enqueued_at`."""

    name = models.CharField(_("任务"), max_length=120, unique=True)
    last_enqueued_at = models.DateTimeField(_("最近入队时间"))

    class Meta:
        verbose_name = _("定时任务状态")
        verbose_name_plural = _("定时任务状态")

    def __str__(self) -> str:
        return self.name


class RefVersion(models.Model):
    """参考数据版本: the current token of one kind of reference data, moved by every write of it (`core.refdata`)."""

    name = models.CharField(_("数据类别"), max_length=60, unique=True)
    token = models.CharField(_("版本标记"), max_length=32)

    class Meta:
        verbose_name = _("参考数据版本")
        verbose_name_plural = _("参考数据版本")

    def __str__(self) -> str:
        return f"{self.name} {self.token}"
