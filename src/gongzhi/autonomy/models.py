"""居民自治 (R5.1, R5.3, R7.1, R7.2, D11): conventions and charters with versions, the points ledger (积分制), the
居务监督委员会 and its supervision work, 居务 finances, cultural activities and the 文明家庭 selection.

Every governed row carries the community's `scope_path`, so the one policy scopes reads and writes.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Body(models.TextChoices):
    """The 居民会议 or 居民代表会议 that adopts a convention or elects the supervision committee (组织法第十五条)."""

    RESIDENTS_MEETING = "residents_meeting", _("居民会议")
    REPRESENTATIVES_MEETING = "representatives_meeting", _("居民代表会议")


# ---- conventions and charters (R5.1) -------------------------------------------------------------------------------


class Convention(models.Model):
    """居民公约 or 居民自治章程 of one community; its text lives in numbered versions."""

    class Kind(models.TextChoices):
        CONVENTION = "convention", _("居民公约")
        CHARTER = "charter", _("居民自治章程")

    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=120)
    created_by = models.ForeignKey(
        USER, verbose_name=_("起草人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("居民公约/自治章程")
        verbose_name_plural = _("居民公约/自治章程")
        ordering = ("scope_path", "kind", "id")
        constraints = [models.UniqueConstraint(fields=["community", "title"], name="convention_unique_title")]

    def __str__(self) -> str:
        return self.title


class ConventionVersion(models.Model):
    """One version of the text: 起草 → 征求意见 → 表决 → 通过 → 备案 → 公布施行 (the previous version is superseded)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("起草中")
        COMMENTING = "commenting", _("征求意见中")
        VOTING = "voting", _("表决中")
        ADOPTED = "adopted", _("已表决通过")
        IN_FORCE = "in_force", _("施行中")
        SUPERSEDED = "superseded", _("已被新版本替代")
        REJECTED = "rejected", _("表决未通过")

    class Filing(models.TextChoices):
        NONE = "none", _("未报备案")
        SUBMITTED = "submitted", _("已报街道备案")
        RECEIVED = "received", _("街道已备案，无异议")
        RETURNED = "returned", _("街道审查提出意见")

    convention = models.ForeignKey(
        Convention, verbose_name=_("公约"), on_delete=models.CASCADE, related_name="versions"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    number = models.PositiveIntegerField(_("版本号"))
    body = models.TextField(_("正文"), max_length=40_000)
    change_note = models.CharField(_("修改说明"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(
        USER, verbose_name=_("起草人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    comment_from = models.DateField(_("征求意见起始"), null=True, blank=True)
    comment_until = models.DateField(_("征求意见截止"), null=True, blank=True)
    body_type = models.CharField(_("表决机构"), max_length=24, choices=Body.choices, blank=True)
    vote_ref = models.CharField(_("表决记录"), max_length=64, blank=True)  # consult vote id
    vote_summary = models.CharField(_("表决结果"), max_length=300, blank=True)
    adopted_on = models.DateField(_("通过日期"), null=True, blank=True)
    filing = models.CharField(_("备案"), max_length=10, choices=Filing.choices, default=Filing.NONE)
    filed_on = models.DateField(_("报备日期"), null=True, blank=True)
    filing_reviewed_by = models.ForeignKey(
        USER, verbose_name=_("备案审查人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filing_reviewed_on = models.DateField(_("备案审查日期"), null=True, blank=True)
    filing_note = models.CharField(_("备案意见"), max_length=1000, blank=True)
    in_force_from = models.DateField(_("施行日期"), null=True, blank=True)
    disclosure_id = models.BigIntegerField(_("公开事项"), null=True, blank=True)

    class Meta:
        verbose_name = _("公约版本")
        verbose_name_plural = _("公约版本")
        ordering = ("convention", "-number")
        constraints = [models.UniqueConstraint(fields=["convention", "number"], name="convention_version_unique")]
        indexes = [models.Index(fields=["scope_path", "status"], name="convention_version_scope")]

    def __str__(self) -> str:
        return f"{self.convention.title} v{self.number}"


class ConventionComment(models.Model):
    """A resident's comment during the public comment period (征求意见)."""

    version = models.ForeignKey(
        ConventionVersion, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="comments"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, editable=False)
    author = models.ForeignKey(USER, verbose_name=_("意见人"), on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("意见"), max_length=2000)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公约意见")
        verbose_name_plural = _("公约意见")
        ordering = ("version", "id")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class Acknowledgement(models.Model):
    """A resident has read the version in force (知晓确认)."""

    version = models.ForeignKey(
        ConventionVersion, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="acknowledgements"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, editable=False)
    user = models.ForeignKey(USER, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(_("确认时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("知晓确认")
        verbose_name_plural = _("知晓确认")
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="acknowledgement_once")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


# ---- points (D11 积分制, R5.1) -------------------------------------------------------------------------------------


class PointsRule(models.Model):
    """A reward or restraint rule, always part of one convention version (it takes effect only with that version)."""

    class Kind(models.TextChoices):
        AWARD = "award", _("加分")
        DEDUCTION = "deduction", _("扣分")

    version = models.ForeignKey(
        ConventionVersion, verbose_name=_("公约版本"), on_delete=models.CASCADE, related_name="rules"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    code = models.CharField(_("条目编号"), max_length=20)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("行为"), max_length=120)
    points = models.PositiveIntegerField(_("分值"))
    text = models.TextField(_("规则说明"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ("version", "code")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="points_rule_unique_code"),
            models.CheckConstraint(condition=models.Q(points__gt=0), name="points_rule_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class PointsAccount(models.Model):
    """An account of the double-entry ledger (TimeOverflow-style). Residents and households hold points; the
    community's issuance, redemption and expiry accounts are the other side of every movement. No balance column:
    a balance is always the sum of the account's entries."""

    class Kind(models.TextChoices):
        RESIDENT = "resident", _("居民积分账户")
        HOUSEHOLD = "household", _("家庭积分账户")
        ISSUANCE = "issuance", _("社区积分发放账户")
        REDEMPTION = "redemption", _("积分兑换账户")
        EXPIRY = "expiry", _("积分清零账户")

    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    resident = models.OneToOneField(
        "residents.Resident",
        verbose_name=_("居民"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="points_account",
    )
    household = models.OneToOneField(
        "residents.Household",
        verbose_name=_("户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="points_account",
    )
    created_at = models.DateTimeField(_("开户时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("积分账户")
        verbose_name_plural = _("积分账户")
        ordering = ("scope_path", "kind", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "kind"],
                condition=models.Q(kind__in=["issuance", "redemption", "expiry"]),
                name="points_system_account_once",
            )
        ]

    def __str__(self) -> str:
        if self.resident_id:
            return str(self.resident)
        if self.household_id:
            return f"{_('户')} {self.household}"
        return str(self.get_kind_display())


class PointsTransaction(models.Model):
    """One movement of points; its entries sum to zero. Never edited: a mistake is undone by a compensating
    transaction (`reverses`)."""

    class Kind(models.TextChoices):
        AWARD = "award", _("加分")
        DEDUCTION = "deduction", _("扣分")
        REDEMPTION = "redemption", _("兑换")
        EXPIRY = "expiry", _("到期清零")
        TRANSFER = "transfer", _("户内转赠")
        REVERSAL = "reversal", _("冲正")

    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    rule = models.ForeignKey(
        PointsRule, verbose_name=_("依据规则"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    basis = models.CharField(_("依据"), max_length=300)
    recorder = models.ForeignKey(USER, verbose_name=_("记录人"), null=True, on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField(_("发生日期"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    reverses = models.OneToOneField(
        "self", verbose_name=_("冲正的交易"), null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("积分交易")
        verbose_name_plural = _("积分交易")
        ordering = ("-id",)
        indexes = [models.Index(fields=["scope_path", "-id"], name="points_tx_scope")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class PointsEntry(models.Model):
    """One leg of a transaction: a signed amount on one account."""

    transaction = models.ForeignKey(
        PointsTransaction, verbose_name=_("交易"), on_delete=models.PROTECT, related_name="entries"
    )
    # indexed by `points_entry_account` (account, -id), which also serves balances and keyset pages
    account = models.ForeignKey(
        PointsAccount, verbose_name=_("账户"), on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    amount = models.IntegerField(_("分值"))

    class Meta:
        verbose_name = _("积分分录")
        verbose_name_plural = _("积分分录")
        ordering = ("-id",)
        indexes = [models.Index(fields=["account", "-id"], name="points_entry_account")]
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="points_entry_nonzero")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class PointsObjection(models.Model):
    """异议: a resident contests a deduction; reviewed within a number of working days. An upheld objection reverses
    the deduction with a compensating transaction."""

    class Status(models.TextChoices):
        OPEN = "open", _("待复核")
        UPHELD = "upheld", _("异议成立，已冲正")
        DISMISSED = "dismissed", _("异议不成立")

    deduction = models.ForeignKey(
        PointsTransaction, verbose_name=_("扣分交易"), on_delete=models.PROTECT, related_name="objections"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    filed_by = models.ForeignKey(USER, verbose_name=_("异议人"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("异议理由"), max_length=2000)
    filed_on = models.DateField(_("提出日期"))
    due_on = models.DateField(_("复核期限"))
    # 暂定期限: due_on, counted from filed_on, runs into a year the working calendar does not know yet (Monday–Friday
    # assumed); recomputed when the year is confirmed (services.objection_deadlines_recompute)
    due_provisional = models.BooleanField(_("暂定期限"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    reviewer = models.ForeignKey(
        USER, verbose_name=_("复核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.TextField(_("复核意见"), max_length=2000, blank=True)
    decided_on = models.DateField(_("复核日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("积分异议")
        verbose_name_plural = _("积分异议")
        ordering = ("due_on", "id")
        indexes = [models.Index(fields=["scope_path", "status", "due_on"], name="points_objection_open")]
        constraints = [
            models.UniqueConstraint(
                fields=["deduction"], condition=models.Q(status="open"), name="points_objection_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class RedemptionItem(models.Model):
    """兑换目录: what points buy, and who pays for it (资金来源 must be named)."""

    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    name = models.CharField(_("兑换物品/服务"), max_length=120)
    cost = models.PositiveIntegerField(_("所需积分"))
    funding_source = models.CharField(_("资金来源"), max_length=200)
    stock = models.PositiveIntegerField(_("库存"))
    is_active = models.BooleanField(_("上架"), default=True)

    class Meta:
        verbose_name = _("兑换项目")
        verbose_name_plural = _("兑换项目")
        ordering = ("scope_path", "cost", "id")
        constraints = [models.CheckConstraint(condition=models.Q(cost__gt=0), name="redemption_cost_positive")]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    item = models.ForeignKey(RedemptionItem, verbose_name=_("兑换项目"), on_delete=models.PROTECT, related_name="+")
    transaction = models.OneToOneField(
        PointsTransaction, verbose_name=_("交易"), on_delete=models.PROTECT, related_name="redemption"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)

    class Meta:
        verbose_name = _("兑换记录")
        verbose_name_plural = _("兑换记录")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


# ---- supervision committee (R5.3) ----------------------------------------------------------------------------------


class DeclaredRelative(models.Model):
    """A close-relative tie (近亲属) declared for the conflict rule when the household register does not show it
    (relatives living in other households)."""

    class Kind(models.TextChoices):
        SPOUSE = "spouse", _("配偶")
        PARENT = "parent", _("父母")
        CHILD = "child", _("子女")
        SIBLING = "sibling", _("兄弟姐妹")
        GRANDPARENT = "grandparent", _("祖父母、外祖父母")
        GRANDCHILD = "grandchild", _("孙子女、外孙子女")

    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    person = models.ForeignKey("residents.Resident", verbose_name=_("居民"), on_delete=models.CASCADE, related_name="+")
    relative = models.ForeignKey(
        "residents.Resident", verbose_name=_("亲属"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("关系"), max_length=12, choices=Kind.choices)
    declared_by = models.ForeignKey(
        USER, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申报的近亲属关系")
        verbose_name_plural = _("申报的近亲属关系")
        indexes = [
            models.Index(fields=["person"], name="declared_relative_person"),
            models.Index(fields=["relative"], name="declared_relative_relative"),
        ]
        constraints = [models.UniqueConstraint(fields=["person", "relative"], name="declared_relative_once")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class SupervisionElection(models.Model):
    """The election of a 居务监督委员会 by the 居民会议 or 居民代表会议, for a term."""

    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    body = models.CharField(_("选举机构"), max_length=24, choices=Body.choices)
    held_on = models.DateField(_("选举日期"))
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期届满"))
    minutes = models.TextField(_("选举记录"), max_length=4000)
    vote_ref = models.CharField(_("表决记录"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("居务监督委员会选举")
        verbose_name_plural = _("居务监督委员会选举")
        ordering = ("scope_path", "-held_on")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class SupervisionMember(models.Model):
    """居务监督委员会成员 for one term; residents' committee members and their close relatives may not serve."""

    class Position(models.TextChoices):
        CHAIR = "chair", _("主任")
        MEMBER = "member", _("委员")

    election = models.ForeignKey(
        SupervisionElection, verbose_name=_("选举"), on_delete=models.PROTECT, related_name="members"
    )
    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    resident = models.ForeignKey(
        "residents.Resident", verbose_name=_("居民"), on_delete=models.PROTECT, related_name="+"
    )
    account = models.ForeignKey(
        USER, verbose_name=_("账号"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.CharField(_("职务"), max_length=8, choices=Position.choices, default=Position.MEMBER)
    votes = models.PositiveIntegerField(_("得票"), null=True, blank=True)
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期届满"))

    class Meta:
        verbose_name = _("居务监督委员会成员")
        verbose_name_plural = _("居务监督委员会成员")
        ordering = ("scope_path", "-term_start", "position", "id")
        constraints = [models.UniqueConstraint(fields=["election", "resident"], name="supervision_member_once")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class FinanceRecord(models.Model):
    """居务收支: a simple income/expense record of the residents' committee, open to the supervision committee."""

    class Direction(models.TextChoices):
        INCOME = "income", _("收入")
        EXPENSE = "expense", _("支出")

    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    occurred_on = models.DateField(_("日期"))
    direction = models.CharField(_("收支"), max_length=8, choices=Direction.choices)
    amount_yuan = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    purpose = models.CharField(_("事由"), max_length=200)
    counterparty = models.CharField(_("对方单位/个人"), max_length=120, blank=True)
    voucher_no = models.CharField(_("凭证号"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("记账人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("居务收支")
        verbose_name_plural = _("居务收支")
        ordering = ("-occurred_on", "-id")
        indexes = [models.Index(fields=["scope_path", "-occurred_on"], name="finance_scope_date")]
        constraints = [models.CheckConstraint(condition=models.Q(amount_yuan__gt=0), name="finance_amount_positive")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class SupervisionRequest(models.Model):
    """A resident asks the supervision committee to look into something (居民参与监督)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待受理")
        ACCEPTED = "accepted", _("已立项监督")
        DECLINED = "declined", _("不予立项")

    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    filed_by = models.ForeignKey(USER, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("事项"), max_length=200)
    details = models.TextField(_("具体情况"), max_length=4000)
    filed_on = models.DateField(_("提出日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(_("答复"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("居民监督申请")
        verbose_name_plural = _("居民监督申请")
        ordering = ("-id",)
        indexes = [models.Index(fields=["scope_path", "status"], name="supervision_request_scope")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class SupervisionItem(models.Model):
    """监督事项: something the committee examines (居务公开, 财务收支, 决策执行), ending in published findings."""

    class Area(models.TextChoices):
        DISCLOSURE = "disclosure", _("居务公开")
        FINANCE = "finance", _("财务收支")
        DECISION = "decision", _("决策执行")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("监督中")
        CONCLUDED = "concluded", _("已形成监督意见")

    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    area = models.CharField(_("监督内容"), max_length=12, choices=Area.choices)
    title = models.CharField(_("事项"), max_length=200)
    description = models.TextField(_("说明"), max_length=4000)
    request = models.OneToOneField(
        SupervisionRequest,
        verbose_name=_("居民申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="item",
    )
    opened_by = models.ForeignKey(USER, verbose_name=_("立项人"), on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(_("立项日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        verbose_name = _("监督事项")
        verbose_name_plural = _("监督事项")
        ordering = ("-id",)
        indexes = [models.Index(fields=["scope_path", "-id"], name="supervision_item_scope")]

    def __str__(self) -> str:
        return self.title


class Finding(models.Model):
    """监督意见: what the committee found; published through the ledger's disclosure service."""

    class Conclusion(models.TextChoices):
        NO_ISSUE = "no_issue", _("未发现问题")
        ISSUE = "issue", _("发现问题，需整改")

    item = models.ForeignKey(
        SupervisionItem, verbose_name=_("监督事项"), on_delete=models.PROTECT, related_name="findings"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    conclusion = models.CharField(_("结论"), max_length=10, choices=Conclusion.choices)
    text = models.TextField(_("监督意见"), max_length=8000)
    recorded_by = models.ForeignKey(USER, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField(_("日期"))
    disclosure_id = models.BigIntegerField(_("公开事项"), null=True, blank=True)
    correction_order_id = models.BigIntegerField(_("纠正通知"), null=True, blank=True)

    class Meta:
        verbose_name = _("监督意见")
        verbose_name_plural = _("监督意见")
        ordering = ("-id",)

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class Inquiry(models.Model):
    """询问/质询 of the residents' committee with a reply deadline in working days; answered late or not at all is
    flagged overdue (the flag stays on a late answer)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待答复")
        ANSWERED = "answered", _("已答复")

    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    item = models.ForeignKey(
        SupervisionItem,
        verbose_name=_("监督事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inquiries",
    )
    question = models.TextField(_("询问内容"), max_length=4000)
    asked_by = models.ForeignKey(USER, verbose_name=_("询问人"), on_delete=models.PROTECT, related_name="+")
    asked_on = models.DateField(_("询问日期"))
    due_on = models.DateField(_("答复期限"))
    # 暂定期限: due_on (`due_working_days` after asked_on) runs into a year the working calendar does not know yet
    # (Monday–Friday assumed); recomputed when the year is confirmed (services.inquiry_deadlines_recompute)
    due_provisional = models.BooleanField(_("暂定期限"), default=False)
    due_working_days = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    overdue = models.BooleanField(_("逾期"), default=False)
    answer = models.TextField(_("答复"), max_length=4000, blank=True)
    answered_by = models.ForeignKey(
        USER, verbose_name=_("答复人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("询问")
        verbose_name_plural = _("询问")
        ordering = ("due_on", "id")
        indexes = [models.Index(fields=["status", "due_on"], name="inquiry_status_due")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


# ---- culture and 文明家庭 (R7.1, R7.2) -----------------------------------------------------------------------------


class Activity(models.Model):
    """A cultural or moral activity (道德讲堂, 新时代文明实践); sign-up and attendance use consult's mechanism."""

    class Kind(models.TextChoices):
        MORAL_LECTURE = "moral_lecture", _("道德讲堂")
        CIVILIZATION = "civilization", _("新时代文明实践")
        CULTURE = "culture", _("文体活动")
        LEGAL = "legal", _("法治宣传")

    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("活动名称"), max_length=120)
    description = models.TextField(_("活动内容"), max_length=4000)
    place = models.CharField(_("地点"), max_length=120)
    starts_at = models.DateTimeField(_("开始时间"))
    capacity = models.PositiveIntegerField(_("名额"))
    registration_ref = models.CharField(_("报名签到记录"), max_length=64, blank=True)  # consult's registration
    created_by = models.ForeignKey(USER, verbose_name=_("发布人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("文化活动")
        verbose_name_plural = _("文化活动")
        ordering = ("-starts_at", "-id")
        indexes = [models.Index(fields=["scope_path", "-starts_at"], name="activity_scope_start")]

    def __str__(self) -> str:
        return self.title


class FamilySelection(models.Model):
    """文明家庭评选 of one year: 推荐 → 审核 → 公示（异议）→ 结果公布."""

    class Status(models.TextChoices):
        NOMINATING = "nominating", _("推荐中")
        REVIEWING = "reviewing", _("审核中")
        PUBLICITY = "publicity", _("公示中")
        CONCLUDED = "concluded", _("已公布结果")

    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    year = models.PositiveIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=120)
    criteria = models.TextField(_("评选标准"), max_length=4000)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.NOMINATING)
    publicity_from = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_until = models.DateField(_("公示截止"), null=True, blank=True)
    disclosure_id = models.BigIntegerField(_("公开事项"), null=True, blank=True)
    created_by = models.ForeignKey(USER, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("文明家庭评选")
        verbose_name_plural = _("文明家庭评选")
        ordering = ("-year", "-id")
        constraints = [models.UniqueConstraint(fields=["community", "year"], name="family_selection_once_a_year")]

    def __str__(self) -> str:
        return self.title


class FamilyNomination(models.Model):
    class Status(models.TextChoices):
        NOMINATED = "nominated", _("已推荐")
        SHORTLISTED = "shortlisted", _("审核通过，进入公示")
        NOT_SHORTLISTED = "not_shortlisted", _("审核未通过")
        SELECTED = "selected", _("当选")
        WITHDRAWN = "withdrawn", _("因异议成立取消")

    selection = models.ForeignKey(
        FamilySelection, verbose_name=_("评选"), on_delete=models.CASCADE, related_name="nominations"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    household = models.ForeignKey(
        "residents.Household", verbose_name=_("家庭"), on_delete=models.PROTECT, related_name="+"
    )
    family_name = models.CharField(_("家庭名称"), max_length=60)
    deeds = models.TextField(_("主要事迹"), max_length=4000)
    nominated_by = models.ForeignKey(USER, verbose_name=_("推荐人"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.NOMINATED)
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("文明家庭推荐")
        verbose_name_plural = _("文明家庭推荐")
        ordering = ("selection", "id")
        constraints = [models.UniqueConstraint(fields=["selection", "household"], name="family_nomination_once")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class FamilyObjection(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待核实")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    nomination = models.ForeignKey(
        FamilyNomination, verbose_name=_("推荐"), on_delete=models.CASCADE, related_name="objections"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    filed_by = models.ForeignKey(USER, verbose_name=_("异议人"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("异议理由"), max_length=2000)
    filed_on = models.DateField(_("提出日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    finding = models.CharField(_("核实情况"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"
