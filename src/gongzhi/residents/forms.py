from django import forms
from django.utils.translation import gettext_lazy as _

from .models import GroupFlag, SpecialGroup, SubjectRequest
from .services import REVEALABLE

FIELD_LABELS = {"id_number": _("身份证号"), "phone": _("手机号"), "address": _("详细地址"), "groups": _("特殊人群")}


class RevealForm(forms.Form):
    field = forms.ChoiceField(label=_("字段"), choices=[(f, FIELD_LABELS[f]) for f in REVEALABLE])
    purpose = forms.CharField(label=_("查看用途"), max_length=200, min_length=4)


class ExportForm(forms.Form):
    fmt = forms.ChoiceField(label=_("格式"), choices=[("xlsx", "Excel"), ("csv", "CSV")], initial="xlsx")
    purpose = forms.CharField(label=_("导出明文的用途（留空则导出脱敏数据）"), max_length=200, required=False)


class CorrectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("请求类型"), choices=SubjectRequest.Kind.choices, initial="correction")
    field = forms.CharField(label=_("涉及哪项信息"), max_length=40, required=False)
    details = forms.CharField(label=_("具体内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class HandleForm(forms.Form):
    status = forms.ChoiceField(
        label=_("办理结果"),
        choices=[(SubjectRequest.Status.DONE, _("已处理")), (SubjectRequest.Status.REJECTED, _("不予处理"))],
    )
    response = forms.CharField(label=_("答复"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class FlagForm(forms.Form):
    group = forms.ChoiceField(label=_("人群类别"), choices=SpecialGroup.choices)
    since = forms.DateField(label=_("认定日期"))
    source = forms.CharField(label=_("来源"), max_length=80)
    purpose = forms.ChoiceField(label=_("用途"), choices=GroupFlag.Purpose.choices, initial=GroupFlag.Purpose.ROUTINE)
    destroy_on = forms.DateField(label=_("销毁日期"), required=False)
