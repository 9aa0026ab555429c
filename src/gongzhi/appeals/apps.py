from datetime import timedelta
from typing import Any

from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "gongzhi.appeals"
    label = "appeals"
    verbose_name = "民生诉求 Appeals"

    def ready(self) -> None:
        from django.urls import reverse
        from django.utils.translation import gettext_noop

        from gongzhi.core.schedule import Periodic
        from gongzhi.jobs.registry import register as register_importer
        from gongzhi.regulation.registry import Feature, Manifest, MenuEntry, Stat, WorkItem, register

        from . import events, routing_bridge
        from .demo import seed_appeals
        from .importer import CATEGORY_IMPORTER, HOTLINE_IMPORTER
        from .permissions import policy
        from .tasks import appeals_photo_orphans, appeals_recompute_deadlines, appeals_sweep

        routing_bridge.register()
        self._connect_calendar()
        register_importer(HOTLINE_IMPORTER)
        register_importer(CATEGORY_IMPORTER)

        def work_items(viewer: object) -> list[WorkItem]:
            from django.utils import timezone

            from . import selectors
            from .models import Status
            from .services import due_text

            def due(a: Any) -> str:  # the local date, marked when provisional (暂定期限)
                return due_text(timezone.localdate(a.due_at), a.due_provisional)

            items: list[WorkItem] = []
            if policy.allows(viewer, "handle"):
                rows, _next = selectors.queue(viewer=viewer, mine=True, limit=20)
                for a in rows:
                    label = "待签收" if a.status == Status.DISPATCHED else "办理诉求"
                    items.append(
                        WorkItem(
                            f"{label}：{a.number} {a.title}",
                            reverse("appeals:detail", args=[a.pk]),
                            due(a),
                        )
                    )
            if policy.allows(viewer, "dispatch"):
                rows, _next = selectors.dispatch_desk(viewer=viewer, limit=20)
                for a in rows:
                    items.append(
                        WorkItem(
                            f"待派单：{a.number} {a.title}",
                            reverse("appeals:detail", args=[a.pk]),
                            due(a),
                        )
                    )
            return items

        def open_overdue(viewer: object) -> int:
            from . import selectors

            rows, _next = selectors.overdue_board(viewer=viewer, limit=100)
            return len(rows)  # capped at 100: a board, not a COUNT over millions

        register(
            Manifest(
                app_label="appeals",
                title="民生诉求 Appeals",
                policy=policy,
                event_types=events.EVENT_TYPES,
                features=(
                    Feature(
                        "appeals.intake",
                        "诉求受理：居民门户（文字、类型、分类、地点、照片）、电话受理/代办（记录同意）、"
                        "12345 工单批量导入"
                        "（Excel/CSV/JSON，按工单号幂等）、REST 接口（Idempotency-Key）；编号与提取码，免登录查询",
                        ("R14.3",),
                    ),
                    Feature(
                        "appeals.deadlines",
                        "版本化办理时限规则（默认四川 2025：咨询 3、求助/意见建议 7、投诉/举报 15 个工作日，签收 1 个"
                        "工作日，次日起算），按含调休的工作日历计算；日历缺失的年份照常受理，按周一至周五计算暂定期限"
                        "并处处标明，管理员确认该年日历后自动重算并告知居民",
                        ("R14.3",),
                    ),
                    Feature(
                        "appeals.workflow",
                        "受理→直办或派单→签收→办理→答复→回访→办结/归档；退单、派单异议、改派、延期、"
                        "催办/督办（黄牌 80%、"
                        "红牌超期）、提级、重办、并单、重启、不纳入考核；每步留痕入账本",
                        ("R14.3",),
                    ),
                    Feature(
                        "appeals.dispatch_gate",
                        "派单目录复用权责清单事项编码；职能部门事项不在社区清单上的，不得派给社区（国办函〔2025〕66号）",
                        ("R10.2", "R14.3"),
                    ),
                    Feature(
                        "appeals.stats",
                        "按类型、分类、区域、承办单位统计按时签收率、按时办结率、满意度、超期数（增量汇总，不扫描历史），"
                        "图表与 Excel 导出",
                        ("R14.3",),
                    ),
                    Feature(
                        "appeals.common_problems",
                        "共性问题：派单台显示相似在办诉求（并单），近 30 天在办诉求按社区和主题聚类，整组作为一件办理、"
                        "一并答复；填写诉求时即提示同一街道的相似在办诉求（居民只见提示，不见他人原文）",
                        ("R14.3", "R8.1"),
                    ),
                ),
                menu=(
                    MenuEntry("appeals:queue", gettext_noop("诉求工作台"), "view", icon="☎"),
                    MenuEntry("appeals:dispatch", gettext_noop("派单台"), "dispatch", icon="🧭"),
                    MenuEntry("appeals:overdue", gettext_noop("超期督办"), "view_overdue", icon="⏰"),
                    MenuEntry("appeals:common", gettext_noop("共性问题"), "dispatch", icon="🧩"),
                    MenuEntry("appeals:stats", gettext_noop("诉求统计"), "view_stats", icon="📈"),
                ),
                stats=(Stat("appeals_overdue", gettext_noop("超期诉求"), open_overdue),),
                tasks=work_items,
                periodic=(
                    Periodic("appeals.sweep", timedelta(hours=1), appeals_sweep),
                    Periodic("appeals.photo_orphans", timedelta(days=1), appeals_photo_orphans),
                    Periodic("appeals.deadlines_recompute", timedelta(hours=6), appeals_recompute_deadlines),
                ),
                seed=seed_appeals,
                seed_order=60,
                api_router="gongzhi.appeals.api.router",
            )
        )

    @staticmethod
    def _connect_calendar() -> None:
        """Provisional deadlines follow the working calendar: workdays announces a change (it may not import appeals),
        appeals recomputes after commit in the background; and it answers the administrator's reminder's count."""
        from gongzhi.core.tasks import enqueue_on_commit
        from gongzhi.workdays.signals import calendar_changed, provisional_waiting

        from . import services
        from .tasks import appeals_recompute_deadlines

        def recompute(**_kwargs: object) -> None:
            enqueue_on_commit(appeals_recompute_deadlines)

        def waiting(*, year: int, **_kwargs: object) -> int:
            return services.provisional_waiting(year)

        calendar_changed.connect(recompute, weak=False, dispatch_uid="appeals.recompute")
        provisional_waiting.connect(waiting, weak=False, dispatch_uid="appeals.waiting")
