"""Appeals API (/api/v1/appeals/): intake with an Idempotency-Key header, the staff queue by keyset, detail with the
timeline, the main workflow steps, and the rollup statistics. Errors: {code, message, fields}."""

from datetime import date, datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from pydantic import BaseModel

from gongzhi.core.errors import NotFound
from gongzhi.people.models import Unit

from . import selectors, services
from .models import Appeal, AppealType, Channel
from .permissions import policy

router = Router(tags=["appeals 民生诉求"])


class AppealIn(Schema):
    appeal_type: AppealType
    category: str = Field(..., max_length=32)
    place: str = Field(..., max_length=15, description="community or grid code")
    text: str = Field(..., description="1–5,000 characters")
    address: str = Field("", max_length=120)
    contact_name: str = Field("", max_length=40)
    contact_mobile: str = Field("", max_length=20)


class CreatedOut(Schema):
    id: int
    number: str
    pickup_code: str
    status: str
    due_at: datetime
    due_provisional: bool = Field(
        ...,
        description="true: 暂定期限, counted Monday–Friday for a year the working "
        "calendar lacks; recomputed (and the resident told) once the year is confirmed",
    )
    replayed: bool


class AppealOut(BaseModel):
    """Built from plain dicts by the views, so a plain pydantic model: validated in pydantic's core. Ninja's `Schema`
    would wrap every value of every row in its ORM-attribute getter first — on the staff queue (20 rows × 11 fields per
    request) that was most of the request's Python time."""

    id: int
    number: str
    appeal_type: str
    category: str
    title: str
    place: str
    status: str
    colour: str
    handling_unit: str | None
    accepted_at: datetime
    due_at: datetime
    due_provisional: bool


class EventOut(BaseModel):
    kind: str
    at: datetime
    actor: str
    unit: str | None
    note: str


class AppealDetail(AppealOut):
    text: str
    reply: str
    contact_mobile: str
    satisfaction: int | None
    timeline: list[EventOut]


class QueueOut(BaseModel):
    items: list[AppealOut]
    next: str | None


class DispatchIn(Schema):
    unit_id: int | None = None
    matter_code: str | None = Field(None, max_length=32)
    note: str = Field("", max_length=500)


class ReplyIn(Schema):
    reply: str


class ReturnIn(Schema):
    reason: str
    basis: str


class VisitIn(Schema):
    satisfaction: int = Field(..., ge=1, le=5)
    solved: bool
    note: str = Field("", max_length=500)


class StatOut(Schema):
    key: str | None
    received: int
    signed: int
    signed_on_time: int
    replied: int
    replied_on_time: int
    closed: int
    overdue: int
    excluded: int
    signoff_rate: float | None
    ontime_rate: float | None
    satisfaction: float | None


def _out(appeal: Appeal) -> dict[str, Any]:
    return {
        "id": appeal.pk,
        "number": appeal.number,
        "appeal_type": appeal.appeal_type,
        "category": appeal.category.code,
        "title": appeal.title,
        "place": appeal.place.code,
        "status": appeal.status,
        "colour": selectors.colour(appeal),
        "handling_unit": appeal.handling_unit.name if appeal.handling_unit else None,
        "accepted_at": appeal.accepted_at,
        "due_at": appeal.due_at,
        "due_provisional": appeal.due_provisional,
    }


def _detail(appeal: Appeal, viewer: Any) -> dict[str, Any]:
    staff = policy.can(viewer, "view", appeal)
    events = selectors.timeline(appeal=appeal, public_only=not staff)
    return {
        **_out(appeal),
        "text": appeal.text,
        "reply": appeal.reply,
        "contact_mobile": appeal.contact_mobile_masked,
        "satisfaction": appeal.satisfaction,
        "timeline": [
            {
                "kind": e.kind,
                "at": e.at,
                "actor": e.actor_label,
                "unit": e.unit.name if e.unit else None,
                "note": e.note,
            }
            for e in events
        ],
    }


@router.post("/", response={200: CreatedOut, 201: CreatedOut})
def create(request: HttpRequest, payload: AppealIn) -> tuple[int, dict[str, Any]]:
    """Submit an appeal. Send `Idempotency-Key`: a retry with the same key and body answers the original appeal
    (200, `replayed: true`) and creates nothing; the same key with another body answers 409."""
    return _submit(request, payload, [])


@router.post("/with-photos", response={200: CreatedOut, 201: CreatedOut})
def create_with_photos(
    request: HttpRequest,
    payload: Form[AppealIn],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> tuple[int, dict[str, Any]]:
    """The same as `POST /`, as `multipart/form-data` with up to 6 photos (`photos`, JPEG/PNG/WebP, 5 MB each;
    re-encoded without camera metadata). The appeal and its photos are written together or not at all; the
    `Idempotency-Key` covers the photos too."""
    return _submit(request, payload, list(photos or []))


def _submit(request: HttpRequest, payload: AppealIn, photos: list[Any]) -> tuple[int, dict[str, Any]]:
    appeal = services.appeal_submit(
        actor=request.user,
        channel=Channel.API,
        appeal_type=payload.appeal_type,
        category=payload.category,
        place=payload.place,
        text=payload.text,
        address=payload.address,
        contact=services.Contact(payload.contact_name, payload.contact_mobile),
        photos=photos,
        idempotency_key=request.headers.get("Idempotency-Key"),
    )
    replayed = bool(getattr(appeal, "replayed", False))
    body = {
        "id": appeal.pk,
        "number": appeal.number,
        "pickup_code": getattr(appeal, "pickup_code", ""),
        "status": appeal.status,
        "due_at": appeal.due_at,
        "due_provisional": appeal.due_provisional,
        "replayed": replayed,
    }
    return (200 if replayed else 201), body


@router.get("/queue", response=QueueOut)
def queue(
    request: HttpRequest,
    status: str | None = None,
    mine: bool = False,
    after: str | None = Query(None, max_length=40),  # type: ignore[type-arg]
    limit: int = Query(20, ge=1, le=100),  # type: ignore[type-arg]
) -> dict[str, Any]:
    """The staff queue ordered by deadline (keyset: pass `next` back as `after`; no COUNT)."""
    rows, cursor = selectors.queue_rows(viewer=request.user, status=status, mine=mine, after=after, limit=limit)
    return {"items": rows, "next": cursor}


@router.get("/stats", response=list[StatOut])
def stats(
    request: HttpRequest,
    by: str = Query("type", pattern="^(type|category|street|unit)$"),  # type: ignore[type-arg]
    start: date | None = None,
    end: date | None = None,
) -> list[dict[str, Any]]:
    """Rollup figures (never a scan of the appeals) in the caller's scope."""
    today = timezone.localdate()
    rows = selectors.stats(viewer=request.user, start=start or today - timedelta(days=365), end=end or today, by=by)
    return [{**r, "key": None if r["key"] is None else str(r["key"])} for r in rows]


@router.get("/{number}", response=AppealDetail)
def detail(request: HttpRequest, number: str) -> dict[str, Any]:
    appeal = selectors.appeal_by_number(viewer=request.user, number=number)
    return _detail(appeal, request.user)


def _appeal_for(request: HttpRequest, number: str) -> Appeal:
    return selectors.appeal_by_number(viewer=request.user, number=number)


@router.post("/{number}/dispatch", response=AppealOut)
def dispatch(request: HttpRequest, number: str, payload: DispatchIn) -> dict[str, Any]:
    appeal = _appeal_for(request, number)
    unit = None
    if payload.unit_id is not None:
        unit = Unit.objects.filter(pk=payload.unit_id).first()
        if unit is None:
            raise NotFound(_("未找到该记录，或您无权查看。"))
    return _out(
        services.appeal_dispatch(
            actor=request.user, appeal=appeal, unit=unit, matter_code=payload.matter_code, note=payload.note
        )
    )


@router.post("/{number}/sign", response=AppealOut)
def sign(request: HttpRequest, number: str) -> dict[str, Any]:
    return _out(services.appeal_sign(actor=request.user, appeal=_appeal_for(request, number)))


@router.post("/{number}/reply", response=AppealOut)
def reply(request: HttpRequest, number: str, payload: ReplyIn) -> dict[str, Any]:
    return _out(services.appeal_reply(actor=request.user, appeal=_appeal_for(request, number), reply=payload.reply))


@router.post("/{number}/return", response=AppealOut)
def give_back(request: HttpRequest, number: str, payload: ReturnIn) -> dict[str, Any]:
    appeal = _appeal_for(request, number)
    return _out(services.appeal_return(actor=request.user, appeal=appeal, reason=payload.reason, basis=payload.basis))


@router.post("/{number}/visit", response=AppealOut)
def visit(request: HttpRequest, number: str, payload: VisitIn) -> dict[str, Any]:
    appeal = _appeal_for(request, number)
    done = services.appeal_visit(
        actor=request.user, appeal=appeal, satisfaction=payload.satisfaction, solved=payload.solved, note=payload.note
    )
    return _out(done)
