"""Residents, households (户) and the personal-data vault's tables (R12.3, R8.3; 个人信息保护法 arts. 28–30, 51, 55–56).

ID numbers, mobile numbers, detailed addresses and special-group flags are stored only as AES-GCM ciphertext
(`*_enc`, see vault.py); exact lookups go through HMAC blind indexes (`*_index`); pages show the stored masks.
"""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ResidenceStatus(models.TextChoices):
    REGISTERED = "registered", _("户籍")
    RESIDENT = "resident", _("常住")
    FLOATING = "floating", _("流动")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class SpecialGroup(models.TextChoices):
    ELDERLY = "elderly", _("老年人")
    ELDERLY_ALONE = "elderly_alone", _("独居老人")
    MINOR = "minor", _("未成年人")
    LEFT_BEHIND_CHILD = "left_behind_child", _("留守儿童")
    DISABLED = "disabled", _("残疾人")
    SUBSISTENCE = "subsistence", _("低保对象")
    DESTITUTE = "destitute", _("特困人员")
    ENTITLED = "entitled", _("优抚对象")
    SERIOUSLY_ILL = "seriously_ill", _("重病患者")


class Household(models.Model):
    """户: a household at an address; the 小区 and 楼栋 are public, the unit, room and street address are encrypted."""

    public_id = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    household_no = models.CharField(_("户号"), max_length=30)
    community = models.ForeignKey(  # indexed by the unique (community, household_no) constraint
        "territory.Division",
        verbose_name=_("社区/行政村"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    grid = models.ForeignKey(
        "territory.Division", verbose_name=_("网格"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    complex = models.ForeignKey(  # indexed by household_complex_no
        "territory.ResidentialComplex",
        verbose_name=_("小区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    building = models.ForeignKey(
        "territory.Building", verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address_enc = models.BinaryField(_("详细地址（密文）"), null=True, blank=True)
    address_masked = models.CharField(_("详细地址（脱敏）"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        ordering = ("scope_path", "household_no")
        constraints = [
            models.UniqueConstraint(fields=["community", "household_no"], name="household_unique_no_in_community")
        ]
        indexes = [models.Index(fields=["complex", "household_no"], name="household_complex_no")]

    def __str__(self) -> str:
        return self.household_no


class Resident(models.Model):
    """居民. Name, birth date and sex are kept in clear for lists and care work; the rest is in the vault."""

    public_id = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("姓名"), max_length=40)
    id_enc = models.BinaryField(_("身份证号（密文）"))
    id_index = models.CharField(_("身份证号盲索引"), max_length=32)  # unique: resident_unique_id_index
    id_masked = models.CharField(_("身份证号"), max_length=18)
    birth_date = models.DateField(_("出生日期"))
    sex = models.CharField(_("性别"), max_length=1, choices=[("M", _("男")), ("F", _("女"))])
    phone_enc = models.BinaryField(_("手机号（密文）"), null=True, blank=True)
    phone_index = models.CharField(_("手机号盲索引"), max_length=32, blank=True)  # indexed: resident_phone_index
    phone_masked = models.CharField(_("手机号"), max_length=11, blank=True)
    # The blind-index key (id) id_index and phone_index were computed under; "" = before ids were recorded.
    index_key = models.CharField(_("盲索引密钥"), max_length=32, blank=True, default="", editable=False)
    residence_status = models.CharField(_("居住状态"), max_length=12, choices=ResidenceStatus.choices)
    household = models.ForeignKey(  # indexed by resident_household (household, relation)
        Household,
        verbose_name=_("户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        db_index=False,
    )
    relation = models.CharField(_("与户主关系"), max_length=12, choices=Relation.choices, default=Relation.OTHER)
    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区/行政村"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        "territory.Division", verbose_name=_("网格"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, editable=False)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("关联账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident_record",
    )
    erased_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True, editable=False)
    import_job = models.BigIntegerField(_("最近导入任务"), null=True, blank=True, editable=False)
    import_row = models.PositiveIntegerField(_("最近导入行号"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        ordering = ("scope_path", "name")
        # Plain btree indexes without the varchar_pattern_ops twins Django adds for unique/db_index CharFields: a
        # blind index is only ever compared for equality, and every index costs the import a write per row.
        constraints = [models.UniqueConstraint(fields=["id_index"], name="resident_unique_id_index")]
        indexes = [
            models.Index(fields=["phone_index"], name="resident_phone_index"),
            models.Index(fields=["scope_path", "name"], name="resident_scope_name"),
            models.Index(fields=["household", "relation"], name="resident_household"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def age(self) -> int:
        today = date.today()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


class GroupFlag(models.Model):
    """特殊人群标识 with its date and source; the group itself is encrypted, with a blind index for care lists.

    `purpose` and `destroy_on` carry the purpose limitation of data collected for an emergency (突发事件应对法):
    `destroy_expired_flags` deletes them once the date passes.
    """

    class Purpose(models.TextChoices):
        ROUTINE = "routine", _("日常服务管理")
        EMERGENCY = "emergency", _("突发事件应对")

    resident = models.ForeignKey(  # indexed by flag_unique_group (resident, group_index)
        Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="flags", db_index=False
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    group_enc = models.BinaryField(_("人群类别（密文）"))
    group_index = models.CharField(_("人群类别盲索引"), max_length=32)
    index_key = models.CharField(_("盲索引密钥"), max_length=32, blank=True, default="", editable=False)
    since = models.DateField(_("认定日期"))
    source = models.CharField(_("来源"), max_length=80)
    note_enc = models.BinaryField(_("备注（密文）"), null=True, blank=True)
    purpose = models.CharField(_("用途"), max_length=12, choices=Purpose.choices, default=Purpose.ROUTINE)
    destroy_on = models.DateField(_("销毁日期"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("特殊人群标识")
        verbose_name_plural = _("特殊人群标识")
        constraints = [models.UniqueConstraint(fields=["resident", "group_index"], name="flag_unique_group")]
        indexes = [models.Index(fields=["group_index", "scope_path"], name="flag_group_scope")]

    def __str__(self) -> str:
        return f"flag {self.pk}"


class AccessLog(models.Model):
    """明文查看记录: who revealed which field of whose record, when and why; shown to the resident."""

    resident = models.ForeignKey(Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="accesses")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("查看人"), on_delete=models.PROTECT)
    viewer_role = models.CharField(_("查看人角色"), max_length=32)
    field = models.CharField(_("字段"), max_length=20)
    purpose = models.CharField(_("用途"), max_length=200)
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("查看记录")
        verbose_name_plural = _("查看记录")
        ordering = ("-at", "-id")

    def __str__(self) -> str:
        return f"{self.viewer_id} → {self.resident_id}"


class ProxyPurpose(models.TextChoices):
    """What staff may do for the resident under a 代办 consent; other domains check with their own code."""

    ANY = "any", _("全部代办事项")
    SUBJECT_RIGHTS = "subject_rights", _("个人信息查阅、更正、删除")
    APPEALS = "appeals", _("诉求与建议")
    SERVICES = "services", _("便民服务事项")


class ProxyConsent(models.Model):
    """代办授权 (standing consent): the resident agrees that a named staff member, or any staff member of a unit,
    acts on their behalf for a purpose, with how the consent was given, its evidence, its period and revocation."""

    class Method(models.TextChoices):
        WRITTEN = "written", _("书面")
        PHONE = "phone", _("电话")
        IN_PERSON = "in_person", _("当面")

    resident = models.ForeignKey(Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="consents")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "territory.Division",
        verbose_name=_("代办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("该社区（或网格）的工作人员均可代办"),
    )
    purpose = models.CharField(
        _("代办用途"), max_length=20, choices=ProxyPurpose.choices, default=ProxyPurpose.SUBJECT_RIGHTS
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    matters = models.CharField(_("代办事项"), max_length=200)
    method = models.CharField(_("同意方式"), max_length=12, choices=Method.choices, default=Method.WRITTEN)
    evidence = models.CharField(_("凭证说明"), max_length=200, help_text=_("如：本人签字的授权书编号、通话录音编号"))
    given_on = models.DateField(_("同意日期"))
    expires_on = models.DateField(_("有效期至"))
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("代办授权")
        verbose_name_plural = _("代办授权")
        ordering = ("-given_on", "-id")
        indexes = [models.Index(fields=["resident", "expires_on"], name="consent_resident_expiry")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agent__isnull=False) | models.Q(unit__isnull=False), name="consent_agent_or_unit"
            )
        ]

    def __str__(self) -> str:
        return self.matters

    def is_valid_on(self, day: date) -> bool:
        return self.revoked_at is None and self.given_on <= day <= self.expires_on


class SubjectRequest(models.Model):
    """个人信息权利请求 (个人信息保护法 arts. 44–50): access or correction, handled by staff before `due_on`."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("更正")
        ACCESS = "access", _("查阅复制")
        DELETION = "deletion", _("删除")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        DONE = "done", _("已处理")
        REJECTED = "rejected", _("不予处理")

    public_id = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    resident = models.ForeignKey(Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="requests")
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    field = models.CharField(_("涉及信息"), max_length=40, blank=True)
    details_enc = models.BinaryField(_("请求内容（密文）"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    due_on = models.DateField(_("办理期限"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    response = models.TextField(_("答复"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    handled_at = models.DateTimeField(_("办理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("个人信息权利请求")
        verbose_name_plural = _("个人信息权利请求")
        ordering = ("status", "due_on")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.public_id}"
