"""Writes for accounts, units, role assignments, login throttling, second factors and API tokens."""

import secrets
from datetime import date, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongzhi.core.actors import is_system
from gongzhi.core.db import HotQuery
from gongzhi.core.errors import Conflict, ServiceError
from gongzhi.core.roles import SEPARATED_DUTIES, Role
from gongzhi.territory.models import Division

from . import events
from .models import ApiToken, LoginThrottle, RoleAssignment, Unit, User
from .permissions import policy


def _require(actor: Any, action: str, node: Division) -> None:
    if not is_system(actor):
        policy.require(actor, action, node, view_action="view_accounts")


@transaction.atomic
def account_create(
    *, actor: Any, username: str, password: str, display_name: str = "", division: Division, check_password: bool = True
) -> User:
    """A new account; `division` is where the creating admin acts (the account itself has no scope until assigned)."""
    _require(actor, "manage_accounts", division)
    username = username.strip()
    if not username or len(username) > 150:
        raise ServiceError(_("用户名不能为空，且不超过 150 个字符。"), fields={"username": _("请填写用户名")})
    user = User(username=username, display_name=display_name.strip())
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ServiceError(_("密码不符合要求。"), fields={"password": "；".join(exc.messages)}) from exc
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise Conflict(_("用户名 %(u)s 已被使用。") % {"u": username}, fields={"username": _("已被使用")}) from exc
    events.account_event(
        actor=actor, action=events.ACCOUNT_CREATED, user=user, scope_path=division.path, display_name=user.display_name
    )
    return user


@transaction.atomic
def account_onboard(
    *,
    actor: Any,
    username: str,
    password: str,
    display_name: str,
    role: str,
    division: Division,
    unit: Unit | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> User:
    """A new account with its first role, both or neither."""
    user = account_create(
        actor=actor, username=username, password=password, display_name=display_name, division=division
    )
    role_assign(actor=actor, user=user, role=role, division=division, unit=unit, starts_on=starts_on, ends_on=ends_on)
    return user


@transaction.atomic
def unit_create(*, actor: Any, name: str, kind: str, division: Division, responsibilities: str = "") -> Unit:
    """单位 (R4.2: departments are a registry with their responsibilities)."""
    _require(actor, "manage_units", division)
    unit = Unit(
        name=name.strip(), kind=kind, division=division, scope_path=division.path, responsibilities=responsibilities
    )
    try:
        unit.full_clean()
    except ValidationError as exc:
        raise ServiceError.from_validation(exc) from exc
    unit.save()
    events.unit_created(actor=actor, unit=unit)
    return unit


@transaction.atomic
def role_assign(
    *,
    actor: Any,
    user: User,
    role: str,
    division: Division,
    unit: Unit | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> RoleAssignment:
    """Assign a role at a node. The three admin duties (三员) never meet in one person (等保 2.0 L3)."""
    _require(actor, "assign_roles", division)
    if role not in Role.values:
        raise ServiceError(_("未知的角色：%(r)s") % {"r": role}, fields={"role": _("未知角色")})
    if not is_system(actor) and actor.pk == user.pk:
        raise ServiceError(_("不能给自己授予角色。"), code="self_grant", status=403)
    starts_on = starts_on or timezone.localdate()
    if ends_on is not None and ends_on < starts_on:
        raise ServiceError(_("终止日期不能早于起始日期。"), fields={"ends_on": _("早于起始日期")})
    if (
        unit is not None
        and not division.path.startswith(unit.scope_path)
        and not unit.scope_path.startswith(division.path)
    ):
        raise ServiceError(_("单位与辖区不一致。"), fields={"unit": _("单位不在该辖区")})
    if role in SEPARATED_DUTIES:
        clash = (
            RoleAssignment.objects.select_for_update()
            .filter(user=user, role__in=SEPARATED_DUTIES - {role})
            .filter(models_q_active_overlap(starts_on, ends_on))
        )
        if clash.exists():
            raise Conflict(
                _("系统管理员、安全管理员和审计管理员须由不同人员担任（三员分立）。"),
                fields={"role": _("与已有职责冲突")},
            )
    assignment = RoleAssignment.objects.create(
        user=user,
        role=role,
        division=division,
        scope_path=division.path,
        unit=unit,
        starts_on=starts_on,
        ends_on=ends_on,
        granted_by=None if is_system(actor) else actor,
    )
    _grants_changed(user)
    events.role_assigned(actor=actor, assignment=assignment)
    return assignment


def _grants_changed(user: User) -> None:
    """A role of `user` changed (the assignment's save moved `grants_version`): this instance forgets its grants."""
    user.refresh_from_db(fields=["grants_version"])
    user.forget_grants()


def models_q_active_overlap(starts_on: date, ends_on: date | None) -> Any:
    from django.db.models import Q

    q = Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
    if ends_on is not None:
        q &= Q(starts_on__lte=ends_on)
    return q


@transaction.atomic
def role_end(*, actor: Any, assignment: RoleAssignment, ends_on: date | None = None) -> RoleAssignment:
    _require(actor, "assign_roles", assignment.division)
    previous = assignment.ends_on.isoformat() if assignment.ends_on else None
    assignment.ends_on = max(ends_on or timezone.localdate(), assignment.starts_on)
    assignment.save(update_fields=["ends_on"])
    _grants_changed(assignment.user)
    events.role_ended(actor=actor, assignment=assignment, previous_end=previous)
    return assignment


def login_locked_until(username: str) -> Any:
    throttle = LoginThrottle.objects.filter(username=username.strip().lower()).first()
    if throttle and throttle.locked_until and throttle.locked_until > timezone.now():
        return throttle.locked_until
    return None


@transaction.atomic
def login_failed(*, username: str, limit: int | None = None) -> LoginThrottle:
    """Count a failed password or code; lock for a cool-off after `limit` (default GONGZHI_LOGIN_MAX_FAILURES) in a
    row."""
    key = username.strip().lower()[:150]
    throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(username=key)
    now = timezone.now()
    if throttle.locked_until and throttle.locked_until <= now:
        throttle.failures = 0
        throttle.locked_until = None
    throttle.failures += 1
    throttle.last_failure_at = now
    if throttle.failures >= (limit or settings.GONGZHI_LOGIN_MAX_FAILURES):
        throttle.locked_until = now + timedelta(seconds=settings.GONGZHI_LOGIN_LOCKOUT_SECONDS)
        user = User.objects.filter(username__iexact=key).first()
        if user is not None:
            events.account_event(
                actor=None, action=events.ACCOUNT_LOCKED, user=user, locked_until=throttle.locked_until.isoformat()
            )
    throttle.save()
    return throttle


def login_succeeded(*, username: str) -> None:
    LoginThrottle.objects.filter(username=username.strip().lower()).delete()


@transaction.atomic
def account_unlock(*, actor: Any, user: User, division: Division) -> None:
    """安全管理员 lifts a lockout before its cool-off ends."""
    _require(actor, "manage_security", division)
    LoginThrottle.objects.filter(username=user.username.lower()).delete()
    events.account_event(actor=actor, action=events.ACCOUNT_UNLOCKED, user=user, scope_path=division.path)


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (one per user; a fresh secret each time enrolment restarts)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("身份验证器"), confirmed=False)
    return device


@transaction.atomic
def totp_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    if device.user_id != user.pk or device.confirmed:
        return False
    if not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    events.account_event(actor=user, action=events.SECOND_FACTOR_ENROLLED, user=user)
    return True


@transaction.atomic
def totp_reset(*, actor: Any, user: User, division: Division) -> None:
    """安全管理员 removes a lost authenticator; the user enrols a new one at next login."""
    _require(actor, "manage_security", division)
    TOTPDevice.objects.filter(user=user).delete()
    events.account_event(actor=actor, action=events.SECOND_FACTOR_RESET, user=user, scope_path=division.path)


@transaction.atomic
def api_token_create(*, actor: User, name: str, days: int | None = 90) -> tuple[ApiToken, str]:
    """Returns the token and its secret; the secret is shown once and only its SHA-256 is stored."""
    name = name.strip()
    if not name or len(name) > 80:
        raise ServiceError(_("请填写令牌用途（不超过 80 个字符）。"), fields={"name": _("必填")})
    if days is not None and not 1 <= days <= 366:
        raise ServiceError(_("有效期应为 1 至 366 天。"), fields={"days": _("超出范围")})
    raw = "gz_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=raw[:10],
        digest=ApiToken.digest_of(raw),
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    events.token_event(actor=actor, action=events.TOKEN_CREATED, token=token)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        from gongzhi.core.errors import NotFound

        raise NotFound(_("未找到该令牌。"))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        events.token_event(actor=actor, action=events.TOKEN_REVOKED, token=token)


_TOKEN_FIELDS = ("id", "expires_at", "last_used_at", "revoked_at")
TOKEN_QUERY = HotQuery("people.api_token")


@cache
def _user_fields() -> tuple[str, ...]:
    return tuple(field.attname for field in User._meta.concrete_fields)


def api_token_authenticate(raw: str) -> User | None:
    """Every API request runs this: one probe of the unique digest index returning the token's state and its user's
    row, compiled once (`HotQuery`); the user is a fresh instance with every column loaded."""
    user_fields = _user_fields()
    rows = TOKEN_QUERY.rows(
        (),
        lambda slot: (
            ApiToken.objects.filter(digest=slot["digest"])
            .order_by()
            .values_list(*_TOKEN_FIELDS, *(f"user__{name}" for name in user_fields))[:1]
        ),
        digest=ApiToken.digest_of(raw),
    )
    if not rows:
        return None
    token = ApiToken.from_db("default", _TOKEN_FIELDS, rows[0][: len(_TOKEN_FIELDS)])
    user = User.from_db("default", user_fields, rows[0][len(_TOKEN_FIELDS) :])
    if not token.is_usable or not user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


def profile_update(*, user: User, language: str = "", large_text: str | None = None) -> None:
    """The user's own display preferences (not audited: they change nothing anyone else sees)."""
    fields = []
    if language:
        user.preferred_language = language
        fields.append("preferred_language")
    if large_text is not None:
        user.large_text = large_text == "1"
        fields.append("large_text")
    if fields:
        user.save(update_fields=fields)
