"""Duties API: the gate's decision, tasks through the gate, admission applications and their decision, violations."""

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from gongzhi.core.api import Page, paginate
from gongzhi.core.errors import Forbidden, NotFound
from gongzhi.people.models import Unit
from gongzhi.territory.models import Division
from gongzhi.territory.selectors import division_by_code

from . import selectors, services
from .models import AdmissionApplication, Category, Task
from .permissions import policy

router = Router(tags=["duties 权责清单"])


class DecisionOut(Schema):
    allowed: bool
    outcome: str
    code: str
    reason: str
    item_code: str | None
    list_version: int | None


class GateQuery(Schema):
    community: str = Field(..., pattern=r"^\d{12,15}$")
    matter_code: str = Field("", max_length=32)
    kind: Task.Kind = Task.Kind.WORK_ITEM
    on: date | None = None


class Resources(Schema):
    funds_yuan: Decimal = Field(Decimal("0"), ge=0, max_digits=12, decimal_places=2)
    funds_source: str = Field("", max_length=200)
    staff: str = Field("", max_length=200)
    training: str = Field("", max_length=200)
    equipment: str = Field("", max_length=200)
    information_systems: str = Field("", max_length=200)


class TaskIn(Schema):
    community: str = Field(..., pattern=r"^\d{12,15}$")
    kind: Task.Kind
    matter_code: str = Field("", max_length=32)
    title: str = Field(..., min_length=1, max_length=120)
    body: str = Field("", max_length=4000)
    due_on: date | None = None


class TaskOut(Resources):
    id: int
    community: str = Field(..., alias="community.code")
    sender_unit: str = Field(..., alias="sender_unit.name")
    kind: str
    matter_code: str
    title: str
    status: str
    reason: str
    via_platform: bool


class ApplicationIn(Resources):
    category: Category
    code: str = Field(..., max_length=32)
    name: str = Field(..., max_length=120)
    legal_basis: str = Field("", max_length=300)
    community_role: str = Field("", max_length=2000)
    frequency: str = Field("", max_length=120)
    ledgers: str = Field("", max_length=300)
    starts_on: date | None = None
    ends_on: date | None = None


class ApplicationOut(Resources):
    id: int
    department: str = Field(..., alias="department.name")
    category: str
    code: str
    name: str
    legal_basis: str
    starts_on: date
    ends_on: date
    submitted_on: date
    review_due_on: date
    status: str
    meeting_reference: str


class DecisionIn(Schema):
    admit: bool
    meeting_reference: str = Field("", max_length=120)
    meeting_date: date | None = None
    note: str = Field("", max_length=2000)
    refusal_ground: AdmissionApplication.RefusalGround = AdmissionApplication.RefusalGround.NONE


class ViolationOut(Schema):
    id: int
    offender: str = Field(..., alias="offender.name")
    community: str = Field(..., alias="community.code")
    source: str
    status: str
    summary: str
    opened_on: date
    notice_disclosure_id: int | None


def _community(code: str) -> Division:
    community = division_by_code(code)
    if community is None:
        raise NotFound(_not_found())
    return community


def _not_found() -> str:
    from django.utils.translation import gettext as _

    return _("未找到该记录，或您无权查看。")


@router.get("/gate", response=DecisionOut, summary="May this matter be dispatched to this community? 闸口预检")
def gate_check(request: HttpRequest, query: Query[GateQuery]) -> dict[str, object]:
    if not policy.allows(request.user, "view"):
        raise Forbidden(_not_found())
    try:
        sender_kind = services.actor_unit(
            request.user, "send_task", {Unit.Kind.DEPARTMENT, Unit.Kind.STREET_OFFICE}
        ).kind
    except Forbidden:
        sender_kind = ""
    decision = selectors.community_may_receive(
        matter_code=query.matter_code,
        community=_community(query.community),
        on=query.on or timezone.localdate(),
        kind=query.kind,
        sender_kind=sender_kind,
    )
    return {
        "allowed": decision.allowed,
        "outcome": decision.outcome,
        "code": decision.code,
        "reason": decision.reason,
        "item_code": decision.item.code if decision.item else None,
        "list_version": decision.version.pk if decision.version else None,
    }


@router.get("/tasks", response=Page[TaskOut], summary="Tasks in scope 派发任务")
def list_tasks(
    request: HttpRequest, status: Task.Status | None = None, limit: int = 50, offset: int = 0
) -> dict[str, object]:
    return paginate(selectors.task_list(viewer=request.user, status=status), limit=limit, offset=offset)


@router.post("/tasks", response={201: TaskOut}, summary="Send a task through the gate 经闸口派发任务")
def send_task(request: HttpRequest, payload: TaskIn) -> tuple[int, object]:
    data = payload.dict()
    task = services.task_send(actor=request.user, community=_community(data.pop("community")), **data)
    return 201, task


@router.get("/applications", response=Page[ApplicationOut], summary="Admission applications 准入申请")
def list_applications(
    request: HttpRequest, status: AdmissionApplication.Status | None = None, limit: int = 50, offset: int = 0
) -> dict[str, object]:
    return paginate(selectors.application_list(viewer=request.user, status=status), limit=limit, offset=offset)


@router.post("/applications", response={201: ApplicationOut}, summary="Apply for admission 申请准入")
def submit_application(request: HttpRequest, payload: ApplicationIn) -> tuple[int, object]:
    return 201, services.application_submit(actor=request.user, **payload.dict())


@router.post("/applications/{pk}/decision", response=ApplicationOut, summary="Decide an application 审批")
def decide_application(request: HttpRequest, pk: int, payload: DecisionIn) -> object:
    application = selectors.application_get(viewer=request.user, pk=pk)
    return services.application_decide(actor=request.user, application=application, **payload.dict())


@router.get("/violations", response=Page[ViolationOut], summary="Violation cases 违规转嫁案件")
def list_violations(request: HttpRequest, limit: int = 50, offset: int = 0) -> dict[str, object]:
    return paginate(selectors.violation_list(viewer=request.user), limit=limit, offset=offset)
