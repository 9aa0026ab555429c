"""Forms of the 居民自治 pages; they only collect input — the services validate and decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Activity, Body, Convention, DeclaredRelative, FinanceRecord, Finding, PointsRule, SupervisionItem

TEXTAREA = {"rows": 4}


class ConventionForm(forms.Form):
    community = forms.ChoiceField(label=_("社区"))
    kind = forms.ChoiceField(label=_("类型"), choices=Convention.Kind.choices)
    title = forms.CharField(label=_("名称"), max_length=120)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 12}), max_length=40_000)

    def __init__(self, *args: Any, communities: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(str(c.pk), c.name) for c in communities]  # type: ignore[attr-defined]


class VersionForm(forms.Form):
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 12}), max_length=40_000)
    change_note = forms.CharField(label=_("修改说明"), max_length=500)


class RuleForm(forms.Form):
    code = forms.CharField(label=_("条目编号"), max_length=20)
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[*PointsRule.Kind.choices, ("fine", _("罚款（不允许）")), ("service", _("限制公共服务（不允许）"))],
        help_text=_("居委会没有处罚权：规则只能加分或扣分。"),
    )
    title = forms.CharField(label=_("行为"), max_length=120)
    points = forms.IntegerField(label=_("分值"), min_value=1, max_value=1000)
    text = forms.CharField(label=_("规则说明"), widget=forms.Textarea(attrs=TEXTAREA), required=False, max_length=2000)


class CommentPeriodForm(forms.Form):
    working_days = forms.IntegerField(label=_("征求意见期（工作日）"), min_value=3, max_value=30, initial=10)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("您的意见"), widget=forms.Textarea(attrs=TEXTAREA), max_length=2000)


class PutToVoteForm(forms.Form):
    closes_at = forms.DateTimeField(
        label=_("表决截止时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    meeting = forms.ChoiceField(
        label=_("在会议中表决（可选）"),
        required=False,
        help_text=_("不选会议：本社区全体十八周岁以上居民表决；选择会议：由会议出席人表决。"),
    )
    representatives = forms.TypedChoiceField(
        label=_("表决机构"),
        choices=[("0", _("居民会议")), ("1", _("居民代表会议（由所选会议的居民代表表决）"))],
        coerce=lambda v: v == "1",
        initial="0",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, meetings: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (str(m.pk), f"{m.title}（{m.starts_at:%Y-%m-%d}）") for m in meetings or []
        ]


class FilingReviewForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("审查结果"),
        choices=[("1", _("已备案，无异议")), ("0", _("提出意见，退回修改"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("备案意见"), widget=forms.Textarea(attrs=TEXTAREA), required=False, max_length=1000)


class ResidentSearchForm(forms.Form):
    q = forms.CharField(label=_("按姓名查找居民（多个姓名用空格分隔）"), max_length=100, required=False)


class ApplyRuleForm(forms.Form):
    rule = forms.ChoiceField(label=_("依据规则"))
    resident = forms.ChoiceField(label=_("居民"), widget=forms.RadioSelect, required=False)
    household_no = forms.CharField(label=_("或：户号（记入家庭账户）"), max_length=30, required=False)
    note = forms.CharField(label=_("事实经过"), widget=forms.Textarea(attrs=TEXTAREA), max_length=500)

    def __init__(self, *args: Any, rules: list[Any], residents: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [  # type: ignore[attr-defined]
            (str(r.pk), f"{r.code} {r.title}（{'+' if r.kind == 'award' else '-'}{r.points}）") for r in rules
        ]
        self.fields["resident"].choices = [  # type: ignore[attr-defined]
            (str(r.public_id), f"{r.name}（{r.household.household_no if r.household else '—'}）") for r in residents
        ]


class ObjectionForm(forms.Form):
    reason = forms.CharField(label=_("异议理由"), widget=forms.Textarea(attrs=TEXTAREA), max_length=2000)


class DecideForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("复核结论"), choices=[("1", _("异议成立")), ("0", _("异议不成立"))], coerce=lambda v: v == "1"
    )
    decision = forms.CharField(label=_("复核意见"), widget=forms.Textarea(attrs=TEXTAREA), max_length=2000)


class TransferForm(forms.Form):
    amount = forms.IntegerField(label=_("转入家庭账户的分值"), min_value=1, max_value=100_000)


class CatalogueForm(forms.Form):
    community = forms.ChoiceField(label=_("社区"))
    name = forms.CharField(label=_("兑换物品/服务"), max_length=120)
    cost = forms.IntegerField(label=_("所需积分"), min_value=1)
    funding_source = forms.CharField(label=_("资金来源"), max_length=200, help_text=_("如：社区慈善基金、共建单位捐赠"))
    stock = forms.IntegerField(label=_("库存"), min_value=0)

    def __init__(self, *args: Any, communities: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(str(c.pk), c.name) for c in communities]  # type: ignore[attr-defined]


class ElectionForm(forms.Form):
    community = forms.ChoiceField(label=_("社区"))
    body = forms.ChoiceField(label=_("选举机构"), choices=Body.choices)
    held_on = forms.DateField(label=_("选举日期"), widget=forms.DateInput(attrs={"type": "date"}))
    term_start = forms.DateField(label=_("任期开始"), widget=forms.DateInput(attrs={"type": "date"}))
    term_end = forms.DateField(label=_("任期届满"), widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.CharField(label=_("选举记录"), widget=forms.Textarea(attrs=TEXTAREA), max_length=4000)
    members = forms.MultipleChoiceField(label=_("当选成员"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, communities: list[Any], residents: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(str(c.pk), c.name) for c in communities]  # type: ignore[attr-defined]
        self.fields["members"].choices = [  # type: ignore[attr-defined]
            (str(r.public_id), f"{r.name}（{r.household.household_no if r.household else '—'}）") for r in residents
        ]


class RelativeForm(forms.Form):
    person = forms.ChoiceField(label=_("居民"))
    relative = forms.ChoiceField(label=_("亲属"))
    kind = forms.ChoiceField(label=_("关系"), choices=DeclaredRelative.Kind.choices)

    def __init__(self, *args: Any, residents: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (str(r.public_id), f"{r.name}（{r.household.household_no if r.household else '—'}）") for r in residents
        ]
        self.fields["person"].choices = choices  # type: ignore[attr-defined]
        self.fields["relative"].choices = choices  # type: ignore[attr-defined]


class ItemForm(forms.Form):
    community = forms.ChoiceField(label=_("社区"))
    area = forms.ChoiceField(label=_("监督内容"), choices=SupervisionItem.Area.choices)
    title = forms.CharField(label=_("事项"), max_length=200)
    description = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs=TEXTAREA), max_length=4000)

    def __init__(self, *args: Any, communities: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(str(c.pk), c.name) for c in communities]  # type: ignore[attr-defined]


class InquiryForm(forms.Form):
    question = forms.CharField(label=_("询问内容"), widget=forms.Textarea(attrs=TEXTAREA), max_length=4000)
    working_days = forms.IntegerField(label=_("答复期限（工作日）"), min_value=1, max_value=30, initial=5)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs=TEXTAREA), max_length=4000)


class FindingForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("结论"), choices=Finding.Conclusion.choices)
    text = forms.CharField(label=_("监督意见"), widget=forms.Textarea(attrs={"rows": 6}), max_length=8000)


class CorrectionForm(forms.Form):
    issuer = forms.ChoiceField(
        label=_("纠正主体"),
        choices=[("residents_meeting", _("居民会议予以纠正")), ("street_office", _("街道办事处责令改正"))],
    )
    requirement = forms.CharField(label=_("整改要求"), widget=forms.Textarea(attrs=TEXTAREA), max_length=4000)
    working_days = forms.IntegerField(label=_("整改期限（工作日）"), min_value=1, max_value=120, initial=10)


class RequestForm(forms.Form):
    subject = forms.CharField(label=_("事项"), max_length=200)
    details = forms.CharField(label=_("具体情况"), widget=forms.Textarea(attrs=TEXTAREA), max_length=4000)


class HandleRequestForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("处理"), choices=[("1", _("立项监督")), ("0", _("不予立项"))], coerce=lambda v: v == "1"
    )
    area = forms.ChoiceField(label=_("监督内容"), choices=SupervisionItem.Area.choices)
    response = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs=TEXTAREA), max_length=2000)


class FinanceForm(forms.Form):
    community = forms.ChoiceField(label=_("社区"))
    occurred_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    direction = forms.ChoiceField(label=_("收支"), choices=FinanceRecord.Direction.choices)
    amount_yuan = forms.DecimalField(label=_("金额（元）"), max_digits=12, decimal_places=2, min_value=0)
    purpose = forms.CharField(label=_("事由"), max_length=200)
    counterparty = forms.CharField(label=_("对方单位/个人"), max_length=120, required=False)
    voucher_no = forms.CharField(label=_("凭证号"), max_length=40, required=False)

    def __init__(self, *args: Any, communities: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(str(c.pk), c.name) for c in communities]  # type: ignore[attr-defined]


class ActivityForm(forms.Form):
    community = forms.ChoiceField(label=_("社区"))
    kind = forms.ChoiceField(label=_("类型"), choices=Activity.Kind.choices)
    title = forms.CharField(label=_("活动名称"), max_length=120)
    description = forms.CharField(label=_("活动内容"), widget=forms.Textarea(attrs=TEXTAREA), max_length=4000)
    place = forms.CharField(label=_("地点"), max_length=120)
    starts_at = forms.DateTimeField(
        label=_("开始时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=5000)

    def __init__(self, *args: Any, communities: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(str(c.pk), c.name) for c in communities]  # type: ignore[attr-defined]


class SelectionForm(forms.Form):
    community = forms.ChoiceField(label=_("社区"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("名称"), max_length=120)
    criteria = forms.CharField(label=_("评选标准"), widget=forms.Textarea(attrs=TEXTAREA), max_length=4000)

    def __init__(self, *args: Any, communities: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(str(c.pk), c.name) for c in communities]  # type: ignore[attr-defined]


class NominationForm(forms.Form):
    household_no = forms.CharField(label=_("户号"), max_length=30)
    family_name = forms.CharField(label=_("家庭名称"), max_length=60)
    deeds = forms.CharField(label=_("主要事迹"), widget=forms.Textarea(attrs=TEXTAREA), max_length=4000)


class ReviewForm(forms.Form):
    shortlist = forms.TypedChoiceField(
        label=_("审核结论"), choices=[("1", _("审核通过")), ("0", _("审核未通过"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_("审核意见"), max_length=500, required=False)


class PublicityForm(forms.Form):
    working_days = forms.IntegerField(label=_("公示期（工作日）"), min_value=5, max_value=15, initial=5)


class FamilyObjectionForm(forms.Form):
    reason = forms.CharField(label=_("异议理由"), widget=forms.Textarea(attrs=TEXTAREA), max_length=2000)


class FamilyDecideForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("核实结论"), choices=[("1", _("异议成立")), ("0", _("异议不成立"))], coerce=lambda v: v == "1"
    )
    finding = forms.CharField(label=_("核实情况"), max_length=1000)
