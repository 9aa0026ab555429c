from datetime import timedelta

from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "gongzhi.duties"
    label = "duties"
    verbose_name = "权责清单与准入 Duty lists"

    def ready(self) -> None:
        from django.urls import reverse
        from django.utils.translation import gettext_noop

        from gongzhi.core.schedule import Periodic
        from gongzhi.regulation.registry import Feature, Manifest, MenuEntry, Stat, WorkItem, register

        from . import events
        from .demo import seed_duties
        from .permissions import policy
        from .tasks import duties_daily

        def work_items(viewer: object) -> list[WorkItem]:
            from . import selectors
            from .models import AdmissionApplication, CorrectionOrder, Task

            items: list[WorkItem] = []
            if policy.allows(viewer, "review"):
                for a in selectors.application_list(viewer=viewer, status=AdmissionApplication.Status.SUBMITTED)[:20]:
                    items.append(
                        WorkItem(
                            f"准入审批：{a.name}", reverse("duties:application", args=[a.pk]), str(a.review_due_on)
                        )
                    )
            if policy.allows(viewer, "receive_task"):
                for t in selectors.task_list(viewer=viewer, status=Task.Status.DELIVERED)[:20]:
                    items.append(
                        WorkItem(f"收到任务：{t.title}", reverse("duties:task", args=[t.pk]), str(t.due_on or ""))
                    )
            if policy.allows(viewer, "view_corrections"):
                open_orders = selectors.correction_list(viewer=viewer).filter(
                    status__in=(CorrectionOrder.Status.OPEN, CorrectionOrder.Status.OVERDUE)
                )
                for o in open_orders[:20]:
                    items.append(
                        WorkItem(f"整改：{o.subject}", reverse("duties:correction", args=[o.pk]), str(o.deadline))
                    )
            return items

        def open_violations(viewer: object) -> int:
            from .models import ViolationCase
            from .selectors import violation_list

            return violation_list(viewer=viewer).exclude(status=ViolationCase.Status.DISMISSED).count()

        register(
            Manifest(
                app_label="duties",
                title="权责清单与准入 Duty lists",
                policy=policy,
                event_types=events.EVENT_TYPES,
                features=(
                    Feature(
                        "duties.lists",
                        "县级社区权责事项清单：依法履职、依法协助、负面清单、证明事项、机制牌子、网格事项，版本与生效日期，"
                        "Excel 导入导出，居民公开页",
                        ("R10.1", "D24", "D16"),
                    ),
                    Feature(
                        "duties.admission",
                        "清单外事项准入：提前 N 个工作日申请、费随事转、联席会议审批（N 个工作日）、公示、有效期、"
                        "年度评估与退出",
                        ("R10.1",),
                    ),
                    Feature(
                        "duties.gate",
                        "派发闸口：所有派给社区的任务按生效清单放行、拒收或立案；社区举报平台外派发并一步拒收",
                        ("R10.2",),
                    ),
                    Feature(
                        "duties.certificates",
                        "证明事项白名单、民发〔2020〕20号 20 项硬拦截、证明编号与公开核验",
                        ("D24",),
                    ),
                    Feature(
                        "duties.violations",
                        "违规转嫁案件：来源、调查、责令纠正、经账本公开的通报批评、移送监察机关、按部门和街道统计",
                        ("R20.2",),
                    ),
                    Feature(
                        "duties.corrections",
                        "对居民委员会的纠正（居民会议）和责令改正（街道办事处），期限与跟进；其他领域可复用",
                        ("R20.3",),
                    ),
                    Feature(
                        "duties.evaluation",
                        "街道评价职能部门：公布的指标和权重、居委会意见、街道评分、平台数据指标、汇总公布导出；"
                        "诉求签收率和按时率指标待诉求模块上线",
                        ("R19",),
                        complete=False,
                    ),
                ),
                menu=(
                    MenuEntry("duties:home", gettext_noop("权责清单与准入"), "view", icon="📋"),
                    MenuEntry("duties:tasks", gettext_noop("派发任务"), "view_tasks", icon="📨"),
                    MenuEntry("duties:violations", gettext_noop("违规转嫁案件"), "view_violations", icon="⚖"),
                    MenuEntry("duties:evaluations", gettext_noop("部门评价"), "view_evaluation", icon="📊"),
                ),
                stats=(Stat("open_violations", gettext_noop("违规转嫁案件"), open_violations),),
                tasks=work_items,
                periodic=(Periodic("duties.daily", timedelta(hours=24), duties_daily),),
                seed=seed_duties,
                seed_order=50,
                api_router="gongzhi.duties.api.router",
            )
        )
