"""Writes to the residents' registry and the vault: validate, encrypt, blind-index, record the event (masked)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.actors import SYSTEM, is_system
from gongzhi.core.errors import Conflict, Forbidden, ServiceError
from gongzhi.core.policy import grants_of
from gongzhi.territory.models import Building, Division, Level, ResidentialComplex

from . import events, identity, vault
from .models import (
    AccessLog,
    GroupFlag,
    Household,
    ProxyConsent,
    ProxyPurpose,
    Relation,
    ResidenceStatus,
    Resident,
    SpecialGroup,
    SubjectRequest,
)
from .permissions import STAFF_ROLES, policy

REQUEST_DAYS = 15  # 个人信息保护法 does not fix a period; 15 days is the common practice (GB/T 35273 8.7)
REVEALABLE = ("id_number", "phone", "address", "groups")


def _authorize(actor: Any, action: str, obj: Any) -> None:
    if not is_system(actor):
        policy.require(actor, action, obj, view_action="view")


@dataclass(frozen=True)
class Place:
    """Where a resident or household sits: community, optional grid, and the scope path that follows."""

    community: Division
    grid: Division | None

    @property
    def scope_path(self) -> str:
        return self.grid.path if self.grid is not None else self.community.path


def place_of(community: Division, grid: Division | None = None) -> Place:
    if community.level != Level.COMMUNITY:
        raise ServiceError(_("请选择社区/行政村。"), fields={"community": _("不是社区/行政村")})
    if grid is not None and (grid.level != Level.GRID or grid.parent_id != community.pk):
        raise ServiceError(_("网格不属于该社区。"), fields={"grid": _("网格不属于该社区")})
    return Place(community, grid)


def seal_id(id_number: identity.IdNumber) -> dict[str, Any]:
    return {
        "id_enc": vault.encrypt("id_number", id_number.value),
        "id_index": vault.blind_index("id_number", id_number.value),
        "index_key": vault.index_key_id(),
        "id_masked": id_number.masked,
        "birth_date": id_number.birth_date,
        "sex": id_number.sex,
    }


def seal_phone(phone: str) -> dict[str, Any]:
    if not phone:
        return {"phone_enc": None, "phone_index": "", "phone_masked": ""}
    return {
        "phone_enc": vault.encrypt("phone", phone),
        "phone_index": vault.blind_index("phone", phone),
        "phone_masked": identity.mask_mobile(phone),
    }


def group_index(group: str) -> str:
    return vault.blind_index("group", group)


def _parse_id(text: str) -> identity.IdNumber:
    try:
        return identity.parse_id(text)
    except ValueError as exc:
        raise ServiceError(str(exc), fields={"id_number": str(exc)}) from exc


def _parse_phone(text: str) -> str:
    if not text:
        return ""
    try:
        return identity.parse_mobile(text)
    except ValueError as exc:
        raise ServiceError(str(exc), fields={"phone": str(exc)}) from exc


@transaction.atomic
def household_create(
    *,
    actor: Any,
    place: Place,
    household_no: str,
    complex: ResidentialComplex | None = None,
    building: Building | None = None,
    unit: str = "",
    room: str = "",
    address: str = "",
) -> Household:
    """户 at an address down to 小区/楼栋/单元/室; the unit, room and street address are encrypted."""
    household = Household(
        household_no=household_no.strip(),
        community=place.community,
        grid=place.grid,
        scope_path=place.scope_path,
        complex=complex,
        building=building,
    )
    _authorize(actor, "manage", household)
    if not household.household_no:
        raise ServiceError(_("请填写户号。"), fields={"household_no": _("必填")})
    if complex is not None and not complex.scope_path.startswith(place.community.path):
        raise ServiceError(_("小区不在该社区内。"), fields={"complex": _("小区不在该社区内")})
    if building is not None and building.complex_id != getattr(complex, "pk", None):
        raise ServiceError(_("楼栋不属于该小区。"), fields={"building": _("楼栋不属于该小区")})
    seal_address(household, address=address, unit=unit, room=room)
    if Household.objects.filter(community=place.community, household_no=household.household_no).exists():
        raise Conflict(
            _("该社区已有户号 %(no)s。") % {"no": household.household_no}, fields={"household_no": _("已存在")}
        )
    household.save()
    events.household_created(actor=actor, household=household)
    return household


@transaction.atomic
def household_update(
    *,
    actor: Any,
    household: Household,
    grid: Division | None = None,
    unit: str | None = None,
    room: str | None = None,
    address: str | None = None,
) -> Household:
    """Edit a household's grid and address (单元/室/详细地址, re-encrypted); a None argument keeps the value. The
    address is written whole: pass unit, room and address together (the form does)."""
    _authorize(actor, "manage", household)
    household = Household.objects.select_for_update().get(pk=household.pk)
    before = events.household_snapshot(household)
    if grid is not None:
        place = place_of(household.community, grid)
        household.grid = grid
        household.scope_path = place.scope_path
        _authorize(actor, "manage", household)
    if unit is not None or room is not None or address is not None:
        seal_address(household, address=address or "", unit=unit or "", room=room or "")
    household.save()
    events.household_updated(actor=actor, household=household, before=before)
    return household


def address_text(*, address: str, unit: str, room: str) -> str:
    parts = [address.strip()]
    if unit.strip():
        parts.append(_("%(u)s单元") % {"u": unit.strip()})
    if room.strip():
        parts.append(_("%(r)s室") % {"r": room.strip()})
    return " ".join(p for p in parts if p)


def seal_address(household: Household, *, address: str, unit: str, room: str) -> None:
    text = address_text(address=address, unit=unit, room=room)
    household.address_enc = vault.encrypt("address", text) if text else None
    household.address_masked = identity.mask_text(text) if text else ""


@transaction.atomic
def resident_register(
    *,
    actor: Any,
    place: Place,
    name: str,
    id_number: str,
    residence_status: str,
    phone: str = "",
    household: Household | None = None,
    relation: str = Relation.OTHER,
) -> Resident:
    """登记居民: one record per ID number (the blind index is unique)."""
    if not name.strip():
        raise ServiceError(_("请填写姓名。"), fields={"name": _("必填")})
    if residence_status not in ResidenceStatus.values:
        raise ServiceError(_("居住状态无效。"), fields={"residence_status": _("取值无效")})
    if relation not in Relation.values:
        raise ServiceError(_("与户主关系无效。"), fields={"relation": _("取值无效")})
    parsed = _parse_id(id_number)
    resident = Resident(
        name=name.strip()[:40],
        residence_status=residence_status,
        household=household,
        relation=relation,
        community=place.community,
        grid=place.grid,
        scope_path=place.scope_path,
        **seal_id(parsed),
        **seal_phone(_parse_phone(phone)),
    )
    _authorize(actor, "manage", resident)
    if household is not None and household.community_id != place.community.pk:
        raise ServiceError(_("该户不在此社区。"), fields={"household": _("户不在此社区")})
    if Resident.objects.filter(id_index__in=vault.blind_indexes("id_number", parsed.value)).exists():
        raise Conflict(_("该身份证号已登记。"), fields={"id_number": _("已登记")})
    resident.save()
    events.resident_registered(actor=actor, resident=resident)
    return resident


@transaction.atomic
def resident_update(
    *,
    actor: Any,
    resident: Resident,
    name: str | None = None,
    phone: str | None = None,
    residence_status: str | None = None,
    household: Household | None = None,
    relation: str | None = None,
) -> Resident:
    _authorize(actor, "manage", resident)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    before = events.resident_snapshot(resident)
    if name is not None and name.strip():
        resident.name = name.strip()[:40]
    if phone is not None:
        for key, value in seal_phone(_parse_phone(phone)).items():
            setattr(resident, key, value)
    if residence_status is not None:
        if residence_status not in ResidenceStatus.values:
            raise ServiceError(_("居住状态无效。"), fields={"residence_status": _("取值无效")})
        resident.residence_status = residence_status
    if household is not None:
        if household.community_id != resident.community_id:
            raise ServiceError(_("该户不在此社区。"), fields={"household": _("户不在此社区")})
        resident.household = household
    if relation is not None:
        if relation not in Relation.values:
            raise ServiceError(_("与户主关系无效。"), fields={"relation": _("取值无效")})
        resident.relation = relation
    resident.save()
    events.resident_updated(actor=actor, resident=resident, before=before)
    return resident


@transaction.atomic
def flag_add(
    *,
    actor: Any,
    resident: Resident,
    group: str,
    since: date,
    source: str,
    note: str = "",
    purpose: str = GroupFlag.Purpose.ROUTINE,
    destroy_on: date | None = None,
) -> GroupFlag:
    """特殊人群标识 with its date and source; emergency data must carry a destruction date."""
    _authorize(actor, "manage", resident)
    if group not in SpecialGroup.values:
        raise ServiceError(_("人群类别无效。"), fields={"group": _("取值无效")})
    if not source.strip():
        raise ServiceError(_("请填写标识来源。"), fields={"source": _("必填")})
    if purpose == GroupFlag.Purpose.EMERGENCY and destroy_on is None:
        raise ServiceError(_("为突发事件应对收集的信息必须写明销毁日期。"), fields={"destroy_on": _("必填")})
    index = group_index(group)
    if GroupFlag.objects.filter(resident=resident, group_index__in=vault.blind_indexes("group", group)).exists():
        raise Conflict(_("该居民已有此标识。"), fields={"group": _("已有此标识")})
    flag = GroupFlag.objects.create(
        resident=resident,
        scope_path=resident.scope_path,
        group_enc=vault.encrypt("group", group),
        group_index=index,
        index_key=vault.index_key_id(),
        since=since,
        source=source.strip()[:80],
        note_enc=vault.encrypt("note", note) if note else None,
        purpose=purpose,
        destroy_on=destroy_on,
    )
    events.flag_added(actor=actor, flag=flag)
    return flag


@transaction.atomic
def flag_remove(*, actor: Any, flag: GroupFlag) -> None:
    _authorize(actor, "manage", flag)
    events.flag_removed(actor=actor, flag=flag)
    flag.delete()


@transaction.atomic
def destroy_expired_flags(*, today: date | None = None) -> int:
    """The emergency hook: flags past their destruction date are deleted (idempotent; runs daily)."""
    day = today or timezone.localdate()
    expired = GroupFlag.objects.filter(destroy_on__isnull=False, destroy_on__lte=day)
    count = expired.count()
    if count:
        expired.delete()
        events.flags_destroyed(actor=SYSTEM, count=count, day=day.isoformat())
    return count


def _role_for(actor: Any, action: str, resident: Resident) -> str:
    for grant in policy.grants_for(actor, action):
        if resident.scope_path.startswith(grant.path):
            return grant.role
    return ""


def plaintext(resident: Resident, field: str) -> str:
    """Decrypt one field (for reveal and for the resident's own download only)."""
    if field == "id_number":
        return vault.decrypt("id_number", resident.id_enc)
    if field == "phone":
        return vault.decrypt("phone", resident.phone_enc) if resident.phone_enc else ""
    if field == "address":
        household = resident.household
        return vault.decrypt("address", household.address_enc) if household and household.address_enc else ""
    if field == "groups":
        return "、".join(group_labels(resident.flags.all()))
    raise ServiceError(_("不支持查看该字段。"), fields={"field": _("取值无效")})


def group_labels(flags: Iterable[GroupFlag]) -> list[str]:
    return [str(SpecialGroup(vault.decrypt("group", f.group_enc)).label) for f in flags]


def masked(resident: Resident, field: str) -> str:
    return {
        "id_number": resident.id_masked,
        "phone": resident.phone_masked,
        "address": resident.household.address_masked if resident.household else "",
        "groups": "***",
    }.get(field, "")


def reveal(*, actor: Any, resident: Resident, field: str, purpose: str) -> str:
    """查看明文: needs the reveal permission over the record and a stated purpose; logged and shown to the resident.

    Not atomic as a whole: a refusal is recorded in its own transaction before the error is raised."""
    if field not in REVEALABLE:
        raise ServiceError(_("不支持查看该字段。"), fields={"field": _("取值无效")})
    if not policy.can(actor, "reveal", resident):
        if not policy.can(actor, "view", resident):
            policy.require(actor, "view", resident)  # NotFound: no existence oracle
        events.reveal_refused(actor=actor, resident=resident, field=field)
        raise Forbidden(_("您没有查看明文的权限。"))
    purpose = purpose.strip()
    if len(purpose) < 4:
        raise ServiceError(_("请说明查看用途（至少 4 个字）。"), fields={"purpose": _("请说明查看用途（至少 4 个字）")})
    with transaction.atomic():
        log = AccessLog.objects.create(
            resident=resident,
            viewer=actor,
            viewer_role=_role_for(actor, "reveal", resident),
            field=field,
            purpose=purpose[:200],
            scope_path=resident.scope_path,
        )
        events.revealed(actor=actor, log=log, masked=masked(resident, field))
    return plaintext(resident, field)


@transaction.atomic
def account_link(*, actor: Any, resident: Resident, account: Any) -> Resident:
    """Link a resident's platform account to their record (done by staff after checking identity, or the system)."""
    _authorize(actor, "manage", resident)
    if Resident.objects.filter(account=account).exclude(pk=resident.pk).exists():
        raise Conflict(_("该账号已关联其他居民。"), fields={"account": _("已关联")})
    resident.account = account
    resident.save(update_fields=["account", "updated_at"])
    events.account_linked(actor=actor, resident=resident)
    return resident


CONSENT_MAX_DAYS = 366


@transaction.atomic
def proxy_consent_record(
    *,
    actor: Any,
    resident: Resident,
    purpose: str,
    matters: str,
    method: str,
    evidence: str,
    given_on: date,
    expires_on: date,
    agent: Any = None,
    unit: Division | None = None,
) -> ProxyConsent:
    """代办授权: record the resident's standing consent that a named staff member (`agent`) or any staff member of a
    unit (`unit`, a community or grid over the resident) acts on their behalf for `purpose`; how it was given
    (书面/电话/当面), its evidence and its period (at most a year). Ledgered; shown to the resident on 我的信息."""
    if not is_system(actor):
        policy.require(actor, "record_consent", resident, view_action="view")
    if (agent is None) == (unit is None):
        raise ServiceError(_("请指定代办人或代办单位（二选一）。"), fields={"agent": _("二选一")})
    if purpose not in ProxyPurpose.values:
        raise ServiceError(_("代办用途无效。"), fields={"purpose": _("取值无效")})
    if method not in ProxyConsent.Method.values:
        raise ServiceError(_("请选择同意方式。"), fields={"method": _("取值无效")})
    if not matters.strip() or not evidence.strip():
        raise ServiceError(_("请填写代办事项和凭证说明。"), fields={"evidence": _("必填")})
    if expires_on < given_on or expires_on > given_on + timedelta(days=CONSENT_MAX_DAYS):
        raise ServiceError(_("有效期应在同意日期之后、一年以内。"), fields={"expires_on": _("超出范围")})
    if agent is not None and not policy.can(agent, "view", resident):
        raise ServiceError(_("代办人须为负责该居民的工作人员。"), fields={"agent": _("不在辖区内")})
    if unit is not None and (
        unit.level not in (Level.COMMUNITY, Level.GRID) or not resident.scope_path.startswith(unit.path)
    ):
        raise ServiceError(_("代办单位须为该居民所在的社区或网格。"), fields={"unit": _("不在辖区内")})
    consent = ProxyConsent.objects.create(
        resident=resident,
        agent=agent,
        unit=unit,
        purpose=purpose,
        scope_path=resident.scope_path,
        matters=matters.strip()[:200],
        method=method,
        evidence=evidence.strip()[:200],
        given_on=given_on,
        expires_on=expires_on,
        recorded_by=None if is_system(actor) else actor,
    )
    events.consent_recorded(actor=actor, consent=consent)
    return consent


def consent_record(
    *,
    actor: Any,
    resident: Resident,
    agent: Any,
    matters: str,
    evidence: str,
    given_on: date,
    expires_on: date,
) -> ProxyConsent:
    """The earlier signature: a written consent for every 代办 matter, to one named staff member."""
    return proxy_consent_record(
        actor=actor,
        resident=resident,
        purpose=ProxyPurpose.ANY,
        matters=matters,
        method=ProxyConsent.Method.WRITTEN,
        evidence=evidence,
        given_on=given_on,
        expires_on=expires_on,
        agent=agent,
    )


@transaction.atomic
def proxy_consent_revoke(*, actor: Any, consent: ProxyConsent) -> ProxyConsent:
    """撤回代办授权: by the resident (their own record) or by staff who may record consents for them."""
    consent = ProxyConsent.objects.select_for_update().select_related("resident").get(pk=consent.pk)
    own = consent.resident.account_id is not None and consent.resident.account_id == getattr(actor, "pk", None)
    if not own and not is_system(actor):
        policy.require(actor, "record_consent", consent.resident, view_action="view")
    if consent.revoked_at is not None:
        raise Conflict(_("该授权已撤回。"))
    consent.revoked_at = timezone.now()
    consent.revoked_by = None if is_system(actor) else actor
    consent.save(update_fields=["revoked_at", "revoked_by"])
    events.consent_revoked(actor=actor, consent=consent)
    return consent


def proxy_consent_check(*, agent: Any, resident: Resident, purpose: str, on: date | None = None) -> ProxyConsent | None:
    """The consent under which `agent` may act for `resident` for `purpose` on a day (today by default), or None.

    A consent counts when it is not revoked, the day is within its period, its purpose is `purpose` or 全部, and it
    names the agent, or names a unit (community/grid) where the agent holds a staff grant that covers the resident.
    Other domains (e.g. appeals filed on a resident's behalf) call this before acting; no row = refuse."""
    day = on or timezone.localdate()
    candidates = ProxyConsent.objects.filter(
        resident=resident,
        revoked_at__isnull=True,
        given_on__lte=day,
        expires_on__gte=day,
        purpose__in=(purpose, ProxyPurpose.ANY),
    ).select_related("unit")
    agent_id = getattr(agent, "pk", None)
    grants = None
    for consent in candidates:
        if consent.agent_id is not None and consent.agent_id == agent_id:
            return consent
        if consent.unit_id is not None and consent.unit is not None:
            if grants is None:
                grants = [g.path for g in grants_of(agent) if g.role in STAFF_ROLES]
            if any(path.startswith(consent.unit.path) for path in grants) and policy.can(agent, "view", resident):
                return consent
    return None


def has_consent(*, agent: Any, resident: Resident, today: date | None = None) -> bool:
    """The earlier check (subject-rights requests); see proxy_consent_check."""
    found = proxy_consent_check(agent=agent, resident=resident, purpose=ProxyPurpose.SUBJECT_RIGHTS, on=today)
    return found is not None


@transaction.atomic
def request_file(*, actor: Any, resident: Resident, kind: str, field: str, details: str) -> SubjectRequest:
    """A resident (or staff acting for them with recorded consent, 代办) asks to see, correct or delete data."""
    own = resident.account_id is not None and resident.account_id == getattr(actor, "pk", None)
    proxy = not own
    if proxy and not (
        policy.can(actor, "view", resident)
        and proxy_consent_check(agent=actor, resident=resident, purpose=ProxyPurpose.SUBJECT_RIGHTS) is not None
    ):
        raise Forbidden(_("代办须先登记居民本人的同意。"))
    if kind not in SubjectRequest.Kind.values:
        raise ServiceError(_("请求类型无效。"), fields={"kind": _("取值无效")})
    if not details.strip():
        raise ServiceError(_("请说明需要更正或处理的内容。"), fields={"details": _("必填")})
    request = SubjectRequest.objects.create(
        resident=resident,
        scope_path=resident.scope_path,
        kind=kind,
        field=field[:40],
        details_enc=vault.encrypt("request", details.strip()[:2000]),
        due_on=timezone.localdate() + timedelta(days=REQUEST_DAYS),
        filed_by=actor,
    )
    events.request_filed(actor=actor, request=request, proxy=proxy)
    return request


CLAIM_ATTEMPTS = 5  # per account and day: the ID number + mobile pair must not be guessable by trying


def account_claim(*, actor: Any, id_number: str, phone: str) -> Resident:
    """A resident links their own account to their record: the ID number and the mobile number on record must both
    match (blind indexes; nothing is decrypted), the record must have no account yet, and the account none. A miss
    is recorded and counted (at most CLAIM_ATTEMPTS a day); otherwise a worker links the account (account_link)."""
    from django.core.cache import cache

    key = f"residents:claim:{getattr(actor, 'pk', None)}:{timezone.localdate().isoformat()}"
    if int(cache.get(key, 0)) >= CLAIM_ATTEMPTS:
        raise Forbidden(_("今日尝试次数过多，请明天再试，或请社区工作人员核验后关联。"))
    if Resident.objects.filter(account_id=getattr(actor, "pk", None)).exists():
        raise Conflict(_("您的账号已关联居民信息。"))
    try:
        parsed = identity.parse_id(id_number)
        mobile = identity.parse_mobile(phone)
    except ValueError as exc:
        raise ServiceError(str(exc), fields={"id_number": str(exc)}) from exc
    resident = Resident.objects.filter(
        id_index__in=vault.blind_indexes("id_number", parsed.value),
        phone_index__in=vault.blind_indexes("phone", mobile),
        account__isnull=True,
        erased_at__isnull=True,
    ).first()
    if resident is None:
        cache.set(key, int(cache.get(key, 0)) + 1, 86400)
        events.account_claim_refused(actor=actor, reason="no_match")
        raise ServiceError(
            _("没有找到身份证号和手机号都相符、且尚未关联账号的居民信息。如信息有误，请联系社区工作人员。"),
            code="no_match",
        )
    with transaction.atomic():
        resident = Resident.objects.select_for_update().get(pk=resident.pk)
        if resident.account_id is not None:
            raise Conflict(_("该居民信息已关联其他账号。"))
        resident.account = actor
        resident.save(update_fields=["account", "updated_at"])
        events.account_linked(actor=actor, resident=resident)
    return resident


ERASED_NAME = "（已删除）"


@transaction.atomic
def resident_erase(*, actor: Any, resident: Resident) -> Resident:
    """Erase a resident's personal information (个人信息保护法 art. 47) after a deletion request is approved: the
    ID number, mobile, name and special-group flags are overwritten or deleted, the birth date cut to the year, the
    account unlinked; the row stays (other records point to it) as an anonymous stub. The ledger keeps the list of
    erased fields and a SHA-256 digest of the old blind index, so an auditor holding a number can confirm it was
    erased without the ledger holding the number. Idempotent."""
    import hashlib

    _authorize(actor, "handle_requests", resident)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.erased_at is not None:
        return resident
    digest = hashlib.sha256(resident.id_index.encode()).hexdigest()
    marker = f"erased-{resident.public_id.hex}"[:32]
    resident.name = ERASED_NAME
    resident.id_enc = vault.encrypt("id_number", "")
    resident.id_index = marker
    resident.id_masked = "*" * 18
    resident.birth_date = resident.birth_date.replace(month=1, day=1)
    resident.phone_enc = None
    resident.phone_index = ""
    resident.phone_masked = ""
    resident.account = None
    resident.erased_at = timezone.now()
    resident.save()
    flags = resident.flags.count()
    resident.flags.all().delete()
    SubjectRequest.objects.filter(resident=resident).update(details_enc=vault.encrypt("request", ""))
    fields = ["name", "id_number", "phone", "birth_date(month/day)", "account", "request_texts"]
    if flags:
        fields.append("groups")
    events.resident_erased(actor=actor, resident=resident, digest=digest, fields=fields)
    return resident


@transaction.atomic
def request_handle(*, actor: Any, request: SubjectRequest, status: str, response: str) -> SubjectRequest:
    _authorize(actor, "handle_requests", request)
    request = SubjectRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != SubjectRequest.Status.OPEN:
        raise Conflict(_("该请求已办结。"))
    if status not in (SubjectRequest.Status.DONE, SubjectRequest.Status.REJECTED):
        raise ServiceError(_("请选择办理结果。"), fields={"status": _("取值无效")})
    if not response.strip():
        raise ServiceError(_("请填写答复。"), fields={"response": _("必填")})
    request.status = status
    request.response = response.strip()[:2000]
    request.handled_by = actor
    request.handled_at = timezone.now()
    request.save()
    events.request_handled(actor=actor, request=request)
    if request.kind == SubjectRequest.Kind.DELETION and status == SubjectRequest.Status.DONE:
        resident_erase(actor=actor, resident=request.resident)  # approval erases, in the same transaction
    return request


def viewer_role_labels(actor: Any) -> list[str]:
    return sorted({g.role for g in grants_of(actor)})
