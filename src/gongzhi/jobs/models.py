"""Long-running imports (and the record of exports) shared by every domain: status, progress, row-level errors."""

import contextlib
import json
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "atomic", _("全部成功才写入（有错误则不写入任何数据）")
        SKIP_BAD_ROWS = "skip", _("跳过错误行，写入其余各行")
        # Only for importers with a first-load mode, from the command line: the tables must be empty; all-or-nothing.
        FIRST_LOAD = "first", _("首次全量导入（仅限空表；全部成功才写入）")

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("导入中")
        SUCCEEDED = "succeeded", _("已完成")
        PARTIAL = "partial", _("部分完成（错误行已跳过）")
        FAILED = "failed", _("未写入")

    FINISHED = (Status.SUCCEEDED, Status.PARTIAL, Status.FAILED)

    public_id = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    importer = models.CharField(_("导入类型"), max_length=40)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, blank=True, db_index=True)
    mode = models.CharField(_("方式"), max_length=8, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    filename = models.CharField(_("文件名"), max_length=200)
    stored_file = models.CharField(_("存储位置"), max_length=300, blank=True, editable=False)
    size_bytes = models.BigIntegerField(_("大小（字节）"), default=0)
    rows_read = models.PositiveIntegerField(_("已读行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    error_rows = models.PositiveIntegerField(_("错误行数"), default=0)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.importer} {self.public_id}"

    @property
    def workdir(self) -> Path:
        return Path(settings.MEDIA_ROOT) / "jobs" / str(self.public_id)

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    def live_progress(self) -> dict[str, Any]:
        """Counts as the worker last wrote them (a side file, visible while an all-or-nothing transaction runs)."""
        counts = {"rows_read": self.rows_read, "created": self.created, "updated": self.updated}
        counts["error_rows"] = self.error_rows
        if self.status == self.Status.RUNNING:
            with contextlib.suppress(OSError, ValueError):
                counts.update(json.loads((self.workdir / "progress.json").read_text()))
        return counts


class ImportRowError(models.Model):
    """One row-level problem: row, column, reason in Chinese (never the offending value: it may be personal data)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField(_("行号"))
    column = models.CharField(_("列"), max_length=60)
    message = models.CharField(_("原因"), max_length=300)

    class Meta:
        verbose_name = _("导入错误")
        verbose_name_plural = _("导入错误")
        ordering = ("job", "row", "id")

    def __str__(self) -> str:
        return f"{self.row} {self.column}"
