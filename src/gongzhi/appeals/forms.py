"""Forms of the appeals pages; every write still goes through services.py."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.jobs.models import ImportJob
from gongzhi.territory.models import Division, Level

from .models import AppealType, Category


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    widget = MultiFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultiFileField, self).clean(item, initial) for item in items]


def category_choices() -> list[tuple[str, str]]:
    rows = Category.objects.filter(is_active=True).order_by("path")
    return [("", "—")] + [(c.code, ("　" * (c.level - 1)) + c.name) for c in rows]


def place_choices(under: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Communities (and their grids) under a county or street, grouped by street: the place picker."""
    groups: dict[str, list[tuple[str, str]]] = {}
    streets = {d.path: d.name for d in Division.objects.filter(path__startswith=under, level=Level.STREET)}
    for d in Division.objects.filter(
        path__startswith=under, level__in=(Level.COMMUNITY, Level.GRID), is_active=True
    ).order_by("path")[:2000]:
        label = d.name if d.level == Level.COMMUNITY else f"　{d.name}"
        groups.setdefault(streets.get(d.path[:9], ""), []).append((d.code, label))
    return list(groups.items())


class AppealForm(forms.Form):
    appeal_type = forms.ChoiceField(label=_("诉求类型"), choices=AppealType.choices)
    category = forms.ChoiceField(label=_("诉求分类"))
    place = forms.ChoiceField(label=_("诉求地点（社区或网格）"))
    address = forms.CharField(label=_("详细位置"), required=False, max_length=120)
    text = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000, strip=True)
    photos = MultiFileField(
        label=_("照片（可选，最多 6 张，每张不超过 5 MB）"),
        required=False,
        widget=MultiFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    contact_mobile = forms.CharField(label=_("联系电话（可选）"), required=False, max_length=20)

    def __init__(self, *args: Any, under: str = "5106", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = category_choices()
        cast(forms.ChoiceField, self.fields["place"]).choices = [("", "—"), *place_choices(under)]


class StaffIntakeForm(AppealForm):
    channel = forms.ChoiceField(label=_("受理方式"), choices=[("phone", _("电话受理")), ("proxy", _("代办"))])
    contact_name = forms.CharField(label=_("联系人"), max_length=40)
    id_number = forms.CharField(
        label=_("被代办居民身份证号（代办时必填）"),
        required=False,
        max_length=18,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("代办须有该居民登记在册、仍在有效期内的代办授权；身份证号不回显、不保存在诉求中。"),
    )
    consent_note = forms.CharField(
        label=_("居民同意记录"),
        max_length=200,
        required=False,
        help_text=_("电话受理必填，如：电话中口头同意代为登记，录音编号……；代办时自动注明所依据的授权"),
    )

    field_order = ["channel", "id_number", "contact_name", "contact_mobile", "consent_note"]


class TrackForm(forms.Form):
    number = forms.CharField(label=_("诉求编号"), max_length=20)
    code = forms.CharField(label=_("提取码"), max_length=12)


class HotlineImportForm(forms.Form):
    file = forms.FileField(label=_("文件（.xlsx、.csv 或 .json）"))
    mode = forms.ChoiceField(
        label=_("导入方式"),
        choices=ImportJob.Mode.choices,
        initial=ImportJob.Mode.SKIP_BAD_ROWS,
        widget=forms.RadioSelect,
    )
