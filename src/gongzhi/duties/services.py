"""Writes of the duties domain: lists (R10.1, D16, D24), admission (R10.1), the task gate (R10.2), certificates
(D24), violations (R20.2), correction orders (R20.2, R20.3) and the evaluation of departments (R19).

Services that depend on today's date take `today=` so seeds and tests can state it; callers on a request never pass it.
"""

import re
import secrets
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongzhi.core.actors import is_system
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ServiceError
from gongzhi.core.policy import grants_of
from gongzhi.core.roles import Role
from gongzhi.core.scope import within
from gongzhi.people.models import Unit
from gongzhi.territory.models import Division, Level
from gongzhi.workdays.calendar import WorkingCalendar

from . import disclosure, events, gate
from .certificates import FORBIDDEN_REASON, forbidden_match
from .models import (
    AdmissionApplication,
    AdmissionSettings,
    Assessor,
    Category,
    Certificate,
    CorrectionFollowUp,
    CorrectionOrder,
    DutyItem,
    DutyListVersion,
    EvaluationResult,
    EvaluationRound,
    Indicator,
    Rating,
    Task,
    ViolationCase,
)
from .permissions import policy

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
RESOURCE_TEXT_KEYS = ("funds_source", "staff", "training", "equipment", "information_systems")
# 整治形式主义为基层减负若干规定: app activity, check-ins and photos never count in an evaluation.
FORBIDDEN_INDICATOR_WORDS = (
    "app",
    "活跃",
    "打卡",
    "签到",
    "拍照",
    "照片",
    "截图",
    "留痕",
    "积分排名",
    "登录次数",
    "下载量",
    "check-in",
    "checkin",
    "photo",
)
NEEDS_RESOURCES = frozenset({Category.ASSISTANCE, Category.GRID})
ADMISSIBLE = frozenset({Category.ASSISTANCE, Category.GRID, Category.PLAQUE, Category.PERFORMANCE})


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def actor_unit(actor: Any, action: str, kinds: set[str]) -> Unit:
    """The unit the actor acts for under `action` (a department official's department, a street official's office)."""
    roles = policy.rules.get(action, frozenset())
    for grant in grants_of(actor):
        if grant.role in roles and grant.unit_id:
            unit = Unit.objects.filter(pk=grant.unit_id, kind__in=kinds, is_active=True).first()
            if unit is not None:
                return unit
    raise Forbidden(_("您的账号没有登记所属单位，不能以单位名义办理。"))


def committee_of(community: Division) -> Unit:
    unit = Unit.objects.filter(division=community, kind=Unit.Kind.RESIDENTS_COMMITTEE, is_active=True).first()
    if unit is None:
        raise ServiceError(_("%(c)s尚未登记居民委员会。") % {"c": community.name}, code="no_committee")
    return unit


def _check_resources_text(values: dict[str, Any], errors: dict[str, str]) -> None:
    for key in RESOURCE_TEXT_KEYS:
        if len(str(values.get(key) or "")) > 200:
            errors[key] = _("不超过 200 个字符")


def _money(value: Any, errors: dict[str, str]) -> Decimal:
    try:
        amount = Decimal(str(value or "0"))
    except InvalidOperation:
        errors["funds_yuan"] = _("经费应为数字")
        return Decimal("0")
    if amount < 0 or amount >= Decimal("10000000000"):
        errors["funds_yuan"] = _("经费超出范围")
        return Decimal("0")
    return amount.quantize(Decimal("0.01"))


# ---- duty lists (R10.1, D16, D24) ---------------------------------------------------------------------------------


@transaction.atomic
def list_version_create(
    *, actor: Any, county: Division, title: str, effective_from: date, document: str = ""
) -> DutyListVersion:
    """A draft version of a county's list; items are added (or imported) before it is published."""
    policy.require_at(actor, "manage_list", county.path)
    if county.level != Level.COUNTY:
        raise ServiceError(_("权责清单由县（市、区）编制。"), fields={"county": _("请选择县（市、区）")})
    title = title.strip()
    if not title or len(title) > 120:
        raise ServiceError(_("请填写标题（不超过 120 个字符）。"), fields={"title": _("必填")})
    last = DutyListVersion.objects.filter(county=county).order_by("-number").first()
    version = DutyListVersion.objects.create(
        county=county,
        scope_path=county.path,
        number=(last.number + 1) if last else 1,
        title=title,
        document=document.strip()[:120],
        effective_from=effective_from,
    )
    events.list_version_created(actor=actor, version=version)
    return version


def _validate_item(values: dict[str, Any], errors: dict[str, str]) -> None:
    code = str(values.get("code") or "").strip()
    if not CODE_PATTERN.match(code):
        errors["code"] = _("编码为 1–32 位字母、数字、点、横线或下划线")
    name = str(values.get("name") or "").strip()
    if not name or len(name) > 120:
        errors["name"] = _("请填写事项名称（不超过 120 个字符）")
    category = values.get("category")
    if category not in Category.values:
        errors["category"] = _("类别无效")
    basis = str(values.get("legal_basis") or "").strip()
    if len(basis) > 300:
        errors["legal_basis"] = _("不超过 300 个字符")
    if category in (Category.CERTIFICATE, Category.PERFORMANCE, Category.ASSISTANCE) and not basis:
        errors["legal_basis"] = _("该类事项必须写明法律法规依据或文件文号")
    if category == Category.CERTIFICATE and name:
        forbidden = forbidden_match(name)
        if forbidden:
            errors["name"] = str(FORBIDDEN_REASON % {"name": forbidden})
    if values.get("assessor", Assessor.STREET_OFFICE) not in Assessor.values:
        errors["assessor"] = _("考核由街道统一组织，部门不得单独考核")
    _check_resources_text(values, errors)


@transaction.atomic
def list_item_add(*, actor: Any, version: DutyListVersion, **values: Any) -> DutyItem:
    """Add an item to a draft version; 证明事项 need a legal basis and never name a forbidden certificate (D24)."""
    policy.require_at(actor, "manage_list", version.scope_path)
    if version.status != DutyListVersion.Status.DRAFT:
        raise Conflict(_("已发布的清单版本不能修改；请新建版本。"))
    errors: dict[str, str] = {}
    _validate_item(values, errors)
    funds = _money(values.get("funds_yuan"), errors)
    code = str(values.get("code") or "").strip()
    if not errors and DutyItem.objects.filter(version=version, code=code).exists():
        errors["code"] = _("本版本已有编码 %(code)s") % {"code": code}
    if errors:
        raise ServiceError(_("清单事项填写有误，请检查标出的字段。"), fields=errors)
    department = values.get("department")
    item = DutyItem.objects.create(
        county=version.county,
        scope_path=version.scope_path,
        version=version,
        category=values["category"],
        code=code,
        name=str(values["name"]).strip(),
        legal_basis=str(values.get("legal_basis") or "").strip(),
        department=department,
        department_name=department.name if department else str(values.get("department_name") or "")[:80],
        community_role=str(values.get("community_role") or "")[:2000],
        frequency=str(values.get("frequency") or "")[:120],
        ledgers=str(values.get("ledgers") or "")[:300],
        assessor=values.get("assessor") or Assessor.STREET_OFFICE,
        funds_yuan=funds,
        **{key: str(values.get(key) or "").strip() for key in RESOURCE_TEXT_KEYS},
    )
    events.list_item_saved(actor=actor, item=item)
    return item


@transaction.atomic
def list_version_publish(
    *, actor: Any, version: DutyListVersion, effective_to: date | None = None, today: date | None = None
) -> DutyListVersion:
    """Publish a draft: the earlier open-ended version ends the day before; its text is disclosed for residents."""
    policy.require_at(actor, "manage_list", version.scope_path)
    version = DutyListVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != DutyListVersion.Status.DRAFT:
        raise Conflict(_("该版本已经发布。"))
    if effective_to is not None and effective_to < version.effective_from:
        raise ServiceError(_("失效日期不能早于生效日期。"), fields={"effective_to": _("日期有误")})
    items = list(version.items.order_by("category", "code"))
    if not items:
        raise ServiceError(_("清单没有任何事项，不能发布。"), code="empty_list")
    published = DutyListVersion.objects.filter(county=version.county, status=DutyListVersion.Status.PUBLISHED)
    overlap = published.filter(effective_from__gte=version.effective_from)
    if overlap.exists():
        raise Conflict(
            _("已有 %(d)s 起生效的已发布版本；新版本的生效日期须晚于它。")
            % {"d": overlap.order_by("-effective_from").first().effective_from}  # type: ignore[union-attr]
        )
    closed = []
    for previous in published.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=version.effective_from)):
        previous.effective_to = version.effective_from - timedelta(days=1)
        previous.save(update_fields=["effective_to"])
        closed.append(previous.pk)
    version.status = DutyListVersion.Status.PUBLISHED
    version.effective_to = effective_to
    version.published_at = timezone.now()
    version.save(update_fields=["status", "effective_to", "published_at"])
    events.list_version_published(actor=actor, version=version, closed=closed)
    lines = [f"[{item.get_category_display()}] {item.code} {item.name} — {item.legal_basis or '—'}" for item in items]
    disclosure.publish(
        actor=actor,
        scope_path=version.scope_path,
        scope_name=version.county.name,
        category=disclosure.DECISION,
        title=_("%(county)s社区权责事项清单（%(title)s）自 %(d)s 起施行")
        % {"county": version.county.name, "title": version.title, "d": version.effective_from},
        body="\n".join(lines),
        source=version,
    )
    return version


@transaction.atomic
def admission_settings_set(
    *, actor: Any, county: Division, lead_working_days: int, review_working_days: int
) -> AdmissionSettings:
    policy.require_at(actor, "manage_list", county.path)
    errors = {}
    if not 0 <= lead_working_days <= 250:
        errors["lead_working_days"] = _("应在 0 到 250 之间")
    if not 1 <= review_working_days <= 120:
        errors["review_working_days"] = _("应在 1 到 120 之间")
    if errors:
        raise ServiceError(_("准入时限设置有误。"), fields=errors)
    current, _created = AdmissionSettings.objects.get_or_create(county=county, defaults={"scope_path": county.path})
    before = {"lead": current.lead_working_days, "review": current.review_working_days}
    current.lead_working_days, current.review_working_days = lead_working_days, review_working_days
    current.save()
    events.admission_settings_changed(actor=actor, settings=current, before=before)
    return current


def admission_settings_for(county: Division) -> AdmissionSettings:
    found = AdmissionSettings.objects.filter(county=county).first()
    return found or AdmissionSettings(county=county, scope_path=county.path)


# ---- admission (准入, R10.1) ---------------------------------------------------------------------------------------


@transaction.atomic
def application_submit(*, actor: Any, today: date | None = None, **values: Any) -> AdmissionApplication:
    """A department applies to assign an off-list item; 协助/网格事项 without resources are refused (费随事转)."""
    department = actor_unit(actor, "apply", {Unit.Kind.DEPARTMENT})
    county = gate.county_of(department.division)
    policy.require_at(actor, "apply", county.path)
    day = _today(today)
    errors: dict[str, str] = {}
    _validate_item(values, errors)
    funds = _money(values.get("funds_yuan"), errors)
    category = values.get("category")
    if category in Category.values and category not in ADMISSIBLE:
        errors["category"] = _("负面清单事项和证明事项不能通过准入申请加入清单")
    if not str(values.get("legal_basis") or "").strip():
        errors["legal_basis"] = _("请写明设定依据（法律法规条款或文件文号）")
    if not str(values.get("community_role") or "").strip():
        errors["community_role"] = _("请写明社区承担的具体工作")
    resources = {key: str(values.get(key) or "").strip() for key in RESOURCE_TEXT_KEYS}
    has_resources = funds > 0 or any(
        resources[key] for key in ("staff", "training", "equipment", "information_systems")
    )
    if category in NEEDS_RESOURCES and not has_resources:
        message = _("协助事项必须随附配套资源（经费、人员、培训、设备或信息系统至少一项），否则不能提交")
        errors["resources"] = message
        errors["funds_yuan"] = message
    if funds > 0 and not resources["funds_source"]:
        errors["funds_source"] = _("请写明经费来源和拨付方式")
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if not isinstance(starts_on, date):
        errors["starts_on"] = _("请填写拟开始日期")
    if not isinstance(ends_on, date):
        errors["ends_on"] = _("请填写有效期")
    elif isinstance(starts_on, date) and ends_on < starts_on:
        errors["ends_on"] = _("有效期不能早于开始日期")
    elif isinstance(starts_on, date) and ends_on > starts_on + timedelta(days=3 * 366):
        errors["ends_on"] = _("准入有效期最长三年，期满须重新申请")
    code = str(values.get("code") or "").strip()
    if "code" not in errors:
        on_list = gate.decide(matter_code=code, community=_any_community(county), on=day)
        if on_list.code in ("on_list", "admitted"):
            errors["code"] = _("该事项已在清单上，无需准入")
        elif on_list.code == "negative_list":
            errors["code"] = _("该事项在负面清单上，属于部门自身职责，不得申请准入")
        elif AdmissionApplication.objects.filter(
            county=county, code=code, status=AdmissionApplication.Status.SUBMITTED
        ).exists():
            errors["code"] = _("该事项已有待审批的申请")
    if errors:
        raise ServiceError(_("准入申请不完整，请补齐标出的字段。"), code="incomplete_application", fields=errors)
    rules = admission_settings_for(county)
    calendar = WorkingCalendar()
    earliest = calendar.add_working_days(day, rules.lead_working_days)
    assert isinstance(starts_on, date) and isinstance(ends_on, date)
    if starts_on < earliest:
        raise ServiceError(
            _("须提前 %(n)s 个工作日申请：最早可自 %(d)s 起执行。") % {"n": rules.lead_working_days, "d": earliest},
            code="too_late",
            fields={"starts_on": _("最早 %(d)s") % {"d": earliest}},
        )
    application = AdmissionApplication.objects.create(
        county=county,
        scope_path=county.path,
        department=department,
        applicant=actor,
        category=str(category),
        code=code,
        name=str(values["name"]).strip(),
        legal_basis=str(values["legal_basis"]).strip(),
        community_role=str(values["community_role"]).strip()[:2000],
        frequency=str(values.get("frequency") or "")[:120],
        ledgers=str(values.get("ledgers") or "")[:300],
        starts_on=starts_on,
        ends_on=ends_on,
        submitted_on=day,
        review_due_on=calendar.add_working_days(day, rules.review_working_days),
        funds_yuan=funds,
        **resources,
    )
    events.application_submitted(actor=actor, application=application)
    return application


def _any_community(county: Division) -> Division:
    community = Division.objects.filter(path__startswith=county.path, level=Level.COMMUNITY).order_by("path").first()
    if community is None:
        raise ServiceError(_("%(c)s下没有社区。") % {"c": county.name}, code="no_community")
    return community


@transaction.atomic
def application_decide(
    *,
    actor: Any,
    application: AdmissionApplication,
    admit: bool,
    meeting_reference: str,
    meeting_date: date | None = None,
    note: str = "",
    refusal_ground: str = "",
) -> AdmissionApplication:
    """The county decides on the joint meeting's resolution; the row lock makes a second reviewer see a conflict."""
    policy.require_at(actor, "review", application.scope_path)
    locked = AdmissionApplication.objects.select_for_update().select_related("department").get(pk=application.pk)
    if locked.status != AdmissionApplication.Status.SUBMITTED:
        decider = locked.decided_by.get_full_name() or str(locked.decided_by) if locked.decided_by else "—"
        raise Conflict(
            _("该申请已由 %(who)s 审批（%(status)s），不能重复审批。")
            % {"who": decider, "status": locked.get_status_display()},
            code="already_decided",
        )
    errors = {}
    meeting_reference = meeting_reference.strip()
    if not meeting_reference or len(meeting_reference) > 120:
        errors["meeting_reference"] = _("请填写联席会议纪要文号")
    if meeting_date is None:
        errors["meeting_date"] = _("请填写联席会议日期")
    if not admit and refusal_ground not in {g for g in AdmissionApplication.RefusalGround.values if g}:
        errors["refusal_ground"] = _("请选择不予准入的理由")
    if errors:
        raise ServiceError(_("审批意见不完整。"), fields=errors)
    locked.status = AdmissionApplication.Status.ADMITTED if admit else AdmissionApplication.Status.REFUSED
    locked.decided_by = actor if not is_system(actor) else None
    locked.decided_at = timezone.now()
    locked.meeting_reference = meeting_reference
    locked.meeting_date = meeting_date
    locked.decision_note = note.strip()[:2000]
    locked.refusal_ground = "" if admit else refusal_ground
    locked.save()
    if admit:
        DutyItem.objects.create(
            county=locked.county,
            scope_path=locked.scope_path,
            admission=locked,
            valid_from=locked.starts_on,
            valid_to=locked.ends_on,
            category=locked.category,
            code=locked.code,
            name=locked.name,
            legal_basis=locked.legal_basis,
            department=locked.department,
            department_name=locked.department.name,
            community_role=locked.community_role,
            frequency=locked.frequency,
            ledgers=locked.ledgers,
            assessor=Assessor.STREET_OFFICE,
            **{key: getattr(locked, key) for key in AdmissionApplication.RESOURCE_KEYS},
        )
    events.application_decided(actor=actor, application=locked)
    verdict = _("准入") if admit else _("不予准入")
    locked.disclosure_id = disclosure.publish(
        actor=actor,
        scope_path=locked.scope_path,
        scope_name=locked.county.name,
        category=disclosure.DECISION,
        title=_("社区工作事项准入审批结果：%(name)s（%(verdict)s）") % {"name": locked.name, "verdict": verdict},
        body=_(
            "申请部门：%(dept)s\n事项编码：%(code)s\n设定依据：%(basis)s\n社区承担：%(role)s\n"
            "配套资源：经费 %(funds)s 元（%(source)s）；人员 %(staff)s；培训 %(training)s；设备 %(equipment)s；"
            "信息系统 %(systems)s\n有效期：%(start)s 至 %(end)s\n联席会议：%(meeting)s（%(mdate)s）\n审批意见：%(note)s"
        )
        % {
            "dept": locked.department.name,
            "code": locked.code,
            "basis": locked.legal_basis,
            "role": locked.community_role,
            "funds": locked.funds_yuan,
            "source": locked.funds_source or "—",
            "staff": locked.staff or "—",
            "training": locked.training or "—",
            "equipment": locked.equipment or "—",
            "systems": locked.information_systems or "—",
            "start": locked.starts_on,
            "end": locked.ends_on,
            "meeting": locked.meeting_reference,
            "mdate": locked.meeting_date,
            "note": locked.decision_note or "—",
        },
        source=locked,
    )
    locked.save(update_fields=["disclosure_id"])
    return locked


@transaction.atomic
def application_annual_review(
    *, actor: Any, application: AdmissionApplication, keep: bool, note: str, year: int
) -> AdmissionApplication:
    """年度评估: keep the admitted item, or let it exit (with the reason recorded)."""
    policy.require_at(actor, "review", application.scope_path)
    locked = AdmissionApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != AdmissionApplication.Status.ADMITTED:
        raise Conflict(_("只有已准入的事项需要年度评估。"))
    if not note.strip():
        raise ServiceError(_("请填写评估意见。"), fields={"note": _("必填")})
    locked.review_year = year
    locked.save(update_fields=["review_year"])
    events.application_reviewed(actor=actor, application=locked, keep=keep, note=note.strip()[:500])
    if not keep:
        return application_exit(
            actor=actor, application=locked, reason=AdmissionApplication.ExitReason.ANNUAL_REVIEW, note=note
        )
    return locked


@transaction.atomic
def application_exit(
    *, actor: Any, application: AdmissionApplication, reason: str, note: str, today: date | None = None
) -> AdmissionApplication:
    """退出: the admitted item leaves the list from today, e.g. because residents reject it (群众普遍不认可)."""
    policy.require_at(actor, "review", application.scope_path)
    locked = AdmissionApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != AdmissionApplication.Status.ADMITTED:
        raise Conflict(_("只有已准入的事项可以退出。"))
    if reason not in AdmissionApplication.ExitReason.values:
        raise ServiceError(_("请选择退出原因。"), fields={"reason": _("必填")})
    if reason == AdmissionApplication.ExitReason.RESIDENTS_REJECT and not note.strip():
        raise ServiceError(
            _("因群众不认可退出，须写明居民评价的依据（如居民会议决定、满意度结果）。"), fields={"note": _("必填")}
        )
    day = _today(today)
    locked.status = AdmissionApplication.Status.EXITED
    locked.exit_reason = reason
    locked.exited_on = day
    locked.decision_note = (locked.decision_note + "\n" + note.strip())[:2000]
    locked.save()
    DutyItem.objects.filter(admission=locked).update(withdrawn_on=day)
    events.application_exited(actor=actor, application=locked)
    return locked


def admissions_expire(*, today: date | None = None) -> int:
    """Periodic: admitted items past their validity exit as EXPIRED (idempotent)."""
    from gongzhi.core.actors import SYSTEM

    day = _today(today)
    count = 0
    for application in AdmissionApplication.objects.filter(
        status=AdmissionApplication.Status.ADMITTED, ends_on__lt=day
    ):
        application_exit(
            actor=SYSTEM,
            application=application,
            reason=AdmissionApplication.ExitReason.EXPIRED,
            note=_("有效期届满"),
            today=day,
        )
        count += 1
    return count


# ---- the task gate (R10.2) -----------------------------------------------------------------------------------------


def _sender_unit(actor: Any) -> Unit:
    return actor_unit(actor, "send_task", {Unit.Kind.DEPARTMENT, Unit.Kind.STREET_OFFICE})


@transaction.atomic
def task_send(
    *,
    actor: Any,
    community: Division,
    kind: str,
    matter_code: str,
    title: str,
    body: str = "",
    due_on: date | None = None,
    today: date | None = None,
) -> Task:
    """Every task to a community passes here: delivered with its resources, refused with the reason, or refused
    with a violation case opened (R10.2, R20.2). The list in force *today* decides; no caller picks a version."""
    sender = _sender_unit(actor)
    policy.require_at(actor, "send_task", community.path)
    errors = {}
    if kind not in Task.Kind.values:
        errors["kind"] = _("任务类型无效")
    title = title.strip()
    if not title or len(title) > 120:
        errors["title"] = _("请填写标题（不超过 120 个字符）")
    if len(body) > 4000:
        errors["body"] = _("不超过 4000 个字符")
    if len(matter_code) > 32:
        errors["matter_code"] = _("编码不超过 32 个字符")
    if errors:
        raise ServiceError(_("任务填写有误。"), fields=errors)
    day = _today(today)
    # The gate's reason and the case summary are records: kept in the official language, whoever sends.
    with translation.override(settings.LANGUAGE_CODE):
        decision = gate.decide(matter_code=matter_code, community=community, on=day, kind=kind, sender_kind=sender.kind)
        status = {gate.DELIVER: Task.Status.DELIVERED, gate.REFUSE: Task.Status.REFUSED}.get(
            decision.outcome, Task.Status.VIOLATION
        )
        task = Task(
            community=community,
            scope_path=community.path,
            sender_unit=sender,
            sender=None if is_system(actor) else actor,
            kind=kind,
            matter_code=matter_code.strip(),
            title=title,
            body=body.strip(),
            due_on=due_on,
            status=status,
            reason=decision.reason[:300],
            item=decision.item,
            list_version=decision.version,
        )
        if decision.allowed and decision.item is not None:
            for key in DutyItem.RESOURCE_KEYS:
                setattr(task, key, getattr(decision.item, key))
        task.save()
        events.task_gated(actor=actor, task=task)
        if decision.outcome == gate.VIOLATION:
            _violation_open(
                actor=actor,
                offender=sender,
                community=community,
                source=ViolationCase.Source.GATE,
                summary=_("%(sender)s向%(community)s派发“%(title)s”：%(reason)s")
                % {"sender": sender.name, "community": community.name, "title": title, "reason": decision.code},
                task=task,
                today=day,
            )
    return task


@transaction.atomic
def task_refuse(*, actor: Any, task: Task, note: str, today: date | None = None) -> Task:
    """社区拒收: a delivered task whose basis no longer holds (item exited, list replaced) is refused in one step."""
    policy.require_at(actor, "receive_task", task.scope_path)
    locked = Task.objects.select_for_update().select_related("community").get(pk=task.pk)
    if locked.status != Task.Status.DELIVERED:
        raise Conflict(_("该任务未送达社区，无需拒收。"))
    decision = gate.decide(
        matter_code=locked.matter_code, community=locked.community, on=_today(today), kind=locked.kind
    )
    if decision.allowed:
        raise Conflict(
            _("该任务属于清单内事项（%(reason)s），社区应当办理；如有异议请向街道反映。") % {"reason": decision.reason},
            code="on_list",
        )
    before = locked.status
    locked.status = Task.Status.REFUSED_BY_COMMUNITY
    locked.community_note = (note.strip() or decision.reason)[:2000]
    locked.save(update_fields=["status", "community_note"])
    events.task_refused_by_community(actor=actor, task=locked, before=before)
    return locked


@transaction.atomic
def task_report(
    *,
    actor: Any,
    community: Division,
    sender_unit: Unit,
    kind: str,
    title: str,
    body: str = "",
    matter_code: str = "",
    today: date | None = None,
) -> Task:
    """A task that reached the community outside the platform: recorded, refused and a violation case opened."""
    policy.require_at(actor, "receive_task", community.path)
    if sender_unit.kind not in (Unit.Kind.DEPARTMENT, Unit.Kind.STREET_OFFICE) or not community.path.startswith(
        sender_unit.scope_path[:6]
    ):
        raise ServiceError(_("请选择本县（市、区）的职能部门或街道。"), fields={"sender_unit": _("单位无效")})
    title = title.strip()
    if not title or len(title) > 120:
        raise ServiceError(_("请填写任务标题。"), fields={"title": _("必填")})
    if kind not in Task.Kind.values:
        raise ServiceError(_("任务类型无效。"), fields={"kind": _("任务类型无效")})
    day = _today(today)
    # The gate's reason and the case summary are records: kept in the official language, whoever sends.
    with translation.override(settings.LANGUAGE_CODE):
        decision = gate.decide(matter_code=matter_code, community=community, on=day, kind=kind)
        task = Task.objects.create(
            community=community,
            scope_path=community.path,
            sender_unit=sender_unit,
            sender=None,
            kind=kind,
            matter_code=matter_code.strip()[:32],
            title=title,
            body=body.strip()[:4000],
            status=Task.Status.REPORTED,
            reason=(_("未经平台派发；闸口核查：%(reason)s") % {"reason": decision.reason})[:300],
            item=decision.item,
            list_version=decision.version,
            via_platform=False,
            community_note=body.strip()[:2000],
        )
        events.task_reported(actor=actor, task=task)
        _violation_open(
            actor=actor,
            offender=sender_unit,
            community=community,
            source=ViolationCase.Source.REPORT,
            summary=_("社区举报：%(sender)s未经平台向%(community)s派发“%(title)s”")
            % {"sender": sender_unit.name, "community": community.name, "title": title},
            task=task,
            today=day,
        )
    return task


# ---- certificates (D24) --------------------------------------------------------------------------------------------


@transaction.atomic
def certificate_issue(
    *,
    actor: Any,
    community: Division,
    requested: str,
    holder_name: str,
    purpose: str,
    content: str,
    today: date | None = None,
) -> Certificate:
    """Issue only what the community's 证明事项 list allows; the 20 of 民发〔2020〕20号 are refused with the reason."""
    policy.require_at(actor, "issue_certificate", community.path)
    requested = requested.strip()
    forbidden = forbidden_match(requested)
    day = _today(today)
    if forbidden:
        reason = str(FORBIDDEN_REASON % {"name": forbidden})
        events.certificate_refused(actor=actor, community=community, requested=requested, reason=reason)
        raise ServiceError(reason, code="forbidden_certificate", fields={"requested": reason})
    version = gate.version_in_force(county=gate.county_of(community), on=day)
    item = None
    if version is not None:
        item = version.items.filter(category=Category.CERTIFICATE).filter(Q(code=requested) | Q(name=requested)).first()
    if item is None:
        reason = _("“%(name)s”不在本社区证明事项清单上；没有法律法规依据的证明一律不出具。") % {"name": requested}
        raise ServiceError(reason, code="not_on_certificate_list", fields={"requested": reason})
    errors = {}
    holder_name = holder_name.strip()
    if not holder_name or len(holder_name) > 60:
        errors["holder_name"] = _("请填写证明对象姓名或名称")
    if not purpose.strip() or len(purpose) > 200:
        errors["purpose"] = _("请填写用途")
    if not content.strip() or len(content) > 2000:
        errors["content"] = _("请填写证明内容")
    if errors:
        raise ServiceError(_("证明填写有误。"), fields=errors)
    prefix = f"{community.code}-{day.year}-"
    last = Certificate.objects.filter(number__startswith=prefix).order_by("-number").first()
    sequence = int(last.number.rsplit("-", 1)[1]) + 1 if last else 1
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                community=community,
                scope_path=community.path,
                item=item,
                number=f"{prefix}{sequence:05d}",
                verification_code=secrets.token_hex(6).upper(),
                holder_name=holder_name,
                purpose=purpose.strip(),
                content=content.strip(),
                issued_by=actor,
                issued_on=day,
            )
    except IntegrityError as exc:
        raise Conflict(_("证明编号冲突，请重试。")) from exc
    events.certificate_issued(actor=actor, certificate=certificate)
    return certificate


# ---- correction orders (R20.2, R20.3) ------------------------------------------------------------------------------


@transaction.atomic
def correction_issue(
    *,
    actor: Any,
    target_unit: Unit,
    issuer: str,
    subject: str,
    requirement: str,
    working_days: int,
    basis: str = "",
    source: Any = None,
    today: date | None = None,
) -> CorrectionOrder:
    """An order to correct, with a working-day deadline; other domains pass their object as `source`.

    Who may order whom: the county corrects a department or street office (R20.2); a street office orders a residents'
    committee in its street, and a 居民会议 correction of its own committee is recorded by its members (R20.3).
    """
    policy.require_at(actor, "order_correction", target_unit.scope_path)
    if issuer not in CorrectionOrder.Issuer.values:
        raise ServiceError(_("纠正主体无效。"), fields={"issuer": _("请选择")})
    if not is_system(actor):
        roles = {g.role for g in grants_of(actor) if within(target_unit.scope_path, [g.path])}
        allowed = {
            CorrectionOrder.Issuer.COUNTY_GOVERNMENT: (
                {Role.AUTHORITY},
                {Unit.Kind.DEPARTMENT, Unit.Kind.STREET_OFFICE, Unit.Kind.RESIDENTS_COMMITTEE},
            ),
            CorrectionOrder.Issuer.STREET_OFFICE: ({Role.STREET_OFFICIAL}, {Unit.Kind.RESIDENTS_COMMITTEE}),
            CorrectionOrder.Issuer.RESIDENTS_MEETING: (
                {Role.COMMUNITY_WORKER, Role.SUPERVISION_MEMBER},
                {Unit.Kind.RESIDENTS_COMMITTEE},
            ),
        }[CorrectionOrder.Issuer(issuer)]
        if not roles & allowed[0] or target_unit.kind not in allowed[1]:
            raise Forbidden(_("该纠正主体不能向此单位下达纠正通知。"))
    errors = {}
    subject, requirement = subject.strip(), requirement.strip()
    if not subject or len(subject) > 200:
        errors["subject"] = _("请填写事由")
    if not requirement or len(requirement) > 4000:
        errors["requirement"] = _("请填写整改要求")
    if not 1 <= working_days <= 120:
        errors["working_days"] = _("整改期限应为 1 到 120 个工作日")
    if errors:
        raise ServiceError(_("纠正通知填写有误。"), fields=errors)
    day = _today(today)
    deadline = WorkingCalendar().add_working_days(day, working_days)
    source_type, source_id = ("", "")
    if source is not None:
        source_type, source_id = source._meta.label_lower, str(source.pk)
    order = CorrectionOrder.objects.create(
        target_unit=target_unit,
        scope_path=target_unit.scope_path,
        issuer=issuer,
        issued_by=None if is_system(actor) else actor,
        subject=subject,
        requirement=requirement,
        basis=basis.strip()[:200],
        issued_on=day,
        deadline=deadline,
        source_type=source_type,
        source_id=source_id,
    )
    events.correction_issued(actor=actor, order=order)
    return order


def _follow_up(actor: Any, order: CorrectionOrder, kind: str, note: str, status: str) -> CorrectionOrder:
    before = order.status
    order.status = status
    order.save(update_fields=["status", "closed_on"])
    follow_up = CorrectionFollowUp.objects.create(
        order=order, kind=kind, note=note.strip()[:2000], by=None if is_system(actor) else actor
    )
    events.correction_followed_up(actor=actor, order=order, follow_up=follow_up, before=before)
    return order


@transaction.atomic
def correction_report(*, actor: Any, order: CorrectionOrder, note: str) -> CorrectionOrder:
    """The corrected unit reports what it did."""
    policy.require_at(actor, "report_correction", order.scope_path)
    locked = CorrectionOrder.objects.select_for_update().get(pk=order.pk)
    if locked.status not in (CorrectionOrder.Status.OPEN, CorrectionOrder.Status.OVERDUE):
        raise Conflict(_("该整改通知当前不需要报告。"))
    if not note.strip():
        raise ServiceError(_("请写明整改情况。"), fields={"note": _("必填")})
    return _follow_up(actor, locked, CorrectionFollowUp.Kind.REPORT, note, CorrectionOrder.Status.REPORTED)


@transaction.atomic
def correction_verify(
    *, actor: Any, order: CorrectionOrder, accepted: bool, note: str, today: date | None = None
) -> CorrectionOrder:
    """The issuer checks the report: verified closes the order, otherwise it goes back to open."""
    policy.require_at(actor, "order_correction", order.scope_path)
    locked = CorrectionOrder.objects.select_for_update().get(pk=order.pk)
    if locked.status != CorrectionOrder.Status.REPORTED:
        raise Conflict(_("整改尚未报告，无法核实。"))
    if accepted:
        locked.closed_on = _today(today)
        return _follow_up(actor, locked, CorrectionFollowUp.Kind.VERIFY, note, CorrectionOrder.Status.VERIFIED)
    return _follow_up(actor, locked, CorrectionFollowUp.Kind.REJECT, note, CorrectionOrder.Status.OPEN)


def corrections_mark_overdue(*, today: date | None = None) -> int:
    """Periodic: open orders past their deadline become overdue (idempotent)."""
    from gongzhi.core.actors import SYSTEM

    day = _today(today)
    count = 0
    for order in CorrectionOrder.objects.filter(status=CorrectionOrder.Status.OPEN, deadline__lt=day):
        with transaction.atomic():
            _follow_up(
                SYSTEM, order, CorrectionFollowUp.Kind.OVERDUE, _("已超过整改期限"), CorrectionOrder.Status.OVERDUE
            )
        count += 1
    return count


# ---- violations (R20.2) --------------------------------------------------------------------------------------------


def _violation_open(
    *, actor: Any, offender: Unit, community: Division, source: str, summary: str, task: Task | None, today: date
) -> ViolationCase:
    case = ViolationCase.objects.create(
        county=gate.county_of(community),
        community=community,
        scope_path=community.path,
        offender=offender,
        task=task,
        source=source,
        summary=summary[:300],
        opened_on=today,
    )
    events.violation_opened(actor=actor, case=case)
    return case


@transaction.atomic
def violation_open_from_inspection(
    *, actor: Any, offender: Unit, community: Division, summary: str, today: date | None = None
) -> ViolationCase:
    """督查发现: the county opens a case found by inspection."""
    policy.require_at(actor, "handle_violation", community.path)
    if not summary.strip():
        raise ServiceError(_("请填写案情摘要。"), fields={"summary": _("必填")})
    return _violation_open(
        actor=actor,
        offender=offender,
        community=community,
        source=ViolationCase.Source.INSPECTION,
        summary=summary.strip(),
        task=None,
        today=_today(today),
    )


def _locked_case(actor: Any, case: ViolationCase) -> ViolationCase:
    policy.require_at(actor, "handle_violation", case.scope_path)
    return ViolationCase.objects.select_for_update().select_related("offender", "county", "community").get(pk=case.pk)


@transaction.atomic
def violation_investigate(*, actor: Any, case: ViolationCase, findings: str, dismiss: bool = False) -> ViolationCase:
    locked = _locked_case(actor, case)
    if locked.status not in (ViolationCase.Status.OPEN, ViolationCase.Status.INVESTIGATING):
        raise Conflict(_("该案件已进入纠正或通报阶段。"))
    if not findings.strip():
        raise ServiceError(_("请填写调查结论。"), fields={"findings": _("必填")})
    before = locked.status
    locked.findings = findings.strip()[:4000]
    locked.status = ViolationCase.Status.DISMISSED if dismiss else ViolationCase.Status.INVESTIGATING
    locked.save(update_fields=["findings", "status"])
    events.violation_updated(actor=actor, case=locked, before=before, detail={"findings": locked.findings})
    return locked


@transaction.atomic
def violation_order_correction(
    *, actor: Any, case: ViolationCase, requirement: str, working_days: int = 10, today: date | None = None
) -> ViolationCase:
    """责令纠正 (R20.2) through the shared correction-order mechanism."""
    locked = _locked_case(actor, case)
    if locked.status != ViolationCase.Status.INVESTIGATING or not locked.findings:
        raise Conflict(_("请先完成调查并认定违规，再下达纠正通知。"))
    order = correction_issue(
        actor=actor,
        target_unit=locked.offender,
        issuer=CorrectionOrder.Issuer.COUNTY_GOVERNMENT,
        subject=_("纠正违规转嫁：%(s)s") % {"s": locked.summary[:150]},
        requirement=requirement,
        working_days=working_days,
        basis=_("《德阳市社区治理条例》第二十条第二款"),
        source=locked,
        today=today,
    )
    before = locked.status
    locked.correction = order
    locked.status = ViolationCase.Status.CORRECTING
    locked.save(update_fields=["correction", "status"])
    events.violation_updated(actor=actor, case=locked, before=before, detail={"deadline": str(order.deadline)})
    return locked


@transaction.atomic
def violation_publish_notice(*, actor: Any, case: ViolationCase, title: str, body: str) -> ViolationCase:
    """通报批评 (R20.2), published through the ledger so anyone can prove it was published unchanged."""
    locked = _locked_case(actor, case)
    if locked.status not in (ViolationCase.Status.INVESTIGATING, ViolationCase.Status.CORRECTING):
        raise Conflict(_("只有认定违规的案件可以通报批评。"))
    if not title.strip() or not body.strip():
        raise ServiceError(_("请填写通报标题和正文。"), fields={"title": _("必填"), "body": _("必填")})
    disclosure_id = disclosure.publish(
        actor=actor,
        scope_path=locked.county.path,
        scope_name=locked.county.name,
        category=disclosure.NOTICE,
        title=title.strip(),
        body=body.strip(),
        source=locked,
    )
    before = locked.status
    locked.notice_disclosure_id = disclosure_id
    locked.status = ViolationCase.Status.PUBLISHED
    locked.save(update_fields=["notice_disclosure_id", "status"])
    events.violation_updated(actor=actor, case=locked, before=before, detail={"disclosure": disclosure_id})
    return locked


@transaction.atomic
def violation_refer(*, actor: Any, case: ViolationCase, note: str, today: date | None = None) -> ViolationCase:
    """情节严重: referral to the 监察机关 of the persons directly responsible (R20.2)."""
    locked = _locked_case(actor, case)
    if locked.status in (ViolationCase.Status.OPEN, ViolationCase.Status.DISMISSED, ViolationCase.Status.REFERRED):
        raise Conflict(_("只有认定违规的案件可以移送。"))
    if not note.strip():
        raise ServiceError(_("请写明情节严重的理由和移送材料。"), fields={"note": _("必填")})
    before = locked.status
    locked.serious = True
    locked.referral_note = note.strip()[:2000]
    locked.referred_on = _today(today)
    locked.status = ViolationCase.Status.REFERRED
    locked.save(update_fields=["serious", "referral_note", "referred_on", "status"])
    events.violation_updated(actor=actor, case=locked, before=before, detail={"referral": locked.referral_note})
    return locked


# ---- evaluation of departments (R19) -------------------------------------------------------------------------------


@transaction.atomic
def evaluation_round_create(
    *, actor: Any, county: Division, title: str, period_start: date, period_end: date
) -> EvaluationRound:
    policy.require_at(actor, "manage_evaluation", county.path)
    if county.level != Level.COUNTY:
        raise ServiceError(_("评价按县（市、区）组织。"), fields={"county": _("请选择县（市、区）")})
    if not title.strip():
        raise ServiceError(_("请填写标题。"), fields={"title": _("必填")})
    if period_end < period_start:
        raise ServiceError(_("评价期有误。"), fields={"period_end": _("不能早于开始日期")})
    round = EvaluationRound.objects.create(
        county=county,
        scope_path=county.path,
        title=title.strip()[:120],
        period_start=period_start,
        period_end=period_end,
    )
    events.evaluation_changed(actor=actor, round=round, detail={"title": round.title})
    return round


def indicator_refusal(name: str, description: str = "") -> str | None:
    """Why an indicator may not be used, or None (整治形式主义为基层减负若干规定)."""
    text = f"{name} {description}".lower()
    for word in FORBIDDEN_INDICATOR_WORDS:
        if word in text:
            return _(
                "评价指标不得以 App 活跃度、打卡签到、拍照留痕等计分（整治形式主义为基层减负若干规定）：“%(w)s”。"
            ) % {"w": word}
    return None


@transaction.atomic
def indicator_add(
    *, actor: Any, round: EvaluationRound, key: str, name: str, source: str, weight: Decimal, description: str = ""
) -> Indicator:
    policy.require_at(actor, "manage_evaluation", round.scope_path)
    if round.status != EvaluationRound.Status.DRAFT:
        raise Conflict(_("指标公布后不能修改。"))
    errors = {}
    if not re.match(r"^[a-z0-9_-]{1,40}$", key):
        errors["key"] = _("指标代码为小写字母、数字、横线或下划线")
    if not name.strip():
        errors["name"] = _("必填")
    if source not in Indicator.Source.values:
        errors["source"] = _("数据来源无效")
    if not Decimal("0") < weight <= Decimal("100"):
        errors["weight"] = _("权重应大于 0、不超过 100")
    refusal = indicator_refusal(name, description)
    if refusal:
        errors["name"] = refusal
    if errors:
        raise ServiceError(refusal or _("指标填写有误。"), code="invalid_indicator", fields=errors)
    if round.indicators.filter(key=key).exists():
        raise ServiceError(_("指标代码重复。"), fields={"key": _("已存在")})
    indicator = Indicator.objects.create(
        round=round, key=key, name=name.strip(), description=description.strip()[:300], source=source, weight=weight
    )
    events.evaluation_changed(actor=actor, round=round, detail={"indicator": key, "weight": str(weight)})
    return indicator


@transaction.atomic
def evaluation_round_open(*, actor: Any, round: EvaluationRound) -> EvaluationRound:
    """Publish the indicator set and weights and open the round for opinions and scores."""
    policy.require_at(actor, "manage_evaluation", round.scope_path)
    locked = EvaluationRound.objects.select_for_update().select_related("county").get(pk=round.pk)
    if locked.status != EvaluationRound.Status.DRAFT:
        raise Conflict(_("该轮评价已经开始。"))
    indicators = list(locked.indicators.all())
    total = sum((i.weight for i in indicators), Decimal("0"))
    if total != Decimal("100"):
        raise ServiceError(
            _("各指标权重之和应为 100，当前为 %(t)s。") % {"t": total}, code="weights", fields={"weight": str(total)}
        )
    locked.status = EvaluationRound.Status.OPEN
    locked.save(update_fields=["status"])
    events.evaluation_changed(actor=actor, round=locked, detail={"opened": True})
    disclosure.publish(
        actor=actor,
        scope_path=locked.scope_path,
        scope_name=locked.county.name,
        category=disclosure.DECISION,
        title=_("%(t)s：评价指标和权重") % {"t": locked.title},
        body="\n".join(f"{i.name}（{i.get_source_display()}）权重 {i.weight}%" for i in indicators),
        source=("duties.evaluationround.indicators", str(locked.pk)),
    )
    return locked


@transaction.atomic
def rating_submit(
    *,
    actor: Any,
    round: EvaluationRound,
    indicator: Indicator,
    department: Unit,
    score: Decimal,
    comment: str = "",
    community: Division | None = None,
) -> Rating:
    """A residents' committee's opinion (R19: 居民委员会的意见纳入评价体系) or a street office's score."""
    if round.status != EvaluationRound.Status.OPEN:
        raise Conflict(_("该轮评价不在评价期内。"))
    if indicator.round_id != round.pk:
        raise NotFound(_("未找到该记录，或您无权查看。"))
    if department.kind != Unit.Kind.DEPARTMENT or department.scope_path != round.scope_path:
        raise ServiceError(_("只能评价本县（市、区）的职能部门。"), fields={"department": _("部门无效")})
    if not Decimal("0") <= score <= Decimal("100"):
        raise ServiceError(_("分数应在 0 到 100 之间。"), fields={"score": _("0–100")})
    if indicator.source == Indicator.Source.COMMITTEE_OPINION:
        if community is None:
            community = next(
                (
                    Division.objects.get(pk=g.division_id)
                    for g in grants_of(actor)
                    if g.role in policy.rules["give_opinion"] and within(g.path, [round.scope_path])
                ),
                None,
            )
        if community is None or community.level != Level.COMMUNITY:
            raise Forbidden(_("居民委员会的意见由社区填报。"))
        policy.require_at(actor, "give_opinion", community.path)
        rater = committee_of(community)
    elif indicator.source == Indicator.Source.STREET_SCORE:
        rater = actor_unit(actor, "street_score", {Unit.Kind.STREET_OFFICE})
        policy.require_at(actor, "street_score", rater.scope_path)
    else:
        raise ServiceError(_("该指标由平台数据计算，不需要人工评分。"), fields={"indicator": _("自动计算")})
    if not rater.scope_path.startswith(round.scope_path):
        raise NotFound(_("未找到该记录，或您无权查看。"))
    rating, _created = Rating.objects.update_or_create(
        indicator=indicator,
        rater=rater,
        department=department,
        defaults={
            "round": round,
            "score": score.quantize(Decimal("0.01")),
            "comment": comment.strip()[:500],
            "by": actor,
        },
    )
    events.evaluation_rated(actor=actor, rating=rating)
    return rating


@transaction.atomic
def evaluation_publish(*, actor: Any, round: EvaluationRound) -> EvaluationRound:
    """Aggregate with the published weights, freeze the results and publish them."""
    from .selectors import evaluation_compute

    policy.require_at(actor, "manage_evaluation", round.scope_path)
    locked = EvaluationRound.objects.select_for_update().select_related("county").get(pk=round.pk)
    if locked.status != EvaluationRound.Status.OPEN:
        raise Conflict(_("只有评价中的轮次可以公布结果。"))
    rows = evaluation_compute(round=locked)
    EvaluationResult.objects.filter(round=locked).delete()
    for row in rows:
        EvaluationResult.objects.create(
            round=locked,
            department=row.department,
            scores={k: (str(v) if v is not None else None) for k, v in row.scores.items()},
            total=row.total,
            rank=row.rank,
        )
    locked.status = EvaluationRound.Status.PUBLISHED
    locked.save(update_fields=["status"])
    events.evaluation_published(
        actor=actor, round=locked, totals={r.department.name: str(r.total) if r.total is not None else "" for r in rows}
    )
    locked.disclosure_id = disclosure.publish(
        actor=actor,
        scope_path=locked.scope_path,
        scope_name=locked.county.name,
        category=disclosure.DECISION,
        title=_("%(t)s：评价结果") % {"t": locked.title},
        body="\n".join(
            f"{r.rank}. {r.department.name} {r.total}"
            if r.total is not None
            else f"— {r.department.name} {_('数据不全')}"
            for r in rows
        ),
        source=locked,
    )
    locked.save(update_fields=["disclosure_id"])
    return locked
