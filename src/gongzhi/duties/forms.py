from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.people.models import Unit

from .models import AdmissionApplication, Category, CorrectionOrder, Indicator, Task

DATE = forms.DateInput(attrs={"type": "date"})


class ResourcesMixin(forms.Form):
    funds_yuan = forms.DecimalField(
        label=_("经费（元/年）"), min_value=0, max_digits=12, decimal_places=2, required=False, initial=0
    )
    funds_source = forms.CharField(label=_("经费来源和拨付方式"), max_length=200, required=False)
    staff = forms.CharField(label=_("人员"), max_length=200, required=False)
    training = forms.CharField(label=_("培训"), max_length=200, required=False)
    equipment = forms.CharField(label=_("设备"), max_length=200, required=False)
    information_systems = forms.CharField(label=_("信息系统"), max_length=200, required=False)


class ApplicationForm(ResourcesMixin):
    category = forms.ChoiceField(
        label=_("类别"),
        choices=[(c.value, c.label) for c in Category if c not in (Category.NEGATIVE, Category.CERTIFICATE)],
        initial=Category.ASSISTANCE,
    )
    code = forms.CharField(label=_("事项编码"), max_length=32)
    name = forms.CharField(label=_("事项名称"), max_length=120)
    legal_basis = forms.CharField(label=_("设定依据"), max_length=300, required=False)
    community_role = forms.CharField(
        label=_("社区承担的具体工作"), max_length=2000, required=False, widget=forms.Textarea
    )
    frequency = forms.CharField(label=_("工作方式和频次"), max_length=120, required=False)
    ledgers = forms.CharField(label=_("需要的台账（最少化）"), max_length=300, required=False)
    starts_on = forms.DateField(label=_("拟开始日期"), widget=DATE, required=False)
    ends_on = forms.DateField(label=_("有效期至"), widget=DATE, required=False)

    field_order = [
        "category",
        "code",
        "name",
        "legal_basis",
        "community_role",
        "frequency",
        "ledgers",
        "starts_on",
        "ends_on",
    ]


class DecisionForm(forms.Form):
    admit = forms.TypedChoiceField(
        label=_("审批结论"),
        choices=[("1", _("准入")), ("0", _("不予准入"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    meeting_reference = forms.CharField(label=_("联席会议纪要文号"), max_length=120, required=False)
    meeting_date = forms.DateField(label=_("联席会议日期"), widget=DATE, required=False)
    refusal_ground = forms.ChoiceField(
        label=_("不予准入理由"), choices=AdmissionApplication.RefusalGround.choices, required=False
    )
    note = forms.CharField(label=_("审批意见"), max_length=2000, required=False, widget=forms.Textarea)


class ExitForm(forms.Form):
    reason = forms.ChoiceField(label=_("退出原因"), choices=AdmissionApplication.ExitReason.choices)
    note = forms.CharField(label=_("说明（居民评价依据等）"), max_length=2000, required=False, widget=forms.Textarea)


class AnnualReviewForm(forms.Form):
    year = forms.IntegerField(label=_("评估年度"), min_value=2025, max_value=2100)
    keep = forms.TypedChoiceField(
        label=_("评估结论"),
        choices=[("1", _("继续保留")), ("0", _("退出清单"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("评估意见（含居民评价）"), max_length=500, widget=forms.Textarea)


class TaskForm(forms.Form):
    community = forms.CharField(
        label=_("社区代码"), max_length=15, widget=forms.TextInput(attrs={"list": "communities"})
    )
    kind = forms.ChoiceField(label=_("任务类型"), choices=Task.Kind.choices)
    matter_code = forms.CharField(label=_("清单事项编码"), max_length=32, required=False)
    title = forms.CharField(label=_("标题"), max_length=120)
    body = forms.CharField(label=_("内容"), max_length=4000, required=False, widget=forms.Textarea)
    due_on = forms.DateField(label=_("完成期限"), widget=DATE, required=False)


class ReportForm(forms.Form):
    sender_unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("派发单位"), queryset=Unit.objects.none()
    )
    kind = forms.ChoiceField(label=_("任务类型"), choices=Task.Kind.choices)
    matter_code = forms.CharField(label=_("清单事项编码（如有）"), max_length=32, required=False)
    title = forms.CharField(label=_("任务标题"), max_length=120)
    body = forms.CharField(label=_("收到的方式和内容"), max_length=4000, required=False, widget=forms.Textarea)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=2000, required=False, widget=forms.Textarea)


class CertificateForm(forms.Form):
    requested = forms.CharField(label=_("证明事项（编码或名称）"), max_length=120)
    holder_name = forms.CharField(label=_("证明对象"), max_length=60)
    purpose = forms.CharField(label=_("用途"), max_length=200)
    content = forms.CharField(label=_("证明内容"), max_length=2000, widget=forms.Textarea)


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("核验码"), max_length=16)


class FindingsForm(forms.Form):
    findings = forms.CharField(label=_("调查结论"), max_length=4000, widget=forms.Textarea)
    dismiss = forms.BooleanField(label=_("不构成违规，结案"), required=False)


class OrderForm(forms.Form):
    requirement = forms.CharField(label=_("纠正要求"), max_length=4000, widget=forms.Textarea)
    working_days = forms.IntegerField(label=_("整改期限（工作日）"), min_value=1, max_value=120, initial=10)


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("通报标题"), max_length=200)
    body = forms.CharField(label=_("通报正文"), max_length=20000, widget=forms.Textarea)


class CorrectionForm(forms.Form):
    target_unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("居民委员会"), queryset=Unit.objects.none()
    )
    issuer = forms.ChoiceField(
        label=_("纠正主体"),
        choices=[
            (CorrectionOrder.Issuer.STREET_OFFICE.value, CorrectionOrder.Issuer.STREET_OFFICE.label),
            (CorrectionOrder.Issuer.RESIDENTS_MEETING.value, CorrectionOrder.Issuer.RESIDENTS_MEETING.label),
        ],
    )
    subject = forms.CharField(label=_("事由"), max_length=200)
    requirement = forms.CharField(label=_("整改要求"), max_length=4000, widget=forms.Textarea)
    basis = forms.CharField(label=_("依据（如居民会议决定）"), max_length=200, required=False)
    working_days = forms.IntegerField(label=_("整改期限（工作日）"), min_value=1, max_value=120, initial=10)


class VerifyCorrectionForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("核实结论"),
        choices=[("1", _("整改到位")), ("0", _("未整改到位"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("说明"), max_length=2000, required=False)


class VersionForm(forms.Form):
    county = forms.CharField(label=_("县（市、区）代码"), max_length=12)
    title = forms.CharField(label=_("标题"), max_length=120)
    document = forms.CharField(label=_("印发文号"), max_length=120, required=False)
    effective_from = forms.DateField(label=_("生效日期"), widget=DATE)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))


class RoundForm(forms.Form):
    county = forms.CharField(label=_("县（市、区）代码"), max_length=12)
    title = forms.CharField(label=_("标题"), max_length=120)
    period_start = forms.DateField(label=_("评价期起"), widget=DATE)
    period_end = forms.DateField(label=_("评价期止"), widget=DATE)


class IndicatorForm(forms.Form):
    key = forms.CharField(label=_("指标代码"), max_length=40)
    name = forms.CharField(label=_("指标名称"), max_length=120)
    description = forms.CharField(label=_("说明"), max_length=300, required=False)
    source = forms.ChoiceField(label=_("数据来源"), choices=Indicator.Source.choices)
    weight = forms.DecimalField(label=_("权重（%）"), max_digits=5, decimal_places=2, min_value=0)


class RatingForm(forms.Form):
    indicator: forms.ModelChoiceField[Indicator] = forms.ModelChoiceField(
        label=_("指标"), queryset=Indicator.objects.none()
    )
    department: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("被评部门"), queryset=Unit.objects.none())
    score = forms.DecimalField(label=_("分数（0–100）"), min_value=0, max_value=100, max_digits=5, decimal_places=2)
    comment = forms.CharField(label=_("意见"), max_length=500, required=False)
