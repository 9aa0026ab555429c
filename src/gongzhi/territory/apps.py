from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "gongzhi.territory"
    label = "territory"
    verbose_name = "区划与网格 Territory"

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from gongzhi.jobs.registry import register as register_importer
        from gongzhi.regulation.registry import Feature, Manifest, MenuEntry, Stat, register

        from . import events
        from .demo import seed_territory
        from .permissions import policy
        from .spreadsheets import IMPORTER

        def communities_in_scope(viewer: object) -> int:
            from .selectors import division_list

            return division_list(viewer=viewer, level="community").count()

        def grids_in_scope(viewer: object) -> int:
            from .selectors import division_list

            return division_list(viewer=viewer, level="grid").count()

        register_importer(IMPORTER)
        register(
            Manifest(
                app_label="territory",
                title="区划与网格 Territory",
                policy=policy,
                event_types=events.EVENT_TYPES,
                features=(
                    Feature(
                        "territory.tree",
                        "市/县/街道/社区（行政村）/网格/小区/楼栋树，统计用区划代码，物化路径按辖区查询",
                        ("R2.2",),
                    ),
                    Feature(
                        "territory.designation",
                        "社区划定、调整、撤并记录：生效日期、人口户数面积等依据、历史保留",
                        ("R3.2",),
                    ),
                    Feature(
                        "territory.villages", "行政村与社区同等适用（类型为行政村的节点在各处与社区一致）", ("R21",)
                    ),
                    Feature(
                        "territory.grids",
                        "综合网格与专属网格、网格编码（社区代码+3 位）；网格事项准入清单尚未实现",
                        ("D16",),
                        complete=False,
                    ),
                ),
                menu=(MenuEntry("territory:browse", gettext_noop("辖区与网格"), "view", icon="🗺"),),
                stats=(
                    Stat("communities", gettext_noop("社区/行政村"), communities_in_scope),
                    Stat("grids", gettext_noop("网格"), grids_in_scope),
                ),
                seed=seed_territory,
                seed_order=10,
                api_router="gongzhi.territory.api.router",
            )
        )
