"""The consult app's manifest: features with clause ids, menu, 我的待办 work items, periodic tasks, seed, API."""

from datetime import timedelta
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_noop

from gongzhi.core.schedule import Periodic
from gongzhi.regulation.registry import Feature, Manifest, MenuEntry, Stat, WorkItem, register

from . import events
from .permissions import policy


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return "/"


def work_items(viewer: Any) -> list[WorkItem]:
    from . import selectors
    from .models import Topic

    items: list[WorkItem] = []
    if policy.allows(viewer, "give_opinion"):
        for d in selectors.awaiting_opinion(viewer=viewer)[:20]:
            items.append(WorkItem(f"重大事项法律意见：{d.title}", _url("consult:decision", d.pk)))
    if policy.allows(viewer, "answer_legal"):
        for q in selectors.question_list(viewer=viewer, status="open")[:20]:
            items.append(WorkItem(f"法律咨询：{q.question[:20]}", _url("consult:question", q.pk), str(q.due_on)))
    if policy.allows(viewer, "screen_topic"):
        for t in selectors.topic_list(viewer=viewer, status=Topic.Status.QUALIFIED)[:20]:
            items.append(WorkItem(f"议题审查：{t.title}", _url("consult:topic", t.pk)))
    if policy.allows(viewer, "handle_alert"):
        for a in selectors.alert_list(viewer=viewer, open_only=True)[:20]:
            items.append(
                WorkItem(f"重大事项未采纳法律意见：{a.decision.title}", _url("consult:decision", a.decision_id))
            )
    return items


def overdue_questions(viewer: Any) -> int:
    from .selectors import overdue_questions as q

    return q(viewer=viewer).count()


def build() -> None:
    from .demo import seed_consult
    from .tasks import consult_hourly

    register(
        Manifest(
            app_label="consult",
            title="民主协商与法律顾问 Consultation",
            policy=policy,
            event_types=events.EVENT_TYPES,
            features=(
                Feature(
                    "consult.topics",
                    "议题：居民或工作人员提出，支持数门槛（每名居民一次），审查（立项、合并、不予立项并说明理由）",
                    ("R5.2",),
                ),
                Feature(
                    "consult.meetings",
                    "议事会、听证会、恳谈会、院坝协商会、定向代表议事会及居民会议、居民代表会议：按工作日计算的通知期、"
                    "受邀人和代表、报名与签到（平台唯一的出席登记机制）、议程、按顺序的协商记录、纪要",
                    ("R5.2",),
                ),
                Feature(
                    "consult.votes",
                    "表决：一人一票、一户一票、代表表决；参加人数要求；过半数、三分之二、自定义比例；无记名投票"
                    "（结束前不显示结果，选票与投票人不可关联）；业主共同决定按民法典第二百七十八条面积和人数双重计票",
                    ("R5.2",),
                ),
                Feature(
                    "consult.decisions",
                    "决定、实施进展和经账本公开的反馈（可验证）",
                    ("R5.2",),
                ),
                Feature(
                    "consult.major_matters",
                    "重大事项须社区法律顾问书面法律意见后才能通过；不采纳不合规意见须写明理由并提示街道办事处；"
                    "法律顾问待办",
                    ("R6.2",),
                ),
                Feature(
                    "consult.legal_questions",
                    "居民向社区法律顾问咨询，按工作日计算答复期限并标记逾期；法治宣传活动的出席登记由活动模块复用",
                    ("R6.1",),
                    complete=False,
                ),
            ),
            menu=(
                MenuEntry("consult:home", gettext_noop("民主协商"), "view", icon="🗳"),
                MenuEntry("consult:questions", gettext_noop("法律咨询"), "ask_legal", icon="⚖"),
                MenuEntry("consult:questions", gettext_noop("法律咨询"), "view_questions", icon="⚖"),
                MenuEntry("consult:alerts", gettext_noop("重大事项提示"), "view_alerts", icon="🔔"),
            ),
            stats=(Stat("overdue_legal_questions", gettext_noop("逾期未答复的法律咨询"), overdue_questions),),
            tasks=work_items,
            periodic=(Periodic("consult.hourly", timedelta(hours=1), consult_hourly),),
            seed=seed_consult,
            seed_order=70,
            api_router="gongzhi.consult.api.router",
        )
    )
