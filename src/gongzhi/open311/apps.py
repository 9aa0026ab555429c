from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "gongzhi.open311"
    label = "open311"
    verbose_name = "Open311 GeoReport v2"

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from gongzhi.regulation.registry import Feature, Manifest, MenuEntry, register

        from . import events
        from .demo import seed_open311
        from .permissions import policy

        register(
            Manifest(
                app_label="open311",
                title="Open311 GeoReport v2",
                policy=policy,
                event_types=events.EVENT_TYPES,
                features=(
                    Feature(
                        "open311.georeport",
                        "Open311 GeoReport v2 接口：discovery、services、services/{code}、requests"
                        "（GET 按编号/分类/时间/状态筛选并分页、只含公开字段；POST 凭 api_key 经受理服务提交、"
                        "幂等键重试不重复）、requests/{id}；jurisdiction_id 为区划代码；JSON 与 XML；"
                        "按客户端签发、可吊销的密钥（仅存摘要）",
                        ("R14.3",),
                    ),
                ),
                menu=(MenuEntry("open311:keys", gettext_noop("Open311 密钥"), "manage_keys", icon="🔑"),),
                seed=seed_open311,
                seed_order=96,
            )
        )
