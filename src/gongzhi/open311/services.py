"""Writes of the Open311 domain: API keys, and service requests — which go through the appeals intake service
(`appeals.services.appeal_submit`, channel `open311`); this app never writes appeal rows itself (R14.3)."""

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.appeals.models import AppealType, Channel
from gongzhi.appeals.services import Contact, appeal_submit
from gongzhi.core.actors import SYSTEM
from gongzhi.core.errors import Forbidden, NotFound, ServiceError
from gongzhi.routing.services import suggest
from gongzhi.territory.models import Division
from gongzhi.territory.selectors import division_by_code

from . import events
from .models import ApiKey
from .permissions import policy

DEMO_KEY = "demo-key"  # valid only where settings.GONGZHI_DEMO is true (the embedded demo), never in production
KEY_PREFIX = "g311_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _scope(code: str) -> str:
    code = (code or "").strip()
    if not code:
        return str(getattr(settings, "GONGZHI_CITY_CODE", "5106"))
    division = Division.objects.filter(code=code).first() or Division.objects.filter(path=code).first()
    if division is None:
        raise ServiceError(_("区划代码不存在。"), code="unknown_division", fields={"scope": _("请填写有效的区划代码")})
    return division.path


def apikey_issue(*, actor: Any, client: str, scope: str = "", note: str = "") -> tuple[ApiKey, str]:
    """Issue a key to a client; the plaintext is returned once and never stored."""
    policy.require(actor, "manage_keys")
    client = (client or "").strip()
    if not client or len(client) > 80:
        raise ServiceError(_("请填写客户端名称（不超过 80 个字符）。"), fields={"client": _("必填")})
    if len(note) > 200:
        raise ServiceError(_("备注过长。"), fields={"note": _("不超过 200 个字符")})
    path = _scope(scope)
    plaintext = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        key = ApiKey.objects.create(
            client=client,
            prefix=plaintext[: len(KEY_PREFIX) + 4],
            key_hash=_hash(plaintext),
            scope_path=path,
            note=note.strip(),
            issued_by=actor,
        )
        events.key_issued(actor=actor, key=key)
    return key, plaintext


def apikey_revoke(*, actor: Any, key: ApiKey | int) -> ApiKey:
    policy.require(actor, "manage_keys")
    with transaction.atomic():
        pk = key.pk if isinstance(key, ApiKey) else key
        row = ApiKey.objects.select_for_update().filter(pk=pk).first()
        if row is None or not policy.can(actor, "manage_keys", row):
            raise NotFound(_("未找到该记录，或您无权查看。"))
        if row.revoked_at is None:
            row.revoked_at = timezone.now()
            row.save(update_fields=["revoked_at"])
            events.key_revoked(actor=actor, key=row)
    return row


def demo_key_ensure() -> ApiKey | None:
    """The embedded demo's `demo-key` (idempotent); nothing happens outside the demo."""
    if not getattr(settings, "GONGZHI_DEMO", False):
        return None
    existing = ApiKey.objects.filter(key_hash=_hash(DEMO_KEY)).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        key = ApiKey.objects.create(
            client="演示客户端 demo",
            prefix=DEMO_KEY[:8],
            key_hash=_hash(DEMO_KEY),
            scope_path=str(getattr(settings, "GONGZHI_CITY_CODE", "5106")),
            note="嵌入式演示专用，生产环境无效",
            is_demo=True,
        )
        events.key_issued(actor=SYSTEM, key=key)
    return key


def authenticate(api_key: str | None) -> ApiKey:
    """The client behind a key; a missing, unknown, revoked or (outside the demo) demo key is refused alike."""
    plaintext = (api_key or "").strip()
    if not plaintext or len(plaintext) > 200:
        raise Forbidden(_("缺少或无效的 api_key。"), code="invalid_api_key")
    key = ApiKey.objects.filter(key_hash=_hash(plaintext), revoked_at__isnull=True).first()
    if key is None or (key.is_demo and not getattr(settings, "GONGZHI_DEMO", False)):
        raise Forbidden(_("缺少或无效的 api_key。"), code="invalid_api_key")
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key


@dataclass(frozen=True)
class Submitted:
    service_request_id: str
    pickup_code: str
    replayed: bool
    due_provisional: bool = False  # the deadline is a 暂定期限 (the working calendar of its year is not confirmed)


def request_submit(
    *,
    key: ApiKey,
    service_code: str,
    description: str,
    address_id: str = "",
    jurisdiction_id: str = "",
    address_string: str = "",
    lat: str = "",
    long: str = "",
    appeal_type: str = "",
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    media: Sequence[IO[bytes] | Any] = (),
    idempotency_key: str = "",
) -> Submitted:
    """POST requests.json: resolve the place, choose the type, and hand everything to the intake service."""
    if not (service_code or "").strip():
        raise ServiceError(_("缺少 service_code。"), code="missing_service_code", fields={"service_code": _("必填")})
    place_code = (address_id or "").strip() or (jurisdiction_id or "").strip()
    if not place_code:
        if lat or long:
            raise ServiceError(
                _("暂不支持经纬度定位，请用 address_id 提交社区（村）或网格代码。"),
                code="location_unsupported",
                fields={"address_id": _("必填")},
            )
        raise ServiceError(
            _("请用 address_id 提交诉求地点（社区或网格代码）。"),
            code="missing_location",
            fields={"address_id": _("必填")},
        )
    place = division_by_code(place_code)
    if place is not None and not place.path.startswith(key.scope_path):
        raise Forbidden(_("该密钥无权提交此区域的诉求。"), code="outside_key_scope")
    kind = (appeal_type or "").strip()
    if kind and kind not in AppealType.values:
        raise ServiceError(_("诉求类型无效。"), code="invalid_appeal_type", fields={"appeal_type": _("无效")})
    if not kind:
        # R8.1: the routing model's suggestion; staff can still change the type at dispatch
        kind = suggest(description).type.label if (description or "").strip() else AppealType.OTHER
    name = f"{(last_name or '').strip()}{(first_name or '').strip()}"[:40]
    appeal = appeal_submit(
        actor=SYSTEM,
        channel=Channel.OPEN311,
        appeal_type=kind,
        category=service_code.strip(),
        place=place if place is not None else place_code,
        text=description or "",
        photos=media,
        contact=Contact(name=name, mobile=(phone or "").strip()),
        address=address_string or "",
        idempotency_key=idempotency_key or None,
        idempotency_owner=key.owner,
    )
    return Submitted(
        service_request_id=appeal.number,
        pickup_code=str(getattr(appeal, "pickup_code", "")),
        replayed=bool(getattr(appeal, "replayed", False)),
        due_provisional=appeal.due_provisional,
    )
