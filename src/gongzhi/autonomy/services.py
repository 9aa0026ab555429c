"""Writes of 居民自治: conventions (R5.1), the points ledger (D11), the supervision committee (R5.3), culture and the
文明家庭 selection (R7.1, R7.2) and corrections of a residents' committee from a supervision finding (R20.3).

Every function takes keyword arguments, checks the policy at the object's node, validates, writes and records its
audit event in one transaction. Votes and attendance are consult's (`gongzhi.consult`); corrections are duties'.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.core.actors import SYSTEM, is_system
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ServiceError
from gongzhi.core.roles import Role
from gongzhi.ledger.models import Disclosure
from gongzhi.ledger.services import disclosure_publish
from gongzhi.people.models import RoleAssignment, Unit
from gongzhi.residents.models import Household, Relation, Resident
from gongzhi.territory.models import Division, Level
from gongzhi.workdays.calendar import Deadline, WorkingCalendar, recompute_provisional

from . import events
from .models import (
    Acknowledgement,
    Activity,
    Body,
    Convention,
    ConventionComment,
    ConventionVersion,
    DeclaredRelative,
    FamilyNomination,
    FamilyObjection,
    FamilySelection,
    FinanceRecord,
    Finding,
    Inquiry,
    PointsAccount,
    PointsEntry,
    PointsObjection,
    PointsRule,
    PointsTransaction,
    Redemption,
    RedemptionItem,
    SupervisionElection,
    SupervisionItem,
    SupervisionMember,
    SupervisionRequest,
)
from .permissions import policy

OFFICIAL_LANGUAGE = settings.LANGUAGE_CODE  # texts stored in records and disclosures
OBJECTION_REVIEW_WORKING_DAYS = 10  # 异议复核期限
POINTS_VALID_MONTHS = 12  # 积分有效期一年 (cn_domain §4.1, 萧山相墅社区)
INQUIRY_REPLY_WORKING_DAYS = 5  # default reply deadline of an inquiry to the residents' committee
FAMILY_PUBLICITY_WORKING_DAYS = 5  # 公示期


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _user(actor: Any) -> Any:
    return None if is_system(actor) else actor


def _text(value: str, field: str, label: str, limit: int) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if not value or len(value) > limit:
        raise ServiceError(
            _("%(label)s不能为空，且不超过 %(n)s 个字符。") % {"label": label, "n": limit}, fields={field: _("必填")}
        )
    return value


def home_community(actor: Any, action: str) -> Division:
    """The community where the actor holds a role allowing `action` (residents and community staff)."""
    for grant in policy.grants_for(actor, action):
        division = Division.objects.filter(pk=grant.division_id).first()
        while division is not None and division.level == Level.GRID:
            division = division.parent
        if division is not None and division.level == Level.COMMUNITY:
            return division
    raise Forbidden(_("您没有在某个社区的居民或工作人员身份。"))


def _community(division: Division) -> Division:
    if division.level != Level.COMMUNITY:
        raise ServiceError(_("请选择一个社区/行政村。"), fields={"community": _("必须是社区")})
    return division


def my_resident(actor: Any) -> Resident:
    record = Resident.objects.filter(account=actor).select_related("household").first() if actor else None
    if record is None:
        raise NotFound(_("您的账号尚未关联居民信息，请到社区办理。"))
    return record


# ---- conventions and charters (R5.1) -------------------------------------------------------------------------------


@transaction.atomic
def convention_create(
    *, actor: Any, community: Division, kind: str, title: str, body: str, change_note: str = ""
) -> ConventionVersion:
    """R5.1: a new 居民公约 or 居民自治章程 starts as draft version 1."""
    _community(community)
    policy.require_at(actor, "draft_convention", community.path)
    if kind not in Convention.Kind.values:
        raise ServiceError(_("类型无效。"), fields={"kind": _("请选择")})
    title = _text(title, "title", _("名称"), 120)
    if Convention.objects.filter(community=community, title=title).exists():
        raise Conflict(_("本社区已有同名公约，请起草新版本。"), fields={"title": _("已存在")})
    convention = Convention.objects.create(
        community=community, scope_path=community.path, kind=kind, title=title, created_by=_user(actor)
    )
    version = ConventionVersion.objects.create(
        convention=convention,
        scope_path=community.path,
        number=1,
        body=_text(body, "body", _("正文"), 40_000),
        change_note=change_note.strip()[:500],
        drafted_by=_user(actor),
    )
    events.record(events.CONVENTION_DRAFTED, actor=actor, target=version, after={"title": title, "number": 1})
    return version


@transaction.atomic
def version_draft(*, actor: Any, convention: Convention, body: str, change_note: str) -> ConventionVersion:
    """A revision (修改) starts from the latest version: its text and rules are copied into a new draft."""
    policy.require_at(actor, "draft_convention", convention.scope_path)
    Convention.objects.select_for_update().get(pk=convention.pk)
    latest = convention.versions.order_by("-number").first()
    open_statuses = (
        ConventionVersion.Status.DRAFT,
        ConventionVersion.Status.COMMENTING,
        ConventionVersion.Status.VOTING,
    )
    if convention.versions.filter(status__in=open_statuses).exists():
        raise Conflict(_("已有一个正在起草、征求意见或表决的版本。"))
    version = ConventionVersion.objects.create(
        convention=convention,
        scope_path=convention.scope_path,
        number=(latest.number if latest else 0) + 1,
        body=_text(body, "body", _("正文"), 40_000),
        change_note=_text(change_note, "change_note", _("修改说明"), 500),
        drafted_by=_user(actor),
    )
    if latest is not None:
        for rule in latest.rules.all():
            PointsRule.objects.create(
                version=version,
                scope_path=version.scope_path,
                code=rule.code,
                kind=rule.kind,
                title=rule.title,
                points=rule.points,
                text=rule.text,
            )
    events.record(
        events.CONVENTION_DRAFTED,
        actor=actor,
        target=version,
        after={"title": convention.title, "number": version.number},
    )
    return version


@transaction.atomic
def version_edit(*, actor: Any, version: ConventionVersion, body: str, change_note: str = "") -> ConventionVersion:
    policy.require_at(actor, "draft_convention", version.scope_path)
    locked = ConventionVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != ConventionVersion.Status.DRAFT:
        raise Conflict(_("只有起草中的版本可以修改。"))
    locked.body = _text(body, "body", _("正文"), 40_000)
    if change_note.strip():
        locked.change_note = change_note.strip()[:500]
    locked.save(update_fields=["body", "change_note"])
    events.record(events.CONVENTION_DRAFTED, actor=actor, target=locked, after={"edited": True})
    return locked


# Terms that would turn a points rule into a penalty the residents' committee may not impose: fines and charges,
# confiscation, and withholding public services or social-security benefits.
FORBIDDEN_TERMS = (
    "罚款",
    "罚金",
    "罚没",
    "处罚",
    "滞纳金",
    "没收",
    "扣押",
    "拘留",
    "停水",
    "停电",
    "停气",
    "断水",
    "断电",
    "断气",
    "低保",
    "特困供养",
    "救助",
    "补贴",
    "养老金",
    "社保",
    "医保",
    "入学",
    "户籍",
    "落户",
    "不予开具",
    "不予办理",
    "公共服务",
)
LEGAL_LIMIT = gettext_noop(
    "居民委员会没有行政处罚权，也无权限制居民依法享有的公共服务和社会保障：积分规则只能加减积分或影响评优资格，"
    "不得罚款、收费，不得停水停电或取消低保等待遇（《中华人民共和国行政处罚法》第二条、第十七条；"
    "《中华人民共和国城市居民委员会组织法》第十五条：居民公约不得与宪法、法律、法规和国家政策相抵触）。"
)


def check_rule_is_lawful(*, kind: str, title: str, text: str) -> None:
    """R5.1/D11: a rule may only award or deduct points; a fine or a public-service restriction is refused."""
    if kind not in PointsRule.Kind.values:
        raise ServiceError(_(LEGAL_LIMIT), code="unlawful_rule", fields={"kind": _("只能是加分或扣分")})
    content = f"{title}\n{text}"
    found = [term for term in FORBIDDEN_TERMS if term in content]
    if re.search(r"\d+\s*元", content):
        found.append("元")
    if found:
        raise ServiceError(
            _(LEGAL_LIMIT) + _("规则中出现了“%(term)s”。") % {"term": "、".join(found)},
            code="unlawful_rule",
            fields={"text": _("含有罚款或限制公共服务的内容")},
        )


@transaction.atomic
def rule_add(
    *, actor: Any, version: ConventionVersion, code: str, kind: str, title: str, points: int, text: str = ""
) -> PointsRule:
    """D11: rules are written into a draft version and take effect only when that version is adopted and in force."""
    policy.require_at(actor, "draft_convention", version.scope_path)
    locked = ConventionVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != ConventionVersion.Status.DRAFT:
        raise Conflict(
            _("积分规则是公约的组成部分，只能写入起草中的版本，随公约一起征求意见和表决；请起草新版本。"),
            code="rule_not_in_draft",
        )
    code = _text(code, "code", _("条目编号"), 20)
    title = _text(title, "title", _("行为"), 120)
    text = (text or "").strip()[:2000]
    check_rule_is_lawful(kind=kind, title=title, text=text)
    if not isinstance(points, int) or not 1 <= points <= 1000:
        raise ServiceError(_("分值应为 1 到 1000 的整数。"), fields={"points": _("1–1000")})
    if locked.rules.filter(code=code).exists():
        raise Conflict(_("该条目编号已存在。"), fields={"code": _("已存在")})
    rule = PointsRule.objects.create(
        version=locked, scope_path=locked.scope_path, code=code, kind=kind, title=title, points=points, text=text
    )
    events.record(
        events.RULE_ADDED,
        actor=actor,
        target=rule,
        after={"code": code, "kind": kind, "points": points, "v": locked.pk},
    )
    return rule


@transaction.atomic
def comment_open(
    *, actor: Any, version: ConventionVersion, working_days: int = 10, today: date | None = None
) -> ConventionVersion:
    """征求意见: the draft is open for residents' comments for a number of working days."""
    policy.require_at(actor, "draft_convention", version.scope_path)
    locked = ConventionVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != ConventionVersion.Status.DRAFT:
        raise Conflict(_("只有起草中的版本可以征求意见。"))
    if not 3 <= working_days <= 30:
        raise ServiceError(_("征求意见期应为 3 到 30 个工作日。"), fields={"working_days": _("3–30")})
    day = _today(today)
    locked.comment_from = day
    locked.comment_until = WorkingCalendar().add_working_days(day, working_days)
    locked.status = ConventionVersion.Status.COMMENTING
    locked.save(update_fields=["comment_from", "comment_until", "status"])
    events.record(events.CONVENTION_COMMENTING, actor=actor, target=locked, after={"until": str(locked.comment_until)})
    return locked


@transaction.atomic
def comment_add(*, actor: Any, version: ConventionVersion, body: str, today: date | None = None) -> ConventionComment:
    policy.require_at(actor, "comment_convention", version.scope_path)
    version = ConventionVersion.objects.get(pk=version.pk)
    day = _today(today)
    if (
        version.status != ConventionVersion.Status.COMMENTING
        or not version.comment_until
        or day > version.comment_until
    ):
        raise Conflict(_("该版本不在征求意见期内。"))
    comment = ConventionComment.objects.create(
        version=version, scope_path=version.scope_path, author=actor, body=_text(body, "body", _("意见"), 2000)
    )
    events.record(events.CONVENTION_COMMENTED, actor=actor, target=comment, after={"version": version.pk})
    return comment


def _vote_model() -> Any:
    from gongzhi.consult.models import Vote

    return Vote


def version_subject(version: ConventionVersion) -> tuple[str, str]:
    """How consult's votes name a convention version as their subject."""
    return (version._meta.label_lower, str(version.pk))


@transaction.atomic
def version_link_vote(
    *, actor: Any, version: ConventionVersion, vote: Any, today: date | None = None
) -> ConventionVersion:
    """表决: after the comment period the version goes to a 居民会议 or 居民代表会议 vote held in consult. The vote
    must be about this version, in this community, and have a quorum (参加人数要求)."""
    policy.require_at(actor, "draft_convention", version.scope_path)
    locked = ConventionVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != ConventionVersion.Status.COMMENTING:
        raise Conflict(_("版本须先征求意见，才能提交表决。"))
    if locked.comment_until and _today(today) <= locked.comment_until:
        raise Conflict(_("征求意见期尚未结束（至 %(d)s）。") % {"d": locked.comment_until})
    Vote = _vote_model()
    if (vote.subject_type, vote.subject_id) != version_subject(locked) or vote.scope_path != locked.scope_path:
        raise ServiceError(_("该表决不是针对本公约版本的。"), fields={"vote": _("表决事项不符")})
    if vote.quorum == Vote.Quorum.NONE:
        raise ServiceError(
            _("居民公约须由居民会议或居民代表会议表决，表决必须设定参加人数要求。"),
            fields={"vote": _("未设参加人数要求")},
        )
    if vote.status == Vote.Status.CANCELLED:
        raise Conflict(_("该表决已取消。"))
    locked.vote_ref = str(vote.pk)
    locked.body_type = (
        Body.REPRESENTATIVES_MEETING if vote.method == Vote.Method.REPRESENTATIVE else Body.RESIDENTS_MEETING
    )
    locked.status = ConventionVersion.Status.VOTING
    locked.save(update_fields=["vote_ref", "body_type", "status"])
    events.record(events.CONVENTION_VOTE_LINKED, actor=actor, target=locked, after={"vote": vote.pk})
    return locked


def version_put_to_vote(
    *,
    actor: Any,
    version: ConventionVersion,
    closes_at: Any,
    meeting: Any = None,
    representatives: bool = False,
    now: Any = None,
) -> ConventionVersion:
    """Open consult's vote on this version and link it. 组织法第十条: a 居民会议 needs more than half of the electorate
    present and decides by a majority of those present, so the vote carries a half quorum and a simple majority of
    votes cast; a 居民代表会议 votes through the meeting's representatives."""
    from gongzhi.consult import services as consult

    Vote = _vote_model()
    if representatives and meeting is None:
        raise ServiceError(_("居民代表会议表决须在会议中发起。"), fields={"meeting": _("请选择会议")})
    if representatives:
        method, electorate = Vote.Method.REPRESENTATIVE, Vote.Electorate.REPRESENTATIVES
    else:
        method = Vote.Method.PERSON
        electorate = Vote.Electorate.MEETING if meeting is not None else Vote.Electorate.COMMUNITY
    with transaction.atomic():
        policy.require_at(actor, "draft_convention", version.scope_path)
        version = ConventionVersion.objects.select_for_update().select_related("convention").get(pk=version.pk)
        today = timezone.localtime(now).date() if now is not None else None
        if version.status != ConventionVersion.Status.COMMENTING:
            raise Conflict(_("版本须先征求意见，才能提交表决。"))
        if version.comment_until and _today(today) <= version.comment_until:
            raise Conflict(_("征求意见期尚未结束（至 %(d)s）。") % {"d": version.comment_until})
        vote = consult.vote_open(
            actor=actor,
            meeting_or_scope=meeting
            if meeting is not None
            else Division.objects.get(pk=version.convention.community_id),
            question=_("是否通过《%(t)s》（第%(n)s版）") % {"t": version.convention.title, "n": version.number},
            method=method,
            electorate=electorate,
            closes_at=closes_at,
            quorum=Vote.Quorum.HALF,
            majority=Vote.Majority.SIMPLE,
            subject=version,
            description=version.change_note,
            now=now,
        )
        return version_link_vote(actor=actor, version=version, vote=vote, today=today)


def linked_vote(version: ConventionVersion) -> Any:
    if not version.vote_ref:
        return None
    return _vote_model().objects.filter(pk=int(version.vote_ref)).first()


@transaction.atomic
def version_take_vote_result(*, actor: Any, version: ConventionVersion, today: date | None = None) -> ConventionVersion:
    """Adoption happens only when consult's vote closed and passed (with its quorum); otherwise the version is
    rejected (a new draft may follow)."""
    policy.require_at(actor, "draft_convention", version.scope_path)
    locked = ConventionVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != ConventionVersion.Status.VOTING:
        raise Conflict(_("该版本不在表决中。"))
    vote = linked_vote(locked)
    Vote = _vote_model()
    if vote is None or vote.status != Vote.Status.CLOSED:
        raise Conflict(_("表决尚未结束，不能确认结果。"), code="vote_open")
    with translation.override(OFFICIAL_LANGUAGE):  # records keep the official language whoever writes them
        summary = "{body}表决：参加 {p} 人，赞成 {y}，反对 {n}，弃权 {a}；结果：{o}".format(
            body=str(Body(locked.body_type).label) if locked.body_type else "",
            p=vote.participant_count,
            y=vote.yes_count,
            n=vote.no_count,
            a=vote.abstain_count,
            o=vote.get_outcome_display(),
        )
    locked.vote_summary = summary[:300]
    if vote.outcome == Vote.Outcome.PASSED:
        locked.status = ConventionVersion.Status.ADOPTED
        locked.adopted_on = _today(today)
        action = events.CONVENTION_ADOPTED
    else:
        locked.status = ConventionVersion.Status.REJECTED
        action = events.CONVENTION_REJECTED
    locked.save(update_fields=["vote_summary", "status", "adopted_on"])
    events.record(action, actor=actor, target=locked, after={"vote": vote.pk, "outcome": vote.outcome})
    return locked


@transaction.atomic
def filing_submit(*, actor: Any, version: ConventionVersion, today: date | None = None) -> ConventionVersion:
    """备案: the adopted version is reported to the street office (组织法第十五条)."""
    policy.require_at(actor, "draft_convention", version.scope_path)
    locked = ConventionVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != ConventionVersion.Status.ADOPTED or locked.filing not in (
        ConventionVersion.Filing.NONE,
        ConventionVersion.Filing.RETURNED,
    ):
        raise Conflict(_("只有表决通过且尚未备案的版本可以报备。"))
    locked.filing = ConventionVersion.Filing.SUBMITTED
    locked.filed_on = _today(today)
    locked.save(update_fields=["filing", "filed_on"])
    events.record(events.CONVENTION_FILED, actor=actor, target=locked, after={"on": str(locked.filed_on)})
    return locked


@transaction.atomic
def filing_review(
    *, actor: Any, version: ConventionVersion, accepted: bool, note: str, today: date | None = None
) -> ConventionVersion:
    """The street office records receipt; if the text conflicts with law it returns it with its opinion."""
    policy.require_at(actor, "review_filing", version.scope_path)
    locked = ConventionVersion.objects.select_for_update().get(pk=version.pk)
    if locked.filing != ConventionVersion.Filing.SUBMITTED:
        raise Conflict(_("该版本没有待审查的备案。"))
    if not accepted and not note.strip():
        raise ServiceError(_("提出意见时须写明理由。"), fields={"note": _("必填")})
    if locked.status == ConventionVersion.Status.IN_FORCE and not accepted:
        raise Conflict(_("该版本已公布施行，请以纠正通知要求居委会修改。"))
    locked.filing = ConventionVersion.Filing.RECEIVED if accepted else ConventionVersion.Filing.RETURNED
    locked.filing_note = note.strip()[:1000]
    locked.filing_reviewed_by = _user(actor)
    locked.filing_reviewed_on = _today(today)
    locked.save(update_fields=["filing", "filing_note", "filing_reviewed_by", "filing_reviewed_on"])
    events.record(events.CONVENTION_FILING_REVIEWED, actor=actor, target=locked, after={"filing": locked.filing})
    return locked


def version_text(version: ConventionVersion) -> str:
    """The full text as adopted: the body followed by the points rules (what a diff compares)."""
    lines = [version.body.strip()]
    rules = list(version.rules.all())
    if rules:
        lines.append("")
        lines.append("附：积分细则")
        for rule in rules:
            sign = "+" if rule.kind == PointsRule.Kind.AWARD else "-"
            lines.append(f"{rule.code} {rule.title}（{sign}{rule.points}）{rule.text}".rstrip())
    return "\n".join(lines)


@transaction.atomic
def version_publish(*, actor: Any, version: ConventionVersion, today: date | None = None) -> ConventionVersion:
    """公布施行: an adopted and filed version comes into force through the ledger's disclosure; the version in force
    before it is superseded (its rules stop applying)."""
    policy.require_at(actor, "draft_convention", version.scope_path)
    locked = (
        ConventionVersion.objects.select_for_update()
        .select_related("convention", "convention__community")
        .get(pk=version.pk)
    )
    if locked.status != ConventionVersion.Status.ADOPTED:
        raise Conflict(_("只有表决通过的版本可以公布施行。"))
    if locked.filing not in (ConventionVersion.Filing.SUBMITTED, ConventionVersion.Filing.RECEIVED):
        raise Conflict(_("须先报街道办事处备案；街道提出意见的，修改后重新表决。"), code="not_filed")
    day = _today(today)
    for old in ConventionVersion.objects.select_for_update().filter(
        convention=locked.convention, status=ConventionVersion.Status.IN_FORCE
    ):
        old.status = ConventionVersion.Status.SUPERSEDED
        old.save(update_fields=["status"])
    community = locked.convention.community
    body = "\n".join(
        [
            version_text(locked),
            "",
            str(f"表决：{locked.vote_summary}"),
            str(f"通过日期：{locked.adopted_on}；报街道办事处备案：{locked.filed_on}"),
            str(f"施行日期：{day}"),
        ]
    )
    disclosure = disclosure_publish(
        actor=actor,
        scope_path=community.path,
        scope_name=f"{community.name}居民委员会",
        category=Disclosure.Category.DECISION,
        title=f"《{locked.convention.title}》（第{locked.number}版）",
        body=body,
        source=locked,
    )
    locked.status = ConventionVersion.Status.IN_FORCE
    locked.in_force_from = day
    locked.disclosure_id = disclosure.pk
    locked.save(update_fields=["status", "in_force_from", "disclosure_id"])
    events.record(events.CONVENTION_PUBLISHED, actor=actor, target=locked, after={"disclosure": disclosure.pk})
    return locked


@transaction.atomic
def acknowledge(*, actor: Any, version: ConventionVersion) -> Acknowledgement:
    policy.require_at(actor, "acknowledge_convention", version.scope_path)
    if version.status != ConventionVersion.Status.IN_FORCE:
        raise Conflict(_("只能确认施行中的版本。"))
    existing = Acknowledgement.objects.filter(version=version, user=actor).first()
    if existing is not None:
        return existing
    ack = Acknowledgement.objects.create(version=version, scope_path=version.scope_path, user=actor)
    events.record(events.CONVENTION_ACKNOWLEDGED, actor=actor, target=ack, after={"version": version.pk})
    return ack


# ---- the points ledger (D11) ---------------------------------------------------------------------------------------


def _system_account(community: Division, kind: str) -> PointsAccount:
    account, _created = PointsAccount.objects.get_or_create(
        community=community, kind=kind, defaults={"scope_path": community.path}
    )
    return account


def _holder_account(holder: Resident | Household, field: str, kind: str) -> PointsAccount:
    """The points account of a resident or a household, created on first use (a concurrent first use wins once)."""
    try:
        with transaction.atomic():
            account, _created = PointsAccount.objects.get_or_create(
                **{field: holder},
                defaults={"community_id": holder.community_id, "scope_path": holder.scope_path[:12], "kind": kind},
            )
    except IntegrityError:
        account = PointsAccount.objects.get(**{field: holder})
    return account


def account_of_resident(resident: Resident) -> PointsAccount:
    return _holder_account(resident, "resident", PointsAccount.Kind.RESIDENT)


def account_of_household(household: Household) -> PointsAccount:
    return _holder_account(household, "household", PointsAccount.Kind.HOUSEHOLD)


def balance(account: PointsAccount) -> int:
    """Always derived: the sum of the account's entries (there is no stored balance to edit)."""
    total = account.entries.aggregate(total=Sum("amount"))["total"]
    return int(total or 0)


@dataclass(frozen=True)
class Leg:
    account: PointsAccount
    amount: int


def _post(
    *,
    actor: Any,
    kind: str,
    community: Division,
    legs: Sequence[Leg],
    basis: str,
    rule: PointsRule | None = None,
    note: str = "",
    occurred_on: date | None = None,
    reverses: PointsTransaction | None = None,
) -> PointsTransaction:
    """Write one balanced transaction: at least two legs, none zero, summing to zero (double entry)."""
    if len(legs) < 2 or any(leg.amount == 0 for leg in legs) or sum(leg.amount for leg in legs) != 0:
        raise ValueError("a points transaction needs two or more non-zero legs that sum to zero")
    tx = PointsTransaction.objects.create(
        community=community,
        scope_path=community.path,
        kind=kind,
        rule=rule,
        basis=basis[:300],
        recorder=_user(actor),
        occurred_on=_today(occurred_on),
        note=note.strip()[:500],
        reverses=reverses,
    )
    PointsEntry.objects.bulk_create(
        [PointsEntry(transaction=tx, account=leg.account, amount=leg.amount) for leg in legs]
    )
    events.record(
        events.POINTS_POSTED,
        actor=actor,
        target=tx,
        after={
            "kind": kind,
            "rule": rule.code if rule else "",
            "basis": basis[:300],
            "legs": [[leg.account.pk, leg.amount] for leg in legs],
        },
    )
    return tx


def rule_basis(rule: PointsRule) -> str:
    version = rule.version
    return f"《{version.convention.title}》第{version.number}版 {rule.code} {rule.title}"


def _check_rule_in_force(rule: PointsRule) -> None:
    """D11: only a rule of the version in force may be applied; draft, rejected and superseded versions are refused."""
    version = rule.version
    if version.status != ConventionVersion.Status.IN_FORCE:
        raise Conflict(
            _("规则“%(code)s”所属的《%(title)s》第%(n)s版不是施行中的公约（%(status)s），不能据此加分或扣分。")
            % {
                "code": rule.code,
                "title": version.convention.title,
                "n": version.number,
                "status": version.get_status_display(),
            },
            code="rule_not_in_force",
            fields={"rule": _("规则不在施行中的公约内")},
        )


def _target_account(*, rule: PointsRule, resident: Resident | None, household: Household | None) -> PointsAccount:
    community_id = rule.version.convention.community_id
    if (resident is None) == (household is None):
        raise ServiceError(_("请选择一位居民或一户家庭。"), fields={"resident": _("必选其一")})
    if resident is not None:
        if resident.community_id != community_id:
            raise ServiceError(_("该居民不在公约所属社区。"), fields={"resident": _("不在本社区")})
        return account_of_resident(resident)
    assert household is not None
    if household.community_id != community_id:
        raise ServiceError(_("该户不在公约所属社区。"), fields={"household": _("不在本社区")})
    return account_of_household(household)


@transaction.atomic
def points_apply(
    *,
    actor: Any,
    rule: PointsRule,
    resident: Resident | None = None,
    household: Household | None = None,
    note: str = "",
    occurred_on: date | None = None,
) -> PointsTransaction:
    """D11 守规奖励和违规约束: award or deduct by a rule of the convention in force; the entry cites the rule and the
    recorder. A deduction touches points only."""
    policy.require_at(actor, "manage_points", rule.scope_path)
    rule = PointsRule.objects.select_related("version", "version__convention").get(pk=rule.pk)
    _check_rule_in_force(rule)
    if not note.strip():
        raise ServiceError(_("请写明事实经过。"), fields={"note": _("必填")})
    target = _target_account(rule=rule, resident=resident, household=household)
    community = rule.version.convention.community
    issuance = _system_account(community, PointsAccount.Kind.ISSUANCE)
    sign = 1 if rule.kind == PointsRule.Kind.AWARD else -1
    return _post(
        actor=actor,
        kind=PointsTransaction.Kind.AWARD if sign > 0 else PointsTransaction.Kind.DEDUCTION,
        community=community,
        legs=[Leg(target, sign * rule.points), Leg(issuance, -sign * rule.points)],
        basis=rule_basis(rule),
        rule=rule,
        note=note,
        occurred_on=occurred_on,
    )


def _reverse(*, actor: Any, tx: PointsTransaction, basis: str, note: str) -> PointsTransaction:
    if PointsTransaction.objects.filter(reverses=tx).exists():
        raise Conflict(_("该交易已冲正。"), code="already_reversed")
    legs = [Leg(entry.account, -entry.amount) for entry in tx.entries.select_related("account")]
    community = Division.objects.get(pk=tx.community_id)
    return _post(
        actor=actor,
        kind=PointsTransaction.Kind.REVERSAL,
        community=community,
        legs=legs,
        basis=basis,
        rule=tx.rule,
        note=note,
        reverses=tx,
    )


def _owner_of(account: PointsAccount) -> set[int]:
    """Accounts (user ids) that may act for a points account: the resident, or a household's head and members."""
    if account.resident_id:
        return {
            uid for uid in Resident.objects.filter(pk=account.resident_id).values_list("account_id", flat=True) if uid
        }
    if account.household_id:
        return {
            uid
            for uid in Resident.objects.filter(household_id=account.household_id).values_list("account_id", flat=True)
            if uid
        }
    return set()


@transaction.atomic
def objection_file(
    *, actor: Any, deduction: PointsTransaction, reason: str, today: date | None = None
) -> PointsObjection:
    """异议: the resident (or a member of the household) contests a deduction; review is due within
    OBJECTION_REVIEW_WORKING_DAYS working days."""
    deduction = PointsTransaction.objects.select_for_update().get(pk=deduction.pk)
    if deduction.kind != PointsTransaction.Kind.DEDUCTION:
        raise ServiceError(_("只能对扣分提出异议。"))
    accounts = [e.account for e in deduction.entries.select_related("account") if e.amount < 0]
    owners = set().union(*(_owner_of(a) for a in accounts)) if accounts else set()
    if getattr(actor, "pk", None) not in owners:
        raise NotFound(_("未找到该记录，或您无权查看。"))
    if PointsTransaction.objects.filter(reverses=deduction).exists():
        raise Conflict(_("该扣分已冲正。"))
    if deduction.objections.filter(status=PointsObjection.Status.OPEN).exists():
        raise Conflict(_("该扣分已有待复核的异议。"), code="objection_open")
    day = _today(today)
    # A resident is never refused for a gap in the working calendar: a provisional deadline (暂定期限) instead.
    found = WorkingCalendar().deadline(day, OBJECTION_REVIEW_WORKING_DAYS, provisional_ok=True)
    objection = PointsObjection.objects.create(
        deduction=deduction,
        scope_path=deduction.scope_path,
        filed_by=actor,
        reason=_text(reason, "reason", _("异议理由"), 2000),
        filed_on=day,
        due_on=found.day,
        due_provisional=found.provisional,
    )
    events.record(
        events.OBJECTION_FILED,
        actor=actor,
        target=objection,
        after={"due_on": str(objection.due_on), "provisional": found.provisional},
    )
    return objection


def objection_deadlines_recompute(*, actor: Any = SYSTEM) -> int:
    """Provisional review deadlines under the working calendar as it now stands (run on every calendar change, in its
    transaction, and daily); returns how many changed. Unchanged ones are left alone."""

    def record(item: PointsObjection, previous: date, found: Deadline) -> None:
        events.record(
            events.OBJECTION_DUE_RECOMPUTED,
            actor=actor,
            target=item,
            before={"due_on": str(previous)},
            after={"due_on": str(found.day), "provisional": found.provisional},
        )

    return recompute_provisional(
        PointsObjection.objects.all(),
        start=lambda item: item.filed_on,
        days=OBJECTION_REVIEW_WORKING_DAYS,
        record=record,
    )


def provisional_waiting(year: int) -> int:
    """Objections and inquiries whose provisional deadline falls in `year` (the administrator's reminder)."""
    objections = PointsObjection.objects.filter(due_provisional=True, due_on__year=year).count()
    return objections + Inquiry.objects.filter(due_provisional=True, due_on__year=year).count()


@transaction.atomic
def objection_decide(
    *, actor: Any, objection: PointsObjection, upheld: bool, decision: str, today: date | None = None
) -> PointsObjection:
    """复核: an upheld objection reverses the deduction with a compensating transaction; the deduction stays in the
    ledger, so the history is complete."""
    policy.require_at(actor, "review_objection", objection.scope_path)
    locked = PointsObjection.objects.select_for_update().get(pk=objection.pk)
    if locked.status != PointsObjection.Status.OPEN:
        raise Conflict(_("该异议已复核。"), code="already_decided")
    decision = _text(decision, "decision", _("复核意见"), 2000)
    locked.status = PointsObjection.Status.UPHELD if upheld else PointsObjection.Status.DISMISSED
    locked.reviewer = _user(actor)
    locked.decision = decision
    locked.decided_on = _today(today)
    locked.save(update_fields=["status", "reviewer", "decision", "decided_on"])
    if upheld:
        deduction = PointsTransaction.objects.select_related("rule").get(pk=locked.deduction_id)
        _reverse(actor=actor, tx=deduction, basis=f"异议成立，冲正扣分 #{deduction.pk}", note=decision)
    events.record(events.OBJECTION_DECIDED, actor=actor, target=locked, after={"status": locked.status})
    return locked


@transaction.atomic
def catalogue_save(
    *,
    actor: Any,
    community: Division,
    name: str,
    cost: int,
    funding_source: str,
    stock: int,
    item: RedemptionItem | None = None,
    is_active: bool = True,
) -> RedemptionItem:
    """兑换目录: every item names who pays for it (社区慈善基金, 共建单位, 商家…)."""
    _community(community)
    policy.require_at(actor, "manage_catalogue", community.path)
    name = _text(name, "name", _("兑换物品/服务"), 120)
    funding = (funding_source or "").strip()
    if len(funding) < 4 or len(funding) > 200:
        raise ServiceError(
            _("须写明兑换的资金来源（如社区慈善基金、共建单位捐赠），账目要公开。"),
            fields={"funding_source": _("请写明资金来源")},
        )
    if not isinstance(cost, int) or cost < 1:
        raise ServiceError(_("所需积分应为正整数。"), fields={"cost": _("正整数")})
    if not isinstance(stock, int) or stock < 0:
        raise ServiceError(_("库存不能为负数。"), fields={"stock": _("不能为负")})
    if item is None:
        item = RedemptionItem(community=community, scope_path=community.path)
    elif item.community_id != community.pk:
        raise NotFound(_("未找到该记录，或您无权查看。"))
    item.name, item.cost, item.funding_source, item.stock, item.is_active = name, cost, funding, stock, is_active
    item.save()
    events.record(
        events.CATALOGUE_SAVED, actor=actor, target=item, after={"name": name, "cost": cost, "funding": funding}
    )
    return item


@transaction.atomic
def redeem(*, actor: Any, item: RedemptionItem, account: PointsAccount | None = None) -> Redemption:
    """兑换: the resident's account row and the item row are locked, so two redemptions at once can never spend the
    same points twice or take the last item twice; the balance never goes below zero."""
    if account is None:
        account = account_of_resident(my_resident(actor))
    locked_account = PointsAccount.objects.select_for_update().get(pk=account.pk)
    if actor is not SYSTEM and getattr(actor, "pk", None) not in _owner_of(locked_account):
        raise NotFound(_("未找到该记录，或您无权查看。"))
    locked_item = RedemptionItem.objects.select_for_update().get(pk=item.pk)
    if not locked_item.is_active or locked_item.community_id != locked_account.community_id:
        raise NotFound(_("未找到该记录，或您无权查看。"))
    if locked_item.stock < 1:
        raise Conflict(_("该项目已兑完。"), code="out_of_stock")
    have = balance(locked_account)
    if have < locked_item.cost:
        raise Conflict(
            _("积分不足：需要 %(need)s 分，当前 %(have)s 分。") % {"need": locked_item.cost, "have": have},
            code="insufficient_points",
        )
    community = Division.objects.get(pk=locked_account.community_id)
    sink = _system_account(community, PointsAccount.Kind.REDEMPTION)
    tx = _post(
        actor=actor,
        kind=PointsTransaction.Kind.REDEMPTION,
        community=community,
        legs=[Leg(locked_account, -locked_item.cost), Leg(sink, locked_item.cost)],
        basis=f"兑换“{locked_item.name}”（资金来源：{locked_item.funding_source}）",
    )
    locked_item.stock -= 1
    locked_item.save(update_fields=["stock"])
    return Redemption.objects.create(item=locked_item, transaction=tx, scope_path=locked_account.scope_path)


@transaction.atomic
def transfer(
    *, actor: Any, source: PointsAccount, target: PointsAccount, amount: int, note: str = ""
) -> PointsTransaction:
    """户内转赠: points move only within one household (between its members and the household account)."""
    if not isinstance(amount, int) or amount < 1:
        raise ServiceError(_("转赠分值应为正整数。"), fields={"amount": _("正整数")})
    if source.pk == target.pk:
        raise ServiceError(_("转出和转入账户不能相同。"))
    first, second = sorted([source.pk, target.pk])
    locked = {a.pk: a for a in PointsAccount.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk")}
    src, dst = locked[source.pk], locked[target.pk]
    if getattr(actor, "pk", None) not in _owner_of(src):
        raise NotFound(_("未找到该记录，或您无权查看。"))

    def household_of(account: PointsAccount) -> int | None:
        if account.household_id:
            return account.household_id
        if account.resident_id:
            return Resident.objects.filter(pk=account.resident_id).values_list("household_id", flat=True).first()
        return None

    if household_of(src) is None or household_of(src) != household_of(dst):
        raise Forbidden(_("积分只能在同一户的家庭成员之间转赠。"))
    have = balance(src)
    if have < amount:
        raise Conflict(_("积分不足：当前 %(have)s 分。") % {"have": have}, code="insufficient_points")
    community = Division.objects.get(pk=src.community_id)
    return _post(
        actor=actor,
        kind=PointsTransaction.Kind.TRANSFER,
        community=community,
        legs=[Leg(src, -amount), Leg(dst, amount)],
        basis="户内转赠",
        note=note,
    )


def expirable(account: PointsAccount, *, as_of: date) -> int:
    """Points older than the validity period that are still unspent (oldest spent first): the balance minus what was
    credited within the period, never below zero."""
    cutoff = as_of - timedelta(days=POINTS_VALID_MONTHS * 365 // 12)
    recent = account.entries.filter(amount__gt=0, transaction__occurred_on__gt=cutoff).aggregate(t=Sum("amount"))["t"]
    return max(0, balance(account) - int(recent or 0))


def points_expire(*, today: date | None = None, accounts: Iterable[PointsAccount] | None = None) -> int:
    """Periodic 到期清零: every holder account's points older than a year expire into the community's expiry
    account. Idempotent (a second run finds nothing left to expire)."""
    day = _today(today)
    count = 0
    holders = (
        accounts
        if accounts is not None
        else PointsAccount.objects.filter(
            kind__in=[PointsAccount.Kind.RESIDENT, PointsAccount.Kind.HOUSEHOLD]
        ).iterator()
    )
    for account in holders:
        with transaction.atomic():
            locked = PointsAccount.objects.select_for_update().get(pk=account.pk)
            amount = expirable(locked, as_of=day)
            if amount <= 0:
                continue
            community = Division.objects.get(pk=locked.community_id)
            _post(
                actor=SYSTEM,
                kind=PointsTransaction.Kind.EXPIRY,
                community=community,
                legs=[Leg(locked, -amount), Leg(_system_account(community, PointsAccount.Kind.EXPIRY), amount)],
                basis=f"积分有效期 {POINTS_VALID_MONTHS} 个月，到期清零",
                occurred_on=day,
            )
            count += 1
    return count


# ---- supervision committee (R5.3) ----------------------------------------------------------------------------------

CLOSE_HOUSEHOLD_RELATIONS = {
    Relation.HEAD,
    Relation.SPOUSE,
    Relation.CHILD,
    Relation.PARENT,
    Relation.GRANDCHILD,
    Relation.SIBLING,
}


def committee_members(community: Division, *, on: date) -> list[tuple[Any, Resident | None]]:
    """Members of the residents' committee on a day: accounts holding the community-worker role at the community
    (or in its residents' committee unit), with their resident records where linked."""
    assignments = (
        RoleAssignment.objects.active_on(on)
        .filter(role=Role.COMMUNITY_WORKER)
        .filter(Q(division=community) | Q(unit__kind=Unit.Kind.RESIDENTS_COMMITTEE, unit__division=community))
        .select_related("user")
    )
    users = {a.user_id: a.user for a in assignments}
    records = {r.account_id: r for r in Resident.objects.filter(account_id__in=list(users))}
    return [(user, records.get(uid)) for uid, user in users.items()]


def close_relatives(person: Resident) -> set[int]:
    """Resident ids of `person`'s close relatives (近亲属) known to the platform: members of the same household in a
    family relation (the register's relations to the head), and ties declared in either direction."""
    ids: set[int] = set()
    if person.household_id and person.relation in CLOSE_HOUSEHOLD_RELATIONS:
        ids |= set(
            Resident.objects.filter(household_id=person.household_id, relation__in=CLOSE_HOUSEHOLD_RELATIONS)
            .exclude(pk=person.pk)
            .values_list("pk", flat=True)
        )
    ids |= set(DeclaredRelative.objects.filter(person=person).values_list("relative_id", flat=True))
    ids |= set(DeclaredRelative.objects.filter(relative=person).values_list("person_id", flat=True))
    return ids


def supervision_conflict(resident: Resident, community: Division, *, on: date) -> str | None:
    """R5.3: residents' committee members and their close relatives may not serve on the supervision committee."""
    members = committee_members(community, on=on)
    if resident.account_id and any(user.pk == resident.account_id for user, _record in members):
        return str(_("%(name)s 是本社区居民委员会成员，不得兼任居务监督委员会成员。") % {"name": resident.name})
    relatives = close_relatives(resident)
    for user, record in members:
        if record is not None and record.pk in relatives:
            return str(
                _("%(name)s 是居民委员会成员 %(member)s 的近亲属，不得担任居务监督委员会成员。")
                % {"name": resident.name, "member": record.name or str(user)}
            )
    return None


@transaction.atomic
def relative_declare(*, actor: Any, person: Resident, relative: Resident, kind: str) -> DeclaredRelative:
    community = Division.objects.get(pk=person.community_id)
    policy.require_at(actor, "record_election", community.path)
    if kind not in DeclaredRelative.Kind.values:
        raise ServiceError(_("关系无效。"), fields={"kind": _("请选择")})
    if person.pk == relative.pk:
        raise ServiceError(_("不能申报与本人的关系。"))
    tie, _created = DeclaredRelative.objects.get_or_create(
        person=person,
        relative=relative,
        defaults={"community": community, "scope_path": community.path, "kind": kind, "declared_by": _user(actor)},
    )
    events.record(events.RELATIVE_DECLARED, actor=actor, target=tie, after={"kind": kind})
    return tie


@dataclass(frozen=True)
class Candidate:
    resident: Resident
    position: str = SupervisionMember.Position.MEMBER
    votes: int | None = None


@transaction.atomic
def election_record(
    *,
    actor: Any,
    community: Division,
    body: str,
    held_on: date,
    term_start: date,
    term_end: date,
    minutes: str,
    members: Sequence[Candidate],
    vote: Any = None,
) -> SupervisionElection:
    """R5.3: the 居民会议 or 居民代表会议 elects the 居务监督委员会 for a term. Every member is checked against the
    conflict rule; elected members with an account receive the supervision role at the community for the term."""
    _community(community)
    policy.require_at(actor, "record_election", community.path)
    errors: dict[str, str] = {}
    if body not in Body.values:
        errors["body"] = _("请选择")
    if term_end <= term_start:
        errors["term_end"] = _("任期届满日期应晚于开始日期")
    if not 1 <= len(members) <= 7:
        errors["members"] = _("成员应为 1 到 7 人（一般 3 到 5 人）")
    if errors:
        raise ServiceError(_("选举记录填写有误。"), fields=errors)
    seen: set[int] = set()
    for candidate in members:
        if candidate.resident.community_id != community.pk:
            raise ServiceError(
                _("%(name)s 不是本社区居民。") % {"name": candidate.resident.name},
                fields={"members": _("不是本社区居民")},
            )
        if candidate.resident.pk in seen:
            raise ServiceError(_("成员重复。"), fields={"members": _("重复")})
        seen.add(candidate.resident.pk)
        conflict = supervision_conflict(candidate.resident, community, on=term_start) or supervision_conflict(
            candidate.resident, community, on=timezone.localdate()
        )
        if conflict:
            raise ServiceError(conflict, code="supervision_conflict", fields={"members": conflict})
    election = SupervisionElection.objects.create(
        community=community,
        scope_path=community.path,
        body=body,
        held_on=held_on,
        term_start=term_start,
        term_end=term_end,
        minutes=_text(minutes, "minutes", _("选举记录"), 4000),
        vote_ref=str(vote.pk) if vote is not None else "",
        recorded_by=_user(actor),
    )
    from gongzhi.people.services import role_assign

    for candidate in members:
        SupervisionMember.objects.create(
            election=election,
            community=community,
            scope_path=community.path,
            resident=candidate.resident,
            account_id=candidate.resident.account_id,
            position=candidate.position,
            votes=candidate.votes,
            term_start=term_start,
            term_end=term_end,
        )
        user = candidate.resident.account
        if (
            user is not None
            and not RoleAssignment.objects.filter(
                user=user, role=Role.SUPERVISION_MEMBER, division=community, starts_on=term_start
            ).exists()
        ):
            # The election is the authority for this grant: the role ends with the term.
            role_assign(
                actor=SYSTEM,
                user=user,
                role=Role.SUPERVISION_MEMBER,
                division=community,
                starts_on=term_start,
                ends_on=term_end,
            )
    events.record(
        events.ELECTION_RECORDED,
        actor=actor,
        target=election,
        after={"members": [c.resident.pk for c in members], "term": [str(term_start), str(term_end)]},
    )
    return election


@transaction.atomic
def finance_record(
    *,
    actor: Any,
    community: Division,
    occurred_on: date,
    direction: str,
    amount_yuan: Any,
    purpose: str,
    counterparty: str = "",
    voucher_no: str = "",
) -> FinanceRecord:
    """居务收支: what the residents' committee received and spent, open to the supervision committee."""
    from decimal import Decimal, InvalidOperation

    _community(community)
    policy.require_at(actor, "record_finance", community.path)
    if direction not in FinanceRecord.Direction.values:
        raise ServiceError(_("请选择收入或支出。"), fields={"direction": _("请选择")})
    try:
        amount = Decimal(str(amount_yuan))
    except InvalidOperation as exc:
        raise ServiceError(_("金额无效。"), fields={"amount_yuan": _("金额无效")}) from exc
    if amount <= 0 or amount >= Decimal("10000000000"):
        raise ServiceError(_("金额应大于零。"), fields={"amount_yuan": _("应大于零")})
    record = FinanceRecord.objects.create(
        community=community,
        scope_path=community.path,
        occurred_on=occurred_on,
        direction=direction,
        amount_yuan=amount.quantize(Decimal("0.01")),
        purpose=_text(purpose, "purpose", _("事由"), 200),
        counterparty=counterparty.strip()[:120],
        voucher_no=voucher_no.strip()[:40],
        recorded_by=_user(actor),
    )
    events.record(events.FINANCE_RECORDED, actor=actor, target=record, after={"amount": str(amount), "dir": direction})
    return record


@transaction.atomic
def request_file(*, actor: Any, subject: str, details: str, today: date | None = None) -> SupervisionRequest:
    """居民参与监督: a resident asks the supervision committee to look into something."""
    community = home_community(actor, "request_supervision")
    request = SupervisionRequest.objects.create(
        community=community,
        scope_path=community.path,
        filed_by=actor,
        subject=_text(subject, "subject", _("事项"), 200),
        details=_text(details, "details", _("具体情况"), 4000),
        filed_on=_today(today),
    )
    events.record(events.REQUEST_FILED, actor=actor, target=request, after={"subject": request.subject})
    return request


@transaction.atomic
def request_handle(
    *,
    actor: Any,
    request: SupervisionRequest,
    accept: bool,
    response: str,
    area: str = SupervisionItem.Area.OTHER,
    today: date | None = None,
) -> SupervisionRequest:
    policy.require_at(actor, "supervise", request.scope_path)
    locked = SupervisionRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != SupervisionRequest.Status.OPEN:
        raise Conflict(_("该申请已处理。"))
    locked.response = _text(response, "response", _("答复"), 2000)
    locked.status = SupervisionRequest.Status.ACCEPTED if accept else SupervisionRequest.Status.DECLINED
    locked.save(update_fields=["response", "status"])
    if accept:
        item_open(
            actor=actor,
            community=Division.objects.get(pk=locked.community_id),
            area=area,
            title=locked.subject,
            description=locked.details,
            request=locked,
            today=today,
        )
    events.record(events.REQUEST_HANDLED, actor=actor, target=locked, after={"status": locked.status})
    return locked


@transaction.atomic
def item_open(
    *,
    actor: Any,
    community: Division,
    area: str,
    title: str,
    description: str,
    request: SupervisionRequest | None = None,
    today: date | None = None,
) -> SupervisionItem:
    _community(community)
    policy.require_at(actor, "supervise", community.path)
    if area not in SupervisionItem.Area.values:
        raise ServiceError(_("请选择监督内容。"), fields={"area": _("请选择")})
    item = SupervisionItem.objects.create(
        community=community,
        scope_path=community.path,
        area=area,
        title=_text(title, "title", _("事项"), 200),
        description=_text(description, "description", _("说明"), 4000),
        request=request,
        opened_by=actor,
        opened_on=_today(today),
    )
    events.record(events.ITEM_OPENED, actor=actor, target=item, after={"title": item.title, "area": area})
    return item


def published_finding_text(item: SupervisionItem, finding: Finding) -> str:
    """The published text, always in the official language (the bytes become a ledger leaf)."""
    with translation.override(OFFICIAL_LANGUAGE):
        return f"{item.get_area_display()}｜{finding.get_conclusion_display()}\n\n{finding.text}"


@transaction.atomic
def finding_record(
    *, actor: Any, item: SupervisionItem, conclusion: str, text: str, today: date | None = None
) -> Finding:
    """监督意见: recorded and published for everyone through the ledger (居务公开)."""
    policy.require_at(actor, "supervise", item.scope_path)
    locked = SupervisionItem.objects.select_for_update().select_related("community").get(pk=item.pk)
    if conclusion not in Finding.Conclusion.values:
        raise ServiceError(_("请选择结论。"), fields={"conclusion": _("请选择")})
    finding = Finding.objects.create(
        item=locked,
        scope_path=locked.scope_path,
        conclusion=conclusion,
        text=_text(text, "text", _("监督意见"), 8000),
        recorded_by=actor,
        recorded_on=_today(today),
    )
    community = locked.community
    disclosure = disclosure_publish(
        actor=actor,
        scope_path=community.path,
        scope_name=f"{community.name}居务监督委员会",
        category=Disclosure.Category.NOTICE,
        title=f"居务监督意见：{locked.title}",
        body=published_finding_text(locked, finding),
        source=finding,
    )
    finding.disclosure_id = disclosure.pk
    finding.save(update_fields=["disclosure_id"])
    locked.status = SupervisionItem.Status.CONCLUDED
    locked.save(update_fields=["status"])
    events.record(events.FINDING_RECORDED, actor=actor, target=finding, after={"conclusion": conclusion})
    return finding


@transaction.atomic
def inquiry_ask(
    *,
    actor: Any,
    community: Division,
    question: str,
    working_days: int = INQUIRY_REPLY_WORKING_DAYS,
    item: SupervisionItem | None = None,
    today: date | None = None,
) -> Inquiry:
    """询问: the committee asks the residents' committee, which must reply within `working_days` working days."""
    _community(community)
    policy.require_at(actor, "supervise", community.path)
    if item is not None and item.community_id != community.pk:
        raise NotFound(_("未找到该记录，或您无权查看。"))
    if not 1 <= working_days <= 30:
        raise ServiceError(_("答复期限应为 1 到 30 个工作日。"), fields={"working_days": _("1–30")})
    day = _today(today)
    # Supervision is never held up by a gap in the working calendar: a provisional deadline (暂定期限) instead.
    found = WorkingCalendar().deadline(day, working_days, provisional_ok=True)
    inquiry = Inquiry.objects.create(
        community=community,
        scope_path=community.path,
        item=item,
        question=_text(question, "question", _("询问内容"), 4000),
        asked_by=actor,
        asked_on=day,
        due_on=found.day,
        due_provisional=found.provisional,
        due_working_days=working_days if found.provisional else None,
    )
    events.record(
        events.INQUIRY_ASKED,
        actor=actor,
        target=inquiry,
        after={"due_on": str(inquiry.due_on), "provisional": found.provisional},
    )
    return inquiry


def inquiry_deadlines_recompute(*, actor: Any = SYSTEM, today: date | None = None) -> int:
    """Provisional reply deadlines under the working calendar as it now stands (on every calendar change, in its
    transaction, and daily); the overdue flag follows the recomputed date. Returns how many changed."""
    calendar, changed, day = WorkingCalendar(), 0, _today(today)
    with transaction.atomic():
        for item in Inquiry.objects.select_for_update().filter(due_provisional=True).order_by("pk"):
            found = calendar.deadline(item.asked_on, int(item.due_working_days or 0), provisional_ok=True)
            if found.day == item.due_on and found.provisional:
                continue
            before = {"due_on": str(item.due_on), "overdue": item.overdue}
            item.due_on, item.due_provisional = found.day, found.provisional
            if item.answered_on is not None:
                item.overdue = item.answered_on > item.due_on
            elif item.overdue and item.due_on >= day:
                item.overdue = False
            item.save(update_fields=["due_on", "due_provisional", "overdue"])
            events.record(
                events.INQUIRY_DUE_RECOMPUTED,
                actor=actor,
                target=item,
                before=before,
                after={"due_on": str(found.day), "provisional": found.provisional, "overdue": item.overdue},
            )
            changed += 1
    return changed


@transaction.atomic
def inquiry_answer(*, actor: Any, inquiry: Inquiry, answer: str, today: date | None = None) -> Inquiry:
    """The residents' committee answers; an answer after the deadline keeps (or gets) the overdue flag."""
    policy.require_at(actor, "answer_inquiry", inquiry.scope_path)
    locked = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if locked.status != Inquiry.Status.OPEN:
        raise Conflict(_("该询问已答复。"), code="already_answered")
    day = _today(today)
    locked.answer = _text(answer, "answer", _("答复"), 4000)
    locked.answered_by = _user(actor)
    locked.answered_on = day
    locked.status = Inquiry.Status.ANSWERED
    if day > locked.due_on:
        locked.overdue = True
    locked.save(update_fields=["answer", "answered_by", "answered_on", "status", "overdue"])
    events.record(events.INQUIRY_ANSWERED, actor=actor, target=locked, after={"on": str(day), "late": locked.overdue})
    return locked


def inquiries_mark_overdue(*, today: date | None = None) -> int:
    """Periodic: open inquiries past their deadline are flagged overdue (idempotent)."""
    day = _today(today)
    count = 0
    # A provisional date (暂定期限) may fall before the real one: flagged only once the calendar makes it final.
    pending = Inquiry.objects.filter(status=Inquiry.Status.OPEN, overdue=False, due_provisional=False, due_on__lt=day)
    for inquiry in pending.iterator():
        with transaction.atomic():
            updated = Inquiry.objects.filter(pk=inquiry.pk, overdue=False).update(overdue=True)
            if updated:
                events.record(
                    events.INQUIRY_OVERDUE, actor=SYSTEM, target=inquiry, after={"due_on": str(inquiry.due_on)}
                )
                count += 1
    return count


def residents_committee_of(community: Division) -> Unit:
    unit = Unit.objects.filter(division=community, kind=Unit.Kind.RESIDENTS_COMMITTEE, is_active=True).first()
    if unit is None:
        raise ServiceError(_("该社区没有登记居民委员会。"))
    return unit


@transaction.atomic
def correction_from_finding(
    *, actor: Any, finding: Finding, issuer: str, requirement: str, working_days: int, today: date | None = None
) -> Any:
    """R20.3: a finding that the residents' committee failed its duties becomes a correction — recorded for the
    居民会议 or ordered by the street office — through duties' one correction mechanism."""
    from gongzhi.duties import services as duties

    policy.require_at(actor, "order_correction", finding.scope_path)
    locked = Finding.objects.select_for_update().select_related("item", "item__community").get(pk=finding.pk)
    if locked.conclusion != Finding.Conclusion.ISSUE:
        raise Conflict(_("只有发现问题的监督意见才能提出纠正。"))
    if locked.correction_order_id:
        raise Conflict(_("该监督意见已提出纠正。"))
    order = duties.correction_issue(
        actor=actor,
        target_unit=residents_committee_of(locked.item.community),
        issuer=issuer,
        subject=f"居务监督意见：{locked.item.title}"[:200],
        requirement=requirement,
        working_days=working_days,
        basis="《德阳市社区治理条例》居民委员会不依法履职的纠正（R20.3）",
        source=locked,
        today=today,
    )
    locked.correction_order_id = order.pk
    locked.save(update_fields=["correction_order_id"])
    return order


# ---- culture and 文明家庭 (R7.1, R7.2) -----------------------------------------------------------------------------


@transaction.atomic
def activity_create(
    *,
    actor: Any,
    community: Division,
    kind: str,
    title: str,
    description: str,
    place: str,
    starts_at: Any,
    capacity: int,
) -> Activity:
    """R7.1/R7.2: a cultural activity; its sign-up and attendance run on consult's gathering (one mechanism)."""
    from gongzhi.consult import services as consult

    _community(community)
    policy.require_at(actor, "manage_culture", community.path)
    if kind not in Activity.Kind.values:
        raise ServiceError(_("请选择活动类型。"), fields={"kind": _("请选择")})
    if not isinstance(capacity, int) or not 1 <= capacity <= 5000:
        raise ServiceError(_("名额应为 1 到 5000。"), fields={"capacity": _("1–5000")})
    activity = Activity.objects.create(
        community=community,
        scope_path=community.path,
        kind=kind,
        title=_text(title, "title", _("活动名称"), 120),
        description=_text(description, "description", _("活动内容"), 4000),
        place=_text(place, "place", _("地点"), 120),
        starts_at=starts_at,
        capacity=capacity,
        created_by=actor,
    )
    gathering = consult.gathering_create(
        actor=actor,
        community=community,
        kind="legal_education" if kind == Activity.Kind.LEGAL else "activity",
        title=activity.title,
        place=activity.place,
        starts_at=starts_at,
        capacity=capacity,
        subject=activity,
    )
    activity.registration_ref = str(gathering.pk)
    activity.save(update_fields=["registration_ref"])
    events.record(events.ACTIVITY_CREATED, actor=actor, target=activity, after={"title": activity.title})
    return activity


def _selection_event(actor: Any, selection: FamilySelection, **after: Any) -> None:
    events.record(events.SELECTION_CHANGED, actor=actor, target=selection, after={"status": selection.status, **after})


@transaction.atomic
def selection_create(*, actor: Any, community: Division, year: int, title: str, criteria: str) -> FamilySelection:
    _community(community)
    policy.require_at(actor, "manage_culture", community.path)
    if FamilySelection.objects.filter(community=community, year=year).exists():
        raise Conflict(_("本年度的评选已经发起。"), fields={"year": _("已存在")})
    selection = FamilySelection.objects.create(
        community=community,
        scope_path=community.path,
        year=year,
        title=_text(title, "title", _("名称"), 120),
        criteria=_text(criteria, "criteria", _("评选标准"), 4000),
        created_by=actor,
    )
    _selection_event(actor, selection, year=year)
    return selection


@transaction.atomic
def nominate(
    *, actor: Any, selection: FamilySelection, household: Household, family_name: str, deeds: str
) -> FamilyNomination:
    policy.require_at(actor, "nominate_family", selection.scope_path)
    locked = FamilySelection.objects.select_for_update().get(pk=selection.pk)
    if locked.status != FamilySelection.Status.NOMINATING:
        raise Conflict(_("推荐阶段已结束。"))
    if household.community_id != locked.community_id:
        raise ServiceError(_("该户不在本社区。"), fields={"household": _("不在本社区")})
    if locked.nominations.filter(household=household).exists():
        raise Conflict(_("该家庭已被推荐。"), fields={"household": _("已推荐")})
    nomination = FamilyNomination.objects.create(
        selection=locked,
        scope_path=locked.scope_path,
        household=household,
        family_name=_text(family_name, "family_name", _("家庭名称"), 60),
        deeds=_text(deeds, "deeds", _("主要事迹"), 4000),
        nominated_by=actor,
    )
    events.record(events.NOMINATION_CHANGED, actor=actor, target=nomination, after={"status": nomination.status})
    return nomination


@transaction.atomic
def selection_close_nominations(*, actor: Any, selection: FamilySelection) -> FamilySelection:
    policy.require_at(actor, "manage_culture", selection.scope_path)
    locked = FamilySelection.objects.select_for_update().get(pk=selection.pk)
    if locked.status != FamilySelection.Status.NOMINATING:
        raise Conflict(_("推荐阶段已结束。"))
    if not locked.nominations.exists():
        raise Conflict(_("还没有推荐的家庭。"))
    locked.status = FamilySelection.Status.REVIEWING
    locked.save(update_fields=["status"])
    _selection_event(actor, locked)
    return locked


@transaction.atomic
def nomination_review(*, actor: Any, nomination: FamilyNomination, shortlist: bool, note: str) -> FamilyNomination:
    policy.require_at(actor, "manage_culture", nomination.scope_path)
    locked = FamilyNomination.objects.select_for_update().select_related("selection").get(pk=nomination.pk)
    if locked.selection.status != FamilySelection.Status.REVIEWING:
        raise Conflict(_("评选不在审核阶段。"))
    locked.status = FamilyNomination.Status.SHORTLISTED if shortlist else FamilyNomination.Status.NOT_SHORTLISTED
    locked.review_note = note.strip()[:500]
    locked.save(update_fields=["status", "review_note"])
    events.record(events.NOMINATION_CHANGED, actor=actor, target=locked, after={"status": locked.status})
    return locked


@transaction.atomic
def publicity_start(
    *,
    actor: Any,
    selection: FamilySelection,
    working_days: int = FAMILY_PUBLICITY_WORKING_DAYS,
    today: date | None = None,
) -> FamilySelection:
    """公示: the shortlisted families are shown to residents, who may object until the end of the period."""
    policy.require_at(actor, "manage_culture", selection.scope_path)
    locked = FamilySelection.objects.select_for_update().get(pk=selection.pk)
    if locked.status != FamilySelection.Status.REVIEWING:
        raise Conflict(_("评选不在审核阶段。"))
    if locked.nominations.filter(status=FamilyNomination.Status.NOMINATED).exists():
        raise Conflict(_("还有推荐未审核。"))
    if not locked.nominations.filter(status=FamilyNomination.Status.SHORTLISTED).exists():
        raise Conflict(_("没有审核通过的家庭，无法公示。"))
    if not 5 <= working_days <= 15:
        raise ServiceError(_("公示期应为 5 到 15 个工作日。"), fields={"working_days": _("5–15")})
    day = _today(today)
    locked.publicity_from = day
    locked.publicity_until = WorkingCalendar().add_working_days(day, working_days)
    locked.status = FamilySelection.Status.PUBLICITY
    locked.save(update_fields=["publicity_from", "publicity_until", "status"])
    _selection_event(actor, locked, until=str(locked.publicity_until))
    return locked


@transaction.atomic
def family_object(
    *, actor: Any, nomination: FamilyNomination, reason: str, today: date | None = None
) -> FamilyObjection:
    policy.require_at(actor, "object_family", nomination.scope_path)
    selection = nomination.selection
    day = _today(today)
    if (
        selection.status != FamilySelection.Status.PUBLICITY
        or selection.publicity_until is None
        or day > selection.publicity_until
    ):
        raise Conflict(_("不在公示期内。"))
    if nomination.status != FamilyNomination.Status.SHORTLISTED:
        raise Conflict(_("该家庭不在公示名单中。"))
    objection = FamilyObjection.objects.create(
        nomination=nomination,
        scope_path=nomination.scope_path,
        filed_by=actor,
        reason=_text(reason, "reason", _("异议理由"), 2000),
        filed_on=day,
    )
    events.record(events.FAMILY_OBJECTION, actor=actor, target=objection, after={"status": objection.status})
    return objection


@transaction.atomic
def family_objection_decide(*, actor: Any, objection: FamilyObjection, upheld: bool, finding: str) -> FamilyObjection:
    policy.require_at(actor, "manage_culture", objection.scope_path)
    locked = FamilyObjection.objects.select_for_update().get(pk=objection.pk)
    if locked.status != FamilyObjection.Status.OPEN:
        raise Conflict(_("该异议已处理。"))
    locked.status = FamilyObjection.Status.UPHELD if upheld else FamilyObjection.Status.DISMISSED
    locked.finding = _text(finding, "finding", _("核实情况"), 1000)
    locked.save(update_fields=["status", "finding"])
    if upheld:
        FamilyNomination.objects.filter(pk=locked.nomination_id).update(status=FamilyNomination.Status.WITHDRAWN)
    events.record(events.FAMILY_OBJECTION, actor=actor, target=locked, after={"status": locked.status})
    return locked


@transaction.atomic
def selection_conclude(*, actor: Any, selection: FamilySelection, today: date | None = None) -> FamilySelection:
    """结果: after the 公示 period, with every objection handled, the shortlisted families are selected and the
    result is published through the ledger."""
    policy.require_at(actor, "manage_culture", selection.scope_path)
    locked = FamilySelection.objects.select_for_update().select_related("community").get(pk=selection.pk)
    if locked.status != FamilySelection.Status.PUBLICITY or locked.publicity_until is None:
        raise Conflict(_("评选不在公示阶段。"))
    if _today(today) <= locked.publicity_until:
        raise Conflict(_("公示期至 %(d)s，期满后才能公布结果。") % {"d": locked.publicity_until})
    if FamilyObjection.objects.filter(nomination__selection=locked, status=FamilyObjection.Status.OPEN).exists():
        raise Conflict(_("还有公示异议未处理。"))
    winners = list(locked.nominations.filter(status=FamilyNomination.Status.SHORTLISTED).order_by("id"))
    FamilyNomination.objects.filter(pk__in=[n.pk for n in winners]).update(status=FamilyNomination.Status.SELECTED)
    community = locked.community
    body = "\n".join(
        [f"经推荐、审核和公示（{locked.publicity_from} 至 {locked.publicity_until}），以下家庭当选："]
        + [f"{i}. {n.family_name}：{n.deeds}" for i, n in enumerate(winners, 1)]
    )
    disclosure = disclosure_publish(
        actor=actor,
        scope_path=community.path,
        scope_name=f"{community.name}居民委员会",
        category=Disclosure.Category.NOTICE,
        title=f"{locked.title}结果",
        body=body,
        source=locked,
    )
    locked.status = FamilySelection.Status.CONCLUDED
    locked.disclosure_id = disclosure.pk
    locked.save(update_fields=["status", "disclosure_id"])
    _selection_event(actor, locked, selected=[n.pk for n in winners])
    return locked
