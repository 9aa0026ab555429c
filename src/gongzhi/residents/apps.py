from datetime import timedelta

from django.apps import AppConfig


class ResidentsConfig(AppConfig):
    name = "gongzhi.residents"
    label = "residents"
    verbose_name = "居民与户 Residents"

    def ready(self) -> None:
        from django.urls import reverse
        from django.utils.translation import gettext_noop

        from gongzhi.core.schedule import Periodic
        from gongzhi.jobs.registry import register as register_importer
        from gongzhi.regulation.registry import Feature, Manifest, MenuEntry, Stat, WorkItem, register

        from . import events
        from .demo import seed_residents
        from .importer import IMPORTER
        from .permissions import policy
        from .tasks import destroy_expired

        register_importer(IMPORTER)

        def residents_in_scope(viewer: object) -> int:
            from .selectors import count_in_scope

            return count_in_scope(viewer=viewer)

        def alone_in_scope(viewer: object) -> int:
            from .selectors import care_count

            return care_count(viewer=viewer)

        def open_requests(viewer: object) -> list[WorkItem]:
            from .selectors import open_requests as pending

            return [
                WorkItem(
                    f"个人信息{r.get_kind_display()}请求：{r.resident.name}",
                    reverse("residents:request", args=[r.public_id]),
                    r.due_on.isoformat(),
                )
                for r in pending(viewer=viewer)[:10]
            ]

        register(
            Manifest(
                app_label="residents",
                title="居民与户 Residents",
                policy=policy,
                event_types=events.EVENT_TYPES,
                features=(
                    Feature(
                        "residents.registry",
                        "居民、户与户成员（户主、关系），地址到小区/楼栋/单元/室，户籍/常住/流动，"
                        "特殊人群标识（日期、来源），"
                        "关爱名单（老年人、独居老人、未成年人、残疾人等）",
                        ("R12.3",),
                    ),
                    Feature(
                        "residents.proxy",
                        "居民凭身份证号和登记手机号关联本人记录（或由工作人员核验关联）；"
                        "代办授权（指定工作人员或社区，用途、书面/电话/当面、凭证、有效期、撤回，居民本人可见可撤回），"
                        "工作人员代办须有有效授权（proxy_consent_check，供其他领域调用）",
                        ("R8.3",),
                    ),
                    Feature(
                        "residents.vault",
                        "身份证号（GB 11643 校验）、手机号、地址、特殊人群标识加密存储（AES-GCM，密钥轮换），"
                        "盲索引精确查找，"
                        "处处脱敏，明文查看须授权、说明用途并记录，居民本人可见；下载本人全部信息、申请更正",
                        ("R12.3",),
                    ),
                    Feature(
                        "residents.import",
                        "Excel/CSV 模板、流式导入（进度、逐行错误报告、全部或跳过错误行、重复导入幂等），"
                        "导出脱敏并记录",
                        ("R12.3",),
                    ),
                ),
                menu=(
                    MenuEntry("residents:list", gettext_noop("居民与户"), "view", icon="👪"),
                    MenuEntry("residents:me", gettext_noop("我的信息"), "self", icon="🪪"),
                ),
                stats=(
                    Stat("residents", gettext_noop("居民"), residents_in_scope),
                    Stat("elderly_alone", gettext_noop("独居老人"), alone_in_scope),
                ),
                seed=seed_residents,
                seed_order=30,
                api_router="gongzhi.residents.api.router",
                tasks=open_requests,
                periodic=(Periodic("residents.destroy_expired", timedelta(days=1), destroy_expired),),
            )
        )
