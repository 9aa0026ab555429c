from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


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
