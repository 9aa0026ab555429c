"""Accounts, organisational units and role assignments at territory nodes."""

import hashlib
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.cache import ProcessCache
from gongzhi.core.policy import Grant
from gongzhi.core.roles import STAFF_ROLES, Role

# Role grants per (user, grants_version, day), shared by the requests of one process.
#
# Every role change bumps `User.grants_version` in the transaction that makes it (`people.services.role_assign`,
# `role_end`, and `RoleAssignment.save/delete` for any other writer), and each request reads the version with the
# user row it authenticates — so a request never sees grants older than its own user row, in any process, without a
# round trip of its own (the day is part of the key, so an assignment starting or ending at midnight takes effect
# then). Division paths never change once assigned (territory changes create new nodes), so a cached path cannot go
# stale. The one bounded process cache of the platform (`core.cache.ProcessCache`).
GRANTS_CACHE: ProcessCache[tuple[int, int, date], tuple[Grant, ...]] = ProcessCache(size=20_000)


class User(AbstractUser):
    """平台账号. Personal data (ID number, phone) lives in the residents' vault, never here."""

    display_name = models.CharField(_("姓名"), max_length=40, blank=True)
    large_text = models.BooleanField(_("大字模式（适老化）"), default=False)
    preferred_language = models.CharField(_("界面语言"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")
    # Bumped with every role change, in its transaction: the key of the process-wide grants cache.
    grants_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def __str__(self) -> str:
        return self.display_name or self.username

    def active_grants(self) -> Sequence[Grant]:
        """Role assignments in force today; cached on the instance for the request, and across requests by
        `GRANTS_CACHE` under this row's `grants_version`."""
        cached: Sequence[Grant] | None = getattr(self, "_grants_cache", None)
        if cached is None:
            today = timezone.localdate()
            key = (self.pk, self.grants_version, today)
            cached = GRANTS_CACHE.get(key)
            if cached is None:
                grants = tuple(
                    Grant(role=a.role, path=a.division.path, division_id=a.division_id, unit_id=a.unit_id)
                    for a in self.role_assignments.active_on(today).select_related("division")
                )
                GRANTS_CACHE.put(key, grants)
                cached = grants
            self._grants_cache = cached
        return cached

    def forget_grants(self) -> None:
        self.__dict__.pop("_grants_cache", None)

    @property
    def needs_second_factor(self) -> bool:
        return any(g.role in STAFF_ROLES for g in self.active_grants()) or self.is_superuser


class Unit(models.Model):
    """单位: a street office, residents' committee, functional department (R4.2) or authority, seated at a node."""

    class Kind(models.TextChoices):
        AUTHORITY = "authority", _("社区治理主管部门")
        DEPARTMENT = "department", _("职能部门")
        STREET_OFFICE = "street_office", _("街道办事处/乡镇人民政府")
        RESIDENTS_COMMITTEE = "residents_committee", _("居民委员会/村民委员会")
        SUPERVISION_COMMITTEE = "supervision_committee", _("居务监督委员会")
        MASS_ORGANIZATION = "mass_organization", _("群团组织")
        SOCIAL_ORGANIZATION = "social_organization", _("社区社会组织")
        PROPERTY_PROVIDER = "property_provider", _("物业服务企业")
        OTHER = "other", _("其他")

    name = models.CharField(_("单位名称"), max_length=80)
    kind = models.CharField(_("单位类型"), max_length=24, choices=Kind.choices)
    division = models.ForeignKey(
        "territory.Division", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="units"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    responsibilities = models.TextField(_("职责"), blank=True, max_length=4000)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ("scope_path", "kind", "name")
        constraints = [models.UniqueConstraint(fields=["division", "name"], name="unit_unique_name_in_division")]

    def __str__(self) -> str:
        return self.name


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def active_on(self, day: date) -> "RoleAssignmentQuerySet":
        return self.filter(starts_on__lte=day).filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day))


class RoleAssignment(models.Model):
    """角色任命: a role held at a node (and in a unit) between two dates; a person may hold several."""

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    division = models.ForeignKey(
        "territory.Division", verbose_name=_("辖区"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("终止日期"), null=True, blank=True)
    granted_by = models.ForeignKey(
        User, verbose_name=_("授权人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色任命")
        verbose_name_plural = _("角色任命")
        ordering = ("user", "starts_on")
        indexes = [models.Index(fields=["user", "starts_on"], name="assignment_user_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="assignment_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.division}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        self._bump_user_version()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        result = super().delete(*args, **kwargs)
        self._bump_user_version()
        return result

    def _bump_user_version(self) -> None:
        """Whoever writes an assignment (a service, the admin, a shell) moves the holder's `grants_version` in the
        same transaction, so no process keeps serving the old grants (`GRANTS_CACHE`)."""
        User.objects.filter(pk=self.user_id).update(grants_version=models.F("grants_version") + 1)


class LoginThrottle(models.Model):
    """登录失败计数: lockout after repeated failures with a cool-off (等保 2.0 L3 身份鉴别)."""

    username = models.CharField(_("用户名"), max_length=150, unique=True)
    failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("最近失败时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录失败计数")
        verbose_name_plural = _("登录失败计数")

    def __str__(self) -> str:
        return self.username


class ApiToken(models.Model):
    """接口令牌: a per-user bearer token for machine clients, scoped like its user, revocable; only its hash is kept."""

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=80)
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
