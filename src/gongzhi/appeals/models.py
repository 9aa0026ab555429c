"""民生诉求 (R14.3): appeals from intake to satisfaction, the category catalog, the dispatch catalog shared with the
duty-list gate (R10.2), versioned deadline rules, idempotency keys, resident notices and incremental rollups.

Hot lists read `(scope_path, status, due_at)` and `(handling_unit, status, due_at)`; the county dashboard reads
`AppealStat` rows only (maintained inside the transition services), never the appeals themselves.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.refdata import VersionedModel


class AppealType(models.TextChoices):
    CONSULT = "consult", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("意见建议")
    PRAISE = "praise", _("表扬")
    OTHER = "other", _("其他")


class Channel(models.TextChoices):
    PORTAL = "portal", _("居民门户")
    PHONE = "phone", _("电话受理")
    PROXY = "proxy", _("代办")
    HOTLINE_12345 = "12345", _("12345 工单导入")
    API = "api", _("接口")
    OPEN311 = "open311", _("Open311")


class Status(models.TextChoices):
    RECEIVED = "received", _("已受理待派单")
    DISPATCHED = "dispatched", _("已派单待签收")
    DISPUTED = "disputed", _("派单异议审核中")
    RETURNED = "returned", _("已退单待改派")
    HANDLING = "handling", _("办理中")
    REPLIED = "replied", _("已答复待回访")
    DISSATISFIED = "dissatisfied", _("回访不满意")
    CLOSED = "closed", _("已办结")
    ARCHIVED = "archived", _("已归档")
    MERGED = "merged", _("已并单")


OPEN_STATUSES = (
    Status.RECEIVED,
    Status.DISPATCHED,
    Status.DISPUTED,
    Status.RETURNED,
    Status.HANDLING,
)
DONE_STATUSES = (Status.CLOSED, Status.ARCHIVED, Status.MERGED)
OPEN_Q = models.Q(
    status__in=[str(s) for s in OPEN_STATUSES]
)  # the partial indexes' predicate; queries use the same list


class HandlerKind(models.TextChoices):
    DEPARTMENT = "department", _("职能部门")
    STREET_OFFICE = "street_office", _("街道办事处（乡镇）")
    RESIDENTS_COMMITTEE = "residents_committee", _("社区（居委会）")


class Category(VersionedModel):
    """诉求分类: a multi-level catalog (data, importable); `path` is the chain of codes for one-range subtree reads."""

    refdata_name = "appeals.catalog"  # cached per process (`core.refdata`)

    code = models.CharField(_("分类编码"), max_length=32, unique=True)
    name = models.CharField(_("分类名称"), max_length=60)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级分类"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("层级"), default=1)
    path = models.CharField(_("路径"), max_length=200, db_index=True, editable=False)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        ordering = ("path",)

    def __str__(self) -> str:
        return self.name


class DeadlineRuleSet(VersionedModel):
    """办理时限规则 (versioned): working days per type, sign-off days and the yellow-warning share of the time."""

    refdata_name = "appeals.rules"  # cached per process (`core.refdata`)

    name = models.CharField(_("规则名称"), max_length=80)
    version = models.PositiveIntegerField(_("版本"))
    effective_from = models.DateField(_("生效日期"))
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    days = models.JSONField(_("各类型办理时限（工作日）"))
    signoff_days = models.PositiveSmallIntegerField(_("签收时限（工作日）"), default=1)
    warn_percent = models.PositiveSmallIntegerField(_("黄牌预警（已用时限 %）"), default=80)

    class Meta:
        verbose_name = _("办理时限规则")
        verbose_name_plural = _("办理时限规则")
        ordering = ("-effective_from", "-version")
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="appeal_rules_unique_version")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def days_for(self, appeal_type: str) -> int:
        value = self.days.get(appeal_type, self.days.get(AppealType.OTHER, 15))
        return int(value)


class DispatchRoute(models.Model):
    """派单目录: in a county, which unit handles a category and which duty-list matter it is (duties.DutyItem.code).

    The matter code is the duty list's own item code, not a second list: dispatch to a residents' committee asks the
    duty gate (`duties.selectors.community_may_receive`) with it (国办函〔2025〕66号, R10.2)."""

    county = models.ForeignKey(
        "territory.Division", verbose_name=_("县（市、区）"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, db_index=True, editable=False)
    category = models.ForeignKey(Category, verbose_name=_("诉求分类"), on_delete=models.PROTECT, related_name="routes")
    handler_kind = models.CharField(_("承办单位类型"), max_length=24, choices=HandlerKind.choices)
    unit = models.ForeignKey(
        "people.Unit",
        verbose_name=_("承办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("职能部门事项必填；街道、社区事项按诉求地点自动确定"),
    )
    matter_code = models.CharField(_("清单事项编码"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("派单目录")
        verbose_name_plural = _("派单目录")
        constraints = [models.UniqueConstraint(fields=["county", "category"], name="appeal_route_unique")]

    def __str__(self) -> str:
        return f"{self.category} → {self.get_handler_kind_display()}"


class Appeal(models.Model):
    number = models.CharField(_("诉求编号"), max_length=20)  # unique: `appeal_number_unique` (no LIKE twin)
    pickup_hash = models.CharField(_("提取码摘要"), max_length=64, editable=False)
    appeal_type = models.CharField(_("诉求类型"), max_length=12, choices=AppealType.choices)
    category = models.ForeignKey(Category, verbose_name=_("诉求分类"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=60)
    text = models.TextField(_("诉求内容"), max_length=5000)
    place = models.ForeignKey(
        "territory.Division", verbose_name=_("诉求地点"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, editable=False)
    # The place's ancestors at each level, so a county's, street's or community's open queue is one equality plus the
    # deadline order on a partial index (no sort of a whole street's appeals).
    county_path = models.CharField(max_length=6, editable=False, default="")
    street_path = models.CharField(max_length=9, editable=False, default="")
    community_path = models.CharField(max_length=12, editable=False, default="")
    address = models.CharField(_("详细位置"), max_length=120, blank=True)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices)
    external_ref = models.CharField(_("12345 工单号/外部编号"), max_length=40, null=True, blank=True)  # unique below
    status = models.CharField(_("状态"), max_length=14, choices=Status.choices, default=Status.RECEIVED)

    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("居民账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        db_index=False,  # `appeal_resident` (resident, -id) serves every lookup
    )
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_mobile_cipher = models.BinaryField(_("联系电话（密文）"), null=True, blank=True, editable=False)
    contact_mobile_masked = models.CharField(_("联系电话"), max_length=16, blank=True)
    intake_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # never looked up by intake clerk; accounts are deactivated, not deleted
    )
    consent_note = models.CharField(_("代为提交的同意记录"), max_length=200, blank=True)

    rule_set = models.ForeignKey(
        DeadlineRuleSet,
        verbose_name=_("时限规则"),
        on_delete=models.PROTECT,
        db_index=False,  # versions are kept
    )
    accepted_at = models.DateTimeField(_("受理时间"))
    signoff_due_at = models.DateTimeField(_("签收时限"), null=True, blank=True)
    warn_at = models.DateTimeField(_("黄牌预警时间"))
    due_at = models.DateTimeField(_("办理时限"))
    # 暂定期限: a deadline (due_at and/or signoff_due_at) counted into a year the working calendar does not know yet
    # (Monday–Friday assumed, workdays.WorkingCalendar.deadline). `deadline_basis` keeps what each provisional deadline
    # was counted from — {"due": {"from", "days", "warn_from", "told"}, "signoff": {"from", "days"}} — so it is
    # recomputed when the year is confirmed (services.deadlines_recompute); null once every deadline is final. Both have
    # database defaults, so bulk loaders that name their columns (bench/appeals) need not know them.
    deadline_provisional = models.BooleanField(_("暂定期限"), default=False, db_default=False)
    deadline_basis = models.JSONField(null=True, blank=True, editable=False)
    handling_unit = models.ForeignKey(
        "people.Unit",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # `appeal_unit_status_due` leads with the unit
    )
    matter_code = models.CharField(_("清单事项编码"), max_length=32, blank=True)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    signed_on_time = models.BooleanField(_("按时签收"), null=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    replied_on_time = models.BooleanField(_("按时办结"), null=True)
    reply = models.TextField(_("答复内容"), blank=True, max_length=5000)
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    solved = models.BooleanField(_("问题已解决"), null=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    overdue = models.BooleanField(_("已超期"), default=False)
    urge_level = models.PositiveSmallIntegerField(_("督办等级"), default=0)  # 0 none, 1 催办 (yellow), 2 督办 (red)
    escalation_level = models.PositiveSmallIntegerField(_("提级次数"), default=0)
    redo_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("重启次数"), default=0)
    extension_requested_days = models.PositiveSmallIntegerField(_("申请延期（工作日）"), null=True, blank=True)
    extension_reason = models.CharField(_("延期理由"), max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("并入诉求"), null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    excluded_from_scoring = models.BooleanField(_("不纳入考核"), default=False)
    exclusion_reason = models.CharField(_("不纳入考核理由"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("民生诉求")
        verbose_name_plural = _("民生诉求")
        # Each index costs every intake and every step a write and the planner a look (5 M rows, ~50 writes/s at
        # peak): only indexes some query uses. Single-column FK indexes covered by a composite are left out, and the
        # unique number/ticket are constraints, not `unique=True`, which would add a varchar_pattern_ops twin that
        # no query uses (lookups are exact).
        constraints = [
            models.UniqueConstraint(fields=["number"], name="appeal_number_unique"),
            models.UniqueConstraint(fields=["external_ref"], name="appeal_external_ref_unique"),
        ]
        indexes = [
            models.Index(fields=["scope_path", "status", "due_at", "id"], name="appeal_scope_status_due"),
            models.Index(fields=["handling_unit", "status", "due_at", "id"], name="appeal_unit_status_due"),
            models.Index(fields=["resident", "-id"], name="appeal_resident"),
            models.Index(fields=["status", "urge_level", "warn_at"], name="appeal_sweep_warn"),
            models.Index(fields=["status", "overdue", "due_at"], name="appeal_sweep_due"),
            models.Index(fields=["status", "closed_at"], name="appeal_sweep_closed"),
            models.Index(fields=["due_at", "id"], condition=OPEN_Q, name="appeal_open_city"),
            models.Index(fields=["county_path", "due_at", "id"], condition=OPEN_Q, name="appeal_open_county"),
            models.Index(fields=["street_path", "due_at", "id"], condition=OPEN_Q, name="appeal_open_street"),
            models.Index(fields=["community_path", "due_at", "id"], condition=OPEN_Q, name="appeal_open_community"),
            models.Index(fields=["handling_unit", "due_at", "id"], condition=OPEN_Q, name="appeal_open_unit"),
            models.Index(fields=["id"], condition=models.Q(deadline_provisional=True), name="appeal_provisional"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def due_provisional(self) -> bool:
        return "due" in (self.deadline_basis or {})

    @property
    def signoff_provisional(self) -> bool:
        return "signoff" in (self.deadline_basis or {})


class AppealPhoto(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("照片"), upload_to="appeals/%Y/%m/")
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("诉求照片")
        verbose_name_plural = _("诉求照片")

    def __str__(self) -> str:
        return f"{self.appeal_id}:{self.pk}"


class AppealEvent(models.Model):
    """One step of the appeal's timeline (the ledger holds the same step as an audit event)."""

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", _("受理")
        DIRECT = "direct", _("直办答复")
        DISPATCHED = "dispatched", _("派单")
        DISPATCH_REFUSED = "dispatch_refused", _("派单被清单闸口拒绝")
        SIGNED = "signed", _("签收")
        PROGRESS = "progress", _("办理进展")
        RETURNED = "returned", _("退单")
        DISPUTED = "disputed", _("派单异议")
        DISPUTE_DECIDED = "dispute_decided", _("异议审核")
        REASSIGNED = "reassigned", _("改派")
        EXTENSION_REQUESTED = "extension_requested", _("申请延期")
        EXTENSION_DECIDED = "extension_decided", _("延期审批")
        URGED = "urged", _("催办/督办")
        ESCALATED = "escalated", _("提级")
        REPLIED = "replied", _("答复")
        VISITED = "visited", _("回访")
        REDO = "redo", _("重办")
        CLOSED = "closed", _("办结")
        ARCHIVED = "archived", _("归档")
        MERGED = "merged", _("并单")
        REOPENED = "reopened", _("重启")
        EXCLUDED = "excluded", _("不纳入考核")
        DEADLINE_RECOMPUTED = "deadline_recomputed", _("期限按工作日历重新计算")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=80, blank=True)
    unit = models.ForeignKey("people.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True, max_length=5000)
    public = models.BooleanField(default=True)  # shown to the resident on the follow-up page
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("at", "id")
        indexes = [models.Index(fields=["appeal", "at"], name="appeal_event_timeline")]

    def __str__(self) -> str:
        return f"{self.appeal_id}:{self.kind}"


class IdempotencyKey(models.Model):
    """A POST's Idempotency-Key: a retry with the same key and body answers the original appeal and creates nothing."""

    owner = models.CharField(max_length=80)  # "user:<id>", "open311:<client>", "system"
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="+")
    pickup_cipher = models.BinaryField(editable=False)  # the 提取码, vault-encrypted, so a retry answers it again
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="appeal_idempotency_unique")]

    def __str__(self) -> str:
        return f"{self.owner}:{self.key}"


class Notice(models.Model):
    """A notice to a resident (delivered through the configured channel; kept for the resident's own page)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField(max_length=300)
    channel = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["recipient", "-id"], name="appeal_notice_recipient")]

    def __str__(self) -> str:
        return self.message


COUNTERS = (
    "received",
    "dispatched",
    "signed",
    "signed_on_time",
    "replied",
    "replied_on_time",
    "closed",
    "satisfaction_sum",
    "satisfaction_count",
    "solved",
    "overdue",
    "excluded",
)


class AppealStat(models.Model):
    """Rollup per (day received, type, category, street, unit): counters moved by the services, never recounted."""

    day = models.DateField()
    appeal_type = models.CharField(max_length=12, choices=AppealType.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    county_path = models.CharField(max_length=6)
    street_path = models.CharField(max_length=9)
    # (unit, day) below serves a department's dashboard and the FK; no single-column twin.
    unit = models.ForeignKey(
        "people.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    unit_key = models.IntegerField(default=0)  # the unit's id, 0 when not yet dispatched (unique key without NULLs)
    received = models.IntegerField(default=0)
    dispatched = models.IntegerField(default=0)
    signed = models.IntegerField(default=0)
    signed_on_time = models.IntegerField(default=0)
    replied = models.IntegerField(default=0)
    replied_on_time = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    satisfaction_sum = models.IntegerField(default=0)
    satisfaction_count = models.IntegerField(default=0)
    solved = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)
    excluded = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "appeal_type", "category", "street_path", "unit_key"], name="appeal_stat_unique"
            )
        ]
        indexes = [
            models.Index(fields=["county_path", "day"], name="appeal_stat_county_day"),
            models.Index(fields=["street_path", "day"], name="appeal_stat_street_day"),
            models.Index(fields=["unit", "day"], name="appeal_stat_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.street_path} {self.appeal_type}"

    def figures(self) -> dict[str, Any]:
        return {c: getattr(self, c) for c in COUNTERS}


class StatDim(models.TextChoices):
    TYPE = "type", "type"
    CATEGORY = "category", "category"
    UNIT = "unit", "unit"


class AppealStatMonth(models.Model):
    """Dashboard rollup per (month received, street, dimension, key): the same counters as `AppealStat`, kept once per
    grouping the county dashboard offers (type, category, unit — a street's totals are any one dimension's sum).

    Moved in the same transaction as the day rows, by one upsert of three rows. A county's year is at most
    12 months × its streets × (7 types + categories + units) rows, read by equality on `county_path` in the
    `(county_path, dim, month)` index: the dashboard's cost depends on the window and the county, not on how many
    years of history the table holds."""

    month = models.DateField()  # the first day of the month
    county_path = models.CharField(max_length=6)
    street_path = models.CharField(max_length=9)
    dim = models.CharField(max_length=8, choices=StatDim.choices)
    key = models.CharField(max_length=32)  # the type code, the category id or the unit id ("0": not dispatched)
    received = models.IntegerField(default=0)
    dispatched = models.IntegerField(default=0)
    signed = models.IntegerField(default=0)
    signed_on_time = models.IntegerField(default=0)
    replied = models.IntegerField(default=0)
    replied_on_time = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    satisfaction_sum = models.IntegerField(default=0)
    satisfaction_count = models.IntegerField(default=0)
    solved = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)
    excluded = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "street_path", "dim", "key"], name="appeal_stat_month_unique")
        ]
        indexes = [
            models.Index(fields=["county_path", "dim", "month"], name="appeal_stat_month_county"),
            models.Index(fields=["street_path", "dim", "month"], name="appeal_stat_month_street"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.street_path} {self.dim}={self.key}"
