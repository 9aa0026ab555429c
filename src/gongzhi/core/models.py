"""Bookkeeping shared by every domain: when each periodic task was last enqueued."""

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
