from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "gongzhi.people"
    label = "people"
    verbose_name = "人员与角色 People"

    def ready(self) -> None:
        from gongzhi.regulation.registry import Feature, Manifest, register

        from . import events
        from .demo import seed_people
        from .permissions import policy

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
                seed=seed_people,
                seed_order=20,
                api_router="gongzhi.people.api.router",
            )
        )
