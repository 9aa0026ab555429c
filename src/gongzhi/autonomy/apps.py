from datetime import timedelta

from django.apps import AppConfig


class AutonomyConfig(AppConfig):
    name = "gongzhi.autonomy"
    label = "autonomy"
    verbose_name = "居民自治 Self-government"

    def ready(self) -> None:
        from django.urls import reverse
        from django.utils.translation import gettext_noop

        from gongzhi.core.schedule import Periodic
        from gongzhi.regulation.registry import Feature, Manifest, MenuEntry, Stat, WorkItem, register

        from . import events
        from .demo import seed_autonomy
        from .permissions import policy
        from .tasks import autonomy_daily

        self._connect_calendar()

        def work_items(viewer: object) -> list[WorkItem]:
            from . import selectors

            items: list[WorkItem] = []
            if policy.allows(viewer, "review_objection"):
                for o in selectors.objections(viewer=viewer, open_only=True)[:20]:
                    items.append(
                        WorkItem(
                            f"积分异议复核：#{o.deduction_id}",
                            reverse("autonomy:objection", args=[o.pk]),
                            str(o.due_on),
                        )
                    )
            if policy.allows(viewer, "answer_inquiry"):
                for i in selectors.inquiries(viewer=viewer, action="answer_inquiry", open_only=True)[:20]:
                    items.append(
                        WorkItem(
                            f"居务监督询问：{i.question[:30]}", reverse("autonomy:inquiry", args=[i.pk]), str(i.due_on)
                        )
                    )
            if policy.allows(viewer, "review_filing"):
                for v in selectors.filings_to_review(viewer=viewer)[:20]:
                    items.append(WorkItem(f"公约备案：{v}", reverse("autonomy:version", args=[v.pk]), str(v.filed_on)))
            if policy.allows(viewer, "supervise"):
                for r in selectors.requests(viewer=viewer, open_only=True)[:20]:
                    items.append(WorkItem(f"居民监督申请：{r.subject}", reverse("autonomy:request", args=[r.pk])))
            return items

        def overdue_inquiries(viewer: object) -> int:
            from .selectors import inquiries

            return inquiries(viewer=viewer, action="view_supervision").filter(overdue=True).count()

        register(
            Manifest(
                app_label="autonomy",
                title="居民自治 Self-government",
                policy=policy,
                event_types=events.EVENT_TYPES,
                features=(
                    Feature(
                        "autonomy.conventions",
                        "居民公约、居民自治章程：版本与差异、征求意见、居民会议/居民代表会议表决（法定人数）、"
                        "街道备案、经账本公布施行、居民知晓确认",
                        ("R5.1",),
                    ),
                    Feature(
                        "autonomy.points",
                        "积分制：规则只能是施行中公约的组成部分；居民和家庭复式记账（加分、扣分、兑换、到期清零、"
                        "户内转赠）；每笔注明规则和记录人；扣分异议限期复核并冲正；兑换目录注明资金来源；"
                        "拒绝罚款或限制公共服务的规则",
                        ("R5.1", "D11"),
                    ),
                    Feature(
                        "autonomy.supervision",
                        "居务监督委员会：选举与任期、居委会成员及其近亲属不得兼任、查阅本社区决策财务和审计记录、"
                        "监督事项与意见公开、限期询问与逾期标记、居民提出监督申请",
                        ("R5.3",),
                    ),
                    Feature(
                        "autonomy.culture",
                        "道德讲堂、新时代文明实践等活动（报名签到复用协商模块的活动机制）；文明家庭评选：推荐、审核、"
                        "公示与异议、结果公布",
                        ("R7.1", "R7.2"),
                    ),
                    Feature(
                        "autonomy.corrections",
                        "监督意见发现居委会不依法履职的，由居民会议予以纠正或街道办事处责令改正（复用整改通知机制）",
                        ("R20.3",),
                    ),
                ),
                menu=(
                    MenuEntry("autonomy:conventions", gettext_noop("居民公约"), "view_conventions", icon="📜"),
                    MenuEntry("autonomy:my_points", gettext_noop("我的积分"), "my_points", icon="⭐"),
                    MenuEntry("autonomy:points_admin", gettext_noop("积分管理"), "manage_points", icon="🧮"),
                    MenuEntry("autonomy:supervision", gettext_noop("居务监督"), "view_supervision", icon="🔍"),
                    MenuEntry("autonomy:request_new", gettext_noop("提出监督申请"), "request_supervision", icon="✉"),
                    MenuEntry("autonomy:culture", gettext_noop("文化活动与文明家庭"), "view_culture", icon="🏮"),
                ),
                stats=(Stat("overdue_inquiries", gettext_noop("逾期未答复的监督询问"), overdue_inquiries),),
                tasks=work_items,
                periodic=(Periodic("autonomy.daily", timedelta(hours=24), autonomy_daily),),
                seed=seed_autonomy,
                seed_order=80,
                api_router="",
            )
        )

    @staticmethod
    def _connect_calendar() -> None:
        """A resident's objection and the supervision committee's inquiry may hold a provisional deadline (暂定期限):
        recomputed on every calendar change (workdays.signals, in the change's transaction) and counted for the
        administrator's reminder."""
        from gongzhi.workdays.signals import calendar_changed, provisional_waiting

        from . import services

        def recompute(*, actor: object = None, **_kwargs: object) -> None:
            services.objection_deadlines_recompute(actor=actor)
            services.inquiry_deadlines_recompute(actor=actor)

        def waiting(*, year: int, **_kwargs: object) -> int:
            return services.provisional_waiting(year)

        calendar_changed.connect(recompute, weak=False, dispatch_uid="autonomy.recompute")
        provisional_waiting.connect(waiting, weak=False, dispatch_uid="autonomy.waiting")
