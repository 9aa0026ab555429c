from django.apps import AppConfig


class RegulationConfig(AppConfig):
    name = "gongzhi.regulation"
    label = "regulation"
    verbose_name = "条例与合规 Regulation"

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from .permissions import policy
        from .registry import Feature, Manifest, MenuEntry, register

        register(
            Manifest(
                app_label="regulation",
                title="条例合规矩阵 Compliance matrix",
                policy=policy,
                features=(
                    Feature(
                        "regulation.compliance_matrix",
                        "条款 → 功能 → 测试的合规矩阵（命令、JSON 和页面）",
                        ("R22",),
                        complete=False,
                    ),
                ),
                menu=(MenuEntry("regulation:compliance", gettext_noop("合规矩阵"), "view_compliance", icon="⚖"),),
            )
        )
