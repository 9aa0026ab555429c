"""Open311 API keys: one per client (a city app, a partner system), issued by an admin, stored hashed, revocable."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    client = models.CharField(_("客户端名称"), max_length=80)
    prefix = models.CharField(_("密钥前缀"), max_length=12, editable=False)  # shown so staff can tell keys apart
    key_hash = models.CharField(max_length=64, unique=True, editable=False)  # SHA-256 of the key (random, 256 bits)
    scope_path = models.CharField(_("可提交范围（节点路径）"), max_length=15, default="5106")
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("演示密钥"), default=False, editable=False)  # valid only when GONGZHI_DEMO
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 密钥")
        verbose_name_plural = _("Open311 密钥")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.client} ({self.prefix}…)"

    @property
    def owner(self) -> str:
        """The idempotency owner: keys of one client never collide with another's."""
        return f"open311:{self.pk}"
