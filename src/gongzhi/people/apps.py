from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "gongzhi.people"
    label = "people"
    verbose_name = "人员与角色 People"

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from gongzhi.regulation.registry import Feature, Manifest, MenuEntry, WorkItem, register

        from . import events
        from .demo import seed_people
        from .permissions import policy

        def security_tasks(viewer: object) -> list[WorkItem]:
            from django.urls import reverse
            from django.utils import timezone
            from django.utils.translation import gettext as _

            from .selectors import locked_accounts

            return [
                WorkItem(
                    title=_("账号 %(u)s 因连续登录失败被锁定") % {"u": user.username},
                    url=reverse("people:admin_account", args=[user.pk]),
                    due=_("锁定至 %(t)s") % {"t": timezone.localtime(throttle.locked_until).strftime("%H:%M")}
                    if throttle.locked_until
                    else "",
                )
                for user, throttle in locked_accounts(viewer=viewer)
            ]

        register(
            Manifest(
                app_label="people",
                title="人员、单位与角色 People and roles",
                policy=policy,
                event_types=events.EVENT_TYPES,
                features=(
                    Feature(
                        "people.scoped_roles", "每个角色在区划节点上任命、按辖区可见（条例各条所列主体）", ("R2.2",)
                    ),
                    Feature(
                        "people.units", "职能部门、街道办事处、居委会等单位登记及其职责", ("R4.2",), complete=False
                    ),
                    Feature(
                        "people.accessible_ui",
                        "中文优先、英文可选、大字模式（适老化）、键盘可用、WCAG 2.1 AA",
                        ("R8.3",),
                        complete=False,
                    ),
                ),
                menu=(MenuEntry("people:admin_accounts", gettext_noop("账号与角色"), "view_accounts"),),
                tasks=security_tasks,
                seed=seed_people,
                seed_order=20,
                api_router="gongzhi.people.api.router",
            )
        )
