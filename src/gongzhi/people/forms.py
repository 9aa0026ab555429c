from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongzhi.core.roles import Role

from .models import Unit


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    password = forms.CharField(
        label=_("密码"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("6 位验证码"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("请输入身份验证器上显示的 6 位数字。")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(choices=[("", ""), *settings.LANGUAGES], required=False)
    large_text = forms.ChoiceField(choices=[("0", "0"), ("1", "1")], required=False)

    def clean_large_text(self) -> str | None:
        value: str = self.cleaned_data.get("large_text") or ""
        return value or None


class TokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=80)
    days = forms.IntegerField(label=_("有效期（天）"), min_value=1, max_value=366, initial=90)


class AssignRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    division_code = forms.RegexField(
        label=_("辖区代码"),
        regex=r"^\d{12}(\d{3})?$",
        max_length=15,
        error_messages={"invalid": _("请输入 12 位区划代码或 15 位网格编码")},
    )
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.none(), required=False)
    starts_on = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("终止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, units: QuerySet[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units if units is not None else Unit.objects.none()


class AccountForm(AssignRoleForm):
    username = forms.RegexField(
        label=_("用户名"),
        regex=r"^[A-Za-z0-9_.@-]{3,150}$",
        max_length=150,
        error_messages={"invalid": _("3–150 位字母、数字或 _ . @ -")},
    )
    display_name = forms.CharField(label=_("姓名"), max_length=40)
    password = forms.CharField(
        label=_("初始密码"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = ["username", "display_name", "password", "role", "division_code", "unit", "starts_on", "ends_on"]


class EndRoleForm(forms.Form):
    ends_on = forms.DateField(label=_("终止日期"), widget=forms.DateInput(attrs={"type": "date"}))
