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
            from django.utils import timezone

            from .reminders import calendar_reminders

            if not policy.allows(viewer, "manage"):
                return []
            return calendar_reminders(timezone.localdate())

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
