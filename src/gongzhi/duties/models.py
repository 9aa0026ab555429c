"""权责清单与准入 (R10.1, R10.2, R20.2, R20.3, R19, D16, D24): duty lists, admission, the task gate, certificates,
violations, correction orders and the evaluation of departments."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """清单类别 (cn_domain.md §3.3)."""

    PERFORMANCE = "performance", _("依法履职事项")
    ASSISTANCE = "assistance", _("依法协助事项")
    NEGATIVE = "negative", _("负面清单事项")
    CERTIFICATE = "certificate", _("证明事项")
    PLAQUE = "plaque", _("机制牌子")
    GRID = "grid", _("网格事项")


class Assessor(models.TextChoices):
    """Who assesses the community's work on an item: the street office, never a department alone (R10.2)."""

    STREET_OFFICE = "street_office", _("街道办事处（乡镇人民政府）统一考核")
    STREET_WITH_DEPARTMENT = "street_with_department", _("街道牵头、部门参与")
    NONE = "none", _("不考核")


class AdmissionSettings(models.Model):
    """准入时限设置: per county, how far ahead a department must apply and how long the review may take."""

    county = models.OneToOneField(
        "territory.Division", verbose_name=_("县（市、区）"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    lead_working_days = models.PositiveSmallIntegerField(_("提前申请工作日数"), default=30)
    review_working_days = models.PositiveSmallIntegerField(_("审批时限（工作日）"), default=15)

    class Meta:
        verbose_name = _("准入时限设置")
        verbose_name_plural = _("准入时限设置")

    def __str__(self) -> str:
        return str(self.county)


class DutyListVersion(models.Model):
    """社区权责事项清单版本 (R10.1): one county's list, in force between two dates once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    county = models.ForeignKey(
        "territory.Division", verbose_name=_("县（市、区）"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    number = models.PositiveIntegerField(_("版本号"))
    title = models.CharField(_("标题"), max_length=120)
    document = models.CharField(_("印发文号"), max_length=120, blank=True)
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("权责清单版本")
        verbose_name_plural = _("权责清单版本")
        ordering = ("scope_path", "-effective_from", "-number")
        constraints = [
            models.UniqueConstraint(fields=["county", "number"], name="duty_list_version_unique_number"),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=models.F("effective_from")),
                name="duty_list_version_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"


class ResourceFields(models.Model):
    """配套资源 (费随事转): what must come with an item to the community."""

    funds_yuan = models.DecimalField(_("经费（元/年）"), max_digits=12, decimal_places=2, default=Decimal("0"))
    funds_source = models.CharField(_("经费来源和拨付方式"), max_length=200, blank=True)
    staff = models.CharField(_("人员"), max_length=200, blank=True)
    training = models.CharField(_("培训"), max_length=200, blank=True)
    equipment = models.CharField(_("设备"), max_length=200, blank=True)
    information_systems = models.CharField(_("信息系统"), max_length=200, blank=True)

    class Meta:
        abstract = True

    RESOURCE_KEYS = ("funds_yuan", "funds_source", "staff", "training", "equipment", "information_systems")

    @property
    def has_resources(self) -> bool:
        return self.funds_yuan > 0 or any(
            getattr(self, key).strip() for key in ("staff", "training", "equipment", "information_systems")
        )

    def resources(self) -> dict[str, str]:
        return {key: str(getattr(self, key)) for key in self.RESOURCE_KEYS}


class DutyItem(ResourceFields):
    """清单事项: one item of a list version, or an admitted item (准入事项) valid between two dates."""

    county = models.ForeignKey(
        "territory.Division", verbose_name=_("县（市、区）"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    version = models.ForeignKey(
        DutyListVersion,
        verbose_name=_("清单版本"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="items",
    )
    admission = models.OneToOneField(
        "AdmissionApplication",
        verbose_name=_("准入申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="admitted_item",
    )
    valid_from = models.DateField(_("准入生效日期"), null=True, blank=True)
    valid_to = models.DateField(_("准入有效期至"), null=True, blank=True)
    withdrawn_on = models.DateField(_("退出日期"), null=True, blank=True)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    code = models.CharField(_("事项编码"), max_length=32)
    name = models.CharField(_("事项名称"), max_length=120)
    legal_basis = models.CharField(_("设定依据"), max_length=300, blank=True)
    department = models.ForeignKey(
        "people.Unit", verbose_name=_("主管部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department_name = models.CharField(_("主管部门名称"), max_length=80, blank=True)
    community_role = models.TextField(_("社区的具体职责或协助内容"), blank=True, max_length=2000)
    frequency = models.CharField(_("工作方式和频次"), max_length=120, blank=True)
    ledgers = models.CharField(_("需要的台账（最少化）"), max_length=300, blank=True)
    assessor = models.CharField(_("考核方式"), max_length=24, choices=Assessor.choices, default=Assessor.STREET_OFFICE)

    class Meta:
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")
        ordering = ("category", "code")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], condition=models.Q(version__isnull=False), name="duty_item_code_once"
            ),
            models.CheckConstraint(
                condition=models.Q(version__isnull=False) | models.Q(admission__isnull=False),
                name="duty_item_listed_or_admitted",
            ),
        ]
        indexes = [models.Index(fields=["county", "code"], name="duty_item_county_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AdmissionApplication(ResourceFields):
    """准入申请 (R10.1): a department asks to assign an off-list item to communities."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审批")
        ADMITTED = "admitted", _("已准入")
        REFUSED = "refused", _("不予准入")
        EXITED = "exited", _("已退出")

    class RefusalGround(models.TextChoices):
        NONE = "", _("—")
        OWN_DUTY = "own_duty", _("属于部门自身职责")
        NO_BASIS = "no_basis", _("缺少依据")
        INSUFFICIENT_RESOURCES = "insufficient_resources", _("配套资源不足")
        OTHER = "other", _("其他")

    class ExitReason(models.TextChoices):
        ANNUAL_REVIEW = "annual_review", _("年度评估后退出")
        RESIDENTS_REJECT = "residents_reject", _("群众普遍不认可")
        EXPIRED = "expired", _("有效期届满")
        DEPARTMENT_WITHDRAWS = "department_withdraws", _("部门撤回")

    county = models.ForeignKey(
        "territory.Division", verbose_name=_("县（市、区）"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    department = models.ForeignKey(
        "people.Unit", verbose_name=_("申请部门"), on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    code = models.CharField(_("事项编码"), max_length=32)
    name = models.CharField(_("事项名称"), max_length=120)
    legal_basis = models.CharField(_("设定依据"), max_length=300)
    community_role = models.TextField(_("社区的具体职责或协助内容"), max_length=2000)
    frequency = models.CharField(_("工作方式和频次"), max_length=120, blank=True)
    ledgers = models.CharField(_("需要的台账（最少化）"), max_length=300, blank=True)
    starts_on = models.DateField(_("拟开始日期"))
    ends_on = models.DateField(_("有效期至"))
    submitted_on = models.DateField(_("申请日期"))
    review_due_on = models.DateField(_("审批期限"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    meeting_reference = models.CharField(_("联席会议纪要文号"), max_length=120, blank=True)
    meeting_date = models.DateField(_("联席会议日期"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True, max_length=2000)
    refusal_ground = models.CharField(
        _("不予准入理由"), max_length=24, choices=RefusalGround.choices, default="", blank=True
    )
    disclosure_id = models.PositiveBigIntegerField(_("公示编号"), null=True, blank=True)
    review_year = models.PositiveSmallIntegerField(_("最近年度评估年份"), null=True, blank=True)
    exit_reason = models.CharField(_("退出原因"), max_length=24, choices=ExitReason.choices, blank=True)
    exited_on = models.DateField(_("退出日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("准入申请")
        verbose_name_plural = _("准入申请")
        ordering = ("-submitted_on", "-id")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="admission_ends_after")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Task(ResourceFields):
    """派给社区的任务: every task a department or street office sends to a community passes the gate (R10.2)."""

    class Kind(models.TextChoices):
        WORK_ITEM = "work_item", _("工作事项")
        DATA_REQUEST = "data_request", _("填表报数")
        INSPECTION = "inspection", _("检查考核")
        PLAQUE = "plaque", _("挂牌")
        CERTIFICATE_REQUEST = "certificate_request", _("要求出具证明")
        APP_PROMOTION = "app_promotion", _("推广 App")

    class Status(models.TextChoices):
        DELIVERED = "delivered", _("已送达")
        REFUSED = "refused", _("已拒收（清单外未准入）")
        VIOLATION = "violation", _("已拒收并立案（违规转嫁）")
        REFUSED_BY_COMMUNITY = "refused_by_community", _("社区拒收")
        REPORTED = "reported", _("社区举报（平台外派发）")

    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    sender_unit = models.ForeignKey(
        "people.Unit", verbose_name=_("派发单位"), on_delete=models.PROTECT, related_name="+"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("派发人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("任务类型"), max_length=24, choices=Kind.choices)
    matter_code = models.CharField(_("事项编码"), max_length=32, blank=True)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"), blank=True, max_length=4000)
    due_on = models.DateField(_("完成期限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=24, choices=Status.choices)
    reason = models.CharField(_("闸口结论"), max_length=300)
    item = models.ForeignKey(
        DutyItem, verbose_name=_("对应清单事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    list_version = models.ForeignKey(
        DutyListVersion,
        verbose_name=_("所依据的清单版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    via_platform = models.BooleanField(_("经平台派发"), default=True)
    community_note = models.TextField(_("社区说明"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("派发时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("派发任务")
        verbose_name_plural = _("派发任务")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["scope_path", "status"], name="duty_task_scope_status")]

    def __str__(self) -> str:
        return self.title


class Certificate(models.Model):
    """社区出具的证明 (D24): numbered, checkable by anyone holding its verification code."""

    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    item = models.ForeignKey(DutyItem, verbose_name=_("证明事项"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("证明编号"), max_length=40, unique=True)
    verification_code = models.CharField(_("核验码"), max_length=16, unique=True)
    holder_name = models.CharField(_("证明对象"), max_length=60)
    purpose = models.CharField(_("用途"), max_length=200)
    content = models.TextField(_("证明内容"), max_length=2000)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("出具人"), on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("出具日期"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("社区证明")
        verbose_name_plural = _("社区证明")
        ordering = ("-issued_on", "-id")

    def __str__(self) -> str:
        return self.number

    @property
    def holder_masked(self) -> str:
        name = self.holder_name
        return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


class CorrectionOrder(models.Model):
    """纠正/责令改正 (R20.2, R20.3): an order to a unit with a deadline and follow-up; other domains reuse it by
    naming their source object."""

    class Issuer(models.TextChoices):
        COUNTY_GOVERNMENT = "county_government", _("县（市、区）人民政府")
        STREET_OFFICE = "street_office", _("街道办事处（乡镇人民政府）责令改正")
        RESIDENTS_MEETING = "residents_meeting", _("居民会议予以纠正")

    class Status(models.TextChoices):
        OPEN = "open", _("整改中")
        REPORTED = "reported", _("已报告整改")
        VERIFIED = "verified", _("整改已核实")
        OVERDUE = "overdue", _("逾期未整改")

    target_unit = models.ForeignKey(
        "people.Unit", verbose_name=_("被纠正单位"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    issuer = models.CharField(_("纠正主体"), max_length=24, choices=Issuer.choices)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("事由"), max_length=200)
    requirement = models.TextField(_("整改要求"), max_length=4000)
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    issued_on = models.DateField(_("下达日期"))
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    source_type = models.CharField(_("来源对象类型"), max_length=80, blank=True)
    source_id = models.CharField(_("来源对象编号"), max_length=64, blank=True)
    closed_on = models.DateField(_("核实日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("纠正/整改通知")
        verbose_name_plural = _("纠正/整改通知")
        ordering = ("deadline", "id")

    def __str__(self) -> str:
        return self.subject


class CorrectionFollowUp(models.Model):
    """整改跟进记录."""

    class Kind(models.TextChoices):
        REPORT = "report", _("整改报告")
        VERIFY = "verify", _("核实通过")
        REJECT = "reject", _("核实未通过")
        OVERDUE = "overdue", _("逾期提醒")

    order = models.ForeignKey(
        CorrectionOrder, verbose_name=_("整改通知"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    note = models.TextField(_("说明"), max_length=2000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改跟进")
        verbose_name_plural = _("整改跟进")
        ordering = ("at", "id")

    def __str__(self) -> str:
        return self.get_kind_display()


class ViolationCase(models.Model):
    """违规转嫁案件 (R20.2): a department or street office handing its own duties to a residents' committee."""

    class Source(models.TextChoices):
        GATE = "gate", _("派发闸口拦截")
        REPORT = "report", _("社区举报")
        INSPECTION = "inspection", _("督查发现")

    class Status(models.TextChoices):
        OPEN = "open", _("待调查")
        INVESTIGATING = "investigating", _("调查中")
        CORRECTING = "correcting", _("责令纠正中")
        PUBLISHED = "published", _("已通报批评")
        REFERRED = "referred", _("已移送监察机关")
        DISMISSED = "dismissed", _("不构成违规")

    county = models.ForeignKey(
        "territory.Division", verbose_name=_("县（市、区）"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    offender = models.ForeignKey("people.Unit", verbose_name=_("被查单位"), on_delete=models.PROTECT, related_name="+")
    task = models.OneToOneField(
        Task, verbose_name=_("涉及任务"), null=True, blank=True, on_delete=models.PROTECT, related_name="violation"
    )
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    summary = models.CharField(_("案情摘要"), max_length=300)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    findings = models.TextField(_("调查结论"), blank=True, max_length=4000)
    correction = models.OneToOneField(
        CorrectionOrder,
        verbose_name=_("纠正通知"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violation",
    )
    notice_disclosure_id = models.PositiveBigIntegerField(_("通报公开编号"), null=True, blank=True)
    serious = models.BooleanField(_("情节严重"), default=False)
    referral_note = models.TextField(_("移送说明"), blank=True, max_length=2000)
    referred_on = models.DateField(_("移送日期"), null=True, blank=True)
    opened_on = models.DateField(_("立案日期"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("违规转嫁案件")
        verbose_name_plural = _("违规转嫁案件")
        ordering = ("-opened_on", "-id")

    def __str__(self) -> str:
        return self.summary


class EvaluationRound(models.Model):
    """职能部门服务社区评价 (R19): one county, one period, a published indicator set."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("设置指标")
        OPEN = "open", _("评价中")
        PUBLISHED = "published", _("已公布结果")

    county = models.ForeignKey(
        "territory.Division", verbose_name=_("县（市、区）"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    title = models.CharField(_("标题"), max_length=120)
    period_start = models.DateField(_("评价期起"))
    period_end = models.DateField(_("评价期止"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    disclosure_id = models.PositiveBigIntegerField(_("结果公开编号"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("部门评价轮次")
        verbose_name_plural = _("部门评价轮次")
        ordering = ("-period_end", "-id")

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    """评价指标: its score per department comes from opinions, street scores or platform data."""

    class Source(models.TextChoices):
        COMMITTEE_OPINION = "committee_opinion", _("居民委员会意见")
        STREET_SCORE = "street_score", _("街道办事处评分")
        GATE_COMPLIANCE = "gate_compliance", _("平台数据：闸口拒收与违规案件")
        RESOURCES_DELIVERED = "resources_delivered", _("平台数据：协助事项配套资源到位")

    round = models.ForeignKey(
        EvaluationRound, verbose_name=_("评价轮次"), on_delete=models.CASCADE, related_name="indicators"
    )
    key = models.SlugField(_("指标代码"), max_length=40)
    name = models.CharField(_("指标名称"), max_length=120)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    source = models.CharField(_("数据来源"), max_length=24, choices=Source.choices)
    weight = models.DecimalField(_("权重（%）"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("评价指标")
        verbose_name_plural = _("评价指标")
        ordering = ("round", "id")
        constraints = [models.UniqueConstraint(fields=["round", "key"], name="indicator_key_once_per_round")]

    def __str__(self) -> str:
        return self.name


class Rating(models.Model):
    """一条评分: a residents' committee's opinion or a street office's score of one department on one indicator."""

    round = models.ForeignKey(
        EvaluationRound, verbose_name=_("评价轮次"), on_delete=models.CASCADE, related_name="ratings"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey("people.Unit", verbose_name=_("评价单位"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "people.Unit", verbose_name=_("被评部门"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("分数（0–100）"), max_digits=5, decimal_places=2)
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("填报时间"), auto_now=True)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "rater", "department"], name="rating_once_per_rater"),
            models.CheckConstraint(condition=models.Q(score__gte=0) & models.Q(score__lte=100), name="rating_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.rater} → {self.department}: {self.score}"


class EvaluationResult(models.Model):
    """评价结果: one department's indicator scores and weighted total, frozen when the round is published."""

    round = models.ForeignKey(
        EvaluationRound, verbose_name=_("评价轮次"), on_delete=models.CASCADE, related_name="results"
    )
    department = models.ForeignKey("people.Unit", verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField(_("各指标得分"), default=dict)
    total = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True, blank=True)

    class Meta:
        verbose_name = _("评价结果")
        verbose_name_plural = _("评价结果")
        ordering = ("round", models.F("rank").asc(nulls_last=True), "department__name")
        constraints = [models.UniqueConstraint(fields=["round", "department"], name="result_once_per_department")]

    def __str__(self) -> str:
        return f"{self.department}: {self.total}"
