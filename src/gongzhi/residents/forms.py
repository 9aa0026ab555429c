from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import GroupFlag, ProxyConsent, ProxyPurpose, Relation, ResidenceStatus, SpecialGroup, SubjectRequest
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


class ResidentEditForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=40)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False, help_text=_("留空则保持不变"))
    residence_status = forms.ChoiceField(label=_("居住状态"), choices=ResidenceStatus.choices)
    relation = forms.ChoiceField(label=_("与户主关系"), choices=Relation.choices)


class HouseholdEditForm(forms.Form):
    unit = forms.CharField(label=_("单元"), max_length=10, required=False)
    room = forms.CharField(label=_("室"), max_length=10, required=False)
    address = forms.CharField(label=_("详细地址"), max_length=120, required=False)


class ConsentForm(forms.Form):
    """代办授权 as the worker records it: to themselves, or to every staff member of the resident's community."""

    to = forms.ChoiceField(
        label=_("授权给"), choices=[("me", _("我本人")), ("unit", _("本社区全体工作人员"))], initial="me"
    )
    purpose = forms.ChoiceField(label=_("代办用途"), choices=ProxyPurpose.choices)
    matters = forms.CharField(label=_("代办事项"), max_length=200)
    method = forms.ChoiceField(label=_("同意方式"), choices=ProxyConsent.Method.choices)
    evidence = forms.CharField(label=_("凭证说明"), max_length=200)
    given_on = forms.DateField(label=_("同意日期"), widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(label=_("有效期至"), widget=forms.DateInput(attrs={"type": "date"}))


class NoEchoInput(forms.TextInput):
    """A text box that never sends the entered value back (an ID number must not appear in a response)."""

    def format_value(self, value: Any) -> str | None:
        return None


class ClaimForm(forms.Form):
    id_number = forms.CharField(label=_("身份证号"), max_length=18, widget=NoEchoInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(
        label=_("登记的手机号"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "tel"})
    )
