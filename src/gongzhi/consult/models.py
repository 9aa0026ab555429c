"""民主协商 and 居民自治 decisions (R5.2, R6.1, R6.2, D11): topics, meetings, gatherings with attendance, votes,
decisions with the 重大事项 legal opinion, implementation, and residents' legal questions.

Shared mechanisms other apps build on (keep stable):
- `Gathering` + `Participant`: the platform's one invite / register / attend mechanism (meetings, culture activities,
  legal-education events);
- `Vote` + `Elector` + `Participation` + `Ballot`: a generic vote on any subject (`subject_type`, `subject_id`);
- `Decision`: a recorded decision with the 重大事项 flag and the legal advisor's opinion.

Secret ballots: `Ballot` rows have a random UUID key, no voter reference and no timestamp; who took part is kept in
`Participation`, and the ballot box is re-mixed when the vote closes (see docs/consult.md).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Subject(models.Model):
    """A generic reference to the thing a vote or decision is about (`app_label.model`, pk as text)."""

    subject_type = models.CharField(_("事项类型"), max_length=60, blank=True)
    subject_id = models.CharField(_("事项编号"), max_length=40, blank=True)

    class Meta:
        abstract = True


# ---- gatherings: the one registration and attendance mechanism ----


class Gathering(Subject):
    """A gathering people are invited to, register for and attend: a consultation meeting, a culture activity, a
    legal-education event. Attendance is recorded here and nowhere else."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("协商议事会议")
        ACTIVITY = "activity", _("文化活动")
        LEGAL_EDUCATION = "legal_education", _("法治宣传教育活动")
        OTHER = "other", _("其他活动")

    public_id = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=120)
    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区/行政村"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, editable=False)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("名额"), null=True, blank=True, help_text=_("留空为不限"))
    open_registration = models.BooleanField(_("居民可自行报名"), default=True)
    registration_closes_at = models.DateTimeField(_("报名截止"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("活动/会议")
        verbose_name_plural = _("活动/会议")
        ordering = ("-starts_at", "-id")
        indexes = [
            models.Index(fields=["scope_path", "starts_at"], name="gathering_scope_start"),
            models.Index(fields=["subject_type", "subject_id"], name="gathering_subject"),
        ]

    def __str__(self) -> str:
        return self.title


class Participant(models.Model):
    """One person at a gathering: invited, registered, attended or absent. A person is a resident record, an account,
    or both (staff, advisors and invited guests may have no resident record)."""

    class Role(models.TextChoices):
        INVITEE = "invitee", _("受邀人")
        REPRESENTATIVE = "representative", _("居民代表")
        PARTICIPANT = "participant", _("报名参加")
        STAFF = "staff", _("工作人员")
        OBSERVER = "observer", _("列席")

    class Status(models.TextChoices):
        INVITED = "invited", _("已邀请")
        REGISTERED = "registered", _("已报名")
        ATTENDED = "attended", _("已出席")
        ABSENT = "absent", _("缺席")
        CANCELLED = "cancelled", _("已取消")

    gathering = models.ForeignKey(
        Gathering, verbose_name=_("活动/会议"), on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resident = models.ForeignKey(
        "residents.Resident", verbose_name=_("居民"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=60)
    role = models.CharField(_("身份"), max_length=16, choices=Role.choices, default=Role.PARTICIPANT)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    registered_at = models.DateTimeField(_("报名/邀请时间"), auto_now_add=True)
    attended_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("参加人")
        verbose_name_plural = _("参加人")
        ordering = ("gathering", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["gathering", "resident"],
                condition=models.Q(resident__isnull=False),
                name="participant_resident",
            ),
            models.UniqueConstraint(
                fields=["gathering", "user"], condition=models.Q(user__isnull=False), name="participant_user"
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(resident__isnull=False) | ~models.Q(name=""),
                name="participant_identified",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# ---- topics and meetings ----


class Topic(models.Model):
    """议题: raised by a resident or staff; collects supports up to a threshold, then is screened (R5.2)."""

    class Status(models.TextChoices):
        COLLECTING = "collecting", _("征集支持中")
        QUALIFIED = "qualified", _("已达支持数，待审查")
        ACCEPTED = "accepted", _("已立项")
        MERGED = "merged", _("已合并")
        REJECTED = "rejected", _("不予立项")
        SCHEDULED = "scheduled", _("已安排协商")
        DECIDED = "decided", _("已形成决定")

    public_id = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区/行政村"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, editable=False)
    title = models.CharField(_("议题"), max_length=120)
    body = models.TextField(_("内容与理由"), max_length=4000)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_by_name = models.CharField(_("提出人"), max_length=60)
    raised_as_staff = models.BooleanField(_("工作人员提出"), default=False)
    threshold = models.PositiveIntegerField(_("需要的支持数"))
    support_count = models.PositiveIntegerField(_("支持数"), default=0)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.COLLECTING)
    qualified_at = models.DateTimeField(_("达到支持数时间"), null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审查人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    screened_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    screen_reason = models.TextField(_("审查意见"), max_length=2000, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("并入议题"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["scope_path", "status", "-created_at"], name="topic_scope_status")]

    def __str__(self) -> str:
        return self.title


class TopicSupport(models.Model):
    """One eligible resident's support for a topic; the unique constraint makes a second support impossible."""

    topic = models.ForeignKey(Topic, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="supports")
    resident = models.ForeignKey(
        "residents.Resident", verbose_name=_("居民"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("议题支持")
        verbose_name_plural = _("议题支持")
        constraints = [models.UniqueConstraint(fields=["topic", "resident"], name="topic_support_once")]

    def __str__(self) -> str:
        return f"{self.topic_id}/{self.resident_id}"


class MeetingForm(models.TextChoices):
    """The five consultation forms of R5.2 (draft Art. 11) plus the statutory 居民会议 and 居民代表会议."""

    COUNCIL = "council", _("议事会")
    HEARING = "hearing", _("听证会")
    DIALOGUE = "dialogue", _("恳谈会")
    COURTYARD = "courtyard", _("院坝协商会")
    DELEGATES = "delegates", _("定向代表议事会")
    ASSEMBLY = "assembly", _("居民会议")
    REP_ASSEMBLY = "rep_assembly", _("居民代表会议")


class Meeting(models.Model):
    """A consultation meeting: notice (counted in working days), participants via its Gathering, agenda,
    deliberation record and minutes (R5.2)."""

    class Status(models.TextChoices):
        NOTICED = "noticed", _("已发布通知")
        HELD = "held", _("已召开")
        CLOSED = "closed", _("已形成纪要")
        CANCELLED = "cancelled", _("已取消")

    public_id = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    gathering = models.OneToOneField(
        Gathering, verbose_name=_("参会登记"), on_delete=models.PROTECT, related_name="meeting"
    )
    form = models.CharField(_("协商形式"), max_length=16, choices=MeetingForm.choices)
    title = models.CharField(_("会议名称"), max_length=120)
    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区/行政村"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, editable=False)
    topics = models.ManyToManyField(Topic, verbose_name=_("议题"), blank=True, related_name="meetings")
    notice = models.TextField(_("会议通知"), max_length=4000)
    noticed_on = models.DateField(_("通知日期"))
    notice_working_days = models.PositiveSmallIntegerField(_("提前通知工作日数"))
    earliest_on = models.DateField(_("最早可召开日期"))
    starts_at = models.DateTimeField(_("召开时间"))
    place = models.CharField(_("地点"), max_length=120)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.NOTICED)
    minutes = models.TextField(_("会议纪要"), max_length=20000, blank=True)
    closed_at = models.DateTimeField(_("纪要时间"), null=True, blank=True)
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("召集人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("协商会议")
        verbose_name_plural = _("协商会议")
        ordering = ("-starts_at", "-id")
        indexes = [models.Index(fields=["scope_path", "-starts_at"], name="meeting_scope_start")]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("议程"), max_length=200)
    topic = models.ForeignKey(
        Topic, verbose_name=_("议题"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("议程")
        verbose_name_plural = _("议程")
        ordering = ("meeting", "position")
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="agenda_position")]

    def __str__(self) -> str:
        return self.title


class Statement(models.Model):
    """One entry of the deliberation record (协商记录): who said what, in order."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="statements")
    seq = models.PositiveIntegerField(_("顺序"))
    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("议程"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    participant = models.ForeignKey(
        Participant, verbose_name=_("发言人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    speaker = models.CharField(_("发言人"), max_length=60)
    text = models.TextField(_("发言要点"), max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("协商记录")
        verbose_name_plural = _("协商记录")
        ordering = ("meeting", "seq")
        constraints = [models.UniqueConstraint(fields=["meeting", "seq"], name="statement_seq")]

    def __str__(self) -> str:
        return f"{self.seq}. {self.speaker}"


# ---- owners (Civil Code art. 278) ----


class OwnerShare(models.Model):
    """An owner's 专有部分 in a 小区 with its area as in the real-estate register (最高法 建筑物区分所有权解释 第八条).
    One owner with several units counts as one head (same, 第九条)."""

    complex = models.ForeignKey(
        "territory.ResidentialComplex", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, editable=False)
    owner = models.ForeignKey("residents.Resident", verbose_name=_("业主"), on_delete=models.PROTECT, related_name="+")
    unit_label = models.CharField(_("房号"), max_length=40)
    area = models.DecimalField(_("专有部分面积（平方米）"), max_digits=9, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("业主专有部分")
        verbose_name_plural = _("业主专有部分")
        ordering = ("complex", "unit_label")
        constraints = [models.UniqueConstraint(fields=["complex", "unit_label"], name="owner_share_unit")]
        indexes = [models.Index(fields=["complex", "owner"], name="owner_share_owner")]

    def __str__(self) -> str:
        return self.unit_label


# ---- votes ----


class Vote(Subject):
    """A vote on a question about any subject, with its method, electorate, quorum and majority."""

    class Method(models.TextChoices):
        PERSON = "person", _("一人一票")
        HOUSEHOLD = "household", _("一户一票")
        REPRESENTATIVE = "representative", _("居民代表表决")
        OWNERS = "owners", _("业主共同决定（面积和人数双过半/三分之二/四分之三）")

    class Electorate(models.TextChoices):
        COMMUNITY = "community", _("本社区全体（十八周岁以上居民或全体户）")
        MEETING = "meeting", _("会议出席人（或其户）")
        REPRESENTATIVES = "representatives", _("会议的居民代表")
        COMPLEX = "complex", _("小区全体业主")

    class Majority(models.TextChoices):
        SIMPLE = "simple", _("过半数")
        TWO_THIRDS = "two_thirds", _("三分之二以上")
        THREE_QUARTERS = "three_quarters", _("四分之三以上")
        CUSTOM = "custom", _("自定义比例")

    class Base(models.TextChoices):
        CAST = "cast", _("参加表决的票数")
        ELECTORATE = "electorate", _("全体有表决权的人数")

    class Quorum(models.TextChoices):
        NONE = "none", _("不设")
        HALF = "half", _("过半数参加")
        TWO_THIRDS = "two_thirds", _("三分之二以上参加")
        CUSTOM = "custom", _("自定义比例")

    class Status(models.TextChoices):
        OPEN = "open", _("表决中")
        CLOSED = "closed", _("已结束")
        CANCELLED = "cancelled", _("已取消")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("未揭晓")
        PASSED = "passed", _("通过")
        FAILED = "failed", _("未通过")
        NO_QUORUM = "no_quorum", _("参加人数不足，表决无效")

    public_id = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区/行政村"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, editable=False)
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), null=True, blank=True, on_delete=models.PROTECT, related_name="votes"
    )
    complex = models.ForeignKey(
        "territory.ResidentialComplex",
        verbose_name=_("小区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    question = models.CharField(_("表决事项"), max_length=200)
    description = models.TextField(_("说明"), max_length=4000, blank=True)
    method = models.CharField(_("表决方式"), max_length=16, choices=Method.choices)
    electorate = models.CharField(_("表决范围"), max_length=16, choices=Electorate.choices)
    secret = models.BooleanField(_("无记名投票"), default=False)
    majority = models.CharField(_("通过比例"), max_length=16, choices=Majority.choices, default=Majority.SIMPLE)
    majority_num = models.PositiveSmallIntegerField(_("自定义比例分子"), default=1)
    majority_den = models.PositiveSmallIntegerField(_("自定义比例分母"), default=2)
    base = models.CharField(_("计算基数"), max_length=12, choices=Base.choices, default=Base.CAST)
    quorum = models.CharField(_("参加人数要求"), max_length=12, choices=Quorum.choices, default=Quorum.NONE)
    quorum_num = models.PositiveSmallIntegerField(_("自定义参加比例分子"), default=1)
    quorum_den = models.PositiveSmallIntegerField(_("自定义参加比例分母"), default=2)
    major_278 = models.BooleanField(
        _("民法典第二百七十八条第一款第六至八项事项"),
        default=False,
        help_text=_("筹集维修资金，改建、重建建筑物及其附属设施，改变共有部分用途或利用共有部分经营"),
    )
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    # Totals are written only when the vote closes (after the ballot box has been mixed).
    electorate_count = models.PositiveIntegerField(_("有表决权人数"), default=0)
    electorate_area = models.DecimalField(_("专有部分总面积"), max_digits=14, decimal_places=2, default=0)
    participant_count = models.PositiveIntegerField(_("参加表决人数"), default=0)
    yes_count = models.PositiveIntegerField(_("赞成"), default=0)
    no_count = models.PositiveIntegerField(_("反对"), default=0)
    abstain_count = models.PositiveIntegerField(_("弃权"), default=0)
    participant_area = models.DecimalField(_("参加表决面积"), max_digits=14, decimal_places=2, default=0)
    yes_area = models.DecimalField(_("赞成面积"), max_digits=14, decimal_places=2, default=0)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("表决")
        verbose_name_plural = _("表决")
        ordering = ("-opens_at", "-id")
        indexes = [
            models.Index(fields=["scope_path", "-opens_at"], name="vote_scope_open"),
            models.Index(fields=["subject_type", "subject_id"], name="vote_subject"),
        ]

    def __str__(self) -> str:
        return self.question


class Elector(models.Model):
    """One voting unit of a vote's electorate, fixed when the vote opens: a person, a household, a representative or
    an owner (with the summed area of their units)."""

    vote = models.ForeignKey(Vote, verbose_name=_("表决"), on_delete=models.CASCADE, related_name="electors")
    resident = models.ForeignKey(
        "residents.Resident", verbose_name=_("居民"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "residents.Household", verbose_name=_("户"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    label = models.CharField(_("名称"), max_length=60)
    area = models.DecimalField(_("专有部分面积"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("表决权人")
        verbose_name_plural = _("表决权人")
        ordering = ("vote", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "resident"],
                condition=models.Q(household__isnull=True, resident__isnull=False),
                name="elector_resident_once",
            ),
            models.UniqueConstraint(
                fields=["vote", "household"], condition=models.Q(household__isnull=False), name="elector_household_once"
            ),
        ]
        indexes = [models.Index(fields=["vote", "user"], name="elector_vote_user")]

    def __str__(self) -> str:
        return self.label


class Participation(models.Model):
    """That an elector has voted (never how). One row per elector and vote: the unique constraint is the
    "counts once" guarantee even under concurrent requests. No timestamp: the ledger event records when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, verbose_name=_("表决"), on_delete=models.CASCADE, related_name="participations")
    elector = models.ForeignKey(Elector, verbose_name=_("表决权人"), on_delete=models.PROTECT, related_name="+")
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("投票账号"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    on_site = models.BooleanField(_("现场登记"), default=False)

    class Meta:
        verbose_name = _("参加表决记录")
        verbose_name_plural = _("参加表决记录")
        constraints = [models.UniqueConstraint(fields=["vote", "elector"], name="participation_once")]

    def __str__(self) -> str:
        return f"{self.vote_id}/{self.elector_id}"


class Choice(models.TextChoices):
    YES = "yes", _("赞成")
    NO = "no", _("反对")
    ABSTAIN = "abstain", _("弃权")


class Ballot(models.Model):
    """A ballot. For an open (记名) vote it names its elector; for a secret vote `elector` is NULL, the key is random,
    there is no timestamp, and the box is re-mixed at close, so nothing stored links a ballot to a Participation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, verbose_name=_("表决"), on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField(_("意见"), max_length=8, choices=Choice.choices)
    area = models.DecimalField(_("计票面积"), max_digits=12, decimal_places=2, default=0)
    elector = models.OneToOneField(
        Elector, verbose_name=_("表决权人"), null=True, blank=True, on_delete=models.PROTECT, related_name="ballot"
    )

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        indexes = [models.Index(fields=["vote", "choice"], name="ballot_vote_choice")]

    def __str__(self) -> str:
        return str(self.id)


# ---- decisions, legal opinions, implementation ----


class Decision(Subject):
    """A decision of the residents' committee or a meeting; a 重大事项 needs the legal advisor's written opinion before
    adoption (R6.2); after adoption its implementation is tracked and fed back publicly (R5.2)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待通过")
        ADOPTED = "adopted", _("已通过")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", _("未开始")
        IN_PROGRESS = "in_progress", _("实施中")
        DONE = "done", _("已完成")

    public_id = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区/行政村"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, editable=False)
    title = models.CharField(_("决定事项"), max_length=160)
    body = models.TextField(_("决定内容"), max_length=8000)
    is_major = models.BooleanField(_("重大事项"), default=False)
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    vote = models.ForeignKey(
        Vote, verbose_name=_("表决"), null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("议题"), null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    adopted_at = models.DateTimeField(_("通过时间"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    override_reason = models.TextField(_("不采纳法律意见的理由"), max_length=4000, blank=True)
    progress = models.CharField(_("实施状态"), max_length=12, choices=Progress.choices, default=Progress.NOT_STARTED)
    progress_percent = models.PositiveSmallIntegerField(_("完成百分比"), default=0)
    feedback_disclosure = models.ForeignKey(
        "ledger.Disclosure",
        verbose_name=_("公开反馈"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("起草人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("决定")
        verbose_name_plural = _("决定")
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["scope_path", "status", "-created_at"], name="decision_scope_status"),
            models.Index(fields=["subject_type", "subject_id"], name="decision_subject"),
        ]

    def __str__(self) -> str:
        return self.title


class LegalOpinion(models.Model):
    """社区法律顾问的书面法律意见 on a decision (R6.2); a later opinion supersedes an earlier one, both are kept."""

    class Conclusion(models.TextChoices):
        COMPLIANT = "compliant", _("合法合规")
        CONDITIONAL = "conditional", _("附条件合规")
        NON_COMPLIANT = "non_compliant", _("不合规")

    decision = models.ForeignKey(Decision, verbose_name=_("决定"), on_delete=models.PROTECT, related_name="opinions")
    scope_path = models.CharField(_("节点路径"), max_length=15, editable=False)
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("法律顾问"), on_delete=models.PROTECT, related_name="+"
    )
    advisor_name = models.CharField(_("法律顾问"), max_length=60)
    conclusion = models.CharField(_("结论"), max_length=16, choices=Conclusion.choices)
    basis = models.TextField(_("法律依据与理由"), max_length=8000)
    conditions = models.TextField(_("条件"), max_length=4000, blank=True)
    given_at = models.DateTimeField(_("出具时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("法律意见")
        verbose_name_plural = _("法律意见")
        ordering = ("-given_at", "-id")
        indexes = [models.Index(fields=["scope_path", "-given_at"], name="opinion_scope_given")]

    def __str__(self) -> str:
        return self.get_conclusion_display()


class ProgressEntry(models.Model):
    decision = models.ForeignKey(
        Decision, verbose_name=_("决定"), on_delete=models.CASCADE, related_name="progress_entries"
    )
    percent = models.PositiveSmallIntegerField(_("完成百分比"))
    note = models.TextField(_("进展情况"), max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("实施进展")
        verbose_name_plural = _("实施进展")
        ordering = ("decision", "at", "id")

    def __str__(self) -> str:
        return f"{self.percent}%"


class StreetAlert(models.Model):
    """An alert to the street office (街道办事处), e.g. a major decision adopted against a non-compliant legal
    opinion; shown in street officials' 我的待办 until acknowledged."""

    decision = models.ForeignKey(Decision, verbose_name=_("决定"), on_delete=models.PROTECT, related_name="alerts")
    scope_path = models.CharField(_("节点路径"), max_length=15, editable=False)
    street_path = models.CharField(_("街道路径"), max_length=15, db_index=True)
    message = models.TextField(_("提示内容"), max_length=4000)
    raised_at = models.DateTimeField(_("时间"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    response = models.TextField(_("处理意见"), max_length=4000, blank=True)

    class Meta:
        verbose_name = _("街道提示")
        verbose_name_plural = _("街道提示")
        ordering = ("-raised_at", "-id")

    def __str__(self) -> str:
        return self.message[:40]


# ---- legal questions (R6.1) ----


class LegalQuestion(models.Model):
    """A resident's question to the community legal advisor, answered by a working-day deadline (R6.1)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待答复")
        ANSWERED = "answered", _("已答复")

    public_id = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        "territory.Division", verbose_name=_("社区/行政村"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("节点路径"), max_length=15, editable=False)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提问人"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("类别"), max_length=20)
    question = models.TextField(_("问题"), max_length=4000)
    asked_at = models.DateTimeField(_("提问时间"), auto_now_add=True)
    due_on = models.DateField(_("答复期限"))
    # 暂定期限: due_on runs into a year the working calendar does not know yet (Monday–Friday assumed); `due_from` is
    # the day it was counted from, to recompute it when the year is confirmed (services.question_deadlines_recompute)
    due_provisional = models.BooleanField(_("暂定期限"), default=False)
    due_from = models.DateField(null=True, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("答复"), max_length=8000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("法律咨询")
        verbose_name_plural = _("法律咨询")
        ordering = ("-asked_at", "-id")
        indexes = [
            models.Index(fields=["scope_path", "status", "due_on"], name="question_scope_due"),
            models.Index(fields=["asked_by", "-asked_at"], name="question_asker"),
        ]

    def __str__(self) -> str:
        return self.question[:40]

    def is_overdue(self, today: object) -> bool:
        if self.status == self.Status.ANSWERED:
            return bool(self.answered_on and self.answered_on > self.due_on)
        return bool(today > self.due_on)  # type: ignore[operator]
