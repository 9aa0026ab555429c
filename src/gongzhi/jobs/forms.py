"""The one upload form for every importer registered with the jobs mechanism."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import ServiceError

from .models import ImportJob
from .services import import_submit


class ImportForm(forms.Form):
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))
    mode = forms.ChoiceField(
        label=_("导入方式"),
        # The first-load mode is for the command line (`gongzhi import_file … --mode first`), not the page.
        choices=[(v, label) for v, label in ImportJob.Mode.choices if v != ImportJob.Mode.FIRST_LOAD],
        initial=ImportJob.Mode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )

    def submit(self, *, actor: Any, importer_key: str) -> ImportJob | None:
        """Queue the upload for `importer_key`; None with the refusal shown on the file field."""
        upload = self.cleaned_data["file"]
        try:
            return import_submit(
                actor=actor,
                importer_key=importer_key,
                upload=upload,
                filename=upload.name or "upload.xlsx",
                mode=self.cleaned_data["mode"],
            )
        except ServiceError as exc:
            self.add_error("file", str(exc.message))
            return None
