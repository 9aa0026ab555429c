"""The append-only audit record under every service write; the Merkle ledger (R8.1) is built over these rows."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """审计事件: one service write, attributable (who, in which role and scope, when, what changed)."""

    occurred_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    actor_role = models.CharField(_("角色"), max_length=40, blank=True)
    scope_path = models.CharField(_("节点路径"), max_length=32, blank=True)
    action = models.CharField(_("事件类型"), max_length=80)
    target_type = models.CharField(_("对象类型"), max_length=80)
    target_id = models.CharField(_("对象编号"), max_length=64)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    request_id = models.CharField(_("请求号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ("-id",)
        indexes = [
            models.Index(fields=["scope_path", "-id"], name="audit_scope_recent"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["action", "-id"], name="audit_action_recent"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)


class Leaf(models.Model):
    """叶子: one entry of the RFC 9162 Merkle log, numbered from 0 with no gaps; never updated or deleted.

    `data` is the exact byte string whose SHA-256(0x00 ‖ data) is `leaf_hash`. For an audit event it holds only
    non-personal fields and a keyed digest of the change; for a public disclosure it holds the published item.
    """

    class Kind(models.TextChoices):
        EVENT = "event", _("审计事件")
        DISCLOSURE = "disclosure", _("公开事项")

    index = models.BigIntegerField(_("叶子序号"), primary_key=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    event_type = models.CharField(_("事件类型"), max_length=80)
    data = models.BinaryField(_("叶子内容"))
    leaf_hash = models.BinaryField(_("叶子哈希"), max_length=32)
    event = models.OneToOneField(
        AuditEvent, verbose_name=_("审计事件"), null=True, blank=True, on_delete=models.PROTECT, related_name="leaf"
    )

    class Meta:
        verbose_name = _("账本叶子")
        verbose_name_plural = _("账本叶子")
        ordering = ("index",)

    def __str__(self) -> str:
        return f"leaf {self.index} ({self.event_type})"


class TreeNode(models.Model):
    """A complete-subtree hash at `level` ≥ 1 (level 0 are the leaves' own hashes); written once, never changed."""

    pk = models.CompositePrimaryKey("level", "index")
    level = models.PositiveSmallIntegerField(_("层"))
    index = models.BigIntegerField(_("序号"))
    hash = models.BinaryField(_("哈希"), max_length=32)

    class Meta:
        verbose_name = _("子树哈希")
        verbose_name_plural = _("子树哈希")

    def __str__(self) -> str:
        return f"node {self.level}/{self.index}"


class Checkpoint(models.Model):
    """签名检查点: the tree size and root hash signed as a C2SP signed note (Ed25519)."""

    tree_size = models.BigIntegerField(_("树大小"), unique=True)
    root_hash = models.BinaryField(_("根哈希"), max_length=32)
    signed_note = models.TextField(_("签名文本"))
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("签名检查点")
        verbose_name_plural = _("签名检查点")
        ordering = ("tree_size",)

    def __str__(self) -> str:
        return f"checkpoint {self.tree_size}"


class Disclosure(models.Model):
    """居务公开事项: an item published for everyone, bound to a ledger leaf that carries its exact bytes."""

    class Category(models.TextChoices):
        DECISION = "decision", _("决策事项")
        SPENDING = "spending", _("财务收支")
        CHARITY = "charity", _("慈善与捐赠")
        NOTICE = "notice", _("通报")

    scope_path = models.CharField(_("节点路径"), max_length=32, db_index=True)
    scope_name = models.CharField(_("发布单位"), max_length=120)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    source_type = models.CharField(_("来源对象类型"), max_length=80, blank=True)
    source_id = models.CharField(_("来源对象编号"), max_length=64, blank=True)
    published_at = models.DateTimeField(_("发布时间"))
    leaf = models.OneToOneField(Leaf, verbose_name=_("账本叶子"), on_delete=models.PROTECT, related_name="disclosure")

    class Meta:
        verbose_name = _("公开事项")
        verbose_name_plural = _("公开事项")
        ordering = ("-published_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=~models.Q(source_type=""),
                name="disclosure_once_per_source",
            )
        ]

    def __str__(self) -> str:
        return self.title
