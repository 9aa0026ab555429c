"""Writes of the appeals domain (民生诉求, R14.3): intake, the workflow, dispatch through the duty-list gate (R10.2),
deadlines in working days, notices and rollups.

Intake — the one entry point for every channel (portal, phone/代办, 12345 import, REST API, Open311)::

    appeal_submit(
        *,
        actor,                      # the signed-in user, an API client's user, or SYSTEM (imports, Open311)
        channel: str,               # models.Channel value: portal / phone / proxy / 12345 / api / open311
        appeal_type: str,           # models.AppealType value: consult / help / complaint / report / suggestion / ...
        category,                   # models.Category or its code
        place,                      # territory.Division (community or grid inside the city) or its code
        text: str,                  # 1–5,000 characters; stored as typed, escaped on output
        photos=(),                  # file-like objects (JPEG/PNG/WebP, ≤ 5 MB each, at most 6)
        contact: Contact | None = None,  # name + mobile; the mobile is kept only vault-encrypted and masked
        address: str = "",          # free detail inside the place (≤ 120 characters)
        consent_note: str = "",     # phone/代办: how the resident consented (required for those channels)
        resident=None,              # the resident's account when staff take it down for them
        on_behalf_of=None,          # 代办: the residents.Resident acted for; needs their standing 代办 consent
        external_ref: str | None = None,   # the 12345 ticket number (imports are idempotent on it)
        idempotency_key: str | None = None,
        idempotency_owner: str | None = None,  # default "user:<id>" or "system"; Open311 passes "open311:<client>"
        now: datetime | None = None,
    ) -> Appeal                     # `appeal.pickup_code` holds the 提取码 (also on an idempotent replay)

A retry with the same key and the same body returns the original appeal and creates nothing; the same key with a
different body answers 409. Errors are `ServiceError` (400), `NotFound`, `Forbidden`, `Conflict` (409). A resident is
never refused for a gap in the working calendar: a deadline reaching a year the calendar does not know yet is
*provisional* (暂定期限, Monday–Friday assumed for that year, `appeal.deadline_provisional`), shown as such everywhere,
and recomputed by `deadlines_recompute` when the administrator confirms the year (the resident is told a changed date).

Every workflow service takes `appeal=` (an instance or its pk), locks the row (`select_for_update`), checks the status
it starts from (a concurrent step that got there first makes the second one a clean 409), writes one `AppealEvent`,
one ledger event, moves the rollup counters (`AppealStat`) and, where the resident should know, queues a notice.
"""

import hashlib
import hmac
import io
import json
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from gongzhi.core import refdata
from gongzhi.core.actors import SYSTEM, is_system
from gongzhi.core.db import next_id
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ServiceError
from gongzhi.core.policy import grants_of
from gongzhi.duties.selectors import community_may_receive
from gongzhi.people.models import Unit
from gongzhi.residents import vault
from gongzhi.residents.identity import mask_mobile, parse_mobile
from gongzhi.territory.models import Division, Level
from gongzhi.territory.selectors import division_by_code
from gongzhi.workdays.calendar import Deadline, WorkingCalendar

from . import events, notify
from .models import (
    COUNTERS,
    OPEN_STATUSES,
    Appeal,
    AppealEvent,
    AppealPhoto,
    AppealStat,
    AppealStatMonth,
    AppealType,
    Category,
    Channel,
    DeadlineRuleSet,
    DispatchRoute,
    HandlerKind,
    IdempotencyKey,
    StatDim,
    Status,
)
from .permissions import HANDLERS, policy

MAX_TEXT = 5000
MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
PICKUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone
PICKUP_LENGTH = 6
MAX_EXTENSION_DAYS = 15
SATISFIED_FROM = 3  # 回访 1–5: 3 and above counts as satisfied
STAFF_CHANNELS = (Channel.PHONE, Channel.PROXY)
MOBILE_FIELD = "appeals.contact_mobile"
PICKUP_FIELD = "appeals.pickup"


@dataclass(frozen=True)
class Contact:
    name: str = ""
    mobile: str = ""


# ---- helpers --------------------------------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def end_of_day(day: date) -> datetime:
    """Deadlines run to the end of their last working day, in the platform's time zone."""
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def _local(moment: datetime) -> date:
    return timezone.localdate(moment)


def pickup_digest(number: str, code: str) -> str:
    """HMAC of the 提取码 under the site secret and the appeal number (fast enough for 200 intakes/s, useless
    without the secret)."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{number}\x00{code.strip().upper()}".encode(), hashlib.sha256).hexdigest()


def _actor_label(actor: Any) -> str:
    if is_system(actor) or actor is None:
        return _("系统")
    return str(getattr(actor, "display_name", "") or getattr(actor, "username", ""))[:80]


def _actor_user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def rules_in_force(on: date) -> DeadlineRuleSet:
    """The rule set in force on `on`: the latest effective version (the few rule sets come from the process cache of
    reference data, `core.refdata`)."""
    newest_first = DeadlineRuleSet.objects.order_by("-effective_from", "-version")
    every = refdata.cached_instances("appeals.rules", "all", DeadlineRuleSet, lambda: list(newest_first))
    rules = next((r for r in every if r.effective_from <= on), None)
    if rules is None:
        raise Conflict(_("没有生效的诉求办理时限规则，请管理员先录入。"), code="no_rules")
    return rules


def _count(first: date, days: int, calendar: WorkingCalendar | None = None) -> Deadline:
    """`days` working days after `first`; provisional (Monday–Friday) for a year the working calendar lacks."""
    return (calendar or WorkingCalendar()).deadline(first, days, provisional_ok=True)


def _deadline(
    start: datetime, days: int, warn_percent: int, *, from_day: date | None = None
) -> tuple[datetime, datetime, dict[str, Any]]:
    """(due_at, warn_at, basis): `days` working days counted from the day after `from_day` (default: the start's day),
    the yellow warning at `warn_percent` of the time from `start`. `basis` is {} for a final deadline, else what the
    provisional one was counted from (kept under "due" in `Appeal.deadline_basis` for the recomputation)."""
    first = from_day or _local(start)
    found = _count(first, days)
    due = end_of_day(found.day)
    warn = start + (due - start) * warn_percent / 100
    if not found.provisional:
        return due, warn, {}
    return due, warn, {"from": first.isoformat(), "days": days, "warn_from": start.isoformat(), "told": str(found.day)}


def _signoff(appeal: Appeal, moment: datetime, days: int) -> datetime:
    """The sign-off deadline from `moment`, provisional like `_deadline` (its basis kept under "signoff")."""
    first = _local(moment)
    found = _count(first, days)
    _mark(appeal, "signoff", {"from": first.isoformat(), "days": days} if found.provisional else {})
    return end_of_day(found.day)


def _mark(appeal: Appeal, key: str, basis: dict[str, Any]) -> None:
    """Keep (or clear, when `basis` is empty) the provisional basis of the appeal's "due" or "signoff" deadline."""
    held = {k: v for k, v in (appeal.deadline_basis or {}).items() if k != key}
    if basis:
        held[key] = basis
    appeal.deadline_basis = held or None
    appeal.deadline_provisional = bool(held)


def due_text(day: date, provisional: bool) -> str:
    """A deadline as told to people: the date, marked when provisional."""
    return day.isoformat() + (_("（暂定，待工作日历确认）") if provisional else "")


def _acts_for(actor: Any, unit: Unit | None) -> bool:
    """Does the actor handle for `unit`: a handler grant in that unit, or seated at the unit's node (a community
    worker for the residents' committee, a street official for the street office)?"""
    if unit is None or is_system(actor):
        return is_system(actor)
    for grant in grants_of(actor):
        if grant.role not in HANDLERS:
            continue
        if grant.unit_id == unit.pk:
            return True
        if grant.unit_id is None and grant.division_id == unit.division_id:
            return True
    return False


def _require(actor: Any, action: str, appeal: Appeal) -> None:
    """The policy's check (Forbidden if the actor sees the appeal, else NotFound); SYSTEM passes, and the resident
    who filed the appeal sees it, so is told Forbidden rather than NotFound."""
    if is_system(actor):
        return
    if _owns(actor, appeal) and not policy.can(actor, action, appeal):
        raise Forbidden(_("您没有执行此操作的权限。"))
    policy.require(actor, action, appeal, view_action="view")


def _require_handler(actor: Any, appeal: Appeal) -> None:
    if _acts_for(actor, appeal.handling_unit):
        return
    if policy.can(actor, "view", appeal):
        raise Forbidden(_("只有承办单位可以办理本诉求。"))
    raise NotFound(_("未找到该记录，或您无权查看。"))


def _owns(actor: Any, appeal: Appeal) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and appeal.resident_id == actor.pk)


def _lock(appeal: Appeal | int) -> Appeal:
    pk = appeal.pk if isinstance(appeal, Appeal) else appeal
    try:
        return (
            Appeal.objects.select_for_update(of=("self",))
            .select_related("handling_unit", "category", "place", "rule_set")
            .get(pk=pk)
        )
    except (Appeal.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("未找到该记录，或您无权查看。")) from exc


def _expect(appeal: Appeal, *statuses: str) -> str:
    if appeal.status not in statuses:
        raise Conflict(
            _("诉求 %(n)s 当前状态为“%(s)s”，不能执行此操作（可能已被他人处理，请刷新）。")
            % {"n": appeal.number, "s": appeal.get_status_display()},
            code="wrong_status",
        )
    return str(appeal.status)


def _text(value: Any, field: str, *, limit: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ServiceError(_("请填写内容。"), fields={field: _("必填")})
    if len(text) > limit:
        raise ServiceError(
            _("内容过长：不超过 %(n)s 个字符。") % {"n": limit}, code="too_long", fields={field: _("过长")}
        )
    return text


# ---- rollups --------------------------------------------------------------------------------------------------------

StatKey = tuple[date, str, int, str, int]


def _stat_key(appeal: Appeal) -> StatKey:
    return (
        _local(appeal.accepted_at),
        str(appeal.appeal_type),
        int(appeal.category_id),
        appeal.scope_path[:9],
        int(appeal.handling_unit_id or 0),
    )


def _contrib(appeal: Appeal) -> dict[str, int]:
    """What one appeal adds to its rollup row now; an excluded appeal (66号文) counts as received and excluded only."""
    if appeal.excluded_from_scoring:
        return {"received": 1, "excluded": 1}
    return {
        "received": 1,
        "dispatched": int(appeal.dispatched_at is not None and appeal.handling_unit_id is not None),
        "signed": int(appeal.signed_at is not None),
        "signed_on_time": int(bool(appeal.signed_on_time)),
        "replied": int(appeal.replied_at is not None),
        "replied_on_time": int(bool(appeal.replied_on_time)),
        "closed": int(appeal.status in (Status.CLOSED, Status.ARCHIVED)),
        "satisfaction_sum": int(appeal.satisfaction or 0),
        "satisfaction_count": int(appeal.satisfaction is not None),
        "solved": int(bool(appeal.solved)),
        "overdue": int(appeal.overdue),
    }


Snapshot = tuple[StatKey, dict[str, int]]


def _snap(appeal: Appeal) -> Snapshot:
    return _stat_key(appeal), _contrib(appeal)


def _upsert_sql(table: str, keys: Sequence[str], extra: Sequence[str], rows: int) -> str:
    """INSERT … ON CONFLICT (keys) DO UPDATE SET counter = counter + EXCLUDED.counter (PostgreSQL and SQLite ≥ 3.24):
    one statement per rollup table, no read, no savepoint, and a concurrent first insert simply adds."""
    q = connection.ops.quote_name
    columns = [*keys, *extra, *COUNTERS]
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = ", ".join(f"{q(c)} = {q(table)}.{q(c)} + EXCLUDED.{q(c)}" for c in COUNTERS)
    # Table and column names are the models' own, quoted; every value is a parameter.
    head = f"INSERT INTO {q(table)} ({', '.join(q(c) for c in columns)}) VALUES {', '.join([row] * rows)} "  # noqa: S608
    return head + f"ON CONFLICT ({', '.join(q(k) for k in keys)}) DO UPDATE SET {updates}"


DAY_SQL = _upsert_sql(
    AppealStat._meta.db_table,
    ("day", "appeal_type", "category_id", "street_path", "unit_key"),
    ("county_path", "unit_id"),
    1,
)
MONTH_SQL = _upsert_sql(
    AppealStatMonth._meta.db_table, ("month", "street_path", "dim", "key"), ("county_path",), len(StatDim.values)
)


def _bump(key: StatKey, delta: dict[str, int]) -> None:
    """Add `delta` to the appeal's day row and to its three month rows (type, category, unit) — two statements."""
    if not any(delta.values()):
        return
    day, appeal_type, category_id, street, unit_key = key
    counts = [int(delta.get(c, 0)) for c in COUNTERS]
    month = day.replace(day=1)
    with connection.cursor() as cursor:
        cursor.execute(
            DAY_SQL, [day, appeal_type, category_id, street, unit_key, street[:6], unit_key or None, *counts]
        )
        params: list[Any] = []
        for dim, value in ((StatDim.TYPE, appeal_type), (StatDim.CATEGORY, category_id), (StatDim.UNIT, unit_key)):
            params += [month, street, str(dim), str(value), street[:6], *counts]
        cursor.execute(MONTH_SQL, params)


def _move(before: Snapshot | None, appeal: Appeal) -> None:
    """Move the rollup counters from what the appeal contributed before this step to what it contributes now."""
    after_key, after = _snap(appeal)
    if before is None:
        _bump(after_key, after)
        return
    before_key, before_counts = before
    if before_key == after_key:
        _bump(after_key, {c: after.get(c, 0) - before_counts.get(c, 0) for c in COUNTERS})
    else:
        _bump(before_key, {c: -v for c, v in before_counts.items()})
        _bump(after_key, after)


def _step(
    *,
    actor: Any,
    appeal: Appeal,
    kind: str,
    before: str,
    note: str = "",
    unit: Unit | None = None,
    public: bool = True,
    at: datetime,
    data: dict[str, Any] | None = None,
) -> AppealEvent:
    event = AppealEvent.objects.create(
        appeal=appeal,
        kind=kind,
        at=at,
        actor=_actor_user(actor),
        actor_label=_actor_label(actor),
        unit=unit,
        note=note,
        public=public,
        data=data or {},
    )
    detail: dict[str, Any] = {"note": note[:500]} if note else {}
    if unit is not None:
        detail["unit"] = unit.name
    detail.update(data or {})
    events.appeal_step(actor=actor, appeal=appeal, step=kind, before=before, detail=detail)
    return event


# ---- intake ---------------------------------------------------------------------------------------------------------


def _resolve_category(category: Category | str) -> Category:
    """An active category; given by code, from the process cache of reference data (`core.refdata`)."""
    if isinstance(category, Category):
        found: Category | None = category if category.is_active else None
    else:
        code = str(category or "").strip()
        found = refdata.cached_instance(
            "appeals.catalog", code, Category, lambda: Category.objects.filter(code=code, is_active=True).first()
        )
    if found is None:
        raise ServiceError(_("诉求分类不存在。"), code="unknown_category", fields={"category": _("请选择有效的分类")})
    return found


def _resolve_place(place: Division | str) -> Division:
    if isinstance(place, Division):
        found: Division | None = place
    else:
        found = division_by_code(str(place or ""))
    city = str(getattr(settings, "GONGZHI_CITY_CODE", "5106"))
    if (
        found is None
        or not found.is_active
        or found.level not in (Level.COMMUNITY, Level.GRID)
        or not found.path.startswith(city)
    ):
        raise ServiceError(
            _("诉求地点应为本市辖区内的社区（村）或网格。"),
            code="place_outside",
            fields={"place": _("不在本市辖区内")},
        )
    return found


@dataclass(frozen=True)
class _Photo:
    name: str
    data: bytes
    content_type: str
    width: int
    height: int


def _read_photo(upload: IO[bytes] | Any, index: int) -> _Photo:
    """A real image (Pillow must open and verify it), at most 5 MB, re-encoded so camera metadata (GPS) is dropped."""
    field = f"photos.{index}"
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    if size > MAX_PHOTO_BYTES:
        raise ServiceError(
            _("照片过大：每张不超过 %(mb)s MB。") % {"mb": MAX_PHOTO_BYTES // (1024 * 1024)},
            code="photo_too_large",
            fields={field: _("过大")},
        )
    raw = upload.read()
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            fmt = str(image.format or "")
            if fmt not in PHOTO_FORMATS or image.width * image.height > MAX_PHOTO_PIXELS:
                raise ServiceError(
                    _("照片格式应为 JPEG、PNG 或 WebP。"), code="photo_invalid", fields={field: _("不是图片")}
                )
            out = io.BytesIO()
            clean = image.convert("RGB") if fmt == "JPEG" else image.copy()
            clean.save(out, format=fmt)
            width, height = image.width, image.height
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ServiceError(
            _("上传的文件不是有效的图片。"), code="photo_invalid", fields={field: _("不是图片")}
        ) from exc
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[fmt]
    return _Photo(f"{secrets.token_hex(8)}.{extension}", out.getvalue(), PHOTO_FORMATS[fmt], width, height)


def _request_hash(values: dict[str, Any], photos: Sequence[_Photo]) -> str:
    body = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(body.encode())
    for photo in photos:
        digest.update(hashlib.sha256(photo.data).digest())
    return digest.hexdigest()


def _owner(actor: Any, given: str | None) -> str:
    if given:
        return given[:80]
    if getattr(actor, "is_authenticated", False):
        return f"user:{actor.pk}"
    return "system"


def _replay(owner: str, key: str, request_hash: str) -> Appeal | None:
    """The appeal a used idempotency key created (a retry gets the original answer), or a conflict when the key came
    with different content."""
    row = IdempotencyKey.objects.select_related("appeal").filter(owner=owner, key=key).first()
    if row is None:
        return None
    if row.request_hash != request_hash:
        raise Conflict(
            _("该幂等键已用于另一条不同内容的请求。"),
            code="idempotency_mismatch",
            fields={"idempotency_key": _("重复")},
        )
    appeal = row.appeal
    appeal.pickup_code = vault.decrypt(PICKUP_FIELD, row.pickup_cipher)  # type: ignore[attr-defined]
    appeal.replayed = True  # type: ignore[attr-defined]
    return appeal


def appeal_track(*, number: str, code: str, client: str = "") -> Appeal | None:
    """免登录查询 by number and 提取码, under the platform's one failed-attempt lockout (`people.LoginThrottle`, as for
    passwords and TOTP codes), counted twice: per number and client (`core.http.client_key`), locked after
    GONGZHI_LOGIN_MAX_FAILURES wrong codes, and per number from all clients, locked after
    GONGZHI_TRACK_MAX_FAILURES_PER_NUMBER. So one client cannot lock a stranger's appeal out with a few requests, and
    a code (32^6) cannot be guessed however many addresses are used. While locked the right code is refused too
    (429). Only existing numbers are counted (numbers are sequential, not secret), so random numbers cannot grow the
    counter table."""
    from gongzhi.people.services import login_failed, login_locked_until, login_succeeded

    normal = number.strip().upper()[:20]
    per_number = f"track:{normal}"
    per_client = f"track:{normal}:{client or 'unknown'}"
    locked = login_locked_until(per_client) or login_locked_until(per_number)
    if locked is not None:
        raise ServiceError(
            _("该编号查询失败次数过多，请于 %(t)s 后再试。") % {"t": timezone.localtime(locked).strftime("%H:%M")},
            code="track_locked",
            status=429,
        )
    from .selectors import appeal_track as lookup

    appeal = lookup(number=number, code=code)
    if appeal is not None:
        login_succeeded(username=per_client)
        login_succeeded(username=per_number)
    elif Appeal.objects.filter(number=normal).exists():
        login_failed(username=per_client)
        login_failed(username=per_number, limit=settings.GONGZHI_TRACK_MAX_FAILURES_PER_NUMBER)
    return appeal


def _proxy_consent(actor: Any, on_behalf_of: Any, day: date, note: str) -> str:
    """代办 needs the resident's standing consent for appeals, the one consent mechanism of the platform
    (`residents.services.proxy_consent_check`, R12.3); the appeal records which consent it was filed under."""
    from gongzhi.residents.models import ProxyPurpose
    from gongzhi.residents.services import proxy_consent_check

    if on_behalf_of is None:
        raise ServiceError(
            _("代办须指明被代办的居民（身份证号）。"), fields={"id_number": _("代办时必填")}, code="proxy_resident"
        )
    consent = proxy_consent_check(agent=actor, resident=on_behalf_of, purpose=ProxyPurpose.APPEALS, on=day)
    if consent is None:
        raise Forbidden(_("该居民没有授权您代办诉求，请先在居民信息中登记代办授权。"))
    recorded = _("依代办授权 #%(n)s") % {"n": consent.pk}
    return f"{recorded}；{note.strip()}" if note.strip() else recorded


@refdata.snapshot()  # the place, category, deadline rules and calendar under one read of the reference-data tokens
def appeal_submit(
    *,
    actor: Any,
    channel: str,
    appeal_type: str,
    category: Category | str,
    place: Division | str,
    text: str,
    photos: Iterable[IO[bytes] | Any] = (),
    contact: Contact | None = None,
    address: str = "",
    consent_note: str = "",
    resident: Any = None,
    on_behalf_of: Any = None,
    external_ref: str | None = None,
    idempotency_key: str | None = None,
    idempotency_owner: str | None = None,
    now: datetime | None = None,
) -> Appeal:
    """Take an appeal in (受理): validate everything first, then write the appeal, its photos, the first timeline step,
    the ledger event, the rollup and the idempotency key in one transaction — all or nothing. See the module doc."""
    moment = _now(now)
    errors: dict[str, str] = {}
    if channel not in Channel.values:
        errors["channel"] = _("来源渠道无效")
    if appeal_type not in AppealType.values:
        errors["appeal_type"] = _("请选择诉求类型")
    if errors:
        raise ServiceError(_("诉求填写有误，请检查标出的字段。"), fields=errors)
    body = _text(text, "text", limit=MAX_TEXT)
    address = _text(address, "address", limit=120, required=False)
    cat = _resolve_category(category)
    where = _resolve_place(place)
    key = (idempotency_key or "").strip()
    if len(key) > 100:
        raise ServiceError(_("幂等键过长。"), fields={"idempotency_key": _("不超过 100 个字符")})
    ref = (external_ref or "").strip() or None
    if ref is not None and len(ref) > 40:
        raise ServiceError(_("外部工单号过长。"), fields={"external_ref": _("不超过 40 个字符")})
    if channel == Channel.HOTLINE_12345 and ref is None:
        raise ServiceError(_("12345 工单须有工单号。"), fields={"external_ref": _("必填")})
    if channel in STAFF_CHANNELS:
        if is_system(actor) or not policy.allows(actor, "intake"):
            raise Forbidden(_("只有工作人员可以代为受理诉求。"))
        if not any(where.path.startswith(root) for root in policy.roots(actor, "intake")):
            raise ServiceError(
                _("诉求地点不在您的受理范围内。"), code="place_outside", fields={"place": _("不在受理范围内")}
            )
        if channel == Channel.PROXY:
            consent_note = _proxy_consent(actor, on_behalf_of, moment.date(), consent_note)
        consent_note = _text(consent_note, "consent_note", limit=200)
    else:
        consent_note = _text(consent_note, "consent_note", limit=200, required=False)
    mobile = ""
    name = ""
    if contact is not None:
        name = _text(contact.name, "contact_name", limit=40, required=False)
        if contact.mobile.strip():
            try:
                mobile = parse_mobile(contact.mobile)
            except ValueError as exc:
                raise ServiceError(str(exc), fields={"contact_mobile": str(exc)}) from exc
    owner_account = resident
    if owner_account is None and channel == Channel.PROXY and on_behalf_of is not None:
        owner_account = on_behalf_of.account  # a linked resident sees the appeal filed for them in 我的诉求
    if owner_account is None and channel in (Channel.PORTAL, Channel.API) and getattr(actor, "is_authenticated", False):
        owner_account = actor
    if owner_account is None and not mobile and channel not in (Channel.HOTLINE_12345, Channel.OPEN311):
        raise ServiceError(_("没有居民账号时请留下联系电话，以便答复和回访。"), fields={"contact_mobile": _("必填")})
    uploads = list(photos)
    if len(uploads) > MAX_PHOTOS:
        raise ServiceError(_("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS}, fields={"photos": _("过多")})
    clean_photos = [_read_photo(upload, i) for i, upload in enumerate(uploads)]

    owner = _owner(actor, idempotency_owner)
    request_hash = _request_hash(
        {
            "channel": channel,
            "type": appeal_type,
            "category": cat.code,
            "place": where.code,
            "text": body,
            "address": address,
            "mobile": mobile,
            "name": name,
            "ref": ref,
        },
        clean_photos,
    )
    # A used idempotency key is found by its unique index when the write inserts it (IntegrityError below): no probe
    # before every intake for the rare retry, which then answers what the first request created.
    if ref is not None:
        existing = Appeal.objects.filter(external_ref=ref).first()
        if existing is not None:
            existing.replayed = True  # type: ignore[attr-defined]
            existing.pickup_code = ""  # type: ignore[attr-defined]
            return existing
    try:
        return _submit_write(
            actor=actor,
            channel=channel,
            appeal_type=appeal_type,
            category=cat,
            place=where,
            text=body,
            photos=clean_photos,
            name=name,
            mobile=mobile,
            address=address,
            consent_note=consent_note,
            resident=owner_account,
            external_ref=ref,
            key=key,
            owner=owner,
            request_hash=request_hash,
            moment=moment,
        )
    except IntegrityError:
        # The key (or the 12345 ticket) is already used — a retry, or a concurrent one that won the race: answer what
        # the first request created (or 409 for the same key with another body).
        if key:
            replay = _replay(owner, key, request_hash)
            if replay is not None:
                return replay
        if ref is not None:
            existing = Appeal.objects.filter(external_ref=ref).first()
            if existing is not None:
                existing.replayed = True  # type: ignore[attr-defined]
                existing.pickup_code = ""  # type: ignore[attr-defined]
                return existing
        raise


@transaction.atomic
def _submit_write(
    *,
    actor: Any,
    channel: str,
    appeal_type: str,
    category: Category,
    place: Division,
    text: str,
    photos: Sequence[_Photo],
    name: str,
    mobile: str,
    address: str,
    consent_note: str,
    resident: Any,
    external_ref: str | None,
    key: str,
    owner: str,
    request_hash: str,
    moment: datetime,
) -> Appeal:
    rules = rules_in_force(_local(moment))
    due_at, warn_at, basis = _deadline(moment, rules.days_for(appeal_type), rules.warn_percent)
    code = "".join(secrets.choice(PICKUP_ALPHABET) for _ in range(PICKUP_LENGTH))
    first_line = text.splitlines()[0] if text else ""
    # The number derives from the id: on PostgreSQL the id is taken first and the number goes into the INSERT (an
    # UPDATE of the new row would write it, and every index entry, a second time); elsewhere insert, then number.
    pk = next_id(Appeal)
    number = f"DY{_local(moment).year}{pk:08d}" if pk is not None else f"TMP{secrets.token_hex(8)}"
    appeal = Appeal.objects.create(
        id=pk,
        number=number,
        pickup_hash=pickup_digest(number, code) if pk is not None else "",
        appeal_type=appeal_type,
        category=category,
        title=first_line[:60],
        text=text,
        place=place,
        scope_path=place.path,
        county_path=place.path[:6],
        street_path=place.path[:9],
        community_path=place.path[:12],
        address=address,
        channel=channel,
        external_ref=external_ref,
        resident=resident if getattr(resident, "is_authenticated", False) else None,
        contact_name=name,
        contact_mobile_cipher=vault.encrypt(MOBILE_FIELD, mobile) if mobile else None,
        contact_mobile_masked=mask_mobile(mobile) if mobile else "",
        intake_by=_actor_user(actor) if channel in STAFF_CHANNELS else None,
        consent_note=consent_note,
        rule_set=rules,
        accepted_at=moment,
        warn_at=warn_at,
        due_at=due_at,
        deadline_provisional=bool(basis),
        deadline_basis={"due": basis} if basis else None,
    )
    if pk is None:
        appeal.number = f"DY{_local(moment).year}{appeal.pk:08d}"
        appeal.pickup_hash = pickup_digest(appeal.number, code)
        Appeal.objects.filter(pk=appeal.pk).update(number=appeal.number, pickup_hash=appeal.pickup_hash)
    if key:  # before the photos: a retry stops here (unique key), before writing any file
        IdempotencyKey.objects.create(
            owner=owner,
            key=key,
            request_hash=request_hash,
            appeal=appeal,
            pickup_cipher=vault.encrypt(PICKUP_FIELD, code),
        )
    for photo in photos:
        stored = AppealPhoto(
            appeal=appeal,
            content_type=photo.content_type,
            width=photo.width,
            height=photo.height,
            size_bytes=len(photo.data),
            sha256=hashlib.sha256(photo.data).hexdigest(),
        )
        stored.image.save(photo.name, ContentFile(photo.data), save=False)
        stored.save()
    _move(None, appeal)
    notify.resident(
        appeal=appeal,
        message=_("您的诉求已受理，编号 %(n)s，提取码 %(c)s，办理时限 %(d)s。")
        % {"n": appeal.number, "c": code, "d": due_text(_local(due_at), bool(basis))},
    )
    # The timeline step and its ledger event last: the ledger append serialises writers (an advisory lock held to
    # commit), so taking it after the other writes keeps concurrent intakes waiting for the shortest time.
    _step(
        actor=actor,
        appeal=appeal,
        kind=AppealEvent.Kind.ACCEPTED,
        before="",
        at=moment,
        data={"channel": channel, "due": _local(due_at).isoformat(), "rules": str(rules), "provisional": bool(basis)},
    )
    appeal.pickup_code = code  # type: ignore[attr-defined]
    appeal.replayed = False  # type: ignore[attr-defined]
    return appeal


# ---- dispatch along the duty list (R10.2, 国办函〔2025〕66号) -----------------------------------------------------


def route_for(appeal: Appeal) -> DispatchRoute | None:
    """The county's dispatch route for the appeal's category, or for its nearest ancestor category."""
    county = appeal.scope_path[:6]
    category: Category | None = appeal.category
    while category is not None:
        route = (
            DispatchRoute.objects.select_related("unit", "category")
            .filter(scope_path=county, category=category)
            .first()
        )
        if route is not None:
            return route
        category = category.parent
    return None


def unit_for_route(route: DispatchRoute, appeal: Appeal) -> Unit | None:
    if route.handler_kind == HandlerKind.DEPARTMENT:
        return route.unit
    path = appeal.scope_path[:9] if route.handler_kind == HandlerKind.STREET_OFFICE else appeal.scope_path[:12]
    kind = Unit.Kind.STREET_OFFICE if route.handler_kind == HandlerKind.STREET_OFFICE else Unit.Kind.RESIDENTS_COMMITTEE
    return Unit.objects.filter(scope_path=path, kind=kind, is_active=True).first()


def _check_target(*, appeal: Appeal, unit: Unit, matter_code: str, actor: Any, today: date) -> None:
    """A unit seated at or above the place; a residents' committee only for a matter on its duty list (R10.2)."""
    if not unit.is_active or not appeal.scope_path.startswith(unit.scope_path):
        raise ServiceError(
            _("承办单位应为诉求地点所在区域或其上级的单位。"), code="unit_outside", fields={"unit": _("不在辖区")}
        )
    if unit.kind != Unit.Kind.RESIDENTS_COMMITTEE:
        return
    decision = community_may_receive(matter_code=matter_code, community=unit.division, on=today)
    if decision.allowed:
        return
    # 应由职能部门办理的诉求事项不得分派给基层办理: the refusal is recorded (own transaction) and the dispatch refused.
    with transaction.atomic():
        locked = _lock(appeal)
        _step(
            actor=actor,
            appeal=locked,
            kind=AppealEvent.Kind.DISPATCH_REFUSED,
            before=str(locked.status),
            unit=unit,
            note=decision.reason,
            public=False,
            at=timezone.now(),
            data={"matter_code": matter_code, "gate": decision.code},
        )
    raise Conflict(decision.reason, code="duty_list_refused", fields={"unit": decision.reason})


def appeal_dispatch(
    *,
    actor: Any,
    appeal: Appeal | int,
    unit: Unit | None = None,
    matter_code: str | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Appeal:
    """派单 (or 改派 when already dispatched): to `unit`, or to the catalog's unit for the category when None.
    A residents' committee receives only a matter on its community's duty list (the duties gate decides)."""
    moment = _now(now)
    target = appeal.pk if isinstance(appeal, Appeal) else appeal
    with transaction.atomic():
        current = _lock(target)
        _require(actor, "dispatch", current)
        _expect(current, Status.RECEIVED, Status.RETURNED, Status.DISPATCHED, Status.DISPUTED, Status.HANDLING)
    route = route_for(current)
    if unit is None:
        unit = unit_for_route(route, current) if route else None
        if unit is None:
            raise ServiceError(
                _("派单目录中没有该分类的承办单位，请手动选择。"), code="no_route", fields={"unit": _("请选择")}
            )
    code = (matter_code if matter_code is not None else (route.matter_code if route else "")).strip()
    _check_target(appeal=current, unit=unit, matter_code=code, actor=actor, today=_local(moment))
    with transaction.atomic():
        current = _lock(target)
        before_status = _expect(
            current, Status.RECEIVED, Status.RETURNED, Status.DISPATCHED, Status.DISPUTED, Status.HANDLING
        )
        snap = _snap(current)
        rules = current.rule_set
        reassign = before_status in (Status.DISPATCHED, Status.DISPUTED, Status.HANDLING)
        current.handling_unit = unit
        current.matter_code = code
        current.status = Status.DISPATCHED
        current.dispatched_at = moment
        current.signoff_due_at = _signoff(current, moment, rules.signoff_days)
        current.signed_at = None
        current.signed_on_time = None
        current.save()
        _step(
            actor=actor,
            appeal=current,
            kind=AppealEvent.Kind.REASSIGNED if reassign else AppealEvent.Kind.DISPATCHED,
            before=before_status,
            unit=unit,
            note=_text(note, "note", limit=500, required=False),
            at=moment,
            data={"matter_code": code},
        )
        _move(snap, current)
    return current


def appeal_reassign(
    *, actor: Any, appeal: Appeal | int, unit: Unit, reason: str, matter_code: str | None = None, now: Any = None
) -> Appeal:
    """改派: a dispatcher sends the appeal to another unit (the duty-list gate applies again)."""
    reason = _text(reason, "reason", limit=500)
    return appeal_dispatch(actor=actor, appeal=appeal, unit=unit, matter_code=matter_code, note=reason, now=now)


# ---- the handling unit's steps ---------------------------------------------------------------------------------------


def _transition(
    *,
    actor: Any,
    appeal: Appeal | int,
    allowed_from: Sequence[str],
    check: Callable[[Appeal], None],
    change: Callable[[Appeal], None],
    kind: str,
    note: str = "",
    now: datetime | None = None,
    public: bool = True,
    data: Callable[[Appeal], dict[str, Any]] | None = None,
    unit_of_event: bool = True,
) -> Appeal:
    moment = _now(now)
    with transaction.atomic():
        current = _lock(appeal)
        check(current)
        before = _expect(current, *allowed_from)
        snap = _snap(current)
        current._moment = moment  # type: ignore[attr-defined]
        change(current)
        current.save()
        _step(
            actor=actor,
            appeal=current,
            kind=kind,
            before=before,
            note=note,
            unit=current.handling_unit if unit_of_event else None,
            public=public,
            at=moment,
            data=data(current) if data else None,
        )
        _move(snap, current)
    return current


def appeal_sign(*, actor: Any, appeal: Appeal | int, now: datetime | None = None) -> Appeal:
    """签收: the handling unit takes the appeal on (on time when within the sign-off working day)."""

    def change(a: Appeal) -> None:
        a.status = Status.HANDLING
        a.signed_at = a._moment  # type: ignore[attr-defined]
        a.signed_on_time = a.signoff_due_at is None or a.signed_at <= a.signoff_due_at

    return _transition(
        actor=actor,
        appeal=appeal,
        allowed_from=(Status.DISPATCHED,),
        check=lambda a: _require_handler(actor, a),
        change=change,
        kind=AppealEvent.Kind.SIGNED,
        now=now,
        data=lambda a: {"on_time": a.signed_on_time},
    )


def appeal_progress(*, actor: Any, appeal: Appeal | int, note: str, now: datetime | None = None) -> Appeal:
    """办理: a progress note on the timeline (shown to the resident)."""
    text = _text(note, "note", limit=2000)
    return _transition(
        actor=actor,
        appeal=appeal,
        allowed_from=(Status.HANDLING,),
        check=lambda a: _require_handler(actor, a),
        change=lambda a: None,
        kind=AppealEvent.Kind.PROGRESS,
        note=text,
        now=now,
    )


def _notify_reply(a: Appeal) -> None:
    notify.resident(
        appeal=a,
        message=_("您的诉求 %(n)s 已答复：%(r)s") % {"n": a.number, "r": a.reply[:120]},
    )


def appeal_reply(*, actor: Any, appeal: Appeal | int, reply: str, now: datetime | None = None) -> Appeal:
    """答复: the handling unit answers the resident; on time when before the (possibly extended) deadline."""
    text = _text(reply, "reply", limit=MAX_TEXT)

    def change(a: Appeal) -> None:
        a.status = Status.REPLIED
        a.reply = text
        a.replied_at = a._moment  # type: ignore[attr-defined]
        a.replied_on_time = a.replied_at <= a.due_at
        if not a.replied_on_time:
            a.overdue = True
        a.extension_requested_days = None
        _notify_reply(a)
        for duplicate in Appeal.objects.filter(merged_into=a):
            notify.resident(
                appeal=duplicate,
                message=_("与您的诉求 %(n)s 合并办理的诉求已答复：%(r)s") % {"n": duplicate.number, "r": text[:120]},
            )

    return _transition(
        actor=actor,
        appeal=appeal,
        allowed_from=(Status.HANDLING,),
        check=lambda a: _require_handler(actor, a),
        change=change,
        kind=AppealEvent.Kind.REPLIED,
        note=text,
        now=now,
        data=lambda a: {"on_time": a.replied_on_time},
    )


def appeal_answer_directly(*, actor: Any, appeal: Appeal | int, reply: str, now: datetime | None = None) -> Appeal:
    """直办: the dispatcher answers at once (a 咨询 answered from policy, for instance) without dispatching."""
    text = _text(reply, "reply", limit=MAX_TEXT)

    def change(a: Appeal) -> None:
        a.status = Status.REPLIED
        a.reply = text
        a.replied_at = a._moment  # type: ignore[attr-defined]
        a.replied_on_time = a.replied_at <= a.due_at
        _notify_reply(a)

    return _transition(
        actor=actor,
        appeal=appeal,
        allowed_from=(Status.RECEIVED, Status.RETURNED),
        check=lambda a: _require(actor, "dispatch", a),
        change=change,
        kind=AppealEvent.Kind.DIRECT,
        note=text,
        now=now,
    )


def appeal_return(*, actor: Any, appeal: Appeal | int, reason: str, basis: str, now: datetime | None = None) -> Appeal:
    """退单: the unit sends the appeal back to the dispatcher with its reason and the basis (清单、职责文件)."""
    reason = _text(reason, "reason", limit=500)
    basis = _text(basis, "basis", limit=300)
    previous: dict[str, Any] = {}

    def change(a: Appeal) -> None:
        previous["unit"] = a.handling_unit.name if a.handling_unit else ""
        a.status = Status.RETURNED
        a.handling_unit = None
        a.dispatched_at = None
        a.signed_at = None
        a.signed_on_time = None
        a.signoff_due_at = None

    return _transition(
        actor=actor,
        appeal=appeal,
        allowed_from=(Status.DISPATCHED, Status.HANDLING),
        check=lambda a: _require_handler(actor, a),
        change=change,
        kind=AppealEvent.Kind.RETURNED,
        note=reason,
        now=now,
        public=False,
        data=lambda a: {"basis": basis, "from_unit": previous.get("unit", "")},
    )


def appeal_dispute(*, actor: Any, appeal: Appeal | int, reason: str, now: datetime | None = None) -> Appeal:
    """派单异议: the unit disputes the dispatch; the dispatcher reviews it (appeal_dispute_decide)."""
    reason = _text(reason, "reason", limit=500)

    def change(a: Appeal) -> None:
        a.status = Status.DISPUTED

    return _transition(
        actor=actor,
        appeal=appeal,
        allowed_from=(Status.DISPATCHED,),
        check=lambda a: _require_handler(actor, a),
        change=change,
        kind=AppealEvent.Kind.DISPUTED,
        note=reason,
        now=now,
        public=False,
    )


def appeal_dispute_decide(
    *,
    actor: Any,
    appeal: Appeal | int,
    upheld: bool,
    note: str,
    unit: Unit | None = None,
    now: datetime | None = None,
) -> Appeal:
    """Review of a 派单异议: upheld → 改派 to `unit` (or back to the dispatcher's desk); rejected → the same unit must
    sign, with a fresh sign-off day."""
    note = _text(note, "note", limit=500)
    moment = _now(now)
    if upheld and unit is not None:
        with transaction.atomic():
            current = _lock(appeal)
            _require(actor, "dispatch", current)
            before = _expect(current, Status.DISPUTED)
            _step(
                actor=actor,
                appeal=current,
                kind=AppealEvent.Kind.DISPUTE_DECIDED,
                before=before,
                note=note,
                public=False,
                at=moment,
                data={"upheld": True},
            )
        return appeal_dispatch(actor=actor, appeal=current.pk, unit=unit, note=note, now=now)

    def change(a: Appeal) -> None:
        if upheld:
            a.status = Status.RETURNED
            a.handling_unit = None
            a.dispatched_at = None
            a.signoff_due_at = None
            _mark(a, "signoff", {})
        else:
            a.status = Status.DISPATCHED
            a.signoff_due_at = _signoff(a, moment, a.rule_set.signoff_days)

    return _transition(
        actor=actor,
        appeal=appeal,
        allowed_from=(Status.DISPUTED,),
        check=lambda a: _require(actor, "dispatch", a),
        change=change,
        kind=AppealEvent.Kind.DISPUTE_DECIDED,
        note=note,
        now=now,
        public=False,
        data=lambda a: {"upheld": upheld},
    )


def appeal_extension_request(
    *, actor: Any, appeal: Appeal | int, days: int, reason: str, now: datetime | None = None
) -> Appeal:
    """延期申请: the unit asks for more working days, with a reason; a dispatcher decides."""
    reason = _text(reason, "reason", limit=300)
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ServiceError(
            _("延期天数应为 1 到 %(n)s 个工作日。") % {"n": MAX_EXTENSION_DAYS}, fields={"days": _("超出范围")}
        )

    def check(a: Appeal) -> None:
        _require_handler(actor, a)
        if a.extension_requested_days:
            raise Conflict(_("已有待审批的延期申请。"), code="extension_pending")

    def change(a: Appeal) -> None:
        a.extension_requested_days = days
        a.extension_reason = reason

    return _transition(
        actor=actor,
        appeal=appeal,
        allowed_from=(Status.HANDLING,),
        check=check,
        change=change,
        kind=AppealEvent.Kind.EXTENSION_REQUESTED,
        note=reason,
        now=now,
        public=False,
        data=lambda a: {"days": days},
    )


def appeal_extension_decide(
    *, actor: Any, appeal: Appeal | int, approve: bool, note: str = "", now: datetime | None = None
) -> Appeal:
    """延期审批: approved → a new deadline (working days added to the current one), told to the resident."""
    note = _text(note, "note", limit=300, required=False)

    def check(a: Appeal) -> None:
        _require(actor, "dispatch", a)
        if not a.extension_requested_days:
            raise Conflict(_("没有待审批的延期申请。"), code="no_extension")

    def change(a: Appeal) -> None:
        days = int(a.extension_requested_days or 0)
        a.extension_requested_days = None
        if not approve:
            return
        moment: datetime = a._moment  # type: ignore[attr-defined]
        held = (a.deadline_basis or {}).get("due")  # a provisional deadline extends from what it was counted from
        first, total = (_local(a.due_at), days) if not held else (date.fromisoformat(held["from"]), held["days"] + days)
        a.due_at, a.warn_at, basis = _deadline(moment, total, a.rule_set.warn_percent, from_day=first)
        _mark(a, "due", basis)
        if a.due_at > moment:
            a.overdue = False
            a.urge_level = 0
        a._extended_days = days  # type: ignore[attr-defined]
        notify.resident(
            appeal=a,
            message=_("您的诉求 %(n)s 经批准延期，新的办理时限为 %(d)s。")
            % {"n": a.number, "d": due_text(_local(a.due_at), bool(basis))},
        )

    return _transition(
        actor=actor,
        appeal=appeal,
        allowed_from=(Status.HANDLING,),
        check=check,
        change=change,
        kind=AppealEvent.Kind.EXTENSION_DECIDED,
        note=note,
        now=now,
        data=lambda a: {"approved": approve, "due": _local(a.due_at).isoformat()},
    )


def appeal_urge(*, actor: Any, appeal: Appeal | int, level: int, note: str = "", now: datetime | None = None) -> Appeal:
    """催办 (level 1, yellow) or 督办 (level 2, red) by a supervisor or the dispatcher; the sweep does it too."""
    if level not in (1, 2):
        raise ServiceError(_("督办等级无效。"), fields={"level": _("1 催办，2 督办")})
    note = _text(note, "note", limit=500, required=False)

    def change(a: Appeal) -> None:
        a.urge_level = max(a.urge_level, level)

    return _transition(
        actor=actor,
        appeal=appeal,
        allowed_from=OPEN_STATUSES,
        check=lambda a: _require(actor, "supervise", a),
        change=change,
        kind=AppealEvent.Kind.URGED,
        note=note,
        now=now,
        public=False,
        data=lambda a: {"level": level},
    )


def appeal_escalate(
    *, actor: Any, appeal: Appeal | int, unit: Unit, reason: str, now: datetime | None = None
) -> Appeal:
    """提级: hand the appeal to a unit of a higher level (a community's to the street, a street's to a county
    department); it is then dispatched there like any 改派."""
    reason = _text(reason, "reason", limit=500)
    with transaction.atomic():
        current = _lock(appeal)
        _require(actor, "supervise", current)
        before = _expect(current, *OPEN_STATUSES)
        here = current.handling_unit.scope_path if current.handling_unit else current.scope_path
        if len(unit.scope_path) >= len(here):
            raise ServiceError(_("提级应交由更高层级的单位办理。"), fields={"unit": _("层级不高于现承办单位")})
        current.escalation_level += 1
        current.save(update_fields=["escalation_level"])
        _step(
            actor=actor,
            appeal=current,
            kind=AppealEvent.Kind.ESCALATED,
            before=before,
            unit=unit,
            note=reason,
            at=_now(now),
        )
    return appeal_dispatch(actor=SYSTEM, appeal=current.pk, unit=unit, note=reason, now=now)


# ---- resident's side: 回访, 重办, 办结, reopen ---------------------------------------------------------------------


def appeal_visit(
    *,
    actor: Any,
    appeal: Appeal | int,
    satisfaction: int,
    solved: bool,
    note: str = "",
    now: datetime | None = None,
) -> Appeal:
    """回访: the resident (or a dispatcher calling back) rates 1–5 and says whether it was solved; satisfied (≥ 3)
    and solved closes it (办结), otherwise it waits for 重办 or a reasoned close."""
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise ServiceError(_("满意度应为 1 到 5。"), fields={"satisfaction": _("1–5")})
    note = _text(note, "note", limit=500, required=False)

    def check(a: Appeal) -> None:
        if not _owns(actor, a):
            _require(actor, "dispatch", a)

    def change(a: Appeal) -> None:
        a.satisfaction = satisfaction
        a.solved = bool(solved)
        if satisfaction >= SATISFIED_FROM and solved:
            a.status = Status.CLOSED
            a.closed_at = a._moment  # type: ignore[attr-defined]
        else:
            a.status = Status.DISSATISFIED

    return _transition(
        actor=actor,
        appeal=appeal,
        allowed_from=(Status.REPLIED,),
        check=check,
        change=change,
        kind=AppealEvent.Kind.VISITED,
        note=note,
        now=now,
        data=lambda a: {"satisfaction": satisfaction, "solved": bool(solved)},
    )


def _restart(a: Appeal) -> None:
    """Back to the unit with a fresh deadline (重办, reopen); without a unit back to the dispatcher's desk."""
    moment: datetime = a._moment  # type: ignore[attr-defined]
    a.due_at, a.warn_at, basis = _deadline(moment, a.rule_set.days_for(a.appeal_type), a.rule_set.warn_percent)
    _mark(a, "due", basis)
    a.status = Status.HANDLING if a.handling_unit_id else Status.RECEIVED
    a.replied_at = None
    a.replied_on_time = None
    a.satisfaction = None
    a.solved = None
    a.closed_at = None
    a.overdue = False
    a.urge_level = 0


def appeal_redo(*, actor: Any, appeal: Appeal | int, note: str, now: datetime | None = None) -> Appeal:
    """重办 after a dissatisfied 回访: the same unit handles it again with a new deadline."""
    note = _text(note, "note", limit=500)

    def change(a: Appeal) -> None:
        a.redo_count += 1
        _restart(a)

    return _transition(
        actor=actor,
        appeal=appeal,
        allowed_from=(Status.DISSATISFIED,),
        check=lambda a: _require(actor, "dispatch", a),
        change=change,
        kind=AppealEvent.Kind.REDO,
        note=note,
        now=now,
    )


def appeal_close(*, actor: Any, appeal: Appeal | int, note: str, now: datetime | None = None) -> Appeal:
    """办结 of a dissatisfied appeal with a recorded reason (the demand was handled lawfully but cannot be met)."""
    note = _text(note, "note", limit=500)

    def change(a: Appeal) -> None:
        a.status = Status.CLOSED
        a.closed_at = a._moment  # type: ignore[attr-defined]

    return _transition(
        actor=actor,
        appeal=appeal,
        allowed_from=(Status.DISSATISFIED,),
        check=lambda a: _require(actor, "dispatch", a),
        change=change,
        kind=AppealEvent.Kind.CLOSED,
        note=note,
        now=now,
    )


def appeal_archive(*, actor: Any, appeal: Appeal | int, now: datetime | None = None) -> Appeal:
    """归档 of a closed appeal (the daily task archives those closed for 30 days)."""

    def change(a: Appeal) -> None:
        a.status = Status.ARCHIVED

    return _transition(
        actor=actor,
        appeal=appeal,
        allowed_from=(Status.CLOSED,),
        check=lambda a: _require(actor, "dispatch", a),
        change=change,
        kind=AppealEvent.Kind.ARCHIVED,
        now=now,
        public=False,
    )


def appeal_reopen(*, actor: Any, appeal: Appeal | int, reason: str, now: datetime | None = None) -> Appeal:
    """重启 of a closed or archived appeal (the problem came back, a review found the answer wrong)."""
    reason = _text(reason, "reason", limit=500)

    def change(a: Appeal) -> None:
        a.reopen_count += 1
        _restart(a)

    return _transition(
        actor=actor,
        appeal=appeal,
        allowed_from=(Status.CLOSED, Status.ARCHIVED),
        check=lambda a: _require(actor, "dispatch", a),
        change=change,
        kind=AppealEvent.Kind.REOPENED,
        note=reason,
        now=now,
    )


def appeal_merge(*, actor: Any, appeal: Appeal | int, into: Appeal | int, now: datetime | None = None) -> Appeal:
    """并单: a duplicate joins an open primary appeal in the same county; its resident is told when the primary is
    answered."""
    primary_pk = into.pk if isinstance(into, Appeal) else into
    with transaction.atomic():
        primary = _lock(primary_pk)

        def check(a: Appeal) -> None:
            _require(actor, "dispatch", a)
            _require(actor, "dispatch", primary)
            if a.pk == primary.pk or primary.status not in OPEN_STATUSES or primary.merged_into_id:
                raise Conflict(_("只能并入另一件在办的诉求。"), code="bad_merge")
            if a.scope_path[:6] != primary.scope_path[:6]:
                raise ServiceError(_("只能合并同一县（市、区）的诉求。"), fields={"into": _("不在同一县")})

        def change(a: Appeal) -> None:
            a.status = Status.MERGED
            a.merged_into = primary

        return _transition(
            actor=actor,
            appeal=appeal,
            allowed_from=(Status.RECEIVED, Status.RETURNED, Status.DISPATCHED),
            check=check,
            change=change,
            kind=AppealEvent.Kind.MERGED,
            note=primary.number,
            now=now,
            data=lambda a: {"into": primary.number},
        )


def appeal_exclude(*, actor: Any, appeal: Appeal | int, reason: str, now: datetime | None = None) -> Appeal:
    """不纳入考核 (国办函〔2025〕66号: no one-number ranking; unreasonable appeals are not scored): the reason is
    recorded, the appeal leaves the scoring counters and stays in the received and excluded counts."""
    reason = _text(reason, "reason", limit=300)

    def check(a: Appeal) -> None:
        _require(actor, "exclude", a)
        if a.excluded_from_scoring:
            raise Conflict(_("该诉求已不纳入考核。"), code="already_excluded")

    def change(a: Appeal) -> None:
        a.excluded_from_scoring = True
        a.exclusion_reason = reason

    return _transition(
        actor=actor,
        appeal=appeal,
        allowed_from=tuple(Status.values),
        check=check,
        change=change,
        kind=AppealEvent.Kind.EXCLUDED,
        note=reason,
        now=now,
        public=False,
    )


# ---- photo files left by intakes that rolled back ---------------------------------------------------------------


def photo_orphans_sweep(*, now: datetime | None = None, grace: timedelta = timedelta(hours=1)) -> int:
    """Delete photo files that no `AppealPhoto` row names. An intake writes its photos to storage inside its
    transaction (so they exist when the rows commit); when that transaction rolls back — bad input found late, a
    caller's transaction failing, a crash — the files stay behind. Only the current and the previous month's folders
    are read (files are filed by upload month), and only files older than `grace`, so an intake still in flight keeps
    its files. Returns the number of files deleted."""
    from django.core.files.storage import default_storage

    moment = _now(now)
    first = timezone.localdate(moment).replace(day=1)
    folders = {f"appeals/{first:%Y/%m}/", f"appeals/{(first - timedelta(days=1)):%Y/%m}/"}
    deleted = 0
    for folder in sorted(folders):
        try:
            _dirs, files = default_storage.listdir(folder)
        except FileNotFoundError:
            continue
        known = set(AppealPhoto.objects.filter(image__startswith=folder).values_list("image", flat=True))
        for name in files:
            path = folder + name
            if path in known or default_storage.get_modified_time(path) > moment - grace:
                continue
            default_storage.delete(path)
            deleted += 1
    return deleted


# ---- the sweep (periodic): yellow at 80 %, red when overdue, archive after 30 days -------------------------------


def sweep(*, now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Mark 催办 (yellow) at the warning point and 督办 (red, overdue) past the deadline, as SYSTEM; archive appeals
    closed 30 days ago. Each appeal is its own transaction, so one failure never undoes the others."""
    moment = _now(now)
    counts = {"yellow": 0, "red": 0, "archived": 0}
    red = Appeal.objects.filter(status__in=OPEN_STATUSES, overdue=False, due_at__lt=moment).values_list(
        "pk", flat=True
    )[:batch]
    for pk in list(red):

        def overdue(a: Appeal) -> None:
            a.overdue = True
            a.urge_level = 2

        try:
            _transition(
                actor=SYSTEM,
                appeal=pk,
                allowed_from=OPEN_STATUSES,
                check=lambda a: None,
                change=overdue,
                kind=AppealEvent.Kind.URGED,
                note=_("已超过办理时限，系统督办（红牌）。"),
                now=moment,
                public=False,
                data=lambda a: {"level": 2, "auto": True},
            )
            counts["red"] += 1
        except Conflict:
            continue
    yellow = Appeal.objects.filter(status__in=OPEN_STATUSES, urge_level=0, warn_at__lte=moment).values_list(
        "pk", flat=True
    )[:batch]
    for pk in list(yellow):
        try:
            appeal_urge_system(appeal=pk, now=moment)
            counts["yellow"] += 1
        except Conflict:
            continue
    cutoff = moment - timedelta(days=30)
    for pk in list(
        Appeal.objects.filter(status=Status.CLOSED, closed_at__lt=cutoff).values_list("pk", flat=True)[:batch]
    ):
        try:
            appeal_archive(actor=SYSTEM, appeal=pk, now=moment)
            counts["archived"] += 1
        except Conflict:
            continue
    return counts


def appeal_urge_system(*, appeal: Appeal | int, now: datetime | None = None) -> Appeal:
    def change(a: Appeal) -> None:
        a.urge_level = max(a.urge_level, 1)

    return _transition(
        actor=SYSTEM,
        appeal=appeal,
        allowed_from=OPEN_STATUSES,
        check=lambda a: None,
        change=change,
        kind=AppealEvent.Kind.URGED,
        note=_("已用去 80% 办理时限，系统催办（黄牌）。"),
        now=now,
        public=False,
        data=lambda a: {"level": 1, "auto": True},
    )


# ---- provisional deadlines (暂定期限): recomputed when the working calendar changes ------------------------------


def deadlines_recompute(*, now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Recompute every provisional deadline under the working calendar as it stands now: run after the administrator
    confirms a year or changes an override (workdays.signals.calendar_changed, in the background) and periodically
    for safety. Idempotent: an appeal whose deadlines come out the same stays untouched. Each appeal is its own
    transaction; a changed one gets a 期限重新计算 step (ledgered) and, when its handling deadline became final on
    another date than the resident was told, a notice."""
    moment = _now(now)
    counts = {"checked": 0, "changed": 0, "final": 0, "told": 0}
    calendar = WorkingCalendar()  # one instance: each year is read once for the whole run
    last = 0
    while True:
        pks = list(
            Appeal.objects.filter(deadline_provisional=True, pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not pks:
            return counts
        for pk in pks:
            last = pk
            counts["checked"] += 1
            outcome = _recompute_one(pk, calendar, moment)
            for key in outcome:
                counts[key] += 1


@transaction.atomic
def _recompute_one(pk: int, calendar: WorkingCalendar, moment: datetime) -> set[str]:
    a = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("rule_set", "handling_unit")
        .filter(pk=pk, deadline_provisional=True)
        .first()
    )
    if a is None:
        return set()
    snap = _snap(a)
    old_due, old_signoff, old_basis = a.due_at, a.signoff_due_at, dict(a.deadline_basis or {})
    told = ""
    if held := old_basis.get("due"):
        found = _count(date.fromisoformat(held["from"]), int(held["days"]), calendar)
        start = datetime.fromisoformat(held["warn_from"])
        a.due_at = end_of_day(found.day)
        a.warn_at = start + (a.due_at - start) * a.rule_set.warn_percent / 100
        told = str(held.get("told", ""))
        _mark(a, "due", {**held, "told": told} if found.provisional else {})
        if a.replied_at is not None:
            a.replied_on_time = a.replied_at <= a.due_at
        if a.is_open and a.overdue and a.due_at > moment:
            a.overdue = False  # red only came from the guessed date
            a.urge_level = min(a.urge_level, 1)
    if held := old_basis.get("signoff"):
        found = _count(date.fromisoformat(held["from"]), int(held["days"]), calendar)
        a.signoff_due_at = end_of_day(found.day)
        _mark(a, "signoff", held if found.provisional else {})
        if a.signed_at is not None:
            a.signed_on_time = a.signed_at <= a.signoff_due_at
    due_moved, signoff_moved = a.due_at != old_due, a.signoff_due_at != old_signoff
    if not due_moved and not signoff_moved and (a.deadline_basis or {}) == old_basis:
        return set()
    a.save()
    new_day = _local(a.due_at).isoformat()
    outcome = {"changed"}
    if a.deadline_provisional:
        note = _("工作日历有变化，暂定期限重新计算为 %(d)s。") % {"d": due_text(_local(a.due_at), True)}
    else:
        outcome.add("final")
        note = _("工作日历已确认，办理时限按工作日历计算为 %(d)s。") % {"d": new_day}
    _step(
        actor=SYSTEM,
        appeal=a,
        kind=AppealEvent.Kind.DEADLINE_RECOMPUTED,
        before=str(a.status),
        note=note,
        public=due_moved or not a.deadline_provisional,
        at=moment,
        data={
            "due": new_day,
            "due_before": _local(old_due).isoformat(),
            "signoff": _local(a.signoff_due_at).isoformat() if a.signoff_due_at else None,
            "provisional": a.deadline_provisional,
        },
    )
    _move(snap, a)
    if told and not a.due_provisional and new_day != told and a.status in OPEN_STATUSES:
        notify.resident(
            appeal=a,
            message=_("您的诉求 %(n)s 的办理时限已按工作日历确定为 %(d)s（原暂定 %(t)s）。")
            % {"n": a.number, "d": new_day, "t": told},
        )
        outcome.add("told")
    return outcome


def provisional_waiting(year: int) -> int:
    """Appeals holding a provisional deadline that falls in `year` (the administrator's reminder)."""
    return (
        Appeal.objects.filter(deadline_provisional=True)
        .filter(Q(due_at__year=year) | Q(signoff_due_at__year=year))
        .count()
    )


# ---- catalog, dispatch routes and deadline rules (data) ---------------------------------------------------------


def _require_catalog(actor: Any) -> None:
    if not is_system(actor) and not policy.allows(actor, "manage_catalog"):
        raise Forbidden(_("您没有执行此操作的权限。"))


@transaction.atomic
def category_save(*, actor: Any, code: str, name: str, parent_code: str = "", active: bool = True) -> Category:
    """Create or update one category of the multi-level catalog (by code)."""
    _require_catalog(actor)
    code = _text(code, "code", limit=32)
    name = _text(name, "name", limit=60)
    parent = None
    if parent_code.strip():
        parent = Category.objects.filter(code=parent_code.strip()).first()
        if parent is None:
            raise ServiceError(_("上级分类不存在。"), fields={"parent_code": _("不存在")})
        if parent.path.split("/").count(code):
            raise ServiceError(_("分类不能成为自己的下级。"), fields={"parent_code": _("循环")})
    category, _created = Category.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "parent": parent,
            "level": (parent.level + 1) if parent else 1,
            "path": f"{parent.path}/{code}" if parent else code,
            "is_active": active,
        },
    )
    events.catalog_saved(actor=actor, category=category)
    return category


@transaction.atomic
def route_save(
    *,
    actor: Any,
    county: Division,
    category: Category,
    handler_kind: str,
    unit: Unit | None = None,
    matter_code: str = "",
) -> DispatchRoute:
    """One line of the dispatch catalog. A matter code must be an item code of the county's duty list (the same
    codes the duties gate reads; there is no second list)."""
    from gongzhi.duties.models import DutyItem

    _require_catalog(actor)
    if not is_system(actor) and not any(county.path.startswith(r) for r in policy.roots(actor, "manage_catalog")):
        raise NotFound(_("未找到该记录，或您无权查看。"))
    errors: dict[str, str] = {}
    if county.level != Level.COUNTY:
        errors["county"] = _("派单目录按县（市、区）编制")
    if handler_kind not in HandlerKind.values:
        errors["handler_kind"] = _("取值无效")
    if handler_kind == HandlerKind.DEPARTMENT and (unit is None or unit.kind != Unit.Kind.DEPARTMENT):
        errors["unit"] = _("职能部门事项须指定承办部门")
    code = matter_code.strip()
    if code and not DutyItem.objects.filter(county=county, code=code).exists():
        errors["matter_code"] = _("该县权责清单中没有编码 %(c)s") % {"c": code}
    if handler_kind == HandlerKind.RESIDENTS_COMMITTEE and not code:
        errors["matter_code"] = _("派给社区的事项须注明清单事项编码")
    if errors:
        raise ServiceError(_("派单目录填写有误。"), fields=errors)
    route, _created = DispatchRoute.objects.update_or_create(
        county=county,
        category=category,
        defaults={
            "scope_path": county.path,
            "handler_kind": handler_kind,
            "unit": unit if handler_kind == HandlerKind.DEPARTMENT else None,
            "matter_code": code,
        },
    )
    events.route_saved(actor=actor, route=route)
    return route


@transaction.atomic
def rules_save(
    *,
    actor: Any,
    name: str,
    effective_from: date,
    days: dict[str, int],
    signoff_days: int = 1,
    warn_percent: int = 80,
    basis: str = "",
) -> DeadlineRuleSet:
    """A new version of a deadline rule set (earlier versions stay for the appeals accepted under them)."""
    _require_catalog(actor)
    errors: dict[str, str] = {}
    for appeal_type in AppealType.values:
        value = days.get(appeal_type)
        if not isinstance(value, int) or not 1 <= value <= 60:
            errors[appeal_type] = _("应为 1 到 60 个工作日")
    if not 1 <= signoff_days <= 5:
        errors["signoff_days"] = _("应为 1 到 5 个工作日")
    if not 50 <= warn_percent <= 95:
        errors["warn_percent"] = _("应为 50 到 95")
    if errors:
        raise ServiceError(_("时限规则填写有误。"), fields=errors)
    last = DeadlineRuleSet.objects.filter(name=name).order_by("-version").first()
    rules = DeadlineRuleSet.objects.create(
        name=_text(name, "name", limit=80),
        version=(last.version + 1) if last else 1,
        effective_from=effective_from,
        basis=basis[:200],
        days={k: days[k] for k in AppealType.values},
        signoff_days=signoff_days,
        warn_percent=warn_percent,
    )
    events.rules_saved(actor=actor, rules=rules)
    return rules


SICHUAN_2025: dict[str, int] = {
    AppealType.CONSULT: 3,
    AppealType.HELP: 7,
    AppealType.SUGGESTION: 7,
    AppealType.COMPLAINT: 15,
    AppealType.REPORT: 15,
    AppealType.PRAISE: 7,
    AppealType.OTHER: 15,
}


def rules_ensure_default() -> DeadlineRuleSet:
    """The default Sichuan 2025 rule set (咨询 3, 求助/意见建议 7, 投诉/举报 15 working days; sign-off in 1)."""
    existing = DeadlineRuleSet.objects.filter(name="四川省 2025").order_by("-version").first()
    if existing is not None:
        return existing
    return rules_save(
        actor=SYSTEM,
        name="四川省 2025",
        effective_from=date(2025, 1, 1),
        days=dict(SICHUAN_2025),
        basis="国办发〔2020〕53号；四川省 12345 热线诉求办理规则（2025）",
    )


def mobile_of(appeal: Appeal) -> str:
    """The contact's full mobile, for the staff member calling back (never rendered in lists or the API)."""
    if not appeal.contact_mobile_cipher:
        return ""
    return vault.decrypt(MOBILE_FIELD, appeal.contact_mobile_cipher)


def catalog_load_default(*, actor: Any = SYSTEM) -> int:
    """Load the bundled category catalog (appeals/data/categories.csv) through `category_save`; idempotent."""
    import csv
    from pathlib import Path

    path = Path(__file__).with_name("data") / "categories.csv"
    count = 0
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            category_save(actor=actor, code=row["code"], name=row["name"], parent_code=row["parent_code"])
            count += 1
    return count
