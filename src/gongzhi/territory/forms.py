from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind


class DesignateForm(forms.Form):
    code = forms.CharField(label=_("区划代码"), max_length=15, help_text=_("社区/村 12 位；网格 15 位"))
    name = forms.CharField(label=_("名称"), max_length=60)
    kind = forms.ChoiceField(label=_("类型"), choices=[(k.value, k.label) for k in Kind if k != Kind.CITY])
    population = forms.IntegerField(label=_("常住人口"), min_value=0, max_value=10_000_000, required=False)
    households = forms.IntegerField(label=_("户数"), min_value=0, max_value=5_000_000, required=False)
    area_km2 = forms.DecimalField(
        label=_("面积（平方公里）"), min_value=0, max_digits=10, decimal_places=3, required=False
    )
    effective_on = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}))
    document = forms.CharField(label=_("文件依据（文号）"), max_length=120)
    capacity_note = forms.CharField(label=_("服务管理能力说明"), max_length=500, required=False)
