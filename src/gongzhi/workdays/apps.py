from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "gongzhi.workdays"
    label = "workdays"
    verbose_name = "工作日历 Working calendar"

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from gongzhi.regulation.registry import Manifest, MenuEntry, WorkItem, register

        from .permissions import policy
        from .services import EVENT_TYPES

        def calendar_tasks(viewer: object) -> list[WorkItem]:
            """From November on, the next year's holidays must be entered before deadlines run into it."""
            from django.utils import timezone
            from django.utils.translation import gettext as _

            from .calendar import year_status

            today = timezone.localdate()
            if not policy.allows(viewer, "manage") or today.month < 11 or year_status(today.year + 1) != "missing":
                return []
            return [
                WorkItem(
                    title=_("%(y)s 年法定节假日安排尚未录入工作日历") % {"y": today.year + 1},
                    url=f"/workdays/?year={today.year + 1}",
                    due=_("12 月底前"),
                )
            ]

        register(
            Manifest(
                app_label="workdays",
                title="工作日历 Working calendar",
                policy=policy,
                event_types=EVENT_TYPES,
                menu=(MenuEntry("workdays:year", gettext_noop("工作日历"), "manage"),),
                tasks=calendar_tasks,
                seed_order=5,
            )
        )
