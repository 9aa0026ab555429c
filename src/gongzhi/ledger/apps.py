from datetime import timedelta

from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "gongzhi.ledger"
    label = "ledger"
    verbose_name = "账本与审计 Ledger"

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from gongzhi.core.schedule import Periodic
        from gongzhi.regulation.registry import Feature, Manifest, MenuEntry, register

        from .demo import seed_ledger
        from .permissions import policy
        from .services import EVENT_TYPES
        from .tasks import sign_checkpoint_task

        register(
            Manifest(
                app_label="ledger",
                title="审计与账本 Audit and ledger",
                policy=policy,
                event_types=EVENT_TYPES,
                features=(
                    Feature(
                        "ledger.audit_trail",
                        "每一次写操作都有可追溯的审计记录（操作人、角色、节点、前后值、请求号），只增不删"
                        "（R8.1 的智能分析等其他部分不在此列）",
                        ("R8.1",),
                        complete=False,
                    ),
                    Feature(
                        "ledger.merkle_log",
                        "防篡改账本（RFC 9162 默克尔树）：每条审计事件在同一事务中成为叶子"
                        "（个人信息仅以密钥摘要出现），"
                        "Ed25519 签名检查点（定时与按需），公开的检查点、包含性与一致性证明接口，"
                        "ledger verify 全量复核与 monitor 监测历史改写；尚无外部见证节点，未上链到第三方区块链",
                        ("R8.1",),
                        complete=False,
                    ),
                    Feature(
                        "ledger.disclosure",
                        "居务公开：各业务可调用的公开机制，公开事项记入账本，居民可在页面上由浏览器独立验证；"
                        "目前仅有演示事项，财务等业务模块尚未接入",
                        ("R16",),
                        complete=False,
                    ),
                    Feature(
                        "ledger.supervision",
                        "审计员与居务监督委员会按辖区查阅审计记录、筛选并导出 Excel；监督委员会的其他职责尚未实现",
                        ("R5.3",),
                        complete=False,
                    ),
                ),
                menu=(MenuEntry("ledger:audit", gettext_noop("审计记录"), "view_events", icon="🔏"),),
                seed=seed_ledger,
                seed_order=90,
                api_router="gongzhi.ledger.api.router",
                periodic=(Periodic("ledger.sign_checkpoint", every=timedelta(minutes=5), task=sign_checkpoint_task),),
            )
        )
