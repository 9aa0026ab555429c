"""Trained routing models (versioned, with their metrics) and staff accept/override records (R8.1)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RoutingModel(models.Model):
    """One trained router. Exactly one is active; older versions stay for comparison and rollback."""

    version = models.PositiveIntegerField(_("版本"), unique=True)
    created_at = models.DateTimeField(_("训练时间"), auto_now_add=True)
    is_active = models.BooleanField(_("当前使用"), default=False)
    n_seed = models.PositiveIntegerField(_("种子语料条数"), default=0)
    n_handled = models.PositiveIntegerField(_("已办结诉求条数"), default=0)
    n_feedback = models.PositiveIntegerField(_("人工确认/改判条数"), default=0)
    metrics = models.JSONField(_("评估指标"), default=dict)  # learn.Evaluation.as_dict()
    labels = models.JSONField(_("标签"), default=dict)  # head -> sorted labels the model knows
    blob = models.BinaryField(_("模型"), editable=False)
    digest = models.CharField(_("签名"), max_length=64, editable=False)  # HMAC-SHA256 of blob under SECRET_KEY

    class Meta:
        verbose_name = _("分派建议模型")
        verbose_name_plural = _("分派建议模型")
        ordering = ("-version",)
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="routing_one_active_model"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version}"


class Feedback(models.Model):
    """Staff accepted or overrode a suggestion; overrides are training examples with extra weight."""

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    target_type = models.CharField(_("对象类型"), max_length=64)
    target_id = models.CharField(_("对象编号"), max_length=64)
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True)
    text = models.TextField(_("诉求内容"), max_length=4000)
    model_version = models.PositiveIntegerField(_("模型版本"), null=True, blank=True)
    suggested_type = models.CharField(_("建议类型"), max_length=32, blank=True)
    suggested_category = models.CharField(_("建议分类"), max_length=64, blank=True)
    suggested_unit = models.CharField(_("建议承办单位"), max_length=64, blank=True)
    final_type = models.CharField(_("确定类型"), max_length=32)
    final_category = models.CharField(_("确定分类"), max_length=64)
    final_unit = models.CharField(_("确定承办单位"), max_length=64)
    accepted = models.BooleanField(_("采纳建议"))

    class Meta:
        verbose_name = _("分派建议反馈")
        verbose_name_plural = _("分派建议反馈")
        indexes = [models.Index(fields=["target_type", "target_id"], name="routing_fb_target")]

    def __str__(self) -> str:
        return f"{self.target_type}:{self.target_id}"
