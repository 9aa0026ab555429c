"""The default deadline rule set: Sichuan 2025 (咨询 3, 求助/意见建议 7, 投诉/举报 15 working days; sign-off 1)."""

from datetime import date

from django.db import migrations

DAYS = {"consult": 3, "help": 7, "suggestion": 7, "complaint": 15, "report": 15, "praise": 7, "other": 15}


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    rules = apps.get_model("appeals", "DeadlineRuleSet")
    rules.objects.get_or_create(
        name="四川省 2025",
        version=1,
        defaults={
            "effective_from": date(2025, 1, 1),
            "basis": "国办发〔2020〕53号；四川省 12345 热线诉求办理规则（2025）",
            "days": DAYS,
            "signoff_days": 1,
            "warn_percent": 80,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
