"""Writes of the consult domain (R5.2 民主协商, R6.1 法律咨询, R6.2 重大事项法律意见).

Stable API for other apps (the autonomy app builds on these; keep signatures stable):

Gatherings — the platform's one invite / register / attend mechanism (meetings, culture activities, legal education):
    gathering_create(*, actor, kind, title, community, starts_at, ends_at=None, place="", capacity=None,
                     open_registration=True, registration_closes_at=None, subject=None) -> Gathering
    gathering_invite(*, actor, gathering, residents=(), users=(), role=Participant.Role.INVITEE) -> list[Participant]
    gathering_register(*, actor, gathering, now=None) -> Participant        # self sign-up, capacity enforced
    gathering_cancel(*, actor, participant) -> Participant                   # the person, or staff
    gathering_attend(*, actor, gathering, participant=None, resident=None, name="", attended=True, now=None)
                                                                             # staff records attendance / walk-ins
Votes — on any subject (`subject` is a model instance or an ("app.model", id) pair):
    vote_open(*, actor, meeting_or_scope, question, method, electorate, closes_at, majority=SIMPLE,
              majority_custom=None, base=CAST, quorum=NONE, quorum_custom=None, secret=False, subject=None,
              complex=None, major_278=False, description="", now=None) -> Vote
        meeting_or_scope: a Meeting (electorate MEETING / REPRESENTATIVES / COMMUNITY) or a community Division.
    vote_cast(*, actor, vote, choice, now=None) -> Participation            # once per elector, race-safe
    vote_record_on_site(*, actor, vote, elector, choice, now=None) -> Participation   # open votes only
    vote_close(*, actor, vote, now=None) -> Vote                             # tallies + outcome, mixes secret box
    selectors.vote_result(vote) -> VoteResult (.hidden, .passed, .failed, .quorum_met, counts and areas)
Decisions (重大事项 flag, legal opinion, adoption, implementation, public feedback):
    decision_create(*, actor, community, title, body, is_major=False, meeting=None, vote=None, topic=None,
                    subject=None) -> Decision
    legal_opinion_give(*, actor, decision, conclusion, basis, conditions="") -> LegalOpinion
    decision_adopt(*, actor, decision, override_reason="", now=None) -> Decision
    decision_progress(*, actor, decision, percent, note) -> ProgressEntry
    decision_publish_feedback(*, actor, decision, summary) -> Decision      # through ledger.disclosure_publish
Topics, meetings, owners and legal questions: topic_raise / topic_support / topic_screen, meeting_convene /
meeting_agenda_add / meeting_record_statement / meeting_close, owner_share_record, question_ask / question_answer,
street_alert_handle.

Services that depend on the clock take `now=` (or `today=`) so seeds and tests can state it; requests never pass it.
"""

import random
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.actors import SYSTEM, is_system
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ServiceError
from gongzhi.core.scope import within
from gongzhi.ledger.models import Disclosure
from gongzhi.ledger.services import disclosure_publish
from gongzhi.residents.models import Household, Resident
from gongzhi.territory.models import Division, Level, ResidentialComplex
from gongzhi.workdays.calendar import Deadline, WorkingCalendar, recompute_provisional

from . import events
from .models import (
    AgendaItem,
    Ballot,
    Choice,
    Decision,
    Elector,
    Gathering,
    LegalOpinion,
    LegalQuestion,
    Meeting,
    MeetingForm,
    OwnerShare,
    Participant,
    Participation,
    ProgressEntry,
    Statement,
    StreetAlert,
    Topic,
    TopicSupport,
    Vote,
)
from .permissions import RESIDENTS, policy
from .tally import Counts, evaluate

VOTING_AGE = 18  # 居民委员会组织法 第十二条: 居民会议由十八周岁以上的居民组成
DEFAULT_SUPPORT_THRESHOLD = 10  # settings.GONGZHI_TOPIC_SUPPORT_THRESHOLD overrides it platform-wide
MAX_SUPPORT_THRESHOLD = 100_000
# Minimum notice in working days per form. No statute fixes these for Deyang; they are the platform's defaults
# (a convener may give more notice, never less) — see docs/consult.md.
NOTICE_WORKING_DAYS: dict[str, int] = {
    MeetingForm.COUNCIL: 3,
    MeetingForm.HEARING: 5,
    MeetingForm.DIALOGUE: 2,
    MeetingForm.COURTYARD: 1,
    MeetingForm.DELEGATES: 3,
    MeetingForm.ASSEMBLY: 5,
    MeetingForm.REP_ASSEMBLY: 5,
}
QUESTION_REPLY_WORKING_DAYS = 5  # platform default for R6.1 answers (no statutory period)
QUESTION_CATEGORIES = ("family", "neighbour", "property", "labour", "contract", "other")


# ---- helpers ----


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _community(division: Division) -> Division:
    if division.level != Level.COMMUNITY or not division.is_active:
        raise ServiceError(_("请选择社区/行政村。"), fields={"community": _("不是有效的社区/行政村")})
    return division


def _subject(subject: Any) -> tuple[str, str]:
    if subject is None:
        return "", ""
    if isinstance(subject, tuple):
        return str(subject[0]), str(subject[1])
    return subject._meta.label_lower, str(subject.pk)


def _text(value: str, field: str, label: str, *, max_length: int, errors: dict[str, str], required: bool = True) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if required and not text:
        errors[field] = _("%(f)s不能为空") % {"f": label}
    elif len(text) > max_length:
        errors[field] = _("%(f)s不超过 %(n)s 个字符") % {"f": label, "n": max_length}
    return text


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ServiceError(_("输入有误，请检查标出的字段。"), fields=errors)


def _name(actor: Any) -> str:
    return str(actor)[:60] if actor is not None and not is_system(actor) else _("系统")


def _adult_cutoff(today: date) -> date:
    try:
        return today.replace(year=today.year - VOTING_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - VOTING_AGE, day=28)


def resident_of(actor: Any) -> Resident | None:
    """The actor's own resident record, if their account is linked to one."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return Resident.objects.filter(account=actor).select_related("household").first()


def _user(actor: Any) -> Any:
    return None if is_system(actor) else actor


# ---- gatherings ----


@transaction.atomic
def gathering_create(
    *,
    actor: Any,
    kind: str,
    title: str,
    community: Division,
    starts_at: datetime,
    ends_at: datetime | None = None,
    place: str = "",
    capacity: int | None = None,
    open_registration: bool = True,
    registration_closes_at: datetime | None = None,
    subject: Any = None,
) -> Gathering:
    community = _community(community)
    policy.require_at(actor, "manage_gathering", community.path)
    errors: dict[str, str] = {}
    title = _text(title, "title", _("名称"), max_length=120, errors=errors)
    place = _text(place, "place", _("地点"), max_length=120, errors=errors, required=False)
    if kind not in Gathering.Kind.values:
        errors["kind"] = _("类型无效")
    if ends_at is not None and ends_at < starts_at:
        errors["ends_at"] = _("结束时间不能早于开始时间")
    if capacity is not None and capacity < 1:
        errors["capacity"] = _("名额至少为 1")
    if registration_closes_at is not None and registration_closes_at > starts_at:
        errors["registration_closes_at"] = _("报名截止不能晚于开始时间")
    _raise(errors)
    subject_type, subject_id = _subject(subject)
    gathering = Gathering.objects.create(
        kind=kind,
        title=title,
        community=community,
        scope_path=community.path,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        open_registration=open_registration,
        registration_closes_at=registration_closes_at,
        subject_type=subject_type,
        subject_id=subject_id,
        created_by=_user(actor),
    )
    events.record(
        events.GATHERING_CREATED,
        actor=actor,
        target=gathering,
        scope_path=gathering.scope_path,
        after={"kind": kind, "title": title, "starts_at": starts_at.isoformat(), "capacity": capacity},
    )
    return gathering


def _participant_changed(actor: Any, participant: Participant, before: str | None) -> None:
    events.record(
        events.PARTICIPANT_CHANGED,
        actor=actor,
        target=participant,
        scope_path=participant.gathering.scope_path,
        before={"status": before} if before else None,
        after={"gathering": participant.gathering_id, "role": participant.role, "status": participant.status},
    )


@transaction.atomic
def gathering_invite(
    *,
    actor: Any,
    gathering: Gathering,
    residents: Iterable[Resident] = (),
    users: Iterable[Any] = (),
    role: str = Participant.Role.INVITEE,
) -> list[Participant]:
    """Invite residents of the community (or accounts, e.g. the legal advisor) — idempotent per person."""
    policy.require_at(actor, "manage_gathering", gathering.scope_path)
    if role not in Participant.Role.values:
        raise ServiceError(_("身份无效。"), fields={"role": _("身份无效")})
    added: list[Participant] = []
    for resident in residents:
        if resident.community_id != gathering.community_id:
            raise ServiceError(
                _("%(n)s 不是本社区居民，不能作为居民受邀。") % {"n": resident.name},
                fields={"residents": _("不属于本社区")},
            )
        existing = Participant.objects.filter(gathering=gathering, resident=resident).first()
        if existing is not None:
            if existing.role != role:
                existing.role = role
                existing.save(update_fields=["role"])
            continue
        participant = Participant.objects.create(
            gathering=gathering,
            resident=resident,
            user_id=resident.account_id,
            name=resident.name,
            role=role,
            status=Participant.Status.INVITED,
            recorded_by=_user(actor),
        )
        _participant_changed(actor, participant, None)
        added.append(participant)
    for user in users:
        if Participant.objects.filter(gathering=gathering, user=user).exists():
            continue
        participant = Participant.objects.create(
            gathering=gathering,
            user=user,
            name=str(user)[:60],
            role=role,
            status=Participant.Status.INVITED,
            recorded_by=_user(actor),
        )
        _participant_changed(actor, participant, None)
        added.append(participant)
    return added


@transaction.atomic
def gathering_register(*, actor: Any, gathering: Gathering, now: datetime | None = None) -> Participant:
    """A resident signs up; capacity is checked under a lock on the gathering so it is never exceeded."""
    policy.require_at(actor, "register", gathering.scope_path)
    gathering = Gathering.objects.select_for_update().get(pk=gathering.pk)
    moment = _now(now)
    if moment >= gathering.starts_at or (
        gathering.registration_closes_at is not None and moment >= gathering.registration_closes_at
    ):
        raise Conflict(_("报名已截止。"), code="registration_closed")
    resident = resident_of(actor)
    existing = Participant.objects.filter(gathering=gathering, user=actor).first()
    if existing is None and resident is not None:
        existing = Participant.objects.filter(gathering=gathering, resident=resident).first()
    if existing is not None and existing.status != Participant.Status.CANCELLED:
        if existing.status == Participant.Status.INVITED:
            existing.status = Participant.Status.REGISTERED
            existing.save(update_fields=["status"])
            _participant_changed(actor, existing, Participant.Status.INVITED)
            return existing
        raise Conflict(_("您已经报名。"), code="already_registered")
    if existing is None and not gathering.open_registration:
        raise Forbidden(_("本次活动只限受邀人员参加。"), code="invitation_only")
    if gathering.capacity is not None:
        taken = gathering.participants.exclude(status=Participant.Status.CANCELLED).count()
        if taken >= gathering.capacity:
            raise Conflict(_("名额已满。"), code="full")
    if existing is not None:
        before = existing.status
        existing.status = Participant.Status.REGISTERED
        existing.save(update_fields=["status"])
        _participant_changed(actor, existing, before)
        return existing
    if resident is not None and resident.community_id != gathering.community_id:
        raise Forbidden(_("您不是本社区居民，不能报名。"), code="not_local")
    participant = Participant.objects.create(
        gathering=gathering,
        user=actor,
        resident=resident,
        name=resident.name if resident else str(actor)[:60],
        role=Participant.Role.PARTICIPANT,
        status=Participant.Status.REGISTERED,
    )
    _participant_changed(actor, participant, None)
    return participant


@transaction.atomic
def gathering_cancel(*, actor: Any, participant: Participant) -> Participant:
    participant = Participant.objects.select_for_update().select_related("gathering").get(pk=participant.pk)
    own = participant.user_id is not None and getattr(actor, "pk", None) == participant.user_id
    if not own:
        policy.require_at(actor, "manage_gathering", participant.gathering.scope_path)
    if participant.status == Participant.Status.ATTENDED:
        raise Conflict(_("已签到，不能取消。"), code="attended")
    before = participant.status
    participant.status = Participant.Status.CANCELLED
    participant.save(update_fields=["status"])
    _participant_changed(actor, participant, before)
    return participant


@transaction.atomic
def gathering_attend(
    *,
    actor: Any,
    gathering: Gathering,
    participant: Participant | None = None,
    resident: Resident | None = None,
    name: str = "",
    attended: bool = True,
    now: datetime | None = None,
) -> Participant:
    """Record that a person attended (or was absent). A walk-in resident or guest gets a participant row."""
    policy.require_at(actor, "manage_gathering", gathering.scope_path)
    moment = _now(now)
    if timezone.localtime(moment).date() < timezone.localtime(gathering.starts_at).date():
        raise Conflict(_("活动尚未开始，不能登记出席。"), code="not_started")
    if hasattr(gathering, "meeting") and gathering.meeting.status in (Meeting.Status.CLOSED, Meeting.Status.CANCELLED):
        raise Conflict(_("会议已结束，出席情况不能再修改。"), code="closed")
    if participant is None and resident is not None:
        participant = Participant.objects.filter(gathering=gathering, resident=resident).first()
    if participant is None:
        errors: dict[str, str] = {}
        label = resident.name if resident else _text(name, "name", _("姓名"), max_length=60, errors=errors)
        _raise(errors)
        if resident is not None and resident.community_id != gathering.community_id:
            raise ServiceError(_("该居民不是本社区居民。"), fields={"resident": _("不属于本社区")})
        participant = Participant.objects.create(
            gathering=gathering,
            resident=resident,
            user_id=resident.account_id if resident else None,
            name=label,
            role=Participant.Role.PARTICIPANT,
            status=Participant.Status.REGISTERED,
            recorded_by=_user(actor),
        )
    elif participant.gathering_id != gathering.pk:
        raise NotFound(_("未找到该记录，或您无权查看。"))
    before = participant.status
    participant.status = Participant.Status.ATTENDED if attended else Participant.Status.ABSENT
    participant.attended_at = moment if attended else None
    participant.recorded_by = _user(actor)
    participant.save(update_fields=["status", "attended_at", "recorded_by"])
    _participant_changed(actor, participant, before)
    if hasattr(gathering, "meeting") and gathering.meeting.status == Meeting.Status.NOTICED and attended:
        Meeting.objects.filter(pk=gathering.meeting.pk).update(status=Meeting.Status.HELD)
    return participant


# ---- topics ----


@transaction.atomic
def topic_raise(*, actor: Any, community: Division, title: str, body: str, threshold: int | None = None) -> Topic:
    """A resident raises a topic that must collect `threshold` supports; a topic raised by staff goes straight to
    screening (it is the committee's own proposal, recorded as such)."""
    community = _community(community)
    policy.require_at(actor, "raise_topic", community.path)
    staff = is_system(actor) or any(
        g.role not in RESIDENTS and within(community.path, [g.path]) for g in policy.grants_for(actor, "raise_topic")
    )
    if not staff:
        resident = resident_of(actor)
        if resident is None or resident.community_id != community.pk:
            raise Forbidden(_("只有本社区居民可以提出议题。"), code="not_local")
    errors: dict[str, str] = {}
    title = _text(title, "title", _("议题"), max_length=120, errors=errors)
    body = _text(body, "body", _("内容与理由"), max_length=4000, errors=errors)
    default = int(getattr(settings, "GONGZHI_TOPIC_SUPPORT_THRESHOLD", DEFAULT_SUPPORT_THRESHOLD))
    needed = default if threshold is None or not staff else threshold
    if not 1 <= needed <= MAX_SUPPORT_THRESHOLD:
        errors["threshold"] = _("支持数应在 1 到 %(n)s 之间") % {"n": MAX_SUPPORT_THRESHOLD}
    _raise(errors)
    topic = Topic.objects.create(
        community=community,
        scope_path=community.path,
        title=title,
        body=body,
        raised_by=_user(actor),
        raised_by_name=_name(actor),
        raised_as_staff=staff,
        threshold=needed,
        status=Topic.Status.QUALIFIED if staff else Topic.Status.COLLECTING,
        qualified_at=timezone.now() if staff else None,
    )
    events.record(
        events.TOPIC_RAISED,
        actor=actor,
        target=topic,
        scope_path=topic.scope_path,
        after={"title": title, "threshold": needed, "staff": staff},
    )
    return topic


@transaction.atomic
def topic_support(*, actor: Any, topic: Topic) -> Topic:
    """An eligible resident (adult, of the topic's community) supports a topic once; concurrent or repeated supports
    count once (row lock on the topic + unique constraint)."""
    policy.require_at(actor, "support_topic", topic.scope_path)
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if topic.status not in (Topic.Status.COLLECTING, Topic.Status.QUALIFIED):
        raise Conflict(_("该议题已不再征集支持。"), code="not_collecting")
    resident = resident_of(actor)
    if resident is None or resident.community_id != topic.community_id:
        raise Forbidden(_("只有本社区居民可以支持议题。"), code="not_local")
    if resident.birth_date > _adult_cutoff(timezone.localdate()):
        raise Forbidden(_("年满十八周岁的居民才能支持议题。"), code="under_age")
    try:
        with transaction.atomic():
            TopicSupport.objects.create(topic=topic, resident=resident)
    except IntegrityError as exc:
        raise Conflict(_("您已经支持过该议题。"), code="already_supported") from exc
    topic.support_count = topic.supports.count()
    fields = ["support_count"]
    if topic.status == Topic.Status.COLLECTING and topic.support_count >= topic.threshold:
        topic.status = Topic.Status.QUALIFIED
        topic.qualified_at = timezone.now()
        fields += ["status", "qualified_at"]
    topic.save(update_fields=fields)
    events.record(
        events.TOPIC_SUPPORTED,
        actor=actor,
        target=topic,
        scope_path=topic.scope_path,
        after={"support_count": topic.support_count, "status": topic.status},
    )
    return topic


SCREEN_OUTCOMES = ("accept", "merge", "reject")


@transaction.atomic
def topic_screen(*, actor: Any, topic: Topic, outcome: str, reason: str, merge_into: Topic | None = None) -> Topic:
    """议题审查: accept for consultation, merge into another topic, or reject — always with a reason."""
    policy.require_at(actor, "screen_topic", topic.scope_path)
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    errors: dict[str, str] = {}
    reason = _text(reason, "reason", _("审查意见"), max_length=2000, errors=errors)
    if outcome not in SCREEN_OUTCOMES:
        errors["outcome"] = _("审查结论无效")
    if outcome == "merge":
        if merge_into is None:
            errors["merge_into"] = _("请选择并入的议题")
        elif merge_into.pk == topic.pk or merge_into.community_id != topic.community_id:
            errors["merge_into"] = _("只能并入本社区的其他议题")
        elif merge_into.status in (Topic.Status.MERGED, Topic.Status.REJECTED):
            errors["merge_into"] = _("不能并入已合并或不予立项的议题")
    _raise(errors)
    if topic.status != Topic.Status.QUALIFIED:
        raise Conflict(
            _("议题尚未达到支持数或已审查，当前状态：%(s)s。") % {"s": topic.get_status_display()}, code="not_qualified"
        )
    before = topic.status
    topic.status = {"accept": Topic.Status.ACCEPTED, "merge": Topic.Status.MERGED, "reject": Topic.Status.REJECTED}[
        outcome
    ]
    topic.merged_into = merge_into if outcome == "merge" else None
    topic.screened_by = _user(actor)
    topic.screened_at = timezone.now()
    topic.screen_reason = reason
    topic.save(update_fields=["status", "merged_into", "screened_by", "screened_at", "screen_reason"])
    events.record(
        events.TOPIC_SCREENED,
        actor=actor,
        target=topic,
        scope_path=topic.scope_path,
        before={"status": before},
        after={"status": topic.status, "reason": reason, "merged_into": merge_into.pk if merge_into else None},
    )
    return topic


# ---- meetings ----


def earliest_meeting_day(*, form: str, noticed_on: date, calendar: WorkingCalendar | None = None) -> date:
    """The first day a meeting of `form` noticed on `noticed_on` may be held (working days, 调休 included)."""
    return (calendar or WorkingCalendar()).add_working_days(noticed_on, NOTICE_WORKING_DAYS[form])


@transaction.atomic
def meeting_convene(
    *,
    actor: Any,
    community: Division,
    form: str,
    title: str,
    notice: str,
    starts_at: datetime,
    place: str,
    topics: Sequence[Topic] = (),
    agenda: Sequence[str] = (),
    invitees: Iterable[Resident] = (),
    representatives: Iterable[Resident] = (),
    guests: Iterable[Any] = (),
    open_registration: bool = True,
    noticed_on: date | None = None,
) -> Meeting:
    """Publish the notice of a consultation meeting. The notice period is counted in working days (R5.2); the
    meeting's registration and attendance live in its Gathering."""
    community = _community(community)
    policy.require_at(actor, "convene", community.path)
    errors: dict[str, str] = {}
    if form not in MeetingForm.values:
        errors["form"] = _("协商形式无效")
    title = _text(title, "title", _("会议名称"), max_length=120, errors=errors)
    notice = _text(notice, "notice", _("会议通知"), max_length=4000, errors=errors)
    place = _text(place, "place", _("地点"), max_length=120, errors=errors)
    for topic in topics:
        if topic.community_id != community.pk:
            errors["topics"] = _("议题不属于本社区")
        elif topic.status not in (Topic.Status.ACCEPTED, Topic.Status.SCHEDULED):
            errors["topics"] = _("只有已立项的议题才能安排协商：%(t)s") % {"t": topic.title}
    _raise(errors)
    noticed = noticed_on or timezone.localdate()
    days = NOTICE_WORKING_DAYS[form]
    earliest = earliest_meeting_day(form=form, noticed_on=noticed)
    if timezone.localtime(starts_at).date() < earliest:
        raise ServiceError(
            _("%(form)s须提前 %(n)s 个工作日通知；本次通知日期为 %(d)s，最早可于 %(e)s 召开。")
            % {"form": MeetingForm(form).label, "n": days, "d": noticed, "e": earliest},
            code="notice_too_short",
            fields={"starts_at": _("不早于 %(e)s") % {"e": earliest}},
        )
    gathering = gathering_create(
        actor=actor,
        kind=Gathering.Kind.MEETING,
        title=title,
        community=community,
        starts_at=starts_at,
        place=place,
        open_registration=open_registration,
    )
    meeting = Meeting.objects.create(
        gathering=gathering,
        form=form,
        title=title,
        community=community,
        scope_path=community.path,
        notice=notice,
        noticed_on=noticed,
        notice_working_days=days,
        earliest_on=earliest,
        starts_at=starts_at,
        place=place,
        convened_by=_user(actor),
    )
    Gathering.objects.filter(pk=gathering.pk).update(subject_type="consult.meeting", subject_id=str(meeting.pk))
    position = 0
    for topic in topics:
        meeting.topics.add(topic)
        Topic.objects.filter(pk=topic.pk).update(status=Topic.Status.SCHEDULED)
        position += 1
        AgendaItem.objects.create(meeting=meeting, position=position, title=topic.title, topic=topic)
    for item in agenda:
        if item.strip():
            position += 1
            AgendaItem.objects.create(meeting=meeting, position=position, title=item.strip()[:200])
    gathering_invite(actor=actor, gathering=gathering, residents=invitees)
    gathering_invite(actor=actor, gathering=gathering, residents=representatives, role=Participant.Role.REPRESENTATIVE)
    gathering_invite(actor=actor, gathering=gathering, users=guests, role=Participant.Role.OBSERVER)
    events.record(
        events.MEETING_CONVENED,
        actor=actor,
        target=meeting,
        scope_path=meeting.scope_path,
        after={
            "form": form,
            "title": title,
            "noticed_on": str(noticed),
            "starts_at": starts_at.isoformat(),
            "notice_working_days": days,
            "topics": [t.pk for t in topics],
        },
    )
    return meeting


def _open_meeting(meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status in (Meeting.Status.CLOSED, Meeting.Status.CANCELLED):
        raise Conflict(_("会议已结束，不能再修改。"), code="closed")
    return meeting


@transaction.atomic
def meeting_agenda_add(*, actor: Any, meeting: Meeting, title: str, topic: Topic | None = None) -> AgendaItem:
    policy.require_at(actor, "record_meeting", meeting.scope_path)
    meeting = _open_meeting(meeting)
    errors: dict[str, str] = {}
    title = _text(title, "title", _("议程"), max_length=200, errors=errors)
    _raise(errors)
    position = (meeting.agenda.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    item = AgendaItem.objects.create(meeting=meeting, position=position, title=title, topic=topic)
    events.record(
        events.MEETING_RECORDED,
        actor=actor,
        target=meeting,
        scope_path=meeting.scope_path,
        after={"agenda": position, "title": title},
    )
    return item


@transaction.atomic
def meeting_record_statement(
    *,
    actor: Any,
    meeting: Meeting,
    text: str,
    participant: Participant | None = None,
    speaker: str = "",
    agenda_item: AgendaItem | None = None,
    now: datetime | None = None,
) -> Statement:
    """Append one entry to the deliberation record: who said what, numbered in order."""
    policy.require_at(actor, "record_meeting", meeting.scope_path)
    meeting = _open_meeting(meeting)
    if timezone.localtime(_now(now)).date() < timezone.localtime(meeting.starts_at).date():
        raise Conflict(_("会议尚未召开，不能记录发言。"), code="not_started")
    errors: dict[str, str] = {}
    text = _text(text, "text", _("发言要点"), max_length=4000, errors=errors)
    if participant is not None:
        if participant.gathering_id != meeting.gathering_id:
            errors["participant"] = _("发言人不是本次会议的参会人员")
        speaker = participant.name
    else:
        speaker = _text(speaker, "speaker", _("发言人"), max_length=60, errors=errors)
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        errors["agenda_item"] = _("议程不属于本次会议")
    _raise(errors)
    seq = (meeting.statements.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    statement = Statement.objects.create(
        meeting=meeting,
        seq=seq,
        agenda_item=agenda_item,
        participant=participant,
        speaker=speaker,
        text=text,
        recorded_by=_user(actor),
    )
    if meeting.status == Meeting.Status.NOTICED:
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    events.record(
        events.MEETING_RECORDED,
        actor=actor,
        target=meeting,
        scope_path=meeting.scope_path,
        after={"seq": seq, "speaker": speaker},
    )
    return statement


@transaction.atomic
def meeting_close(*, actor: Any, meeting: Meeting, minutes: str, now: datetime | None = None) -> Meeting:
    """Close the meeting with its minutes; votes opened in it must be closed first."""
    policy.require_at(actor, "record_meeting", meeting.scope_path)
    meeting = _open_meeting(meeting)
    errors: dict[str, str] = {}
    minutes = _text(minutes, "minutes", _("会议纪要"), max_length=20000, errors=errors)
    _raise(errors)
    if meeting.status != Meeting.Status.HELD:
        raise Conflict(_("会议尚未召开（没有出席或发言记录），不能形成纪要。"), code="not_held")
    if meeting.votes.filter(status=Vote.Status.OPEN).exists():
        raise Conflict(_("会议中还有未结束的表决。"), code="open_votes")
    meeting.minutes = minutes
    meeting.status = Meeting.Status.CLOSED
    meeting.closed_at = _now(now)
    meeting.save(update_fields=["minutes", "status", "closed_at"])
    events.record(
        events.MEETING_CLOSED,
        actor=actor,
        target=meeting,
        scope_path=meeting.scope_path,
        after={"attended": meeting.gathering.participants.filter(status=Participant.Status.ATTENDED).count()},
    )
    return meeting


# ---- owners ----


@transaction.atomic
def owner_share_record(
    *, actor: Any, complex: ResidentialComplex, owner: Resident, unit_label: str, area: Decimal
) -> OwnerShare:
    """Record an owner's 专有部分 and its registered area (民法典 第二百七十八条; 最高法解释 第八条)."""
    policy.require_at(actor, "manage_owners", complex.scope_path)
    errors: dict[str, str] = {}
    unit_label = _text(unit_label, "unit_label", _("房号"), max_length=40, errors=errors)
    try:
        area = Decimal(str(area)).quantize(Decimal("0.01"))
    except ArithmeticError:
        area = Decimal("0")
    if not Decimal("0") < area < Decimal("100000"):
        errors["area"] = _("面积应为大于 0 的数字（平方米）")
    if not within(owner.scope_path, [complex.scope_path[:12]]):
        errors["owner"] = _("业主不是该小区所在社区的居民")
    _raise(errors)
    if OwnerShare.objects.filter(complex=complex, unit_label=unit_label).exists():
        raise Conflict(_("该房号已登记业主。"), code="duplicate_unit", fields={"unit_label": _("已登记")})
    share = OwnerShare.objects.create(
        complex=complex,
        scope_path=complex.scope_path,
        owner=owner,
        unit_label=unit_label,
        area=area,
        recorded_by=_user(actor),
    )
    events.record(
        events.OWNER_SHARE_RECORDED,
        actor=actor,
        target=share,
        scope_path=share.scope_path,
        after={"complex": complex.code, "unit": unit_label, "area": str(area)},
    )
    return share


# ---- votes ----


def _fraction(value: tuple[int, int] | None, field: str) -> tuple[int, int]:
    if value is None:
        raise ServiceError(_("请填写自定义比例。"), fields={field: _("必填")})
    num, den = int(value[0]), int(value[1])
    if not (0 < num <= den <= 1000) or num * 2 < den:
        raise ServiceError(_("自定义比例应不低于二分之一，且不超过 1。"), fields={field: _("比例无效")})
    return num, den


def _electors(*, vote: Vote, meeting: Meeting | None, complex: ResidentialComplex | None, today: date) -> list[Elector]:
    """The electorate, fixed when the vote opens (a later move or registration does not change it)."""
    method, electorate = vote.method, vote.electorate
    cutoff = _adult_cutoff(today)
    rows: list[Elector] = []
    if method == Vote.Method.OWNERS:
        # One head per owner however many units they own; area is the sum of their units (最高法解释 第八、九条).
        per_owner = (
            OwnerShare.objects.filter(complex=complex)
            .values("owner_id", "owner__name", "owner__account_id")
            .annotate(total=Sum("area"))
            .order_by("owner_id")
        )
        for row in per_owner:
            rows.append(
                Elector(
                    vote=vote,
                    resident_id=row["owner_id"],
                    user_id=row["owner__account_id"],
                    label=row["owner__name"],
                    area=row["total"],
                )
            )
        return rows
    if electorate == Vote.Electorate.COMMUNITY:
        if method == Vote.Method.HOUSEHOLD:
            for h in Household.objects.filter(community=vote.community).only("pk", "household_no").iterator():
                rows.append(Elector(vote=vote, household_id=h.pk, label=h.household_no))
        else:
            adults = Resident.objects.filter(community=vote.community, birth_date__lte=cutoff)
            for r in adults.only("pk", "name", "account_id").iterator():
                rows.append(Elector(vote=vote, resident_id=r.pk, user_id=r.account_id, label=r.name))
        return rows
    assert meeting is not None
    participants = meeting.gathering.participants.exclude(resident=None).select_related("resident")
    if electorate == Vote.Electorate.REPRESENTATIVES:
        chosen = [p for p in participants.filter(role=Participant.Role.REPRESENTATIVE)]
    else:
        chosen = [p for p in participants.filter(status=Participant.Status.ATTENDED)]
    chosen = [p for p in chosen if p.resident is not None and p.resident.birth_date <= cutoff]
    if method == Vote.Method.HOUSEHOLD:
        seen: set[int] = set()
        for p in chosen:
            assert p.resident is not None
            hid = p.resident.household_id
            if hid is not None and hid not in seen:
                seen.add(hid)
                rows.append(Elector(vote=vote, household_id=hid, label=_("%(n)s 户") % {"n": p.resident.name}))
        return rows
    for p in chosen:
        assert p.resident is not None
        rows.append(Elector(vote=vote, resident_id=p.resident_id, user_id=p.resident.account_id, label=p.name))
    return rows


@transaction.atomic
def vote_open(
    *,
    actor: Any,
    meeting_or_scope: Meeting | Division,
    question: str,
    method: str,
    electorate: str,
    closes_at: datetime,
    majority: str = Vote.Majority.SIMPLE,
    majority_custom: tuple[int, int] | None = None,
    base: str = Vote.Base.CAST,
    quorum: str = Vote.Quorum.NONE,
    quorum_custom: tuple[int, int] | None = None,
    secret: bool = False,
    subject: Any = None,
    complex: ResidentialComplex | None = None,
    major_278: bool = False,
    description: str = "",
    now: datetime | None = None,
) -> Vote:
    """Open a vote and fix its electorate. Owners' votes (Method.OWNERS) always count by Civil Code art. 278: the
    quorum and majority arguments are ignored, and they cannot be secret (a weighted ballot would reveal its owner)."""
    meeting = meeting_or_scope if isinstance(meeting_or_scope, Meeting) else None
    community = meeting.community if meeting is not None else _community(meeting_or_scope)  # type: ignore[arg-type]
    policy.require_at(actor, "open_vote", community.path)
    moment = _now(now)
    errors: dict[str, str] = {}
    question = _text(question, "question", _("表决事项"), max_length=200, errors=errors)
    description = _text(description, "description", _("说明"), max_length=4000, errors=errors, required=False)
    if method not in Vote.Method.values:
        errors["method"] = _("表决方式无效")
    if electorate not in Vote.Electorate.values:
        errors["electorate"] = _("表决范围无效")
    if majority not in Vote.Majority.values:
        errors["majority"] = _("通过比例无效")
    if quorum not in Vote.Quorum.values:
        errors["quorum"] = _("参加人数要求无效")
    if base not in Vote.Base.values:
        errors["base"] = _("计算基数无效")
    if closes_at <= moment:
        errors["closes_at"] = _("截止时间应晚于现在")
    elif closes_at - moment > timedelta(days=90):
        errors["closes_at"] = _("表决期限不超过 90 天")
    _raise(errors)
    if method == Vote.Method.OWNERS:
        if complex is None or electorate != Vote.Electorate.COMPLEX:
            raise ServiceError(_("业主共同决定须选择小区，表决范围为小区全体业主。"), fields={"complex": _("必填")})
        if complex.scope_path[:12] != community.path:
            raise ServiceError(_("小区不属于本社区。"), fields={"complex": _("不属于本社区")})
        if secret:
            raise ServiceError(
                _("业主共同决定按面积计票，选票带有面积，无法做到无记名；请使用记名表决。"),
                code="secret_weighted",
                fields={"secret": _("不适用")},
            )
    elif electorate == Vote.Electorate.COMPLEX:
        raise ServiceError(_("小区全体业主范围只用于业主共同决定。"), fields={"electorate": _("不适用")})
    if electorate in (Vote.Electorate.MEETING, Vote.Electorate.REPRESENTATIVES) and meeting is None:
        raise ServiceError(_("按会议出席人或代表表决，须在会议中发起。"), fields={"electorate": _("须在会议中发起")})
    if method == Vote.Method.REPRESENTATIVE and electorate != Vote.Electorate.REPRESENTATIVES:
        raise ServiceError(_("代表表决的范围应为会议的居民代表。"), fields={"electorate": _("应为居民代表")})
    if meeting is not None:
        meeting = _open_meeting(meeting)
    m_num, m_den = _fraction(majority_custom, "majority_custom") if majority == Vote.Majority.CUSTOM else (1, 2)
    q_num, q_den = _fraction(quorum_custom, "quorum_custom") if quorum == Vote.Quorum.CUSTOM else (1, 2)
    subject_type, subject_id = _subject(subject)
    vote = Vote.objects.create(
        community=community,
        scope_path=community.path,
        meeting=meeting,
        complex=complex if method == Vote.Method.OWNERS else None,
        question=question,
        description=description,
        method=method,
        electorate=electorate,
        secret=secret,
        majority=majority,
        majority_num=m_num,
        majority_den=m_den,
        base=base,
        quorum=quorum,
        quorum_num=q_num,
        quorum_den=q_den,
        major_278=major_278 and method == Vote.Method.OWNERS,
        opens_at=moment,
        closes_at=closes_at,
        subject_type=subject_type,
        subject_id=subject_id,
        opened_by=_user(actor),
    )
    rows = _electors(vote=vote, meeting=meeting, complex=complex, today=timezone.localtime(moment).date())
    if not rows:
        raise Conflict(_("没有符合条件的表决权人，不能发起表决。"), code="empty_electorate")
    Elector.objects.bulk_create(rows, batch_size=2000)
    total = Elector.objects.filter(vote=vote).aggregate(n=Count("id"), area=Sum("area"))
    vote.electorate_count = total["n"] or 0
    vote.electorate_area = total["area"] or Decimal("0")
    vote.save(update_fields=["electorate_count", "electorate_area"])
    events.record(
        events.VOTE_OPENED,
        actor=actor,
        target=vote,
        scope_path=vote.scope_path,
        after={
            "question": question,
            "method": method,
            "electorate": electorate,
            "electors": vote.electorate_count,
            "secret": secret,
            "majority": majority,
            "quorum": quorum,
            "closes_at": closes_at.isoformat(),
            "subject": f"{subject_type}:{subject_id}" if subject_type else "",
        },
    )
    return vote


def _lock_open_vote(vote: Vote, moment: datetime) -> Vote:
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    if vote.status != Vote.Status.OPEN or moment >= vote.closes_at:
        raise Conflict(_("表决已经结束，不能再投票。"), code="vote_closed")
    if moment < vote.opens_at:
        raise Conflict(_("表决尚未开始。"), code="vote_not_open")
    return vote


def elector_for(*, actor: Any, vote: Vote) -> Elector | None:
    """The elector the actor votes as: their own person/owner row, or their household's row (adult members)."""
    resident = resident_of(actor)
    if resident is None:
        return None
    if vote.method == Vote.Method.HOUSEHOLD:
        if resident.household_id is None or resident.birth_date > _adult_cutoff(timezone.localdate()):
            return None
        return Elector.objects.filter(vote=vote, household_id=resident.household_id).first()
    return Elector.objects.filter(vote=vote, resident=resident, household=None).first()


def _cast(*, actor: Any, vote: Vote, elector: Elector, choice: str, on_site: bool) -> Participation:
    if choice not in Choice.values:
        raise ServiceError(_("请选择赞成、反对或弃权。"), fields={"choice": _("取值无效")})
    try:
        with transaction.atomic():
            participation = Participation.objects.create(
                id=uuid.uuid4(), vote=vote, elector=elector, cast_by=_user(actor), on_site=on_site
            )
    except IntegrityError as exc:
        raise Conflict(_("已经投过票，每个表决权人只能投一次。"), code="already_voted") from exc
    Ballot.objects.create(
        id=uuid.uuid4(),
        vote=vote,
        choice=choice,
        area=elector.area if vote.method == Vote.Method.OWNERS else Decimal("0"),
        elector=None if vote.secret else elector,
    )
    after: dict[str, Any] = {"elector": elector.label, "on_site": on_site}
    if not vote.secret:
        after["choice"] = choice
    events.record(events.VOTE_PARTICIPATED, actor=actor, target=vote, scope_path=vote.scope_path, after=after)
    return participation


@transaction.atomic
def vote_cast(*, actor: Any, vote: Vote, choice: str, now: datetime | None = None) -> Participation:
    """Cast the actor's ballot. The vote row is locked (SELECT … FOR UPDATE) and Participation is unique per elector,
    so a ballot cast twice or concurrently counts once; late or ineligible ballots are refused."""
    policy.require_at(actor, "vote", vote.scope_path)
    vote = _lock_open_vote(vote, _now(now))
    elector = elector_for(actor=actor, vote=vote)
    if elector is None:
        raise Forbidden(_("您不在本次表决的表决权人名单中。"), code="not_eligible")
    if Participation.objects.filter(vote=vote, elector=elector).exists():
        raise Conflict(_("已经投过票，每个表决权人只能投一次。"), code="already_voted")
    return _cast(actor=actor, vote=vote, elector=elector, choice=choice, on_site=False)


@transaction.atomic
def vote_record_on_site(
    *, actor: Any, vote: Vote, elector: Elector, choice: str, now: datetime | None = None
) -> Participation:
    """Staff record a show-of-hands or signed paper ballot for a named elector (记名表决 only)."""
    policy.require_at(actor, "record_on_site", vote.scope_path)
    vote = _lock_open_vote(vote, _now(now))
    if vote.secret:
        raise Conflict(_("无记名投票只能由表决权人本人投票，工作人员不能代录选择。"), code="secret_on_site")
    if elector.vote_id != vote.pk:
        raise NotFound(_("未找到该记录，或您无权查看。"))
    if Participation.objects.filter(vote=vote, elector=elector).exists():
        raise Conflict(_("已经投过票，每个表决权人只能投一次。"), code="already_voted")
    return _cast(actor=actor, vote=vote, elector=elector, choice=choice, on_site=True)


def _mix_ballot_box(vote: Vote) -> None:
    """Rewrite a secret vote's ballots in a random order with fresh random keys, in one statement batch, so neither
    key order nor physical row order nor the writing transaction relates a ballot to a participation."""
    ballots = list(Ballot.objects.filter(vote=vote).values_list("choice", "area"))
    random.SystemRandom().shuffle(ballots)
    Ballot.objects.filter(vote=vote).delete()
    Ballot.objects.bulk_create(
        [Ballot(id=uuid.uuid4(), vote=vote, choice=c, area=a, elector=None) for c, a in ballots], batch_size=2000
    )


@transaction.atomic
def vote_close(*, actor: Any, vote: Vote, now: datetime | None = None) -> Vote:
    """Close the vote, count it and fix the outcome. Staff may close early (a meeting's show of hands); the
    scheduler closes votes whose time has passed (actor SYSTEM)."""
    policy.require_at(actor, "close_vote", vote.scope_path)
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    if vote.status != Vote.Status.OPEN:
        raise Conflict(_("表决已经结束。"), code="vote_closed")
    if vote.secret:
        _mix_ballot_box(vote)
    by_choice = {
        row["choice"]: (row["n"], row["area"] or Decimal("0"))
        for row in Ballot.objects.filter(vote=vote).values("choice").annotate(n=Count("id"), area=Sum("area"))
    }
    participants = Participation.objects.filter(vote=vote).count()
    ballots = sum(n for n, _a in by_choice.values())
    if ballots != participants:  # cannot happen through the services; refuse to publish a broken count
        raise Conflict(_("选票数与参加表决人数不一致，请联系系统管理员。"), code="tally_mismatch")
    yes, yes_area = by_choice.get(Choice.YES, (0, Decimal("0")))
    no, _no_area = by_choice.get(Choice.NO, (0, Decimal("0")))
    abstain, _ab_area = by_choice.get(Choice.ABSTAIN, (0, Decimal("0")))
    participant_area = sum((a for _n, a in by_choice.values()), Decimal("0"))
    result = evaluate(
        vote,
        Counts(
            electorate=vote.electorate_count,
            electorate_area=vote.electorate_area,
            participants=participants,
            participant_area=participant_area,
            yes=yes,
            yes_area=yes_area,
        ),
    )
    vote.status = Vote.Status.CLOSED
    vote.closed_at = _now(now)
    vote.participant_count = participants
    vote.yes_count, vote.no_count, vote.abstain_count = yes, no, abstain
    vote.participant_area, vote.yes_area = participant_area, yes_area
    vote.outcome = (
        Vote.Outcome.NO_QUORUM
        if not result.quorum_met
        else (Vote.Outcome.PASSED if result.passed else Vote.Outcome.FAILED)
    )
    vote.save()
    events.record(
        events.VOTE_CLOSED,
        actor=actor,
        target=vote,
        scope_path=vote.scope_path,
        after={
            "outcome": vote.outcome,
            "electors": vote.electorate_count,
            "participants": participants,
            "yes": yes,
            "no": no,
            "abstain": abstain,
            "participant_area": str(participant_area),
            "yes_area": str(yes_area),
        },
    )
    return vote


def close_due_votes(*, now: datetime | None = None) -> int:
    """Periodic: close every open vote whose time has passed (as SYSTEM)."""
    from gongzhi.core.actors import SYSTEM

    moment = _now(now)
    closed = 0
    for vote in Vote.objects.filter(status=Vote.Status.OPEN, closes_at__lte=moment).only("pk")[:500]:
        try:
            vote_close(actor=SYSTEM, vote=vote, now=moment)
            closed += 1
        except Conflict:
            continue
    return closed


# ---- decisions ----


@transaction.atomic
def decision_create(
    *,
    actor: Any,
    community: Division,
    title: str,
    body: str,
    is_major: bool = False,
    meeting: Meeting | None = None,
    vote: Vote | None = None,
    topic: Topic | None = None,
    subject: Any = None,
) -> Decision:
    community = _community(community)
    policy.require_at(actor, "draft_decision", community.path)
    errors: dict[str, str] = {}
    title = _text(title, "title", _("决定事项"), max_length=160, errors=errors)
    body = _text(body, "body", _("决定内容"), max_length=8000, errors=errors)
    for field, obj in (("meeting", meeting), ("vote", vote), ("topic", topic)):
        if obj is not None and obj.community_id != community.pk:
            errors[field] = _("不属于本社区")
    _raise(errors)
    subject_type, subject_id = _subject(subject)
    decision = Decision.objects.create(
        community=community,
        scope_path=community.path,
        title=title,
        body=body,
        is_major=is_major,
        meeting=meeting,
        vote=vote,
        topic=topic,
        subject_type=subject_type,
        subject_id=subject_id,
        created_by=_user(actor),
    )
    events.record(
        events.DECISION_DRAFTED,
        actor=actor,
        target=decision,
        scope_path=decision.scope_path,
        after={"title": title, "is_major": is_major, "vote": vote.pk if vote else None},
    )
    return decision


@transaction.atomic
def legal_opinion_give(
    *, actor: Any, decision: Decision, conclusion: str, basis: str, conditions: str = ""
) -> LegalOpinion:
    """The community legal advisor's written opinion (R6.2): compliant, compliant with conditions, or non-compliant,
    always with its legal basis."""
    policy.require_at(actor, "give_opinion", decision.scope_path)
    if is_system(actor):
        raise Forbidden(_("法律意见只能由法律顾问本人出具。"))
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != Decision.Status.DRAFT:
        raise Conflict(_("决定已经办结，不能再出具意见。"), code="not_draft")
    errors: dict[str, str] = {}
    if conclusion not in LegalOpinion.Conclusion.values:
        errors["conclusion"] = _("请选择意见结论")
    basis = _text(basis, "basis", _("法律依据与理由"), max_length=8000, errors=errors)
    conditions = _text(conditions, "conditions", _("条件"), max_length=4000, errors=errors, required=False)
    if conclusion == LegalOpinion.Conclusion.CONDITIONAL and not conditions:
        errors["conditions"] = _("附条件合规须写明条件")
    _raise(errors)
    opinion = LegalOpinion.objects.create(
        decision=decision,
        scope_path=decision.scope_path,
        advisor=actor,
        advisor_name=str(actor)[:60],
        conclusion=conclusion,
        basis=basis,
        conditions=conditions,
    )
    events.record(
        events.OPINION_GIVEN,
        actor=actor,
        target=decision,
        scope_path=decision.scope_path,
        after={"opinion": opinion.pk, "conclusion": conclusion},
    )
    return opinion


@transaction.atomic
def decision_adopt(
    *, actor: Any, decision: Decision, override_reason: str = "", now: datetime | None = None
) -> Decision:
    """Adopt a decision. A linked vote must have passed; a 重大事项 needs the legal advisor's written opinion first
    (R6.2); adopting against a non-compliant opinion needs a recorded reason and alerts the street office."""
    policy.require_at(actor, "adopt_decision", decision.scope_path)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != Decision.Status.DRAFT:
        raise Conflict(_("该决定已经办结。"), code="not_draft")
    if decision.vote_id is not None:
        vote = Vote.objects.get(pk=decision.vote_id)
        if vote.status != Vote.Status.CLOSED:
            raise Conflict(_("表决尚未结束，不能通过决定。"), code="vote_open")
        if vote.outcome != Vote.Outcome.PASSED:
            raise Conflict(
                _("表决结果为“%(o)s”，不能据此通过决定。") % {"o": vote.get_outcome_display()}, code="vote_failed"
            )
    opinion = decision.opinions.order_by("-given_at", "-id").first()
    override_reason = (override_reason or "").strip()
    if decision.is_major:
        if opinion is None:
            raise Conflict(
                _("重大事项须先由社区法律顾问出具书面法律意见，才能通过（条例第六条第二款）。"),
                code="opinion_required",
            )
        if opinion.conclusion == LegalOpinion.Conclusion.NON_COMPLIANT:
            if len(override_reason) < 10:
                raise ServiceError(
                    _("法律顾问认为不合规；如仍要通过，须写明理由（不少于 10 个字），并将报告街道办事处。"),
                    code="override_reason_required",
                    fields={"override_reason": _("须写明不采纳法律意见的理由")},
                )
            if len(override_reason) > 4000:
                raise ServiceError(_("理由不超过 4000 个字符。"), fields={"override_reason": _("过长")})
    decision.status = Decision.Status.ADOPTED
    decision.adopted_at = _now(now)
    decision.adopted_by = _user(actor)
    decision.override_reason = override_reason if opinion and opinion.conclusion == "non_compliant" else ""
    decision.save(update_fields=["status", "adopted_at", "adopted_by", "override_reason"])
    if decision.topic_id:
        Topic.objects.filter(pk=decision.topic_id).update(status=Topic.Status.DECIDED)
    events.record(
        events.DECISION_ADOPTED,
        actor=actor,
        target=decision,
        scope_path=decision.scope_path,
        after={
            "is_major": decision.is_major,
            "opinion": opinion.conclusion if opinion else None,
            "override_reason": decision.override_reason,
        },
    )
    if decision.is_major and opinion is not None and opinion.conclusion == LegalOpinion.Conclusion.NON_COMPLIANT:
        alert = StreetAlert.objects.create(
            decision=decision,
            scope_path=decision.scope_path,
            street_path=decision.scope_path[:9],
            message=_("%(c)s通过重大事项“%(t)s”，未采纳法律顾问的不合规意见。理由：%(r)s")
            % {"c": decision.community.name, "t": decision.title, "r": override_reason},
        )
        events.record(
            events.ALERT_RAISED,
            actor=actor,
            target=alert,
            scope_path=decision.scope_path,
            after={"decision": decision.pk, "street_path": alert.street_path},
        )
    return decision


@transaction.atomic
def street_alert_handle(*, actor: Any, alert: StreetAlert, response: str) -> StreetAlert:
    policy.require_at(actor, "handle_alert", alert.scope_path)
    alert = StreetAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is not None:
        raise Conflict(_("该提示已经处理。"), code="handled")
    errors: dict[str, str] = {}
    response = _text(response, "response", _("处理意见"), max_length=4000, errors=errors)
    _raise(errors)
    alert.acknowledged_by = _user(actor)
    alert.acknowledged_at = timezone.now()
    alert.response = response
    alert.save(update_fields=["acknowledged_by", "acknowledged_at", "response"])
    events.record(
        events.ALERT_HANDLED, actor=actor, target=alert, scope_path=alert.scope_path, after={"response": response}
    )
    return alert


@transaction.atomic
def decision_progress(*, actor: Any, decision: Decision, percent: int, note: str) -> ProgressEntry:
    """Record implementation progress of an adopted decision (落实监督)."""
    policy.require_at(actor, "track_decision", decision.scope_path)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != Decision.Status.ADOPTED:
        raise Conflict(_("决定通过后才能记录实施进展。"), code="not_adopted")
    errors: dict[str, str] = {}
    note = _text(note, "note", _("进展情况"), max_length=4000, errors=errors)
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        errors["percent"] = _("完成百分比应在 0 到 100 之间")
    elif percent < decision.progress_percent:
        errors["percent"] = _("完成百分比不能低于上次记录的 %(n)s%%") % {"n": decision.progress_percent}
    _raise(errors)
    entry = ProgressEntry.objects.create(decision=decision, percent=percent, note=note, recorded_by=_user(actor))
    decision.progress_percent = percent
    decision.progress = Decision.Progress.DONE if percent == 100 else Decision.Progress.IN_PROGRESS
    decision.save(update_fields=["progress_percent", "progress"])
    events.record(
        events.DECISION_PROGRESS,
        actor=actor,
        target=decision,
        scope_path=decision.scope_path,
        after={"percent": percent, "note": note},
    )
    return entry


def feedback_text(decision: Decision, summary: str) -> str:
    """The public feedback's body: the decision, how it was decided, the legal opinion, and implementation."""
    lines = [summary.strip(), "", _("决定内容：") + decision.body.strip()]
    if decision.vote_id:
        v = Vote.objects.get(pk=decision.vote_id)
        lines.append(
            _("表决：%(q)s；有表决权 %(e)s，参加 %(p)s，赞成 %(y)s，反对 %(n)s，弃权 %(a)s；结果：%(o)s。")
            % {
                "q": v.question,
                "e": v.electorate_count,
                "p": v.participant_count,
                "y": v.yes_count,
                "n": v.no_count,
                "a": v.abstain_count,
                "o": v.get_outcome_display(),
            }
        )
    opinion = decision.opinions.order_by("-given_at", "-id").first()
    if opinion is not None:
        lines.append(_("法律顾问意见：%(c)s。") % {"c": opinion.get_conclusion_display()})
    if decision.override_reason:
        lines.append(_("未采纳法律意见的理由：") + decision.override_reason)
    for entry in decision.progress_entries.order_by("at", "id"):
        lines.append(
            _("实施进展 %(p)s%%（%(d)s）：%(n)s") % {"p": entry.percent, "d": entry.at.date(), "n": entry.note}
        )
    return "\n".join(lines)


@transaction.atomic
def decision_publish_feedback(*, actor: Any, decision: Decision, summary: str) -> Decision:
    """Publish the decision and its implementation to residents through the ledger (居务公开, verifiable)."""
    policy.require_at(actor, "track_decision", decision.scope_path)
    decision = Decision.objects.select_for_update().select_related("community").get(pk=decision.pk)
    if decision.status != Decision.Status.ADOPTED:
        raise Conflict(_("决定通过后才能公开反馈。"), code="not_adopted")
    if decision.feedback_disclosure_id is not None:
        raise Conflict(_("该决定的反馈已经公开。"), code="already_published")
    errors: dict[str, str] = {}
    summary = _text(summary, "summary", _("反馈说明"), max_length=4000, errors=errors)
    _raise(errors)
    disclosure = disclosure_publish(
        actor=actor,
        scope_path=decision.scope_path,
        scope_name=decision.community.name,
        category=Disclosure.Category.DECISION,
        title=_("协商决定落实反馈：%(t)s") % {"t": decision.title},
        body=feedback_text(decision, summary),
        source=decision,
    )
    decision.feedback_disclosure = disclosure
    decision.save(update_fields=["feedback_disclosure"])
    events.record(
        events.DECISION_FEEDBACK,
        actor=actor,
        target=decision,
        scope_path=decision.scope_path,
        after={"disclosure": disclosure.pk},
    )
    return decision


# ---- legal questions (R6.1) ----


@transaction.atomic
def question_ask(*, actor: Any, category: str, question: str, today: date | None = None) -> LegalQuestion:
    """A resident asks the community legal advisor; the answer is due in QUESTION_REPLY_WORKING_DAYS working days."""
    resident = resident_of(actor)
    if resident is None:
        raise Forbidden(_("您的账号尚未关联居民信息，不能提问。"), code="not_resident")
    community = Division.objects.get(pk=resident.community_id)
    policy.require_at(actor, "ask_legal", community.path)
    errors: dict[str, str] = {}
    if category not in QUESTION_CATEGORIES:
        errors["category"] = _("类别无效")
    question = _text(question, "question", _("问题"), max_length=4000, errors=errors)
    _raise(errors)
    asked_on = today or timezone.localdate()
    # A resident is never refused for a gap in the working calendar: a provisional deadline (暂定期限) instead.
    found = WorkingCalendar().deadline(asked_on, QUESTION_REPLY_WORKING_DAYS, provisional_ok=True)
    due = found.day
    item = LegalQuestion.objects.create(
        community=community,
        scope_path=community.path,
        asked_by=actor,
        category=category,
        question=question,
        due_on=due,
        due_provisional=found.provisional,
        due_from=asked_on if found.provisional else None,
    )
    events.record(
        events.QUESTION_ASKED,
        actor=actor,
        target=item,
        scope_path=item.scope_path,
        after={"category": category, "due_on": str(due), "provisional": found.provisional},
    )
    return item


def question_deadlines_recompute(*, actor: Any = SYSTEM) -> int:
    """Provisional answer deadlines under the working calendar as it now stands (run on every calendar change,
    in its transaction, and hourly); returns how many changed. Unchanged ones are left alone."""

    def record(item: LegalQuestion, previous: date, found: Deadline) -> None:
        events.record(
            events.QUESTION_DUE_RECOMPUTED,
            actor=actor,
            target=item,
            scope_path=item.scope_path,
            before={"due_on": str(previous)},
            after={"due_on": str(found.day), "provisional": found.provisional},
        )

    return recompute_provisional(
        LegalQuestion.objects.all(),
        start=lambda item: item.due_from or item.asked_at.date(),
        days=QUESTION_REPLY_WORKING_DAYS,
        record=record,
    )


def question_provisional_waiting(year: int) -> int:
    return LegalQuestion.objects.filter(due_provisional=True, due_on__year=year).count()


@transaction.atomic
def question_answer(*, actor: Any, question: LegalQuestion, answer: str, today: date | None = None) -> LegalQuestion:
    policy.require_at(actor, "answer_legal", question.scope_path)
    question = LegalQuestion.objects.select_for_update().get(pk=question.pk)
    if question.status == LegalQuestion.Status.ANSWERED:
        raise Conflict(_("该问题已经答复。"), code="answered")
    errors: dict[str, str] = {}
    answer = _text(answer, "answer", _("答复"), max_length=8000, errors=errors)
    _raise(errors)
    question.answer = answer
    question.answered_by = _user(actor)
    question.answered_on = today or timezone.localdate()
    question.status = LegalQuestion.Status.ANSWERED
    question.save(update_fields=["answer", "answered_by", "answered_on", "status"])
    events.record(
        events.QUESTION_ANSWERED,
        actor=actor,
        target=question,
        scope_path=question.scope_path,
        after={"answered_on": str(question.answered_on), "late": question.answered_on > question.due_on},
    )
    return question
