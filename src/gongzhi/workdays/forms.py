from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DayOverride


class OverrideForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("类型"), choices=DayOverride.Kind.choices)
    name = forms.CharField(label=_("名称"), max_length=40)
    basis = forms.CharField(label=_("依据"), max_length=120, required=False)


class ConfirmForm(forms.Form):
    basis = forms.CharField(label=_("依据（文号）"), max_length=120)
