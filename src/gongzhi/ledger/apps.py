from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "gongzhi.ledger"
    label = "ledger"
    verbose_name = "账本与审计 Ledger"

    def ready(self) -> None:
        from gongzhi.regulation.registry import Feature, Manifest, register

        from .permissions import policy

        register(
            Manifest(
                app_label="ledger",
                title="审计与账本 Audit and ledger",
                policy=policy,
                event_types=(),
                features=(
                    Feature(
                        "ledger.audit_trail",
                        "每一次写操作都有可追溯的审计记录（操作人、角色、节点、前后值、请求号）",
                        ("R8.1",),
                        complete=False,
                    ),
                ),
                menu=(),
            )
        )
